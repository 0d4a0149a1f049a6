"""Bounds on everything a command line can make large, checked before any work starts.

A scenario bounds its own sizes (its registry ranges, ``Consult(k)`` with ``k <= 10``, at
most 8 strategies); the command line adds the number of points of a map, a sweep or a
sample, and the seed.  Each bound keeps one command's memory well under 1 GiB: a map holds
its whole table in memory, a sweep streams chunks to disk but draws its design at once.
Output paths are checked too, so that a run never computes for minutes and then fails on a
missing folder.  Every failure is one line, exit code 2 (see :mod:`cli_common`).
"""

from __future__ import annotations

import argparse
import math
import os
from typing import NoReturn

from triangle.presentation.cli_common import UsageError

#: Most points of a map (its table is held in memory and drawn).
MAX_MAP_POINTS = 250_000
#: Most points of a sweep (streamed to disk in chunks; a Latin hypercube is drawn at once:
#: 8 bytes per point and parameter, 240 MB for 10^7 points of three parameters).
MAX_SWEEP_POINTS = 10_000_000
#: Most model evaluations of a sensitivity analysis or a scenario discovery.
MAX_EVALUATIONS = 200_000
#: Seeds are those of numpy's ``SeedSequence`` entropy we record: 0 to 2**63 - 1.
MAX_SEED = 2**63 - 1


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (no usage block), exit code 2:
    the same promise as for bad scenario files."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {' '.join(message.split())} (see {self.prog} --help)\n")


def bounded(option: str, value: int, low: int, high: int, what: str) -> int:
    """``value`` if ``low <= value <= high``, else a :class:`UsageError` naming ``option``."""
    if not low <= value <= high:
        raise UsageError(f"{option}: expected {what} from {low} to {high}, found {value}")
    return value


def seed(option: str, value: int) -> int:
    """A seed from 0 to ``MAX_SEED``."""
    return bounded(option, value, 0, MAX_SEED, "an integer seed")


def output_path(option: str, path: str | os.PathLike[str] | None) -> None:
    """Fail now, not after the computation, if ``path`` cannot become an output file: it is a
    directory, or its folder is missing or is not a folder."""
    if path is None:
        return
    file = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(file))
    if os.path.isdir(file) or file.endswith(os.sep):
        raise UsageError(f"{option} {file}: expected a file name, found a directory")
    if not os.path.isdir(folder):
        found = "a file" if os.path.exists(folder) else "no such folder"
        raise UsageError(f"{option} {file}: expected a file in an existing folder, found {found} "
                         f"at {folder}")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {file}: expected a writable folder, found {folder} read-only")



#: Most cells (points x rounds x strategies) of a learning run: each dynamic keeps both
#: sides' whole paths (about eight arrays of that many floats), so 2**24 cells stay < 1 GiB.
MAX_LEARNING_CELLS = 2**24


def learning_run(years: float, period_years: float, points: int, strategies: int) -> None:
    """Fail before a learning run whose paths (one round a period) would not fit the bound."""
    rounds = math.ceil(years / period_years) + 1
    if points * rounds * strategies > MAX_LEARNING_CELLS:
        most = (MAX_LEARNING_CELLS // (points * strategies) - 1) * period_years
        raise UsageError(f"--years: expected at most {most:g} years of learning ({points} points, "
                         f"{strategies} strategies, periods of {period_years:g} years), found "
                         f"{years:g}")


def grid_points(option: str, nx: int, ny: int, most: int = MAX_MAP_POINTS) -> None:
    """Fail before a grid of more than ``most`` points is built."""
    if nx * ny > most:
        raise UsageError(f"{option}: expected a grid of at most {most} points, found {nx} x {ny}")

"""What every ``triangle`` command shares: the exit code for bad input, usage errors, scenario
arguments, atomic text output and the Dask client context."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from triangle.common.atomic import atomic_replace
from triangle.scenario.files import Scenario, library_dir, load_scenario, parse_override
from triangle.scenario.ranges import ArgumentError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class UsageError(Exception):
    """A bad command-line value (not a scenario file problem); reported in one line, exit 2."""


# The library's argument names and the flags that carry them.
FLAGS = {"vary": "--vary", "samples": "--samples", "grid": "--samples",
         "trajectories": "--samples", "output": "--measure"}


def usage_error(err: ArgumentError) -> UsageError:
    """A library :class:`~triangle.scenario.ranges.ArgumentError` in the command line's terms."""
    return UsageError(err.render(FLAGS.get(err.argument, err.argument)))


class Interrupted(KeyboardInterrupt):
    """Ctrl-C with something to say (what was kept, how to go on); one line, exit 130."""


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically."""
    atomic_replace(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def resolve_scenario(file: str) -> str:
    """``file`` itself if it exists, else the library scenario of that name (``kissinger_1971``
    or ``kissinger_1971.toml``, as ``triangle scenarios`` lists it); unchanged if neither."""
    if Path(file).exists() or os.sep in file or "/" in file:
        return file
    shipped = library_dir() / (file if file.endswith(".toml") else f"{file}.toml")
    return str(shipped) if shipped.is_file() else file


def scenario_from_args(file: str, assignments: Sequence[str] | None) -> Scenario:
    """Load a scenario (a file, or a library name) and apply ``--set PATH=VALUE`` overrides,
    all validated."""
    file = resolve_scenario(file)
    scenario = load_scenario(file)
    overrides = dict(parse_override(a) for a in assignments or ())
    return scenario.replace(overrides, origin=f"{file}: --set") if overrides else scenario


def add_scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="scenario file (TOML), or the name of a shipped scenario "
                   "(see `triangle scenarios`)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter, e.g. --set schism.cost.target=existential")


@contextlib.contextmanager
def dask_client(address: str | None, workers: int | None = None) -> Iterator[Any]:
    """``None``: no client; ``"local"``: a LocalCluster on 127.0.0.1 of ``workers`` (default
    2) for the ``with`` block; otherwise a client of the scheduler at ``address``.  Closed on
    exit; a missing extra or an unreachable scheduler is a :class:`UsageError`."""
    if address is None:
        yield None
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise UsageError("--dask: expected dask[distributed] installed (pip install "
                         "'strategic-triangle[dask]'), found it missing") from None
    from triangle.analysis.execution import local_cluster

    if address == "local":
        client = local_cluster(workers or 2)
    else:
        if workers is not None:
            raise UsageError("--workers: applies to --dask local or a process pool; the remote "
                             "cluster's workers are started with `dask worker`")
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError, ValueError) as err:
            first = str(err).splitlines()[0] if str(err) else ""
            raise UsageError(f"--dask {address}: expected a reachable Dask scheduler, found "
                             f"{type(err).__name__}: {first}") from None
    try:
        yield client
    finally:
        cluster = client.cluster if address == "local" else None
        client.close()
        if cluster is not None:
            cluster.close()

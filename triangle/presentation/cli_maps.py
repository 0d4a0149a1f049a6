"""The ``map`` and ``sweep`` commands (see ``docs/sweeps.md``).

``triangle map FILE --x PATH=LO:HI:N --y PATH=LO:HI:N [-o map.png|.svg|.pdf] [--data map.csv]``
draws an equilibrium map; ``triangle sweep FILE (--grid PATH=LO:HI:N ... | --samples N --vary
PATH=LO:HI ...) -o results.csv|.parquet`` streams a sweep to disk, resumably.  Both run in
process, on a local process pool (``--workers N``) or on a Dask cluster (``--dask ADDRESS`` or
``--dask local``).  Every specification is checked before any work starts: a bad one is one
line on stderr, exit code 2, and no output file.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import math
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from triangle.presentation import cli_checks
from triangle.presentation.cli_common import (
    Interrupted,
    UsageError,
    add_scenario_args,
    dask_client,
    scenario_from_args,
)
from triangle.scenario import ranges
from triangle.scenario.files import ScenarioError
from triangle.scenario.ranges import ArgumentError
from triangle.solvers.registry import backends

CHUNK_DEFAULT = {"game": 2000, "closed_form": 200_000}
#: A game sweep of at least this many points takes chunks of ``LARGE_CHUNK`` by default: a
#: chunk's fixed costs (its games' shapes, a part file) then weigh less, and there are still
#: hundreds of chunks to share among the workers and to resume from.
LARGE_SWEEP, LARGE_CHUNK = 500_000, 5000


def _count(option: str, text: str, what: str, path: str | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= cli_checks.MAX_SWEEP_POINTS:
        raise ScenarioError(option, path, f"an integer {what} from 1 to "
                            f"{cli_checks.MAX_SWEEP_POINTS}", repr(text))
    return value


def _checked(option: str, parse: Any, text: str) -> Any:
    """A range parsed by the library's one parser, its error reported under ``option``."""
    try:
        return parse(text)
    except ArgumentError as err:
        raise ScenarioError(option, err.path, err.expected, err.found or repr(text),
                            hint=err.hint) from None


def parse_axis(option: str, text: str) -> tuple[str, np.ndarray]:
    """``"PATH=LO:HI:N"`` -> ``(path, N values from LO to HI)``
    (:func:`triangle.scenario.ranges.parse_axis`)."""
    r, n = _checked(option, ranges.parse_axis, text)
    if n > cli_checks.MAX_SWEEP_POINTS:  # before the axis is allocated
        raise ScenarioError(option, r.path, f"at most {cli_checks.MAX_SWEEP_POINTS} values N", str(n))
    return r.path, np.linspace(r.low, r.high, n)


def parse_range(option: str, text: str) -> tuple[str, tuple[float, float]]:
    """``"PATH=LO:HI"`` -> ``(path, (lo, hi))`` (:func:`triangle.scenario.ranges.parse_range`)."""
    r = _checked(option, ranges.parse_range, text)
    return r.path, (r.low, r.high)


def _unique(option: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in pairs:
        if path in out:
            raise ScenarioError(option, path, "each parameter path once", "it twice")
        out[path] = value
    return out


def _suffix(option: str, file: str | None, allowed: tuple[str, ...]) -> None:
    if file is not None and Path(file).suffix.lower() not in allowed:
        raise UsageError(f"{option} {file}: expected a file name ending in {' or '.join(allowed)}")


def _not_a_folder(option: str, file: str | None) -> None:
    """Refuse, before any work, an output that is a folder or lies in a missing one."""
    if file is None:
        return
    if Path(file).is_dir():
        raise UsageError(f"{option} {file}: expected a file name, found a directory")
    if not Path(file).parent.is_dir():
        raise UsageError(f"{option} {file}: expected an existing folder {str(Path(file).parent)!r}, "
                         "found none")


def _workers(args: argparse.Namespace) -> int | None:
    return None if args.workers is None else _count("--workers", args.workers, "number of workers")


@contextlib.contextmanager
def executor_from_args(args: argparse.Namespace, workers: int | None) -> Iterator[Any]:
    """None, a process-pool size, or a Dask client (closed on exit)."""
    if not args.dask:
        yield workers
        return
    with dask_client(args.dask, workers) as client:
        yield client


def _chunk_size(args: argparse.Namespace, points: int = 0) -> int:
    if args.chunk_size is None:
        large = args.kind == "game" and points >= LARGE_SWEEP
        return LARGE_CHUNK if large else CHUNK_DEFAULT[args.kind]
    return _count("--chunk-size", args.chunk_size, "chunk size")


#: Chunks per worker a game map is cut into by default: enough that the workers finish
#: together, few enough that each chunk's games come in large batches.
MAP_CHUNKS_PER_WORKER = 4


def _map_chunk_size(args: argparse.Namespace, points: int, workers: int | None) -> int:
    """A game map's chunks: ``MAP_CHUNKS_PER_WORKER`` per worker, of 2,000 to ``LARGE_CHUNK``
    points (the searches' calls cost less per game in large batches: 15% less CPU for the
    flagship's map in 5,000-point chunks than in 2,000-point ones)."""
    if args.chunk_size is not None or args.kind != "game":
        return _chunk_size(args)
    share = -(-points // (MAP_CHUNKS_PER_WORKER * (workers or 1)))
    return min(max(share, CHUNK_DEFAULT["game"]), LARGE_CHUNK)


def _prefetch(*modules: str) -> None:
    """Import the figure's libraries on a side thread while the map is computed: the main
    thread mostly waits on numpy or on the workers then, and matplotlib takes most of a second
    to import."""
    def load() -> None:
        for name in modules:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)

    threading.Thread(target=load, daemon=True, name="triangle-prefetch").start()


def cmd_map(args: argparse.Namespace) -> int:
    from triangle.analysis.storage import write_table
    from triangle.analysis.sweep import equilibrium_map
    from triangle.presentation.plot import FIGURE_FORMATS, save_figure
    from triangle.presentation.plot_quantal import (
        measure_frame,
        measure_grid,
        plot_probability_map,
    )

    scenario = scenario_from_args(args.file, args.sets)
    if args.x is None or args.y is None:
        raise UsageError("map: expected both --x PATH=LO:HI:N and --y PATH=LO:HI:N")
    x, y = parse_axis("--x", args.x), parse_axis("--y", args.y)
    if x[0] == y[0]:
        raise ScenarioError("--y", y[0], "a path different from --x", "the same path")
    if args.output is None and args.data is None:
        raise UsageError("map: expected -o FIGURE (.png, .svg, .pdf) and/or --data TABLE (.csv, .parquet)")
    _suffix("-o", args.output, FIGURE_FORMATS)
    _suffix("--data", args.data, (".csv", ".parquet"))
    _not_a_folder("-o", args.output)
    _not_a_folder("--data", args.data)
    if x[1].size * y[1].size > cli_checks.MAX_MAP_POINTS:
        raise ScenarioError("--y", y[0], f"a map of at most {cli_checks.MAX_MAP_POINTS} points "
                            "(use sweep for more)", f"{x[1].size} x {y[1].size} points")
    measure = _measure(args, scenario, (x[0], y[0]))
    workers = _workers(args)
    chunk = _map_chunk_size(args, x[1].size * y[1].size, workers)
    if args.output:
        _prefetch("matplotlib.figure", "matplotlib.backends.backend_agg")
    with executor_from_args(args, workers) as executor:
        emap = equilibrium_map(scenario, x, y, kind=args.kind, backend=args.solver, chunk_size=chunk,
                               executor=executor, progress=None)
    if args.sets:  # a map of a changed scenario says so, in its title and its provenance
        emap = dataclasses.replace(emap, record={**emap.record, "overrides": list(args.sets)})
    if args.output:  # the figure first: if drawing fails, no data file is left behind
        save_figure(emap.plot(margin_contours=not args.no_contours) if measure == "verdict" else
                    plot_probability_map(emap, measure), args.output, emap.record)
    if args.data:
        write_table(emap.to_frame() if measure == "verdict" else measure_frame(emap), args.data,
                    emap.record)
        print(f"wrote {args.data} ({len(emap.table)} points)")
    if args.output:
        print(f"wrote {args.output}")
    if measure != "verdict":
        z = measure_grid(emap, measure)
        print(f"{measure} under quantal response: from {z.min():.4g} to {z.max():.4g}")
        return 0
    shares = emap.table["verdict"].value_counts(normalize=True, sort=False)
    print("verdicts: " + ", ".join(f"{v} {100 * s:.1f}%" for v, s in shares.items() if s > 0))
    return 0


def _measure(args: argparse.Namespace, scenario: Any, axes: tuple[str, str]) -> str:
    """``--measure``, checked before any work; ``auto`` is the probability of schism where
    every point's precision ``solver.rationality`` is finite (the scenario's, or an axis of
    numbers), else the verdict."""
    finite = bool(np.isfinite(scenario.values["solver.rationality"])) or (
        "solver.rationality" in axes)
    if args.measure == "auto":
        return "p_schism" if finite else "verdict"
    if args.measure != "verdict" and not finite:
        raise UsageError(f"--measure {args.measure}: expected a finite solver.rationality "
                         "(e.g. --set solver.rationality=2), found \"nash\"")
    return args.measure


def cmd_sweep(args: argparse.Namespace) -> int:
    scenario = scenario_from_args(args.file, args.sets)
    if args.output is None:
        raise UsageError("sweep: expected -o RESULTS (.csv or .parquet)")
    _suffix("-o", args.output, (".csv", ".parquet"))
    _not_a_folder("-o", args.output)
    if bool(args.grid) == (args.samples is not None):
        raise UsageError("sweep: expected either --grid PATH=LO:HI:N ... or --samples N "
                         "--vary PATH=LO:HI ...")
    if args.grid:
        if args.vary:
            raise UsageError("--vary: goes with --samples; use --grid PATH=LO:HI:N for a grid")
        spec: dict[str, Any] = {"grid": _unique("--grid", [parse_axis("--grid", g) for g in args.grid])}
        size = math.prod(len(v) for v in spec["grid"].values())
        if size > cli_checks.MAX_SWEEP_POINTS:
            raise UsageError(f"--grid: expected at most {cli_checks.MAX_SWEEP_POINTS} points in "
                             f"all, found {size}")
    else:
        n = _count("--samples", args.samples, "number of samples")
        if not args.vary:
            raise UsageError("--samples: expected at least one --vary PATH=LO:HI")
        if not args.seed.isdigit() or int(args.seed) > cli_checks.MAX_SEED:
            raise ScenarioError("--seed", None, f"an integer from 0 to {cli_checks.MAX_SEED}",
                                repr(args.seed))
        spec = {"samples": _unique("--vary", [parse_range("--vary", v) for v in args.vary]), "n": n,
                "design": args.design, "seed": int(args.seed)}
        size = n
    chunk, workers = _chunk_size(args, size), _workers(args)
    rep = _run_sweep(args, scenario, spec, chunk, workers)
    meta = f"{args.output}.meta.json" if args.output.lower().endswith(".csv") else "its schema metadata"
    print(f"wrote {rep.path}: {rep.n_points} points in {rep.n_chunks} chunks "
          f"({len(rep.computed)} computed, {rep.reused} resumed); provenance in {meta}")
    return 0


def _run_sweep(args: argparse.Namespace, scenario: Any, spec: dict[str, Any], chunk: int,
               workers: int | None) -> Any:
    """The sweep itself; a bad journal is a usage error, Ctrl-C says how to resume."""
    from triangle.analysis.storage import ResumeError, StorageError, count_finished, journal_dir
    from triangle.analysis.sweep import sweep_to_file

    def notify(message: str) -> None:
        # the library's one notice is of finished chunks discarded; the flag is ours to name
        print(f"triangle: {message} (run with --resume to keep them)", file=sys.stderr)

    try:
        with executor_from_args(args, workers) as executor:
            return sweep_to_file(scenario, args.output, **spec, kind=args.kind, backend=args.solver,
                                 chunk_size=chunk, executor=executor, progress=None,
                                 resume=args.resume, notify=notify)
    except ResumeError as err:
        raise UsageError(f"--resume: {err}; run without --resume to start afresh") from None
    except StorageError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        kept = count_finished(args.output)
        raise Interrupted(f"interrupted; {kept} finished chunk(s) kept in {journal_dir(args.output)}; "
                          "run the same command with --resume to continue") from None


def _common(p: argparse.ArgumentParser) -> None:
    add_scenario_args(p)
    p.add_argument("--kind", choices=("game", "closed_form"), default="game",
                   help="full game (default) or the closed-form core of DESIGN §4")
    p.add_argument("--solver", choices=backends(), default="admissible",
                   help="solver of the reported equilibria (default: admissible: the admissible "
                   "equilibria only, which decide every column but n_equilibria)")
    p.add_argument("--workers", metavar="N", help="local process pool of N workers "
                   "(with --dask local: the number of Dask workers)")
    p.add_argument("--dask", metavar="ADDRESS|local",
                   help="run on a Dask scheduler (tcp://host:8786) or a new local cluster")
    p.add_argument("--chunk-size", metavar="N", help="points per chunk (default, full game: 2000; a "
                   "map takes four chunks per worker, of 2000 to 5000 points; a sweep of 500000 "
                   "points or more 5000; closed form: 200000)")


def register(sub: Any) -> None:
    """Add ``map`` and ``sweep`` to the ``triangle`` parser."""
    p = sub.add_parser("map", help="equilibrium map: verdicts over a grid of two parameters",
                       description="Verdict at every point of a grid of two parameters, drawn with "
                       "the region boundaries, margin contours and the scenario's own point.")
    _common(p)
    p.add_argument("--x", metavar="PATH=LO:HI:N", help="horizontal axis, e.g. schism.cost.target=0:40:41")
    p.add_argument("--y", metavar="PATH=LO:HI:N", help="vertical axis, e.g. wedge.reward=0:20:41")
    p.add_argument("-o", "--output", metavar="FIGURE", help="figure file: .png, .svg or .pdf")
    p.add_argument("--data", metavar="TABLE", help="also write the grid: .csv (with .meta.json) or .parquet")
    p.add_argument("--no-contours", action="store_true", help="leave out the margin contours")
    p.add_argument("--measure", choices=("auto", "verdict", "p_schism", "p_schism_change"),
                   default="auto", help="what the map shows: the verdict, or under a finite "
                   "solver.rationality the smooth probability of schism (p_schism) or its change "
                   "due to the offer (default auto: p_schism where the precision is finite)")
    p.set_defaults(handler=cmd_map)

    p = sub.add_parser("sweep", help="evaluate a grid or a sample of parameters, streamed to disk",
                       description="Evaluate many points and stream the table to CSV or Parquet in "
                       "chunks; an interrupted sweep continues with --resume.")
    _common(p)
    p.add_argument("--grid", action="append", default=[], metavar="PATH=LO:HI:N",
                   help="one axis of a full grid (repeat for more axes; the last varies fastest)")
    p.add_argument("--samples", metavar="N", help="number of sampled points (with --vary)")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=LO:HI",
                   help="a sampled parameter and its range (repeat)")
    p.add_argument("--design", choices=("lhs", "sobol", "random"), default="lhs",
                   help="sampling design (default: Latin hypercube)")
    p.add_argument("--seed", default="0", help="seed of the sampling design (default 0)")
    p.add_argument("-o", "--output", metavar="RESULTS", help="results file: .csv or .parquet")
    p.add_argument("--resume", action="store_true",
                   help="keep the chunks of an interrupted run of the same sweep; compute the rest")
    p.set_defaults(handler=cmd_sweep)


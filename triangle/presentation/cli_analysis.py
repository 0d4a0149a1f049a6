"""``triangle sensitivity`` and ``triangle discover``: which assumptions decide the wedge.

Both take a scenario file, ``--vary PATH=LO:HI`` for each parameter to move, ``--set`` for
fixed overrides, ``-o FIGURE`` (``.png``, ``.svg``, ``.pdf`` ...), ``--json`` for one JSON
object on stdout (infinities as ``"inf"``/``"-inf"``) and ``--dask ADDRESS|local`` to evaluate
on a Dask cluster (``local`` starts a ``LocalCluster`` on 127.0.0.1 for the run).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from triangle.analysis.outputs import INDICATOR_OUTPUTS, NUMERIC_OUTPUTS
from triangle.common.atomic import atomic_replace
from triangle.common.numbers import fmt
from triangle.presentation import cli_checks
from triangle.presentation.cli_common import (
    UsageError,
    add_scenario_args,
    dask_client,
    scenario_from_args,
    usage_error,
)
from triangle.scenario.ranges import ArgumentError

SAMPLES_HELP = ("oat: grid points per parameter (default 21); morris: trajectories (default 20); "
                "sobol: base samples, a power of 2 (default 256)")
DEFAULT_SAMPLES = {"oat": 21, "morris": 20, "sobol": 256}
#: Fewer successes than this and PRIM's boxes rest on too few points (Bryant & Lempert 2010
#: recommend tens of cases of interest); discovery still runs, with a warning.
MIN_SUCCESSES = 30


def _check_figure(path: str | None) -> None:
    if path is None:
        return
    from matplotlib.figure import Figure

    kinds = Figure().canvas.get_supported_filetypes()
    suffix = Path(path).suffix.lstrip(".").lower()
    if suffix not in kinds:
        raise UsageError(f"-o {path}: expected a figure file ending in one of "
                         f"{', '.join('.' + k for k in sorted(kinds))}, found {suffix or 'no suffix'!r}")


def _save(fig: Any, path: str, rec: dict[str, Any]) -> None:
    """The figure with its provenance record where the format holds metadata (PNG, SVG,
    PDF, as maps are saved), else as it is; atomically either way."""
    from triangle.presentation.plot import FIGURE_FORMATS, save_figure

    suffix = Path(path).suffix.lower()
    if suffix in FIGURE_FORMATS:
        save_figure(fig, path, rec)
    else:
        atomic_replace(path, lambda tmp: fig.savefig(tmp, dpi=150, format=suffix[1:]))


def _dump(obj: dict[str, Any]) -> str:
    from triangle.presentation.report import json_safe

    return json.dumps(json_safe(obj), indent=2, allow_nan=False)


def _record_line(rec: dict[str, Any]) -> str:
    return (f"scenario {rec['scenario']!r}, hash {rec['param_hash']}, strategic-triangle "
            f"{rec['version']}, seed {rec['seed']}")


def _num(x: Any) -> str:
    return fmt(x, ".6g")


def _oat_text(res: Any) -> str:
    lines = []
    for o in res.outputs:
        lines.append(f"{o} at the scenario: {_num(res.baseline[o])} (verdict "
                     f"{res.baseline['verdict']})")
    header = f"{'parameter':32s} {'LO':>9s} {'HI':>9s}"
    for o in res.outputs:
        header += f" {o + '@LO':>14s} {o + '@HI':>14s}"
    lines += ["", header + "  verdict flips"]
    for r in res.ranges:
        row = res.table.loc[r.path]
        line = f"{r.path:32s} {r.low:9.4g} {r.high:9.4g}"
        for o in res.outputs:
            line += f" {_num(row[f'{o}_at_low']):>14s} {_num(row[f'{o}_at_high']):>14s}"
        flips = res.flips(r.path)
        line += "  " + ("; ".join(f"{f['value']:.10g} ({f['from']} -> {f['to']}"
                                  f"{'' if f['converged'] else ', not converged'})" for f in flips)
                        or "none")
        lines.append(line)
    return "\n".join(lines)


def _index_text(res: Any) -> str:
    lines = [f"{res.method} indices of {res.output} ({len(res.samples)} evaluations)"]
    if res.clip.get("clipped"):
        lines.append(f"note: {res.clip['clipped']} infinite values of {res.output} clipped to "
                     f"[-{res.clip['bound']:.6g}, {res.clip['bound']:.6g}] ({res.clip['rule']})")
    lines += [f"note: {n}" for n in res.notes]
    if res.success:
        p = res.success
        lines.append(f"probability of success: {p['estimate']:.3g} ({p['conf']:.0%} Wilson interval "
                     f"{p['ci'][0]:.3g} to {p['ci'][1]:.3g}, over {p['over']})")
    lines.append(res.table.to_string(float_format=lambda v: f"{v:.4f}"))
    return "\n".join(lines)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from triangle.analysis.sensitivity import morris, oat, sobol
    from triangle.wedge.solve import record

    scenario = scenario_from_args(args.file, args.sets)
    rs = _ranges(args.vary, scenario)
    _check_figure(args.output_file)
    cli_checks.output_path("-o", args.output_file)
    cli_checks.seed("--seed", args.seed)
    if args.clip is not None and not (np.isfinite(args.clip) and args.clip > 0):
        raise UsageError(f"--clip: expected a positive number, found {args.clip:g}")
    n = args.samples if args.samples is not None else DEFAULT_SAMPLES[args.method]
    # evaluations per unit of --samples: oat (2 + grid per parameter), morris (d + 1), sobol (2d + 2)
    d = len(rs)
    per = {"oat": d, "morris": d + 1, "sobol": 2 * d + 2}[args.method]
    cli_checks.bounded("--samples", n, 1, max(1, cli_checks.MAX_EVALUATIONS // per),
                       f"a {args.method} sample size for {d} parameters")
    seed = None if args.method == "oat" else args.seed
    try:
        with dask_client(args.dask) as client:
            if args.method == "oat":
                res = oat(scenario, rs, outputs=(args.output,), grid=n, executor=client)
            elif args.method == "morris":
                res = morris(scenario, rs, output=args.output, trajectories=n, seed=seed,
                             clip=args.clip, executor=client)
            else:
                res = sobol(scenario, rs, output=args.output, samples=n, seed=seed,
                            clip=args.clip, executor=client)
    except ArgumentError as err:
        raise usage_error(err) from None
    rec = record(scenario, seed)
    if args.output_file:
        _save(res.plot(), args.output_file, rec)
    if args.json:
        print(_dump({**res.to_dict(), "figure": args.output_file, "record": rec}))
    else:
        text = _oat_text(res) if args.method == "oat" else _index_text(res)
        print(f"{text}\n\n{_record_line(rec)}")
        if args.output_file:
            print(f"wrote {args.output_file}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from triangle.analysis.discovery import MissingDependencyError, discover, require_prim
    from triangle.wedge.solve import record

    scenario = scenario_from_args(args.file, args.sets)
    rs = _ranges(args.vary, scenario)
    try:
        require_prim()
    except ArgumentError as err:
        raise usage_error(err) from None
    except MissingDependencyError as err:
        raise UsageError(str(err)) from None
    _check_figure(args.output_file)
    cli_checks.output_path("-o", args.output_file)
    cli_checks.seed("--seed", args.seed)
    cli_checks.bounded("--samples", args.samples, 1, cli_checks.MAX_EVALUATIONS, "a sample size")
    cli_checks.bounded("--max-boxes", args.max_boxes, 1, 20, "a number of boxes")
    try:
        with dask_client(args.dask) as client:
            res = discover(scenario, rs, samples=args.samples, seed=args.seed, executor=client,
                           max_boxes=args.max_boxes)
    except ArgumentError as err:
        raise usage_error(err) from None
    rec = record(scenario, args.seed)
    successes = int(res.samples["success"].sum())
    if 0 < successes < MIN_SUCCESSES:
        print(f"triangle: warning: only {successes} of {len(res.samples)} samples succeed; boxes "
              f"drawn from fewer than {MIN_SUCCESSES} successes are unreliable (raise --samples or "
              "narrow the ranges)", file=sys.stderr)
    if args.output_file:
        _save(res.plot(), args.output_file, rec)
    if args.json:
        print(_dump({**res.to_dict(), "figure": args.output_file, "record": rec}))
    else:
        print(f"{res.summary()}\n\n{_record_line(rec)}")
        if args.output_file:
            print(f"wrote {args.output_file}")
    return 0


def _ranges(vary: list[str] | None, scenario: Any) -> list[Any]:
    """The ``--vary`` ranges, or else the parameters the scenario gives as distributions."""
    from triangle.analysis.sensitivity import distribution_ranges, ranges

    if not vary:
        if not scenario.distributions:
            raise UsageError("--vary: expected PATH=LO:HI (repeatable) or a scenario with "
                             "parameters given as distributions, found neither")
        return distribution_ranges(scenario)
    try:
        return ranges(vary)
    except ArgumentError as err:
        raise usage_error(err) from None


def _common(p: argparse.ArgumentParser) -> None:
    add_scenario_args(p)
    p.add_argument("--vary", action="append", metavar="PATH=LO:HI",
                   help="a parameter to vary and its range, e.g. schism.cost.target=0:40 "
                        "(repeat for each); default: the scenario's distributions")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    p.add_argument("-o", dest="output_file", metavar="FIGURE",
                   help="write the figure (.png, .svg, .pdf ...)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--dask", metavar="ADDRESS|local",
                   help="evaluate on a Dask scheduler, or 'local' for a LocalCluster on 127.0.0.1")


def register(sub: Any) -> None:
    """Add ``sensitivity`` and ``discover`` to the ``triangle`` parser."""
    p = sub.add_parser("sensitivity", help="which parameters move an output, and where the "
                       "verdict flips (one-at-a-time, Morris, Sobol')")
    _common(p)
    p.add_argument("--method", choices=("oat", "morris", "sobol"), default="oat",
                   help="one-at-a-time with a tornado chart and flip values (default), Morris "
                        "screening, or Sobol' indices")
    p.add_argument("--measure", "--output", dest="output", default="success",
                   choices=INDICATOR_OUTPUTS + NUMERIC_OUTPUTS,
                   metavar="NAME",
                   help="output to analyse: success (default: 1 where the wedge succeeds, else 0), "
                        "verdict:NAME, margin (can the divider outbid the partner), p_schism, "
                        f"or one of {', '.join(NUMERIC_OUTPUTS[2:])} (--measure: the same option; "
                        "-o is the figure)")
    p.add_argument("--samples", type=int, metavar="N", help=SAMPLES_HELP)
    p.add_argument("--clip", type=float, metavar="C",
                   help="morris/sobol: clip infinite outputs to [-C, C] (default 2 max|finite|)")
    p.set_defaults(handler=cmd_sensitivity)

    p = sub.add_parser("discover", help="scenario discovery: the boxes of parameters where the "
                       "wedge succeeds (PRIM)")
    _common(p)
    p.add_argument("--samples", type=int, default=2000, metavar="N",
                   help="Latin-hypercube points (default 2000)")
    p.add_argument("--max-boxes", type=int, default=3, metavar="K",
                   help="look for at most K boxes (default 3)")
    p.set_defaults(handler=cmd_discover)

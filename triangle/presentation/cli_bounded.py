"""``triangle qre`` and ``triangle learn``: the partnership played by partners who err and learn.

``qre`` traces the logit quantal response branch of the partnership subgame (at the package
and counter of the rational backward induction) from uniform play to near-Nash play;
``learn`` runs a learning dynamic from a starting mix.  Both print a short table (or JSON)
and optionally draw a figure saved with the scenario's provenance record.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from triangle.common.numbers import fmt
from triangle.presentation import cli_checks
from triangle.presentation.cli_common import UsageError, add_scenario_args, scenario_from_args


def _figure_suffix(file: str | None) -> None:
    if file and not file.lower().endswith((".png", ".svg", ".pdf")):
        raise UsageError(f"-o {file}: expected a figure name ending in .png, .svg or .pdf")
    cli_checks.output_path("-o", file)


def _num(v: float) -> Any:
    """A JSON value: the number, or ``"inf"``/``"-inf"`` (RFC 8259 has no infinity)."""
    v = float(v)
    return v if np.isfinite(v) else fmt(v)


def cmd_qre(args: argparse.Namespace) -> int:
    from triangle.wedge.bounded import default_lambdas, scenario_branch
    from triangle.wedge.solve import model_of, record

    _figure_suffix(args.output)
    scenario = scenario_from_args(args.file, args.sets)
    own = float(scenario.values["solver.rationality"])
    model = model_of(scenario, backend="batched")
    branch, ev = scenario_branch(model, default_lambdas(own), scenario.settings["wedge.mode"])
    nash_p = float(ev.columns["p_schism"][0])
    rec = record(scenario)
    if args.output:
        from triangle.presentation.plot import save_figure
        from triangle.presentation.plot_bounded import plot_branch

        fig = plot_branch(branch, f"{scenario.name}: logit QRE branch", nash_p, own)
        save_figure(fig, args.output, {**rec, "figure": "qre"})
    if args.json:
        rows = [{"lambda": float(lam), "p_schism": float(branch.p_schism[0, i]),
                 "target": dict(zip(branch.names, branch.x[0, i].round(12).tolist(), strict=True)),
                 "partner": dict(zip(branch.names, branch.y[0, i].round(12).tolist(), strict=True)),
                 "pv_target": _num(branch.V_T[0, i]), "pv_partner": _num(branch.V_P[0, i]),
                 "pv_divider": _num(branch.V_D[0, i]), "residual": float(branch.residual[0, i])}
                for i, lam in enumerate(branch.lam)]
        print(json.dumps({**rec, "exact_limit": bool(branch.exact[0]), "nash_p_schism": nash_p,
                          "rationality": _num(own), "branch": rows}, indent=1))
        return 0
    print(f"{scenario.name}: logit QRE branch (lambda per payoff unit); "
          f"Nash outcome: p(schism) = {nash_p:.3g}")
    print(f"{'lambda':>10} {'p(schism)':>10}  most likely strategies (target / partner)")
    for i, lam in enumerate(branch.lam):
        if i % 6 and lam != own and i != len(branch.lam) - 1:
            continue
        top_t = branch.names[int(np.argmax(branch.x[0, i]))]
        top_p = branch.names[int(np.argmax(branch.y[0, i]))]
        mark = "  <- scenario" if lam == own else ""
        print(f"{lam:10.4g} {branch.p_schism[0, i]:10.4f}  {top_t} {branch.x[0, i].max():.2f} / "
              f"{top_p} {branch.y[0, i].max():.2f}{mark}")
    if not branch.exact[0]:
        print("note: an existential cost left a partner no safe strategy; traced on the "
              "finite stand-in meta-game")
    return 0


def _learn_points(args: argparse.Namespace, scenario: Any, points: dict | None, n: int,
                  ) -> tuple[list[str], float, Any]:
    """The library's names, the years followed and the learning path at the scenario's point
    (``points=None``) or at ``n`` grid points, with ``--from``, ``--years`` and ``--lam`` checked."""
    from triangle.wedge.bounded import learn, parse_mix
    from triangle.wedge.solve import model_of
    from triangle.wedge.verdict import evaluate

    ev = evaluate(model_of(scenario, points, backend="batched"), scenario.settings["wedge.mode"])
    names = [s.name for s in ev.model.library]
    try:
        start = parse_mix(args.start, names)
    except ValueError as err:
        raise UsageError(f"--from: {err}") from None
    years = args.years if args.years is not None else float(scenario.values["time.horizon_years"])
    if not np.isfinite(years) or years <= 0:
        raise UsageError(f"--years: expected a positive number, found {years:g}")
    cli_checks.learning_run(years, scenario.values["time.period_years"], n,
                            len(scenario.settings["partnership.strategies"]))
    own = float(scenario.values["solver.rationality"])
    lam = args.lam if args.lam is not None else (own if np.isfinite(own) else 10.0)
    return names, years, learn(ev.stage, ev.counter, args.dynamics, start, years, lam)


def cmd_learn(args: argparse.Namespace) -> int:
    from triangle.wedge.solve import record

    _figure_suffix(args.output)
    scenario = scenario_from_args(args.file, args.sets)
    if (args.x is None) != (args.y is None):
        raise UsageError("learn: expected both --x PATH=LO:HI:N and --y PATH=LO:HI:N, or neither")
    if args.x is not None:
        return _basin(args, scenario)
    names, years, path = _learn_points(args, scenario, None, 1)
    rec = record(scenario)
    if args.output:
        from triangle.presentation.plot import save_figure
        from triangle.presentation.plot_bounded import plot_learning

        fig = plot_learning(path, f"{scenario.name}: {args.dynamics} from {args.start}")
        save_figure(fig, args.output, {**rec, "figure": "learn", "dynamics": args.dynamics})
    final = {"target": dict(zip(names, path.x[0, -1].round(6).tolist(), strict=True)),
             "partner": dict(zip(names, path.y[0, -1].round(6).tolist(), strict=True))}
    if args.json:
        print(json.dumps({**rec, "dynamics": args.dynamics, "from": args.start, "years": years,
                          "outcome": path.outcome[0], "settled_years": float(path.settled[0]),
                          "p_schism": float(path.p_schism[0, -1]), "final": final}, indent=1))
        return 0
    print(f"{scenario.name}: {args.dynamics} from {args.start}, {years:g} years")
    print(f"outcome: {path.outcome[0]} (p(schism) within the horizon {path.p_schism[0, -1]:.3g}), "
          f"settled after {path.settled[0]:.3g} years")
    for who in ("target", "partner"):
        mix = ", ".join(f"{k}={v:.3g}" for k, v in final[who].items() if v > 5e-4)
        print(f"  {who}: {mix}")
    return 0


def _basin(args: argparse.Namespace, scenario: Any) -> int:
    """``learn --x --y``: the end state of the dynamic from the same start over a grid."""
    from triangle.presentation.cli_maps import parse_axis
    from triangle.scenario.files import ScenarioError
    from triangle.wedge.solve import record

    x, y = parse_axis("--x", args.x), parse_axis("--y", args.y)
    cli_checks.grid_points("--y", x[1].size, y[1].size)
    if x[0] == y[0]:
        raise ScenarioError("--y", y[0], "a path different from --x", "the same path")
    if "time.period_years" in (x[0], y[0]):
        raise UsageError("learn: time.period_years sets the learning clock; it cannot be an axis")
    gx, gy = np.meshgrid(x[1], y[1])
    _, years, path = _learn_points(args, scenario, {x[0]: gx.ravel(), y[0]: gy.ravel()}, gx.size)
    rec = {**record(scenario), "figure": "basin", "dynamics": args.dynamics, "from": args.start,
           "x": x[0], "y": y[0]}
    if args.output:
        from triangle.presentation.plot import save_figure
        from triangle.presentation.plot_bounded import plot_basin

        own_xy = (float(scenario.values[x[0]]), float(scenario.values[y[0]]))
        fig = plot_basin(x, y, path.outcome.reshape(gx.shape), path.settled.reshape(gx.shape),
                         f"{scenario.name}: {args.dynamics} from {args.start}", own_xy)
        save_figure(fig, args.output, rec)
        print(f"wrote {args.output}")
    counts = {k: int((path.outcome == k).sum()) for k in ("loyalty", "hedging", "break")}
    if args.json:
        print(json.dumps({**rec, "counts": counts, "points": [
            {x[0]: float(a), y[0]: float(b), "outcome": o, "settled_years": float(t)}
            for a, b, o, t in zip(gx.ravel(), gy.ravel(), path.outcome, path.settled, strict=True)]},
            indent=1))
        return 0
    total = path.outcome.size
    print(f"{scenario.name}: {args.dynamics} from {args.start}, {years:g} years, {total} points")
    print("end states: " + ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in counts.items()))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("qre", help="logit quantal response branch of the partnership subgame")
    add_scenario_args(p)
    p.add_argument("-o", "--output", metavar="FIG", help="draw the branch (.png, .svg, .pdf)")
    p.add_argument("--json", action="store_true", help="print the branch as JSON")
    p.set_defaults(handler=cmd_qre)

    p = sub.add_parser("learn", help="learning dynamics of the partnership subgame")
    add_scenario_args(p)
    p.add_argument("--dynamics", choices=("replicator", "fictitious", "stochastic"),
                   default="replicator")
    p.add_argument("--from", dest="start", default="Loyal=0.5,Hedger=0.5",
                   help='starting mix of both partners, e.g. "Loyal=0.5,Hedger=0.5"')
    p.add_argument("--years", type=float, help="how long (default: time.horizon_years)")
    p.add_argument("--lambda", dest="lam", type=float,
                   help="logit precision of stochastic fictitious play (default: "
                        "solver.rationality, or 10 if it is \"nash\")")
    p.add_argument("--x", metavar="PATH=LO:HI:N",
                   help="with --y: the basin of attraction over a grid of two parameters")
    p.add_argument("--y", metavar="PATH=LO:HI:N")
    p.add_argument("-o", "--output", metavar="FIG",
                   help="draw the path, or the basin map with --x/--y (.png, .svg, .pdf)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_learn)

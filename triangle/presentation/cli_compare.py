"""``triangle compare A B``: both verdicts, every parameter that differs, and which claims
carry the difference (Shapley values, minimal flipping sets; see
:mod:`triangle.analysis.compare`)."""

from __future__ import annotations

import argparse
from typing import Any

from triangle.common.numbers import fmt
from triangle.presentation.cli_common import UsageError, scenario_from_args
from triangle.solvers.registry import backends

KINDS = ("game", "closed_form")


def _num(x: Any) -> str:
    return fmt(x)


def _value(x: Any) -> str:
    return ", ".join(x) if isinstance(x, tuple) else str(x)


def comparison_text(c: Any) -> str:
    """The comparison as plain text: ends, differences, attribution, flipping sets."""
    from triangle.analysis.compare import EXACT_MAX

    lines = []
    for side in ("a", "b"):
        e, s = c.ends[side], c.a if side == "a" else c.b
        lines.append(f"{side.upper()}: {e['scenario']} ({s.file or 'no file'}): verdict "
                     f"{e['verdict']}, margin {_num(e['margin'])}/yr, divider's PV "
                     f"{_num(e['pv_divider'])}")
        if "p_success" in e:
            lo, hi = e["p_success_ci"]
            lines.append(f"   probability of success over {c.record['draws']} draws of its "
                         f"distributions: {e['p_success']:.3f} (95% Wilson {lo:.3f} to {hi:.3f})")
    lines += ["", f"Parameters that differ ({len(c.differences)}):"]
    width = max([len(p) for p in c.differences["path"]] + [4])
    for r in c.differences.itertuples():
        lines.append(f"  {r.path:<{width}}  {_num(r.a):>8} -> {_num(r.b):<8}  [{r.player}]")
    if c.settings_held:
        lines += ["", "Settings that differ, held at A's value in every hybrid:"]
        lines += [f"  {k}: {_value(a)}  (B: {_value(b)})" for k, (a, b) in c.settings_held.items()]
    k = len(c.players)
    if not k:
        return "\n".join([*lines, "", "The two scenarios have the same numbers."])
    how = (f"exact, over all 2^{k} = {2 ** k} hybrids" if k <= EXACT_MAX else
           f"sampled from {c.record['method']}; +- is one standard error")
    lines += ["", f"Shapley values of the change from A to B ({how}):"]
    width = max(len(p.name) for p in c.players)
    at_m, at_v = c.attribution["margin"], c.attribution["pv_divider"]
    at_p = c.attribution.get("p_success")
    p_head = f"  {'P(success)':>10}" if at_p else ""
    lines.append(f"  {'claim':<{width}}  {'margin':>9}  {'divider PV':>10}{p_head}  role")
    for i, p in enumerate(c.players):
        role = c.roles[p.name] if c.roles else "-"
        err = "" if at_v.stderr is None else f" +-{at_v.stderr[i]:.2g}"
        p_col = f"  {_num(at_p.value[i]):>10}" if at_p else ""
        lines.append(f"  {p.name:<{width}}  {_num(at_m.value[i]):>9}  "
                     f"{_num(at_v.value[i]):>10}{err}{p_col}  {role}")
    p_total = f"  {_num(at_p.total):>10}" if at_p else ""
    lines.append(f"  {'total':<{width}}  {_num(at_m.total):>9}  {_num(at_v.total):>10}{p_total}")
    if any(abs(x) > 0 for x in at_m.infinite_share):
        shares = ", ".join(f"{p.name} {at_m.infinite_share[i]:.3g}"
                           for i, p in enumerate(c.players) if at_m.infinite_share[i])
        lines.append(f"  (shares of the infinite change of the margin: {shares})")
    what = "B's answer to 'does the wedge succeed?'" if c.flip == "success" else "B's verdict"
    lines += ["", f"Minimal sets of claims whose switch to B's values gives {what} "
                  f"({c.ends['a']['verdict']} -> {c.ends['b']['verdict']}):"]
    if c.flipping_sets is None:
        lines.append(f"  not enumerated above {EXACT_MAX} claims")
    elif not c.flipping_sets:
        lines.append("  none: " + ("A and B agree" if c.ends["a"]["verdict"] == c.ends["b"]["verdict"]
                                   or c.flip == "success" else "no hybrid reaches B's verdict"))
    for s in c.flipping_sets or ():
        lines.append(f"  {len(s)}: {', '.join(s)}")
    return "\n".join(lines)


def record_of(c: Any) -> dict[str, Any]:
    """Provenance of a comparison, in the keys :func:`save_figure` writes."""
    a, b = c.record["a"], c.record["b"]
    return {"scenario": f"{a['scenario']} vs {b['scenario']}",
            "param_hash": f"{a['param_hash']}/{b['param_hash']}", "version": a["version"],
            "seed": c.record.get("seed"), **c.record}


def cmd_compare(args: argparse.Namespace) -> int:
    from triangle.analysis.compare import compare
    from triangle.presentation.cli_analysis import _check_figure, _dump, _save

    a = scenario_from_args(args.a, args.sets)
    b = scenario_from_args(args.b, args.sets)
    _check_figure(args.output_file)
    if args.samples < 2:
        raise UsageError(f"--samples: expected at least 2 orderings, found {args.samples}")
    if args.draws < 0:
        raise UsageError(f"--draws: expected a number of draws >= 0, found {args.draws}")
    c = compare(a, b, flip=args.flip, kind=args.kind, backend=args.solver, samples=args.samples,
                seed=args.seed, draws=args.draws)
    rec = record_of(c)
    if args.output_file:
        _save(c.plot(), args.output_file, rec)
    if args.json:
        print(_dump({**c.to_dict(), "figure": args.output_file}))
    else:
        print(comparison_text(c))
        if args.output_file:
            print(f"wrote {args.output_file}")
    return 0


def register(sub: Any) -> None:
    """Add ``compare`` to the ``triangle`` parser."""
    p = sub.add_parser("compare", help="compare two scenarios: which claims decide the verdict")
    p.add_argument("a", metavar="A", help="first scenario file (TOML); its settings are kept")
    p.add_argument("b", metavar="B", help="second scenario file (TOML)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter in both scenarios")
    p.add_argument("--flip", choices=("success", "verdict"), default="success",
                   help="what turning A into B means: success changes (default) or the "
                        "verdict becomes B's")
    p.add_argument("--kind", choices=KINDS, default="game",
                   help="full game (default) or the noise-free closed-form core")
    p.add_argument("--solver", choices=backends(), default="admissible",
                   help="equilibrium solver of the hybrids (default admissible)")
    p.add_argument("--samples", type=int, default=400, metavar="N",
                   help="random orderings when there are more than 12 claims (default 400)")
    p.add_argument("--draws", type=int, default=0, metavar="N",
                   help="when A or B gives distributions: N draws per hybrid for the "
                        "probability of success and its attribution (default 0: medians only)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the orderings and the draws (default 0)")
    p.add_argument("-o", dest="output_file", metavar="FIGURE",
                   help="write the figure (.png, .svg, .pdf ...)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_compare)


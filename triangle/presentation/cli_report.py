"""``triangle report`` and ``triangle path``: one scenario, written for readers.

``report FILE -o NAME`` writes the HTML report (``.html``/``.htm``) or the Markdown report
(any other name); ``path FILE -o FIGURE`` draws the probability of schism and each partner's
expected payoff year by year, with and without the wedge (``--data CSV`` for the numbers).
Both write atomically and stamp the provenance record.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from triangle.presentation.cli_common import UsageError, add_scenario_args, scenario_from_args, write_text

HTML_SUFFIXES = (".html", ".htm")


def is_html(path: str) -> bool:
    """Whether ``path`` names an HTML file (by its extension)."""
    return Path(path).suffix.lower() in HTML_SUFFIXES


def write_report(path: str, scenario: Any, outcome: Any, all_equilibria: bool = False) -> None:
    """The HTML report for ``.html``/``.htm``, else the Markdown text."""
    if is_html(path):
        from triangle.presentation.report_html import html_report

        write_text(path, html_report(scenario, outcome))
    else:
        from triangle.presentation.report import render_text

        write_text(path, render_text(outcome, all_equilibria))


def cmd_report(args: argparse.Namespace) -> int:
    from triangle.wedge.solve import solve

    scenario = scenario_from_args(args.file, args.sets)
    outcome = solve(scenario, backend=args.solver)
    write_report(args.output, scenario, outcome, args.all_equilibria)
    print(f"wrote {args.output}")
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    from triangle.presentation.plot import FIGURE_FORMATS, save_figure
    from triangle.presentation.plot_report import path_figure
    from triangle.wedge.solve import solve

    if Path(args.output).suffix.lower() not in FIGURE_FORMATS:
        raise UsageError(f"-o {args.output}: expected a figure name ending in "
                         f"{', '.join(FIGURE_FORMATS)}, found {Path(args.output).suffix or 'no suffix'!r}")
    scenario = scenario_from_args(args.file, args.sets)
    path = solve(scenario, backend=args.solver).path()
    save_figure(path_figure(path), args.output, path.record)
    if args.data:
        from triangle.common.atomic import atomic_replace

        frame = path.to_frame()
        atomic_replace(args.data, lambda tmp: frame.to_csv(tmp, index=False))
    p = path.p_schism
    step = path.years[1] - path.years[0] if len(path.years) > 1 else 1.0
    print(f"probability of schism within the horizon of {path.years[-1] + step:g} years: "
          f"{p['wedge'][-1]:.4g} with the wedge, {p['baseline'][-1]:.4g} without")
    print(f"wrote {args.output}" + (f" and {args.data}" if args.data else ""))
    return 0


def _solver(p: argparse.ArgumentParser) -> None:
    from triangle.solvers.registry import backends

    p.add_argument("--solver", choices=backends(),
                   help="equilibrium solver (default: the scenario's solver.backend)")


def register(sub: Any) -> None:
    """Add ``report`` and ``path`` to the ``triangle`` parser."""
    p = sub.add_parser("report", help="write the report of one scenario: HTML (self-contained, "
                       "with figures) for .html, else Markdown")
    add_scenario_args(p)
    p.add_argument("-o", dest="output", required=True, metavar="FILE",
                   help="report file: .html for HTML, anything else for Markdown")
    p.add_argument("--all-equilibria", action="store_true",
                   help="Markdown: list every equilibrium, not only the admissible ones")
    _solver(p)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("path", help="the partnership year by year: probability of schism and "
                       "expected payoffs, with and without the wedge")
    add_scenario_args(p)
    p.add_argument("-o", dest="output", required=True, metavar="FIGURE",
                   help="figure file (.png, .svg, .pdf)")
    p.add_argument("--data", metavar="CSV", help="also write the numbers, one row per period")
    _solver(p)
    p.set_defaults(handler=cmd_path)

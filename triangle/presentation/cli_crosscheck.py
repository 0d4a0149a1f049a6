"""``triangle check FILE`` and ``triangle run FILE --check``: the engine against nashpy.

Both solve the scenario's final games (without the offer; with the offer and the partner's
counter) with the batched engine and with nashpy (:mod:`triangle.wedge.crosscheck`) and
print per game the equilibria one found and the other did not, each with its source.
Exit code 0 when the two agree, 1 when they differ, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from triangle.presentation.cli_common import add_scenario_args, scenario_from_args
from triangle.scenario.files import Scenario

#: Exit code when the engine and nashpy differ on some game.
EXIT_DIFFER = 1


def cross_checked(scenario: Scenario, quick: bool = False, outcome: Any = None) -> Any:
    """The :class:`~triangle.wedge.crosscheck.CrossCheck` of ``scenario``; ``quick`` runs
    nashpy's vertex enumeration alone on games above 6x6 (as the nashpy backend does).  An
    ``outcome`` of the same scenario solved by the engine lends its evaluation."""
    from triangle.solvers.reference import BOTH, default_methods
    from triangle.wedge.crosscheck import cross_check

    n = len(scenario.settings["partnership.strategies"])
    ev = getattr(outcome, "evaluation", None)
    reuse = ev is not None and ev.model.backend == "batched"
    return cross_check(scenario, methods=default_methods(n, n) if quick else BOTH,
                       evaluation=ev if reuse else None)


def exit_code(check: Any) -> int:
    """0 when the engine and nashpy agree, :data:`EXIT_DIFFER` otherwise."""
    return 0 if check.agree else EXIT_DIFFER


def cmd_check(args: argparse.Namespace) -> int:
    check = cross_checked(scenario_from_args(args.file, args.sets), args.quick)
    print(json.dumps(check.to_dict(), indent=2, allow_nan=False) if args.json else check)
    return exit_code(check)


def add_quick(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quick", action="store_true",
                   help="nashpy's vertex enumeration only on games above 6x6 (support "
                        "enumeration takes about 10 s per 8x8 game)")


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="solve the scenario's final games with the engine and with "
                       "nashpy and report any difference (exit 0: agree, 1: differ)")
    add_scenario_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_quick(p)
    p.set_defaults(handler=cmd_check)

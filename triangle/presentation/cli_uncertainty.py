"""``triangle run --samples N --seed S``: the probability of each verdict when the scenario
gives some parameters as distributions (see :mod:`triangle.analysis.uncertainty`)."""

from __future__ import annotations

import argparse

from triangle.presentation.cli_common import UsageError
from triangle.scenario.files import Scenario


def run_samples(scenario: Scenario, args: argparse.Namespace) -> int:
    """Print the verdict probabilities (text or ``--json``); ``--report`` gets the text."""
    from triangle.analysis.uncertainty import verdict_probabilities
    from triangle.presentation.cli_analysis import _dump
    from triangle.presentation.cli_common import write_text

    if args.samples < 1:
        raise UsageError(f"--samples: expected at least 1 draw, found {args.samples}")
    res = verdict_probabilities(scenario, args.samples, args.seed,
                                backend=args.solver or "admissible")
    text = res.summary()
    if args.report:
        write_text(args.report, text + "\n")
    print(_dump(res.to_dict()) if args.json else text)
    return 0

"""What a report says when its verdict is an expected outcome under quantal response.

With a finite ``solver.rationality`` the verdict comes from the backward induction under
logit quantal response (:mod:`triangle.wedge.quantal`); both the Markdown and the HTML report
open with :func:`quantal_note`, so no reader takes it for an equilibrium verdict.
"""

from __future__ import annotations

from triangle.common.numbers import fmt
from triangle.wedge.outcome import Outcome


def quantal_note(out: Outcome) -> str | None:
    """One paragraph on the expected outcome, or None for a Nash verdict."""
    c = out.columns
    if c.get("response") != "logit":
        return None
    change = float(c["p_schism_change"])
    return (f"Expected outcome under logit quantal response with lambda = {fmt(c['rationality'])} "
            f"per payoff unit (McKelvey & Palfrey 1995): the partners play the principal-branch "
            f"quantal response equilibrium, not a Nash equilibrium. Probability of schism within "
            f"the horizon {fmt(c['p_schism'])} with the offer, {fmt(c['p_schism_baseline'])} "
            f"without it (change {'+' if change > 0 else ''}{fmt(change)}); the verdict word "
            f"applies the Nash classifier's thresholds to these probabilities. With perfectly "
            f"rational partners the verdict would be {c['nash_verdict']} "
            f"(P(schism) {fmt(c['nash_p_schism'])}).")

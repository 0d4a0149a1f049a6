"""The words of the results, each in one line, for legends, reports and the README.

The definitions follow DESIGN §5 (verdicts, in the order in which they are tried), Dittmer
(1981) for the configurations and roles, and the standard notion of admissibility
(an equilibrium in undominated strategies; Myerson 1991, §1.8).
"""

from __future__ import annotations

#: One line per verdict (docs/model.md §10 gives the order in which the rules are tried).
VERDICT_MEANINGS = {
    "split_anyway": "the partnership splits, but it splits without any offer too: the wedge was not needed",
    "success": "the partnership splits and the divider is better off than without the wedge",
    "pyrrhic": "the partnership splits, but the divider is worse off than without the wedge",
    "partial_success": "no split, but the target keeps its distance: it hedges where without "
                       "the wedge it would not",
    "backfire": "no split, and the partnership is tighter than without the wedge",
    "pocketed": "no split; the target kept the divider's up-front concessions",
    "failed": "no split and nothing else moved: the divider paid for nothing",
    "no_attempt": "the divider offered nothing",
}

#: Other words the reports use.
TERMS = {
    "admissible": "an equilibrium in which neither partner plays a weakly dominated strategy",
    "robust": "the verdict holds in every admissible equilibrium",
    "wedge margin M": "the divider's largest worthwhile reward minus the reward the target needs "
                      "when the partner pays its largest counter-offer; M > 0: the divider can outbid",
    "existential": "an infinite one-off cost of a schism: no finite reward pays for it",
}

#: Dittmer (1981)'s roles.
ROLE_MEANINGS = {
    "pivot": "friends with both others, who are at odds (romantic triangle)",
    "wing": "friends with the pivot only (romantic triangle)",
    "partner": "one of the friendly pair (stable marriage)",
    "outcast": "at odds with both partners (stable marriage)",
    "friend": "all three are on good terms (ménage à trois)",
    "foe": "all three are at odds (unit veto)",
}


def legend_label(verdict: str) -> str:
    """``"pocketed: no split; the target kept ..."``, for a figure's legend.

    >>> legend_label("no_attempt")
    'no attempt: the divider offered nothing'
    """
    return f"{verdict.replace('_', ' ')}: {VERDICT_MEANINGS[verdict]}"

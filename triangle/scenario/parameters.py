"""Declarative registry of the model's parameters (dotted paths, units, ranges).

Every number a scenario can carry is declared here once, in the manner of the
EMA Workbench's declarative parameters (Kwakkel 2017): its dotted path, unit,
default, admissible range and meaning.  The scenario loader, the JSON Schema,
the ``--set`` overrides, sweeps and sensitivity analyses all read this table,
so a parameter exists in exactly one place.

Special string values are data, not code: ``"existential"`` (a schism cost)
and ``"unlimited"`` (a counter budget) both mean ``+inf`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triangle.common.numbers import fmt
from triangle.solvers.registry import backends

INF_WORDS = {"existential": np.inf, "unlimited": np.inf}


@dataclass(frozen=True)
class Parameter:
    """One numeric model parameter, addressed by a dotted path.

    Attributes
    ----------
    path : str
        Dotted key, e.g. ``"schism.cost.target"``.
    unit : str
        Unit of the number (``"per year"``, ``"payoff-years"``, ``"probability"`` ...).
    default : float or None
        Value used when the file omits the key; ``None`` means required.
    low, high : float
        Admissible range.
    low_open, high_open : bool
        Whether the range excludes its end points.
    infinite_word : str or None
        The word that stands for ``+inf`` (``"existential"``, ``"unlimited"``), if any.
    description : str
        Meaning, for documentation and error messages.
    """

    path: str
    unit: str
    default: float | None
    description: str
    low: float = -np.inf
    high: float = np.inf
    low_open: bool = False
    high_open: bool = False
    infinite_word: str | None = None

    def admits(self, value: float) -> bool:
        """Whether ``value`` lies in the declared range (infinity only via the word)."""
        if np.isnan(value):
            return False
        if np.isinf(value):  # +inf only through the word, above any finite bound
            return self.infinite_word is not None and value > 0
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return bool(above and below)

    def range_text(self) -> str:
        """Human-readable range, e.g. ``"a number in (0, 1)"``."""
        left = "(" if self.low_open or np.isinf(self.low) else "["
        right = ")" if self.high_open or np.isinf(self.high) else "]"
        text = f"a number in {left}{_fmt(self.low)}, {_fmt(self.high)}{right}"
        if self.infinite_word:
            text += f' or "{self.infinite_word}"'
        return text


def _fmt(x: float) -> str:
    return fmt(x, "g")


def _pair(prefix: str, unit: str, default: float | None, text: str, **kw: Any) -> list[Parameter]:
    return [
        Parameter(f"{prefix}.{who}", unit, default, f"{text} ({who})", **kw)
        for who in ("target", "partner")
    ]


#: Largest magnitude of a payoff, a cost or a rate (per year, or per unit). Bounded so that
#: every product the model forms (rate x concession, value / (1 - delta)) stays far from
#: overflow and no NaN can arise; "existential" and "unlimited" stand for +inf exactly.
MAX_MAGNITUDE = 1e6
PROB = {"low": 0.0, "high": 1.0}
NONNEG = {"low": 0.0, "high": MAX_MAGNITUDE}
SIGNED = {"low": -MAX_MAGNITUDE, "high": MAX_MAGNITUDE}
#: Patience stays below 1 - 1e-4 and a period lasts at least 1e-3 years, so the per-period
#: discount ``beta ** dt`` keeps ``1 - delta >= 1e-7`` and ``I - delta Q`` is invertible
#: to working precision (a patience of 1 - 1e-16 rounds to 1 and makes it singular).
PATIENCE = {"low": 0.0, "high": 0.9999, "low_open": True}

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("time.period_years", "years", 1.0,
              "length of one period of the partnership game (frequent senior meetings make it short)",
              low=1e-3, high=50.0),
    *[Parameter(f"time.patience.{who}", "annual discount factor", 0.95,
                f"annual patience of the {who}", **PATIENCE)
      for who in ("divider", "target", "partner")],
    Parameter("time.horizon_years", "years", 10.0,
              "horizon for the probability of schism", low=0.0, low_open=True, high=1000.0),
    *_pair("partnership.value", "payoff per year", None, "R: value of the partnership", **SIGNED),
    *_pair("partnership.hedge_gain", "payoff per year", 0.0,
           "g: gain from hedging with the divider on the side", **NONNEG),
    *_pair("partnership.hedge_loss", "payoff per year", 0.0,
           "l: loss when hedged against", **NONNEG),
    *_pair("partnership.fraying", "payoff per year", 0.0,
           "f: loss when both hedge", **NONNEG),
    Parameter("partnership.noise", "misreadings per year", 0.0,
              "rate at which a side misperceives the other's action (per year; the chance in a "
              "period of dt years is 1 - exp(-noise dt))", low=0.0, high=100.0),
    Parameter("partnership.consultation", "probability", 0.0,
              "probability that treaty consultation corrects a misperception before anyone acts",
              **PROB),
    *_pair("schism.cost", "payoff-years (lump sum)", 0.0,
           "S: one-off cost of a schism", infinite_word="existential", **NONNEG),
    *_pair("schism.outside", "payoff per year", 0.0, "O: outside option after a schism", **SIGNED),
    Parameter("schism.value_to_divider", "payoff per year", 0.0,
              "G: the value of the split to the divider", **SIGNED),
    Parameter("wedge.upfront", "payoff per year", 0.0,
              "u: up-front concessions, paid whatever the target does", **NONNEG),
    Parameter("wedge.reward", "payoff per year", 0.0,
              "r: conditional reward, paid only after the target's own break, while the "
              "commitment survives", **NONNEG),
    Parameter("wedge.hedge_reward", "payoff per year", 0.0,
              "h: reward paid in every period in which the target hedges, while the "
              "commitment survives", **NONNEG),
    Parameter("wedge.pressure", "payoff per year", 0.0,
              "coercive pressure on the target while the partnership lasts", **NONNEG),
    Parameter("wedge.durability", "annual survival probability", 1.0,
              "probability that the divider's commitment survives a year", **PROB),
    Parameter("wedge.alliance_cost", "per unit", 0.0,
              "extra cost to the divider per unit of concession or pressure (alliance erosion)",
              **NONNEG),
    Parameter("wedge.courting_cost", "payoff per year", 0.0,
              "fixed cost of courting at all", **NONNEG),
    Parameter("counter.budget", "payoff per year", np.inf,
              "largest counter-inducement the partner can pay the target",
              infinite_word="unlimited", **NONNEG),
    *_pair("threat.response", "per unit of pressure", 0.0,
           "rise in partnership value per unit of coercive pressure (balance of threat)",
           **NONNEG),
    Parameter("position.ties", "payoff per year per tie", 0.0,
              "a: positional payoff per own positive tie (Wu 1996)", **NONNEG),
    Parameter("position.opposite", "payoff per year", 0.0,
              "b: positional loss when the opposite dyad is positive (Wu 1996)", **NONNEG),
    Parameter("solver.schism_probability", "probability", 0.5,
              "an outcome counts as a schism when its probability within the horizon exceeds this",
              low=0.0, high=1.0, high_open=True),
    Parameter("solver.rationality", "per payoff unit", np.inf,
              "logit precision lambda of the partners' quantal responses, in the inverse of each "
              'player\'s payoff unit; "nash" means perfectly rational (lambda = infinity)',
              infinite_word="nash", **NONNEG),
)

BY_PATH: dict[str, Parameter] = {p.path: p for p in PARAMETERS}

DEFAULT_STRATEGIES = ("Loyal", "Hedger", "TitForTat", "Grim", "Consult(2)", "Realign")


@dataclass(frozen=True)
class Setting:
    """A non-numeric setting (a name, a mode or a list), addressed by a dotted path."""

    path: str
    default: Any
    description: str
    choices: tuple[str, ...] = field(default=())


SETTINGS: tuple[Setting, ...] = (
    Setting("scenario.name", None, "name of the scenario"),
    Setting("scenario.description", "", "one-line description"),
    Setting("scenario.sources", None, "list of sources for the numbers"),
    Setting("actors.divider", "United States", "name of the divider"),
    Setting("actors.target", "Russia", "name of the target"),
    Setting("actors.partner", "China", "name of the partner"),
    Setting("partnership.strategies", list(DEFAULT_STRATEGIES),
            "strategy library of the repeated partnership game"),
    Setting("wedge.mode", "fixed", "evaluate the given package or optimise it",
            ("fixed", "optimize")),
    Setting("relations.divider_partner", "-", "baseline sign of the divider-partner dyad",
            ("+", "-")),
    Setting("solver.selection", "payoff_dominant", "equilibrium selection rule",
            ("all", "payoff_dominant", "best_for_divider", "worst_for_divider")),
    Setting("solver.backend", "batched",
            "equilibrium solver of the reported equilibria: batched (all equilibria; the "
            "engine), admissible (the admissible ones only), nashpy (the slow reference, "
            "united with the engine's set)", backends()),
)

SETTING_BY_PATH: dict[str, Setting] = {s.path: s for s in SETTINGS}


def defaults() -> dict[str, float]:
    """Default value of every numeric parameter that has one."""
    return {p.path: p.default for p in PARAMETERS if p.default is not None}

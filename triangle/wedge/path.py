"""The partnership year by year, with and without the wedge.

For the selected equilibrium ``(x, y)`` of the partnership subgame (mixed strategies over
the library, drawn once at the start), the law of the joint chain is the mixture
``sum_ij x_i y_j`` of each pair's law (:func:`triangle.partnership.path.pair_path`).  Per
period ``t`` (at ``t dt`` years) this module reports

* ``p_schism[t] = 1 - alive[t]``: probability that the partnership has split by then;
* each partner's expected payoff per year in that period: the stage flow while the
  partnership lasts (with the counter-inducement ``m`` and, for the target, the divider's
  up-front concessions ``u s^t``, paid whatever it does, and the hedge reward ``h s^t`` in
  the periods it hedges), then the outside options, and for the target the divider's reward
  ``r s^t`` once it has broken deliberately.  The divider's commitment is one process: it
  survives each period with probability ``s``, counted from the offer, and every payment
  stops when it lapses (docs/model.md §8.1).  The one-off schism costs are not a
  flow and are left out (they may be existential).

"Without the wedge" is the same triangle with no offer (DESIGN §5's baseline): the partner's
counter and the subgame solved again with ``u = r = pressure = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from triangle.common import hooks
from triangle.partnership.path import pair_path
from triangle.wedge.model import Package, Stage
from triangle.wedge.subgame import SubgameSolution

CASES = ("wedge", "baseline")


@dataclass(frozen=True)
class TimePath:
    """Year-by-year consequences of the selected equilibrium (arrays ``(periods,)``).

    Attributes
    ----------
    years : numpy.ndarray
        Start of each period, in years (``t * dt``).
    p_schism, payoff_target, payoff_partner : dict
        ``{"wedge": array, "baseline": array}``: probability that the partnership has split
        by then, and each partner's expected payoff in payoff units per year.
    actors : dict
        ``{"divider": name, "target": name, "partner": name}``.
    """

    years: np.ndarray
    p_schism: dict[str, np.ndarray]
    payoff_target: dict[str, np.ndarray]
    payoff_partner: dict[str, np.ndarray]
    actors: dict[str, str]
    record: dict[str, Any]

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per period."""
        import pandas as pd

        data: dict[str, np.ndarray] = {"years": self.years}
        for case in CASES:
            data[f"p_schism_{case}"] = self.p_schism[case]
            data[f"payoff_target_{case}"] = self.payoff_target[case]
            data[f"payoff_partner_{case}"] = self.payoff_partner[case]
        return pd.DataFrame(data)

    def plot(self, **kwargs: Any) -> Any:
        """Draw the path (needs :mod:`triangle` imported, which registers the figure)."""
        return hooks.call("plot.path", self, **kwargs)


def selected_path(stage: Stage, m: np.ndarray, sol: SubgameSolution, periods: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(p_schism, payoff_T, payoff_P)``, each ``(n, periods)``, of the selected equilibria.

    Payoffs are per year (module doc); the loop runs over strategy pairs with weight in the
    selected equilibrium and over periods, never over points.
    """
    md, pk = stage.model, stage.package
    stage_T, stage_P = md.stage_payoffs(stage.R_T, stage.R_P, m)
    e = md.misreading
    rows = np.arange(md.n)
    x = sol.batch.x[rows, sol.selected]  # (n, k)
    y = sol.batch.y[rows, sol.selected]
    alive, flow_T, flow_P, own, hedging = (np.zeros((md.n, periods)) for _ in range(5))
    for i, s_T in enumerate(md.library):
        for j, s_P in enumerate(md.library):
            w = x[:, i] * y[:, j]
            if not np.any(w > 0):
                continue
            p = pair_path(s_T, s_P, stage_T, stage_P, e, periods)
            alive += w[:, None] * p.alive
            flow_T += w[:, None] * p.flow_T
            flow_P += w[:, None] * p.flow_P
            own += w[:, None] * p.own_break
            hedging += w[:, None] * p.hedging
    alive = np.clip(alive, 0.0, 1.0)
    # One clock: the commitment still lives in period t with probability s^t, whenever the
    # break came; the reward is owed only after the target's own break.
    lives = md.survival[:, None] ** np.arange(periods)
    split = 1.0 - alive
    payoff_T = flow_T + split * stage.O_T[:, None] + lives * (
        own * pk.reward[:, None] + hedging * pk.hedge[:, None] + pk.upfront[:, None])
    payoff_P = flow_P + split * stage.O_P[:, None]
    return np.where(split < 64 * np.finfo(float).eps, 0.0, split), payoff_T, payoff_P


def time_path(stage: Stage, m: np.ndarray, sol: SubgameSolution, base: tuple[Stage, np.ndarray,
              SubgameSolution], actors: dict[str, str], record: dict[str, Any] | None = None
              ) -> TimePath:
    """The :class:`TimePath` of point 0, with the wedge (``stage, m, sol``) and without (``base``).

    The horizon is the scenario's ``time.horizon_years``, in whole periods of ``dt``.
    """
    md = stage.model
    dt = float(md.dt[0])
    periods = int(max(1, round(float(md["time.horizon_years"][0]) / dt)))
    out: dict[str, dict[str, np.ndarray]] = {"p": {}, "T": {}, "P": {}}
    for case, (st, mm, so) in zip(CASES, ((stage, m, sol), base), strict=True):
        p, v_T, v_P = selected_path(st, mm, so, periods)
        out["p"][case], out["T"][case], out["P"][case] = p[0], v_T[0], v_P[0]
    return TimePath(np.arange(periods) * dt, out["p"], out["T"], out["P"], dict(actors),
                    dict(record or {}))


def no_offer(stage: Stage) -> Package:
    """The empty package at every point of ``stage``."""
    return Package.none(stage.model.n)

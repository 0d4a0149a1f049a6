"""Closed forms: the wedge core and the sustainability thresholds.

The wedge core (DESIGN, section 4) is the noise-free triangle in which the target's
only choice is to stay or to break.  With per-period flows (per-year flows times
``dt``), ``delta_i = beta_i ** dt`` and ``s = durability ** dt``:

* the target breaks iff ``r dt / (1 - delta_T s) > S_T + (R_T + m - O_T) dt / (1 - delta_T)``;
  the smallest such reward per year is
  ``r*(m) = (1 - delta_T s) [S_T / dt + (R_T + m - O_T) / (1 - delta_T)]`` (at equality T stays);
* the partner's largest worthwhile counter per year is
  ``m_max = max(0, min(budget, (1 - delta_P) S_P / dt + R_P - O_P))`` (a partner that would
  rather see the schism than keep the partnership for free offers nothing, not a negative sum);
* the divider's largest worthwhile reward per year is
  ``r_max = G (1 - delta_D s) / ((1 - delta_D)(1 + alliance_cost))``;
* the wedge margin is ``M = r_max - r*(m_max)``, positive where the divider can outbid;
* the hedge reward per year above which the target hedges against TitForTat is
  ``h* = (1 - delta_T s) [delta_T f_T / (1 - delta_T) - g_T]`` (:func:`hedge_threshold`).

In the core the target breaks in the first period or never, so the reward's present value
is the same whether the commitment's survival is counted from the offer or from the break;
with later breaks the single clock of :mod:`triangle.partnership.repeated` discounts it by
``(delta s) ** tau``.

With ``dt = 1`` these are DESIGN's formulas verbatim.  Infinite costs flow through
exactly: ``S_T = inf`` gives ``r* = inf`` and ``M = -inf``; no ``nan`` is produced.

>>> import numpy as np
>>> round(float(threshold_reward(S_T=1.0, R_T=2.0, O_T=1.0, m=0.0, delta_T=0.9, s=1.0, dt=1.0)), 12)
1.1
>>> float(wedge_margin(r_max=2.0, r_star=np.inf))
-inf
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _f(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def threshold_reward(
    S_T: ArrayLike, R_T: ArrayLike, O_T: ArrayLike, m: ArrayLike,
    delta_T: ArrayLike, s: ArrayLike, dt: ArrayLike,
) -> np.ndarray:
    """Smallest reward per year ``r*(m)`` above which the target breaks (DESIGN §4).

    ``r* = (1 - delta_T s) [S_T / dt + (R_T + m - O_T) / (1 - delta_T)]``; a reward equal
    to ``r*`` leaves the target staying.  ``S_T = inf`` gives ``inf``.
    """
    S_T, R_T, O_T, m, delta_T, s, dt = map(_f, (S_T, R_T, O_T, m, delta_T, s, dt))
    stay_gap = (R_T + m - O_T) / (1.0 - delta_T)
    with np.errstate(invalid="ignore"):
        value = (1.0 - delta_T * s) * (S_T / dt + stay_gap)
    return np.where(np.isinf(S_T), np.inf, value)


def counter_needed(
    r: ArrayLike, S_T: ArrayLike, R_T: ArrayLike, O_T: ArrayLike,
    delta_T: ArrayLike, s: ArrayLike, dt: ArrayLike,
) -> np.ndarray:
    """Least counter-inducement per year that keeps the target: ``r*(m) = r`` solved for ``m``.

    ``m_need = (1 - delta_T)[r / (1 - delta_T s) - S_T / dt] - R_T + O_T``, floored at 0;
    ``0`` when ``S_T`` is infinite (the target never breaks).
    """
    r, S_T, R_T, O_T, delta_T, s, dt = map(_f, (r, S_T, R_T, O_T, delta_T, s, dt))
    finite_S = np.where(np.isinf(S_T), 0.0, S_T)
    need = (1.0 - delta_T) * (r / (1.0 - delta_T * s) - finite_S / dt) - R_T + O_T
    return np.where(np.isinf(S_T), 0.0, np.maximum(need, 0.0))


def partner_max_counter(
    S_P: ArrayLike, R_P: ArrayLike, O_P: ArrayLike, delta_P: ArrayLike,
    dt: ArrayLike, budget: ArrayLike,
) -> np.ndarray:
    """Partner's largest worthwhile counter per year (non-negative).

    ``m_max = max(0, min(budget, (1 - delta_P) S_P / dt + R_P - O_P))``.

    Paying ``m`` for ever is worth it while ``(R_P - m) dt / (1 - delta_P)`` is at least the
    schism value ``-S_P + O_P dt / (1 - delta_P)``.  A counter is a payment, so it is never
    negative: where even the free partnership is worth less to the partner than the schism,
    the largest worthwhile counter is 0.  ``inf`` when ``S_P`` and the budget are.
    """
    S_P, R_P, O_P, delta_P, dt, budget = map(_f, (S_P, R_P, O_P, delta_P, dt, budget))
    worth = np.where(np.isinf(S_P), np.inf, (1.0 - delta_P) * np.where(
        np.isinf(S_P), 0.0, S_P) / dt + R_P - O_P)
    return np.maximum(np.minimum(budget, worth), 0.0)


def divider_max_reward(
    G: ArrayLike, delta_D: ArrayLike, s: ArrayLike, alliance_cost: ArrayLike,
) -> np.ndarray:
    """Divider's largest worthwhile reward per year, ``G (1 - delta_D s) / ((1 - delta_D)(1 + a))``.

    The split is worth ``G dt / (1 - delta_D)``; a reward ``r`` for as long as the commitment
    survives costs ``(1 + a) r dt / (1 - delta_D s)``.
    """
    G, delta_D, s, a = map(_f, (G, delta_D, s, alliance_cost))
    return G * (1.0 - delta_D * s) / ((1.0 - delta_D) * (1.0 + a))


def wedge_margin(r_max: ArrayLike, r_star: ArrayLike) -> np.ndarray:
    """Wedge margin ``M = r_max - r*(m_max)``; ``-inf`` when ``r*`` is infinite."""
    r_max, r_star = _f(r_max), _f(r_star)
    return np.where(np.isinf(r_star), -np.inf, r_max - np.where(np.isinf(r_star), 0.0, r_star))


def grim_deviation_gain(
    delta: float, R: float, g: float, W: float | None = None, *, e: float = 0.0,
    S: float = 0.0, O: float = 0.0, h: float = 0.0, s: float = 1.0, dt: float = 1.0,
) -> float:
    """Gain from hedging for ever against Grim, over staying with Grim (both Grim): ``V_HG - V_GG``.

    With per-period flows ``x dt`` and an uncorrected misreading probability ``e`` per side,
    Grim against Grim stays another period with probability ``(1 - e)^2``, and Hedger against
    Grim is caught with probability ``1 - e`` each period (Friedman 1971; Fudenberg & Tirole
    1991, §5.1, here with noise):

    ``V_GG = (R dt + delta (1 - (1 - e)^2) W) / (1 - delta (1 - e)^2)``,
    ``V_HG = ((R + g) dt + delta (1 - e) W) / (1 - delta e) + h dt / (1 - delta s e)``,

    where ``W = -S + O dt / (1 - delta)`` is the value at the schism.  The divider's reward
    for a break never enters: in neither pair does the target break deliberately (the
    hedger's partner breaks; a Grim target breaks only on a misreading), and the reward is
    paid only after the target's own break (docs/model.md §8.1).  The hedge reward ``h`` is
    paid in each period the hedger is still in the partnership and the divider's commitment
    (per-period survival ``s``, one clock from the offer) still lives: ``sum_t (delta s e)^t
    h dt``.  ``R`` includes any counter ``m``; ``g`` is the hedging gain against a cooperator.
    The fraying of the hedge against a breaking Grim is never felt: Grim breaks the period
    after it sees the hedge.
    """
    if W is None:
        W = -S + O * dt / (1.0 - delta)
    stay = (1.0 - e) ** 2
    v_gg = (R * dt + delta * (1.0 - stay) * W) / (1.0 - delta * stay)
    v_hg = ((R + g) * dt + delta * (1.0 - e) * W) / (1.0 - delta * e) \
        + h * dt / (1.0 - delta * s * e)
    return v_hg - v_gg


def consult_deviation_gain(
    delta: float, R: float, g: float, k: int, *, S: float = 0.0, O: float = 0.0,
    h: float = 0.0, s: float = 1.0, dt: float = 1.0,
) -> float:
    """Noise-free gain from hedging for ever against ``Consult(k)``: ``V_HC - V_CC``.

    ``V_CC = R dt / (1 - delta)``; the hedger collects ``(R + g) dt`` and the hedge reward
    ``h dt`` (while the divider's commitment lives) for ``k + 1`` periods (``k`` warnings,
    then the break is played in period ``k + 1``), then the schism value ``W = -S + O dt /
    (1 - delta)``, without the divider's reward (the partner broke):
    ``V_HC = (R + g) dt (1 - delta^(k+1)) / (1 - delta) + h dt (1 - (delta s)^(k+1)) /
    (1 - delta s) + delta^(k+1) W``.
    """
    W = -S + O * dt / (1.0 - delta)
    v_cc = R * dt / (1.0 - delta)
    lag = delta ** (k + 1)
    v_hc = (R + g) * dt * (1.0 - lag) / (1.0 - delta) + lag * W \
        + h * dt * (1.0 - (delta * s) ** (k + 1)) / (1.0 - delta * s)
    return v_hc - v_cc


def hedge_threshold(g: ArrayLike, f: ArrayLike, delta: ArrayLike, s: ArrayLike) -> np.ndarray:
    """Least hedge reward per year above which the target hedges against TitForTat.

    Noise-free, a target that hedges for ever against a TitForTat partner earns ``(R + g) dt``
    once, then ``(R - f) dt`` each period as the partner hedges back, plus the hedge reward
    ``h dt`` in every period while the divider's commitment lives (``sum_t (delta s)^t h dt``);
    staying with TitForTat earns ``R dt`` each period.  Hedging pays iff

    ``h dt / (1 - delta s) > delta f dt / (1 - delta) - g dt``, that is iff ``h > h*`` with
    ``h* = (1 - delta s) [delta f / (1 - delta) - g]`` (at equality the target stays).

    ``R`` cancels: the hedge reward buys distance, not a break.  With ``dt -> 0``,
    ``h* -> f (rho + lambda) / rho`` (``rho = -ln beta``, ``lambda = -ln durability``): an
    instant answer makes each hedge cost the fraying for as long as it lasts.

    >>> round(float(hedge_threshold(g=0.5, f=1.0, delta=0.9, s=1.0)), 12)   # 0.9 - 0.05
    0.85
    """
    g, f, delta, s = map(_f, (g, f, delta, s))
    return (1.0 - delta * s) * (delta * f / (1.0 - delta) - g)


def critical_delta(gain, *args, lo: float = 1e-9, hi: float = 1.0 - 1e-9, **kwargs) -> float:
    """Smallest per-period discount factor at which hedging no longer pays: ``gain(delta) = 0``.

    ``gain`` is :func:`grim_deviation_gain` or :func:`consult_deviation_gain`.  Returns
    ``0.0`` if hedging never pays, ``1.0`` if it always does on ``(0, 1)``; otherwise the
    root found by Brent's method (Brent 1973) to machine precision.  When several roots
    exist (a schism value that grows with patience) the largest one is returned, so that
    cooperation is sustainable on ``[delta*, 1)``.
    """
    grid = np.linspace(lo, hi, 2001)
    values = np.array([gain(d, *args, **kwargs) for d in grid])
    if np.all(values <= 0):
        return 0.0
    if values[-1] > 0:
        return 1.0
    last_positive = int(np.flatnonzero(values > 0)[-1])
    from scipy.optimize import brentq  # scipy.optimize takes 0.4 s to import: only here

    return float(brentq(lambda d: gain(d, *args, **kwargs), grid[last_positive],
                        grid[last_positive + 1], xtol=1e-14, rtol=1e-14))

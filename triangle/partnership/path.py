"""The partnership over time: the law of the joint automaton chain period by period.

:mod:`triangle.partnership.repeated` sums the chain into present values; here the same
chain is followed forward.  With ``pi_0 = e_start`` on the non-absorbing joint states and
``pi_{t+1} = pi_t Q`` (Kemeny & Snell 1960, ch. 3), the probability that the partnership is
still alive in period ``t`` is ``pi_t 1`` and the expected stage flow of period ``t`` is
``pi_t f``.  The schism comes at period ``tau`` with probability
``P(tau = t) = pi_{t-1} 1 - pi_t 1`` (``pi_{-1} 1 = 1``).

Exact, vectorised over ``n`` parameter points; the loop runs over periods, never over points.

>>> import numpy as np
>>> from triangle.partnership.strategies import Grim
>>> flows = np.zeros((1, 2, 2))
>>> p = pair_path(Grim(), Grim(), flows, flows, np.array([0.1]), 3)
>>> np.round(p.alive[0], 4)  # (1 - e)^(2t): Grim breaks after one misreading
array([1.    , 0.81  , 0.6561])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triangle.partnership.repeated import deliberate_break, joint_actions, joint_transitions, live_flows
from triangle.partnership.strategies import Strategy


@dataclass(frozen=True)
class PairPath:
    """Period-by-period law of one strategy pair at ``n`` points (arrays ``(n, periods)``).

    Attributes
    ----------
    alive : numpy.ndarray
        Probability that no schism has happened by period ``t`` (the partnership plays it).
    flow_T, flow_P : numpy.ndarray
        Expected stage flow of period ``t`` (zero once the partnership has ended), in the
        unit of the flows passed in.
    own_break : numpy.ndarray
        Probability that the partnership has split by period ``t`` through the target's
        deliberate break (:func:`~triangle.partnership.repeated.deliberate_break`).
    hedging : numpy.ndarray
        Probability that the partnership lives in period ``t`` and the target hedges in it.
    """

    alive: np.ndarray
    flow_T: np.ndarray
    flow_P: np.ndarray
    own_break: np.ndarray
    hedging: np.ndarray


def pair_path(strategy_T: Strategy, strategy_P: Strategy, stage_T: np.ndarray, stage_P: np.ndarray,
              e: np.ndarray, periods: int) -> PairPath:
    """Forward law of the joint chain of one strategy pair for ``periods`` periods.

    Parameters
    ----------
    strategy_T, strategy_P : Strategy
        The target's and the partner's strategies.
    stage_T, stage_P : numpy.ndarray
        Stage flows, shape ``(n, 2, 2)`` indexed ``[a_T, a_P]`` (``0 = C``, ``1 = H``).
    e : numpy.ndarray
        Probability of an uncorrected misreading per side and period, ``(n,)``.
    periods : int
        Number of periods ``0 .. periods-1`` to follow.

    Returns
    -------
    PairPath
        ``1 - alive[:, -1]`` equals :attr:`~triangle.partnership.repeated.PairValues.p_horizon`
        for a horizon of ``periods`` periods.
    """
    auto_T, auto_P = strategy_T.automaton(), strategy_P.automaton()
    a_T, a_P, live, start = joint_actions(auto_T, auto_P)
    n = e.shape[0]
    alive, flow_T, flow_P, own, hedging = (np.zeros((n, periods)) for _ in range(5))
    if not live[start]:  # someone breaks in the first period
        if a_T[auto_T.initial] == 2:  # the target's own break
            own[:] = 1.0
        return PairPath(alive, flow_T, flow_P, own, hedging)
    Q = joint_transitions(auto_T, auto_P, e)[:, live][:, :, live]
    f_T = live_flows(stage_T, a_T, a_P, live, auto_P.n_states)
    f_P = live_flows(stage_P, a_T, a_P, live, auto_P.n_states)
    to_own = deliberate_break(auto_T, a_P, e)[:, live]
    hedges = (a_T[np.divmod(np.flatnonzero(live), auto_P.n_states)[0]] == 1) * 1.0
    dist = np.zeros((n, int(live.sum())))
    dist[:, int(np.flatnonzero(np.flatnonzero(live) == start)[0])] = 1.0
    broke = np.zeros(n)
    for t in range(periods):
        alive[:, t] = dist.sum(axis=1)
        flow_T[:, t] = (dist * f_T).sum(axis=1)
        flow_P[:, t] = (dist * f_P).sum(axis=1)
        hedging[:, t] = (dist * hedges).sum(axis=1)
        own[:, t] = broke
        broke = broke + (dist * to_own).sum(axis=1)  # the break is played in period t + 1
        dist = np.einsum("nk,nkj->nj", dist, Q)
    return PairPath(np.clip(alive, 0.0, 1.0), flow_T, flow_P, np.clip(own, 0.0, 1.0),
                    np.clip(hedging, 0.0, 1.0))

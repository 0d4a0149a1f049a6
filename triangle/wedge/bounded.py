"""The partnership under bounded rationality: logit quantal responses in the meta-game.

Nash equilibria say what perfectly rational partners do.  Governments that misread and err
are modelled by the logit quantal response equilibrium (McKelvey & Palfrey 1995) of the
meta-game of :mod:`triangle.wedge.subgame`: each partner plays strategy ``i`` of the
library with probability proportional to ``exp(lambda V_i / unit)``, ``V_i`` its present
value against the other's mix and ``unit`` its ordinary payoff spread
(:func:`~triangle.wedge.subgame.ordinary_spread`), so ``lambda`` is a precision per payoff
unit (scenario key ``solver.rationality``; ``"nash"`` is ``lambda = inf``).  ``lambda = 0``
is uniform play; the principal branch converges, as ``lambda`` grows, to the Nash
equilibrium selected by logit tracing (Turocy 2005).

For a scenario the divider's package and the partner's counter-inducement are those of the
(perfectly rational) backward induction; the branch answers: if the partners played that
subgame with precision ``lambda``, what would they play, how likely is a schism within
the horizon (``p_schism = x^T P y``, ``P`` the horizon probability of each strategy pair),
and what is each actor's present value (``x^T V y``, exact with infinite costs)?

**Existential costs.**  With ``S = inf`` a strategy pair that may end in a schism is worth
``-inf``.  At any ``lambda > 0`` the QRE is the limit ``S -> inf``
(:func:`triangle.solvers.qre.infinite_support`): a strategy exposed to a schism against a
strategy the other keeps has probability exactly zero, and no NaN arises.  Where that limit
leaves a partner nothing to play (every strategy exposed against a kept one, a limit decided
by comparing exposures), the branch is traced on the engine's finite stand-in meta-game
instead (``A_solve``, ``B_solve``: the cost replaced above its bound and compressed), and
``exact`` is False at that point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from triangle.solvers.learning import fictitious_play, replicator, smooth_fictitious_play
from triangle.solvers.qre import infinite_support, logit_branch
from triangle.wedge.model import Model, Stage
from triangle.wedge.quantal import respond
from triangle.wedge.subgame import expected
from triangle.wedge.verdict import Evaluation, evaluate


@dataclass(frozen=True)
class QuantalBranch:
    """The logit branch of the partnership subgame at ``n`` points and ``L`` precisions.

    Attributes
    ----------
    lam : numpy.ndarray, shape (L,)
        Precisions per payoff unit.
    x, y : numpy.ndarray, shape (n, L, k)
        Target's and partner's mixed strategies over ``names``.
    p_schism : numpy.ndarray, shape (n, L)
        Probability of a schism within the horizon.
    V_T, V_P, V_D : numpy.ndarray, shape (n, L)
        Present values of target, partner and divider (payoff-years; ``-inf`` possible).
    residual : numpy.ndarray, shape (n, L)
        Fixed-point residual of each profile.
    exact : numpy.ndarray of bool, shape (n,)
        Infinite costs handled by their exact limit (False: finite stand-in, module doc).
    names : tuple of str
        Strategy names of the library.
    """

    lam: np.ndarray
    x: np.ndarray
    y: np.ndarray
    p_schism: np.ndarray
    V_T: np.ndarray
    V_P: np.ndarray
    V_D: np.ndarray
    residual: np.ndarray
    exact: np.ndarray
    names: tuple[str, ...]


def quantal_branch(stage: Stage, m: np.ndarray, lambdas: Sequence[float] | np.ndarray
                   ) -> QuantalBranch:
    """The principal logit branch of the subgame fixed by ``stage`` and counter ``m``."""
    game = stage.game(m)
    _, _, exact = infinite_support(game.A, game.B)
    A = np.where(exact[:, None, None], game.A, game.A_solve)
    B = np.where(exact[:, None, None], game.B, game.B_solve)
    br = logit_branch(A, B, lambdas, unit=(game.unit_T, game.unit_P))
    p, V_T, V_P, V_D = stage.play_values(game, br.x, br.y)
    return QuantalBranch(br.lam, br.x, br.y, p, V_T, V_P, V_D, br.residual, exact,
                         tuple(s.name for s in stage.model.library))


def scenario_branch(model: Model, lambdas: Sequence[float] | np.ndarray, mode: str = "fixed"
                    ) -> tuple[QuantalBranch, Evaluation]:
    """The branch at the package and counter of the rational backward induction.

    Returns the branch and the :class:`~triangle.wedge.verdict.Evaluation` it starts from
    (whose ``p_schism`` column is the Nash answer the branch tends to).
    """
    ev = evaluate(model, mode)
    return quantal_branch(ev.stage, ev.counter, lambdas), ev


def default_lambdas(own: float | None = None) -> np.ndarray:
    """0, then 60 precisions from 1e-2 to 1e3 per payoff unit (and the scenario's own)."""
    lam = np.concatenate([[0.0], np.geomspace(1e-2, 1e3, 60)])
    if own is not None and np.isfinite(own):
        lam = np.unique(np.append(lam, own))
    return lam


DYNAMICS = ("replicator", "fictitious", "stochastic")


@dataclass(frozen=True)
class Learning:
    """A learning path of the partnership subgame at ``n`` points over ``T`` times.

    ``years`` ``(T,)``; ``x``, ``y`` ``(n, T, k)`` the partners' mixes (beliefs for the
    fictitious plays); ``p_schism`` ``(n, T)``; ``outcome`` ``(n,)`` one of ``"break"``,
    ``"hedging"``, ``"loyalty"`` for the final mix; ``settled`` ``(n,)`` the first year
    after which both mixes stay within 0.01 (total variation) of the final ones.
    """

    dynamics: str
    years: np.ndarray
    x: np.ndarray
    y: np.ndarray
    p_schism: np.ndarray
    outcome: np.ndarray
    settled: np.ndarray
    names: tuple[str, ...]


def parse_mix(text: str, names: Sequence[str]) -> np.ndarray:
    """``"Loyal=0.5,Hedger=0.5"`` -> probabilities over ``names`` (ValueError on bad input)."""
    mix = np.zeros(len(names))
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or name.strip() not in names:
            raise ValueError(f"expected NAME=PROBABILITY with NAME one of {', '.join(names)}, "
                             f"found {part!r}")
        try:
            p = float(value)
        except ValueError:
            raise ValueError(f"expected a probability for {name.strip()}, found {value!r}") from None
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"expected a probability in [0, 1] for {name.strip()}, found {p:g}")
        mix[names.index(name.strip())] += p
    if abs(mix.sum() - 1.0) > 1e-9:
        raise ValueError(f"expected probabilities that sum to 1, found a sum of {mix.sum():g}")
    return mix


def learn(stage: Stage, m: np.ndarray, dynamics: str, start: np.ndarray, years: float,
          lam: float = 10.0) -> Learning:
    """The partners learn to play the subgame from the mix ``start`` (both sides) for ``years``.

    Payoffs are the engine's finite meta-game (``A_solve``, ``B_solve``: an existential cost
    as its stand-in, so a strategy exposed to it dies out within a step) divided by each
    partner's payoff unit.  One period of the partnership (``dt`` years) is one round of
    fictitious play, and one unit of replicator time: the partners revise once a period.
    ``lam`` is the logit precision of smooth fictitious play.
    """
    if dynamics not in DYNAMICS:
        raise ValueError(f"unknown dynamics {dynamics!r}; use one of {DYNAMICS}")
    game = stage.game(m)
    A = game.A_solve / game.unit_T[:, None, None]
    B = game.B_solve / game.unit_P[:, None, None]
    n, k = A.shape[0], A.shape[1]
    dt = float(np.max(stage.model.dt))
    rounds = max(1, int(np.ceil(years / dt)))
    x0 = np.broadcast_to(start, (n, k)).astype(float)
    if dynamics == "replicator":
        times = np.arange(rounds + 1, dtype=float)
        x, y = replicator(A, B, x0, x0.copy(), times, substeps=10)
    elif dynamics == "fictitious":
        cx, cy = fictitious_play(A, B, x0, x0.copy(), rounds)
        x, y = cx / cx.sum(2, keepdims=True), cy / cy.sum(2, keepdims=True)
    else:
        x, y = smooth_fictitious_play(A, B, x0, x0.copy(), rounds, np.full(n, lam))
    p = np.clip(expected(x, y, stage.table["p_horizon"]), 0.0, 1.0)
    outcome = classify_mix(stage, x[:, -1], y[:, -1], p[:, -1])
    moved = (0.5 * np.abs(x - x[:, -1:]).sum(2) > 0.01) | (0.5 * np.abs(y - y[:, -1:]).sum(2) > 0.01)
    last = np.where(moved.any(1), moved.shape[1] - np.argmax(moved[:, ::-1], axis=1), 0)
    steps = np.arange(rounds + 1) * dt
    return Learning(dynamics, steps, x, y, p, outcome, steps[np.minimum(last, rounds)],
                    tuple(s.name for s in stage.model.library))


def classify_mix(stage: Stage, x: np.ndarray, y: np.ndarray, p_schism: np.ndarray) -> np.ndarray:
    """``"break"`` if a schism within the horizon is more likely than the model's threshold
    (``solver.schism_probability``); else ``"hedging"`` if either partner's expected flow
    before a schism departs from mutual cooperation's (``R dt`` per discounted period) by more
    than 0.1 %; else ``"loyalty"``."""
    t, dt = stage.table, stage.model.dt
    col = (slice(None), None, None)
    dev = []
    for flow, dur, R in (("flow_T", "duration_T", stage.R_T), ("flow_P", "duration_P", stage.R_P)):
        coop = (R * dt)[col] * t[dur]
        gap = np.abs(t[flow] - coop) / np.maximum(np.abs(coop), 1e-12)
        dev.append(np.einsum("gi,gij,gj->g", x, gap, y))
    hedging = np.maximum(*dev) > 1e-3
    brk = p_schism > stage.model["solver.schism_probability"]
    return np.where(brk, "break", np.where(hedging, "hedging", "loyalty")).astype(object)



QUANTAL_COLUMNS = ("qre_p_schism", "qre_pv_target", "qre_pv_partner", "qre_pv_divider",
                   "rationality")


def quantal_columns(ev: Evaluation) -> dict[str, np.ndarray]:
    """The subgame under quantal response at each point's own ``solver.rationality``.

    Columns ``qre_p_schism``, ``qre_pv_target``, ``qre_pv_partner``, ``qre_pv_divider`` (and
    ``rationality``, the point's ``lambda``, for the report): the
    principal-branch QRE at the point's ``lambda`` (per payoff unit), at the rational package
    and counter.  Where ``lambda`` is ``"nash"`` they repeat the selected equilibrium's
    ``p_schism`` and present values, so a map over ``solver.rationality`` runs smoothly into the
    Nash answer.  Each point is traced to its own ``lambda`` by measuring payoffs in
    ``unit / lambda`` and tracing to precision 1 (the branch depends on ``lambda / unit`` only).
    """
    lam = ev.model["solver.rationality"]
    c = ev.columns
    out = {"qre_p_schism": np.array(c["p_schism"], float),
           "qre_pv_target": np.array(c["pv_target"], float),
           "qre_pv_partner": np.array(c["pv_partner"], float),
           "qre_pv_divider": np.array(c["pv_divider"], float), "rationality": np.array(lam, float)}
    finite = np.isfinite(lam)
    if not finite.any():
        return out
    idx = np.flatnonzero(finite)
    play = respond(ev.stage.take(idx), ev.counter[idx], lam[idx])
    out["qre_p_schism"][idx] = play.p
    out["qre_pv_target"][idx] = play.V_T
    out["qre_pv_partner"][idx] = play.V_P
    out["qre_pv_divider"][idx] = play.V_D
    return out

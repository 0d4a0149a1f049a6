"""The triangle under quantal response: backward induction with logit partners.

The same three steps as :mod:`triangle.wedge.verdict` (divider's package -> partner's
counter -> partnership subgame), with the target and the partner responding with finite
precision ``lambda`` (scenario key ``solver.rationality``, per payoff unit):

3. *Subgame.*  Its value is the principal-branch logit QRE of the meta-game at ``lambda``
   (McKelvey & Palfrey 1995; traced by :func:`triangle.solvers.qre.logit_branch`, Turocy
   2005), not a selected Nash equilibrium: each partner plays strategy ``i`` with probability
   ``exp(lambda V_i / unit) / sum_k exp(lambda V_k / unit)``.  A reward raises the target's
   value of the strategies that end in a break, hence their probability, smoothly.
2. *Counter.*  The partner pays the ``m`` in ``[0, cap]`` that maximises its expected
   present value ``x(m)^T B(m) y(m)`` under that response: a 1-D search, on a grid of
   :data:`GRID` counters and then a golden-section search (Kiefer 1953) between the best grid
   point's neighbours.  The partner pays nothing unless a counter raises its expected value;
   ``cap`` is the closed-form largest worthwhile counter, or where that is unbounded the
   search range of :mod:`triangle.wedge.counter`.
1. *Package.*  The scenario's package in ``fixed`` mode; in ``optimize`` mode the package
   the rational divider chooses (the divider's own search is not redone under quantal
   response).

**The verdict is an expected outcome.**  With ``p``, ``p0`` the probabilities of schism
within the horizon with and without the offer (each at the partner's own quantal counter),
and ``V_D``, ``V_D0`` the divider's expected present values, the seven tests of
:func:`triangle.wedge.reasons.decide` read, with the Nash classifier's threshold ``p_bar``
(``solver.schism_probability``):

===============  =====================================================
test             under quantal response
===============  =====================================================
``offer``        ``u + r + pressure > 0`` (unchanged)
``schism``       ``p > p_bar``
``split_anyway`` ``p0 > p_bar``
``caused``       ``p - p0 > p_bar``
``divider_gains````E[V_D] > E[V_D0]``
``tighter``      cohesion change ``> 0`` (at the quantal counters ``m``, ``m0``)
``upfront``      ``u > 0`` (unchanged)
===============  =====================================================

so the verdict word means what it means for rational play, with probabilities in place of
an equilibrium's, and it is reported with ``p``, ``p0`` and their change.  As ``lambda``
grows the QRE tends to the logit-tracing Nash equilibrium, and the verdict to the Nash one
wherever that is robust (tested on the shipped scenarios).  At ``lambda = 0`` play is
uniform whatever the payoffs: the offer cannot move either partner's choice, so ``p = p0``
exactly, the offer never *causes* a schism, and a counter only costs the partner (``m = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from triangle.solvers.qre import infinite_support, logit_branch
from triangle.wedge.counter import search_cap
from triangle.wedge.model import Model, Package, Stage, build_stage
from triangle.wedge.reasons import VERDICTS, decide
from triangle.wedge.verdict import cohesion, cohesion_change

#: Counters tried per point before the golden-section refinement.
GRID = 17
#: Golden-section steps (the bracket, two grid cells wide, shrinks by 0.618 per step).
GOLDEN_STEPS = 30
#: Games traced at once (memory: the tracer keeps every step of its batch).
BATCH = 2048
#: Least gain, in the partner's payoff unit, for which it pays a counter.
GAIN_TOL = 1e-8
#: Largest fixed-point residual of a profile accepted as a QRE.
RESIDUAL_TOL = 1e-6
_PHI = (np.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class Play:
    """The logit QRE of the subgame at ``n`` points: mixes ``x``, ``y`` ``(n, k)``, probability
    of schism ``p``, expected present values ``V_T``, ``V_P``, ``V_D``, the fixed-point
    ``residual`` and whether infinite costs were handled by their exact limit (``exact``)."""

    x: np.ndarray
    y: np.ndarray
    p: np.ndarray
    V_T: np.ndarray
    V_P: np.ndarray
    V_D: np.ndarray
    residual: np.ndarray
    exact: np.ndarray


def respond(stage: Stage, m: np.ndarray, lam: np.ndarray) -> Play:
    """The logit QRE of the subgame of ``stage`` at counter ``m`` and precision ``lam`` per point.

    Each point is traced to its own ``lambda`` by measuring payoffs in ``unit / lambda`` and
    tracing to precision 1 (the branch depends on ``lambda / unit`` only).  ``lambda = 0``
    (or one so small that ``unit / lambda`` overflows) is uniform play over the whole library.
    Infinite costs: the exact limit ``S -> inf`` where it leaves both partners a strategy,
    else the engine's finite stand-in (:mod:`triangle.wedge.bounded`).
    """
    game = stage.game(m)
    fmax = np.finfo(float).max
    flat = (lam == 0) | (game.unit_T / fmax > lam) | (game.unit_P / fmax > lam)
    scale = np.where(flat, 1.0, lam)
    _, _, exact = infinite_support(game.A, game.B)
    A = np.where(exact[:, None, None], game.A, game.A_solve)
    B = np.where(exact[:, None, None], game.B, game.B_solve)
    br = logit_branch(A, B, [1.0], unit=(game.unit_T / scale, game.unit_P / scale))
    k = A.shape[1]
    zero = flat[:, None, None]
    x = np.where(zero, 1.0 / k, br.x)
    y = np.where(zero, 1.0 / k, br.y)
    p, V_T, V_P, V_D = stage.play_values(game, x, y)
    residual = np.where(flat, 0.0, np.maximum(br.residual[:, 0], 0.0))
    return Play(x[:, 0], y[:, 0], p[:, 0], V_T[:, 0], V_P[:, 0], V_D[:, 0], residual, exact)


def _values(stage: Stage, lam: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Partner's expected PV at counters ``m`` ``(n, K)``: batched traces of ``n K`` games,
    :data:`BATCH` at a time (the tracer keeps every step of its batch)."""
    n, K = m.shape
    rep = np.repeat(np.arange(n), K)
    flat = m.reshape(-1)
    out = np.empty(n * K)
    for start in range(0, n * K, BATCH):
        part = rep[start:start + BATCH]
        out[start:start + BATCH] = respond(stage.take(part), flat[start:start + BATCH],
                                           lam[part]).V_P
    return out.reshape(n, K)


def quantal_counter(stage: Stage, lam: np.ndarray) -> np.ndarray:
    """The counter ``m`` per point that maximises the partner's expected PV under logit response.

    A grid of :data:`GRID` counters on ``[0, cap]`` (:func:`triangle.wedge.counter.search_cap`), then
    :data:`GOLDEN_STEPS` golden-section steps (one new trace each) between the best grid
    point's neighbours; the refined point is kept only where it beats the grid's best.  The
    partner pays only for a gain above :data:`GAIN_TOL` payoff units (the profiles' own
    accuracy, so that rounding never buys a counter); ties, and a value of ``-inf``
    everywhere (a schism the partner cannot buy off), go to the smaller counter.
    """
    n = stage.model.n
    cap = search_cap(stage, stage.model["counter.budget"])
    m = np.zeros(n)
    if not (cap > 0).any():
        return m
    idx = np.flatnonzero(cap > 0)
    sub, lam_s, cap_s = stage.take(idx), lam[idx], cap[idx]
    unit = sub.game(np.zeros(idx.size)).unit_P
    grid = cap_s[:, None] * np.linspace(0.0, 1.0, GRID)[None, :]
    V = _values(sub, lam_s, grid)
    best = np.argmax(V, axis=1)  # the first maximum: the least counter among ties
    rows = np.arange(idx.size)
    v_best, m_best = V[rows, best].copy(), grid[rows, best].copy()
    # Refine only where a positive counter beats the others on the grid: where the best is
    # m = 0 (or every value is -inf) the partner pays nothing and there is nothing to refine.
    r = np.flatnonzero(np.isfinite(v_best) & (best > 0))
    if r.size:
        sub_r, lam_r = sub.take(r), lam_s[r]
        lo = grid[r, best[r] - 1]
        hi = grid[r, np.minimum(best[r] + 1, GRID - 1)]
        c, d = hi - _PHI * (hi - lo), lo + _PHI * (hi - lo)
        Vc, Vd = _values(sub_r, lam_r, np.stack([c, d], axis=1)).T
        for _ in range(GOLDEN_STEPS):
            left = Vc >= Vd  # the maximum lies in [lo, d]: d becomes the new upper end
            lo, hi = np.where(left, lo, c), np.where(left, d, hi)
            new = np.where(left, hi - _PHI * (hi - lo), lo + _PHI * (hi - lo))
            Vn = _values(sub_r, lam_r, new[:, None])[:, 0]
            c, d, Vc, Vd = (np.where(left, new, d), np.where(left, c, new),
                            np.where(left, Vn, Vd), np.where(left, Vc, Vn))
        v_ref = np.maximum(Vc, Vd)
        m_ref = np.where(Vc >= Vd, c, d)
        take = v_ref > v_best[r]
        m_best[r] = np.where(take, m_ref, m_best[r])
        v_best[r] = np.where(take, v_ref, v_best[r])
    with np.errstate(invalid="ignore"):  # -inf - -inf: no gain
        gain = v_best - V[:, 0]
    pays = np.isfinite(v_best) & ((gain > GAIN_TOL * unit) | np.isneginf(V[:, 0]))
    m[idx] = np.where(pays, m_best, 0.0)
    return m


@dataclass(frozen=True)
class QuantalEvaluation:
    """The triangle under quantal response at ``n`` points (see :func:`quantal_evaluate`).

    ``play``, ``play0``: the subgame's QRE with and without the offer; ``columns``: the
    outputs, named as in :func:`triangle.wedge.verdict.evaluate` where they mean the same.
    """

    model: Model
    package: Package
    stage: Stage
    stage0: Stage
    play: Play
    play0: Play
    columns: dict[str, np.ndarray]


def quantal_evaluate(model: Model, package: Package, lam: np.ndarray) -> QuantalEvaluation:
    """Backward induction under logit response at precisions ``lam`` (module doc).

    Parameters
    ----------
    model : Model
        Parameters at ``n`` points.
    package : Package
        The divider's package per point.
    lam : numpy.ndarray
        Finite non-negative precisions per payoff unit, shape ``(n,)``.

    Returns
    -------
    QuantalEvaluation
        ``columns``: ``verdict``, ``schism``, ``p_schism``, ``p_schism_baseline``,
        ``p_schism_change``, ``schism_baseline``, ``schism_threshold``, ``counter_offer``,
        ``counter_offer_baseline``, ``pv_divider``, ``pv_target``, ``pv_partner``,
        ``pv_divider_baseline``, ``cohesion_before``, ``cohesion_after``, ``cohesion_change``,
        ``upfront``, ``reward``, ``pressure``, ``rationality``, ``residual`` (largest
        fixed-point residual behind the point) and ``converged`` (it is below
        :data:`RESIDUAL_TOL`).
    """
    lam = np.broadcast_to(np.asarray(lam, float), (model.n,))
    if not (np.isfinite(lam) & (lam >= 0)).all():
        raise ValueError("quantal response needs finite non-negative precisions")
    # the triangle with and without the offer, stacked: one trace per search step for both
    n = model.n
    both = model.take(np.concatenate([np.arange(n), np.arange(n)]))
    none = Package.none(n)
    joint = build_stage(both, Package(*(np.concatenate([getattr(package, f.name),
                                                        getattr(none, f.name)])
                                        for f in fields(Package))))
    lam2 = np.concatenate([lam, lam])
    m_both = quantal_counter(joint, lam2)
    played = respond(joint, m_both, lam2)
    first, second = np.arange(n), np.arange(n, 2 * n)
    stage, stage0 = joint.take(first), joint.take(second)
    m, m0 = m_both[:n], m_both[n:]
    play, play0 = (Play(*(getattr(played, f)[i] for f in Play.__dataclass_fields__))
                   for i in (first, second))
    thr = model["solver.schism_probability"]
    before, after = cohesion(model, stage0, m0), cohesion(model, stage, m)
    change = cohesion_change(model, stage, m, stage0, m0)
    added = play.p - play0.p
    code = decide(package.attempt, play.p > thr, play0.p > thr, added > thr,
                  play.V_D > play0.V_D, change > 0, package.upfront > 0)
    residual = np.maximum(play.residual, play0.residual)
    columns = {
        "verdict": np.asarray(VERDICTS, dtype=object)[code],
        "schism": play.p > thr,
        "p_schism": play.p,
        "p_schism_baseline": play0.p,
        "p_schism_change": added,
        "schism_baseline": play0.p > thr,
        "schism_threshold": thr,
        "counter_offer": m,
        "counter_offer_baseline": m0,
        "pv_divider": play.V_D,
        "pv_target": play.V_T,
        "pv_partner": play.V_P,
        "pv_divider_baseline": play0.V_D,
        "cohesion_before": before,
        "cohesion_after": after,
        "cohesion_change": change,
        "upfront": package.upfront,
        "reward": package.reward,
        "pressure": package.pressure,
        "rationality": lam.copy(),
        "residual": residual,
        "converged": residual < RESIDUAL_TOL,
    }
    return QuantalEvaluation(model, package, stage, stage0, play, play0, columns)


#: Columns added to every evaluation (:func:`quantal_columns`).
QUANTAL_VERDICT_COLUMNS = ("quantal_verdict", "quantal_p_schism", "quantal_p_schism_baseline",
                           "quantal_p_schism_change", "quantal_counter_offer",
                           "quantal_pv_divider", "quantal_pv_divider_baseline")


def quantal_columns(ev) -> tuple[dict[str, np.ndarray], QuantalEvaluation | None]:
    """The columns :data:`QUANTAL_VERDICT_COLUMNS` of an evaluation, and the quantal evaluation
    of its points with a finite ``solver.rationality`` (None if there are none).

    At a point whose precision is ``"nash"`` the columns repeat the Nash verdict, probabilities
    and counter, so a map over ``solver.rationality`` runs smoothly into the Nash answer.
    """
    c, lam = ev.columns, ev.model["solver.rationality"]
    out = {"quantal_verdict": np.array(c["verdict"], dtype=object),
           "quantal_p_schism": np.array(c["p_schism"], float),
           "quantal_p_schism_baseline": np.array(c["p_schism_baseline"], float),
           "quantal_p_schism_change": np.array(c["p_schism"], float) - c["p_schism_baseline"],
           "quantal_counter_offer": np.array(c["counter_offer"], float),
           "quantal_pv_divider": np.array(c["pv_divider"], float),
           "quantal_pv_divider_baseline": np.array(c["pv_divider_baseline"], float)}
    idx = np.flatnonzero(np.isfinite(lam))
    if idx.size == 0:
        return out, None
    q = quantal_evaluate(ev.model.take(idx), ev.package.take(idx), lam[idx])
    for name in QUANTAL_VERDICT_COLUMNS:
        out[name][idx] = q.columns[name.removeprefix("quantal_")]
    return out, q

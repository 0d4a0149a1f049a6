"""The partnership subgame: meta-game over the strategy library, its equilibria and selection.

For a fixed divider package and counter-inducement the target (rows) and the partner
(columns) choose strategies from the library; the bimatrix of exact present values
(:mod:`triangle.partnership.repeated`) is the meta-game (Axelrod 1984's tournament matrix read as a
game; Binmore & Samuelson 1992).  Its equilibria are the partnership's equilibria.

Present values at one strategy pair, per actor ``i`` (flows per period):

``V_T = flow_T + m dt duration_T + hit_T W_T + paid_T``,
``V_P = flow_P - m dt duration_P + hit_P W_P``, with
``W_T = -S_T + O_T dt / (1 - delta_T)``, ``W_P = -S_P + O_P dt / (1 - delta_P)`` and
``paid_T = u dt / (1 - delta_T s) + r dt / (1 - delta_T s) reward_T + h dt hedge_T`` the
divider's payments on one clock (:mod:`triangle.partnership.repeated`: the reward only after
the target's own break, the hedge reward only while it hedges, both while the commitment
lives).

**Existential costs.**  ``S = inf`` makes ``W = -inf`` wherever ``hit > 0``.  The
equilibria are computed on a finite stand-in ``S' > S_bar``, where ``S_bar`` is the
smallest cost above which, in every column (row) of the actor's meta-game, any strategy
more exposed to a schism (larger ``hit``) is strictly worse than any less exposed one:
``S_bar = max over such pairs of c + (F_i - F_k) / (hit_i - hit_k)`` with ``c`` the rest of
``W``.  Above ``S_bar`` the ordinal structure of the actor's payoffs within each opposing
strategy no longer depends on ``S``; so every pure equilibrium, every best-response set
against a pure strategy and every admissibility test is the same for all costs above it.
Payoffs far below the game's ordinary range are then compressed monotonically
(:func:`condition`) so that the solvers' tolerances stay meaningful.  Present values
themselves stay exact (``-inf`` only where a schism can really happen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triangle.common import rows
from triangle.solvers.dominance import uses_dominated, weakly_dominated
from triangle.solvers.registry import get as get_solver
from triangle.solvers.result import Equilibria

SELECTIONS = ("all", "payoff_dominant", "best_for_divider", "worst_for_divider")


def exact_value(base: np.ndarray, hit: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``base + hit * W`` with ``0 * (-inf) = 0``: a schism that never happens costs nothing.

    ``W`` is one value per point, shape ``(n, 1, 1)``.  Where it is finite the product is the
    plain one (``hit >= 0``, and ``base + 0 * W`` is ``base``); only the points with an
    infinite ``W`` need the case split, where ``hit * W`` is ``W`` itself if ``hit > 0``.
    """
    finite = np.isfinite(W)
    out = hit * np.where(finite, W, 0.0)
    out += base
    infinite = np.flatnonzero(~finite.reshape(-1))
    if infinite.size:
        out[infinite] = base[infinite] + np.where(hit[infinite] > 0, W[infinite], 0.0)
    return out


def existential_bound(F: np.ndarray, hit: np.ndarray, c: np.ndarray, axis: int,
                      eps: float = 1e-12) -> np.ndarray:
    """Cost ``S_bar`` above which exposure to a schism orders the actor's payoffs (module doc).

    Parameters
    ----------
    F : numpy.ndarray
        Payoff without the schism value, shape ``(n, k, k)``.
    hit : numpy.ndarray
        Discounted schism probability, same shape.
    c : numpy.ndarray
        Schism value without the cost (``W + S``), shape ``(n,)``.
    axis : int
        The actor's own strategy axis: 1 for the target (rows), 2 for the partner.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, at least 0.
    """
    # (own, n, other): strategy a against every later one, each pair once; the ratio of the
    # pair (b, a) is the same number, both differences negated exactly
    own = np.ascontiguousarray(np.moveaxis(F, axis, 0))
    exp = np.ascontiguousarray(np.moveaxis(hit, axis, 0))
    best = np.full(own.shape[1:], -np.inf)  # (n, other); maxima slab by slab, as numpy
    # reduces the short axes of many games several times slower
    # a difference of exposures at or below eps is no crossing: its quotient (which may
    # overflow, the exposures being subnormal) is dropped
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for a in range(own.shape[0] - 1):
            dh = exp[a] - exp[a + 1:]
            ratio = (own[a] - own[a + 1:]) / dh
            np.copyto(ratio, -np.inf, where=~(np.abs(dh) > eps))
            np.maximum(best, np.maximum.reduce(ratio, axis=0), out=best)
    top = best[:, 0].copy()
    for other in range(1, best.shape[1]):
        np.maximum(top, best[:, other], out=top)
    bound = c + top
    return np.maximum(np.where(np.isfinite(bound), bound, 0.0), 0.0)


def _bounds(F: np.ndarray, hit: np.ndarray, c: np.ndarray, S: np.ndarray, axis: int,
            every: bool) -> np.ndarray:
    """:func:`existential_bound` at every point, or only where the cost ``S`` is existential."""
    rows = np.broadcast_to(np.isinf(S), c.shape) if not every else np.ones(c.shape, dtype=bool)
    if rows.all():
        return existential_bound(F, hit, c, axis)
    out = np.zeros(c.shape)
    if rows.any():
        out[rows] = existential_bound(F[rows], hit[rows], c[rows], axis)
    return out


def bounds_over(low: MetaGame, high: MetaGame) -> tuple[np.ndarray, np.ndarray]:
    """Existential bounds valid for every counter between those of the games ``low`` and
    ``high`` at the same points.

    The payoffs without the schism value are affine in the counter ``m`` and the exposures do
    not move with it, so every ratio in :func:`existential_bound` is affine in ``m`` and their
    maximum convex: on an interval it is greatest at an end.
    """
    return np.maximum(low.bound_T, high.bound_T), np.maximum(low.bound_P, high.bound_P)


@dataclass(frozen=True)
class MetaGame:
    """Meta-game payoffs at ``n`` points.

    ``A``/``B`` are exact (may hold ``-inf``); ``A_solve``/``B_solve`` are finite stand-ins
    with the same equilibria (existential costs replaced above their bound); ``unit_T`` and
    ``unit_P`` are each player's ordinary payoff spread (:func:`ordinary_spread`), the unit
    in which the equilibrium engine judges its systems singular.
    """

    A: np.ndarray
    B: np.ndarray
    A_solve: np.ndarray
    B_solve: np.ndarray
    bound_T: np.ndarray
    bound_P: np.ndarray
    unit_T: np.ndarray
    unit_P: np.ndarray


def meta_game(table: dict[str, np.ndarray], m: np.ndarray, S_T: np.ndarray, S_P: np.ndarray,
              c_T: np.ndarray, c_P: np.ndarray, paid_T: np.ndarray, dt: np.ndarray,
              every_bound: bool = True, bounds: tuple | None = None) -> MetaGame:
    """Assemble the meta-game from the chain table for counter ``m`` per year (module doc).

    ``paid_T`` is the PV to the target of the divider's payments, per point ``(n,)`` or per
    point and strategy pair ``(n, k, k)``.  The existential bounds are needed for the game only
    where a cost is existential; elsewhere they are reported, and computed only if
    ``every_bound`` (a search's intermediate games leave them 0).  ``bounds``, if given, are
    used instead: any ``(bound_T, bound_P)`` at least the true ones gives stand-ins with the
    same equilibria (:func:`bounds_over`).
    """
    col = (slice(None), None, None)
    paid_T = np.asarray(paid_T, dtype=float)
    # in place: each full-size temporary of a large stack costs its page faults
    F_T = table["duration_T"] * (m * dt)[col]
    F_T += table["flow_T"]
    F_T += paid_T if paid_T.ndim == 3 else paid_T[col]
    F_P = table["duration_P"] * (m * dt)[col]
    np.subtract(table["flow_P"], F_P, out=F_P)
    if bounds is None:
        bound_T = _bounds(F_T, table["hit_T"], c_T, S_T, 1, every_bound)
        bound_P = _bounds(F_P, table["hit_P"], c_P, S_P, 2, every_bound)
    else:
        bound_T, bound_P = bounds
    stand_T = np.where(np.isinf(S_T), 2.0 * bound_T + 1.0, S_T)
    stand_P = np.where(np.isinf(S_P), 2.0 * bound_P + 1.0, S_P)
    A = exact_value(F_T, table["hit_T"], (c_T - S_T)[col])
    B = exact_value(F_P, table["hit_P"], (c_P - S_P)[col])
    unit_T, unit_P = ordinary_spread(F_T, c_T), ordinary_spread(F_P, c_P)
    V_T = table["hit_T"] * (c_T - stand_T)[col]
    V_T += F_T
    V_P = table["hit_P"] * (c_P - stand_P)[col]
    V_P += F_P
    A_solve = condition(V_T, F_T.min(axis=(1, 2)), unit_T)
    B_solve = condition(V_P, F_P.min(axis=(1, 2)), unit_P)
    return MetaGame(A, B, A_solve, B_solve, bound_T, bound_P, unit_T, unit_P)


COMPRESS_SPREADS = 1e4


def ordinary_spread(F: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Range of a player's payoffs without the schism value, plus ``|c| + 1``: shape ``(n,)``."""
    return F.max(axis=(1, 2)) - F.min(axis=(1, 2)) + np.abs(c) + 1.0


def condition(V: np.ndarray, lo: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Compress payoffs far below the game's ordinary range, keeping their order.

    A stand-in for an existential cost can sit ``1e8`` below the other payoffs, and no
    floating-point equilibrium solver keeps its tolerances meaningful across such a range.
    Entries below ``L = lo - 1e4 * spread`` (``lo`` the least payoff without the schism value,
    ``spread`` the :func:`ordinary_spread`; both per point) are mapped by
    ``L - spread * log1p((L - v) / spread)``:
    strictly increasing, so every comparison between two payoffs of a player, hence every
    pure equilibrium, best response to a pure strategy and dominance relation, is unchanged;
    payoffs above ``L`` are untouched.
    """
    floor = lo - COMPRESS_SPREADS * spread
    at = np.flatnonzero(V < floor[:, None, None])  # few: stand-ins, or enormous costs
    if at.size == 0:
        return V
    game = at // V[0].size
    f, s = floor.take(game), spread.take(game)
    out = V.copy()
    flat = out.reshape(-1)
    flat[at] = f - s * np.log1p((f - flat.take(at)) / s)
    return out


def expected(x: np.ndarray, y: np.ndarray, V: np.ndarray) -> np.ndarray:
    """``x^T V y`` per point and equilibrium, exact with ``-inf`` entries of zero weight.

    ``x``: ``(n, K, k)``, ``y``: ``(n, K, l)``, ``V``: ``(n, k, l)`` -> ``(n, K)``.  The finite
    entries give the sum; an infinite entry counts only where the strategy pair is played.
    """
    return expected_many(x, y, [V])[0]


def expected_many(x: np.ndarray, y: np.ndarray, tables: list[np.ndarray]) -> list[np.ndarray]:
    """:func:`expected` of several ``(n, k, l)`` tables at once, over the played pairs only.

    ``x^T V y = sum over (i, j) of x_i y_j V_ij``, and only the pairs with ``x_i != 0`` and
    ``y_j != 0`` add to it: an equilibrium has small supports and most slots are padding
    (zeros), so the pairs are listed once (:func:`_played_pairs`) and each table is read at
    them alone, a pure equilibrium's value being its entry exactly.  An infinite entry of a
    played pair (weight ``x_i y_j > 0``) makes the value that infinity (``+inf`` over
    ``-inf`` where a slot plays both); the finite entries give the sum."""
    n, K, k = x.shape
    l_ = y.shape[2]
    slot, i, j, w = _played_pairs(x, y)
    cells = ((slot // K) * k + i) * l_ + j  # V[g, i, j] of every pair, flat
    out = []
    for V in tables:
        v = V.reshape(-1).take(cells)
        finite = np.isfinite(v)
        if finite.all():
            out.append(np.bincount(slot, weights=w * v, minlength=n * K).reshape(n, K))
            continue
        value = np.bincount(slot, weights=w * np.where(finite, v, 0.0), minlength=n * K)
        for sign in (-1.0, 1.0):
            value[slot[(v == sign * np.inf) & (w > 0)]] = sign * np.inf
        out.append(value.reshape(n, K))
    return out


def _played_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every pair ``(i, j)`` with ``x[g, s, i] != 0`` and ``y[g, s, j] != 0``: its slot
    ``g K + s``, ``i``, ``j`` and weight ``x_i y_j``, ordered by slot, then ``i``, then ``j``."""
    n, K, k = x.shape
    l_ = y.shape[2]
    fx, fy = x.reshape(-1), y.reshape(-1)
    at_x, at_y = np.flatnonzero(fx != 0), np.flatnonzero(fy != 0)  # a mask is faster to scan
    wx, wy = fx.take(at_x), fy.take(at_y)
    slot_x, i = np.divmod(at_x, k)
    slot_y, j = np.divmod(at_y, l_)
    per_slot = np.bincount(slot_y, minlength=n * K)
    first_y = np.cumsum(per_slot) - per_slot
    count = per_slot.take(slot_x)  # partners of each played i: the played j of its slot
    a = np.repeat(np.arange(at_x.size), count)
    b = first_y.take(slot_x).take(a) + np.arange(a.size) - np.repeat(np.cumsum(count) - count,
                                                                      count)
    return slot_x.take(a), i.take(a), j.take(b), wx.take(a) * wy.take(b)


@dataclass(frozen=True)
class SubgameSolution:
    """Equilibria of the subgame at ``n`` points with each equilibrium's consequences.

    Arrays over ``(n, K)`` equilibrium slots: ``V_T``, ``V_P`` (exact PVs), ``hit_D``,
    ``duration_D``, ``p_schism``; ``admissible`` marks valid equilibria in undominated
    strategies; ``selected`` is the index chosen by the rule per point; ``reward_D`` and
    ``hedge_D`` are the divider's commitment quantities (:mod:`triangle.partnership.repeated`)
    and ``hedge_share`` the share of the horizon in which the target hedges.
    """

    batch: Equilibria
    game: MetaGame
    V_T: np.ndarray
    V_P: np.ndarray
    hit_D: np.ndarray
    duration_D: np.ndarray
    p_schism: np.ndarray
    admissible: np.ndarray
    selected: np.ndarray
    reward_D: np.ndarray
    hedge_D: np.ndarray
    hedge_share: np.ndarray

    def take(self, idx: np.ndarray) -> SubgameSolution:
        """The solution at points ``idx`` only."""
        return rows.take(self, idx)

    @property
    def valid_width(self) -> int:
        """Number of equilibrium slots per point."""
        return self.batch.valid.shape[1]

    def pick(self, values: np.ndarray) -> np.ndarray:
        """Values at the selected equilibrium: ``values[g, selected[g]]``."""
        return np.take_along_axis(values, self.selected[:, None], axis=1)[:, 0]


def solve_subgame(table: dict[str, np.ndarray], game: MetaGame, divider_value,
                  selection: str, backend: str) -> SubgameSolution:
    """Equilibria of the meta-game, their consequences, and the selected one.

    ``divider_value(hit_D, duration_D, reward_D, hedge_D)`` maps the divider's chain
    quantities to its PV, so that ``best_for_divider`` and ``worst_for_divider`` can rank equilibria.

    Selection (Harsanyi & Selten 1988 for payoff dominance): among admissible equilibria,
    ``payoff_dominant`` takes one that no other beats for both partners, else the largest
    sum of the partners' values; ``best_for_divider``/``worst_for_divider`` rank by the
    divider's value; ``all`` reports the worst for the divider, and robustness is judged
    over all admissible equilibria by the caller.
    """
    if selection not in SELECTIONS:
        raise ValueError(f"unknown selection {selection!r}; use one of {SELECTIONS}")
    unit = (game.unit_T, game.unit_P)
    solver = get_solver(backend)
    batch = solver.solve(game.A_solve, game.B_solve, unit)
    x, y, valid = batch.x, batch.y, batch.valid
    V_T, V_P, hit_D, duration_D, p_schism, reward_D, hedge_D, hedge_share = expected_many(
        x, y, [game.A, game.B, *(table[k] for k in ("hit_D", "duration_D", "p_horizon",
                                                     "reward_D", "hedge_D", "hedge_share"))])
    p_schism, hedge_share = np.clip(p_schism, 0.0, 1.0), np.clip(hedge_share, 0.0, 1.0)
    if solver.admissible_only:  # it returns only admissible equilibria (all, if none is)
        admissible = valid
    else:
        dom_T, dom_P = weakly_dominated(game.A_solve, game.B_solve, unit)
        admissible = valid & ~uses_dominated(x, y, dom_T, dom_P)
        admissible = np.where(admissible.any(axis=1, keepdims=True), admissible, valid)
    V_D = divider_value(hit_D, duration_D, reward_D, hedge_D)
    if selection == "payoff_dominant":
        dominant = payoff_dominant(V_T, V_P, admissible)
        total = np.where(admissible, V_T + V_P, -np.inf)
        selected = _canonical_first(dominant, x, y)
        none = np.flatnonzero(~dominant.any(axis=1))  # no dominant one: the largest sum
        if none.size:
            selected[none] = _first_max(total[none], admissible[none], x[none], y[none])
    elif selection == "best_for_divider":
        selected = _first_max(V_D, admissible, x, y)
    else:
        selected = _first_max(-V_D, admissible, x, y)
    return SubgameSolution(batch, game, V_T, V_P, hit_D, duration_D, p_schism, admissible,
                           selected, reward_D, hedge_D, hedge_share)


def payoff_dominant(V_T: np.ndarray, V_P: np.ndarray, admissible: np.ndarray) -> np.ndarray:
    """The admissible slots that pay both partners at least what every admissible slot pays
    (Harsanyi & Selten 1988): ``V_T[k] >= V_T[j]`` and ``V_P[k] >= V_P[j]`` for every
    admissible ``j`` is ``V_T[k] >= max_j V_T[j]`` and likewise for ``V_P``, so the pairwise
    test is two maxima, exact in floating point (``-inf`` included).  Shape ``(n, K)``."""
    best_T = np.where(admissible, V_T, -np.inf).max(axis=1, keepdims=True)
    best_P = np.where(admissible, V_P, -np.inf).max(axis=1, keepdims=True)
    return admissible & (V_T >= best_T) & (V_P >= best_P)


def _canonical_first(hits: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per game, the slot among ``hits`` that comes first in the canonical order of
    :func:`triangle.solvers.result.sort_key` (smallest supports, then lexicographic); slot 0
    where there is none.

    A rule that ties (two equilibria with the same sum for both partners, say) must not
    depend on the order in which a solver happens to list the equilibria, or two backends
    with the same set would select differently.  Only games with more than one hit are
    ranked.
    """
    first = np.where(hits.any(axis=1), np.argmax(hits, axis=1), 0)
    tied = np.flatnonzero(hits.sum(axis=1) > 1)
    if tied.size == 0:
        return first
    game, slot = np.nonzero(hits[tied])  # the hits alone, by game and then slot
    xt, yt = x[tied[game], slot], y[tied[game], slot]
    support = (xt > 0).sum(axis=1) + (yt > 0).sum(axis=1)
    keys = np.concatenate([support[:, None], -np.round(xt, 9), -np.round(yt, 9)], axis=1)
    order = np.lexsort((*keys.T[::-1], game))  # stable: equal keys keep the slot order
    ranked = game[order]
    lead = order[np.r_[True, ranked[1:] != ranked[:-1]]]  # the first hit of each game
    first[tied[game[lead]]] = slot[lead]
    return first


def _first_max(score: np.ndarray, mask: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the largest score among masked slots (the canonically first on ties,
    :func:`_canonical_first`; slot 0 if no slot is masked)."""
    masked = np.where(mask, score, -np.inf)
    best = masked.max(axis=1, keepdims=True)
    return _canonical_first(mask & (masked >= best), x, y)


def overlay(base: SubgameSolution, rows_: np.ndarray, other: SubgameSolution) -> SubgameSolution:
    """``base`` with the points ``rows_`` replaced by the points of ``other`` (same order).

    Equilibrium slots are padded to the wider of the two; padding is never valid
    (:func:`triangle.common.rows.overlay`).
    """
    return rows.overlay(base, rows_, other)

"""Where the partner's counter makes the selected equilibrium appear, from its supports.

Between two breakpoints of the meta-game (:mod:`triangle.wedge.counter`) the ordinal structure
of both players' payoffs is fixed, yet "the partnership holds" can still switch inside the
interval: at the counter ``m*`` where the equilibrium selected above it, ``(x, y)`` with
supports ``(I, J)``, comes into existence.  With its supports fixed, the equilibrium is the
solution of the indifference conditions (von Stengel 2007, sect. 3.3)

``A_IJ y_J = u 1``, ``1^T y_J = 1``, ``B_IJ^T x_I = v 1``, ``1^T x_I = 1``,

whose coefficients move continuously with ``m`` (affinely, apart from the existential
stand-ins).  It exists while its *slack*

``s(m) = min(x_I, y_J, (u - A_i. y) / unit_T for i not in I, (v - x^T B_.j) / unit_P for j not in J)``

is non-negative (``>= -TOL``, the solvers' tolerance: at a breakpoint two payoffs tie and
the slack is round-off), so ``m*`` is the root of ``s`` in the bracket (:func:`first_root`).
Just below its root the slack typically rises steeply and then levels off, which stalls regula
falsi; Newton's method from the failing end (the slope by a forward difference) does not, and
each step solves one small linear system per point instead of the whole meta-game.  Its
iterates approach the root from one side, so each step aims a quarter of the tolerance past
its estimate and goes on from whichever end of the bracket lies nearer the root: a converged
estimate then closes the bracket in a step or two instead of leaving it to bisection.  The root
is then checked with the game solver just below and just above it (:func:`settle`, or the
caller's own check): where the solver agrees, the bracket shrinks to ``2e-9`` of ``m*`` in two
solves; where it does not (the equilibrium that holds first is not one of those seen at the
bracket's upper end), the caller's search goes on from the bracket it had.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from triangle.solvers.tolerance import TOL
from triangle.wedge.subgame import MetaGame

#: Relative width to which the root of the slack is bracketed (well inside the check's 1e-9).
ROOT_RTOL = 1e-11
#: Relative distance from the root at which the game solver must fail below and hold above:
#: the solver's tolerances (1e-11 of a payoff unit, singular systems) move its own switch by
#: less than this from the exact root.
CHECK = 1e-9
#: A support system is singular when its determinant, rows normalised, is below this.
SINGULAR = 1e-12
#: Steps on the slack (each a small linear solve per point, not a game).
ROOT_STEPS = 80
#: Relative step of the difference quotient that gives Newton's method the slack's slope.
SLOPE_STEP = 1e-7


def support_slack(game: MetaGame, I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """``s(m)`` (module doc) per point for the supports ``I`` (``(n, k)``) and ``J`` (``(n, l)``).

    ``-inf`` where the supports differ in size or their system is singular: such an
    equilibrium is not pinned down by its supports alone.
    """
    A, B = game.A_solve, game.B_solve
    n, k, l_ = A.shape
    size = I.sum(axis=1)
    out = np.full(n, -np.inf)
    for s in np.unique(size[size == J.sum(axis=1)]):
        g = np.flatnonzero((size == s) & (J.sum(axis=1) == s))
        rows = np.argsort(~I[g], axis=1, kind="stable")[:, :s]  # support indices first
        cols = np.argsort(~J[g], axis=1, kind="stable")[:, :s]
        a_sub = np.take_along_axis(np.take_along_axis(A[g], rows[:, :, None], 1), cols[:, None, :], 2)
        b_sub = np.take_along_axis(np.take_along_axis(B[g], rows[:, :, None], 1), cols[:, None, :], 2)
        y_s, u, ok_y = _indifferent(a_sub)
        x_s, v, ok_x = _indifferent(np.swapaxes(b_sub, 1, 2))
        y, x = np.zeros((g.size, l_)), np.zeros((g.size, k))
        np.put_along_axis(y, cols, y_s, axis=1)
        np.put_along_axis(x, rows, x_s, axis=1)
        reply_T = (u[:, None] - np.einsum("gij,gj->gi", A[g], y)) / game.unit_T[g, None]
        reply_P = (v[:, None] - np.einsum("gi,gij->gj", x, B[g])) / game.unit_P[g, None]
        reply_T[I[g]], reply_P[J[g]] = np.inf, np.inf  # supported strategies are tight
        slack = np.minimum(np.minimum(x_s.min(axis=1), y_s.min(axis=1)),
                           np.minimum(reply_T.min(axis=1), reply_P.min(axis=1)))
        out[g] = np.where(ok_x & ok_y, slack, -np.inf)
    return out


def _indifferent(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(z, w, ok)`` with ``M z = w 1``, ``1^T z = 1`` per game (``M``: ``(g, s, s)``)."""
    g, s, _ = M.shape
    system = np.zeros((g, s + 1, s + 1))
    system[:, :s, :s] = M
    system[:, :s, s] = -1.0
    system[:, s, :s] = 1.0
    # singular relative to Hadamard's bound, so that a row of existential stand-ins (1e6
    # times the others) does not make a regular system look singular
    rows = np.linalg.norm(system, axis=2)
    ok = np.abs(np.linalg.det(system / rows[:, :, None])) > SINGULAR
    system[~ok] = np.eye(s + 1)
    rhs = np.zeros((g, s + 1))
    rhs[:, s] = 1.0
    sol = np.linalg.solve(system, rhs[:, :, None])[:, :, 0]
    return sol[:, :s], sol[:, s], ok


def _slack_and_slope(game_at: Callable[[np.ndarray, np.ndarray], MetaGame], owner: np.ndarray,
                     I: np.ndarray, J: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The slack at ``m`` and its forward difference quotient over ``SLOPE_STEP max(1, m)``,
    from one call for both (``nan`` where the slack is not finite)."""
    h = SLOPE_STEP * np.maximum(1.0, np.abs(m))
    k = m.size
    both = support_slack(game_at(np.concatenate([owner, owner]), np.concatenate([m, m + h])),
                         np.concatenate([I, I]), np.concatenate([J, J]))
    with np.errstate(invalid="ignore"):
        return both[:k], (both[k:] - both[:k]) / h


def first_root(game_at: Callable[[np.ndarray, np.ndarray], MetaGame], candidates: tuple,
               low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per point, the least counter in ``(low, high]`` at which one of the ``candidates``
    (equilibria at ``high``, ``(owner, x, y)``) comes into existence, to a relative
    ``ROOT_RTOL``: the upper end of the bracket around the root of its slack (module doc).

    ``+inf`` where no candidate appears inside the bracket (it exists at ``low`` too, or its
    supports do not pin it down).
    """
    owner, x, y = candidates
    I, J = x > 0, y > 0
    s_high = support_slack(game_at(owner, high[owner]), I, J)
    s_low, d_low = _slack_and_slope(game_at, owner, I, J, low[owner])
    new = (s_high >= -TOL) & (s_low < -TOL)  # appears inside the bracket
    owner, I, J = owner[new], I[new], J[new]
    lo, hi = low[owner].copy(), high[owner].copy()
    f_lo, f_hi = s_low[new] + TOL, s_high[new] + TOL  # the root of slack + TOL
    d_lo, d_hi = d_low[new], np.full(lo.size, np.nan)  # slopes; none yet at the upper end
    g_lo, g_hi = f_lo.copy(), f_hi.copy()  # the values regula falsi weighs (Illinois rule)
    kept = np.zeros(lo.size, dtype=np.int8)  # which end the last step kept: -1 low, +1 high
    checkpoint = hi - lo  # the bracket's width at the last third step
    for step in range(ROOT_STEPS):
        open_ = np.flatnonzero(hi - lo > ROOT_RTOL * np.maximum(1.0, hi))
        if open_.size == 0:
            break
        a, b, fa, fb = lo[open_], hi[open_], f_lo[open_], f_hi[open_]
        da, db, ga, gb = d_lo[open_], d_hi[open_], g_lo[open_], g_hi[open_]
        # Newton's step from the end nearer the root (the smaller |f|) that has a slope: first
        # the failing end, where the slack rises to its root
        from_lo = (da > 0) & ((np.abs(fa) <= np.abs(fb)) | ~(db > 0))
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            newton = np.where(from_lo, a - fa / da, b - fb / db)
            secant = b - gb * (b - a) / (gb - ga)
        # A quarter of the tolerance past the estimate, towards the other end: a converged
        # estimate then closes the bracket, which Newton's iterates from one side never do
        shift = 0.25 * ROOT_RTOL * np.maximum(1.0, b)
        aim = newton + np.where(from_lo, shift, -shift)
        aim = np.where((aim > a) & (aim < b), aim, newton)
        # Newton's step where it lands inside, else regula falsi with the Illinois rule
        # (Dowell & Jarratt 1971), and a bisection wherever three steps did not halve the
        # bracket, so it shrinks whatever the slack's kinks
        mid = np.where(np.isfinite(secant) & (secant > a) & (secant < b), secant, 0.5 * (a + b))
        newton_ok = (from_lo | (db > 0)) & np.isfinite(newton) & (newton > a) & (newton < b)
        mid = np.where(newton_ok, aim, mid)
        if step % 3 == 2:
            slow = b - a > 0.5 * checkpoint[open_]
            mid = np.where(slow, 0.5 * (a + b), mid)
            checkpoint[open_] = b - a
        f, d = _slack_and_slope(game_at, owner[open_], I[open_], J[open_], mid)
        f = f + TOL
        up_ = f >= 0
        at, bt = open_[up_], open_[~up_]
        hi[at], f_hi[at], d_hi[at], g_hi[at] = mid[up_], f[up_], d[up_], f[up_]
        lo[bt], f_lo[bt], d_lo[bt], g_lo[bt] = mid[~up_], f[~up_], d[~up_], f[~up_]
        side = np.where(up_, 1, -1).astype(np.int8)
        again = kept[open_] == -side  # the other end kept twice in a row: halve its weight
        g_lo[open_[again & up_]] *= 0.5
        g_hi[open_[again & ~up_]] *= 0.5
        kept[open_] = -side
    root = np.full(low.size, np.inf)
    np.minimum.at(root, owner, hi)
    return root


def check_points(root: np.ndarray, low: np.ndarray, high: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Where the game solver is asked about a proposed root: ``CHECK max(1, root)`` below and
    above it, kept inside the bracket ``[low, high]``."""
    step = CHECK * np.maximum(1.0, root)
    return np.maximum(low, root - step), np.minimum(high, root + step)


def settle(game_at: Callable[[np.ndarray, np.ndarray], MetaGame], candidates: tuple,
           low: np.ndarray, high: np.ndarray,
           holds: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> tuple:
    """The least counter in ``(low, high]`` at which the partnership holds, where an
    equilibrium's support pins it down.

    Parameters
    ----------
    game_at : callable
        ``game_at(where, m)``: the meta-game at the points ``where`` for counters ``m``.
    candidates : (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        ``(owner, x, y)``: equilibria at ``high`` that keep the partnership, each with the
        index of its point.  The one appearing first as ``m`` grows is proposed.
    low, high : numpy.ndarray
        The bracket per point: the predicate fails at ``low`` and holds at ``high``.
    holds : callable
        ``holds(where, m)``: the predicate, from the game solver, at the points ``where``.

    Returns
    -------
    (settled, low, high)
        Per point, whether the proposed root was confirmed by the solver (the predicate fails
        ``CHECK`` below the root and holds ``CHECK`` above it), and the bracket: those two
        points where confirmed, else the bracket given.
    """
    root = first_root(game_at, candidates, low, high)
    cand = np.flatnonzero(np.isfinite(root))
    settled = np.zeros(low.size, dtype=bool)
    below, above = low.copy(), high.copy()
    if cand.size:
        below[cand], above[cand] = check_points(root[cand], low[cand], high[cand])
        settled[cand] = holds(cand, above[cand]) & ~holds(cand, below[cand])
    return settled, np.where(settled, below, low), np.where(settled, above, high)

"""All Nash equilibria of many small bimatrix games at once, in pure numpy.

A bimatrix game is a pair of payoff matrices ``A`` (row player) and ``B`` (column player) of
shape ``(m, n)``.  A pair of mixed strategies ``(x, y)`` is a Nash equilibrium (Nash 1951) iff
every pure strategy played with positive probability is a best response: ``x_i > 0`` implies
``(A y)_i = max(A y)`` and ``y_j > 0`` implies ``(B^T x)_j = max(B^T x)`` (the support
theorem, von Stengel 2007, Thm 3.1).

The engine enumerates, for every game of a stack at once, the vertices of both players'
best-response polyhedra

    ``P = {(x, v) : x >= 0, 1^T x = 1, B^T x <= v 1}``,
    ``Q = {(y, u) : y >= 0, 1^T y = 1, A y <= u 1}``.

A vertex of ``P`` is the solution of an equal-size system: a support set ``I`` of ``k`` rows
and a set ``T`` of ``k`` columns made indifferent, ``(B^T x)_j = v`` for ``j`` in ``T``,
``1^T x = 1`` (von Stengel 2007, sect. 3.4; Lemke & Howson 1964).  All these systems, for all
games and all ``(I, T)`` of one size ``k``, are solved together in closed form: subtracting the
first equation of ``T`` eliminates ``v``, and Cramer's rule gives ``x_I`` as the normalised null
vector of the ``(k-1) x k`` difference matrix, i.e. its signed maximal minors.  Those minors are
built for all index sets by Laplace expansion, one size at a time, vectorised over games (the
last, contiguous axis) and index sets; the payoff of every pure strategy outside ``T`` is a
minor of the next size, so feasibility needs no further products; most systems are ruled
out by the signs of those minors alone, 64 games to a machine word
(:mod:`~triangle.solvers.feasible`).  There is no Python loop over games or over support
pairs.  (Stacked ``np.linalg.solve`` costs about 0.3-1 us per tiny system, too slow for the
~1,850 systems of a 6x6 game; this engine needs < 0.1 us each.)

* Non-degenerate games: the equilibria are the support pairs ``(I, J)`` whose two
  indifference systems both give a vertex (support enumeration; von Stengel 2007, sect. 3.3).
* Degenerate games (von Stengel 2002: some mixed strategy with support size ``k`` has more
  than ``k`` pure best responses): the equilibria form finitely many convex sets, possibly
  continua, whose extreme points are the *completely labelled vertex pairs* of ``P x Q``
  (Mangasarian 1964; Avis, Rosenberg, Savani & von Stengel 2010).  For games flagged degenerate
  all vertex pairs are matched by labels.  An ``x`` defined by ``(I, T)`` may pair with a ``y``
  whose support is a proper subset of ``T``, so this finds the extreme equilibria with supports
  of unequal size, where the system on the two supports themselves is singular or
  under-determined.  Only extreme points are returned: a continuum is not listed.

Degeneracy is detected (a) from ties among the pure best responses to each pure strategy,
(b) at every equilibrium found (a player with more pure best responses than the support size
of the opponent's strategy) and (c) at every vertex of ``P`` and ``Q`` (more than ``m``
resp. ``n`` labels), which makes the test complete up to ``tol``.  A vertex is solved only
where it is read: where its supports match, or where the closest of its weights and replies
lies near a label (``feasible.NEAR_REL``, ``NEAR_ABS``: only such a vertex can have extra
labels); the vertices of the games found degenerate are all solved.  Probabilities above
``-tol`` are clipped to 0 and renormalised; every returned pair passes a best-response check
with tolerance ``tol``.  Singular systems are skipped; no NaN is ever returned.

Examples
--------
Matching pennies has the unique equilibrium ``x = y = (1/2, 1/2)``:

>>> import numpy as np
>>> A = np.array([[[1.0, -1.0], [-1.0, 1.0]]])
>>> eq = batched_equilibria(A, -A)
>>> eq.count()
array([1])
>>> x, y = eq.of_game(0)[0]
>>> x.round(6).tolist(), y.round(6).tolist()
([0.5, 0.5], [0.5, 0.5])
>>> bool(eq.degenerate[0])
False
"""

from __future__ import annotations

from math import comb

import numpy as np

from triangle.solvers import nashpy_methods
from triangle.solvers.degenerate import (
    DEDUP_GRID,
    _degenerate_vertices,
    _labels,
    _pair_vertices,
)
from triangle.solvers.feasible import _side_systems
from triangle.solvers.result import Equilibria
from triangle.solvers.tolerance import TOL, best_replies_hold, clean, games_in_units, in_units
from triangle.solvers.vertices import (
    _bits,
    _row_all,
    _row_count,
    _row_max,
    _rows_where,
    _solved_systems,
)

__all__ = ["BatchedEquilibria", "batched_equilibria", "pure_equilibria"]

#: The engine's result is the one result type of every solver.
BatchedEquilibria = Equilibria

#: Candidate systems (games x index-set pairs x support size) processed per chunk.
SYSTEM_BUDGET = 600_000
#: Games per chunk at least, as long as their systems number at most ``4 * SYSTEM_BUDGET``:
#: each of a chunk's thousands of numpy calls then covers enough games (6 x 6 games: 1,024
#: instead of 500; 8 x 8 games, ~20,000 systems of one size each: 122 instead of 30).
MIN_CHUNK = 1024


def pure_equilibria(A: np.ndarray, B: np.ndarray, tol: float = TOL,
                    unit: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Mask of pure Nash equilibria, shape ``(N, m, n)``.

    Cell ``(i, j)`` is an equilibrium iff ``A[i, j] >= max_k A[k, j] - tol`` (row ``i`` is a best
    response to column ``j``) and ``B[i, j] >= max_l B[i, l] - tol`` (Nash 1951), payoffs in
    each player's unit (:mod:`triangle.solvers.tolerance`).
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    ua, ub = (None, None) if unit is None else unit
    A, B = (in_units(A, ua), in_units(B, ub)) if A.ndim == 3 else (in_units(A), in_units(B))
    return (A >= A.max(axis=-2, keepdims=True) - tol) & (B >= B.max(axis=-1, keepdims=True) - tol)


def _unique_rows(g: np.ndarray, *vecs: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
    """Indices of the first of each group of rows equal to ~1e-7 (and with equal ``labels``,
    if given), sorted by (g, labels, vecs)."""
    ints = [g] if labels is None else [g, labels]
    cols = [*ints, *(np.rint(v[:, j] * DEDUP_GRID).astype(np.int64) for v in vecs
                     for j in range(v.shape[1]))]
    if len(g) and min(c.min() for c in cols) >= 0 and max(c.max() for c in cols) < 1 << 24:
        # two 24-bit columns in one int64 key, in order: the same order with half the keys
        cols = [(a << 24) | b for a, b in zip(cols[::2], cols[1::2], strict=False)] + (
            [cols[-1]] if len(cols) % 2 else [])
    order = np.lexsort(cols[::-1])  # lexicographic, game first (faster than np.unique(axis=0))
    if len(order) < 2:
        return order
    new = np.zeros(len(order) - 1, dtype=bool)
    for c in cols:
        cs = c.take(order)
        new |= cs[1:] != cs[:-1]
    return order[np.r_[True, new]]


def _solve_chunk(A: np.ndarray, B: np.ndarray, tol: float, table: np.ndarray) -> tuple:
    """Equilibria ``(g, x, y)`` and degeneracy flags for one chunk of games in payoff units.

    Level by level, both sides' feasible systems are matched by support first; a vertex is
    solved only where it is matched, or where it may carry an extra label (degeneracy test
    (c), in a game not yet known to be degenerate).  The vertices of the games found
    degenerate are solved at the end, all of them, for :func:`_pair_vertices`.

    ``table``: the support-matching table (:func:`_matching`), all ``-1`` and left so, of
    at least :func:`_table_size` entries; one serves every chunk of a stack."""
    N, m, n = A.shape
    sides = [(B, m, n), (np.ascontiguousarray(A.transpose(0, 2, 1)), n, m)]  # x vs B, y vs A^T
    deg = _pure_ties(B, tol) | _pure_ties(sides[1][0], tol)  # (a) ties at pure strategies
    systems = [_side_systems(C, tol) for C, _, _ in sides]  # every level's feasible systems
    matches = []
    for k in range(1, min(m, n) + 1):
        (_, _, tx, rx, _, near_x), (_, _, ty, ry, _, near_y) = systems[0][k - 1], systems[1][k - 1]
        gx, gy = rx % N, ry % N
        feasible = [(near_x, gx), (near_y, gy)]
        n_rows, n_cols = comb(m, k), comb(n, k)
        key_x = (gx * n_rows + rx // N) * n_cols + tx  # x: support rows I, indifferent columns T
        key_y = (gy * n_rows + ty) * n_cols + ry // N  # y: support columns J, indifferent rows
        ax, ay = _matching(key_x, key_y, table)
        live = np.flatnonzero(~deg.take(gx.take(ax)))  # a degenerate game's pairs are dropped
        ax, ay = ax.take(live), ay.take(live)
        solved = []
        for s, ((C, p, _), (near, g), a) in enumerate(zip(sides, feasible, (ax, ay), strict=True)):
            lv, M, it, rest, sums, _ = systems[s][k - 1]
            want = near & ~deg[g]
            want[a] = True
            at = np.flatnonzero(want)
            (gv, _, _, z, _, zero, br), keep = _solved_systems(C, M, lv, tol, it[at], rest[at],
                                                               sums[at])
            lab = _labels(zero, br, m, s)
            deg[gv[keep & (np.bitwise_count(lab) > p)]] = True  # (c) too many labels
            slot = np.full(len(it), -1)
            slot[at] = np.arange(len(at))
            solved.append((slot.take(a), z, keep))
        (sx, X, kx), (sy, Y, ky) = solved
        both = kx.take(sx) & ky.take(sy)
        matches.append((gx.take(ax[both]), X.take(sx[both], axis=0), Y.take(sy[both], axis=0)))
    g, x, y = (np.concatenate(v) for v in zip(*matches, strict=True))
    br_x, br_y, ok = _responses(A.take(g, axis=0), B.take(g, axis=0), x, y, tol)
    # (b) at an equilibrium, more pure best responses than the opponent's support size
    more_x = np.bitwise_count(_bits(br_x, 0)) > np.bitwise_count(_bits(x > tol, 0))
    more_y = np.bitwise_count(_bits(br_y, 0)) > np.bitwise_count(_bits(y > tol, 0))
    deg[g[more_x | more_y]] = True
    out = [_rows_where(ok & ~deg.take(g), g, x, y)]  # every pair returned is verified
    if deg.any():
        (gx, X, Lx), (gy, Y, Ly) = (_degenerate_vertices(sides[s][0], systems[s], deg, m, s, tol)
                                    for s in (0, 1))
        g, x, y = _pair_vertices(N, (1 << (m + n)) - 1, gx, X, Lx, gy, Y, Ly)
        out.append(_rows_where(_responses(A.take(g, axis=0), B.take(g, axis=0), x, y, tol)[2],
                               g, x, y))
    return (*(np.concatenate(v) for v in zip(*out, strict=True)), deg)


def _pure_ties(C: np.ndarray, tol: float) -> np.ndarray:
    """Games where a pure strategy of the mixing player has more than one pure best reply:
    ``#{j : C[g, s, j] >= max_l C[g, s, l] - tol} > 1`` for some row ``s`` of ``C``
    (``(N, p, q)``, one side), a tie that makes the game degenerate (von Stengel 2007,
    sect. 3.6).  Column by column with the games innermost: numpy reduces a short axis of
    many games several times slower."""
    by_column = np.ascontiguousarray(C.transpose(2, 1, 0))  # (q, p, N)
    best = by_column[0].copy()
    for column in by_column[1:]:
        np.maximum(best, column, out=best)
    best -= tol
    count = np.zeros(best.shape, dtype=np.int8)
    for column in by_column:
        count += column >= best
    return np.logical_or.reduce(count > 1, axis=0)


def _table_size(N: int, m: int, n: int) -> int:
    """Entries of the support-matching table of ``N`` games of ``m x n``: one per game and
    pair of supports of a size (:func:`_matching`)."""
    return N * max(comb(m, k) * comb(n, k) for k in range(1, min(m, n) + 1))


def _matching(key_x: np.ndarray, key_y: np.ndarray, table: np.ndarray) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """Positions of the keys (distinct integers in ``[0, len(table))``) found in both arrays,
    in increasing key order, as ``np.intersect1d`` gives them; by a lookup ``table`` (all
    ``-1``, and left so), not a sort."""
    table[key_y] = np.arange(len(key_y))
    pos = table.take(key_x)
    table[key_y] = -1  # ready for the next level, without filling it whole again
    ax = np.flatnonzero(pos >= 0)
    ax = ax[np.argsort(key_x.take(ax), kind="stable")]
    return ax, pos.take(ax)


def _responses(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float) -> tuple:
    """Pure best responses to ``x`` (columns) and to ``y`` (rows) in games ``A, B`` (K, m, n),
    and the best-response check: every strategy played is within ``tol`` of the best reply."""
    ay, bx = np.einsum("kij,kj->ki", A, y), np.einsum("kij,ki->kj", B, x)
    br_a = ay >= _row_max(ay)[:, None] - tol
    br_b = bx >= _row_max(bx)[:, None] - tol
    ok = (_row_all(np.isfinite(x)) & _row_all(np.isfinite(y)) & _row_all((x <= 0) | br_a)
          & _row_all((y <= 0) | br_b))
    return br_b, br_a, ok


def batched_equilibria(A: np.ndarray, B: np.ndarray, tol: float = TOL,
                       unit: tuple[np.ndarray, np.ndarray] | None = None) -> Equilibria:
    """All Nash equilibria (all extreme equilibria if degenerate) of a stack of bimatrix games.

    Parameters
    ----------
    A, B : array_like, shape (N, m, n) or (m, n)
        Finite payoffs of the row and the column player; a 2-D pair is one game (``N = 1``).
        ``m + n <= 62``; the work grows like ``binom(m + n, m)``, practical up to about 10 x 10.
    tol : float
        Tolerance in each player's payoff unit (:mod:`triangle.solvers.tolerance`):
        probabilities ``< tol`` are set to 0 and renormalised; a pure strategy beating a
        strategy played by more than ``tol`` rejects a candidate; payoffs within ``tol`` of
        the best count as ties (degeneracy).  Any payoff scale and offset give the same sets.
    unit : (array, array), optional
        Each player's payoff unit per game, shape ``(N,)`` each (row player first); by
        default each player's payoff range.  The indifference systems are solved on payoffs
        in these units, and a system counts as singular when its determinant in those units
        is below ``SINGULAR``.  The range is right unless a few payoffs lie far off the
        others: stand-ins for an existential cost, say, sit thousands of ordinary spreads
        below, and their range would shrink every ordinary minor below ``SINGULAR`` and
        loosen every test, so the model passes its ordinary spread instead.

    Returns
    -------
    Equilibria
        For a non-degenerate game, the (finite, odd in number; Lemke & Howson 1964) set of all
        equilibria, found by support enumeration over equal-size supports.  For a degenerate game
        (``degenerate[i]``), the extreme equilibria: the set of equilibria may be a continuum
        (a union of convex sets) and only its extreme points, including those with supports of
        unequal size, are listed, found as completely labelled vertex pairs (Mangasarian 1964;
        von Stengel 2007, sect. 3.5).

    Notes
    -----
    Vectorised over games and over the index sets of each support size; games are processed in
    chunks of at most ``SYSTEM_BUDGET`` candidate systems.  Equilibria equal to within ~1e-7
    are merged.  Every returned pair passes a best-response check with tolerance ``tol``.  A
    game the vectorised systems leave without any equilibrium (payoffs a little more than
    ``tol`` apart make its systems' determinants fall under the singularity bound) is solved
    again, alone, by nashpy's support enumeration (:func:`_by_support_enumeration`).

    References
    ----------
    Nash, J. (1951). Non-cooperative games. Annals of Mathematics 54, 286-295.
    Lemke, C. E. & Howson, J. T. (1964). Equilibrium points of bimatrix games. SIAM J. 12.
    Mangasarian, O. L. (1964). Equilibrium points of bimatrix games. SIAM J. 12, 778-780.
    von Stengel, B. (2002). Computing equilibria for two-person games. Handbook of Game
    Theory 3, ch. 45.  von Stengel, B. (2007). Equilibrium computation for two-player games
    in strategic and extensive form. In Nisan et al., Algorithmic Game Theory, ch. 3.
    """
    A, B = games_in_units(A, B, unit)
    N, m, n = A.shape
    if m + n > 62:
        raise ValueError(f"games of size {m} x {n} are too large for support enumeration")
    per_game = max(comb(m, k) * comb(n, k) * k for k in range(1, min(m, n) + 1))
    chunk = max(1, SYSTEM_BUDGET // per_game, min(MIN_CHUNK, 4 * SYSTEM_BUDGET // per_game))
    gs, xs, ys, degs = [], [], [], []
    table = np.full(_table_size(min(N, chunk), m, n), -1)  # filled once, for every chunk
    for lo in range(0, N, chunk):
        g, x, y, deg = _solve_chunk(A[lo : lo + chunk], B[lo : lo + chunk], tol, table)
        gs.append(g + lo)
        xs.append(x)
        ys.append(y)
        degs.append(deg)
    empty = np.setdiff1d(np.arange(N), np.concatenate(gs) if gs else np.zeros(0, dtype=np.intp))
    if empty.size:  # every finite game has an equilibrium (Nash 1951): these lost theirs
        for v, found in zip((gs, xs, ys), _by_support_enumeration(A, B, empty, tol), strict=True):
            v.append(found)
    g = np.concatenate(gs) if gs else np.zeros(0, dtype=np.intp)
    x = np.concatenate(xs) if xs else np.zeros((0, m))
    y = np.concatenate(ys) if ys else np.zeros((0, n))
    deg = np.concatenate(degs) if degs else np.zeros(0, dtype=bool)
    return padded_equilibria((N, m, n), g, x, y, deg, tol, "batched support")


def _by_support_enumeration(A: np.ndarray, B: np.ndarray, games: np.ndarray,
                            tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equilibria ``(g, x, y)`` of ``games`` (payoffs in units) by nashpy's support
    enumeration over supports of equal size (Knight & Campbell 2018; von Stengel 2007,
    Algorithm 3.4), each cleaned and kept where every supported strategy is a best reply.

    For the rare games the engine leaves without any equilibrium: payoffs that differ by
    little more than the tolerance (noise of 1e-10 on integers, say) give systems whose
    determinants, products of such differences, fall below the engine's absolute bound
    ``SINGULAR``, and are skipped as singular though the tolerance calls the payoffs
    distinct.  ``numpy.linalg.solve`` has no such bound."""
    m, n = A.shape[1:]
    g, xs, ys = [], [], []
    for i in games.tolist():
        for x, y in nashpy_methods.support_enumeration(A[i], B[i]):
            x, y = clean(x, tol), clean(y, tol)
            if x is not None and y is not None and best_replies_hold(
                    A[i : i + 1], B[i : i + 1], x[None, None], y[None, None], tol=tol)[0, 0]:
                g.append(i)
                xs.append(x)
                ys.append(y)
    return (np.array(g, dtype=np.intp), np.array(xs).reshape(-1, m),
            np.array(ys).reshape(-1, n))


def padded_equilibria(shape: tuple[int, int, int], g: np.ndarray, x: np.ndarray, y: np.ndarray,
                      degenerate: np.ndarray, tol: float, method: str) -> Equilibria:
    """The result from every game's equilibria ``(g, x, y)``, deduplicated and in slots."""
    N, m, n = shape
    # Of equilibria equal to ~1e-7 the one with the smallest supports stands for them all: a
    # pure equilibrium, not its twin with a weight of 1e-8 on another strategy.
    sparse = np.argsort(_row_count(x > tol, y > tol), kind="stable")
    g, x, y = (v.take(sparse, axis=0) for v in (g, x, y))
    first = _unique_rows(g, x, y)
    g, x, y = (v.take(first, axis=0) for v in (g, x, y))
    counts = np.bincount(g, minlength=N)
    K = int(counts.max(initial=0))
    slot = np.arange(len(g)) - (np.cumsum(counts) - counts)[g]
    X, Y, valid = np.zeros((N, K, m)), np.zeros((N, K, n)), np.zeros((N, K), dtype=bool)
    at = g * K + slot  # rows of the (N * K, .) views: one index, not two
    X.reshape(-1, m)[at], Y.reshape(-1, n)[at], valid.reshape(-1)[at] = x, y, True
    return Equilibria(X, Y, valid, degenerate, method)

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
minor of the next size, so feasibility needs no further products.  There is no Python loop
over games or over support pairs.  (Stacked ``np.linalg.solve`` costs about 0.3-1 us per tiny
system, too slow for the ~1,850 systems of a 6x6 game; this engine needs < 0.1 us each.)

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
resp. ``n`` labels), which makes the test complete up to ``tol``.  Probabilities above
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

from dataclasses import dataclass
from functools import cache
from itertools import combinations
from math import comb, prod

import numpy as np

from triangle.solvers.result import Equilibria
from triangle.solvers.tolerance import TOL, games_in_units, in_units

__all__ = ["BatchedEquilibria", "batched_equilibria", "pure_equilibria"]

#: The engine's result is the one result type of every solver.
BatchedEquilibria = Equilibria

#: Candidate systems (games x index-set pairs x support size) processed per chunk.
SYSTEM_BUDGET = 600_000
#: Systems of one support size tested together for feasibility (a block that stays in cache).
DENSE_BLOCK = 1 << 15
#: Vertex pairs matched per step in degenerate games.
PAIR_BUDGET = 1_000_000
#: Grid used to deduplicate equilibria and vertices (probabilities equal to ~1e-7).
DEDUP_GRID = 1e7
#: Odd multiplier of the vertex hash (Knuth's multiplicative hashing, 2^64 / golden ratio).
_HASH = np.int64(-7046029254386353131)
#: A system is singular when its determinant, in each player's payoff unit, is below this.
SINGULAR = 1e-11


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


@dataclass(frozen=True)
class _Level:
    """Index tables for the systems of support size ``k`` of a side with ``p`` x ``q``."""

    sup: np.ndarray  # (nI, k) support sets I of the mixing player (lexicographic)
    tight: np.ndarray  # (nT, k) indifference sets T of the responding player
    sup_minus: np.ndarray  # (nI, k) rank of I without its i-th element among (k-1)-sets
    t_prev: np.ndarray  # (nT,) rank of T without its last element among (k-1)-sets
    s_elem: np.ndarray  # (nS, k-1) the (k-1)-sets S of rows
    s_minus: np.ndarray  # (nS, k-1) rank of S without its t-th element among (k-2)-sets
    up_rank: np.ndarray  # (nT, q-k) rank of T + {j} among (k+1)-sets, for each j not in T
    up_sign: np.ndarray  # (nT, q-k) sign turning minors of T + {j} into payoff differences
    tight_bits: np.ndarray  # (nT,) the sets T as int64 bit sets
    up_signed: np.ndarray  # (q-k, nT) up_rank, plus binom(q, k+1) where up_sign < 0


@cache
def _combos(n: int, k: int) -> tuple[np.ndarray, dict[tuple[int, ...], int]]:
    sets = list(combinations(range(n), k))
    arr = np.array(sets, dtype=np.intp).reshape(len(sets), k)
    return arr, {c: r for r, c in enumerate(map(tuple, arr.tolist()))}


def _drop_ranks(n: int, k: int) -> np.ndarray:
    """For each k-subset of range(n), the ranks of its (k-1)-subsets missing element i."""
    sets, _ = _combos(n, k)
    _, rank = _combos(n, k - 1)
    out = [[rank[s[:i] + s[i + 1 :]] for i in range(k)] for s in map(tuple, sets.tolist())]
    return np.array(out, dtype=np.intp).reshape(len(sets), k)


@cache
def _level(p: int, q: int, k: int) -> _Level:
    tight, _ = _combos(q, k)
    t_prev = np.array([_combos(q, k - 1)[1][t[:-1]] for t in map(tuple, tight.tolist())])
    s_minus = _drop_ranks(p, k - 1) if k >= 2 else np.zeros((1, 0), dtype=np.intp)
    up = _combos(q, k + 1)[1]
    rank = [[up[tuple(sorted((*t, j)))] for j in range(q) if j not in t] for t in tight.tolist()]
    sign = [[(-1.0) ** (k - 1 + sum(u > j for u in t)) for j in range(q) if j not in t]
            for t in tight.tolist()]
    shape = (len(tight), q - k)
    up_rank = np.array(rank, dtype=np.intp).reshape(shape)
    up_sign = np.array(sign, dtype=float).reshape(shape)
    return _Level(_combos(p, k)[0], tight, _drop_ranks(p, k), t_prev.astype(np.intp),
                  _combos(p, k - 1)[0], s_minus, up_rank, up_sign,
                  (np.int64(1) << tight.astype(np.int64)).sum(axis=1),
                  (up_rank + comb(q, k + 1) * (up_sign < 0)).T.copy())


def _next_minors(Ct: np.ndarray, M: np.ndarray, lv: _Level, k: int) -> np.ndarray:
    """Minors for indifference sets of size ``k`` from those of size ``k - 1``.

    Games are the last (contiguous) axis: ``Ct[s, j, g] = C[g, s, j]``.  Returns
    ``out[T, S, g] = det(D_T[:, S])`` with ``D_T[r, s] = C[g, s, T_r] - C[g, s, T_0]`` for
    ``r = 1..k-1`` and ``S`` a ``(k-1)``-set of rows, by Laplace expansion along the last row.
    """
    last, first = lv.tight[:, -1], lv.tight[:, 0]
    diff = Ct[:, last] - Ct[:, first]
    if k % 2:  # Laplace sign (-1)^(k-2+t): negating each term is exact, and cheaper here
        np.negative(diff, out=diff)
    diff = diff.transpose(1, 0, 2).copy()  # (nT, p, N)
    nT, nS, N = len(lv.tight), len(lv.s_elem), Ct.shape[2]
    out = np.empty((nT, nS, N))
    step = max(1, DENSE_BLOCK // (nS * N))  # a block of T at a time stays in cache
    a, b = np.empty((2, min(step, nT) * nS * N))
    for t0 in range(0, nT, step):
        t1 = min(nT, t0 + step)
        prev = M[lv.t_prev[t0:t1]]  # (block, nS_{k-2}, N)
        o = out[t0:t1]
        ab, bb = a[: o.size].reshape(o.shape), b[: o.size].reshape(o.shape)
        for t in range(k - 1):
            np.take(diff[t0:t1], lv.s_elem[:, t], axis=1, out=ab, mode="wrap")
            np.take(prev, lv.s_minus[:, t], axis=1, out=bb, mode="wrap")
            np.multiply(ab, bb, out=o if t == 0 else ab)
            if t > 0:
                (np.add if t % 2 == 0 else np.subtract)(o, ab, out=o)
    return out


def _labelled_vertices(C: np.ndarray, M: np.ndarray, M_up: np.ndarray | None, lv: _Level,
                       tol: float) -> tuple:
    """Vertices of ``{z in simplex, C^T z <= w}`` from all level-``k`` systems ``(I, T)``.

    ``z_I`` solves ``(C^T z)_j = w`` for ``j`` in ``T`` and ``1^T z = 1``.  By Cramer's rule
    ``z_i = c_i / s`` with ``c_i = (-1)^i det(D_T[:, I minus i])`` and ``s = sum(c)``, and for
    ``j`` outside ``T`` the payoff excess ``(C^T z)_j - w`` is ``+-det(D_{T+j}[:, I]) / s``, a
    minor of the next size (``M_up``).  So feasibility (``z >= -tol``, no pure strategy better
    by more than ``tol``) is tested on the minor tables alone.  The minors are of payoffs in
    the player's unit (:mod:`triangle.solvers.tolerance`); systems with
    ``|s| <= SINGULAR`` are singular and skipped (a vertex is also the solution of a
    nonsingular system).  Returns, for the vertices found, the game index, ranks of ``T`` and
    ``I``, ``z``, the best-response mask, and the labels as bit sets: zero weights (rows) and
    best responses (columns).
    """
    nT, nI, N = len(lv.tight), len(lv.sup), M.shape[2]
    step = max(1, DENSE_BLOCK // (nI * N))  # systems of a block stay in cache between passes
    work = np.empty((4, min(step, nT) * nI * N))  # one set of buffers for every block
    up_pm = None
    if M_up is not None and lv.up_rank.shape[1]:  # w_j = +-M_up[T + j]: a plain gather
        up_pm = np.empty((2 * len(M_up), *M_up.shape[1:]))
        np.copyto(up_pm[: len(M_up)], M_up)
        np.negative(M_up, out=up_pm[len(M_up) :])
    found = [_feasible(M, up_pm, lv, tol, t, min(nT, t + step), work)
             for t in range(0, nT, step)]
    it, rest, s = (np.concatenate(v) for v in zip(*found, strict=True))
    return _solutions(C, M, lv, tol, it, rest, s)


def _vertices(C: np.ndarray, M: np.ndarray, M_up: np.ndarray | None, lv: _Level,
              tol: float) -> tuple:
    """Vertices ``(g, it, ii, z, br)`` of ``{z in simplex, C^T z <= w}`` from all level-``k``
    systems (:func:`_labelled_vertices` without the bit sets)."""
    return _labelled_vertices(C, M, M_up, lv, tol)[:5]


def _feasible(M: np.ndarray, up_pm: np.ndarray | None, lv: _Level, tol: float, t0: int,
              t1: int, work: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feasible nonsingular systems ``(T, I, game)`` with ``T`` ranked in ``[t0, t1)``: the
    rank of ``T``, ``rank of I * N + game`` and the sum ``s`` of each (:func:`_vertices`).

    ``up_pm``: the next size's minors stacked on their negatives; ``work``: scratch space,
    four rows of at least ``(t1 - t0) * nI * N``.  A block of ``T`` at a time, so that the
    dozen passes over its systems find them in cache.
    """
    k = lv.sup.shape[1]
    Mb = M[t0:t1]
    shape = (t1 - t0, len(lv.sup), M.shape[2])
    size = prod(shape)
    buf, s, hi, lo = (w[:size].reshape(shape) for w in work)
    np.take(Mb, lv.sup_minus[:, 0], axis=1, out=s, mode="wrap")  # s = sum(c), from c_0
    np.negative(s, out=hi)  # hi, lo = max, min of -c_i and w_j
    if k == 1:
        np.copyto(lo, hi)
    for i in range(1, k):
        np.take(Mb, lv.sup_minus[:, i], axis=1, out=buf, mode="wrap")  # (-1)^i c_i
        if i % 2:
            np.subtract(s, buf, out=s)  # c_i = -buf
        else:
            np.add(s, buf, out=s)
            np.negative(buf, out=buf)
        np.minimum(lo if i > 1 else hi, buf, out=lo)  # buf = -c_i; at i = 1 lo starts as hi
        np.maximum(hi, buf, out=hi)
    if up_pm is not None:
        signed = lv.up_signed[:, t0:t1]
        for r in range(len(signed)):  # w_j = (payoff of j - payoff on T) * s
            np.take(up_pm, signed[r], axis=0, out=buf, mode="wrap")
            np.maximum(hi, buf, out=hi)
            np.minimum(lo, buf, out=lo)
    # feasible iff all c_i / s >= -tol and all w_j / s <= tol: for s > 0 that is hi <= tol s,
    # for s < 0 it is lo >= tol s (hi >= -s / k > tol s then, so never both)
    np.multiply(s, tol, out=buf)
    ok = hi <= buf
    ok |= lo >= buf
    flat = np.flatnonzero(ok)
    it, rest = np.divmod(flat, size // shape[0])  # rest = rank of I * N + game
    it += t0
    s = s.ravel().take(flat)
    regular = np.abs(s) > SINGULAR  # tested on the few feasible systems only
    return it[regular], rest[regular], s[regular]


def _solutions(C: np.ndarray, M: np.ndarray, lv: _Level, tol: float, it: np.ndarray,
               rest: np.ndarray, s: np.ndarray) -> tuple:
    """The vertices of the feasible systems (``it``: rank of ``T``; ``rest``: rank of ``I`` *
    ``N`` + game) with their sums ``s``: game, ranks of ``T`` and ``I``, ``z``, its pure best
    responses, and both as bit sets (zero weights, best responses).  A vertex is kept only if
    every column of ``T`` is a best response (a tiny ``s`` leaves the solution inexact)."""
    N, p, q = C.shape
    k = lv.sup.shape[1]
    ii, g = np.divmod(rest, N)
    # c_i = (-1)^i M[T, I minus i, g], gathered by flat index (cheaper than a 3-D fancy index)
    at = (it * M.shape[1])[:, None] + lv.sup_minus[ii]
    zi = M.ravel().take(at * N + g[:, None])
    zi /= s[:, None]
    np.negative(zi[:, 1::2], out=zi[:, 1::2])  # the signs (-1)^i: exact, in either order
    np.copyto(zi, 0.0, where=zi < tol)  # as :func:`~triangle.solvers.tolerance.clean` does
    zi /= _row_sum(zi)[:, None]
    rows = lv.sup[ii]
    G = C.reshape(N * p, q).take(g[:, None] * p + rows, axis=0)  # (K, k, q): rows of I
    pay = G[:, 0] * zi[:, :1]  # z^T C, term by term in the order of a contraction over I
    for i in range(1, k):
        pay += G[:, i] * zi[:, i : i + 1]
    br = pay >= _row_max(pay)[:, None] - tol
    br_bits = _bits(br, 0)
    tight = lv.tight_bits[it]
    keep = (br_bits & tight) == tight
    z = np.zeros((len(g), p))
    z.ravel()[(np.arange(len(g)) * p)[:, None] + rows] = zi
    support = (np.int64(1) << rows) * (zi > tol)  # bits of the rows played
    played = support[:, 0].copy()
    for i in range(1, k):
        played |= support[:, i]
    zero_bits = ((1 << p) - 1) ^ played
    out = (g, it, ii, z, br, zero_bits, br_bits)
    return out if keep.all() else tuple(v[keep] for v in out)


def _row_sum(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1)`` for a few columns, adding them left to right as numpy does; numpy's
    reductions over a short last axis cost ~10x more than one column operation each."""
    out = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        out += a[:, j]
    return out


def _row_max(a: np.ndarray) -> np.ndarray:
    """``a.max(axis=1)`` column by column (``-inf`` for no columns)."""
    out = np.full(len(a), -np.inf)
    for j in range(a.shape[1]):
        np.maximum(out, a[:, j], out=out)
    return out


def _row_all(a: np.ndarray) -> np.ndarray:
    """``a.all(axis=1)`` column by column."""
    out = np.ones(len(a), dtype=bool)
    for j in range(a.shape[1]):
        out &= a[:, j]
    return out


def _row_any(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=1)`` column by column."""
    out = np.zeros(len(a), dtype=bool)
    for j in range(a.shape[1]):
        out |= a[:, j]
    return out


def _bits(mask: np.ndarray, shift: int) -> np.ndarray:
    """Pack a boolean ``(K, L)`` mask into int64 bit sets starting at bit ``shift``."""
    # an integer product: no BLAS call (its threads would compete with the other core's work)
    return mask.astype(np.int64) @ (np.int64(1) << np.arange(shift, shift + mask.shape[1],
                                                             dtype=np.int64))


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


def _vertex_groups(g: np.ndarray, V: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Indices of the first of each group of vertices of one game equal to ~1e-7 and with
    equal labels, ordered by game.

    One sort on (game, a hash of labels and coordinates) instead of a lexicographic sort on
    every coordinate; neighbours are then compared on the whole key, so a collision of the
    hash never merges two vertices (at worst it leaves a duplicate, paired twice and merged
    with its twin at the end)."""
    cols = [np.rint(V[:, j] * DEDUP_GRID).astype(np.int64) for j in range(V.shape[1])]
    h = labels.copy()
    for c in cols:  # wrap-around integer arithmetic: a hash, not a number
        h *= _HASH
        h ^= c
    # one stable sort on (game, top bits of the hash): a game's vertices stay together
    key = (g.astype(np.int64) << 40) | (h.view(np.uint64) >> np.uint64(24)).view(np.int64)
    order = np.argsort(key, kind="stable") if len(g) and g.max() < 1 << 23 else np.lexsort((h, g))
    if len(order) < 2:
        return order
    new = g.take(order[1:]) != g.take(order[:-1])
    for c in (labels, *cols):
        cs = c.take(order)
        new |= cs[1:] != cs[:-1]
    return order[np.r_[True, new]]


def _pair_vertices(N: int, full: int, gx, X, Lx, gy, Y, Ly) -> tuple:
    """All completely labelled pairs (extreme equilibria) among deduplicated vertices.

    Vertices merge only if their labels agree too: two vertices 1e-8 apart (a weight of 5e-8
    that makes two rows exactly indifferent, say) have different labels, and merging them
    would lose the equilibrium that needs the extra label."""
    ix, iy = _vertex_groups(gx, X, Lx), _vertex_groups(gy, Y, Ly)
    gx, X, Lx, gy, Y, Ly = gx[ix], X[ix], Lx[ix], gy[iy], Y[iy], Ly[iy]
    ny = np.bincount(gy, minlength=N)
    oy = np.cumsum(ny) - ny
    per_x = ny[gx]  # pairs contributed by each x-vertex
    found = [gx[:0]], [X[:0]], [Y[:0]]
    start, csum = 0, np.cumsum(per_x)
    while start < len(gx):  # blocks of x-vertices with a bounded number of pairs
        stop = max(start + 1, int(np.searchsorted(csum, csum[start] - per_x[start] + PAIR_BUDGET)))
        per = per_x[start:stop]
        ends = np.cumsum(per)
        # pair number r of x-vertex a is the y-vertex oy[gx[a]] + r
        b = np.repeat(oy[gx[start:stop]] - (ends - per), per) + np.arange(ends[-1] if len(ends)
                                                                          else 0)
        hit = np.flatnonzero((np.repeat(Lx[start:stop], per) | Ly.take(b)) == full)
        a = start + np.searchsorted(ends, hit, side="right")
        for lst, v in zip(found, (gx[a], X[a], Y[b[hit]]), strict=True):
            lst.append(v)
        start = stop
    return tuple(np.concatenate(v) for v in found)


def _solve_chunk(A: np.ndarray, B: np.ndarray, tol: float) -> tuple:
    """Equilibria ``(g, x, y)`` and degeneracy flags for one chunk of games in payoff units."""
    N, m, n = A.shape
    ties_a = (A >= A.max(axis=1, keepdims=True) - tol).sum(axis=1) > 1
    ties_b = (B >= B.max(axis=2, keepdims=True) - tol).sum(axis=2) > 1
    deg = ties_a.any(axis=1) | ties_b.any(axis=1)  # (a) ties at pure strategies
    sides = [(B, m, n), (np.ascontiguousarray(A.transpose(0, 2, 1)), n, m)]  # x vs B, y vs A^T
    minors = [np.ones((q, 1, N)) for _, _, q in sides]
    games_last = [C.transpose(1, 2, 0).copy() for C, _, _ in sides]  # games on the last axis
    verts: list[list[tuple]] = [[], []]
    matches = []
    for k in range(1, min(m, n) + 1):
        res = []
        for s, (C, p, q) in enumerate(sides):
            lv = _level(p, q, k)
            up = None if k == q else _next_minors(games_last[s], minors[s], _level(p, q, k + 1),
                                                  k + 1)
            g, it, ii, z, _, zero, br = _labelled_vertices(C, minors[s], up, lv, tol)
            minors[s] = up
            lab = (zero << (0 if s == 0 else m)) | (br << (m if s == 0 else 0))
            deg[g[np.bitwise_count(lab) > p]] = True  # (c) a vertex with too many labels
            verts[s].append((g, z, lab))
            res.append((g, it, ii, z))
        (gx, tx, ix, X), (gy, ty, iy, Y) = res
        n_rows, n_cols = comb(m, k), comb(n, k)
        key_x = (gx * n_rows + ix) * n_cols + tx  # x: support rows I, indifferent columns T
        key_y = (gy * n_rows + ty) * n_cols + iy  # y: support columns J, indifferent rows
        ax, ay = _matching(key_x, key_y, N * n_rows * n_cols)
        matches.append((gx[ax], X[ax], Y[ay]))
    g, x, y = (np.concatenate(v) for v in zip(*matches, strict=True))
    br_x, br_y, _ = _responses(A[g], B[g], x, y, tol)
    # (b) at an equilibrium, more pure best responses than the opponent's support size
    more_x = np.bitwise_count(_bits(br_x, 0)) > np.bitwise_count(_bits(x > tol, 0))
    more_y = np.bitwise_count(_bits(br_y, 0)) > np.bitwise_count(_bits(y > tol, 0))
    deg[g[more_x | more_y]] = True
    keep = ~deg[g]
    out = [(g[keep], x[keep], y[keep])]
    if deg.any():
        (gx, X, Lx), (gy, Y, Ly) = (
            (np.concatenate(v) for v in zip(*side, strict=True)) for side in verts
        )
        dx, dy = deg[gx], deg[gy]
        out.append(_pair_vertices(N, (1 << (m + n)) - 1, gx[dx], X[dx], Lx[dx],
                                  gy[dy], Y[dy], Ly[dy]))
    g, x, y = (np.concatenate(v) for v in zip(*out, strict=True))
    ok = _responses(A[g], B[g], x, y, tol)[2]  # every pair returned is verified
    return g[ok], x[ok], y[ok], deg


def _matching(key_x: np.ndarray, key_y: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the keys (distinct integers in ``[0, size)``) found in both arrays, in
    increasing key order, as ``np.intersect1d`` gives them; by a lookup table, not a sort."""
    table = np.full(size, -1, dtype=np.intp)
    table[key_y] = np.arange(len(key_y))
    pos = table.take(key_x)
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
    are merged.  Every returned pair passes a best-response check with tolerance ``tol``.

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
    chunk = max(1, SYSTEM_BUDGET // per_game)
    gs, xs, ys, degs = [], [], [], []
    for lo in range(0, N, chunk):
        g, x, y, deg = _solve_chunk(A[lo : lo + chunk], B[lo : lo + chunk], tol)
        gs.append(g + lo)
        xs.append(x)
        ys.append(y)
        degs.append(deg)
    g = np.concatenate(gs) if gs else np.zeros(0, dtype=np.intp)
    x = np.concatenate(xs) if xs else np.zeros((0, m))
    y = np.concatenate(ys) if ys else np.zeros((0, n))
    deg = np.concatenate(degs) if degs else np.zeros(0, dtype=bool)
    return padded_equilibria((N, m, n), g, x, y, deg, tol, "batched support")


def padded_equilibria(shape: tuple[int, int, int], g: np.ndarray, x: np.ndarray, y: np.ndarray,
                      degenerate: np.ndarray, tol: float, method: str) -> Equilibria:
    """The result from every game's equilibria ``(g, x, y)``, deduplicated and in slots."""
    N, m, n = shape
    # Of equilibria equal to ~1e-7 the one with the smallest supports stands for them all: a
    # pure equilibrium, not its twin with a weight of 1e-8 on another strategy.
    sparse = np.argsort((x > tol).sum(axis=1) + (y > tol).sum(axis=1), kind="stable")
    g, x, y = g[sparse], x[sparse], y[sparse]
    first = _unique_rows(g, x, y)
    g, x, y = g[first], x[first], y[first]
    counts = np.bincount(g, minlength=N)
    K = int(counts.max(initial=0))
    slot = np.arange(len(g)) - (np.cumsum(counts) - counts)[g]
    X, Y, valid = np.zeros((N, K, m)), np.zeros((N, K, n)), np.zeros((N, K), dtype=bool)
    X[g, slot], Y[g, slot], valid[g, slot] = x, y, True
    return Equilibria(X, Y, valid, degenerate, method)

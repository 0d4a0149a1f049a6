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
resp. ``n`` labels), which makes the test complete up to ``tol``.  A vertex is solved only
where it is read: where its supports match, or where the closest of its weights and replies
lies near a label (``vertices.NEAR_REL``, ``NEAR_ABS``: only such a vertex can have extra
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

from triangle.solvers.feasible import SignTables, _feasible_systems
from triangle.solvers.result import Equilibria
from triangle.solvers.tolerance import TOL, games_in_units, in_units
from triangle.solvers.vertices import (  # noqa: F401  (break_split's kernels)
    _bits,
    _column_differences,
    _labels_of,
    _level,
    _next_minors,
    _row_all,
    _row_any,
    _row_count,
    _row_max,
    _rows_where,
    _set_bits,
    _solutions,
    _solved_systems,
    _weights,
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
#: Label words of x-vertices (labels x words of y-vertices) paired per step in degenerate games.
PAIR_BUDGET = 1_000_000
#: Grid used to deduplicate equilibria and vertices (probabilities equal to ~1e-7).
DEDUP_GRID = 1e7
#: Odd multiplier of the vertex hash (Knuth's multiplicative hashing, 2^64 / golden ratio).
_HASH = np.int64(-7046029254386353131)


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
    would lose the equilibrium that needs the extra label.

    A pair is completely labelled iff the y-vertex has every label the x-vertex lacks.  So
    each game's y-vertices are listed, per label, as bit sets (64 to a word), and an
    x-vertex's partners are the intersection of the sets of the labels it lacks: a few word
    operations per label instead of one test per pair (Avis, Rosenberg, Savani & von Stengel
    2010 enumerate the same pairs, by cliques)."""
    ix, iy = _vertex_groups(gx, X, Lx), _vertex_groups(gy, Y, Ly)
    gx, X, Lx = (v.take(ix, axis=0) for v in (gx, X, Lx))
    gy, Y, Ly = (v.take(iy, axis=0) for v in (gy, Y, Ly))
    ny = np.bincount(gy, minlength=N)
    oy = np.cumsum(ny) - ny
    words = max(1, -(-int(ny.max(initial=0)) // 64))
    labels = np.arange(full.bit_length(), dtype=np.int64)
    has = np.zeros((len(labels), N, 64 * words), dtype=bool)  # y-vertex r of game g has label
    has[labels, gy[:, None], (np.arange(len(gy)) - oy[gy])[:, None]] = (Ly[:, None] >> labels) & 1
    has = np.packbits(has, axis=-1, bitorder="little").view(np.uint64)  # (labels, N, words)
    found = [gx[:0]], [X[:0]], [Y[:0]]
    step = max(1, PAIR_BUDGET // (len(labels) * words))  # x-vertices paired at once
    for start in range(0, len(gx), step):
        g, lacks = gx[start : start + step], full ^ Lx[start : start + step]
        partners = np.full((len(g), words), ~np.uint64(0))
        for label in labels:  # the y-vertices with every label the x-vertex lacks
            sets = has[label].take(g, axis=0)
            sets |= ((lacks >> label) & 1).view(np.uint64)[:, None] - np.uint64(1)  # or all
            partners &= sets
        a, r = np.divmod(_set_bits(partners), 64 * words)  # x-vertex, rank of the y-vertex
        b = oy[g.take(a)] + r
        for lst, v in zip(found, (g.take(a), X[start + a], Y[b]), strict=True):
            lst.append(v)
    return tuple(np.concatenate(v) for v in found)


def _solve_chunk(A: np.ndarray, B: np.ndarray, tol: float) -> tuple:
    """Equilibria ``(g, x, y)`` and degeneracy flags for one chunk of games in payoff units.

    Level by level, both sides' feasible systems are matched by support first; a vertex is
    solved only where it is matched, or where it may carry an extra label (degeneracy test
    (c), in a game not yet known to be degenerate).  The vertices of the games found
    degenerate are solved at the end, all of them, for :func:`_pair_vertices`."""
    N, m, n = A.shape
    ties_a = (A >= A.max(axis=1, keepdims=True) - tol).sum(axis=1) > 1
    ties_b = (B >= B.max(axis=2, keepdims=True) - tol).sum(axis=2) > 1
    deg = ties_a.any(axis=1) | ties_b.any(axis=1)  # (a) ties at pure strategies
    sides = [(B, m, n), (np.ascontiguousarray(A.transpose(0, 2, 1)), n, m)]  # x vs B, y vs A^T
    minors = [np.ones((q, 1, N)) for _, _, q in sides]
    signs = [SignTables(tol), SignTables(tol)]
    differences = [_column_differences(C) for C, _, _ in sides]  # games on the last axis
    systems: list[list[tuple]] = [[], []]  # every level's feasible systems, for the end
    table = np.full(N * max(comb(m, k) * comb(n, k) for k in range(1, min(m, n) + 1)), -1)
    matches = []
    for k in range(1, min(m, n) + 1):
        feasible = []
        for s, (_, p, q) in enumerate(sides):
            lv = _level(p, q, k)
            up = None if k == q else _next_minors(differences[s], minors[s], _level(p, q, k + 1),
                                                  k + 1)
            it, rest, sums, near = _feasible_systems(minors[s], up, lv, tol, signs[s])
            systems[s].append((lv, minors[s], it, rest, sums))
            feasible.append((near, rest % N))
            minors[s] = up
        (_, _, tx, rx, _), (_, _, ty, ry, _) = systems[0][-1], systems[1][-1]
        (_, gx), (_, gy) = feasible
        n_rows, n_cols = comb(m, k), comb(n, k)
        key_x = (gx * n_rows + rx // N) * n_cols + tx  # x: support rows I, indifferent columns T
        key_y = (gy * n_rows + ty) * n_cols + ry // N  # y: support columns J, indifferent rows
        ax, ay = _matching(key_x, key_y, table)
        live = np.flatnonzero(~deg.take(gx.take(ax)))  # a degenerate game's pairs are dropped
        ax, ay = ax.take(live), ay.take(live)
        solved = []
        for s, ((C, p, _), (near, g), a) in enumerate(zip(sides, feasible, (ax, ay), strict=True)):
            lv, M, it, rest, sums = systems[s][-1]
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


def _degenerate_vertices(C: np.ndarray, systems: list[tuple], deg: np.ndarray, m: int,
                         side: int, tol: float) -> tuple:
    """Every vertex ``(g, z, labels)`` of one side in the games flagged ``deg``, from the
    feasible systems of every level (:func:`_solve_chunk`); labels as bit sets over the rows
    (``m`` of them) and then the columns.

    Many systems of a degenerate game share a vertex.  The weights are solved for all of
    them, and the labels once per vertex (equal weights, bit for bit, in the same game); a
    vertex is kept where a system that gives it makes every column of its ``T`` a best
    response, and stands where the first such system stands."""
    N, p, _ = C.shape
    ats = [np.flatnonzero(deg.take(rest % N)) for _, _, _, rest, _ in systems]
    ends = np.cumsum([len(at) for at in ats])
    g, tight, z = np.empty(ends[-1], dtype=np.intp), np.empty(ends[-1], dtype=np.int64), \
        np.zeros((ends[-1], p))
    for (lv, M, it, rest, sums), at, end in zip(systems, ats, ends, strict=True):
        start = end - len(at)
        g[start:end], _, rows, zi = _weights(M, lv, tol, it[at], rest[at], sums[at], N)
        tight[start:end] = lv.tight_bits.take(it[at])
        z.ravel()[(np.arange(start, end) * p)[:, None] + rows] = zi
    first, group = _equal_rows(g, z)
    br, zero = _labels_of(C, g.take(first), z.take(first, axis=0), tol)
    kept = np.flatnonzero((br.take(group) & tight) == tight)
    first_kept = np.full(len(first), len(g))
    np.minimum.at(first_kept, group.take(kept), kept)
    kept = first_kept[first_kept < len(g)]  # each vertex's first system kept
    kept.sort()
    vertex = group.take(kept)
    return g.take(kept), z.take(kept, axis=0), _labels(zero.take(vertex), br.take(vertex), m, side)


def _equal_rows(g: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups of rows of ``z`` equal bit for bit, in the same game: the first row of each
    group (group ``i``'s at ``i``), and each row's group.  By a hash, as :func:`_vertex_groups` does; a
    collision can only split a group (its vertex then stands twice, and is merged later)."""
    cols = z.view(np.int64)
    h = np.zeros(len(g), dtype=np.int64)
    for j in range(cols.shape[1]):  # wrap-around integer arithmetic: a hash, not a number
        h *= _HASH
        h ^= cols[:, j]
    key = (g.astype(np.int64) << 40) | (h.view(np.uint64) >> np.uint64(24)).view(np.int64)
    # any order of equal rows will do: they are equal bit for bit
    order = np.argsort(key) if len(g) and g.max() < 1 << 23 else np.lexsort((h, g))
    new = np.ones(len(g), dtype=bool)
    if len(g) > 1:
        new[1:] = g.take(order[1:]) != g.take(order[:-1])
        for j in range(cols.shape[1]):
            c = cols[:, j].take(order)
            new[1:] |= c[1:] != c[:-1]
    group = np.empty(len(g), dtype=np.intp)
    group[order] = np.cumsum(new) - 1
    return order[new], group


def _labels(zero: np.ndarray, br: np.ndarray, m: int, side: int) -> np.ndarray:
    """A vertex's labels as one bit set over the ``m`` rows, then the columns: zero weights
    and best replies of the row player's side (0), best replies and zero weights of the
    column player's (1)."""
    return (zero << (0 if side == 0 else m)) | (br << (m if side == 0 else 0))


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
    chunk = max(1, SYSTEM_BUDGET // per_game, min(MIN_CHUNK, 4 * SYSTEM_BUDGET // per_game))
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

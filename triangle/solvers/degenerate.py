"""The extreme equilibria of degenerate games, from the vertices of both best-response
polyhedra: each vertex labelled once, and the completely labelled pairs.

In a degenerate bimatrix game the equilibria form finitely many convex sets, whose extreme
points are the completely labelled pairs of vertices of ``P`` and ``Q`` (Mangasarian 1964;
Avis, Rosenberg, Savani & von Stengel 2010).  :func:`_degenerate_vertices` solves every
feasible system of the games flagged degenerate (:mod:`triangle.solvers.batched`), labels
each distinct vertex once (many systems give the same vertex), and :func:`_pair_vertices`
lists the pairs whose labels cover all ``m + n``, by bit sets of labels.
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.vertices import _labels_of, _packed_rows, _set_bits, _weights

__all__: list[str] = []

#: Label words of x-vertices (labels x words of y-vertices) paired per step in degenerate games.
PAIR_BUDGET = 1_000_000
#: Grid used to deduplicate equilibria and vertices (probabilities equal to ~1e-7).
DEDUP_GRID = 1e7
#: Odd multiplier of the vertex hash (Knuth's multiplicative hashing, 2^64 / golden ratio).
_HASH = np.int64(-7046029254386353131)


def _hash_groups(g: np.ndarray, cols: list[np.ndarray]) -> tuple:
    """Rows sorted so that equal rows of one game are neighbours: the order, and where each
    group of rows equal in ``g`` and in every integer column of ``cols`` starts in it.

    One sort on (game, a hash of the columns) instead of a lexicographic sort on every
    column; neighbours are then compared on every column, so a collision of the hash never
    merges two groups (at worst it splits one).  Rows of a group keep their order, so the
    first in the order is the first row."""
    h = np.zeros(len(g), dtype=np.int64)
    for c in cols:  # wrap-around integer arithmetic: a hash, not a number
        h *= _HASH
        h ^= c
    h *= _HASH  # so that the last column reaches the top bits, which the sort reads
    # one sort of keys (game, top bits of the hash, row): a game's rows stay together, and
    # numpy sorts numbers several times faster than it finds the order that sorts them
    game_bits = int(g.max(initial=0)).bit_length()
    row_bits = max(1, (len(g) - 1).bit_length())
    hash_bits = 63 - game_bits - row_bits
    if hash_bits >= 24:
        top = (h.view(np.uint64) >> np.uint64(64 - hash_bits)).view(np.int64)
        key = (g.astype(np.int64) << (hash_bits + row_bits)) | (top << row_bits)
        key |= np.arange(len(g))
        key.sort()
        order = key & ((1 << row_bits) - 1)
    else:
        order = np.lexsort((h, g))
    starts = np.ones(len(g), dtype=bool)
    if len(g) > 1:
        starts[1:] = g.take(order[1:]) != g.take(order[:-1])
        for c in cols:
            cs = c.take(order)
            starts[1:] |= cs[1:] != cs[:-1]
    return order, starts


def _vertex_groups(g: np.ndarray, V: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Indices of the first of each group of vertices of one game equal to ~1e-7 and with
    equal labels, ordered by game (:func:`_hash_groups`; a split group leaves a duplicate,
    paired twice and merged with its twin at the end)."""
    cols = [np.rint(V[:, j] * DEDUP_GRID).astype(np.int64) for j in range(V.shape[1])]
    order, starts = _hash_groups(g, [labels, *cols])
    return order[starts]


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
    has = _packed_rows(has)  # (labels, N, words)
    real = _packed_rows(np.arange(64 * words) < ny[:, None])  # (N, words)
    found = [gx[:0]], [X[:0]], [Y[:0]]
    step = max(1, PAIR_BUDGET // (len(labels) * words))  # x-vertices paired at once
    for start in range(0, len(gx), step):
        g, lacks = gx[start : start + step], full ^ Lx[start : start + step]
        partners = real.take(g, axis=0)  # every y-vertex of the game, and only those
        for label in labels:  # the y-vertices with every label the x-vertex lacks
            sets = has[label].take(g, axis=0)
            sets |= ((lacks >> label) & 1).view(np.uint64)[:, None] - np.uint64(1)  # or all
            partners &= sets
        a, r = np.divmod(_set_bits(partners), 64 * words)  # x-vertex, rank of the y-vertex
        b = oy[g.take(a)] + r
        for lst, v in zip(found, (g.take(a), X[start + a], Y[b]), strict=True):
            lst.append(v)
    return tuple(np.concatenate(v) for v in found)


def _degenerate_vertices(C: np.ndarray, systems: list[tuple], deg: np.ndarray, m: int,
                         side: int, tol: float) -> tuple:
    """Every vertex ``(g, z, labels)`` of one side in the games flagged ``deg``, from the
    feasible systems of every level (:func:`~triangle.solvers.batched._solve_chunk`); labels
    as bit sets over the rows (``m`` of them) and then the columns.

    Many systems of a degenerate game share a vertex.  The weights are solved for all of
    them, and the labels once per vertex (equal weights, bit for bit, in the same game); a
    vertex is kept where a system that gives it makes every column of its ``T`` a best
    response, and stands where the first such system stands."""
    N, p, _ = C.shape
    ats = [np.flatnonzero(deg.take(rest % N)) for _, _, _, rest, _, _ in systems]
    ends = np.cumsum([len(at) for at in ats])
    g, tight, z = np.empty(ends[-1], dtype=np.intp), np.empty(ends[-1], dtype=np.int64), \
        np.zeros((ends[-1], p))
    pure = np.full(ends[-1], -1)  # the row of a pure strategy z (one nonzero weight), else -1
    for (lv, M, it, rest, sums, _), at, end in zip(systems, ats, ends, strict=True):
        start = end - len(at)
        g[start:end], _, rows, zi = _weights(M, lv, tol, it[at], rest[at], sums[at], N)
        tight[start:end] = lv.tight_bits.take(it[at])
        z.ravel()[(np.arange(start, end) * p)[:, None] + rows] = zi
        _pure_rows(zi, rows, pure[start:end])
    first, group = _equal_rows(g, z, pure)
    br, zero = _labels_of(C, g.take(first), z.take(first, axis=0), tol)
    kept = np.flatnonzero((br.take(group) & tight) == tight)
    first_kept = np.full(len(first), len(g))
    np.minimum.at(first_kept, group.take(kept), kept)
    kept = first_kept[first_kept < len(g)]  # each vertex's first system kept
    kept.sort()
    vertex = group.take(kept)
    return g.take(kept), z.take(kept, axis=0), _labels(zero.take(vertex), br.take(vertex), m, side)


def _pure_rows(zi: np.ndarray, rows: np.ndarray, out: np.ndarray) -> None:
    """Where a system's weights ``zi`` (on ``rows``) are one 1.0 and zeros, write that row to
    ``out``: the strategy is pure (renormalised weights with one nonzero entry are such)."""
    count = np.zeros(len(zi), dtype=np.int8)
    row = np.zeros(len(zi), dtype=rows.dtype)  # the row of the nonzero weight, if one
    total = np.zeros(len(zi))  # the weight itself, if one: zeros add exactly
    for c in range(zi.shape[1]):
        nonzero = zi[:, c] != 0.0
        count += nonzero
        row += rows[:, c] * nonzero
        total += zi[:, c]
    pure = (count == 1) & (total == 1.0)
    out[...] = np.where(pure, row, out)


def _equal_rows(g: np.ndarray, z: np.ndarray, pure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups of rows of ``z`` equal bit for bit, in the same game: a row of each group
    (group ``i``'s at ``i``), and each row's group.

    ``pure``: the row of a pure strategy (:func:`_pure_rows`), else -1.  Pure strategies, half
    the systems of a degenerate game, are grouped by game and row through a table; the
    others by :func:`_hash_groups` (a split group makes its vertex stand twice, merged
    later).  No pure strategy equals a mixed one."""
    group = np.empty(len(g), dtype=np.intp)
    at = np.flatnonzero(pure >= 0)
    key = g.take(at) * z.shape[1] + pure.take(at)  # (game, row)
    present = np.zeros(int(key.max(initial=-1)) + 1, dtype=bool)
    present[key] = True
    group[at] = (np.cumsum(present) - 1).take(key)
    representative = np.empty(len(present), dtype=np.intp)
    representative[key] = at  # any one row of a group: they are equal bit for bit
    first_pure = representative[present]
    at = np.flatnonzero(pure < 0)
    bits = z.view(np.int64).take(at, axis=0)
    order, starts = _hash_groups(g.take(at), [bits[:, j] for j in range(bits.shape[1])])
    group[at.take(order)] = len(first_pure) + np.cumsum(starts) - 1
    return np.concatenate((first_pure, at.take(order[starts]))), group


def _labels(zero: np.ndarray, br: np.ndarray, m: int, side: int) -> np.ndarray:
    """A vertex's labels as one bit set over the ``m`` rows, then the columns: zero weights
    and best replies of the row player's side (0), best replies and zero weights of the
    column player's (1)."""
    return (zero << (0 if side == 0 else m)) | (br << (m if side == 0 else 0))

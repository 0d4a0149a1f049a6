"""Games with immediate-break strategies: the break-free game and the break continua apart.

A strategy that ends the game at once (the partnership's ``Realign``) earns the same pair of
payoffs ``(a, b)`` against everything, and so does every strategy against it: its row and its
column are constant, and every such row and column carries the same pair (they meet in a
cell).  Such games are degenerate (the opponent of a breaker is indifferent among all its
strategies), and full vertex enumeration pays for it with many coinciding vertices.  This
module solves them from the break-free game instead.

Let ``R_b``, ``C_b`` be the constant rows and columns, ``A_f``, ``B_f`` the break-free game,
``beta`` and ``gamma`` the weights the two players put on breaking.  For ``gamma < 1`` a
break-free row ``i`` earns ``(1 - gamma) (A_f y')_i + a gamma`` with ``y'`` the break-free
part of ``y`` renormalised, so it beats breaking iff ``(A_f y')_i >= a``: the row player's
best replies depend on ``y'`` alone, and likewise the column player's on ``x'``.  The
maximum payoff is affine in the weight on breaking, so a vertex of either player's
best-response polyhedron (von Stengel 2007, sect. 3.4) puts weight 0 or 1 on breaking, and
the extreme equilibria (Mangasarian 1964; Avis, Rosenberg, Savani & von Stengel 2010) are:

1. ``beta = gamma = 0``: the completely labelled pairs, over the break-free labels, of the
   vertices of ``P' = {(x, v) : x in simplex, B_f^T x <= v, b <= v}`` and
   ``Q' = {(y, u) : y in simplex, A_f y <= u, a <= u}``: the break-free best-response
   polyhedra with breaking as one more reply.  In a non-degenerate break-free game these are
   its equilibria that survive against breaking (``max B_f^T x >= b``,
   ``max A_f y >= a``); where the break-free game has a continuum crossing ``u = a`` or
   ``v = b`` they include the crossing point;
2. ``gamma = 1``: each pure break column against each vertex of
   ``X = {x in simplex : B_f^T x_f <= b 1^T x_f}`` (``x_f`` the break-free part of ``x``: the
   row player's mixes against which the column player's breaking is a best reply).  Its
   vertices are the pure break rows and the vertices of ``P'`` on its face ``v = b``;
   against a breaking column every row earns ``a``;
3. ``beta = 1``: each pure break row against each vertex of
   ``{y in simplex : A_f y_f <= a 1^T y_f}``, symmetrically (both breaking counted once).

The vertices of ``P'`` and ``Q'`` are the vertices the batched engine enumerates
(:mod:`triangle.solvers.batched`) for the payoff matrices ``[B_f | b]`` and ``[A_f^T | a]``:
one side each of size ``(m - |R_b|) x (n - |C_b| + 1)`` and ``(n - |C_b|) x (m - |R_b| + 1)``
instead of the whole game's ``m x n`` with its many degenerate vertices.  Every pair returned
passes the best-response check on the whole game.

>>> import numpy as np
>>> A = np.array([[3.0, 0.0, 1.0], [0.0, 2.0, 1.0], [1.0, 1.0, 1.0]])  # row and column 2 break
>>> B = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0], [1.0, 1.0, 1.0]])
>>> rows, cols = constant_strategies(A[None], B[None])
>>> rows.tolist(), cols.tolist()
([[False, False, True]], [[False, False, True]])
>>> g, x, y, split = split_equilibria(A[None], B[None])
>>> for pair in sorted((x_.round(3).tolist(), y_.round(3).tolist()) for x_, y_ in zip(x, y)):
...     print(pair)
([0.0, 0.0, 1.0], [0.0, 0.0, 1.0])
([0.0, 1.0, 0.0], [0.0, 1.0, 0.0])
([0.6, 0.4, 0.0], [0.4, 0.6, 0.0])
([1.0, 0.0, 0.0], [1.0, 0.0, 0.0])

Both breaking is an equilibrium; so are the break-free game's three, each of which pays
both players more than breaking.
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.batched import _responses, batched_equilibria, padded_equilibria
from triangle.solvers.degenerate import _pair_vertices
from triangle.solvers.dominance import mask_patterns
from triangle.solvers.feasible import _side_systems
from triangle.solvers.result import Equilibria
from triangle.solvers.tolerance import TOL, games_in_units
from triangle.solvers.vertices import _bits, _row_count, _rows_where, _solved_systems

__all__ = ["constant_strategies", "equilibria", "solve", "split_equilibria"]

#: Games solved at once: bounds the vertex tables (an 8 x 8 game's sides hold ~10^4 systems).
GAMES_PER_CHUNK = 400


def constant_strategies(A: np.ndarray, B: np.ndarray, tol: float = TOL
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns whose payoffs, to both players, are one constant pair ``(a, b)``.

    ``A, B``: ``(N, m, n)`` in each player's unit (:mod:`triangle.solvers.tolerance`).  Returns
    masks ``(N, m)`` and ``(N, n)``; a game whose constant rows and columns do not all carry
    the same pair, or in which every row or every column is constant, gets none (the split
    does not apply to it).
    """
    def flat(P: np.ndarray, axis: int) -> np.ndarray:
        # max - min slice by slice: numpy reduces a short axis of many games 2-4x slower
        slices = np.moveaxis(P, axis, 0)
        hi, lo = slices[0].copy(), slices[0].copy()
        for part in slices[1:]:
            np.maximum(hi, part, out=hi)
            np.minimum(lo, part, out=lo)
        hi -= lo
        return hi <= tol

    rows = flat(A, 2) & flat(B, 2)
    cols = flat(A, 1) & flat(B, 1)
    N = A.shape[0]
    # the pair of the first constant row (or column) stands for all: every other must match
    r0, c0 = np.argmax(rows, axis=1), np.argmax(cols, axis=1)
    has_r = rows.any(axis=1)
    a = np.where(has_r, A[np.arange(N), r0, 0], A[np.arange(N), 0, c0])
    b = np.where(has_r, B[np.arange(N), r0, 0], B[np.arange(N), 0, c0])
    same_r = (np.abs(A[:, :, 0] - a[:, None]) <= tol) & (np.abs(B[:, :, 0] - b[:, None]) <= tol)
    same_c = (np.abs(A[:, 0, :] - a[:, None]) <= tol) & (np.abs(B[:, 0, :] - b[:, None]) <= tol)
    ok = (np.all(same_r | ~rows, axis=1) & np.all(same_c | ~cols, axis=1)
          & ~rows.all(axis=1) & ~cols.all(axis=1))
    rows &= ok[:, None]
    cols &= ok[:, None]
    return rows, cols


def _flat(systems: list[tuple], N: int) -> tuple:
    """Game, support and tight bit sets, and ``near``, of every system of every level."""
    parts = [((rest % N), lv.sup_bits[rest // N], lv.tight_bits[it], near)
             for lv, _, it, rest, _, near in systems]
    return tuple(np.concatenate(v) for v in zip(*parts, strict=True))


def _side_solutions(C: np.ndarray, tol: float, systems: list[tuple], chosen: np.ndarray) -> tuple:
    """Solutions ``(pos, g, z, br, sup, tight, keep)`` of the ``chosen`` systems (a mask over
    every level's systems, in order), solved as the batched engine solves them: ``pos`` is
    each system's place in that order, ``sup`` and ``tight`` the bit sets of the system
    ``(I, T)`` and ``keep`` whether the engine keeps its vertex.  A level with nothing
    chosen costs nothing."""
    p, q = C.shape[1:]
    out, start = [], 0
    for lv, M, it, rest, s, _ in systems:
        at = np.flatnonzero(chosen[start:start + len(it)])
        if at.size:
            (g, it_, ii, z, br, _, _), keep = _solved_systems(C, M, lv, tol, it.take(at),
                                                              rest.take(at), s.take(at))
            out.append((at + start, g, z, br, lv.sup_bits[ii], lv.tight_bits[it_], keep))
        start += len(it)
    if not out:
        none = np.zeros(0, dtype=np.int64)
        return (none, none, np.zeros((0, p)), np.zeros((0, q), dtype=bool), none, none,
                np.zeros(0, dtype=bool))
    return tuple(np.concatenate(v) for v in zip(*out, strict=True))


def _solved_sides(Cx: np.ndarray, Cy: np.ndarray, tol: float, break_x: int, break_y: int,
                  width: int) -> tuple:
    """Both sides' vertices that the split reads (:func:`_split_pattern`), each side as
    ``(g, z, zero, br, sup, tight)`` in the order of its systems: those of systems matched by
    support, those near an extra label (:func:`~triangle.solvers.feasible._feasible`), those
    whose tight set holds the break reply (bit ``break_x``, ``break_y``; ``-1`` for none),
    and all vertices of the games with a vertex of too many labels.  Every other vertex has
    exactly its dimension's labels, lacks the break reply and matches nothing, so the
    split's result is the one it gets from every vertex.  A system is solved once: the near
    ones first, for the degeneracy test, then the rest of those read."""
    N, p_x = Cx.shape[:2]
    p_y = Cy.shape[1]
    sides = [(Cx, _side_systems(Cx, tol), p_x, break_x), (Cy, _side_systems(Cy, tol), p_y, break_y)]
    flat = [_flat(systems, N) for _, systems, _, _ in sides]
    deg = np.zeros(N, dtype=bool)
    first = []
    for (C, systems, p, _), (_, _, _, near) in zip(sides, flat, strict=True):
        solved = _side_solutions(C, tol, systems, near)
        _, g, z, br, _, _, keep = solved
        deg[g[keep & (_row_count(z <= tol, br) > p)]] = True
        first.append(solved)
    ax, ay = _support_matches(*flat[0][:3], *flat[1][:3], width)
    out = []
    for (C, systems, _, brk), (g, _, tight, near), a, early in zip(sides, flat, (ax, ay), first,
                                                                   strict=True):
        chosen = deg[g]
        chosen[a] = True
        if brk >= 0:
            chosen |= (tight >> brk) & 1 == 1
        chosen &= ~near  # solved already
        both = [np.concatenate(v) for v in zip(early, _side_solutions(C, tol, systems, chosen),
                                               strict=True)]
        order = np.argsort(both[0], kind="stable")  # the systems' order, as if solved together
        kept = order[both[-1].take(order)]  # the vertices the engine keeps, in that order
        _, g_, z, br, sup, tight_ = (v.take(kept, axis=0) for v in both[:-1])
        out.append((g_, z, z <= tol, br, sup, tight_))
    return tuple(out)


def _support_matches(gx, sup_x, tight_x, gy, sup_y, tight_y, width: int) -> tuple:
    """Positions of the systems that match by support: ``x`` solving ``(I, T)`` meets ``y``
    solving ``(J, T')`` of the same game where ``J = T`` and ``T' = I`` (von Stengel 2007,
    sect. 3.3).  A system whose tight set holds the break reply matches nothing: no
    break-free support has it.  ``width``: bits of a set (more than either side's
    strategies)."""
    key_x = (gx.astype(np.int64) << 2 * width) | (sup_x << width) | tight_x
    key_y = (gy.astype(np.int64) << 2 * width) | (tight_y << width) | sup_y
    _, ax, ay = np.intersect1d(key_x, key_y, assume_unique=True, return_indices=True)
    return ax, ay


def _matched(gx, X, sup_x, tight_x, gy, Y, sup_y, tight_y, width: int) -> tuple:
    """Equilibria of non-degenerate games by support (:func:`_support_matches`)."""
    ax, ay = _support_matches(gx, sup_x, tight_x, gy, sup_y, tight_y, width)
    return gx[ax], X[ax], Y[ay]


def _split_pattern(A: np.ndarray, B: np.ndarray, rb: np.ndarray, cb: np.ndarray, tol: float
                   ) -> tuple:
    """Extreme equilibria ``(g, x, y)`` of games sharing the break rows ``rb`` and columns ``cb``
    (module doc, cases 1-3)."""
    N, m, n = A.shape
    rf, cf = np.flatnonzero(~rb), np.flatnonzero(~cb)
    rbi, cbi = np.flatnonzero(rb), np.flatnonzero(cb)
    mf, nf = len(rf), len(cf)
    er, ec = len(rbi) > 0, len(cbi) > 0
    a = A[:, rbi[0], 0] if er else A[:, 0, cbi[0]]
    b = B[:, rbi[0], 0] if er else B[:, 0, cbi[0]]
    Af, Bf = A[:, rf][:, :, cf], B[:, rf][:, :, cf]
    Cx = np.concatenate([Bf, np.broadcast_to(b[:, None, None], (N, mf, 1))], axis=2) if ec else Bf
    Cy = Af.transpose(0, 2, 1)
    if er:
        Cy = np.concatenate([Cy, np.broadcast_to(a[:, None, None], (N, nf, 1))], axis=2)
    core = (1 << (mf + nf)) - 1
    width = max(m, n) + 1
    (gx, X, zx, bx, sup_x, tight_x), (gy, Y, zy, by, sup_y, tight_y) = _solved_sides(
        np.ascontiguousarray(Cx), np.ascontiguousarray(Cy), tol, nf if ec else -1,
        mf if er else -1, width)
    Lx = _bits(zx, 0) | _bits(bx[:, :nf], mf)  # break-free labels only: rows, then columns
    Ly = _bits(zy, mf) | _bits(by[:, :mf], 0)
    # 1. neither breaks: completely labelled over the break-free labels.  Where both
    # polyhedra are non-degenerate (no vertex with more labels than its dimension) the pairs
    # are the matching supports; elsewhere every vertex pair is tried.
    deg = np.zeros(N, dtype=bool)
    deg[gx[_row_count(zx, bx) > mf]] = True
    deg[gy[_row_count(zy, by) > nf]] = True
    dx, dy = deg[gx], deg[gy]
    g1, x1, y1 = _matched(*_rows_where(~dx, gx, X, sup_x, tight_x),
                          *_rows_where(~dy, gy, Y, sup_y, tight_y), width)
    g2, x2, y2 = _pair_vertices(N, core, *_rows_where(dx, gx, X, Lx), *_rows_where(dy, gy, Y, Ly))
    pieces = [(g1, _embed(x1, rf, m), _embed(y1, cf, n)), (g2, _embed(x2, rf, m), _embed(y2, cf, n))]
    # 2. the column player breaks against every x in X (vertices with the break reply)
    if ec:
        hit = np.flatnonzero(bx[:, nf])
        for c in cbi:
            pieces.append((gx[hit], _embed(X[hit], rf, m), _pure(len(hit), c, n)))
    # 3. the row player breaks against every y with A_f y <= a
    if er:
        hit = np.flatnonzero(by[:, mf])
        for r in rbi:
            pieces.append((gy[hit], _pure(len(hit), r, m), _embed(Y[hit], cf, n)))
    every = np.arange(N)
    for r in rbi:  # both break (cases 2 and 3 meet here; counted once)
        for c in cbi:
            pieces.append((every, _pure(N, r, m), _pure(N, c, n)))
    return tuple(np.concatenate(v) for v in zip(*pieces, strict=True))


def _embed(z: np.ndarray, where: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros((len(z), size))
    out[:, where] = z
    return out


def _pure(count: int, i: int, size: int) -> np.ndarray:
    out = np.zeros((count, size))
    out[:, i] = 1.0
    return out


def split_equilibria(A: np.ndarray, B: np.ndarray, tol: float = TOL) -> tuple:
    """Extreme equilibria of the games with constant (break) strategies, by the split.

    Parameters
    ----------
    A, B : numpy.ndarray
        ``(N, m, n)`` payoffs in each player's unit (:func:`~triangle.solvers.tolerance.in_units`).
    tol : float
        The engine's tolerance.

    Returns
    -------
    (g, x, y, split)
        Game index, row and column strategy of every extreme equilibrium found (unsorted,
        possibly repeated), each verified by best response on the whole game; and the mask
        ``(N,)`` of games solved here.  The other games are left to the full enumeration.
    """
    m, n = A.shape[1:]
    rows, cols = constant_strategies(A, B, tol)
    split = rows.any(axis=1) | cols.any(axis=1)
    gs, xs, ys = [np.zeros(0, dtype=np.intp)], [np.zeros((0, m))], [np.zeros((0, n))]
    if split.any():
        idx = np.flatnonzero(split)
        keys, which = mask_patterns(np.concatenate([rows[idx], cols[idx]], axis=1))
        for p, key in enumerate(keys):  # one break-free shape per pattern of break strategies
            games = idx[which == p]
            for lo in range(0, len(games), GAMES_PER_CHUNK):
                part = games[lo:lo + GAMES_PER_CHUNK]
                g, x, y = _split_pattern(A[part], B[part], key[:m], key[m:], tol)
                gs.append(part[g])
                xs.append(x)
                ys.append(y)
    g, x, y = np.concatenate(gs), np.concatenate(xs), np.concatenate(ys)
    ok = _responses(A[g], B[g], x, y, tol)[2]
    return (*_rows_where(ok, g, x, y), split)


def equilibria(A: np.ndarray, B: np.ndarray, tol: float = TOL,
               unit: tuple[np.ndarray, np.ndarray] | None = None) -> Equilibria:
    """Every extreme equilibrium of each game, as :func:`~triangle.solvers.batched.batched_equilibria`
    gives it, with games that have immediate-break strategies solved by the split.

    Same arguments and result as the whole enumeration, equilibria in the same order; the
    games of the split are degenerate (a breaker's opponent is indifferent among all its
    strategies).
    """
    A, B = games_in_units(A, B, unit)
    N, m, n = A.shape
    g, x, y, split = split_equilibria(A, B, tol)
    rest = np.flatnonzero(~split)
    degenerate = split.copy()
    if rest.size:
        whole = batched_equilibria(A[rest], B[rest], tol, (np.ones(rest.size), np.ones(rest.size)))
        degenerate[rest] = whole.degenerate
        r, k = np.nonzero(whole.valid)
        g = np.concatenate([g, rest[r]])
        x, y = np.concatenate([x, whole.x[r, k]]), np.concatenate([y, whole.y[r, k]])
    return padded_equilibria((N, m, n), g, x, y, degenerate, tol, "batched support")


def solve(A: np.ndarray, B: np.ndarray, unit: tuple[np.ndarray, np.ndarray] | None = None
          ) -> Equilibria:
    """Registry entry of the batched engine: every extreme equilibrium of each game
    (:func:`equilibria`)."""
    return equilibria(A, B, TOL, unit)

"""Which systems of a level are feasible: the vertices of one side's best-response
polyhedron, found on the minor tables alone.

For one side of a stack of games (:mod:`triangle.solvers.vertices`), the system ``(I, T)`` of
size ``k`` has the solution ``z_i = c_i / s`` (Cramer's rule), ``c_i = (-1)^i M[T, I minus i]``
and ``s = sum(c)``, and the replies ``j`` outside ``T`` have the excesses ``w_j / s``, ``w_j``
an entry of the next size's minors ``M_up`` (von Stengel 2007, sect. 3.4).  The system is
feasible iff every ``c_i`` and every ``-w_j`` lies within ``tol |s|`` of the sign of ``s``.

* :class:`SignTables` rules out, 64 games to a machine word, the systems where two of those
  values have opposite signs beyond a bound on ``tol |s|``.  A vertex needs all ``q`` of
  them on one side, so in random games the screen leaves little more than the vertices
  themselves (0.5-2.4% of a random 8 x 8 game's systems of size 3 to 8 are vertices;
  ``tests/test_feasible.py`` checks that the screen leaves at most two more);
* :func:`_feasible_by_signs` tests what it leaves exactly, gathered;
* :func:`_feasible` tests a whole block at once, where the screen leaves much of it (small
  support sizes, or payoffs far off their unit that make every minor look small).

Both tests do the same floating-point operations on every system they test, so the result
does not depend on which one ran, nor on block or chunk sizes.
"""

from __future__ import annotations

from math import prod

import numpy as np

from triangle.solvers import vertices
from triangle.solvers.vertices import (
    _column_differences,
    _Level,
    _level,
    _next_minors,
    _packed_rows,
    _rows_where,
    _set_bits,
)

__all__ = ["SignTables"]

#: A system is singular when its determinant, in each player's payoff unit, is below this.
SINGULAR = 1e-11
#: A feasible system is ``near`` an extra label within ``NEAR_REL * |s| + NEAR_ABS`` (in the
#: units of the minors, :func:`_feasible`): its vertex is solved to count its labels.
NEAR_REL, NEAR_ABS = 1e-8, 1e-9
#: From this support size on, systems are screened by signs (:class:`SignTables`) first.
SIGNS_FROM = 2
#: Words of sign bits screened together (a block of indifference sets that stays in cache).
SIGN_BLOCK = 1 << 14
#: Where a screen leaves more than this share of a block, the block is tested whole.
DENSE_SHARE = 0.4


def _feasible_systems(M: np.ndarray, M_up: np.ndarray | None, lv: _Level, tol: float,
                      signs: SignTables | None = None) -> tuple:
    """The feasible systems ``(I, T)`` of level ``k`` of ``{z in simplex, C^T z <= w}``, from
    the minor tables alone.

    ``z_I`` solves ``(C^T z)_j = w`` for ``j`` in ``T`` and ``1^T z = 1``.  By Cramer's rule
    ``z_i = c_i / s`` with ``c_i = (-1)^i det(D_T[:, I minus i])`` and ``s = sum(c)``, and for
    ``j`` outside ``T`` the payoff excess ``(C^T z)_j - w`` is ``+-det(D_{T+j}[:, I]) / s``, a
    minor of the next size (``M_up``).  So feasibility (``z >= -tol``, no pure strategy better
    by more than ``tol``) needs no solve.  The minors are of payoffs in the player's unit
    (:mod:`triangle.solvers.tolerance`); systems with ``|s| <= SINGULAR`` are singular and
    skipped (a vertex is also the solution of a nonsingular system).  Returns the rank of
    ``T``, ``rank of I * N + game``, the sum ``s`` and whether the vertex may have more labels
    than its dimension (:func:`_feasible`); :func:`~triangle.solvers.vertices._solved_systems`
    solves and labels the systems a caller reads.

    ``signs``: the side's :class:`SignTables`, carried from level to level, so that the next
    size's signs, built for this level's replies, serve the next level's weights.
    """
    nT, nI = len(lv.tight), len(lv.sup)
    up = _Replies(M_up) if M_up is not None and lv.up_rank.shape[1] else None
    if lv.sup.shape[1] >= SIGNS_FROM:
        signs = signs if signs is not None else SignTables(tol)
        signs.level(M, None if up is None else M_up, lv.sup.shape[1])
        step = max(1, SIGN_BLOCK // (nI * signs.words))
        found = [_feasible_by_signs(M, signs, up, lv, tol, t, min(nT, t + step))
                 for t in range(0, nT, step)]
    else:
        found = [_feasible_dense(M, up, lv, tol, 0, nT)]
    return tuple(np.concatenate(v) for v in zip(*found, strict=True))


def _side_systems(C: np.ndarray, tol: float) -> list[tuple]:
    """Every level's feasible systems of ``{z in simplex, C^T z <= w}`` for ``C``: ``(N, p, q)``,
    unsolved: ``(level, minors, it, rest, s, near)`` for the support sizes ``k = 1..min(p, q)``
    (:func:`_feasible_systems`), the minors built one size from the last (Laplace,
    :func:`~triangle.solvers.vertices._next_minors`) and the sign tables carried along."""
    N, p, q = C.shape
    minors = np.ones((q, 1, N))
    differences = _column_differences(C)  # games on the last axis
    out, signs = [], SignTables(tol, _largest(differences))
    for k in range(1, min(p, q) + 1):
        lv = _level(p, q, k)
        up = None if k == q else _next_minors(differences, minors, _level(p, q, k + 1), k + 1)
        out.append((lv, minors, *_feasible_systems(minors, up, lv, tol, signs)))
        minors = up
    return out


def _feasible_dense(M: np.ndarray, up: _Replies | None, lv: _Level, tol: float, t0: int,
                    t1: int) -> tuple[np.ndarray, ...]:
    """:func:`_feasible` on the systems ``T`` in ``[t0, t1)``, a block that stays in cache at a
    time."""
    nI, N = len(lv.sup), M.shape[2]
    step = max(1, vertices.DENSE_BLOCK // (nI * N))  # a block's systems stay in cache
    work = np.empty((4, min(step, t1 - t0) * nI * N))  # one set of buffers for every block
    found = [_feasible(M, up, lv, tol, t, min(t1, t + step), work) for t in range(t0, t1, step)]
    return tuple(np.concatenate(v) for v in zip(*found, strict=True))


class SignTables:
    """The signs of the values that decide one side's systems, as bit sets over the games.

    A system ``(T, I)`` of size ``k`` is feasible iff all its ``c_i`` and ``-w_j`` lie within
    ``tol |s|`` of the sign of ``s`` (:func:`_feasible`).  Since ``|s| = |sum(c)| <= k max|M|``,
    ``delta = 2 k tol max|M|`` bounds ``tol |s|``: a system with one of those
    values above ``delta`` and another below ``-delta`` is infeasible whatever the sign of
    ``s``.  Bit ``g % 64`` of word ``g // 64`` of ``pos[T, S]`` is set iff
    ``M[T, S, g] > delta``, of ``neg[T, S]`` iff ``M[T, S, g] < -delta``, and likewise for the
    next size's minors; such systems are ruled out 64 games at a time, by integer operations
    on words.  A larger ``delta`` only rules out fewer: the next size's table is built with
    the larger of this level's bound and its own, and serves the next level's weights.

    Parameters
    ----------
    tol : float
        The feasibility test's tolerance, in the payoff units of the minors.
    spread : float, optional
        ``max |D|`` over the side's column differences
        (:func:`~triangle.solvers.vertices._column_differences`).  Where given, the next
        size's bound is ``k * spread * max|M|``, not its maximum: its minors are sums of
        ``k`` products of a difference and a minor of this size (Laplace), so the bound
        holds, and it costs no pass over the table.  A looser bound rules out only systems
        further from the tolerance; the exact test still decides.

    Notes
    -----
    One object serves one side of one chunk, level after level (:meth:`level`, then
    :meth:`candidates` for blocks of indifference sets).  Non-finite minors make ``delta``
    infinite or undefined; every comparison is then false and no system is ruled out, so
    the exact test decides.  The polyhedra and their systems: von Stengel (2007), sect. 3.4.
    """

    def __init__(self, tol: float, spread: float | None = None) -> None:
        self.tol = tol
        self.spread = spread
        self._next: tuple | None = None  # (M_up, max|M_up|, its pos, its neg), for the next level

    def level(self, M: np.ndarray, M_up: np.ndarray | None, k: int) -> None:
        """Build (or take over from the last level) the tables of level ``k``."""
        self.games = N = M.shape[2]
        self.words = -(-N // 64)
        if self._next is not None and self._next[0] is M:
            _, largest, self.pos, self.neg = self._next
        else:
            largest = _largest(M)
            self.pos, self.neg = self._packed(M, 2.0 * self.tol * k * largest)
        self._next = None
        if M_up is not None:
            largest_up = _largest(M_up) if self.spread is None else k * self.spread * largest
            # this level's bound on |s|, k max|M|, and the next one's, (k + 1) max|M_up|
            delta = 2.0 * self.tol * max(k * largest, (k + 1) * largest_up)
            pos, neg = self._packed(M_up, delta)
            # rows of ``[M_up; -M_up]`` (:attr:`_Level.up_signed`): the signs of w_j
            self.up_pos, self.up_neg = np.concatenate((pos, neg)), np.concatenate((neg, pos))
            self._next = (M_up, largest_up, pos, neg)
        real = np.zeros(64 * self.words, dtype=bool)
        real[:N] = True
        self.real = np.packbits(real, bitorder="little").view(np.uint64)

    def _packed(self, M: np.ndarray, delta: float) -> np.ndarray:
        bits = np.zeros((2, *M.shape[:2], 64 * self.words), dtype=bool)
        np.greater(M, delta, out=bits[0, ..., : M.shape[2]])
        np.less(M, -delta, out=bits[1, ..., : M.shape[2]])
        return _packed_rows(bits)

    def candidates(self, lv: _Level, t0: int, t1: int, replies: bool) -> np.ndarray:
        """Flat positions ``((T - t0) * nI + I) * N + g`` of the systems of the block not
        ruled out, in increasing order."""
        pos, neg = self.pos[t0:t1], self.neg[t0:t1]
        any_pos = pos.take(lv.sup_minus[:, 0], axis=1)  # (block, nI, words); c_0 = +M
        any_neg = neg.take(lv.sup_minus[:, 0], axis=1)
        for i in range(1, lv.sup.shape[1]):  # c_i = (-1)^i M[T, I minus i]
            p, n = (neg, pos) if i % 2 else (pos, neg)
            any_pos |= p.take(lv.sup_minus[:, i], axis=1)
            any_neg |= n.take(lv.sup_minus[:, i], axis=1)
        if replies:
            for rows in lv.up_signed[:, t0:t1]:  # -w_j: positive where w_j is negative
                any_pos |= self.up_neg.take(rows, axis=0)
                any_neg |= self.up_pos.take(rows, axis=0)
        any_pos &= any_neg
        np.bitwise_not(any_pos, out=any_pos)
        any_pos &= self.real
        row, game = np.divmod(_set_bits(any_pos), 64 * self.words)
        row *= self.games
        row += game
        return row


def _largest(M: np.ndarray) -> float:
    """``max |M|`` over the whole table: one bound for all games of a chunk (a bound per game
    would cost ten times as much, reducing over the leading axes)."""
    return float(max(M.max(initial=0.0), -M.min(initial=0.0)))


def _feasible_by_signs(M: np.ndarray, signs: SignTables, up: _Replies | None, lv: _Level,
                       tol: float, t0: int, t1: int) -> tuple[np.ndarray, ...]:
    """:func:`_feasible` on the systems :class:`SignTables` leaves, gathered: the same
    floating-point operations on each as on the whole block, so the same results."""
    k, nI, N = lv.sup.shape[1], len(lv.sup), M.shape[2]
    flat = signs.candidates(lv, t0, t1, up is not None)
    if len(flat) > DENSE_SHARE * (t1 - t0) * nI * N:
        return _feasible_dense(M, up, lv, tol, t0, t1)
    t_of, rest = np.divmod(flat, nI * N)  # rest = rank of I * N + game
    ii, g = np.divmod(rest, N)
    base = (t_of + t0) * (M.shape[1] * N) + g
    values = M.reshape(-1)
    s = values.take(base + lv.sup_minus[:, 0].take(ii) * N)
    hi = -s
    lo = hi.copy()
    for i in range(1, k):
        buf = values.take(base + lv.sup_minus[:, i].take(ii) * N)
        if i % 2:
            s -= buf
        else:
            s += buf
            np.negative(buf, out=buf)
        np.minimum(lo, buf, out=lo)
        np.maximum(hi, buf, out=hi)
    if up is not None:  # the screen leaves few systems that fail: test them all at once
        _with_replies(up, lv, t0, t1, nI * N, t_of, rest, hi, lo)
    ts = s * tol
    ok = hi <= ts
    ok |= lo >= ts
    return _finish(t_of + t0, rest, s, hi, lo, ok)


class _Replies:
    """The next size's minors ``M_up``, whose entries ``+-M_up[T + j]`` are the replies'
    excesses ``w_j`` (:func:`_feasible`); stacked on their negatives on first need, so that a
    whole block's ``w_j`` is one plain gather."""

    def __init__(self, minors: np.ndarray) -> None:
        self.minors = minors
        self._stacked: np.ndarray | None = None

    def stacked(self) -> np.ndarray:
        if self._stacked is None:
            M_up = self.minors
            self._stacked = np.empty((2 * len(M_up), *M_up.shape[1:]))
            np.copyto(self._stacked[: len(M_up)], M_up)
            np.negative(M_up, out=self._stacked[len(M_up) :])
        return self._stacked


def _feasible(M: np.ndarray, up: _Replies | None, lv: _Level, tol: float, t0: int,
              t1: int, work: np.ndarray) -> tuple[np.ndarray, ...]:
    """Feasible nonsingular systems ``(T, I, game)`` with ``T`` ranked in ``[t0, t1)``: the
    rank of ``T``, ``rank of I * N + game``, the sum ``s`` of each (:func:`_feasible_systems`) and
    whether its vertex may have an extra label (``near``).

    A vertex has a label for a weight ``z_i <= tol`` or a reply ``j`` outside ``T`` within
    ``tol`` of the best: a value ``v`` (``-c_i`` or ``w_j``) with ``v / s >= -tol``.  ``near``
    marks every system whose closest value is within ``NEAR_REL * |s| + NEAR_ABS`` of that:
    a thousand times the tolerance, and far above the rounding of the minors of payoffs in
    unit range, so a vertex not ``near`` has exactly its ``p`` labels however its solution
    is rounded (:func:`~triangle.solvers.vertices._solved_systems`).

    ``up``: the next size's minors (:class:`_Replies`); ``work``: scratch space,
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
    # feasible iff all c_i / s >= -tol and all w_j / s <= tol: for s > 0 that is hi <= tol s,
    # for s < 0 it is lo >= tol s (hi >= -s / k > tol s then, so never both)
    np.multiply(s, tol, out=buf)
    # the weights alone rule out most systems (their signs differ): the replies are tested
    # on the others only, gathered, where fewer than 40% remain; else on the whole block
    found = _replies_of_candidates(up, lv, t0, t1, hi, lo, buf) if up is not None and k > 1 \
        else None
    if found is None:
        if up is not None:
            _replies_dense(up.stacked(), lv.up_signed[:, t0:t1], hi, lo, buf)  # buf: scratch
            np.multiply(s, tol, out=buf)
        ok = hi <= buf
        ok |= lo >= buf
        flat = np.flatnonzero(ok)
        found = hi.ravel().take(flat), lo.ravel().take(flat), flat
    hi, lo, flat = found
    it, rest = np.divmod(flat, size // shape[0])  # rest = rank of I * N + game
    it += t0
    return _finish(it, rest, s.ravel().take(flat), hi, lo)


def _finish(it: np.ndarray, rest: np.ndarray, s: np.ndarray, hi: np.ndarray,
            lo: np.ndarray, feasible: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """The feasible systems' ranks, sums and ``near`` flags (:func:`_feasible`), singular
    systems dropped, and those not ``feasible`` where that mask is given."""
    closest = np.where(s > 0, hi, -lo)
    scale = np.abs(s)
    near = closest >= -(NEAR_REL * scale + NEAR_ABS)
    regular = scale > SINGULAR  # tested on the few feasible systems only
    if feasible is not None:
        regular &= feasible
    return (it, rest, s, near) if regular.all() else _rows_where(regular, it, rest, s, near)


def _replies_dense(up_pm: np.ndarray, signed: np.ndarray, hi: np.ndarray, lo: np.ndarray,
                   buf: np.ndarray) -> None:
    """Fold every reply's excess ``w_j`` (:func:`_feasible`) into ``hi`` and ``lo``."""
    for r in range(len(signed)):  # w_j = (payoff of j - payoff on T) * s
        np.take(up_pm, signed[r], axis=0, out=buf, mode="wrap")
        np.maximum(hi, buf, out=hi)
        np.minimum(lo, buf, out=lo)


def _replies_of_candidates(up: _Replies, lv: _Level, t0: int, t1: int, hi: np.ndarray,
                           lo: np.ndarray, ts: np.ndarray) -> tuple | None:
    """:func:`_feasible`'s test of the replies on the systems ``T`` in ``[t0, t1)`` whose
    weights pass it.

    ``ts = tol * s``; ``hi`` and ``lo`` hold the weights' extremes.  The replies only raise
    ``hi`` and lower ``lo``, so a system the weights fail fails whole.  Returns the feasible
    systems' ``hi`` and ``lo`` and their flat positions in the block: the same numbers as
    testing every system (maxima, minima and signs are exact); ``None`` where more than
    ``DENSE_SHARE`` pass, and the block is cheaper tested whole.
    """
    ok = hi <= ts
    ok |= lo >= ts
    flat = np.flatnonzero(ok)
    if len(flat) > DENSE_SHARE * ok.size:
        return None
    h, low, t = hi.ravel().take(flat), lo.ravel().take(flat), ts.ravel().take(flat)
    per_t = ok[0].size
    _with_replies(up, lv, t0, t1, per_t, *np.divmod(flat, per_t), h, low)
    keep = h <= t
    keep |= low >= t
    return _rows_where(keep, h, low, flat)


def _with_replies(up: _Replies, lv: _Level, t0: int, t1: int, per_t: int, t_of: np.ndarray,
                  rest: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> None:
    """Fold the replies' excesses ``w_j`` of the systems ``(T, I, game)`` at ``t_of`` (rank of
    ``T`` minus ``t0``) and ``rest`` (rank of ``I * N`` + game) into ``hi`` and ``lo``; a
    block's ``T`` have ``per_t`` systems each."""
    values = up.minors.reshape(-1)
    rank, sign = lv.up_rank[t0:t1], lv.up_sign[t0:t1]
    for r in range(rank.shape[1]):
        v = values.take((rank[:, r] * per_t).take(t_of) + rest)
        v *= sign[:, r].take(t_of)
        np.maximum(hi, v, out=hi)
        np.minimum(lo, v, out=lo)



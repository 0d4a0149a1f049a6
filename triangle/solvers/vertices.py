"""Vertices of the best-response polyhedra of many bimatrix games at once, in pure numpy.

The kernels of the batched engine (:mod:`triangle.solvers.batched`, whose module doc states
the mathematics): for one side of a stack of games, ``C`` of shape ``(N, p, q)`` (the row
player's strategies ``x`` against the column payoffs ``B``, or ``y`` against ``A^T``), the
vertices of ``{z in simplex, C^T z <= w}`` that solve the systems ``(I, T)`` of one size
``k``: ``z`` on the support ``I`` makes the ``k`` columns ``T`` indifferent (von Stengel
2007, sect. 3.4).

* :func:`_next_minors` builds, by Laplace expansion, the minors of the payoff-difference
  matrices (:func:`_column_differences`) for every index set of the next size, games on the
  last (contiguous) axis;
* :func:`triangle.solvers.feasible._feasible_systems` tests every system's feasibility on
  those tables alone (Cramer's rule);
* :func:`_solved_systems` solves the feasible systems a caller reads and labels their
  vertices (zero weights, pure best responses) as bit sets.

numpy's reductions over a short last axis (``sum``, ``max``, ``all`` over a few columns)
cost about ten times a column operation, so the row helpers here work column by column, in
the order numpy would add; no BLAS call is made (its threads would compete with the other
core's work).  Every floating-point operation of a test is the one of testing all systems
at once: the results do not depend on the block or chunk sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations
from math import comb

import numpy as np

__all__: list[str] = []

#: Entries of a table computed together (a block that stays in cache between passes).
DENSE_BLOCK = 1 << 15


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
    sup_bits: np.ndarray  # (nI,) the sets I as int64 bit sets
    up_signed: np.ndarray  # (q-k, nT) up_rank, plus binom(q, k+1) where up_sign < 0
    last_pair: np.ndarray  # (nT,) rank of (T_0, T_last) among pairs of columns (k >= 2)


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
                  (np.int64(1) << _combos(p, k)[0].astype(np.int64)).sum(axis=1),
                  (up_rank + comb(q, k + 1) * (up_sign < 0)).T.copy(),
                  _pair_rank(q, tight[:, 0], tight[:, -1]))


def _pair_rank(q: int, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
    """Rank of the pairs ``j0 < j1`` of ``range(q)`` in lexicographic order (0 where
    ``j0 == j1``, a size-1 set, which has no pair)."""
    rank = j0 * (2 * q - j0 - 1) // 2 + (j1 - j0 - 1)
    return np.where(j1 > j0, rank, 0).astype(np.intp)


def _column_differences(C: np.ndarray) -> np.ndarray:
    """``D[r, s, g] = C[g, s, j1] - C[g, s, j0]`` for every pair of columns ``j0 < j1``
    (``r`` its rank, :func:`_pair_rank`), games on the last (contiguous) axis: the rows of
    every payoff-difference matrix (:func:`_next_minors`), computed once for all levels."""
    by_column = np.ascontiguousarray(C.transpose(2, 1, 0))  # (q, p, N), games innermost
    q = len(by_column)
    out = np.empty((q * (q - 1) // 2, *by_column.shape[1:]))
    start = 0
    for j0 in range(q - 1):  # the pairs (j0, j0 + 1), ..., (j0, q - 1): a run of ranks
        np.subtract(by_column[j0 + 1 :], by_column[j0], out=out[start : start + q - 1 - j0])
        start += q - 1 - j0
    return out


def _next_minors(D: np.ndarray, M: np.ndarray, lv: _Level, k: int) -> np.ndarray:
    """Minors for indifference sets of size ``k`` from those of size ``k - 1``.

    ``D``: the column differences of the games (:func:`_column_differences`).  Returns
    ``out[T, S, g] = det(D_T[:, S])`` with ``D_T[r, s] = C[g, s, T_r] - C[g, s, T_0]`` for
    ``r = 1..k-1`` and ``S`` a ``(k-1)``-set of rows, by Laplace expansion along the last row.
    """
    diff = D.take(lv.last_pair, axis=0)  # (nT, p, N): the last row
    if k % 2:  # Laplace sign (-1)^(k-2+t): negating each term is exact, and cheaper here
        np.negative(diff, out=diff)
    nT, nS, N = len(lv.tight), len(lv.s_elem), D.shape[2]
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


def _solved_systems(C: np.ndarray, M: np.ndarray, lv: _Level, tol: float, it: np.ndarray,
                    rest: np.ndarray, s: np.ndarray) -> tuple[tuple, np.ndarray]:
    """The vertices of the feasible systems (``it``: rank of ``T``; ``rest``: rank of ``I`` *
    ``N`` + game) with their sums ``s``: game, ranks of ``T`` and ``I``, ``z``, its pure best
    responses, and both as bit sets (zero weights, best responses); and the mask of the
    vertices kept: those where every column of ``T`` is a best response (a tiny ``s`` leaves
    the solution inexact)."""
    N, p, q = C.shape
    k = lv.sup.shape[1]
    g, ii, rows, zi = _weights(M, lv, tol, it, rest, s, N)
    G = C.reshape(N * p, q).take(g[:, None] * p + rows, axis=0)  # (K, k, q): rows of I
    pay = G[:, 0] * zi[:, :1]  # z^T C, term by term in the order of a contraction over I
    for i in range(1, k):
        pay += G[:, i] * zi[:, i : i + 1]
    br = pay >= _row_max(pay)[:, None] - tol
    br_bits = _bits(br, 0)
    tight = lv.tight_bits.take(it)
    keep = (br_bits & tight) == tight
    z = np.zeros((len(g), p))
    z.ravel()[(np.arange(len(g)) * p)[:, None] + rows] = zi
    support = (np.int64(1) << rows) * (zi > tol)  # bits of the rows played
    played = support[:, 0].copy()
    for i in range(1, k):
        played |= support[:, i]
    zero_bits = ((1 << p) - 1) ^ played
    return (g, it, ii, z, br, zero_bits, br_bits), keep


def _weights(M: np.ndarray, lv: _Level, tol: float, it: np.ndarray, rest: np.ndarray,
             s: np.ndarray, N: int) -> tuple[np.ndarray, ...]:
    """The weights ``z_I = c / s`` of the systems (Cramer's rule), weights below ``tol`` set to
    0 and the rest renormalised; with the game, the rank of ``I`` and the rows ``I``."""
    ii, g = np.divmod(rest, N)
    # c_i = (-1)^i M[T, I minus i, g], gathered by flat index (cheaper than a 3-D fancy index)
    at = lv.sup_minus.take(ii, axis=0)
    at += (it * M.shape[1])[:, None]
    at *= N
    at += g[:, None]
    zi = M.ravel().take(at)
    zi /= s[:, None]
    np.negative(zi[:, 1::2], out=zi[:, 1::2])  # the signs (-1)^i: exact, in either order
    # weights below tol set to 0, as :func:`~triangle.solvers.tolerance.clean` does, without
    # branches (a masked copy costs four times as much); + 0.0 turns the -0.0 of a negative
    # weight into 0.0 and leaves every other number as it is
    zi *= zi >= tol
    zi += 0.0
    zi /= _row_sum(zi)[:, None]
    return g, ii, lv.sup.take(ii, axis=0), zi


def _labels_of(C: np.ndarray, g: np.ndarray, z: np.ndarray, tol: float) -> tuple:
    """Pure best responses (bits over the columns) and zero weights (bits over the rows) of
    the strategies ``z`` (rows, whole) in games ``g`` of ``C``: the labels
    :func:`_solved_systems` gives the same vertex, bit for bit (its payoffs add the same
    nonzero terms in the same order; the others are zeros)."""
    p = C.shape[1]
    pay = C[:, 0].take(g, axis=0) * z[:, :1]  # row by row, each a contiguous gather
    term = np.empty_like(pay)  # one buffer: a fresh one each row would cost page faults
    for i in range(1, p):
        C[:, i].take(g, axis=0, out=term)
        term *= z[:, i : i + 1]
        pay += term
    br = pay >= _row_max(pay)[:, None] - tol
    return _bits(br, 0), ((1 << p) - 1) ^ _bits(z > tol, 0)


def _set_bits(words: np.ndarray) -> np.ndarray:
    """Positions of the set bits of a ``uint64`` array, bit ``b`` of word ``w`` (flat) at
    ``64 w + b``, in increasing order.  Only the nonzero bytes are unpacked (the words are
    read little-endian), and numpy finds the nonzero entries of a boolean array several
    times faster than those of any other."""
    data = np.ascontiguousarray(words).reshape(-1).astype("<u8", copy=False).view(np.uint8)
    at = np.flatnonzero(data != 0)
    # unpacked flat: along an axis numpy unpacks row by row, ten times slower for bytes
    bits = np.unpackbits(data.take(at), bitorder="little").view(bool)
    hit = np.flatnonzero(bits)
    return (at * 8).take(hit >> 3) + (hit & 7)


def _packed_rows(bits: np.ndarray) -> np.ndarray:
    """``np.packbits(bits, axis=-1, bitorder="little")`` as ``uint64`` words, for a boolean
    array whose last axis holds a multiple of 64 entries: its rows are whole words, so one
    flat pass packs them (up to three times faster than numpy's packing along an axis)."""
    words = np.packbits(np.ascontiguousarray(bits).reshape(-1), bitorder="little")
    return words.view(np.uint64).reshape(*bits.shape[:-1], bits.shape[-1] // 64)


def _rows_where(mask: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """``tuple(a[mask] for a in arrays)`` with one scan of the mask: numpy scans a boolean
    index anew for every array, and takes rows by position several times faster."""
    at = np.flatnonzero(mask)
    return tuple(a.take(at, axis=0) for a in arrays)


def _row_sum(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1)`` for a few columns, adding them left to right as numpy does; numpy's
    reductions over a short last axis cost ~10x more than one column operation each."""
    out = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        out += a[:, j]
    return out


def _row_count(*masks: np.ndarray) -> np.ndarray:
    """True entries per row of the boolean ``(K, L)`` masks together, column by column."""
    out = np.zeros(len(masks[0]), dtype=np.intp)
    for mask in masks:
        for j in range(mask.shape[1]):
            out += mask[:, j]
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

"""Weak dominance by pure strategies, for the admissible (perfect) equilibria.

In two-player games the perfect equilibria are exactly the equilibria in undominated
strategies (van Damme 1991, Thm 3.2.2).  Dominance is tested by pure strategies only, a
documented simplification: a strategy dominated only by a mixture is kept.  The test reads
payoffs in each player's unit (:mod:`triangle.solvers.tolerance`).

>>> import numpy as np
>>> A = np.array([[[1.0, 1.0], [1.0, 0.0]]])  # row 1 weakly dominated by row 0
>>> dom_T, dom_P = weakly_dominated(A, np.zeros((1, 2, 2)))
>>> dom_T.tolist(), dom_P.tolist()
([[False, True]], [[False, False]])
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.tolerance import TOL, in_units


def weakly_dominated(A: np.ndarray, B: np.ndarray,
                     unit: tuple[np.ndarray, np.ndarray] | None = None,
                     tol: float = TOL) -> tuple[np.ndarray, np.ndarray]:
    """Pure strategies weakly dominated by another pure strategy, per game.

    Row ``i`` is dominated by row ``k`` when ``A[k] >= A[i] - tol`` everywhere and
    ``A[k] > A[i] + tol`` somewhere, in the row player's unit (and likewise for the columns
    of ``B``).  Returns masks of shape ``(n, k)`` for the row player and ``(n, l)`` for the
    column player.
    """
    ua, ub = (None, None) if unit is None else unit

    def dominated(P: np.ndarray) -> np.ndarray:  # rows of P dominated by another row
        n, k, l_ = P.shape
        # each pair of rows once, lo < hi: d = P[hi] - P[lo], and P[lo] - P[hi] = -d exactly,
        # so the least and largest d over the columns decide both directions
        lo, hi = np.triu_indices(k, 1)
        columns = np.ascontiguousarray(P.transpose(2, 1, 0))  # (l, k, n): games contiguous
        least = np.full((lo.size, n), np.inf)
        most = np.full((lo.size, n), -np.inf)
        for j in range(l_):  # column by column: numpy reduces a short axis slowly
            d = columns[j, hi] - columns[j, lo]
            np.minimum(least, d, out=least)
            np.maximum(most, d, out=most)
        lo_dominated = (least >= -tol) & (most > tol)
        hi_dominated = (most <= tol) & (least < -tol)
        out = np.zeros((k, n), dtype=bool)
        for p in range(lo.size):
            out[lo[p]] |= lo_dominated[p]
            out[hi[p]] |= hi_dominated[p]
        return np.ascontiguousarray(out.T)

    return dominated(in_units(A, ua)), dominated(np.swapaxes(in_units(B, ub), 1, 2))


def uses_dominated(x: np.ndarray, y: np.ndarray, dom_T: np.ndarray, dom_P: np.ndarray
                   ) -> np.ndarray:
    """Per game and slot: whether the equilibrium puts weight on a dominated strategy."""
    return (np.einsum("gsi,gi->gs", x, dom_T.astype(float)) > 0) | (
        np.einsum("gsj,gj->gs", y, dom_P.astype(float)) > 0)


def mask_patterns(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean ``(n, L)`` mask and each row's pattern number:
    ``np.unique(mask, axis=0, return_inverse=True)``, in its (lexicographic) order.

    Rows are packed into integers, first column most significant (``L <= 62``), so the
    sort is of ``n`` integers instead of ``n`` byte strings.

    >>> mask_patterns(np.array([[True, False], [False, True], [True, False]]))[1].tolist()
    [1, 0, 1]
    """
    L = mask.shape[1]
    weights = np.int64(1) << np.arange(L - 1, -1, -1, dtype=np.int64)
    _, first, which = np.unique(mask.astype(np.int64) @ weights, return_index=True,
                                    return_inverse=True)
    return mask[first], which.reshape(-1)

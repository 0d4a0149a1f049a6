"""Degeneracy and connected sets of equilibria of one game.

Degeneracy (von Stengel 2002: some mixed strategy with support size ``k`` has more than
``k`` pure best responses) is looked for at every pure strategy and at every equilibrium
found.  In degenerate games the equilibria may form continua; the extreme equilibria are
grouped into connected sets by Jansen's (1981) interchangeability criterion: ``(x1, y1)``
and ``(x2, y2)`` lie in one convex Nash subset when ``(x1, y2)`` and ``(x2, y1)`` are also
equilibria (Millham 1974).

>>> import numpy as np
>>> A, B = np.ones((2, 2)), np.array([[2.0, 0.0], [0.0, 1.0]])
>>> eqs = [(np.array([1.0, 0]), np.array([1.0, 0])), (np.array([1 / 3, 2 / 3]), np.array([1.0, 0]))]
>>> connected_sets(A, B, eqs)
[[0, 1]]
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.tolerance import TOL, best_replies_hold, in_units, near_best, ties


def is_degenerate(A: np.ndarray, B: np.ndarray, equilibria: list,
                  unit: tuple[float, float] | None = None, tol: float = TOL) -> bool:
    """Degeneracy visible at a pure strategy or at one of the given equilibria."""
    ua, ub = (None, None) if unit is None else (np.array([unit[0]]), np.array([unit[1]]))
    A, B = in_units(np.asarray(A, float)[None], ua)[0], in_units(np.asarray(B, float)[None], ub)[0]
    if ties(A[None], 1, tol)[0] or ties(B.T[None], 1, tol)[0]:
        return True
    for x, y in equilibria:
        if near_best(A @ y, -1, tol).sum() > (y > 0).sum():
            return True
        if near_best(x @ B, -1, tol).sum() > (x > 0).sum():
            return True
    return False


def connected_sets(A: np.ndarray, B: np.ndarray, equilibria: list,
                   unit: tuple[float, float] | None = None, tol: float = TOL) -> list:
    """Group equilibria into convex Nash subsets by interchangeability (Jansen 1981).

    Returns a list of lists of indices; a group with more than one member spans a continuum.
    Groups are chained transitively, so a group is a connected union of convex sets.
    """
    n = len(equilibria)
    parent = list(range(n))
    if n < 2:
        return [[i] for i in range(n)]
    # every cross pair (x_a, y_b) checked at once: one batch of n^2 profiles, not n^2 calls
    X = np.array([x for x, _ in equilibria], dtype=float)
    Y = np.array([y for _, y in equilibria], dtype=float)
    u = None if unit is None else (np.array([unit[0]]), np.array([unit[1]]))
    cross = best_replies_hold(np.asarray(A, float)[None], np.asarray(B, float)[None],
                              np.repeat(X, n, axis=0)[None], np.tile(Y, (n, 1))[None], u,
                              tol)[0].reshape(n, n)  # cross[a, b]: (x_a, y_b) is one

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a in range(n):
        for b in range(a + 1, n):
            if cross[a, b] and cross[b, a]:
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())

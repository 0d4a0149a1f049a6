"""nashpy's two enumeration methods, built from nashpy's own functions without its idle work.

nashpy 0.0.43 (Knight & Campbell 2018) spends most of its time on work whose result it
never uses; these generators run the same functions on the same inputs, in the same order,
and yield exactly what ``nashpy.Game.support_enumeration`` and
``nashpy.Game.vertex_enumeration`` yield (the tests compare the two on seeded random and
degenerate games and on the model's meta-games, array for array):

* **Vertex enumeration** (von Stengel 2007, Algorithm 3.5) pairs every vertex of the row
  player's best-response polytope ``P = {x >= 0 : B'x <= 1}`` with every vertex of the
  column player's ``Q = {y >= 0 : Ay <= 1}`` and keeps the completely labelled pairs.  nashpy
  recomputes ``Q`` (a linear program for an interior point, then Qhull's halfspace
  intersection, then the labels of every vertex) once *for each vertex of* ``P``: about 90
  times on the flagship's degenerate 8x8 meta-games, whose polytopes have about 90
  vertices each.  Here ``Q`` is computed once, on first need (so that a game whose ``P`` has
  no vertex fails, or not, exactly as in nashpy).
* **Support enumeration** (von Stengel 2007, Algorithm 3.4) with ``non_degenerate=False``
  tries all ``(2^k - 1)(2^l - 1)`` pairs of non-empty supports, but its indifference system
  for supports of sizes ``a`` and ``b`` has ``n + a - b`` equations in ``n`` unknowns and
  ``numpy.linalg.solve`` refuses any system that is not square: nashpy's
  ``solve_indifference`` catches the ``LinAlgError`` and rejects the pair.  Only the pairs
  of equal size, ``C(k + l, k) - 1`` of them (923 of 3,969 at 6x6), can yield anything, and
  only they are tried here, in nashpy's order and with nashpy's tolerance.

>>> import numpy as np
>>> A, B = np.array([[3.0, 0.0], [0.0, 2.0]]), np.array([[2.0, 0.0], [0.0, 3.0]])
>>> ours = list(vertex_enumeration(A, B))
>>> sorted((np.round(x, 9) + 0.0).tolist() for x, _ in ours)  # the battle of the sexes
[[0.0, 1.0], [0.6, 0.4], [1.0, 0.0]]
>>> import nashpy
>>> same = lambda p, q: all(np.array_equal(a, c) and np.array_equal(b, d)
...                         for (a, b), (c, d) in zip(p, q, strict=True))
>>> same(ours, nashpy.Game(A, B).vertex_enumeration())
True
>>> same(support_enumeration(A, B), nashpy.Game(A, B).support_enumeration())
True
>>> equal_size_support_pairs(6, 6), 63 * 63
(923, 3969)
"""

from __future__ import annotations

from collections.abc import Iterator
from math import comb

import numpy as np


def equal_size_support_pairs(k: int, l: int) -> int:
    """Number of pairs of non-empty supports of equal size: ``sum_s C(k, s) C(l, s)``,
    i.e. ``C(k + l, k) - 1`` (Vandermonde's identity)."""
    return comb(k + l, k) - 1


def support_enumeration(A: np.ndarray, B: np.ndarray, tol: float = 10**-16
                        ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """nashpy's support enumeration (``non_degenerate=False``) over the pairs of supports
    that can yield an equilibrium: those of equal size.

    Parameters
    ----------
    A, B : numpy.ndarray
        The row and the column player's payoffs.
    tol : float
        nashpy's tolerance of a probability on the support (``> tol``) and off it
        (``<= tol``).

    Yields
    ------
    (numpy.ndarray, numpy.ndarray)
        What ``nashpy.Game(A, B).support_enumeration(tol=tol)`` yields, in its order.
    """
    from nashpy.algorithms.support_enumeration import (
        is_ne,
        obey_support,
        potential_support_pairs,
        solve_indifference,
    )

    # non_degenerate=True only filters the pairs to equal sizes, in the same order; nashpy's
    # own flag would also set the tolerance to zero, which is why it is not used as such
    for pair in potential_support_pairs(A, B, non_degenerate=True):
        s1 = solve_indifference(B.T, *(pair[::-1]))
        s2 = solve_indifference(A, *pair)
        if obey_support(s1, pair[0], tol=tol) and obey_support(s2, pair[1], tol=tol) \
                and is_ne((s1, s2), pair, (A, B)):
            yield s1, s2


def vertex_enumeration(A: np.ndarray, B: np.ndarray
                       ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """nashpy's vertex enumeration, each best-response polytope computed once.

    Parameters
    ----------
    A, B : numpy.ndarray
        The row and the column player's payoffs (shifted to be non-negative, as nashpy does).

    Yields
    ------
    (numpy.ndarray, numpy.ndarray)
        What ``nashpy.Game(A, B).vertex_enumeration()`` yields, in its order.
    """
    from nashpy.polytope import build_halfspaces, non_trivial_vertices

    if np.min(A) < 0:
        A = A + abs(np.min(A))
    if np.min(B) < 0:
        B = B + abs(np.min(B))
    rows, dimension = A.shape
    max_label = rows + dimension
    full_labels = set(range(max_label))
    col_halfspaces = build_halfspaces(A)
    col_vertices: list | None = None
    for row_v, row_l in non_trivial_vertices(build_halfspaces(B.transpose())):
        adjusted_row_l = {(label + rows) % max_label for label in row_l}
        if col_vertices is None:  # on first need, as nashpy first builds it
            col_vertices = list(non_trivial_vertices(col_halfspaces))
        for col_v, col_l in col_vertices:
            if adjusted_row_l.union(col_l) == full_labels:
                yield row_v / sum(row_v), col_v / sum(col_v)

"""Lemke–Howson complementary pivoting with a bound on pivots (Lemke & Howson 1964).

nashpy's tableaux (Nisan et al. 2007, Algorithm 3.6) are driven by a bounded loop, since
nashpy's own unbounded loop can cycle on degenerate games and never return.  Each path
gives at most one equilibrium; the backend follows the path of every initial dropped label
and so finds some, not necessarily all, equilibria: its result is marked incomplete.  The
pure equilibria, found exactly by best replies, are added, so a game with one row or column
is always solved.

>>> import numpy as np
>>> A, B = np.array([[3.0, 0.0], [0.0, 2.0]]), np.array([[2.0, 0.0], [0.0, 3.0]])
>>> [v.tolist() for v in lemke_howson(A, B, 0)]
[[1.0, 0.0], [1.0, 0.0]]
"""

from __future__ import annotations

import warnings

import numpy as np

from triangle.solvers.batched import pure_equilibria
from triangle.solvers.result import Equilibria, padded, sort_key
from triangle.solvers.tolerance import TOL, clean, in_units, is_equilibrium, ties

#: Pivots per path; a path of a game of size k x l has at most about binom(k + l, k) steps.
MAX_PIVOTS = 1000


def lemke_howson(A: np.ndarray, B: np.ndarray, initial_dropped_label: int = 0,
                 max_pivots: int = MAX_PIVOTS) -> tuple[np.ndarray, np.ndarray] | None:
    """One equilibrium by complementary pivoting, or ``None`` past ``max_pivots`` or on failure.

    The game is solved in payoff units shifted to be positive (the tableaux need it); the
    result is cleaned and best-reply checked against ``A, B``.
    """
    from nashpy.algorithms.lemke_howson import create_col_tableau, create_row_tableau

    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            col_tableau = create_col_tableau(in_units(A) + 1.0, True)
            row_tableau = create_row_tableau(in_units(B) + 1.0, True)
            order = [row_tableau, col_tableau]
            if initial_dropped_label not in row_tableau.non_basic_variables:
                order.reverse()
            full_labels = col_tableau.labels
            entering = initial_dropped_label
            for pivot in range(max_pivots):
                entering = order[pivot % 2].pivot_and_drop_label(entering)
                labels = col_tableau.non_basic_variables | row_tableau.non_basic_variables
                if labels == full_labels:
                    x = clean(row_tableau.to_strategy(col_tableau.non_basic_variables))
                    y = clean(col_tableau.to_strategy(row_tableau.non_basic_variables))
                    break
            else:
                return None
    except Exception:  # a failed path is a path without an equilibrium
        return None
    if x is None or y is None or x.shape != (A.shape[0],) or y.shape != (A.shape[1],):
        return None
    return (x, y) if is_equilibrium(A, B, x, y) else None


def solve(A: np.ndarray, B: np.ndarray, unit: tuple[np.ndarray, np.ndarray] | None = None
          ) -> Equilibria:
    """Registry entry: the equilibria reached from every initial dropped label; incomplete.

    ``unit`` is accepted for the common signature; pivoting reads the payoff ranges.
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    n, k, m = A.shape
    per_game = []
    pure = pure_equilibria(A, B, TOL, unit)
    eye_k, eye_m = np.eye(k), np.eye(m)
    for g in range(n):
        found: list = [(eye_k[i], eye_m[j]) for i, j in zip(*np.nonzero(pure[g]), strict=True)]
        for label in range(k + m):
            eq = lemke_howson(A[g], B[g], label)
            if eq is not None and not any(np.allclose(eq[0], fx, atol=1e-7)
                                          and np.allclose(eq[1], fy, atol=1e-7)
                                          for fx, fy in found):
                found.append(eq)
        per_game.append(sorted(found, key=sort_key))
    x, y, valid = padded(per_game, k, m)
    degenerate = ties(in_units(A), 1, TOL) | ties(np.swapaxes(in_units(B), 1, 2), 1, TOL)
    return Equilibria(x, y, valid, degenerate, "Lemke-Howson (bounded, every label)",
                      np.zeros(n, dtype=bool))

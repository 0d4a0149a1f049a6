"""Nash equilibria of the meta-game: one entry point over the registered solvers.

:func:`solve_batch` dispatches to a solver of :mod:`triangle.solvers.registry`; the names
below are re-exported from the modules that own them, so that ``triangle.solvers.equilibria``
stays the one place to import from.

>>> import numpy as np
>>> eqs = game_equilibria(np.array([[3., 0.], [0., 2.]]), np.array([[2., 0.], [0., 3.]]))
>>> len(eqs.equilibria), eqs.degenerate
(3, False)
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.components import connected_sets, is_degenerate
from triangle.solvers.dominance import uses_dominated, weakly_dominated
from triangle.solvers.lemke_howson import lemke_howson
from triangle.solvers.reference import game_equilibria
from triangle.solvers.registry import solve
from triangle.solvers.result import Equilibria, GameEquilibria
from triangle.solvers.tolerance import TOL, best_replies_hold, clean, is_equilibrium, near_best

#: The one result type under its earlier name.
EquilibriumBatch = Equilibria

__all__ = ["TOL", "Equilibria", "EquilibriumBatch", "GameEquilibria", "best_replies_hold",
           "clean", "connected_sets", "game_equilibria", "is_degenerate", "is_equilibrium",
           "lemke_howson", "near_best", "solve_batch", "uses_dominated", "weakly_dominated"]


def solve_batch(A: np.ndarray, B: np.ndarray, backend: str = "batched",
                unit: tuple[np.ndarray, np.ndarray] | None = None) -> Equilibria:
    """Equilibria of many games ``A, B`` of shape ``(n, k, l)`` with the named solver.

    ``unit``: each player's payoff unit per game (:mod:`triangle.solvers.tolerance`).
    """
    return solve(A, B, backend, unit)

"""The equilibrium solvers by name, with what each can promise.

Every solver is one module with one entry point ``solve(A, B, unit=None) -> Equilibria``:
``A, B`` of shape ``(n, k, l)`` (the payoffs of ``n`` games), ``unit`` each player's payoff
unit per game (:mod:`triangle.solvers.tolerance`).  Selection code, the command line's
``--solver`` choices, the scenario key ``solver.backend`` and the docs read the names and
capabilities from here.  Entry points are imported on first use, so reading the registry
costs nothing (nashpy pulls in scipy).

>>> backends()
('nashpy', 'batched', 'admissible')
>>> SOLVERS["lemke_howson"].complete
False
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import numpy as np


@dataclass(frozen=True)
class Solver:
    """One equilibrium method and its capabilities.

    Attributes
    ----------
    name : str
        The name users give (``--solver``, ``solver.backend``).
    module : str
        The module whose ``solve`` is the entry point.
    summary : str
        One line for help texts and docs.
    complete : bool
        Lists every extreme equilibrium (of the set it promises) of every finite game.
    admissible_only : bool
        Returns only the equilibria in undominated strategies (all, where none is).
    reports_continua : bool
        In a degenerate game, returns the extreme points of each continuum (so connected
        sets can be formed), not merely some point of it.
    backend : bool
        Offered as a backend for reports (``--solver``, ``solver.backend``).
    """

    name: str
    module: str
    summary: str
    complete: bool
    admissible_only: bool
    reports_continua: bool
    backend: bool = True

    @property
    def solve(self) -> Callable:
        """The entry point ``solve(A, B, unit=None) -> Equilibria``."""
        return import_module(self.module).solve


SOLVERS: dict[str, Solver] = {s.name: s for s in (
    Solver("nashpy", "triangle.solvers.reference",
           "reference: nashpy's support and vertex enumeration, united with the batched "
           "engine's set and marked by source", True, False, True),
    Solver("batched", "triangle.solvers.break_split",
           "all extreme equilibria of many games at once (numpy)", True, False, True),
    Solver("admissible", "triangle.solvers.admissible",
           "the admissible equilibria only, on games reduced by dominance; fastest",
           True, True, True),
    Solver("lemke_howson", "triangle.solvers.lemke_howson",
           "Lemke-Howson from every label, bounded pivots: some equilibria, never hangs",
           False, False, False, backend=False),
)}


def backends() -> tuple[str, ...]:
    """Names offered for reports, in registry order."""
    return tuple(s.name for s in SOLVERS.values() if s.backend)


def get(name: str) -> Solver:
    """The solver called ``name``; ``ValueError`` naming the choices otherwise."""
    try:
        return SOLVERS[name]
    except KeyError:
        raise ValueError(f"unknown solver backend {name!r}; use one of "
                         f"{', '.join(repr(n) for n in SOLVERS)}") from None


def solve(A: np.ndarray, B: np.ndarray, name: str,
          unit: tuple[np.ndarray, np.ndarray] | None = None):
    """Equilibria of the games ``A, B`` (``(n, k, l)``) with the solver ``name``."""
    return get(name).solve(np.asarray(A, dtype=float), np.asarray(B, dtype=float), unit)

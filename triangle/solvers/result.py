"""The one result type of every equilibrium solver: equilibria of ``n`` games, padded.

Also the per-game view the reports use (:class:`GameEquilibria`) and the sort order of
equilibria (pure first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triangle.common import rows
from triangle.common.rows import PER_POINT


@dataclass(frozen=True)
class Equilibria:
    """Equilibria of ``n`` games of size ``k x l``, padded to ``K`` slots per game.

    Attributes
    ----------
    x : numpy.ndarray, shape (n, K, k)
        Row player's mixed strategies (zero in invalid slots).
    y : numpy.ndarray, shape (n, K, l)
        Column player's mixed strategies (zero in invalid slots).
    valid : numpy.ndarray of bool, shape (n, K)
        Which slots hold an equilibrium; valid slots come first.
    degenerate : numpy.ndarray of bool, shape (n,)
        Degeneracy detected (von Stengel 2002): the equilibria may form a continuum, of
        which the extreme points are listed.
    method : str
        The solver and its methods.
    complete : numpy.ndarray of bool, shape (n,), optional
        Whether the slots are guaranteed to hold every extreme equilibrium the solver
        promises (all of them, or all admissible ones).  ``False`` where a method could not
        guarantee it (a bounded Lemke–Howson, say).  Default: all ``True``.
    source : numpy.ndarray of str, shape (n, K), optional
        Which method found each equilibrium (the nashpy backend unions its methods with the
        batched engine and marks each equilibrium by source).
    games : tuple of GameEquilibria
        Per-game records with components and notes, where a solver keeps them.
    """

    x: np.ndarray
    y: np.ndarray
    valid: np.ndarray
    degenerate: np.ndarray
    method: str = ""
    complete: np.ndarray | None = None
    source: np.ndarray | None = None
    games: tuple = field(default=(), metadata=PER_POINT)

    def __post_init__(self) -> None:
        if self.complete is None:
            object.__setattr__(self, "complete", np.ones(self.valid.shape[0], dtype=bool))

    def count(self) -> np.ndarray:
        """Number of (extreme) equilibria per game, shape ``(n,)``."""
        return self.valid.sum(axis=1)

    def of_game(self, i: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The equilibria ``[(x, y), ...]`` of game ``i``."""
        return [(self.x[i, k], self.y[i, k]) for k in np.flatnonzero(self.valid[i])]

    def take(self, idx: np.ndarray) -> Equilibria:
        """The games ``idx`` only, per-game records included (:func:`triangle.common.rows.take`)."""
        return rows.take(self, idx)


def assemble(shape: tuple[int, int, int], pieces: list, degenerate: np.ndarray, method: str,
             complete: np.ndarray | None = None) -> Equilibria:
    """Padded arrays from ``(games, x, y, valid)`` pieces; a later piece replaces the rows of
    an earlier one for the same games."""
    n, k, m = shape
    width = max([1] + [piece[3].shape[1] for piece in pieces])
    X, Y = np.zeros((n, width, k)), np.zeros((n, width, m))
    valid = np.zeros((n, width), dtype=bool)
    for games, x, y, ok in pieces:
        w = ok.shape[1]
        X[games], Y[games], valid[games] = 0.0, 0.0, False
        X[games, :w], Y[games, :w], valid[games, :w] = x, y, ok
    return Equilibria(X, Y, valid, degenerate, method, complete)


def padded(per_game: list[list[tuple[np.ndarray, np.ndarray]]], k: int, m: int) -> tuple:
    """Padded ``(x, y, valid)`` arrays from one list of equilibria per game."""
    n = len(per_game)
    width = max([1] + [len(eqs) for eqs in per_game])
    x, y = np.zeros((n, width, k)), np.zeros((n, width, m))
    valid = np.zeros((n, width), dtype=bool)
    for g, eqs in enumerate(per_game):
        for e, (xe, ye) in enumerate(eqs):
            x[g, e], y[g, e], valid[g, e] = xe, ye, True
    return x, y, valid


def sort_key(eq: tuple[np.ndarray, np.ndarray]) -> tuple:
    """Pure equilibria first (smallest supports), then lexicographically."""
    x, y = eq
    support = int((x > 0).sum() + (y > 0).sum())
    return (support, tuple(-np.round(x, 9)), tuple(-np.round(y, 9)))


@dataclass(frozen=True)
class GameEquilibria:
    """All equilibria found for one bimatrix game and how they were found.

    Attributes
    ----------
    equilibria : list of (x, y)
        Verified equilibria (in the order of the solver's slots).
    degenerate : bool
        Whether degeneracy was detected; then the set may be a continuum.
    components : list of list of int
        Connected convex Nash subsets (indices into ``equilibria``).
    method : str
        The backend and methods used.
    notes : tuple of str
        What the cross-checks found (e.g. an equilibrium one nashpy method missed).
    sources : tuple of str
        Which method found each equilibrium, where the solver says.
    """

    equilibria: list
    degenerate: bool
    components: list
    method: str
    notes: tuple = field(default=())
    sources: tuple = field(default=())

    @property
    def continuum(self) -> bool:
        """Whether some connected set holds more than one extreme equilibrium."""
        return any(len(c) > 1 for c in self.components)

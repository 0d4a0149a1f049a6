"""The admissible equilibria only, by the batched engine on games reduced by dominance.

Each game is reduced by deleting its weakly dominated pure strategies
(:func:`~triangle.solvers.dominance.weakly_dominated`).  Weak dominance by pure strategies is
a strict partial order, so every deleted strategy is dominated by a kept one and is never a
better reply than it: the equilibria of the reduced game are exactly the admissible
equilibria of the whole game, continua included (the admissible part of a Nash component is
a face of it, so its extreme points are extreme points of the whole game; van Damme 1991,
Thm 3.2.2 for admissible = perfect in two-player games).  Far cheaper than the full
enumeration when strategies that break at once make every game degenerate: they are
usually dominated.

In polyhedral terms (von Stengel 2007, sect. 3.4): if row ``i`` is dominated by a kept row
``j``, ``A_j >= A_i``, the constraint ``A_i y <= u`` is implied by ``A_j y <= u`` on
``y >= 0``, so deleting it leaves the column player's best-response polyhedron and its
vertices unchanged, and a vertex tight on ``i`` is tight on ``j`` too.  The whole
enumeration takes a constraint as tight within the tolerance, so where ``A_j`` exceeds
``A_i`` by less than it on the support, it can also return a near-twin of a vertex: the
solution with ``i`` tight in place of ``j``, at which ``j`` beats the equilibrium payoff by
less than the tolerance.  Such a twin is an equilibrium only to tolerance and is not
returned here; compare the two results by distance, not digit by digit
(``tests/test_admissible.py``: a flagship game with twins ``3.7e-8`` apart).

>>> import numpy as np
>>> A = np.array([[[1.0, 1.0], [1.0, 0.0]]])  # row 1 weakly dominated; columns indifferent
>>> eq = solve(A, np.zeros_like(A))
>>> [(x.tolist(), y.tolist()) for x, y in eq.of_game(0)]
[([1.0, 0.0], [0.0, 1.0]), ([1.0, 0.0], [1.0, 0.0])]
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.break_split import equilibria
from triangle.solvers.dominance import mask_patterns, uses_dominated, weakly_dominated
from triangle.solvers.result import Equilibria, assemble
from triangle.solvers.tolerance import TOL, games_in_units, replies_hold_in_units, ties


def _units_of(unit: tuple[np.ndarray, np.ndarray] | None, games: np.ndarray):
    return None if unit is None else (np.asarray(unit[0])[games], np.asarray(unit[1])[games])


def solve(A: np.ndarray, B: np.ndarray, unit: tuple[np.ndarray, np.ndarray] | None = None,
          tol: float = TOL) -> Equilibria:
    """The admissible equilibria of each game ``A, B`` (``(n, k, l)``); all, where none is.

    Each equilibrium of a reduced game is still checked against the whole game; where one
    fails (it cannot, up to round-off) or none is found, the whole game is solved and its
    admissible equilibria kept.  ``degenerate`` reports the whole game's ties at pure
    strategies.
    """
    # one unit for the reduced and the whole game, so every test reads the same numbers
    A, B = games_in_units(A, B, unit)
    n, k, m = A.shape
    ones = (np.ones(n), np.ones(n))
    dom_T, dom_P = weakly_dominated(A, B, ones, tol)
    # a strategy is never dominated by itself, so some strategy always survives; guard anyway
    dom_T[dom_T.all(axis=1)] = False
    dom_P[dom_P.all(axis=1)] = False
    keys, which = mask_patterns(np.concatenate([dom_T, dom_P], axis=1))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    fallback = np.zeros(n, dtype=bool)
    for p, key in enumerate(keys):  # one reduced shape per pattern of dominated strategies
        games = np.flatnonzero(which == p)
        rows, cols = np.flatnonzero(~key[:k]), np.flatnonzero(~key[k:])
        out = equilibria(A[games][:, rows][:, :, cols], B[games][:, rows][:, :, cols], tol,
                                 _units_of(ones, games))
        x = np.zeros((*out.x.shape[:2], k))
        y = np.zeros((*out.y.shape[:2], m))
        x[:, :, rows], y[:, :, cols] = out.x, out.y
        ok = out.valid & replies_hold_in_units(A[games], B[games], x, y, tol)  # x, y: finite
        fallback[games] = (out.valid & ~ok).any(axis=1) | ~ok.any(axis=1)
        parts.append((games, x, y, ok))
    if fallback.any():
        full = equilibria(A[fallback], B[fallback], tol, _units_of(ones, fallback))
        keep = full.valid & ~uses_dominated(full.x, full.y, dom_T[fallback], dom_P[fallback])
        keep = np.where(keep.any(axis=1, keepdims=True), keep, full.valid)  # none admissible
        parts.append((np.flatnonzero(fallback), full.x, full.y, keep))
    degenerate = ties(A, axis=1, tol=tol) | ties(np.swapaxes(B, 1, 2), axis=1, tol=tol)
    return assemble((n, k, m), parts, degenerate, "admissible (reduced games)")

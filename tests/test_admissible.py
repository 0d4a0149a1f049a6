"""The admissible backend (triangle.solvers.admissible) against the filtered whole enumeration.

The backend solves each game with its weakly dominated pure strategies deleted.  If row ``i``
is dominated by a kept row ``j`` exactly (``A_j >= A_i``), the constraint ``A_i y <= u`` of
the column player's best-response polyhedron is implied by ``A_j y <= u`` on ``y >= 0``:
deleting it changes neither the polyhedron nor its vertices, and every vertex tight on
``i`` is tight on ``j`` too (``A_i y <= A_j y <= u``), so no admissible extreme equilibrium
is lost (von Stengel 2007, sect. 3.4).  The whole enumeration, which accepts a constraint
as tight within the tolerance, can also return a *near*-vertex tight on ``i`` but not on
``j``: the solution of a system in which ``i`` stands for ``j``, exceeding ``u`` on ``j`` by
less than the tolerance.  That point is an equilibrium only to tolerance, and lies next to
the exact vertex the backend returns.  The sets are therefore compared to a distance, not
digit by digit: rounding can split a point and its near-twin across a rounding boundary.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from triangle.solvers import admissible
from triangle.solvers.batched import batched_equilibria
from triangle.solvers.dominance import weakly_dominated
from triangle.solvers.tolerance import TOL, is_equilibrium

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_break_split import SCENARIOS, scenario_games, undominated, unmatched

DATA = Path(__file__).resolve().parent / "data" / "admissible_ghost_game.json"
#: Largest distance (max norm over both strategies) at which two extreme equilibria match.
MATCH = 1e-6


def _points(eq, keep: np.ndarray, g: int) -> np.ndarray:
    return np.concatenate([eq.x[g], eq.y[g]], axis=1)[keep[g]]


def _filtered_whole(A, B, unit):
    """The whole enumeration and its admissible slots (all, where none is admissible)."""
    whole = batched_equilibria(A, B, unit=unit)
    return whole, undominated(whole, A, B, unit)


def _ghost_game():
    data = json.loads(DATA.read_text())
    A, B = np.array(data["A"]), np.array(data["B"])
    return A, B, (np.array([data["unit"][0]]), np.array([data["unit"][1]]))


def _exact_vertex(A: np.ndarray, support: list[int], tight: list[int], a: float) -> list:
    """The mix ``y`` on ``support`` making the rows ``tight`` earn exactly ``a`` (Fractions)."""
    M = [[Fraction(A[r, j]) - Fraction(a) for j in support] + [Fraction(0)] for r in tight]
    M.append([Fraction(1)] * len(support) + [Fraction(1)])
    n = len(support)
    for c in range(n):  # Gauss-Jordan elimination, exact
        p = next(r for r in range(c, n) if M[r][c] != 0)
        M[c], M[p] = M[p], M[c]
        M[c] = [v / M[c][c] for v in M[c]]
        for r in range(n):
            if r != c and M[r][c] != 0:
                M[r] = [v - M[r][c] * w for v, w in zip(M[r], M[c], strict=True)]
    y = [Fraction(0)] * A.shape[1]
    for k, j in enumerate(support):
        y[j] = M[k][n]
    return y


def test_the_flagship_game_reported_missing_is_a_tolerance_twin():
    """Flagship game 68 (``scenario_games("reverse_kissinger_2025", 200, seed=5)``).

    Against T's Realign (the constant last row, worth ``a``) P's mixes on columns
    {0, 3, 6, 7} keep Realign a best reply where no row earns more than ``a``.  T's row 6 is
    dominated by row 0 exactly, by about 1e-12 of T's unit on the support.  The exact vertex
    with rows {0, 3, 4} tight is an equilibrium, and the backend returns it.  The whole
    enumeration also returns the solution with rows {3, 4, 6} tight: 3.7e-8 away, and row 0
    earns 4e-12 units more than Realign against it, below the tolerance 1e-11.  It is not an
    equilibrium in exact arithmetic; the admissible sets agree to within ``MATCH``."""
    A, B, unit = _ghost_game()
    dom_T, dom_P = weakly_dominated(A[None], B[None], unit)
    assert np.flatnonzero(dom_T[0]).tolist() == [5, 6] and not dom_P.any()
    assert (A[0] >= A[6]).all() and (A[0] > A[6]).any()  # exactly, in the stored numbers
    assert (A[3] >= A[5]).all() and (A[3] > A[5]).any()

    a = float(A[7, 0])
    assert (A[7] == a).all()
    true = _exact_vertex(A, [0, 3, 6, 7], [0, 3, 4], a)
    twin = _exact_vertex(A, [0, 3, 6, 7], [3, 4, 6], a)

    def excess(r: int, y: list) -> Fraction:  # row r's payoff over Realign's, exactly
        return sum((Fraction(A[r, j]) - Fraction(a)) * y[j] for j in range(8))

    assert min(true) >= 0 and min(twin) >= 0
    assert all(excess(r, true) <= 0 for r in range(8))  # exact equilibrium against Realign
    assert 0 < excess(0, twin) / Fraction(unit[0][0]) < TOL  # the twin: row 0 beats Realign
    y_true, y_twin = np.array(true, dtype=float), np.array(twin, dtype=float)
    assert 1e-8 < np.abs(y_true - y_twin).max() < MATCH
    realign = np.eye(8)[7]
    assert is_equilibrium(A, B, realign, y_twin, (unit[0][0], unit[1][0]))  # to tolerance

    whole, keep = _filtered_whole(A[None], B[None], unit)
    adm = admissible.solve(A[None], B[None], unit)
    W, Ad = _points(whole, keep, 0), _points(adm, adm.valid, 0)

    def near(P, y):
        return np.abs(P - np.concatenate([realign, y])).max(axis=1).min()

    assert near(W, y_true) < 1e-9 and near(W, y_twin) < 1e-9
    assert near(Ad, y_true) < 1e-9 and near(Ad, y_twin) > 1e-8  # the exact vertex only
    assert unmatched(adm, adm.valid, whole, keep, MATCH) == []


@pytest.mark.parametrize("name", SCENARIOS)
def test_admissible_equals_filtered_whole_enumeration_on_scenarios(name):
    """300 random points of each shipped scenario (costs, rewards, concessions, counters and
    misreading rates; benchmarks/bench_break_split.py): every extreme equilibrium the
    backend returns is within ``MATCH`` of an admissible one of the whole enumeration, and
    conversely."""
    A, B, unit = scenario_games(name, 300, seed=7)
    whole, keep = _filtered_whole(A, B, unit)
    adm = admissible.solve(A, B, unit)
    assert adm.valid.any(axis=1).all()
    assert unmatched(adm, adm.valid, whole, keep, MATCH) == []


def test_the_comparison_catches_a_dropped_equilibrium(monkeypatch):
    """Flagging an undominated strategy as dominated (T's pure Realign, in the game above)
    makes the backend lose the equilibria that use it, and the comparison sees it."""
    A, B, unit = _ghost_game()

    def also_realign(*args, **kwargs):
        dom_T, dom_P = weakly_dominated(*args, **kwargs)
        dom_T[:, 7] = True
        return dom_T, dom_P

    monkeypatch.setattr(admissible, "weakly_dominated", also_realign)
    whole, keep = _filtered_whole(A[None], B[None], unit)
    adm = admissible.solve(A[None], B[None], unit)
    assert unmatched(adm, adm.valid, whole, keep, MATCH) == [0]

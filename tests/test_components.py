"""Connected sets of equilibria: Jansen's (1981) interchangeability, all pairs at once."""

import numpy as np

from triangle.solvers.batched import batched_equilibria
from triangle.solvers.components import connected_sets
from triangle.solvers.tolerance import TOL, is_equilibrium


def _pairwise(A, B, equilibria, unit=None):
    """The definition, pair by pair: ``a`` and ``b`` are joined when ``(x_a, y_b)`` and
    ``(x_b, y_a)`` are both equilibria; groups are the transitive closure."""
    n = len(equilibria)
    group = list(range(n))
    for a in range(n):
        for b in range(a + 1, n):
            (x1, y1), (x2, y2) = equilibria[a], equilibria[b]
            if is_equilibrium(A, B, x1, y2, unit) and is_equilibrium(A, B, x2, y1, unit):
                old, new = group[b], group[a]
                group = [new if g == old else g for g in group]
    out: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        out.setdefault(g, []).append(i)
    return sorted(out.values())


def test_connected_sets_follow_the_pairwise_definition_on_degenerate_games():
    """Integer payoffs 0..3 make continua common; every game's groups equal the definition's."""
    rng = np.random.default_rng(31)
    A = rng.integers(0, 4, (60, 4, 4)).astype(float)
    B = rng.integers(0, 4, (60, 4, 4)).astype(float)
    eq = batched_equilibria(A, B, TOL)
    joined = 0
    for g in range(60):
        found = list(eq.of_game(g))
        groups = sorted(connected_sets(A[g], B[g], found))
        assert groups == _pairwise(A[g], B[g], found)
        joined += any(len(c) > 1 for c in groups)
    assert joined >= 10  # the test sees continua, not only isolated equilibria


def test_a_single_equilibrium_and_none():
    A = B = np.eye(2)
    assert connected_sets(A, B, []) == []
    assert connected_sets(A, B, [(np.array([1.0, 0.0]), np.array([1.0, 0.0]))]) == [[0]]


def test_the_payoff_unit_is_used():
    """Row payoffs 1e-12 apart tie in their own range (1: below the tolerance) but not in a
    unit of 1e-3 given by the caller: the pure profiles (0, 0) and (1, 0) are
    interchangeable only in the first."""
    A = np.array([[1.0, 0.0], [1.0 - 1e-12, 0.0]])
    B = np.array([[1.0, 0.0], [1.0, 0.0]])
    eqs = [(np.array([1.0, 0.0]), np.array([1.0, 0.0])),
           (np.array([0.0, 1.0]), np.array([1.0, 0.0]))]
    assert sorted(connected_sets(A, B, eqs)) == [[0, 1]]
    assert sorted(connected_sets(A, B, eqs, unit=(1e-3, 1.0))) == [[0], [1]]

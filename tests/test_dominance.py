"""Weak dominance by pure strategies, against its definition; and the patterns of strategy
masks by which games are solved together."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from triangle.solvers.dominance import mask_patterns, weakly_dominated
from triangle.solvers.tolerance import TOL, in_units


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 62).flatmap(
    lambda L: arrays(bool, st.tuples(st.integers(1, 60), st.just(L)))))
def test_patterns_are_numpys_unique_rows_in_its_order(mask):
    """The distinct rows and each row's pattern number, exactly as ``np.unique(axis=0)``
    gives them (lexicographic order: the order in which the patterns are solved)."""
    keys, which = mask_patterns(mask)
    expected_keys, expected_which = np.unique(mask, axis=0, return_inverse=True)
    np.testing.assert_array_equal(keys, expected_keys)
    np.testing.assert_array_equal(which, expected_which.reshape(-1))
    np.testing.assert_array_equal(keys[which], mask)  # every row is its pattern


def _dominated_by_definition(P: np.ndarray) -> np.ndarray:
    """Row ``i`` of each game is dominated when some row ``r`` has ``P[r] >= P[i] - TOL``
    everywhere and ``P[r] > P[i] + TOL`` somewhere (payoffs in the player's unit)."""
    n, k, _ = P.shape
    out = np.zeros((n, k), dtype=bool)
    for g in range(n):
        for i in range(k):
            out[g, i] = any(np.all(P[g, r] >= P[g, i] - TOL) and np.any(P[g, r] > P[g, i] + TOL)
                            for r in range(k) if r != i)
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 7), st.integers(1, 7))
def test_weak_dominance_is_its_definition_for_both_players(seed, k, l_):
    """Small integer payoffs, some nudged by less and some by more than the tolerance, so
    that ties, near-ties and strict gaps all occur, in both directions of every pair."""
    rng = np.random.default_rng(seed)
    A, B = rng.integers(0, 3, size=(2, 40, k, l_)).astype(float)
    nudge = rng.choice([0.0, 0.3 * TOL, -0.3 * TOL, 3 * TOL, -3 * TOL], size=(2, 40, k, l_))
    A, B = A + 2.0 * nudge[0], B + 2.0 * nudge[1]  # 2: the payoffs' range, their unit
    dom_T, dom_P = weakly_dominated(A, B)
    np.testing.assert_array_equal(dom_T, _dominated_by_definition(in_units(A)))
    np.testing.assert_array_equal(dom_P, _dominated_by_definition(np.swapaxes(in_units(B), 1, 2)))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.integers(1, 6))
def test_weak_dominance_at_differences_of_exactly_the_tolerance(seed, k, l_):
    """Payoffs in {0, TOL, 2 TOL, 1}, each game already in its unit (least 0, largest 1), so
    that many differences are exactly ``TOL``: a tie, never a strict gain."""
    rng = np.random.default_rng(seed)
    A, B = rng.choice([0.0, TOL, 2 * TOL, 1.0], p=[0.3, 0.3, 0.3, 0.1], size=(2, 40, k, l_))
    for P in (A, B):
        P[:, 0, 0], P[:, -1, -1] = 0.0, 1.0
        np.testing.assert_array_equal(in_units(P), P)
    dom_T, dom_P = weakly_dominated(A, B)
    assert dom_T.any() and not dom_T.all()
    np.testing.assert_array_equal(dom_T, _dominated_by_definition(A))
    np.testing.assert_array_equal(dom_P, _dominated_by_definition(np.swapaxes(B, 1, 2)))

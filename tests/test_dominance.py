"""Patterns of strategy masks: the grouping by which games are solved together."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from triangle.solvers.dominance import mask_patterns


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

"""The nashpy backend's bookkeeping: matching equilibria, and the shipped scenarios' sets."""

import numpy as np
import pytest

from triangle.solvers.reference import find_pair


def _first_allclose(found, x, y, atol, rtol):
    """The definition: the first entry both of whose vectors pass ``numpy.allclose``."""
    for i, (fx, fy) in enumerate(found):
        if np.allclose(fx, x, rtol=rtol, atol=atol) and np.allclose(fy, y, rtol=rtol, atol=atol):
            return i
    return None


@pytest.mark.parametrize("atol, rtol", [(1e-7, 1e-5), (1e-7, 0.0), (1e-3, 0.0)])
def test_find_pair_is_the_first_allclose_match(atol, rtol):
    """Near-duplicates at every scale around the tolerance, including exact repeats."""
    rng = np.random.default_rng(3)
    found = [(rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(3))) for _ in range(30)]
    found += [(x + 1e-8, y) for x, y in found[:5]]  # later near-copies of earlier entries
    for _ in range(400):
        x, y = found[rng.integers(len(found))]
        dx = rng.normal(0.0, 10.0 ** rng.integers(-10, -2), x.shape)
        dy = rng.normal(0.0, 10.0 ** rng.integers(-10, -2), y.shape)
        assert find_pair(found, x + dx, y + dy, atol, rtol) == \
            _first_allclose(found, x + dx, y + dy, atol, rtol)
    assert find_pair([], found[0][0], found[0][1]) is None


def test_clean_rows_is_clean_row_by_row():
    """Bit for bit: rows that are distributions, with tiny negatives and tiny positives to
    clip, rows with a negative beyond the tolerance, non-finite rows and all-zero rows."""
    from triangle.solvers.reference import clean_rows
    from triangle.solvers.tolerance import TOL, clean

    rng = np.random.default_rng(9)
    V = rng.dirichlet(np.ones(6), 300)
    V[::7, 2] = -rng.uniform(0.0, 2 * TOL, V[::7].shape[0])   # within the tolerance, or not
    V[::11, 4] = rng.uniform(0.0, 2 * TOL, V[::11].shape[0])
    V[5, 1], V[6, 3], V[8] = np.inf, np.nan, 0.0
    V[9] = -1e-3
    cleaned, ok = clean_rows(V, TOL)
    for row, out, good in zip(V, cleaned, ok, strict=True):
        want = clean(row, TOL)
        assert good == (want is not None)
        if good:
            assert np.array_equal(out, want)
    assert 0 < ok.sum() < len(V)

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

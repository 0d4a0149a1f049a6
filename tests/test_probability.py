"""Wilson score intervals: closed form at the edges, symmetry, and coverage by seeded Monte Carlo."""

import numpy as np
import pytest
from scipy.stats import norm

from triangle.analysis.probability import proportion, wilson


def test_no_successes_has_the_closed_form_upper_end() -> None:
    z = norm.ppf(0.975)
    for n in (1, 7, 100):
        lo, hi = wilson(0, n)
        assert lo == pytest.approx(0.0, abs=1e-15) and hi == pytest.approx(z * z / (n + z * z))


def test_symmetry_and_containment() -> None:
    n = 37
    k = np.arange(n + 1)
    lo, hi = wilson(k, n)
    assert np.all(lo <= k / n) and np.all(k / n <= hi)
    assert np.allclose(lo, 1 - hi[::-1])


def test_coverage_near_nominal_by_seeded_monte_carlo() -> None:
    rng = np.random.default_rng(0)
    n, p = 50, 0.3
    k = rng.binomial(n, p, size=20000)
    lo, hi = wilson(k, n)
    coverage = np.mean((lo <= p) & (p <= hi))
    assert 0.93 < coverage < 0.97


def test_proportion_record() -> None:
    out = proportion([True, False, False, True], over="four points")
    assert out["estimate"] == 0.5 and out["n"] == 4 and out["ci"][0] < 0.5 < out["ci"][1]
    with pytest.raises(ValueError):
        wilson(0, 0)

"""The subgame's batched expectations and its selection helpers, against direct definitions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from triangle.solvers.result import sort_key
from triangle.wedge.subgame import (
    COMPRESS_SPREADS,
    _canonical_first,
    _played_pairs,
    condition,
    exact_value,
    existential_bound,
    expected_many,
    payoff_dominant,
)


def _profiles(rng, n: int, K: int, k: int, l_: int) -> tuple[np.ndarray, np.ndarray]:
    """Mixed profiles in the first ``width`` slots of each game, zeros after (padding), with
    most games narrow and a few using every slot."""
    width = np.where(rng.random(n) < 0.1, K, rng.integers(0, 7, size=n))
    x = rng.dirichlet(np.ones(k), size=(n, K)) * (rng.random((n, K, k)) < 0.6)
    y = rng.dirichlet(np.ones(l_), size=(n, K))
    pad = np.arange(K)[None, :] >= width[:, None]
    x[pad], y[pad] = 0.0, 0.0
    return x, y


def test_expected_many_equals_the_sum_over_played_pairs_game_by_game(rng):
    n, K, k, l_ = 300, 33, 5, 4
    x, y = _profiles(rng, n, K, k, l_)
    finite = rng.normal(size=(n, k, l_))
    below, above = rng.normal(size=(2, n, k, l_))  # an existential cost, and its mirror
    below[rng.random((n, k, l_)) < 0.15] = -np.inf
    above[rng.random((n, k, l_)) < 0.05] = np.inf
    got = expected_many(x, y, [finite, below, above])
    for t, V in enumerate((finite, below, above)):
        want = np.zeros((n, K))
        for g in range(n):
            for s in range(K):
                w = np.outer(x[g, s], y[g, s])
                played = w > 0
                if (played & (V[g] == -np.inf)).any():
                    want[g, s] = -np.inf
                elif (played & (V[g] == np.inf)).any():
                    want[g, s] = np.inf
                else:
                    want[g, s] = np.sum(np.where(played, w * np.where(played, V[g], 0.0), 0.0))
        inf = np.isinf(want)
        assert np.array_equal(np.isinf(got[t]), inf) and np.array_equal(got[t][inf], want[inf])
        assert np.allclose(got[t][~inf], want[~inf], rtol=1e-12, atol=1e-12)
        assert not np.isnan(got[t]).any()


def test_played_pairs_are_exactly_the_pairs_of_nonzero_weights(rng):
    x, y = _profiles(rng, 200, 9, 4, 3)
    y[rng.random(y.shape) < 0.3] = 0.0  # zeros on both sides
    slot, i, j, w = _played_pairs(x, y)
    g, s = np.divmod(slot, 9)
    want = np.argwhere((x[:, :, :, None] != 0) & (y[:, :, None, :] != 0))  # (g, s, i, j), sorted
    assert np.array_equal(np.stack([g, s, i, j], axis=1), want)
    assert np.array_equal(w, x[g, s, i] * y[g, s, j])


def test_a_pure_profile_reads_its_entry_exactly(rng):
    n, k = 50, 6
    V = rng.normal(size=(n, k, k)) * 10.0 ** rng.integers(-8, 9, size=(n, 1, 1))
    i, j = rng.integers(0, k, size=(2, n))
    x, y = np.zeros((n, 1, k)), np.zeros((n, 1, k))
    x[np.arange(n), 0, i], y[np.arange(n), 0, j] = 1.0, 1.0
    assert np.array_equal(expected_many(x, y, [V])[0][:, 0], V[np.arange(n), i, j])


def _games_with_exposure(rng, n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Payoffs ``F``, exposures ``hit`` (some tied, some zero) and the rest ``c`` of ``W``."""
    F = rng.normal(size=(n, k, k)) * 10.0
    hit = rng.choice([0.0, 0.1, 0.25, 0.5, 0.9], size=(n, k, k))
    hit[rng.random((n, k, k)) < 0.5] = rng.random() * 0.01  # near-ties and exact ties
    return F, hit, rng.normal(size=n)


@pytest.mark.parametrize("axis", [1, 2])
def test_existential_bound_is_the_largest_crossing_over_ordered_pairs(rng, axis):
    n, k = 400, 5
    F, hit, c = _games_with_exposure(rng, n, k)
    got = existential_bound(F, hit, c, axis)
    own, exp = np.moveaxis(F, axis, -1), np.moveaxis(hit, axis, -1)
    for g in range(n):
        ratios = [c[g] + (own[g, o, i] - own[g, o, j]) / (exp[g, o, i] - exp[g, o, j])
                  for o in range(k) for i in range(k) for j in range(k)
                  if exp[g, o, i] - exp[g, o, j] > 1e-12]
        assert got[g] == max([0.0, *ratios])


@pytest.mark.parametrize("axis", [1, 2])
def test_above_the_existential_bound_more_exposure_is_strictly_worse(rng, axis):
    n, k = 400, 5
    F, hit, c = _games_with_exposure(rng, n, k)
    S = 2.0 * existential_bound(F, hit, c, axis) + 1.0
    V = np.moveaxis(F + hit * (c - S)[:, None, None], axis, -1)  # (n, other, own)
    exp = np.moveaxis(hit, axis, -1)
    more = exp[..., :, None] - exp[..., None, :] > 1e-12  # own i more exposed than own j
    assert more.any()
    assert np.all(V[..., :, None] < V[..., None, :], where=more)


def test_existential_bound_ignores_exposures_that_differ_by_a_subnormal():
    """A hypothesis draw: exposures ``7e-310`` apart are no crossing (their quotient would
    overflow, and no warning may escape)."""
    F = np.array([[[1.0625, 1.0625], [0.0, 0.0]]])
    hit = np.array([[[0.0, 6.93846602e-310], [6.93846602e-310, 0.0]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert existential_bound(F, hit, np.zeros(1), 1).tolist() == [0.0]
        assert existential_bound(F, hit, np.zeros(1), 2).tolist() == [0.0]


def test_existential_bound_without_pairs_is_zero():
    F, hit = np.ones((3, 1, 1)), np.full((3, 1, 1), 0.5)
    assert np.array_equal(existential_bound(F, hit, np.array([5.0, -1.0, 0.0]), 1), np.zeros(3))
    assert existential_bound(np.ones((0, 4, 4)), np.ones((0, 4, 4)), np.zeros(0), 2).shape == (0,)


def test_condition_compresses_only_far_below_and_keeps_every_order(rng):
    n, k = 300, 6
    V = rng.normal(size=(n, k, k))
    lo, spread = V.min(axis=(1, 2)), V.max(axis=(1, 2)) - V.min(axis=(1, 2)) + 1.0
    far = rng.random((n, k, k)) < 0.2
    V[far] = (lo[:, None, None] - spread[:, None, None] * 10.0 ** rng.uniform(
        3, 12, size=(n, k, k)))[far]  # stand-ins from 1e3 to 1e12 spreads below
    out = condition(V, lo, spread)
    floor = (lo - COMPRESS_SPREADS * spread)[:, None, None]
    below = V < floor
    assert below.any() and (~below & far).any()
    assert np.array_equal(out[~below], V[~below])
    gap = np.maximum(floor - V, 0.0)
    want = floor - spread[:, None, None] * np.log1p(gap / spread[:, None, None])
    assert np.array_equal(out[below], want[below])
    flat_in, flat_out = V.reshape(n, -1), out.reshape(n, -1)  # strictly increasing per game
    assert np.array_equal(np.argsort(flat_in, axis=1, kind="stable"),
                          np.argsort(flat_out, axis=1, kind="stable"))
    calm = np.where(below, floor, V)  # nothing below the floor: the payoffs as they are
    assert np.array_equal(condition(calm, lo, spread), calm)


def _brute_dominant(V_T, V_P, admissible):
    beats = (V_T[:, :, None] >= V_T[:, None, :]) & (V_P[:, :, None] >= V_P[:, None, :])
    return np.all(beats | ~admissible[:, None, :], axis=2) & admissible


@pytest.mark.parametrize("with_inf", [False, True])
def test_payoff_dominance_by_maxima_equals_the_pairwise_definition(rng, with_inf):
    n, K = 2000, 6
    V_T = rng.integers(0, 3, size=(n, K)).astype(float)  # small integers: many exact ties
    V_P = rng.integers(0, 3, size=(n, K)).astype(float)
    if with_inf:
        V_T[rng.random((n, K)) < 0.2] = -np.inf
        V_P[rng.random((n, K)) < 0.2] = -np.inf
    admissible = rng.random((n, K)) < 0.7
    got = payoff_dominant(V_T, V_P, admissible)
    assert np.array_equal(got, _brute_dominant(V_T, V_P, admissible))
    assert got.any() and (~got.any(axis=1) & admissible.any(axis=1)).any()  # both cases occur


def test_canonical_first_takes_the_least_sort_key_among_the_hits(rng):
    n, K, k, l_ = 400, 7, 3, 3
    pure = np.eye(k)
    x = pure[rng.integers(0, k, size=(n, K))]
    y = pure[rng.integers(0, l_, size=(n, K))]
    mixed = rng.random((n, K)) < 0.3
    x[mixed] = rng.dirichlet(np.ones(k), size=mixed.sum()).round(2)
    x[:, 3], y[:, 3] = x[:, 1], y[:, 1]  # exact duplicates: the earlier slot wins
    hits = rng.random((n, K)) < 0.5
    got = _canonical_first(hits, x, y)
    for g in range(n):
        slots = np.flatnonzero(hits[g])
        if slots.size == 0:
            assert got[g] == 0
            continue
        keys = [sort_key((x[g, s], y[g, s])) for s in slots]
        assert got[g] == slots[min(range(len(slots)), key=lambda i: (keys[i], i))]


def test_exact_value_is_base_plus_hit_times_value_with_no_schism_costing_nothing():
    """``base + hit W`` entry by entry, with ``0 * (-inf) = 0`` (a schism that never happens
    costs nothing, even an existential one) and no NaN, on points with finite and infinite
    ``W`` mixed."""
    rng = np.random.default_rng(5)
    n = 40
    base = rng.normal(size=(n, 3, 4)) * 10
    hit = np.where(rng.random((n, 3, 4)) < 0.4, 0.0, rng.random((n, 3, 4)))
    W = rng.normal(size=n) * 5
    W[::3], W[1::7] = -np.inf, np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = exact_value(base, hit, W[:, None, None])
    for g in range(n):
        for i in range(3):
            for j in range(4):
                h, w = hit[g, i, j], W[g]
                expected = base[g, i, j] + (h * w if h > 0 else 0.0)
                assert got[g, i, j] == expected
    assert not np.isnan(got).any()

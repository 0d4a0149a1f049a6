"""One tolerance rule: equilibrium sets do not depend on the payoff scale or offset."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from triangle.solvers.dominance import weakly_dominated
from triangle.solvers.equilibria import solve_batch
from triangle.solvers.registry import SOLVERS
from triangle.solvers.tolerance import (
    TOL,
    best_replies_hold,
    games_in_units,
    in_units,
    payoff_unit,
    replies_hold_in_units,
)

TRANSFORMS = (("x1e-6", lambda P: P * 1e-6), ("x1e3", lambda P: P * 1e3),
              ("x1e9", lambda P: P * 1e9), ("+1e6", lambda P: P + 1e6))


def as_set(eq, g=0):
    """The equilibria of game ``g``, rounded, as a sorted tuple (order-free comparison)."""
    return tuple(sorted((tuple(np.round(x, 6) + 0.0), tuple(np.round(y, 6) + 0.0))
                        for x, y in eq.of_game(g)))


def best_reply_check(A, B, x, y):
    """The support theorem, checked directly in exact rational-free form with a loose
    relative tolerance: every pure strategy played earns the best payoff."""
    ay, xb = A @ y, x @ B
    span_a, span_b = np.ptp(A) or 1.0, np.ptp(B) or 1.0
    return (np.all((x <= 0) | (ay >= ay.max() - 1e-7 * span_a))
            and np.all((y <= 0) | (xb >= xb.max() - 1e-7 * span_b)))


@st.composite
def games(draw, max_size=8):
    """Random and degenerate games: small integer payoffs (many ties), wide integers, or
    binary fractions (exact after a shift by 1e6, so the shift loses no information);
    sometimes a duplicated row or column, or a constant player."""
    m, n = draw(st.integers(1, max_size)), draw(st.integers(1, max_size))
    kind = draw(st.sampled_from(["ties", "wide", "float"]))
    ints = {"ties": st.integers(-2, 2), "wide": st.integers(-1000, 1000),
            "float": st.integers(-10_000, 10_000)}[kind]
    A = draw(arrays(np.int64, (m, n), elements=ints)).astype(float)
    B = draw(arrays(np.int64, (m, n), elements=ints)).astype(float)
    if kind == "float":
        A, B = A / 1024, B / 1024
    twist = draw(st.sampled_from(["none", "dup_row", "dup_col", "constant"]))
    if twist == "dup_row" and m > 1:
        A[-1], B[-1] = A[0], B[0]
    elif twist == "dup_col" and n > 1:
        A[:, -1], B[:, -1] = A[:, 0], B[:, 0]
    elif twist == "constant":
        B[:] = B[0, 0]
    return A, B


def _check_invariance(backend, A, B):
    base = solve_batch(A[None], B[None], backend)
    assert base.count()[0] >= 1 or not SOLVERS[backend].complete
    for x, y in base.of_game(0):
        assert best_reply_check(A, B, x, y)
    for name, f in TRANSFORMS:
        other = solve_batch(f(A)[None], f(B)[None], backend)
        assert as_set(other) == as_set(base), f"{backend} {name}"
        assert bool(other.degenerate[0]) == bool(base.degenerate[0]), f"{backend} {name}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(8))
def test_batched_and_admissible_sets_survive_scale_and_shift(game):
    for backend in ("batched", "admissible"):
        _check_invariance(backend, *game)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(4))
def test_nashpy_and_lemke_howson_sets_survive_scale_and_shift(game):
    for backend in ("nashpy", "lemke_howson"):
        _check_invariance(backend, *game)


@pytest.mark.parametrize("backend", ["batched", "admissible", "nashpy", "lemke_howson"])
@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e3, 1e6, 1e9])
def test_large_payoffs_keep_their_mixed_equilibrium(backend, scale):
    """A = [[8, 2], [3, 5]], B = [[8, 9], [8, 2]] has one equilibrium, fully mixed: the
    column mix makes rows indifferent, 8q + 2(1-q) = 3q + 5(1-q) gives q = 3/8, and the
    row mix makes columns indifferent, 8p + 8(1-p) = 9p + 2(1-p) gives p = 6/7.  With an
    absolute tolerance the engine found nothing at scale 1e6."""
    A, B = np.array([[8.0, 2.0], [3.0, 5.0]]) * scale, np.array([[8.0, 9.0], [8.0, 2.0]]) * scale
    eq = solve_batch(A[None], B[None], backend)
    [(x, y)] = eq.of_game(0)
    np.testing.assert_allclose(x, [6 / 7, 1 / 7], atol=1e-12)
    np.testing.assert_allclose(y, [3 / 8, 5 / 8], atol=1e-12)


@pytest.mark.parametrize("backend", ["batched", "admissible", "nashpy", "lemke_howson"])
def test_tiny_payoffs_get_no_spurious_equilibria(backend):
    """The prisoner's dilemma at payoffs of order 1e-10: defection strictly dominates, so
    (D, D) is the only equilibrium.  An absolute tolerance of 1e-9 saw every payoff tie, and
    so every profile as an equilibrium."""
    A = np.array([[3.0, 0.0], [5.0, 1.0]]) * 1e-10
    eq = solve_batch(A[None], A.T[None], backend)
    assert as_set(eq) == (((0.0, 1.0), (0.0, 1.0)),)
    assert not eq.degenerate[0]


def test_unit_is_the_smaller_of_range_and_given_unit():
    P = np.array([[[0.0, 1.0], [-1e4, 2.0]]])  # a stand-in far below ordinary payoffs
    u, varies = payoff_unit(P)
    assert u.tolist() == [1e4 + 2.0] and varies.all()
    u, _ = payoff_unit(P, np.array([3.0]))
    assert u.tolist() == [3.0]
    np.testing.assert_allclose(in_units(P, np.array([3.0]))[0, 0], [1e4 / 3, (1e4 + 1) / 3])


def test_a_stack_is_put_in_units_game_by_game():
    """``(P - min P) / u`` per game, exact zeros for a constant game, in a stack that mixes
    them: no game's numbers leak into another's."""
    P = np.array([[[2.0, 6.0], [4.0, 3.0]], [[7.0, 7.0], [7.0, 7.0]], [[-9.0, -1.0], [-5.0, -3.0]]])
    out = in_units(P)
    assert out[0].tolist() == [[0.0, 1.0], [0.5, 0.25]]
    assert out[1].tolist() == [[0.0, 0.0], [0.0, 0.0]] and not np.signbit(out[1]).any()
    assert out[2].tolist() == [[0.0, 1.0], [0.5, 0.75]]
    assert np.array_equal(in_units(P[2]), out[2])  # one game as a stack of one


def test_round_off_of_a_constant_player_is_exact_indifference():
    noise = np.array([[[0.0, 1.0], [-1.0, 2.0]]]) * np.spacing(80.0)
    assert not payoff_unit(80.0 + noise)[1].any()
    assert (in_units(80.0 + noise) == 0.0).all()


def test_best_reply_and_dominance_tolerances_are_relative_to_the_unit():
    """A shortfall of 1e-3 at payoffs of order 1e9 is 1e-12 of the unit: a tie; the same
    shortfall at order 1 is a strict loss."""
    assert 1e-12 < TOL < 1e-3
    for scale, tie in ((1e9, True), (1.0, False)):
        A = np.array([[[1.0, 0.0], [1.0 - 1e-3 / scale, 0.0]]]) * scale
        x, y = np.array([[[0.0, 1.0]]]), np.array([[[1.0, 0.0]]])
        assert bool(best_replies_hold(A, np.zeros_like(A), x, y)[0, 0]) == tie
        dom_T, _ = weakly_dominated(A, np.zeros_like(A))
        assert bool(dom_T[0, 1]) == (not tie)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([1e-9, 1.0, 1e7]), st.booleans())
def test_games_in_units_are_fixed_points_and_replies_hold_the_same_on_them(seed, scale, unit):
    """A solver's games, once in units, convert to themselves (least payoff 0, range at least
    1 or all zero) under any unit at least 1, so the check on them skips the conversion."""
    rng = np.random.default_rng(seed)
    n, k, l_, K = 40, 4, 5, 3
    A, B = rng.integers(-3, 4, size=(2, n, k, l_)) * scale + rng.normal(size=(2, n, 1, 1)) * 1e3
    A[:5] = 7.0  # constant players: all zero in units
    given_unit = (rng.uniform(0.1, 5.0, n) * scale, rng.uniform(0.1, 5.0, n) * scale) if unit \
        else None
    Au, Bu = games_in_units(A, B, given_unit)
    for P in (Au, Bu):
        assert np.array_equal(in_units(P, np.ones(n)), P)
    x, y = rng.dirichlet(np.ones(k), size=(n, K)), rng.dirichlet(np.ones(l_), size=(n, K))
    for z, size in ((x, k), (y, l_)):  # mostly pure strategies, so that some pairs pass
        pure = rng.random((n, K)) < 0.8
        z[pure] = np.eye(size)[rng.integers(0, size, size=pure.sum())]
    want = best_replies_hold(A, B, x, y, given_unit)
    assert want.any() and not want.all()
    assert np.array_equal(replies_hold_in_units(Au, Bu, x, y), want)

"""Logit QRE branch: closed forms, identities, limits and the engine's equilibria."""

import numpy as np
import pytest

from triangle.solvers.batched import batched_equilibria
from triangle.solvers.qre import infinite_support, logit_branch, logit_response, qre_residual

LAMS = np.concatenate([[0.0], np.geomspace(0.05, 500.0, 19)])


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def test_matching_pennies_is_uniform_at_every_lambda():
    A = np.array([[2.0, -2.0], [-2.0, 2.0]])
    br = logit_branch(A, -A, LAMS)
    assert np.allclose(br.x, 0.5, atol=1e-12) and np.allclose(br.y, 0.5, atol=1e-12)
    assert br.traced.all()


def test_column_payoffs_independent_of_rows_give_the_closed_form():
    # B's rows are equal, so y = softmax(lam b) whatever x is, and then x = softmax(lam A y)
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 4))
    b = rng.normal(size=4)
    B = np.tile(b, (3, 1))
    br = logit_branch(A, B, LAMS)
    for k, lam in enumerate(LAMS):
        y = softmax(lam * b)
        assert np.allclose(br.y[0, k], y, atol=1e-10)
        assert np.allclose(br.x[0, k], softmax(lam * A @ y), atol=1e-10)


def test_two_by_two_symmetric_closed_form():
    # a symmetric 2x2 game with a dominant strategy: along the symmetric branch
    # p = 1 / (1 + exp(-lam * ((a - c) p + (b - d)(1 - p)))) for the first strategy
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    br = logit_branch(A, A.T, LAMS)
    p = br.x[0, :, 0]
    d = (A[0, 0] - A[1, 0]) * p + (A[0, 1] - A[1, 1]) * (1 - p)
    assert np.allclose(p, 1 / (1 + np.exp(-LAMS * d)), atol=1e-10)
    assert np.allclose(br.x[0], br.y[0], atol=1e-10)


def test_dominance_solvable_game_converges_to_the_dominant_profile():
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    br = logit_branch(A, A.T, [1e4])
    eq = batched_equilibria(A[None], A.T[None])
    (x, y), = eq.of_game(0)
    assert np.allclose(br.x[0, -1], x, atol=1e-9) and np.allclose(br.y[0, -1], y, atol=1e-9)


def test_payoff_scale_does_not_matter_when_lambda_is_per_unit():
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(5, 4, 3)), rng.normal(size=(5, 4, 3))
    c_A, c_B = rng.uniform(0.1, 100, 5), rng.uniform(0.1, 100, 5)
    one = logit_branch(A, B, LAMS)
    scaled = logit_branch(A * c_A[:, None, None], B * c_B[:, None, None], LAMS, unit=(c_A, c_B))
    assert np.allclose(one.x, scaled.x, atol=1e-8) and np.allclose(one.y, scaled.y, atol=1e-8)


@pytest.mark.parametrize("size", [(2, 2), (3, 3), (4, 3), (6, 6), (8, 8)])
def test_fixed_point_residual_on_random_games(size):
    rng = np.random.default_rng(sum(size))
    A, B = rng.normal(size=(20, *size)), rng.normal(size=(20, *size))
    br = logit_branch(A, B, LAMS)
    assert br.traced.all()
    assert br.residual.max() < 1e-9
    # the residual is recomputed here from the definition, not taken from the solver
    lam = np.repeat(LAMS[None], 20, 0).ravel()
    rep = lambda M: np.repeat(M, LAMS.size, axis=0)  # noqa: E731
    res = qre_residual(rep(A), rep(B), br.x.reshape(-1, size[0]), br.y.reshape(-1, size[1]),
                       lam, lam)
    assert res.max() < 1e-9
    assert np.allclose(br.x.sum(-1), 1) and np.allclose(br.y.sum(-1), 1)


def test_residual_detects_a_profile_that_is_not_a_qre():
    A = np.array([[[1.0, 0.0], [0.0, 2.0]]])
    x, y = np.array([[0.9, 0.1]]), np.array([[0.9, 0.1]])
    assert qre_residual(A, A, x, y, np.array([1.0]), np.array([1.0]))[0] > 0.1


def test_branch_is_continuous_from_uniform_play():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(10, 4, 4)), rng.normal(size=(10, 4, 4))
    br = logit_branch(A, B, np.linspace(0.0, 0.3, 31))
    assert np.abs(np.diff(br.x, axis=1)).max() < 0.02
    # the derivative at lambda = 0: x ~ 1/m + lam/m (A 1/n - mean) (first order)
    x_small = br.x[:, 1]
    u = A.mean(axis=2)
    first = 0.25 + 0.01 * 0.25 * (u - u.mean(axis=1, keepdims=True))
    assert np.allclose(x_small, first, atol=1e-4)


def test_large_lambda_is_near_an_equilibrium_of_the_engine():
    rng = np.random.default_rng(4)
    A, B = rng.normal(size=(40, 4, 4)), rng.normal(size=(40, 4, 4))
    br = logit_branch(A, B, [3e3])
    eq = batched_equilibria(A, B)
    for g in range(40):
        x, y = br.x[g, -1], br.y[g, -1]
        dist = min(max(np.abs(x - ex).max(), np.abs(y - ey).max()) for ex, ey in eq.of_game(g))
        assert dist < 1e-2, g


def test_infinite_cost_gives_probability_zero_and_is_the_limit_of_finite_costs():
    # row 0 meets -inf against column 2; column 2 is exposed to -inf against every row:
    # column 2 is lost, so row 0 is kept (its exposure vanishes), and column 1 meets -inf
    # only against row 2, which is exposed to column 0, a kept column: row 2 is lost.
    A = np.array([[1.0, 2.0, -np.inf], [0.5, 1.0, 0.0], [-np.inf, 3.0, 1.0]])
    B = np.array([[1.0, 0.0, -np.inf], [0.0, 1.0, -np.inf], [2.0, -np.inf, -np.inf]])
    keep_A, keep_B, ok = infinite_support(A[None], B[None])
    assert ok[0]
    assert keep_A[0].tolist() == [True, True, False] and keep_B[0].tolist() == [True, True, False]
    lams = [0.5, 2.0, 20.0]
    exact = logit_branch(A, B, lams)
    assert np.isfinite(exact.x).all() and np.isfinite(exact.y).all()
    assert (exact.x[0, :, 2] == 0).all() and (exact.y[0, :, 2] == 0).all()
    for S in (1e2, 1e3):
        finite = logit_branch(np.where(np.isinf(A), -S, A), np.where(np.isinf(B), -S, B), lams)
        assert np.allclose(finite.x, exact.x, atol=1e-6) and np.allclose(finite.y, exact.y, atol=1e-6)


def test_infinite_cost_against_every_kept_strategy_is_refused():
    A = np.array([[0.0, 1.0], [1.0, 0.0]])
    B = np.array([[-np.inf, -np.inf], [0.0, 0.0]])  # the column player meets -inf vs row 0
    _, _, ok = infinite_support(A[None], B[None])
    assert not ok[0]
    with pytest.raises(ValueError, match="stand-in"):
        logit_branch(A, B, [1.0])


def test_bad_input_is_refused():
    A = np.zeros((2, 2))
    with pytest.raises(ValueError):
        logit_branch(A, A, [-1.0])
    with pytest.raises(ValueError):
        logit_branch(A + np.nan, A, [1.0])


def test_logit_response_is_a_probability_vector():
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(3, 2, 5)) * 1e3, rng.normal(size=(3, 2, 5)) * 1e3
    x, y = np.full((3, 2), 0.5), np.full((3, 5), 0.2)
    rx, ry = logit_response(A, B, x, y, np.ones(3), np.ones(3))
    assert np.isfinite(rx).all() and np.allclose(rx.sum(1), 1) and np.allclose(ry.sum(1), 1)

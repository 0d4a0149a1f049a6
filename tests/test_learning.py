"""Learning dynamics against nashpy's, and their mathematical rest points."""

import nashpy
import numpy as np
import pytest

from triangle.solvers.learning import fictitious_play, replicator, smooth_fictitious_play
from triangle.solvers.qre import logit_branch


def random_games(seed, G, m, n):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(G, m, n)), rng.normal(size=(G, m, n)), rng


@pytest.mark.parametrize("size", [(2, 2), (3, 3), (4, 3)])
def test_replicator_matches_nashpy(size):
    A, B, rng = random_games(10 + size[0], 6, *size)
    x0, y0 = rng.dirichlet(np.ones(size[0]), 6), rng.dirichlet(np.ones(size[1]), 6)
    times = np.linspace(0.0, 5.0, 11)
    x, y = replicator(A, B, x0, y0, times)
    for g in range(6):
        rx, ry = nashpy.Game(A[g], B[g]).asymmetric_replicator_dynamics(
            x0=x0[g], y0=y0[g], timepoints=times)
        assert np.allclose(x[g], rx, atol=1e-5) and np.allclose(y[g], ry, atol=1e-5)


def test_replicator_keeps_the_support_and_solves_a_dominance_game():
    A = np.array([[[3.0, 0.0, 0.0], [5.0, 1.0, 0.0], [0.0, 0.0, 9.0]]])
    x0 = np.array([[0.5, 0.5, 0.0]])
    x, y = replicator(A, A.transpose(0, 2, 1), x0, x0.copy(), np.linspace(0, 40, 5))
    assert (x[0, :, 2] == 0).all() and (y[0, :, 2] == 0).all()
    assert x[0, -1, 1] > 0.999 and y[0, -1, 1] > 0.999


@pytest.mark.parametrize("size", [(2, 2), (3, 3), (4, 5)])
def test_fictitious_play_matches_nashpy(size):
    # positive random starting counts make every best response unique, so nashpy's random
    # tie-breaking never acts and both must give the same counts
    A, B, rng = random_games(20 + size[0], 5, *size)
    cx, cy = rng.uniform(0.1, 1.0, (5, size[0])), rng.uniform(0.1, 1.0, (5, size[1]))
    ours_x, ours_y = fictitious_play(A, B, cx, cy, 40)
    for g in range(5):
        ref = list(nashpy.Game(A[g], B[g]).fictitious_play(
            iterations=40, play_counts=(cx[g].copy(), cy[g].copy())))
        assert np.allclose(ours_x[g, -1], ref[-1][0]) and np.allclose(ours_y[g, -1], ref[-1][1])
        assert len(ref) == 41


def test_fictitious_play_converges_in_matching_pennies():
    A = np.array([[[1.0, -1.0], [-1.0, 1.0]]])
    cx, cy = fictitious_play(A, -A, np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), 20000)
    for c in (cx, cy):  # Robinson 1951: empirical frequencies converge in zero-sum games
        assert np.allclose(c[0, -1] / c[0, -1].sum(), 0.5, atol=0.02)


def test_qre_is_a_rest_point_of_smooth_fictitious_play():
    A, B, _ = random_games(30, 4, 3, 3)
    lam = 2.0
    br = logit_branch(A, B, [lam])
    x, y = smooth_fictitious_play(A, B, br.x[:, 0], br.y[:, 0], 50, np.full(4, lam))
    assert np.allclose(x, br.x[:, :1], atol=1e-10) and np.allclose(y, br.y[:, :1], atol=1e-10)


def test_smooth_fictitious_play_converges_to_the_qre_in_a_zero_sum_game():
    # Hofbauer & Sandholm 2002: global convergence in zero-sum games
    rng = np.random.default_rng(31)
    A = rng.normal(size=(1, 3, 3))
    br = logit_branch(A, -A, [1.5])
    x, y = smooth_fictitious_play(A, -A, np.array([[1.0, 0, 0]]), np.array([[0, 0, 1.0]]),
                                  5000, np.array([1.5]))
    assert np.allclose(x[0, -1], br.x[0, 0], atol=5e-3)
    assert np.allclose(y[0, -1], br.y[0, 0], atol=5e-3)

"""The logit branch against an independent implementation: pygambit's ``logit_solve_lambda``.

pygambit is an optional test dependency (the ``gambit`` extra, `make gambit`); without it these tests skip
and say why.  The fixed-point residual checks of ``tests/test_qre.py`` need no other library.
"""

import numpy as np
import pytest

import triangle
from triangle.solvers.qre import logit_branch
from triangle.wedge.solve import model_of
from triangle.wedge.verdict import evaluate

gbt = pytest.importorskip(
    "pygambit", reason="pygambit is not installed (`make gambit` installs the 'gambit' extra); "
    "the comparison with Gambit's logit QRE tracer is skipped")

LAMS = np.geomspace(0.05, 50.0, 20)
TOL = 1e-6


def gambit_branch(A, B, lams):
    """Gambit's principal-branch profiles at ``lams`` (same lambda for both players)."""
    game = gbt.Game.from_arrays(A, B)
    found = gbt.qre.logit_solve_lambda(game, lam=[float(v) for v in lams])
    row_player, col_player = list(game.players)
    rows, cols = list(row_player.strategies), list(col_player.strategies)
    x = np.array([[float(q.profile[s]) for s in rows] for q in found])
    y = np.array([[float(q.profile[s]) for s in cols] for q in found])
    return np.array([float(q.lam) for q in found]), x, y


def test_random_games_up_to_8x8_agree_with_gambit():
    rng = np.random.default_rng(14)
    sizes = rng.integers(2, 9, size=(200, 2))
    worst = 0.0
    for m, n in {tuple(s) for s in sizes.tolist()}:
        count = int(((sizes[:, 0] == m) & (sizes[:, 1] == n)).sum())
        A, B = rng.normal(size=(count, m, n)), rng.normal(size=(count, m, n))
        ours = logit_branch(A, B, LAMS)
        for g in range(count):
            lam, x, y = gambit_branch(A[g], B[g], LAMS)
            assert np.allclose(lam, LAMS)
            worst = max(worst, np.abs(ours.x[g] - x).max(), np.abs(ours.y[g] - y).max())
    assert worst < TOL, worst


@pytest.mark.parametrize("stem", ["first_term_2017", "kissinger_1971", "reverse_kissinger_2025",
                                  "wedge_optimist_2025", "template"])
def test_shipped_meta_games_agree_with_gambit(stem):
    s = triangle.load_scenario(triangle.library_dir() / f"{stem}.toml")
    ev = evaluate(model_of(s, backend="batched"), s.settings["wedge.mode"])
    game = ev.stage.game(ev.counter)
    ours = logit_branch(game.A, game.B, LAMS, unit=(game.unit_T, game.unit_P))
    keep_T, keep_P = ours.kept[0][0], ours.kept[1][0]
    assert (ours.x[0][:, ~keep_T] == 0).all() and (ours.y[0][:, ~keep_P] == 0).all()
    # Gambit has no infinite payoffs: it gets the game of the kept strategies, in each unit
    A = game.A[0][np.ix_(keep_T, keep_P)] / game.unit_T[0]
    B = game.B[0][np.ix_(keep_T, keep_P)] / game.unit_P[0]
    _, x, y = gambit_branch(A, B, LAMS)
    assert np.abs(ours.x[0][:, keep_T] - x).max() < TOL
    assert np.abs(ours.y[0][:, keep_P] - y).max() < TOL

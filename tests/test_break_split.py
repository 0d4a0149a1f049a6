"""The immediate-break split (triangle.solvers.break_split) against full enumeration."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import triangle.solvers.feasible as tf
from triangle.solvers.batched import batched_equilibria
from triangle.solvers.break_split import constant_strategies, equilibria, split_equilibria
from triangle.solvers.tolerance import best_replies_hold

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_break_split import SCENARIOS, equilibrium_sets, scenario_games


def with_breaks(rng, N: int, m: int, n: int, rows: int, cols: int, integer: bool):
    """Random games whose last ``rows`` rows and ``cols`` columns pay one constant pair."""
    A, B = rng.uniform(-3, 3, (N, m, n)), rng.uniform(-3, 3, (N, m, n))
    a, b = rng.uniform(-3, 3, N), rng.uniform(-3, 3, N)
    if integer:  # ties everywhere: the break-free game is degenerate too
        A, B, a, b = np.round(A), np.round(B), np.round(a), np.round(b)
    A[:, m - rows:, :], B[:, m - rows:, :] = a[:, None, None], b[:, None, None]
    A[:, :, n - cols:], B[:, :, n - cols:] = a[:, None, None], b[:, None, None]
    return A, B


@pytest.mark.parametrize(("m", "n", "rows", "cols", "integer"), [
    (2, 2, 1, 1, False), (3, 3, 1, 1, True), (4, 3, 1, 1, False), (3, 4, 1, 2, True),
    (5, 5, 2, 1, True), (5, 5, 1, 0, True), (5, 5, 0, 1, False), (6, 6, 1, 1, False)])
def test_same_extreme_equilibria_as_full_enumeration(m, n, rows, cols, integer):
    rng = np.random.default_rng(m * 100 + n * 10 + rows + 5 * cols + integer)
    A, B = with_breaks(rng, 150, m, n, rows, cols, integer)
    split, whole = equilibria(A, B), batched_equilibria(A, B)
    assert equilibrium_sets(split) == equilibrium_sets(whole)
    assert split.degenerate.all()
    assert best_replies_hold(A, B, split.x, split.y)[split.valid].all()


def test_breaking_continuum_by_hand():
    """Matching pennies with a break worth 0.5 to the row player and 0 to the column player.

    The break-free equilibrium (1/2, 1/2) pays the row player 0 < 0.5: it does not survive.
    The column player's breaking is a best reply where its pennies payoffs are at most 0,
    ``x_2 - x_1 <= 0`` and ``x_1 - x_2 <= 0``: the segment from (1/2, 1/2, 0) to the pure
    break row.  Against the row player's break the column player is indifferent, and
    breaking is the row player's best reply where ``y_1 - y_2 <= 0.5`` and
    ``y_2 - y_1 <= 0.5``: y_1 in [1/4, 3/4], with the pure break column besides."""
    A = np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, 0.5], [0.5, 0.5, 0.5]])
    B = np.array([[-1.0, 1.0, 0.0], [1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
    _, x, y, split = split_equilibria(A[None], B[None])
    found = {(tuple(np.round(a, 9)), tuple(np.round(b, 9))) for a, b in zip(x, y, strict=True)}
    assert found == {((0.5, 0.5, 0.0), (0.0, 0.0, 1.0)), ((0.0, 0.0, 1.0), (0.0, 0.0, 1.0)),
                     ((0.0, 0.0, 1.0), (0.25, 0.75, 0.0)), ((0.0, 0.0, 1.0), (0.75, 0.25, 0.0))}
    assert split.tolist() == [True]


def test_detects_only_shared_constant_pairs():
    A = np.array([[[1.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 0.0]],  # a break: (0, 0)
                  [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [0.0, 3.0, 4.0]]])  # two constant rows
    B = np.zeros_like(A)
    B[0, :2, :2] = [[1.0, 0.0], [0.0, 1.0]]
    rows, cols = constant_strategies(A, B)
    assert rows.tolist() == [[False, False, True], [False, False, False]]
    assert cols.tolist() == [[False, False, True], [False, False, False]]


def test_games_without_breaks_untouched():
    rng = np.random.default_rng(3)
    A, B = rng.uniform(size=(20, 4, 4)), rng.uniform(size=(20, 4, 4))
    assert not split_equilibria(A, B)[3].any()
    assert equilibrium_sets(equilibria(A, B)) == equilibrium_sets(batched_equilibria(A, B))


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_meta_games(name, monkeypatch):
    """200 random points of each shipped scenario: every extreme equilibrium as the whole
    game's enumeration gives it, and the admissible backend's set as it is with the whole
    enumeration inside.  (The same check on 10,000 points: benchmarks/bench_break_split.py.)"""
    A, B, unit = scenario_games(name, 200, seed=5)
    split = equilibria(A, B, unit=unit)
    whole = batched_equilibria(A, B, unit=unit)
    assert equilibrium_sets(split) == equilibrium_sets(whole)
    from triangle.solvers import admissible

    with_split = equilibrium_sets(admissible.solve(A, B, unit))
    monkeypatch.setattr(admissible, "equilibria", batched_equilibria)
    assert with_split == equilibrium_sets(admissible.solve(A, B, unit))


@pytest.mark.parametrize(("rows", "cols", "integer"), [(1, 1, False), (1, 0, True), (0, 1, False),
                                                         (1, 1, True)])
def test_solving_only_what_the_split_reads_changes_nothing(rows, cols, integer, monkeypatch):
    """The split solves a vertex only where it reads it (matched, near an extra label, with
    the break reply, or in a game with too many labels); with every vertex near, so all are
    solved, the equilibria, their order and the flags are the same.  The break-free part
    holds a column that mixes two others, degenerate only at a mixed vertex."""
    rng = np.random.default_rng(40 + 4 * rows + 2 * cols + integer)
    A, B = with_breaks(rng, 200, 5, 5, rows, cols, integer)
    B[:, :, 2] = 0.5 * (B[:, :, 0] + B[:, :, 1])
    lazy = equilibria(A, B)
    monkeypatch.setattr(tf, "NEAR_ABS", np.inf)
    every = equilibria(A, B)
    for u, v in ((lazy.x, every.x), (lazy.y, every.y), (lazy.valid, every.valid),
                 (lazy.degenerate, every.degenerate)):
        np.testing.assert_array_equal(u, v)

"""The switch point of the partner's counter from an equilibrium's supports (triangle.wedge.switch)."""

from pathlib import Path

import numpy as np
import pytest

from triangle.scenario.files import load_scenario
from triangle.wedge import counter, switch
from triangle.wedge.model import Stage, build_stage
from triangle.wedge.solve import model_of
from triangle.wedge.subgame import MetaGame
from triangle.wedge.verdict import fixed_package

ROOT = Path(__file__).resolve().parent.parent


def _game(A: np.ndarray, B: np.ndarray) -> MetaGame:
    n = A.shape[0]
    return MetaGame(A, B, A, B, np.zeros(n), np.zeros(n), np.ones(n), np.ones(n))


def test_slack_of_a_mixed_equilibrium_in_closed_form():
    """Battle of the sexes with a counter ``m`` added to the row player's (0, 0) cell:
    ``A = [[2 + m, 0], [0, 1]]``, ``B = [[1, 0], [0, 2]]``.  The mixed equilibrium is
    ``y = (1, 2 + m) / (3 + m)``, ``x = (2, 1) / 3``: its slack is ``min(x, y) = 1 / (3 + m)``.
    A third row paying ``c`` against everything is a better reply than the mix once
    ``c > (2 + m) / (3 + m)``: the slack there is ``((2 + m) / (3 + m) - c) / unit``."""
    m = np.array([0.0, 1.0, 4.0])
    A = np.zeros((3, 3, 2))
    A[:, 0, 0], A[:, 1, 1], A[:, 2, :] = 2 + m, 1.0, 0.7
    B = np.zeros((3, 3, 2))
    B[:, 0, 0], B[:, 1, 1], B[:, 2, :] = 1.0, 2.0, 0.5
    I = np.array([[True, True, False]] * 3)
    J = np.array([[True, True]] * 3)
    slack = switch.support_slack(_game(A, B), I, J)
    u = (2 + m) / (3 + m)
    expected = np.minimum(np.minimum(1 / (3 + m), 1 / 3), u - 0.7)
    np.testing.assert_allclose(slack, expected, rtol=1e-12)
    # a support pair of different sizes does not pin an equilibrium down
    assert np.isneginf(switch.support_slack(_game(A, B), I, np.array([[True, False]] * 3))).all()


def test_settle_finds_the_root_and_checks_it():
    """The row player's third row pays 0.7, so the mix (row payoff (2 + m) / (3 + m)) is an
    equilibrium from ``m = 1/3`` on: the root the solver-side predicate must confirm."""
    def game_at(where, m):
        A = np.zeros((len(m), 3, 2))
        A[:, 0, 0], A[:, 1, 1], A[:, 2, :] = 2 + m, 1.0, 0.7
        B = np.zeros((len(m), 3, 2))
        B[:, 0, 0], B[:, 1, 1], B[:, 2, :] = 1.0, 2.0, 0.5
        return _game(A, B)

    root = 1 / 3
    exact = [lambda where, m: m >= root, lambda where, m: m >= 0.3]  # agrees; disagrees
    for holds, confirmed in zip(exact, (True, False), strict=True):
        x = np.array([[2 / 3, 1 / 3, 0.0]])
        y = np.array([[0.4, 0.6]])
        settled, low, high = switch.settle(game_at, (np.array([0]), x, y), np.array([0.1]),
                                           np.array([2.0]), holds)
        assert settled.tolist() == [confirmed]
        if confirmed:
            assert low[0] < root < high[0] and high[0] - low[0] <= 2.1 * switch.CHECK
        else:  # the bracket is left as it was
            assert (low[0], high[0]) == (0.1, 2.0)


@pytest.mark.parametrize("name, cost, reward, budget", [
    ("reverse_kissinger_2025", 51.28, 41.03, np.inf), ("reverse_kissinger_2025", 20.0, 30.0, np.inf),
    ("wedge_optimist_2025", 0.0, 2.051282, 0.5)])
def test_same_counter_as_plain_bisection(monkeypatch, name, cost, reward, budget):
    """The proposed switch only shortens the search: the partner's counter is the one the plain
    bisection pins to a relative 1e-12, to the confirmed bracket's width ``2 CHECK max(1, m)`` (plus the
    bisection's own 1e-12); the partnership holds there, and it takes fewer solves of the
    meta-game."""
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    n = 5
    md = model_of(scenario, {"schism.cost.target": cost + np.arange(n),
                             "wedge.reward": reward + 0.01 * np.arange(n),
                             "counter.budget": np.full(n, budget)}, "admissible")
    stage = build_stage(md, fixed_package(md))
    solves = []
    real_solve = Stage.solve

    def counting(self, *args, **kw):
        solves.append(self.model.n)
        return real_solve(self, *args, **kw)

    monkeypatch.setattr(Stage, "solve", counting)
    fast, _, ok_fast = counter.counter_offer(stage)
    fast_solves = len(solves)
    solves.clear()
    plain, _, ok_plain = counter.counter_offer(stage, plain=True)
    assert ok_fast.all() and ok_plain.all()
    assert (fast > 0).any()
    assert fast_solves < len(solves)
    # the partnership holds at the counter found, in the solver's own game
    held = stage.solve(fast, md.search_backend)
    assert counter.keeps_partnership(held, md["solver.schism_probability"], md.selection).all()
    np.testing.assert_array_less(np.abs(fast - plain), 2 * switch.CHECK * np.maximum(1, plain) + 3e-12)


def test_first_root_closes_the_bracket_from_both_sides():
    """The mix of the game above appears at ``m = 1/3`` exactly (its slack ``(2 + m) / (3 + m)
    - 0.7`` crosses zero there).  Newton's iterates from the failing end approach it from
    below only; the root is the bracket's upper end, within ``ROOT_RTOL`` of the exact one and
    never below it, and a handful of slack evaluations close it from both sides (bisecting
    ``(0.1, 2]`` to the same width would take some 40)."""
    calls = []

    def game_at(where, m):
        calls.append(m.size)
        A = np.zeros((len(m), 3, 2))
        A[:, 0, 0], A[:, 1, 1], A[:, 2, :] = 2 + m, 1.0, 0.7
        B = np.zeros((len(m), 3, 2))
        B[:, 0, 0], B[:, 1, 1], B[:, 2, :] = 1.0, 2.0, 0.5
        return _game(A, B)

    x = np.array([[2 / 3, 1 / 3, 0.0]])
    y = np.array([[0.4, 0.6]])
    low, high = np.array([0.1]), np.array([2.0])
    root = switch.first_root(game_at, (np.array([0]), x, y), low, high)[0]
    # the slack is measured against -TOL: the root of (2 + m) / (3 + m) - 0.7 + TOL
    exact = (0.7 * 3 - 2 - 3 * switch.TOL) / (1 - 0.7 + switch.TOL)
    assert exact <= root <= exact + switch.ROOT_RTOL * max(1.0, exact)
    assert len(calls) <= 10

"""The solver registry: one signature, one result type, capabilities that hold."""


import numpy as np
import pytest

from triangle.presentation.cli import build_parser
from triangle.scenario.parameters import SETTING_BY_PATH
from triangle.solvers import registry
from triangle.solvers.result import Equilibria
from triangle.solvers.tolerance import best_replies_hold

BOS_A = np.array([[3.0, 0.0], [0.0, 2.0]])
BOS_B = np.array([[2.0, 0.0], [0.0, 3.0]])


@pytest.mark.parametrize("name", list(registry.SOLVERS))
def test_every_solver_has_one_signature_and_one_result_type(name):
    eq = registry.solve(BOS_A[None], BOS_B[None], name, (np.ones(1), np.ones(1)))
    assert isinstance(eq, Equilibria)
    assert eq.x.shape[::2] == (1, 2) and eq.valid.shape == eq.x.shape[:2]
    assert eq.complete.shape == (1,) and eq.degenerate.shape == (1,)
    assert best_replies_hold(BOS_A[None], BOS_B[None], eq.x, eq.y)[eq.valid].all()
    assert bool(eq.complete[0]) == registry.SOLVERS[name].complete


def test_complete_solvers_find_the_three_equilibria_of_the_battle_of_the_sexes():
    """Pure (0, 0), (1, 1) and the mix x = (3/5, 2/5), y = (2/5, 3/5) from the indifference
    conditions 2x0 = 3x1 and 3y0 = 2y1."""
    for s in registry.SOLVERS.values():
        eq = s.solve(BOS_A[None], BOS_B[None])
        if s.complete:
            assert eq.count()[0] == 3
            mixed = [x for x, _ in eq.of_game(0) if x.min() > 0]
            np.testing.assert_allclose(mixed[0], [0.6, 0.4])
        else:
            assert 1 <= eq.count()[0] <= 3


def test_admissible_only_solver_drops_the_dominated_equilibrium():
    """Row 1 is weakly dominated by row 0, and column 1 by column 0: (1, 1) is a Nash
    equilibrium (nobody gains by deviating alone) but not admissible."""
    A = np.array([[1.0, 0.0], [0.0, 0.0]])
    for s in registry.SOLVERS.values():
        if not s.complete:
            continue
        pairs = {(int(x.argmax()), int(y.argmax())) for x, y in s.solve(A[None], A[None]).of_game(0)}
        assert pairs == ({(0, 0)} if s.admissible_only else {(0, 0), (1, 1)})


def test_choices_of_cli_and_scenario_come_from_the_registry():
    assert SETTING_BY_PATH["solver.backend"].choices == registry.backends()
    run = build_parser()._subparsers._group_actions[0].choices["run"]
    [solver] = [a for a in run._actions if a.dest == "solver"]
    assert tuple(solver.choices) == registry.backends()
    assert "lemke_howson" in registry.SOLVERS and "lemke_howson" not in registry.backends()


def test_unknown_name_names_the_choices():
    with pytest.raises(ValueError, match="unknown solver backend 'gambit'.*'batched'"):
        registry.get("gambit")

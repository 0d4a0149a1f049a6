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
    with pytest.raises(ValueError, match=r"unknown solver backend 'gambit'.*'batched'"):
        registry.get("gambit")


# ------------------------------------------- backends agree at random points of every scenario

def _points(scenario, n, rng):
    """Points around the scenario's own values, inside every key's documented range."""
    from triangle.scenario.parameters import BY_PATH

    keys = ("time.period_years", "partnership.value.target", "partnership.value.partner",
            "schism.cost.target", "schism.outside.target", "wedge.reward")
    out = {}
    for key in keys:
        v, p = scenario.values[key], BY_PATH[key]
        if np.isfinite(v):
            x = rng.uniform(0.5 * v, 1.5 * v, n) if v > 0 else rng.uniform(0.0, 2.0, n)
            out[key] = np.clip(x, p.low + (1e-6 if p.low_open else 0.0), p.high)
    return out


@pytest.mark.parametrize("name", ["first_term_2017", "kissinger_1971", "reverse_kissinger_2025",
                                  "template", "wedge_optimist_2025"])
def test_backends_select_the_same_present_values(name, rng):
    """``batched`` (every equilibrium, then the admissible ones) and ``admissible`` (the
    reduced games) must select the same equilibrium: the same present values and verdict at
    every point.  benchmarks/bench_backends.py runs 3,000 points per scenario."""
    from triangle.scenario.files import library_dir, load_scenario
    from triangle.wedge.solve import evaluate_scenario

    scenario = load_scenario(library_dir() / f"{name}.toml")
    points = _points(scenario, 12, rng)
    a = evaluate_scenario(scenario, points, "batched").columns
    b = evaluate_scenario(scenario, points, "admissible").columns
    np.testing.assert_array_equal(a["verdict"], b["verdict"])
    for col in ("pv_target", "pv_partner", "pv_divider"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-9, atol=1e-9)

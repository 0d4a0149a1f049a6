"""Bounded rationality in the partnership: the logit branch and learning paths of scenarios."""

import numpy as np
import pytest

import triangle
from triangle.wedge.bounded import default_lambdas, learn, parse_mix, scenario_branch
from triangle.wedge.solve import model_of
from triangle.wedge.verdict import evaluate

LIB = triangle.library_dir()


def scenario(stem, **values):
    s = triangle.load_scenario(LIB / f"{stem}.toml")
    return s.replace(values, origin="test") if values else s


def branch_of(s, lams):
    return scenario_branch(model_of(s, backend="batched"), lams, s.settings["wedge.mode"])


def test_existential_costs_give_exact_zeros_and_no_nan():
    s = scenario("reverse_kissinger_2025")
    assert np.isinf(s.values["schism.cost.target"]) and np.isinf(s.values["schism.cost.partner"])
    br, _ = branch_of(s, [0.0, 0.1, 10.0, 300.0])
    names = list(br.names)
    for arr in (br.x, br.y, br.p_schism, br.residual):
        assert not np.isnan(arr).any()
    assert br.exact.all()
    for who in (br.x, br.y):  # strategies that break are never played at lambda > 0
        for name in ("Grim", "Realign"):
            assert (who[0, 1:, names.index(name)] == 0).all()
    assert np.isneginf(br.V_T[0, 0])  # uniform play at lambda = 0 risks the existential schism
    assert np.isfinite(br.V_T[0, 1:]).all() and (br.p_schism[0, 1:] == 0).all()


def test_existential_limit_agrees_with_a_large_finite_cost():
    exact, _ = branch_of(scenario("reverse_kissinger_2025"), [0.5, 5.0])
    finite, _ = branch_of(scenario("reverse_kissinger_2025", **{
        "schism.cost.target": 1e6, "schism.cost.partner": 1e6}), [0.5, 5.0])
    assert np.allclose(exact.x, finite.x, atol=1e-6) and np.allclose(exact.y, finite.y, atol=1e-6)


@pytest.mark.parametrize("stem", ["wedge_optimist_2025", "kissinger_1971"])
def test_large_lambda_reaches_the_nash_outcome(stem):
    br, ev = branch_of(scenario(stem), [0.0, 1.0, 1e4])
    assert ev.columns["p_schism"][0] == pytest.approx(1.0)
    assert br.p_schism[0, -1] == pytest.approx(ev.columns["p_schism"][0], abs=1e-3)
    assert br.residual.max() < 1e-8


def test_probability_of_schism_is_the_mix_weighted_horizon_probability():
    s = scenario("wedge_optimist_2025")
    br, ev = branch_of(s, [3.0])
    P = ev.stage.table["p_horizon"][0]
    assert br.p_schism[0, 0] == pytest.approx(br.x[0, 0] @ P @ br.y[0, 0], abs=1e-12)


def test_rationality_key_reads_a_number_or_nash():
    s = scenario("wedge_optimist_2025")
    assert np.isposinf(s.values["solver.rationality"])
    assert s.replace({"solver.rationality": 2.5}, origin="t").values["solver.rationality"] == 2.5
    assert 2.5 in default_lambdas(2.5)


def test_parse_mix():
    names = ["Loyal", "Hedger", "Realign"]
    assert parse_mix("Loyal=0.5, Hedger=0.5", names).tolist() == [0.5, 0.5, 0.0]
    for bad in ("Loyl=1", "Loyal=0.5", "Loyal=x", "Loyal=2,Hedger=-1", "Loyal"):
        with pytest.raises(ValueError):
            parse_mix(bad, names)


@pytest.mark.parametrize("dynamics", ["replicator", "fictitious", "stochastic"])
def test_learning_paths_are_probabilities_and_classified(dynamics):
    s = scenario("kissinger_1971")
    ev = evaluate(model_of(s, backend="batched"), s.settings["wedge.mode"])
    names = [x.name for x in ev.model.library]
    path = learn(ev.stage, ev.counter, dynamics, parse_mix("Loyal=0.5,Hedger=0.5", names), 10.0)
    assert np.allclose(path.x.sum(-1), 1) and np.allclose(path.y.sum(-1), 1)
    assert path.outcome[0] in ("loyalty", "hedging", "break")
    assert 0 <= path.settled[0] <= path.years[-1]
    assert path.years[-1] == pytest.approx(10.0, abs=float(ev.model.dt[0]))
    if dynamics == "replicator":  # the replicator keeps the starting support
        assert (path.x[0, :, 2:] == 0).all()


def test_loyal_start_in_a_loyal_world_is_loyalty():
    # no gain from hedging, no reward: Loyal against Loyal is a rest point of every dynamic
    s = scenario("kissinger_1971", **{"partnership.hedge_gain.target": 0.0,
                                     "partnership.hedge_gain.partner": 0.0,
                                     "wedge.reward": 0.0, "wedge.upfront": 0.0,
                                     "partnership.noise": 0.0})
    ev = evaluate(model_of(s, backend="batched"), "fixed")
    names = [x.name for x in ev.model.library]
    path = learn(ev.stage, ev.counter, "replicator", parse_mix("Loyal=1", names), 5.0)
    assert path.outcome[0] == "loyalty" and path.settled[0] == 0


def test_quantal_columns_follow_each_points_own_lambda():
    from triangle.wedge.solve import evaluate_scenario

    s = scenario("wedge_optimist_2025")
    lam = np.array([0.0, 0.5, 3.0, 30.0, np.inf])
    ev = evaluate_scenario(s, {"solver.rationality": lam}, backend="batched")
    br, _ = branch_of(s, lam[:4])
    assert np.allclose(ev.columns["qre_p_schism"][:4], br.p_schism[0], atol=1e-9)
    assert np.allclose(ev.columns["qre_pv_target"][:4], br.V_T[0], atol=1e-7)
    assert np.allclose(ev.columns["qre_pv_divider"][:4], br.V_D[0], atol=1e-7)
    # "nash" repeats the selected equilibrium's answer
    assert ev.columns["qre_p_schism"][4] == ev.columns["p_schism"][4]
    assert ev.columns["qre_pv_partner"][4] == ev.columns["pv_partner"][4]


def test_report_states_the_expected_outcome_under_quantal_response():
    s = scenario("wedge_optimist_2025", **{"solver.rationality": 3.0})
    out = triangle.solve(s, backend="batched")
    br, _ = branch_of(s, [3.0])
    assert out.qre_p_schism == pytest.approx(br.p_schism[0, 0], abs=1e-12)
    assert "expected outcome, not an equilibrium verdict" in out.explain()
    assert "quantal" not in triangle.solve(scenario("wedge_optimist_2025"), backend="batched").explain()


def test_stand_in_cost_deep_below_the_payoffs_is_traced_without_nan():
    """An 8-strategy library where the target's Realign meets the partner's existential cost
    in every column: the limit rule leaves the partner nothing, so the branch runs on the
    finite stand-in, 1e4 payoff spreads deep.  Its log probabilities then reach -1e5, below
    which an absolute Newton tolerance of 1e-11 is under the rounding floor: the trace used to
    stall and the reported mix came out as 0/0."""
    from triangle.wedge.bounded import quantal_branch
    from triangle.wedge.model import build_stage
    from triangle.wedge.verdict import fixed_package

    s = scenario("wedge_optimist_2025", **{
        "wedge.reward": 29.516, "schism.cost.target": 33.925, "schism.cost.partner": np.inf,
        "partnership.noise": 0.0995})
    assert len(s.settings["partnership.strategies"]) == 8
    md = model_of(s, backend="batched")
    stage = build_stage(md, fixed_package(md))
    lams = [0.1, 0.5, 102.13]
    br = quantal_branch(stage, np.array([2.5909]), lams)
    assert not br.exact[0]  # the finite stand-in, as the module says
    for arr in (br.x, br.y, br.p_schism, br.V_T, br.V_P, br.V_D):
        assert not np.isnan(arr).any()
    assert (br.residual < 1e-8).all()  # a fixed point at every lambda, not a stalled trace
    np.testing.assert_allclose(br.x.sum(-1), 1.0, atol=1e-12)

"""The triangle under quantal response (triangle/wedge/quantal.py): limits, identities, no NaN."""

import numpy as np
import pytest

import triangle
from triangle.wedge.model import build_stage
from triangle.wedge.quantal import quantal_evaluate
from triangle.wedge.reasons import verdict_from_reasons
from triangle.wedge.solve import evaluate_scenario, model_of
from triangle.wedge.verdict import evaluate, fixed_package

LIB = triangle.library_dir()
SHIPPED = ("kissinger_1971", "first_term_2017", "reverse_kissinger_2025", "wedge_optimist_2025")


def scenario(stem, **values):
    s = triangle.load_scenario(LIB / f"{stem}.toml")
    return s.replace(values, origin="test") if values else s


def quantal(s, lams):
    lams = np.asarray(lams, float)
    md = model_of(s, {"solver.rationality": lams}, backend="batched")
    return quantal_evaluate(md, fixed_package(md), lams)


def counter_case(**more):
    """Kissinger, 1971 with a library {Loyal, Realign} and no noise: the target breaks for the
    reward unless the partner pays; one admissible equilibrium at every counter."""
    return scenario("kissinger_1971", **{
        "partnership.strategies": ["Loyal", "Realign"], "partnership.noise": 0.0,
        "counter.budget": 5.0, "schism.cost.partner": 30.0, "schism.cost.target": 10.0,
        "wedge.reward": 3.0, **more})


@pytest.mark.parametrize("stem", ["kissinger_1971", "reverse_kissinger_2025"])
def test_at_lambda_zero_the_offer_moves_no_choice(stem):
    """At lambda = 0 each partner plays every strategy with probability 1/k whatever the
    payoffs.  So the offer cannot move a choice: the probability of schism is the same with and
    without it (the package changes payoffs, not the chain's transitions), the offer never
    causes a schism, and a counter only costs the partner (its expected PV falls by
    ``m dt E[duration_P]``), so it pays nothing.  The offer reaches the target's expected PV
    only through its own terms: ``u dt / (1 - delta_T s) + r dt / (1 - delta_T s) E[reward_T]``
    (``reward_T`` weighs the target's own deliberate breaks on the commitment's one clock)."""
    s = scenario(stem)
    q = quantal(s, [0.0])
    c, k = q.columns, len(s.settings["partnership.strategies"])
    for play in (q.play, q.play0):
        assert (play.x == 1.0 / k).all() and (play.y == 1.0 / k).all()
    assert c["p_schism"][0] == c["p_schism_baseline"][0] and c["p_schism_change"][0] == 0.0
    assert c["counter_offer"][0] == 0.0 and c["counter_offer_baseline"][0] == 0.0
    assert c["verdict"][0] not in ("success", "pyrrhic")
    assert s.values["wedge.pressure"] == 0.0
    md = q.model
    dt, dT, sv = md.dt, md.delta("target"), md.survival
    reward_T = q.stage.table["reward_T"].mean(axis=(1, 2))
    direct = (md["wedge.upfront"] + md["wedge.reward"] * reward_T) * dt / (1 - dT * sv)
    if np.isinf(s.values["schism.cost.target"]):  # uniform play risks the existential schism
        assert np.isneginf(q.play.V_T[0]) and np.isneginf(q.play0.V_T[0])
    else:
        np.testing.assert_allclose(q.play.V_T - q.play0.V_T, direct, rtol=1e-12)


@pytest.mark.parametrize("stem", SHIPPED)
def test_large_lambda_reaches_the_robust_nash_verdict(stem):
    """No shipped scenario has a unique Nash equilibrium (Realign makes every library
    degenerate, docs/model.md §5.6), but each one's Nash verdict is robust: the same over every
    admissible pair.  The principal branch tends to a perfect, hence admissible, equilibrium
    (McKelvey & Palfrey 1995), so at large lambda the quantal verdict and counter are the Nash
    ones.  Probabilities: a strategy that is strictly worse by ``g`` payoff units keeps
    probability ``exp(-lambda g)``; one that ties at the limit converges like ``1/lambda``; over
    ``k`` strategies the probability of schism is then within ``2 k / lambda`` of the limit's."""
    s = scenario(stem)
    nash = evaluate(model_of(s, backend="batched")).columns
    assert nash["robust"][0]
    lam = 1000.0
    q = quantal(s, [lam]).columns
    k = len(s.settings["partnership.strategies"])
    assert q["verdict"][0] == nash["verdict"][0]
    assert q["counter_offer"][0] == pytest.approx(nash["counter_offer"][0], abs=1e-9)
    assert abs(q["p_schism"][0] - nash["p_schism"][0]) <= 2 * k / lam
    assert abs(q["p_schism_baseline"][0] - nash["p_schism_baseline"][0]) <= 2 * k / lam
    assert q["converged"][0]


def test_counter_converges_to_the_nash_counter():
    """The Nash partner pays (just above) the least ``m_N`` at which the target stays.  Under
    logit response the target's probability of breaking near ``m_N`` is about
    ``exp(-lambda slope (m - m_N) / unit_T)`` (``slope = dt duration_T``, the rise of the
    target's PV of staying per unit of ``m``); the partner pays until the marginal gain of a
    lower break probability equals the marginal cost of ``m``, which puts its optimum at
    ``m_N + (unit_T / (lambda slope)) log(C lambda)`` for a constant ``C`` of the stakes.  So
    the excess is non-negative and within ``(unit_T / (lambda slope)) (log lambda + 5)``."""
    s = counter_case()
    nash = evaluate(model_of(s, backend="batched"))
    m_N = nash.columns["counter_offer"][0]
    assert m_N > 0 and nash.columns["verdict"][0] == "backfire"
    lams = np.array([1e2, 1e3, 1e4])
    q = quantal(s, lams)
    g = q.stage.game(q.columns["counter_offer"])
    slope = q.model.dt * q.stage.table["duration_T"][:, 0, 0]  # Loyal against Loyal
    excess = q.columns["counter_offer"] - m_N
    bound = g.unit_T / (lams * slope) * (np.log(lams) + 5.0)
    assert (excess >= 0).all() and (excess <= bound).all(), (excess, bound)
    assert np.all(np.diff(excess) < 0)
    assert (q.columns["verdict"] == "backfire").all()


def test_probability_of_schism_rises_with_the_reward():
    """{Loyal, Realign}, no counter: a reward raises only the target's value of the pairs that
    end in a break (``hit_T r dt / (1 - delta_T s)``), so at fixed lambda the target's
    probability of Realign, and with it the probability of schism, never falls."""
    s = counter_case(**{"counter.budget": 0.0})
    rewards = np.linspace(0.0, 20.0, 21)
    md = model_of(s, {"wedge.reward": rewards, "solver.rationality": np.full(21, 2.0)},
                  backend="batched")
    q = quantal_evaluate(md, fixed_package(md), np.full(21, 2.0)).columns
    p = q["p_schism"]
    assert np.all(np.diff(p) >= -1e-12) and p[-1] > p[0] + 0.1
    assert np.all(q["p_schism_baseline"] == q["p_schism_baseline"][0])  # no offer, no change


@pytest.mark.parametrize("costs", [(np.inf, np.inf), (np.inf, 20.0), (20.0, np.inf)])
def test_existential_costs_give_no_nan(costs):
    s = scenario("reverse_kissinger_2025", **{"schism.cost.target": costs[0],
                                              "schism.cost.partner": costs[1]})
    q = quantal(s, [0.0, 0.5, 5.0, 200.0])
    for name, col in q.columns.items():
        if col.dtype != object:
            assert not np.isnan(col.astype(float)).any(), name
    assert np.isfinite(q.columns["p_schism"]).all() and q.columns["converged"].all()
    if np.isinf(costs).all():  # neither plays a strategy that may break, at lambda > 0
        assert (q.columns["p_schism"][1:] == 0).all()


def test_solve_reports_the_expected_outcome_with_its_own_reasons():
    s = scenario("wedge_optimist_2025", **{"solver.rationality": 3.0})
    out = triangle.solve(s, backend="batched")
    ev = evaluate_scenario(s, backend="batched")
    assert out.verdict == ev.columns["quantal_verdict"][0]
    assert out.p_schism == pytest.approx(ev.columns["quantal_p_schism"][0], abs=1e-12)
    assert out.nash_verdict == triangle.solve(scenario("wedge_optimist_2025"),
                                              backend="batched").verdict
    assert verdict_from_reasons(out.reasons) == out.verdict  # the classifier's own tests
    assert out.method["response"] == "logit quantal response"
    from triangle.presentation.report import outcome_dict, render_text

    text = render_text(out)
    assert "Expected outcome under logit quantal response with lambda = 3" in text
    assert outcome_dict(out)["quantal_response"].startswith("Expected outcome")
    assert outcome_dict(triangle.solve(scenario("wedge_optimist_2025"),
                                       backend="batched"))["quantal_response"] is None


def test_nash_points_repeat_the_nash_columns():
    s = scenario("kissinger_1971")
    ev = evaluate_scenario(s, {"solver.rationality": np.array([np.inf, 0.0])}, backend="batched")
    c = ev.columns
    assert c["quantal_verdict"][0] == c["verdict"][0]
    assert c["quantal_p_schism"][0] == c["p_schism"][0]
    assert c["quantal_p_schism"][1] == c["quantal_p_schism_baseline"][1]  # lambda = 0


def test_stage_is_that_of_the_rational_package():
    s = scenario("kissinger_1971")
    q = quantal(s, [1.0])
    md = model_of(s, backend="batched")
    ref = build_stage(md, fixed_package(md))
    np.testing.assert_array_equal(q.stage.table["p_horizon"], ref.table["p_horizon"])

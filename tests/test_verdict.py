"""Verdicts, cohesion and existential costs: one code path, decided by the numbers."""

import numpy as np
import pytest

from triangle.wedge.verdict import VERDICTS, evaluate

from .conftest import build

FULL = ("Loyal", "Hedger", "TitForTat", "Grim", "Consult(2)", "Realign")


def test_same_code_path_gives_success_failure_and_backfire():
    """Low costs and a durable commitment: success; existential costs: failed; a partner
    with money to spend: backfire (no schism, cohesion up)."""
    inf = np.inf
    model = build(FULL,
                  schism__cost__target=np.array([2.0, inf, 2.0]),
                  schism__cost__partner=np.array([2.0, inf, 1e4]),
                  counter__budget=np.array([0.0, 0.0, inf]),
                  wedge__reward=6.0, wedge__durability=1.0, schism__value_to_divider=10.0,
                  partnership__noise=0.02, partnership__consultation=0.5,
                  time__period_years=0.5)
    ev = evaluate(model)
    c = ev.columns
    assert list(c["verdict"]) == ["success", "failed", "backfire"]
    assert list(c["schism"]) == [True, False, False]
    assert c["counter_offer"][2] > 0 and c["cohesion_change"][2] > 0
    assert c["cohesion_after"][2] > c["cohesion_before"][2]
    assert c["margin"][1] == -np.inf and np.isfinite(c["margin"][0])
    assert c["pv_divider"][0] > c["pv_divider_baseline"][0]


def test_durability_decides_success():
    """The same reward fails when the divider's commitment is unlikely to last."""
    model = build(FULL, wedge__reward=6.0, counter__budget=0.0, schism__cost__target=2.0,
                  wedge__durability=np.array([1.0, 0.3]))
    ev = evaluate(model)
    assert list(ev.columns["verdict"]) == ["success", "failed"]
    assert ev.columns["r_star"][1] > 6.0 > ev.columns["r_star"][0]


def test_pocketed_and_no_attempt_and_roles():
    model = build(FULL, wedge__upfront=np.array([1.0, 0.0]), wedge__reward=0.0,
                  counter__budget=0.0)
    c = evaluate(model).columns
    assert list(c["verdict"]) == ["pocketed", "no_attempt"]
    # Pocketed: the target is the pivot of a romantic triangle (DESIGN §5).
    assert c["configuration"][0] == "romantic_triangle"
    assert (c["role_target"][0], c["role_partner"][0], c["role_divider"][0]) == (
        "pivot", "wing", "wing")
    assert c["configuration"][1] == "stable_marriage" and c["role_divider"][1] == "outcast"


def test_coercion_backfires_through_the_threat_response():
    """Pressure with a strong balance-of-threat response tightens the partnership."""
    model = build(FULL, wedge__pressure=1.0, counter__budget=0.0,
                  threat__response__target=np.array([2.0, 0.0]),
                  threat__response__partner=1.0)
    c = evaluate(model).columns
    assert c["verdict"][0] == "backfire" and c["cohesion_change"][0] > 0
    assert c["verdict"][1] == "failed"  # pressure without a threat response moves nothing
    assert c["role_target"][0] == "partner"  # D–T is hostile under pressure


def test_existential_equals_finite_cost_above_the_bound():
    kw = dict(wedge__reward=8.0, wedge__upfront=0.5, partnership__noise=0.03,
              partnership__consultation=0.3, time__period_years=0.25, counter__budget=0.0)
    ex = evaluate(build(FULL, schism__cost__target=np.inf, schism__cost__partner=np.inf, **kw))
    bound_T, bound_P = ex.columns["bound_target"][0], ex.columns["bound_partner"][0]
    assert np.isfinite(bound_T) and np.isfinite(bound_P)
    finite = evaluate(build(FULL, schism__cost__target=bound_T * 1.5 + 1.0,
                            schism__cost__partner=bound_P * 1.5 + 1.0, **kw))
    assert ex.columns["verdict"][0] == finite.columns["verdict"][0] == "pocketed"
    a, b = ex.solution.batch, finite.solution.batch
    assert a.valid.sum() == b.valid.sum()
    # Above the bound the supports and every pure equilibrium are the same (subgame module
    # doc); the extreme points of a continuum along which the target is indifferent between
    # two exposures to a schism move with the cost (T's own break pays the reward, a break
    # by P does not), so only their supports are compared.
    np.testing.assert_array_equal(a.x[a.valid] > 0, b.x[b.valid] > 0)
    np.testing.assert_array_equal(a.y[a.valid] > 0, b.y[b.valid] > 0)
    pure = ((a.x[a.valid] == 1).any(axis=1) & (a.y[a.valid] == 1).any(axis=1))
    assert pure.sum() >= 9
    np.testing.assert_array_equal(a.x[a.valid][pure], b.x[b.valid][pure])
    np.testing.assert_array_equal(a.y[a.valid][pure], b.y[b.valid][pure])
    assert ex.columns["margin"][0] == -np.inf
    for key in ("pv_target", "pv_partner", "pv_divider", "p_schism", "cohesion_change"):
        assert np.isfinite(ex.columns[key][0]), key
    for value in ex.columns.values():
        if value.dtype.kind == "f":
            assert not np.isnan(value).any()


def test_selection_all_reports_robustness():
    """Noise-free with both partners able to break: several equilibria; `all` says whether
    the verdict holds in all admissible ones."""
    common = dict(wedge__reward=3.0, counter__budget=0.0, schism__cost__target=40.0)
    all_sel = evaluate(build(FULL, selection="all", **common)).columns
    assert all_sel["verdict"][0] == "failed" and bool(all_sel["robust"][0])
    best = evaluate(build(FULL, selection="best_for_divider", **common)).columns
    worst = evaluate(build(FULL, selection="worst_for_divider", **common)).columns
    assert best["pv_divider"][0] >= worst["pv_divider"][0]


@pytest.mark.parametrize("ties,opposite", [(2.0, 0.5)])
def test_positional_payoffs_follow_wu_ranking(ties, opposite):
    """With a > 2b > 0, Wu's ranking pivot > friend > partner > wing > foe > outcast holds."""
    from triangle.wedge.dittmer import positional_payoff

    a, b = ties, opposite
    pivot = positional_payoff(1, 1, -1, a, b)["target"]     # romantic: T on both + dyads
    wing = positional_payoff(1, 1, -1, a, b)["partner"]
    friend = positional_payoff(1, 1, 1, a, b)["target"]
    partner = positional_payoff(1, -1, -1, a, b)["target"]  # stable marriage T–P
    outcast = positional_payoff(1, -1, -1, a, b)["divider"]
    foe = positional_payoff(-1, -1, -1, a, b)["target"]
    assert pivot > friend > partner > wing > foe > outcast


# --- issue 10: verdicts credit the wedge only with what the offer changed -------------------
OPTIMIST = "wedge_optimist_2025.toml"


def _scenario(stem, **overrides):
    from triangle.scenario.files import library_dir, load_scenario
    return load_scenario(library_dir() / stem).replace(
        {k.replace("__", "."): v for k, v in overrides.items()})


def _columns(scenario, points=None, backend="admissible"):
    from triangle.wedge.solve import evaluate_scenario
    return evaluate_scenario(scenario, points, backend=backend).columns


def test_cohesion_counts_the_pressures_own_cost():
    """Pressure with a weak threat response pushes the target towards breaking (r* falls), so
    it is no backfire: cohesion is the whole stay-minus-break value, and it must fall with r*."""
    s = _scenario(OPTIMIST, threat__response__target=0.5, wedge__reward=1.0)
    c = _columns(s, {"wedge.pressure": np.array([1.0, 2.5])})
    assert c["verdict"][0] != "backfire" and c["cohesion_change"][0] < 0
    assert c["verdict"][1] == "success" and c["cohesion_change"][1] < 0
    # The change is exactly the closed form: (m - m0 + (theta_T - 1) pressure) dt / (1 - delta_T).
    dt, dT = 0.1, 0.95 ** 0.1  # the optimists' period and the target's patience
    for k, pressure in enumerate((1.0, 2.5)):
        m, m0 = c["counter_offer"][k], c["counter_offer_baseline"][k]
        expected = (m - m0 + (0.5 - 1.0) * pressure) * dt / (1 - dT)
        assert c["cohesion_change"][k] == pytest.approx(expected, rel=1e-12)
        assert c["cohesion_after"][k] - c["cohesion_before"][k] == pytest.approx(expected)


def test_a_split_without_any_offer_is_not_the_wedges():
    """Values below the outside options and tiny schism costs: the partnership splits with no
    offer on the table, and the reward paid for it earns its own verdict, not 'pyrrhic'."""
    model = build(FULL, partnership__value__target=0.5, schism__outside__target=2.0,
                  schism__cost__target=0.1, wedge__reward=1.5, counter__budget=0.0)
    c = evaluate(model).columns
    assert c["schism_baseline"][0] and c["schism"][0]
    assert c["verdict"][0] == "split_anyway"


def test_success_is_monotone_in_the_targets_schism_cost():
    """1971-like: as S_T rises the verdict goes split_anyway -> success -> no schism, never back."""
    s = _scenario("kissinger_1971.toml")
    costs = np.array([1, 5, 10, 20, 30, 36, 40, 50, 60, 80, 120.0])
    verdicts = list(_columns(s, {"schism.cost.target": costs})["verdict"])
    stage = {"split_anyway": 0, "success": 1, "pyrrhic": 1}
    ranks = [stage.get(v, 2) for v in verdicts]
    assert ranks == sorted(ranks), verdicts
    assert "success" in verdicts and "pyrrhic" not in verdicts, verdicts


def test_the_horizon_alone_does_not_make_a_misreading_the_wedges():
    """Grim and Hedger only: a schism that misreadings bring with or without the offer is not
    the wedge's, so horizons 0.9 and 1.0 (same present values) give the same verdict."""
    s = _scenario(OPTIMIST, partnership__strategies=["Grim", "Hedger"], wedge__reward=0.5,
                  solver__selection="best_for_divider")
    c = _columns(s, {"time.horizon_years": np.array([0.9, 1.0])})
    assert c["verdict"][0] == c["verdict"][1]
    assert not {"success", "pyrrhic"} & set(c["verdict"])
    np.testing.assert_allclose(c["pv_divider"][0], c["pv_divider"][1])


@pytest.mark.parametrize("overrides", [
    dict(partnership__strategies=["Grim", "Hedger"], wedge__reward=0.5),
    dict(partnership__strategies=["Grim", "Hedger"], wedge__reward=3.0),
    dict(schism__cost__target=55.0),
])
def test_every_rules_verdict_is_possible_under_all(overrides):
    """robust/possible range over pairs (equilibrium with the offer, without it): the verdict
    under any selection rule is one of those possible under `all`."""
    from triangle.wedge.solve import evaluate_scenario
    s = _scenario(OPTIMIST, **overrides)
    everything = evaluate_scenario(s.replace({"solver.selection": "all"}), backend="admissible")
    possible = everything.possible(0)
    for rule in ("payoff_dominant", "best_for_divider", "worst_for_divider"):
        ev = evaluate_scenario(s.replace({"solver.selection": rule}), backend="admissible")
        assert ev.columns["verdict"][0] in possible, (rule, possible)
        assert set(ev.possible(0)) <= set(possible)
        assert ev.columns["robust"][0] == (len(ev.possible(0)) == 1)
    assert everything.columns["robust"][0] == (len(possible) == 1)


def test_the_partners_largest_counter_is_never_negative():
    """1971-like with a budget: the Soviet Union would rather see the schism than keep China
    for free, so its largest worthwhile counter is 0 (not -0.93) and the margin not inflated."""
    from triangle.partnership import closed_form as cf
    s = _scenario("kissinger_1971.toml", counter__budget=5.0, schism__cost__partner=0.7,
                  schism__outside__partner=2.0)
    c = _columns(s)
    assert c["m_max"][0] == 0.0
    r_star0 = cf.threshold_reward(1.0, 0.5, 0.0, 0.0, 0.95, 0.9, 1.0)
    assert c["margin"][0] == pytest.approx(c["r_max"][0] - r_star0)
    assert float(cf.partner_max_counter(0.0, 1.0, 2.0, 0.9, 1.0, 5.0)) == 0.0


@pytest.mark.parametrize("backend", ["nashpy", "batched", "admissible"])
@pytest.mark.parametrize("mode", ["fixed", "optimize"])
def test_a_one_strategy_library_solves_with_every_backend(backend, mode):
    """The meta-game of a one-strategy library is a single cell, its only equilibrium."""
    from triangle.wedge.solve import solve
    s = _scenario(OPTIMIST, partnership__strategies=["Grim"], wedge__mode=mode)
    out = solve(s, backend=backend)
    assert len(out.equilibria) == 1 and out.equilibria[0]["target"] == "Grim"
    assert out.verdict in VERDICTS and out.reasons
    # Grim against Grim breaks only on a misreading, with or without the offer.
    assert out.p_schism == pytest.approx(out.columns["p_schism_baseline"])

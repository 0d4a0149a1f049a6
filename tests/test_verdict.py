"""Verdicts, cohesion and existential costs: one code path, decided by the numbers."""

import numpy as np
import pytest

from triangle.wedge.verdict import evaluate

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
    np.testing.assert_allclose(a.x[a.valid], b.x[b.valid], atol=1e-9)
    np.testing.assert_allclose(a.y[a.valid], b.y[b.valid], atol=1e-9)
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

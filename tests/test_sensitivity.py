"""Sensitivity analysis against answers known in closed form (DESIGN §4).

The designed scenario has the two-strategy library {Loyal, Realign}, no noise and no counter
budget, so the target breaks exactly when ``r > r* = (1 - δ_T s)[S_T/dt + (R_T - O_T)/(1 - δ_T)]``
and the wedge margin is ``r_max - r*`` with ``r_max = G (1 - δ_D s)/((1 - δ_D)(1 + a))``.
A non-unit period and durability make every term of the formula count.
"""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from triangle.analysis import sensitivity as se
from triangle.partnership import closed_form as cf
from triangle.scenario.files import parse_scenario

DT, BETA_T, BETA_D, DURABILITY = 0.5, 0.9, 0.95, 0.9
R_T, O_T, S_T, REWARD, G = 4.0, 1.0, 5.0, 6.0, 20.0

DESIGNED = {
    "scenario": {"name": "Designed: closed-form threshold", "sources": ["DESIGN section 4"]},
    "time": {"period_years": DT, "patience": {"divider": BETA_D, "target": BETA_T,
                                              "partner": 0.95}},
    "partnership": {"value": {"target": R_T, "partner": 3.0}, "strategies": ["Loyal", "Realign"],
                    "noise": 0.0},
    "schism": {"cost": {"target": S_T, "partner": 5.0}, "outside": {"target": O_T},
               "value_to_divider": G},
    "wedge": {"reward": REWARD, "durability": DURABILITY},
    "counter": {"budget": 0.0},
}


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(DESIGNED)


def _delta_s():
    return BETA_T ** DT, DURABILITY ** DT


def r_star(S=S_T):
    d, s = _delta_s()
    return float(cf.threshold_reward(S, R_T, O_T, 0.0, d, s, DT))


def cost_threshold(r=REWARD):
    """The S_T at which r*(S_T) = r: S* = dt [r / (1 - δ s) - (R - O) / (1 - δ)]."""
    d, s = _delta_s()
    return DT * (r / (1 - d * s) - (R_T - O_T) / (1 - d))


def r_max(g):
    d, s = BETA_D ** DT, DURABILITY ** DT
    return g * (1 - d * s) / (1 - d)


# --- one at a time -----------------------------------------------------------------------------
def test_oat_flip_on_reward_equals_closed_form_threshold(scenario):
    res = se.oat(scenario, ["wedge.reward=1:20"], grid=11)
    flips = res.flips("wedge.reward")
    assert [(f["from"], f["to"]) for f in flips] == [("failed", "success")]
    flip = flips[0]
    assert flip["value"] == pytest.approx(r_star(), rel=1e-6)
    lo, hi = flip["bracket"]
    assert hi - lo <= 1e-9 * flip["value"]  # located to a relative 1e-9 or better
    assert res.to_dict()["parameters"]["wedge.reward"]["flip"] == flip["value"]


def test_oat_flip_on_cost_equals_closed_form_threshold(scenario):
    res = se.oat(scenario, ["schism.cost.target=0:40"], grid=9)
    (flip,) = res.flips("schism.cost.target")
    assert (flip["from"], flip["to"]) == ("success", "failed")
    assert flip["value"] == pytest.approx(cost_threshold(), rel=1e-6)


def test_oat_table_gives_closed_form_margins_and_ignores_irrelevant(scenario):
    res = se.oat(scenario, {"schism.cost.target": (0.0, 8.0), "time.horizon_years": (1.0, 50.0)},
                 outputs=("margin", "p_schism"), grid=5)
    t = res.table
    d, s = _delta_s()
    for S, col in ((0.0, "margin_at_low"), (8.0, "margin_at_high")):
        assert t.loc["schism.cost.target", col] == pytest.approx(r_max(G) - r_star(S), rel=1e-12)
    assert t.loc["time.horizon_years", "swing"] == 0.0
    assert t.loc["schism.cost.target", "swing"] == pytest.approx(8 * (1 - d * s) / DT)
    assert res.flips("time.horizon_years") == []
    assert res.baseline["margin"] == pytest.approx(r_max(G) - r_star())
    assert res.baseline["verdict"] == "failed"  # reward 6 is below r* at the scenario itself
    assert set(res.curves["parameter"]) == {"schism.cost.target", "time.horizon_years"}
    assert len(res.curves) == 10


# --- global: Morris and Sobol' ----------------------------------------------------------------
GSA = ["schism.value_to_divider=10:30", "schism.cost.target=0:40", "time.horizon_years=1:50"]


def test_sobol_ranks_dominant_and_irrelevant_parameters(scenario):
    res = se.sobol(scenario, GSA, samples=256, seed=11)
    t = res.table
    assert t.loc["time.horizon_years", "ST"] < 0.05
    assert t["ST"].idxmax() == "schism.value_to_divider"
    # The margin is additive and linear: S1 = ST = share of the variance, known exactly.
    d, s = _delta_s()
    var_g = (r_max(20.0) / 20.0) ** 2 * 20.0 ** 2 / 12
    var_s = ((1 - d * s) / DT) ** 2 * 40.0 ** 2 / 12
    expected = var_g / (var_g + var_s)
    assert t.loc["schism.value_to_divider", "S1"] == pytest.approx(expected, abs=0.1)
    assert t.loc["schism.cost.target", "ST"] == pytest.approx(1 - expected, abs=0.05)
    assert res.clip == {"clipped": 0}
    assert len(res.samples) == 256 * (3 + 2)


def test_morris_ranks_dominant_and_irrelevant_parameters(scenario):
    res = se.morris(scenario, GSA, trajectories=10, seed=4)
    t = res.table
    assert t["mu_star"].idxmin() == "time.horizon_years"
    assert t.loc["time.horizon_years", "mu_star"] == 0.0
    assert t["mu_star"].idxmax() == "schism.value_to_divider"
    d, s = _delta_s()
    # Linear output: every elementary effect (per unit of the scaled range) is the slope times
    # the width of the range, so mu is exact and sigma is 0.
    assert t.loc["schism.cost.target", "mu"] == pytest.approx(-(1 - d * s) / DT * 40.0)
    assert t.loc["schism.value_to_divider", "mu"] == pytest.approx(r_max(20.0))
    assert t.loc["schism.cost.target", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert len(res.samples) == 10 * 4


def test_same_seed_same_numbers(scenario):
    a = se.sobol(scenario, GSA[:2], samples=64, seed=0)
    b = se.sobol(scenario, GSA[:2], samples=64, seed=0)
    c = se.sobol(scenario, GSA[:2], samples=64, seed=1)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.samples["schism.cost.target"], c.samples["schism.cost.target"])
    m1 = se.morris(scenario, GSA, trajectories=6, seed=0).to_dict()
    assert m1 == se.morris(scenario, GSA, trajectories=6, seed=0).to_dict()


def test_existential_cost_is_clipped_and_said_so(scenario):
    exist = scenario.replace({"schism.cost.target": "existential"})
    res = se.sobol(exist, GSA[::2], samples=32, seed=2)
    assert res.clip["clipped"] == len(res.samples)
    assert res.clip["bound"] == 1.0 and "clipped" in res.clip["rule"]
    assert (res.table == 0).all().all()
    assert any("constant" in n for n in res.notes)
    morris = se.morris(exist, GSA[::2], trajectories=4, seed=2)
    assert morris.clip["clipped"] == len(morris.samples)
    assert (morris.table["mu_star"] == 0).all()
    # p_schism needs no clip and is 0 throughout: the target never breaks.
    p = se.sobol(exist, GSA[::2], output="p_schism", samples=32, seed=2)
    assert p.clip == {"clipped": 0}


def test_clip_rule_on_mixed_values():
    y, note = se.clip_infinite(np.array([-np.inf, -3.0, 2.0, np.inf]))
    assert list(y) == [-6.0, -3.0, 2.0, 6.0]
    assert note["clipped"] == 2 and note["bound"] == 6.0
    y, note = se.clip_infinite(np.array([-np.inf, 1.0]), clip=100.0)
    assert list(y) == [-100.0, 1.0] and "given" in note["rule"]


# --- ranges, evaluation, plots --------------------------------------------------------------
@pytest.mark.parametrize("spec, words", [
    ("schism.cost.targt=0:4", ["unknown path", "did you mean schism.cost.target?"]),
    ("schism.cost.target=5:1", ["LO < HI", "5:1"]),
    ("time.patience.target=0.5:1", ["(0, 0.9999]", "found 1"]),
    ("schism.cost.target=0:lots", ["a number for HI", "'lots'"]),
    ("schism.cost.target", ["PATH=LO:HI"]),
    ("wedge.mode=0:1", ["numeric parameter"]),
    ("schism.cost.target=0:inf", ["finite"]),
])
def test_bad_ranges_are_one_line_errors(spec, words):
    with pytest.raises(se.VaryError) as err:
        se.parse_vary(spec)
    text = str(err.value)
    assert "\n" not in text
    for w in words:
        assert w in text


def test_ranges_accept_several_forms_and_refuse_duplicates():
    rs = se.ranges([se.Range("wedge.reward", 0, 1), ("wedge.durability", 0.5, 1), "wedge.upfront=0:2"])
    assert [str(r) for r in rs] == ["wedge.reward=0:1", "wedge.durability=0.5:1", "wedge.upfront=0:2"]
    with pytest.raises(se.VaryError, match="once"):
        se.ranges(["wedge.reward=0:1", "wedge.reward=0:2"])
    with pytest.raises(se.VaryError, match="power of 2"):
        se.sobol(parse_scenario(DESIGNED), GSA, samples=100)


def test_evaluate_points_in_chunks_matches_one_batch(scenario):
    pts = {"schism.cost.target": np.linspace(0, 40, 25), "wedge.reward": np.linspace(1, 20, 25)}
    whole = se.evaluate_points(scenario, pts)
    chunked = se.evaluate_points(scenario, pts, chunk_size=7)
    pd.testing.assert_frame_equal(whole, chunked)
    assert list(whole.columns[:2]) == ["schism.cost.target", "wedge.reward"]
    assert {"verdict", "margin", "p_schism"} <= set(whole.columns)
    assert len(whole) == 25


def test_plots_are_figures(scenario):
    oat = se.oat(scenario, ["wedge.reward=1:20", "schism.cost.target=0:40"], grid=5)
    for fig in (oat.plot(), se.morris(scenario, GSA, trajectories=4, seed=0).plot(),
                se.sobol(scenario, GSA, samples=16, seed=0).plot()):
        assert isinstance(fig, Figure)
        assert fig.axes and fig.axes[0].get_title()
    labels = [t.get_text() for t in oat.plot().axes[0].get_yticklabels()]
    assert any("wedge.reward" in label for label in labels)

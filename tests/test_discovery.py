"""Scenario discovery (PRIM) on scenarios whose success region is known in closed form.

Strategies {Loyal, Realign}, no noise, no counter budget, a fixed reward ``r``: the target breaks
iff ``S_T < r dt / (1 - δ_T s) - (R_T - O_T) dt / (1 - δ_T)``, and the divider gains from the
split while ``r < r_max = G (1 - δ_D s) / ((1 - δ_D)(1 + a))``, so the wedge succeeds exactly
on an interval of ``S_T`` or of ``r``.  Parameters that do not enter (the horizon, the partner's
hedging gain, the consultation rate with no noise) must be left unrestricted.
"""

import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from triangle.analysis import discovery as di
from triangle.partnership import closed_form as cf
from triangle.scenario.files import parse_scenario

BETA, DURABILITY, R_T, REWARD, G = 0.95, 0.99, 4.0, 6.0, 10.0

DESIGNED = {
    "scenario": {"name": "Designed: success iff S_T below a threshold",
                 "sources": ["DESIGN section 4, closed form"]},
    "time": {"patience": {"divider": BETA, "target": BETA, "partner": BETA}},
    "partnership": {"value": {"target": R_T, "partner": 3.0}, "strategies": ["Loyal", "Realign"],
                    "noise": 0.0},
    "schism": {"cost": {"target": 5.0, "partner": 5.0}, "value_to_divider": G},
    "wedge": {"reward": REWARD, "durability": DURABILITY},
    "counter": {"budget": 0.0},
}
IRRELEVANT = ["time.horizon_years=1:50", "partnership.hedge_gain.partner=0:5"]


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(DESIGNED)


def cost_threshold():
    s = DURABILITY
    return REWARD / (1 - BETA * s) - R_T / (1 - BETA)  # dt = 1, O_T = 0


def test_box_bounds_the_cost_at_its_closed_form_threshold(scenario):
    threshold = cost_threshold()
    res = di.discover(scenario, [f"schism.cost.target=0:{2 * threshold}", *IRRELEVANT],
                      samples=1000, seed=1)
    assert 0.45 < res.success_rate < 0.55
    box = res.boxes[0]
    lo, hi = box.limits["schism.cost.target"]
    assert box.restricted["schism.cost.target"] == (False, True)
    assert hi == pytest.approx(threshold, rel=0.05)
    assert lo == 0.0
    for spec in IRRELEVANT:
        path, bounds = spec.split("=")
        assert box.restricted[path] == (False, False)
        assert box.limits[path] == tuple(float(b) for b in bounds.split(":"))
    assert box.coverage > 0.9 and box.density > 0.95
    assert box.rule() == f"the wedge succeeds when schism.cost.target < {hi:.4g}"
    # The box's statistics agree with the sampled points it contains.
    inside = box.contains(res.samples)
    assert res.samples["success"][inside].mean() == pytest.approx(box.density)
    assert res.samples["success"][inside].sum() / res.samples["success"].sum() == pytest.approx(
        box.coverage)
    d = res.to_dict()["boxes"][0]["parameters"]
    assert d["time.horizon_years"]["restricted"] is False
    assert d["schism.cost.target"]["restricted_high"] is True


def test_box_bounds_the_reward_on_both_sides(scenario):
    """Below r* the target stays (failed); above r_max the split costs the divider more than it
    is worth (pyrrhic): success is the interval (r*, r_max)."""
    r_star = float(cf.threshold_reward(5.0, R_T, 0.0, 0.0, BETA, DURABILITY, 1.0))
    r_max = float(cf.divider_max_reward(G, BETA, DURABILITY, 0.0))
    res = di.discover(scenario, [f"wedge.reward=0:{1.5 * r_max}", "partnership.consultation=0:1"],
                      samples=800, seed=2)
    box = res.boxes[0]
    lo, hi = box.limits["wedge.reward"]
    assert box.restricted["wedge.reward"] == (True, True)
    assert lo == pytest.approx(r_star, rel=0.05)
    assert hi == pytest.approx(r_max, rel=0.05)
    assert box.restricted["partnership.consultation"] == (False, False)
    assert set(res.samples.loc[res.samples["wedge.reward"] > r_max, "verdict"]) == {"pyrrhic"}


def test_existential_cost_never_succeeds_and_finds_no_box(scenario):
    exist = scenario.replace({"schism.cost.target": "existential"})
    res = di.discover(exist, ["wedge.reward=0:50", *IRRELEVANT], samples=200, seed=0)
    assert res.boxes == [] and res.success_rate == 0.0
    assert "never succeeds" in res.summary()
    assert res.to_dict()["boxes"] == []
    assert isinstance(res.plot(), Figure)


def test_same_seed_same_boxes(scenario):
    vary = ["schism.cost.target=0:60", "wedge.durability=0.95:1", IRRELEVANT[0]]
    a = di.discover(scenario, vary, samples=400, seed=7)
    b = di.discover(scenario, vary, samples=400, seed=7)
    c = di.discover(scenario, vary, samples=400, seed=8)
    assert a.to_dict() == b.to_dict()
    pd.testing.assert_frame_equal(a.samples, b.samples)
    assert not a.samples.equals(c.samples)


def test_latin_hypercube_has_one_point_per_stratum_and_is_the_sweeps_design():
    from triangle.analysis.points import SamplePoints
    from triangle.analysis.sensitivity import ranges

    rs = ranges(["wedge.reward=0:10", "wedge.durability=0.5:1"])
    x = di.latin_hypercube(rs, 50, seed=3)
    for r in rs:
        strata = np.floor((x[r.path] - r.low) / (r.high - r.low) * 50).astype(int)
        assert sorted(strata) == list(range(50))
    sweep = SamplePoints({r.path: (r.low, r.high) for r in rs}, 50, "lhs", seed=3).chunk(0, 50)
    for r in rs:  # one sampler: discovery draws what `triangle sweep --design lhs` draws
        np.testing.assert_array_equal(x[r.path].to_numpy(), sweep[r.path])


def test_without_prim_the_error_names_the_extra(scenario, monkeypatch):
    monkeypatch.setitem(sys.modules, "prim", None)  # import prim -> ImportError
    with pytest.raises(di.MissingDependencyError, match=r"strategic-triangle\[sensitivity\]"):
        di.discover(scenario, ["schism.cost.target=0:60"], samples=100, seed=0)


def test_result_tables_and_figure(scenario):
    res = di.discover(scenario, ["schism.cost.target=0:60", "wedge.durability=0.97:1",
                                 IRRELEVANT[0]], samples=600, seed=4)
    assert res.boxes
    t = res.table()
    assert set(t["parameter"]) == {"schism.cost.target", "wedge.durability", "time.horizon_years"}
    assert {"low", "high", "restricted", "coverage", "density"} <= set(t.columns)
    assert not t.loc[t["parameter"] == "time.horizon_years", "restricted"].any()
    fig = res.plot()
    assert isinstance(fig, Figure) and len(fig.axes) >= 2
    scatter = fig.axes[1]
    assert scatter.get_xlabel().startswith("schism.cost.target")
    assert scatter.patches  # the box is drawn

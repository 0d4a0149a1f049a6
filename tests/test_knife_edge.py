"""The partner's least counter sits on a knife edge: search and report must read it alike.

At the point below (the flagship optimist with 50-year periods) the partner's counter in the
no-wedge baseline makes the target just prefer Hedger to Realign against Hedger.  With two
tolerance rules the admissible search accepted a counter 3e-7 short (Realign still better,
inside its relative tolerance) while the batched report, with an absolute one, rejected
(Hedger, Hedger) and selected a schism: ``batched`` said pyrrhic where ``admissible`` and
``nashpy`` said success.  With one rule the search pays enough and every backend agrees.
"""

import numpy as np

from triangle.scenario.files import library_dir, load_scenario
from triangle.wedge.model import Package
from triangle.wedge.solve import evaluate_scenario, model_of
from triangle.wedge.verdict import solve_package

POINT = {"time.period_years": 50, "partnership.value.target": 6.8942,
         "partnership.value.partner": 5.2891, "schism.outside.target": 6.7575}


def scenario():
    return load_scenario(library_dir() / "wedge_optimist_2025.toml").replace(POINT)


def test_baseline_counter_really_keeps_the_target():
    """Against Hedger, the target's Hedger must earn at least its Realign at the counter."""
    model = model_of(scenario(), None, "admissible")
    zero = np.zeros(1)
    stage, m0, _, _ = solve_package(model, Package(zero, zero, zero))
    names = [s.name for s in model.library]
    h, r = names.index("Hedger"), names.index("Realign")
    A = stage.game(m0).A[0]
    assert m0[0] > 0 and A[h, h] >= A[r, h]


def test_backends_agree_on_the_verdict_and_the_baseline():
    cols = {b: evaluate_scenario(scenario(), None, b).columns for b in ("batched", "admissible")}
    a, b = cols["batched"], cols["admissible"]
    assert a["verdict"][0] == b["verdict"][0] == "success"
    assert a["pv_divider_baseline"][0] == b["pv_divider_baseline"][0] == 0.0

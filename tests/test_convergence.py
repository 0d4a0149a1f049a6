"""Every iterative search says whether it converged; a result that relied on one that did not
says so in its method record, its table column and its report."""

from pathlib import Path

import numpy as np
import pytest

from triangle.analysis.sensitivity import oat
from triangle.presentation.report import render_text
from triangle.scenario.files import load_scenario, parse_scenario
from triangle.wedge.counter import counter_offer
from triangle.wedge.model import build_stage
from triangle.wedge.solve import evaluate_scenario, model_of, solve
from triangle.wedge.verdict import fixed_package, optimal_package

LIBRARY = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="module")
def core():
    """Noise-free {Loyal, Realign}: the closed forms of DESIGN §4 hold exactly."""
    return parse_scenario({
        "scenario": {"name": "core", "sources": ["illustrative"]},
        "partnership": {"value": {"target": 4, "partner": 3}, "strategies": ["Loyal", "Realign"]},
        "schism": {"cost": {"target": 5, "partner": 5}, "value_to_divider": 10},
        "wedge": {"reward": 6, "mode": "optimize"}, "counter": {"budget": 10}})


def _stage(scenario, **points):
    md = model_of(scenario, {k.replace("__", "."): np.atleast_1d(v) for k, v in points.items()},
                  "admissible")
    return build_stage(md, fixed_package(md))


def test_counter_search_reports_a_cap_it_hits(core):
    stage = _stage(core, wedge__reward=6.0)
    m, _, converged = counter_offer(stage)
    assert m[0] > 0 and converged.all()
    m_capped, _, capped = counter_offer(stage, max_steps=0)
    assert not capped.any()
    assert m_capped[0] >= m[0]  # the feasible end of the open bracket: enough, maybe too much


def test_counter_search_with_nothing_to_search_converges(core):
    stage = _stage(core, wedge__reward=0.0)
    m, _, converged = counter_offer(stage, max_steps=0)
    assert m[0] == 0 and converged.all()


def test_optimal_package_reports_an_open_bracket(core):
    md = model_of(core, {"wedge.reward": np.array([6.0])}, "admissible")
    package, converged = optimal_package(md)
    assert converged.all() and package.reward[0] > 0
    _, capped = optimal_package(md, max_steps=3)
    assert not capped.any()


def test_outcome_method_column_and_report_say_not_converged(core):
    out = solve(core, backend="batched")
    assert out.method["converged"] is True and out.columns["converged"] is True
    assert "Not converged" not in render_text(out)
    capped = solve(core, backend="batched", max_steps=2)
    assert capped.method["converged"] is False and capped.columns["converged"] is False
    assert "Not converged" in render_text(capped)
    ev = evaluate_scenario(core, {"wedge.reward": np.array([0.0, 6.0])}, max_steps=2)
    assert list(ev.columns["converged"]) == [False, False]  # the package search runs at both


def test_fixed_package_without_counter_needs_no_search():
    s = load_scenario(LIBRARY / "wedge_optimist_2025.toml").replace({"counter.budget": 0})
    ev = evaluate_scenario(s, backend="batched", max_steps=0)
    assert ev.columns["converged"].all()


def test_oat_flips_say_whether_the_bisection_converged(core):
    s = core.replace({"wedge.mode": "fixed", "counter.budget": 0})
    done = oat(s, ["wedge.reward=1:10"], grid=4)
    assert all(f["converged"] for f in done.flips("wedge.reward"))
    assert done.flips("wedge.reward")[0]["value"] == pytest.approx(4.25, abs=1e-9)  # r* = 4.25
    capped = oat(s, ["wedge.reward=1:10"], grid=4, max_steps=2)
    assert not any(f["converged"] for f in capped.flips("wedge.reward"))
    flip = capped.flips("wedge.reward")[0]
    assert flip["bracket"][0] <= 4.25 <= flip["bracket"][1]

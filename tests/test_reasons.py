"""Reasons are the classifier's own tests: at random points of every shipped scenario each
reason's inequality holds at its numbers, and the verdict follows from the deciding ones.

The suite runs a bounded sample (``REASONS_POINTS`` per scenario, default 150, fast backend);
``REASONS_POINTS=10000 pytest tests/test_reasons.py`` runs the full check.
"""

import math
import os

import numpy as np
import pytest

from triangle.scenario.files import library_dir, list_library, load_scenario
from triangle.wedge.outcome import reasons_at
from triangle.wedge.reasons import OPS, VERDICTS, compare, decide, verdict_from_reasons
from triangle.wedge.solve import evaluate_scenario

N = int(os.environ.get("REASONS_POINTS", "150"))
# Ranges wide enough to reach every verdict: cheap and existential schisms, partnerships worth
# less than the outside option, rewards above and below r_max, pressure with either threat
# response, a partner with and without money.
RANGES = {
    "schism.cost.target": (0.0, 60.0), "schism.cost.partner": (0.0, 60.0),
    "partnership.value.target": (-1.0, 6.0), "partnership.value.partner": (-1.0, 6.0),
    "wedge.reward": (0.0, 12.0), "wedge.upfront": (0.0, 2.0), "wedge.pressure": (0.0, 3.0),
    "threat.response.target": (0.0, 2.0), "counter.budget": (0.0, 3.0),
    "partnership.noise": (0.0, 1.0), "wedge.courting_cost": (0.0, 0.5),
    "wedge.hedge_reward": (0.0, 4.0),
}
ACTORS = {"divider": "D", "target": "T", "partner": "P"}


def _points(rng, n):
    pts = {k: rng.uniform(lo, hi, n) for k, (lo, hi) in RANGES.items()}
    for key in ("schism.cost.target", "schism.cost.partner"):  # some existential costs
        pts[key] = np.where(rng.random(n) < 0.1, np.inf, pts[key])
    for key in ("wedge.upfront", "wedge.pressure", "counter.budget",
                "wedge.hedge_reward"):  # exact zeros, often
        pts[key] = np.where(rng.random(n) < 0.4, 0.0, pts[key])
    no_offer = rng.random(n) < 0.05  # some points offer nothing at all
    for key in ("wedge.reward", "wedge.upfront", "wedge.pressure", "wedge.hedge_reward"):
        pts[key] = np.where(no_offer, 0.0, pts[key])
    return pts


def _check(reasons, verdict):
    assert reasons, "a verdict without reasons"
    for r in reasons:
        assert set(r) == {"id", "actor", "role", "lhs", "op", "rhs", "holds", "text"}
        assert r["op"] in OPS and r["actor"] in ACTORS and r["role"] in ("decides", "explains")
        lhs, rhs = r["lhs"]["value"], r["rhs"]["value"]
        assert not (math.isnan(lhs) or math.isnan(rhs)), r
        assert r["holds"] and compare(lhs, r["op"], rhs), r
        assert r["text"] and r["lhs"]["label"] and r["rhs"]["label"]
    assert verdict_from_reasons(reasons) == verdict


@pytest.mark.parametrize("stem", [s for s, _ in list_library()])
def test_every_reason_holds_and_the_verdict_follows_from_them(stem, rng):
    scenario = load_scenario(library_dir() / f"{stem}.toml")
    ev = evaluate_scenario(scenario, _points(rng, N), backend="admissible")
    mode = scenario.settings["wedge.mode"]
    for i in range(ev.model.n):
        _check(reasons_at(ev, i, ACTORS, mode), ev.columns["verdict"][i])


def test_decide_is_the_documented_order():
    """Brute force over the 2^10 test outcomes: the first rule that applies wins."""
    for bits in range(2 ** 10):
        t = [bool(bits >> k & 1) for k in range(10)]
        offer, schism, anyway, caused, gains, tighter, upfront, hedges, h_anyway, h_caused = t
        expected = ("no_attempt" if not offer else "split_anyway" if schism and anyway else
                    ("success" if gains else "pyrrhic") if schism and caused else
                    "partial_success" if hedges and not h_anyway and h_caused else
                    "backfire" if tighter else "pocketed" if upfront else "failed")
        assert VERDICTS[decide(*t)] == expected


def test_the_optimists_with_a_near_miss_say_what_their_numbers_say(tmp_path):
    """Issue: at S_T = 55 the text claimed r*(m) = 5.937 'at or above' r = 6, and the margin
    line said the divider can outbid while the verdict said the partner outbid."""
    scenario = load_scenario(library_dir() / "wedge_optimist_2025.toml").replace(
        {"schism.cost.target": 55.0})
    ev = evaluate_scenario(scenario, backend="admissible")
    reasons = reasons_at(ev, 0, ACTORS, "fixed")
    _check(reasons, ev.columns["verdict"][0])
    text = "\n".join(r["text"] for r in reasons)
    assert "at or above" not in text
    core = next(r for r in reasons if r["id"] == "core_threshold")
    assert core["op"] == ">" and core["lhs"]["value"] == 6.0  # r > r*(m) in the core ...
    assert "decides otherwise" in core["text"]  # ... and the text says the game disagrees


def test_pyrrhic_names_the_reward_against_r_max():
    scenario = load_scenario(library_dir() / "wedge_optimist_2025.toml").replace(
        {"wedge.reward": 9.0, "wedge.durability": 1.0})
    ev = evaluate_scenario(scenario, backend="admissible")
    assert ev.columns["verdict"][0] == "pyrrhic"
    reasons = {r["id"]: r for r in reasons_at(ev, 0, ACTORS, "fixed")}
    assert reasons["reward_vs_r_max"]["op"] == ">"
    assert reasons["reward_vs_r_max"]["rhs"]["value"] == pytest.approx(ev.columns["r_max"][0])
    assert reasons["divider_gains"]["op"] == "<="


def test_a_zero_offer_under_optimize_says_why():
    scenario = load_scenario(library_dir() / "wedge_optimist_2025.toml").replace(
        {"wedge.mode": "optimize", "schism.value_to_divider": 0.1})
    ev = evaluate_scenario(scenario, backend="admissible")
    assert ev.columns["verdict"][0] == "no_attempt"
    reasons = {r["id"]: r for r in reasons_at(ev, 0, ACTORS, "optimize")}
    best = reasons["best_offer"]
    assert best["op"] == "<=" and best["holds"]
    assert best["rhs"]["value"] == pytest.approx(ev.columns["pv_divider"][0])


def test_reasons_are_in_the_json_and_every_why_sentence_is_one():
    import json

    from triangle.presentation.report import dumps, render_text
    from triangle.wedge.solve import solve
    scenario = load_scenario(library_dir() / "first_term_2017.toml")
    out = solve(scenario, backend="admissible")
    data = json.loads(dumps(out))
    assert [r["id"] for r in data["reasons"]] == [r["id"] for r in out.reasons]
    assert data["verdict"] == "backfire" == verdict_from_reasons(out.reasons)
    tighter = next(r for r in data["reasons"] if r["id"] == "tighter")
    assert tighter["op"] == ">" and tighter["lhs"]["value"] > 0 and tighter["holds"]
    why = render_text(out).split("## Why\n\n")[1].split("\n\n")[0].splitlines()
    assert why == [f"- {r['text']}" for r in out.reasons]

"""Parameters given as distributions: parsing, medians, errors; verdict probabilities from
seeded draws against a closed-form threshold; sensitivity and discovery over distributions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from triangle.analysis.sensitivity import distribution_ranges
from triangle.analysis.uncertainty import verdict_probabilities
from triangle.presentation.cli import main
from triangle.scenario.distributions import Distribution
from triangle.scenario.files import ScenarioError, load_scenario, parse_scenario

DELTA, R_T, O_T, REWARD, DURABILITY = 0.95, 4.0, 1.0, 12.0, 0.9
# noise-free {Loyal, Realign}, dt = 1, no counter: T breaks iff S_T < S* (DESIGN §4)
S_STAR = REWARD / (1 - DELTA * DURABILITY) - (R_T - O_T) / (1 - DELTA)

TEXT = f"""
[scenario]
name = "uncertain"
sources = ["DESIGN §4"]
[time]
period_years = 1.0
patience = {{ divider = 0.9, target = {DELTA}, partner = 0.95 }}
[partnership]
value = {{ target = {R_T}, partner = 3.0 }}
strategies = ["Loyal", "Realign"]
[schism]
cost = {{ target = {{ dist = "uniform", lo = 0.0, hi = {2 * S_STAR} }}, partner = 5.0 }}
outside = {{ target = {O_T} }}
value_to_divider = 20.0
[wedge]
reward = {REWARD}
durability = {DURABILITY}
[counter]
budget = 0.0
"""


def scenario(tmp_path: Path, text: str = TEXT):
    path = tmp_path / "u.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def test_medians_are_the_point_values() -> None:
    assert Distribution("uniform", {"lo": 1.0, "hi": 3.0}).median() == 2.0
    assert Distribution("loguniform", {"lo": 2.0, "hi": 8.0}).median() == pytest.approx(4.0)
    tri = Distribution("triangular", {"lo": 0.0, "mode": 1.0, "hi": 4.0})
    assert tri.median() == pytest.approx(4 - math.sqrt(0.5 * 4 * 3))  # mode below the median
    beta = Distribution("beta", {"a": 2.0, "b": 5.0, "lo": 1.0, "hi": 3.0})
    assert beta.median() == pytest.approx(1 + 2 * stats.beta.median(2, 5))
    u = np.linspace(0, 1, 11)
    assert np.allclose(tri.ppf(u), stats.triang.ppf(u, 0.25, loc=0, scale=4))


def test_file_keeps_distribution_and_median(tmp_path: Path) -> None:
    s = scenario(tmp_path)
    assert s["schism.cost.target"] == pytest.approx(S_STAR)
    assert dict(s.distributions)["schism.cost.target"].kind == "uniform"
    point = s.replace({"schism.cost.target": 3.0})
    assert point.distributions == () and point.param_hash() != s.param_hash()
    again = s.replace({"schism.cost.target": {"dist": "loguniform", "lo": 1.0, "hi": 100.0}})
    assert again["schism.cost.target"] == pytest.approx(10.0)


@pytest.mark.parametrize("value, key, found", [
    ('{ dist = "normal", lo = 0, hi = 1 }', "wedge.durability.dist", '"normal"'),
    ('{ dist = "uniform", lo = 0.9, hi = 0.5 }', "wedge.durability", "lo = 0.9"),
    ('{ dist = "uniform", lo = 0.5, hi = 1.5 }', "wedge.durability.hi", "1.5"),
    ('{ dist = "uniform", lo = 0.5 }', "wedge.durability.hi", "nothing"),
    ('{ dist = "uniform", lo = 0.5, hi = 0.9, mode = 0.6 }', "wedge.durability.mode", "unknown"),
    ('{ dist = "triangular", lo = 0.5, mode = 0.95, hi = 0.9 }', "wedge.durability.mode", "0.95"),
    ('{ dist = "beta", a = 0, b = 1 }', "wedge.durability", "a = 0"),
    ('{ dist = "loguniform", lo = 0, hi = 1 }', "wedge.durability.lo", "0"),
    ('{ dist = "uniform", lo = "a", hi = 1 }', "wedge.durability.lo", '"a"'),
])
def test_bad_distributions_are_one_line_errors(tmp_path: Path, value: str, key: str,
                                               found: str) -> None:
    text = TEXT.replace(f"durability = {DURABILITY}", f"durability = {value}")
    with pytest.raises(ScenarioError) as err:
        scenario(tmp_path, text)
    assert err.value.key == key and found in err.value.found and err.value.line is not None


def test_verdict_probabilities_match_the_closed_form_share(tmp_path: Path) -> None:
    s = scenario(tmp_path)
    res = verdict_probabilities(s, 400, seed=3)
    p = res.probabilities["success"]
    assert p["ci"][0] < 0.5 < p["ci"][1]
    # each draw is a success exactly when its cost lies below S*
    cost = res.table["schism.cost.target"].to_numpy()
    assert np.array_equal(res.table["verdict"].astype(str).to_numpy() == "success", cost < S_STAR)
    assert sum(q["estimate"] for q in res.probabilities.values()) == pytest.approx(1.0)
    again = verdict_probabilities(s, 400, seed=3)
    assert again.probabilities == res.probabilities
    with pytest.raises(ScenarioError):
        verdict_probabilities(parse_scenario({"scenario": {"name": "x", "sources": ["y"]},
                                              "partnership": {"value": {"target": 1,
                                                                        "partner": 1}}}), 10)


def test_run_samples_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "u.toml"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["run", str(path), "--samples", "200", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["samples"] == 200 and set(out["probabilities"]) >= {"success", "failed"}
    assert out["record"]["seed"] == 1
    assert main(["run", str(path), "--samples", "0"]) == 2


def test_sensitivity_and_discovery_sample_the_distributions(tmp_path: Path) -> None:
    s = scenario(tmp_path, TEXT.replace(f"durability = {DURABILITY}",
                                        'durability = { dist = "beta", a = 8, b = 2 }'))
    rs = distribution_ranges(s)
    assert [r.path for r in rs] == ["schism.cost.target", "wedge.durability"]
    x = np.random.default_rng(0).random(20000)
    beta = rs[1].values(x)  # uniform draws on the support map to Beta(8, 2)
    assert beta.mean() == pytest.approx(0.8, abs=0.01)
    pytest.importorskip("prim")
    from triangle.analysis.discovery import discover

    res = discover(s, rs, samples=300, seed=1)
    assert 0.0 < res.success_rate < 1.0

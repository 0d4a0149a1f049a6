"""Scenario comparison: Shapley values (efficiency, dummies, a hand-derived closed form),
minimal flipping sets by brute force, sampling above 12 claims, the ``compare`` command."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from triangle.analysis.compare import (
    compare,
    minimal_sets,
    ordering_masks,
    player_roles,
    sample_orderings,
    shapley_exact,
    shapley_sampled,
)
from triangle.presentation.cli import main
from triangle.scenario.files import library_dir, load_scenario, parse_scenario
from triangle.wedge.solve import solve

ESSAY = library_dir() / "reverse_kissinger_2025.toml"
OPTIMIST = library_dir() / "wedge_optimist_2025.toml"

# Noise-free {Loyal, Realign} core, dt = 1 (DESIGN §4): margins and thresholds in closed form.
D_D, D_T, ALLIANCE, S_T, R_T, O_T = 0.9, 0.95, 0.5, 5.0, 4.0, 1.0


CLAIMS = {"split_value": ["schism.value_to_divider"], "durable": ["wedge.durability"],
          "hedging": ["partnership.hedge_gain"]}


def core(G: float, durability: float, reward: float = 6.0, hedge: float = 0.0,
         claims: dict[str, list[str]] | None = None):
    data = {
        "scenario": {"name": f"core G={G} s={durability}", "sources": ["DESIGN §4"]},
        "time": {"period_years": 1.0, "patience": {"divider": D_D, "target": D_T,
                                                   "partner": 0.95}},
        "partnership": {"value": {"target": R_T, "partner": 3.0}, "noise": 0.0,
                        "strategies": ["Loyal", "Realign"], "hedge_gain": {"target": hedge}},
        "schism": {"cost": {"target": S_T, "partner": 5.0}, "outside": {"target": O_T},
                   "value_to_divider": G},
        "wedge": {"reward": reward, "durability": durability, "alliance_cost": ALLIANCE},
        "counter": {"budget": 0.0},
    }
    data["claims"] = {name: {"keys": keys, "says": name}
                      for name, keys in (CLAIMS if claims is None else claims).items()}
    return parse_scenario(data)


def r_max(G: float, s: float) -> float:
    return G * (1 - D_D * s) / ((1 - D_D) * (1 + ALLIANCE))


def r_star(s: float) -> float:
    return (1 - D_T * s) * (S_T + (R_T - O_T) / (1 - D_T))


def test_shapley_equals_hand_derived_closed_form_and_hedging_is_a_dummy() -> None:
    (ga, sa), (gb, sb) = (5.0, 0.75), (8.0, 0.98)
    c = compare(core(ga, sa, hedge=0.0), core(gb, sb, hedge=1.0))
    names = [p.name for p in c.players]
    assert names == ["split_value", "durable", "hedging"]
    phi = c.attribution["margin"].value
    # phi_G = 1/2 [(M(gb, sa) - M(ga, sa)) + (M(gb, sb) - M(ga, sb))]: r* does not involve G
    hand_g = (gb - ga) * (1 - D_D * (sa + sb) / 2) / ((1 - D_D) * (1 + ALLIANCE))
    hand_s = ((ga + gb) / 2 * -D_D * (sb - sa) / ((1 - D_D) * (1 + ALLIANCE))
              + D_T * (sb - sa) * (S_T + (R_T - O_T) / (1 - D_T)))
    assert phi[0] == pytest.approx(hand_g, rel=1e-12)
    assert phi[1] == pytest.approx(hand_s, rel=1e-12)
    # the hedge gain has no strategy to act through in {Loyal, Realign}: a dummy for every measure
    assert phi[2] == 0.0 and c.attribution["pv_divider"].value[2] == 0.0
    total = (r_max(gb, sb) - r_star(sb)) - (r_max(ga, sa) - r_star(sa))
    assert phi.sum() == pytest.approx(total, rel=1e-12)


def test_efficiency_of_present_value_and_margin_on_the_essay_against_the_optimists() -> None:
    c = compare(load_scenario(ESSAY), load_scenario(OPTIMIST), kind="closed_form")
    assert len(c.players) == 11
    pv = c.attribution["pv_divider"]
    assert pv.value.sum() == pytest.approx(c.ends["b"]["pv_divider"] - c.ends["a"]["pv_divider"])
    assert pv.total == pytest.approx(pv.value.sum())
    m = c.attribution["margin"]  # -inf (existential) -> finite: the infinite change is shared
    assert c.ends["a"]["margin"] == -np.inf and np.isfinite(c.ends["b"]["margin"])
    assert m.infinite_share.sum() == pytest.approx(1.0) and m.finite.sum() == pytest.approx(
        c.ends["b"]["margin"])
    assert not np.isnan(m.value).any()
    assert m.value[[p.name for p in c.players].index("existential_schism")] == np.inf
    # the closed-form core has no noise: the consultation and contact claims are dummies
    for name in ("treaty_consultation", "dense_contact"):
        assert m.value[[p.name for p in c.players].index(name)] == 0.0


def brute_force(a, b, players) -> dict[frozenset, str]:
    """The verdict of every hybrid, each solved on its own."""
    out = {}
    for r in range(len(players) + 1):
        for subset in itertools.combinations(players, r):
            over = {k: b.values[k] for p in subset for k in p.keys}
            out[frozenset(p.name for p in subset)] = solve(a.replace(over)).verdict
    return out


def test_minimal_flipping_sets_and_roles_by_brute_force() -> None:
    # r* is 18.7 at durability 0.75 and 4.49 at 0.98; r_max(G=5) = 3.9 and r_max(G=8) = 6.3 at
    # 0.98: success needs the durable promise, the larger offer and the larger G together
    claims = {**CLAIMS, "offer": ["wedge.reward"]}
    a = core(5.0, 0.75, reward=3.0, claims=claims)
    b = core(8.0, 0.98, reward=5.0, hedge=1.0, claims={})
    c = compare(a, b, flip="verdict")
    verdicts = brute_force(a, b, c.players)
    target = verdicts[frozenset(p.name for p in c.players)]
    start = verdicts[frozenset()]
    assert target != start
    flipping = {s for s, v in verdicts.items() if v == target}
    minimal = sorted((s for s in flipping if not any(t < s for t in flipping)),
                     key=lambda s: (len(s), sorted(s)))
    assert [frozenset(s) for s in c.flipping_sets] == [frozenset(s) for s in minimal]
    assert all(len(x) <= len(y) for x, y in itertools.pairwise(c.flipping_sets))
    for p in c.players:
        necessary = all(p.name in s for s in flipping)
        sufficient = frozenset({p.name}) in flipping
        assert ("necessary" in c.roles[p.name]) == necessary
        assert ("sufficient" in c.roles[p.name]) == sufficient
    assert c.roles["hedging"] == "neither" and c.ends["b"]["verdict"] == "success"
    assert [set(s) for s in c.flipping_sets] == [{"split_value", "durable", "offer"}]


def test_minimal_sets_and_roles_match_definitions_on_random_games() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        k = int(rng.integers(1, 6))
        flips = rng.random(1 << k) < 0.3
        brute = [m for m in range(1 << k) if flips[m]
                 and not any(flips[t] for t in range(1 << k) if t != m and t & m == t)]
        assert minimal_sets(flips) == sorted(brute, key=lambda m: (m.bit_count(), m))
        roles = player_roles(flips)
        for i in range(k):
            nec = flips.any() and all(m >> i & 1 for m in range(1 << k) if flips[m])
            assert ("necessary" in roles[i]) == nec and ("sufficient" in roles[i]) == flips[1 << i]


def test_shapley_exact_axioms_on_random_games() -> None:
    rng = np.random.default_rng(3)
    for k in (1, 2, 5):
        v = rng.normal(size=1 << k)
        phi = shapley_exact(v)
        assert phi.sum() == pytest.approx(v[-1] - v[0])
        # symmetric additive game: v(S) = sum of weights -> phi = weights
        w = rng.normal(size=k)
        additive = np.array([sum(w[j] for j in range(k) if m >> j & 1) for m in range(1 << k)])
        assert shapley_exact(additive) == pytest.approx(w)


def test_sampled_shapley_is_efficient_and_within_its_error_of_the_exact_value() -> None:
    rng = np.random.default_rng(11)
    k = 5
    v = rng.normal(size=1 << k) + np.array([bin(m).count("1") ** 2 for m in range(1 << k)])
    orders = sample_orderings(k, 4000, seed=1)
    est, err = shapley_sampled(v[ordering_masks(orders).astype(np.int64)], orders)
    assert est.sum() == pytest.approx(v[-1] - v[0])
    assert np.all(np.abs(est - shapley_exact(v)) < 5 * err + 1e-12)


def test_more_than_twelve_players_are_sampled_with_a_stated_error() -> None:
    a = dataclasses.replace(load_scenario(ESSAY), claims=())
    b = dataclasses.replace(load_scenario(OPTIMIST), claims=())
    c = compare(a, b, kind="closed_form", samples=50, seed=2)
    assert len(c.players) == 20 and not c.exact and c.flipping_sets is None
    pv = c.attribution["pv_divider"]
    assert pv.stderr is not None and pv.stderr.shape == (20,)
    assert pv.value.sum() == pytest.approx(pv.total)  # every ordering is efficient
    again = compare(a, b, kind="closed_form", samples=50, seed=2)
    assert np.array_equal(again.attribution["pv_divider"].value, pv.value)


def test_compare_command_json_figure_and_bad_input(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fig = tmp_path / "cmp.png"
    assert main(["compare", str(ESSAY), str(OPTIMIST), "--kind", "closed_form", "--json",
                 "-o", str(fig)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["a"]["verdict"] and out["b"]["verdict"] == "success"
    assert out["shapley"]["margin"]["values"]["existential_schism"]["value"] == "inf"
    assert fig.stat().st_size > 0
    assert main(["compare", str(ESSAY), str(OPTIMIST), "--kind", "closed_form"]) == 0
    text = capsys.readouterr().out
    assert "Shapley values" in text and "existential_schism" in text
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "x"\n', encoding="utf-8")
    assert main(["compare", str(ESSAY), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err


def test_probability_of_success_is_attributed_when_scenarios_hold_distributions() -> None:
    from triangle.analysis.uncertainty import verdict_probabilities

    # A: the target's schism cost uncertain on [0, 40]; B: G and durability of the optimists
    a = core(5.0, 0.75, reward=6.0).replace(
        {"schism.cost.target": {"dist": "uniform", "lo": 0.0, "hi": 40.0}})
    b = core(8.0, 0.98, reward=6.0, hedge=1.0).replace(
        {"schism.cost.target": {"dist": "uniform", "lo": 0.0, "hi": 10.0}})
    c = compare(a, b, draws=300, seed=4)
    assert [p.name for p in c.players] == ["split_value", "durable", "hedging",
                                           "schism.cost.target"]
    at = c.attribution["p_success"]
    assert at.value.sum() == pytest.approx(c.ends["b"]["p_success"] - c.ends["a"]["p_success"])
    assert at.value[2] == 0.0  # hedging: a dummy here too
    # A's end is exactly the estimate of `triangle run --samples` with the same seed
    alone = verdict_probabilities(a, 300, seed=4)
    assert c.ends["a"]["p_success"] == alone.probabilities["success"]["estimate"]
    lo, hi = c.ends["b"]["p_success_ci"]
    assert lo <= c.ends["b"]["p_success"] <= hi

"""The shipped scenarios come out as their analyses predict, and only because of their numbers:
for each, a change of parameters that flips its verdict."""

import pytest

from triangle.scenario.files import library_dir, list_library, load_scenario
from triangle.wedge.solve import solve

CASES = {
    # file: (verdict, {path: value} that flips it, flipped verdict)
    "reverse_kissinger_2025": ("pocketed", {"schism.cost.target": 2.0, "wedge.durability": 1.0},
                               "backfire"),
    "first_term_2017": ("backfire", {"threat.response.target": 0.0}, "pocketed"),
    "wedge_optimist_2025": ("success", {"schism.cost.target": "existential"}, "failed"),
    # Misread signals and no consultation split the hollow 1950 alliance within the decade
    # without any offer; a working consultation mechanism leaves the split to the wedge.
    "kissinger_1971": ("split_anyway", {"partnership.consultation": 0.5}, "success"),
}


@pytest.mark.parametrize("stem", sorted(CASES))
def test_shipped_scenario_verdict_and_its_flip(stem):
    verdict, change, flipped = CASES[stem]
    scenario = load_scenario(library_dir() / f"{stem}.toml")
    assert solve(scenario, backend="batched").verdict == verdict
    assert solve(scenario.replace(change), backend="batched").verdict == flipped


def test_flagship_with_the_nashpy_reference():
    scenario = load_scenario(library_dir() / "reverse_kissinger_2025.toml")
    out = solve(scenario)  # the scenario's own backend: nashpy
    assert out.method["backend"] == "nashpy"
    assert (out.verdict, out.robust, out.configuration) == ("pocketed", True, "romantic_triangle")
    assert out.roles == {"United States": "wing", "Russia": "pivot", "China": "wing"}
    assert out.margin == float("-inf")
    assert "existential" in out.explain()


def test_library_lists_every_file_with_a_description():
    listed = dict(list_library())
    assert set(CASES) | {"template"} == set(listed)
    assert all(listed.values())

"""The shipped scenarios come out as their analyses predict, and only because of their numbers:
for each, a change of parameters that flips its verdict."""

import pytest

from triangle.scenario.files import library_dir, list_library, load_scenario
from triangle.wedge.solve import evaluate_scenario, solve

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


def test_flagship_with_the_default_engine_and_with_the_nashpy_reference():
    """The default backend is the batched engine; `--solver nashpy` gives the same outcome,
    and on both final games (without the offer, with it and the counter) nashpy found every
    equilibrium the engine found and no other: each is marked 'nashpy+batched'."""
    scenario = load_scenario(library_dir() / "reverse_kissinger_2025.toml")
    out = solve(scenario)
    assert out.method["backend"] == "batched"
    assert (out.verdict, out.robust, out.configuration) == ("pocketed", True, "romantic_triangle")
    assert out.roles == {"United States": "wing", "Russia": "pivot", "China": "wing"}
    assert out.margin == float("-inf")
    assert "existential" in out.explain()

    ev = evaluate_scenario(scenario, backend="nashpy")
    assert ev.model.backend == "nashpy"
    engine = evaluate_scenario(scenario)
    for ref, mine in ((ev.solution, engine.solution), (ev.base.solution, engine.base.solution)):
        sources = ref.batch.source[0][ref.batch.valid[0]]
        assert len(sources) == mine.batch.count()[0] and set(sources) == {"nashpy+batched"}
    nashpy = solve(scenario, backend="nashpy")
    assert (nashpy.verdict, nashpy.robust, nashpy.roles) == (out.verdict, out.robust, out.roles)
    assert "vertex enumeration only" in " ".join(nashpy.method["notes"])


def test_library_lists_every_file_with_a_description():
    listed = dict(list_library())
    assert set(CASES) | {"template"} == set(listed)
    assert all(listed.values())

"""The final games solved by the engine and by nashpy: agreement on the shipped scenarios,
and a difference on either side is found and attributed to its source."""

import numpy as np
import pytest

from triangle.scenario.files import library_dir, list_library, load_scenario
from triangle.wedge.crosscheck import compare_game, cross_check

# Four strategies keep nashpy's support enumeration (225 support pairs) fast; the full
# libraries of the 8-strategy scenarios take ~10 s a game and are checked by `triangle check`.
SMALL = ["Loyal", "Hedger", "Grim", "Realign"]


def shipped(stem, small=True):
    scenario = load_scenario(library_dir() / f"{stem}.toml")
    return scenario.replace({"partnership.strategies": SMALL}) if small else scenario


@pytest.mark.parametrize("stem", sorted(stem for stem, _ in list_library()))
def test_engine_and_nashpy_agree_on_every_shipped_scenario_with_a_small_library(stem):
    check = cross_check(shipped(stem))
    assert check.agree, str(check)
    assert [g.game for g in check.games] == ["without the offer", "with the offer"]
    assert all(len(g.both) >= 1 for g in check.games)


def test_engine_and_nashpy_agree_on_the_smallest_shipped_scenario_in_full():
    """kissinger_1971: five strategies, games degenerate enough that nashpy's support
    enumeration alone finds fewer than half of the extreme equilibria (its notes say so)."""
    check = cross_check(shipped("kissinger_1971", small=False))
    assert check.agree, str(check)
    assert [len(g.strategies) for g in check.games] == [5, 5]
    assert any("support enumeration found" in n for g in check.games for n in g.notes)


def test_an_equilibrium_nashpy_drops_is_reported_as_the_engines_only(nashpy_drops_one):
    check = cross_check(shipped("kissinger_1971"))
    assert not check.agree
    assert all(len(g.engine_only) == 1 and not g.reference_only for g in check.games)
    assert "DIFFER" in str(check) and "batched only: " in str(check)
    sources = [e["source"] for e in check.to_dict()["games"][0]["equilibria"]]
    assert sources.count("batched") == 1 and set(sources) == {"both", "batched"}


def test_an_equilibrium_the_engine_misses_is_reported_as_nashpys_only():
    """The game of the module doc of the reference: (x, y) = ((1, 0), (1/2, 1/2)) is an
    extreme equilibrium; an engine that returned only the pure one would be caught."""
    A, B = np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[0.0, 0.0], [1.0, 2.0]])
    pure = [(np.array([1.0, 0.0]), np.array([0.0, 1.0]))]
    both, engine_only, nashpy_only, _ = compare_game(A, B, (1.0, 1.0), pure)
    assert len(both) == 1 and not engine_only
    [(x, y)] = nashpy_only
    assert np.allclose(x, [1, 0]) and np.allclose(y, [0.5, 0.5])


def test_the_engine_must_list_every_equilibrium():
    with pytest.raises(ValueError, match="every equilibrium"):
        cross_check(shipped("kissinger_1971"), engine="admissible")

"""One did-you-mean rule (triangle.common.suggest), the same in every place that suggests."""

import difflib

import pytest

from triangle.analysis import points
from triangle.analysis import sensitivity as se
from triangle.common.suggest import CUTOFF, closest, did_you_mean
from triangle.scenario.files import ScenarioError, parse_override, parse_scenario
from triangle.scenario.parameters import BY_PATH


def ratio(a, b):
    return difflib.SequenceMatcher(None, a, b).ratio()


def test_cutoff_is_the_boundary():
    # "rewardwedge" is 0.52 like "wedge.reward": below the cutoff, so no suggestion.
    assert ratio("rewardwedge", "wedge.reward") < CUTOFF
    assert closest("rewardwedge", BY_PATH) is None
    assert ratio("cost.tgt", "schism.cost.target") > CUTOFF
    assert closest("cost.tgt", BY_PATH) == "schism.cost.target"


def test_same_last_part_first_and_never_the_word_itself():
    assert closest("partnership.period_years", ["partnership.noise", "time.period_years"]) \
        == "time.period_years"
    assert closest("wedge.reward", ["wedge.reward"]) is None
    assert did_you_mean("Existentail", ["existential"], quote=True) == 'did you mean "existential"?'


def _hint_from_file(path):
    table, _, key = path.rpartition(".")
    raw = {"scenario": {"name": "x", "sources": ["x"]}}
    node = raw
    for part in table.split("."):
        node = node.setdefault(part, {})
    node[key] = 1.0
    with pytest.raises(ScenarioError) as err:
        parse_scenario(raw)
    return err.value.hint


def _hint_from_vary(path):
    with pytest.raises(se.VaryError) as err:
        se.parse_vary(f"{path}=0:1")
    text = str(err.value)
    return text[text.index("did you mean"):] if "did you mean" in text else None


def _hint_from_sweep(path):
    with pytest.raises(ScenarioError) as err:
        points.check_path(path, "--vary")
    return err.value.hint if "did you mean" in (err.value.hint or "") else None


def _hint_from_set(path):
    with pytest.raises(ScenarioError) as err:
        parse_override(f"{path}=1")
    return err.value.hint


def _close(word, candidates, cutoff):
    return difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)


# The last is between the old cutoffs: 0.5 (sensitivity) matched it, 0.6 (files) did not.
@pytest.mark.parametrize("path", ["wedge.rewrd", "schism.cost.targt", "wedge.rewardwedge",
                                  "wedge.reward" + "x" * 18])
def test_every_place_suggests_the_same(path):
    """The scenario file, --set, a sweep's path and a sensitivity range give one answer."""
    hints = {_hint_from_file(path), _hint_from_vary(path), _hint_from_sweep(path),
             _hint_from_set(path)}
    assert len(hints) == 1, hints
    if path.endswith("x" * 18):
        assert _close(path, BY_PATH, 0.5) and not _close(path, BY_PATH, CUTOFF)
    assert hints.pop() == did_you_mean(path, BY_PATH)


def test_choice_between_half_and_cutoff_is_not_suggested():
    """A setting's choice (formerly cutoff 0.5) follows the one rule: 0.59 is no match."""
    word = "optimxxxx"
    assert _close(word, ["fixed", "optimize"], 0.5) and not _close(word, ["fixed", "optimize"], CUTOFF)
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"scenario": {"name": "x", "sources": ["x"]}, "wedge": {"mode": word}})
    assert err.value.hint is None

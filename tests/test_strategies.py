"""The strategy library: automata, parsing, classifiers and user-defined strategies."""

import numpy as np
import pytest

from triangle.partnership.strategies import (
    REGISTRY,
    Automaton,
    Strategy,
    parse_library,
    parse_strategy,
    register,
)


@pytest.mark.parametrize("name", ["Loyal", "Hedger", "TitForTat", "GenerousTFT(0.3)", "Pavlov",
                                  "Grim", "Consult(3)", "Realign"])
def test_every_strategy_is_a_valid_machine_with_metadata(name):
    s = parse_strategy(name)
    auto = s.automaton()
    assert np.allclose(auto.transitions.sum(axis=2), 1.0)
    assert {"memory_depth", "stochastic", "breaks", "forgiving", "source"} <= set(s.classifier)
    assert s.name == name
    assert s.__doc__ and s.classifier["source"]
    breaks = "B" in auto.actions
    assert breaks == s.classifier["breaks"]


def test_grim_is_consult_zero():
    g, c = parse_strategy("Grim").automaton(), parse_strategy("Consult(0)").automaton()
    assert g.actions == c.actions and np.array_equal(g.transitions, c.transitions)


def test_consult_counts_consecutive_hedges():
    auto = parse_strategy("Consult(2)").automaton()
    state = 0
    for seen in (1, 1, 0, 1, 1):  # H, H, C resets, H, H
        state = int(np.argmax(auto.transitions[state, seen]))
    assert auto.actions[state] == "C"
    state = int(np.argmax(auto.transitions[state, 1]))
    assert auto.actions[state] == "B"


@pytest.mark.parametrize("bad", ["Nope", "Consult(1.5)", "Loyal(2)", "GenerousTFT(2)",
                                 "Consult(x)", "__import__('os')"])
def test_bad_names_are_errors_never_evaluated(bad):
    with pytest.raises(ValueError):
        parse_strategy(bad)


def test_duplicates_rejected():
    with pytest.raises(ValueError):
        parse_library(["Loyal", "Loyal"])


def test_user_strategy_can_be_registered():
    @register
    class AlternateTest(Strategy):
        """Alternates C and H regardless (a test strategy)."""

        name = "AlternateTest"
        classifier = {"memory_depth": 1, "stochastic": False, "breaks": False,
                      "forgiving": True, "source": "test"}

        def automaton(self) -> Automaton:
            t = np.zeros((2, 2, 2))
            t[0, :, 1] = 1.0
            t[1, :, 0] = 1.0
            return Automaton(("C", "H"), t)

    try:
        assert parse_strategy("AlternateTest").automaton().actions == ("C", "H")
    finally:
        REGISTRY.pop("AlternateTest")


@pytest.mark.parametrize("bad", ["Consult(11)", "Consult(1000)", "Consult(1e9)", "Consult(inf)",
                                 "Consult(nan)", "Consult(-1)", "GenerousTFT(nan)",
                                 "GenerousTFT(inf)"])
def test_sizes_and_probabilities_out_of_range_are_errors(bad):
    with pytest.raises(ValueError, match=r"Consult|GenerousTFT|finite"):
        parse_strategy(bad)


def test_consult_range_ends_are_valid():
    from triangle.partnership.strategies import Consult

    assert parse_strategy("Consult(0)").automaton().n_states == 2
    assert parse_strategy(f"Consult({Consult.MAX_WARNINGS})").automaton().n_states == Consult.MAX_WARNINGS + 2


def test_library_holds_one_to_eight_strategies():
    from triangle.partnership.strategies import MAX_LIBRARY

    names = ["Loyal", "Hedger", "TitForTat", "Pavlov", "Grim", "Consult(2)", "Consult(3)",
             "Realign", "GenerousTFT(0.1)"]
    assert len(parse_library(names[:MAX_LIBRARY])) == MAX_LIBRARY
    with pytest.raises(ValueError, match="at most"):
        parse_library(names[:MAX_LIBRARY + 1])
    with pytest.raises(ValueError, match="empty"):
        parse_library([])

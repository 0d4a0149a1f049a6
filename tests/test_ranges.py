"""The one range rule and parser (triangle.scenario.ranges), and library errors in library terms."""

import ast
from pathlib import Path

import numpy as np
import pytest

from triangle.analysis import discovery as di
from triangle.analysis import sensitivity as se
from triangle.analysis.points import SamplePoints
from triangle.presentation.cli_common import usage_error
from triangle.scenario.files import ScenarioError
from triangle.scenario.ranges import ArgumentError, Range, check_range, parse_axis, parse_range

PACKAGE = Path(__file__).resolve().parents[1] / "triangle"


@pytest.mark.parametrize("r, n, ok", [
    (Range("wedge.reward", 0, 1), None, True),
    (Range("wedge.reward", 1, 1), None, False),      # an interval is never empty
    (Range("wedge.reward", 1, 1), 1, True),          # a grid of one value is
    (Range("wedge.reward", 0, 1), 1, False),
    (Range("wedge.reward", 2, 1), 3, False),
    (Range("wedge.reward", 0, 1), 0, False),
    (Range("wedge.reward", -1, 1), None, False),     # outside the parameter's range
    (Range("time.patience.target", 0.5, 1), None, False),  # open end
    (Range("wedge.reward", 0, np.inf), None, False),
    (Range("wedge.mode", 0, 1), None, False),        # a setting
])
def test_the_rule(r, n, ok):
    if ok:
        assert check_range(r, n) == r
    else:
        with pytest.raises(ArgumentError):
            check_range(r, n)


@pytest.mark.parametrize("text, good", [("wedge.reward=0:1", True), ("wedge.reward=1:1", False),
                                        ("wedge.reward=2:1", False), ("wedge.durability=0.5:1.5", False)])
def test_parser_and_rule_agree_everywhere(text, good):
    """Sensitivity, discovery, sampled sweeps and map axes accept and refuse the same ranges."""
    path, lo, hi = text.replace("=", ":").split(":")
    outcomes = []
    for attempt in (lambda: parse_range(text), lambda: se.parse_vary(text),
                    lambda: SamplePoints({path: (float(lo), float(hi))}, 4)):
        try:
            attempt()
            outcomes.append(True)
        except (ArgumentError, ScenarioError):
            outcomes.append(False)
    assert outcomes == [good] * 3, text


def test_a_grid_of_one_value():
    assert parse_axis("wedge.reward=1:1:1") == (Range("wedge.reward", 1.0, 1.0), 1)


def test_library_errors_speak_of_arguments_and_the_cli_translates():
    with pytest.raises(ArgumentError) as err:
        se.parse_vary("wedge.reward=5:1")
    assert str(err.value) == "vary wedge.reward=5:1: expected LO < HI, found 5:1"
    assert str(usage_error(err.value)) == "--vary wedge.reward=5:1: expected LO < HI, found 5:1"
    s = _scenario()
    for call, argument, flag in [(lambda: se.oat(s, ["wedge.reward=0:1"], grid=1), "grid", "--samples"),
                                 (lambda: se.sobol(s, ["wedge.reward=0:1"], samples=100), "samples",
                                  "--samples"),
                                 (lambda: se.oat(s, ["wedge.reward=0:1"], outputs=("nope",)), "output",
                                  "--measure"),
                                 (lambda: se.ranges([]), "vary", "--vary")]:
        with pytest.raises(ArgumentError) as err:
            call()
        assert err.value.argument == argument and "--" not in str(err.value)
        assert str(usage_error(err.value)).startswith(flag)


def test_no_library_message_names_a_flag():
    """No string in the analysis and wedge layers puts a CLI flag in an error's text."""
    flags = ("--vary", "--samples", "--output", "--grid", "--set", "--clip")
    for layer in ("analysis", "wedge", "scenario/ranges.py"):
        for path in (sorted((PACKAGE / layer).rglob("*.py")) if not layer.endswith(".py")
                     else [PACKAGE / layer]):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Raise):
                    text = ast.unparse(node)
                    assert not any(f in text for f in flags), f"{path.name}: {text}"


def test_discovery_sample_count_is_an_argument_error():
    with pytest.raises(ArgumentError, match="samples: expected at least 10"):
        di.discover(_scenario(), ["wedge.reward=0:1"], samples=5)


def _scenario():
    from triangle.scenario.files import parse_scenario

    return parse_scenario({"scenario": {"name": "x", "sources": ["x"]},
                           "partnership": {"value": {"target": 4, "partner": 3},
                                           "strategies": ["Loyal", "Realign"]}})

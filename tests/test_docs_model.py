"""docs/model.md stays in step with the code: its names, parameter paths and references.

The page's ``>>>`` examples are run separately as doctests (``--doctest-glob=*.md``).
"""

import importlib
import itertools
import re
from pathlib import Path

import pytest

from triangle.scenario.parameters import BY_PATH

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"
TEXT = DOC.read_text(encoding="utf-8")

SECTIONS = (
    "Time and units", "The stage game", "Schism", "The repeated partnership game",
    "The meta-game and its equilibria", "Existential schism costs", "The wedge core",
    "backward induction", "Equilibrium selection", "Verdicts and cohesion", "Dittmer",
    "Modelling choices", "References",
)

REFERENCES = (
    "Axelrod", "Binmore", "Brent", "Crawford", "Dittmer", "Friedman", "Fudenberg",
    "Harsanyi", "Izumikawa", "Jansen", "Kemeny", "Knight", "Lemke", "Nowak", "Puterman",
    "Snyder", "van Damme", "von Stengel", "Walt", "Wu",
)


def _resolve(dotted: str) -> object:
    """Import the longest module prefix of ``dotted`` and look up the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


def _expand(path: str) -> list[str]:
    """``a.{b,c}`` -> ``a.b``, ``a.c``; ``a.*`` -> ``a.target``, ``a.partner``."""
    path = path.replace("*", "{target,partner}")
    pieces = re.split(r"\{([^}]*)\}", path)
    options = [p.split(",") if i % 2 else [p] for i, p in enumerate(pieces)]
    return ["".join(combo) for combo in itertools.product(*options)]


@pytest.mark.parametrize("number, title", list(enumerate(SECTIONS, start=1)))
def test_every_section_is_present_in_order(number, title):
    assert re.search(rf"^## {number}\. .*{re.escape(title)}", TEXT, re.M | re.I), title


def test_every_required_reference_is_listed():
    references = TEXT.split("## 13. References", 1)[1]
    for author in REFERENCES:
        assert f"* {author}" in references or f", {author}" in references, author


def test_named_code_objects_exist():
    names = set(re.findall(r"`(triangle(?:\.\w+)+)`", TEXT))
    assert names, "the page names no code"
    for dotted in sorted(names):
        _resolve(dotted)


def test_notation_table_paths_are_parameters():
    table = TEXT.split("## Notation", 1)[1].strip().split("\n\n", 1)[0]
    paths = []
    for row in table.splitlines()[2:]:
        cell = row.split("|")[2]
        paths += [p for raw in re.findall(r"`([^`]+)`", cell) for p in _expand(raw)]
    assert len(paths) > 20
    for path in paths:
        assert path in BY_PATH, path


def test_page_has_doctested_examples():
    assert TEXT.count("\n>>> ") >= 10

"""Readable reports: the default Markdown shows the admissible equilibria and counts the rest;
an Outcome is short in ``repr`` and renders itself in notebooks; one number formatter."""

import re
from pathlib import Path

import pytest

import triangle
from triangle.presentation.cli import main
from triangle.presentation.report import render_text
from triangle.scenario.files import library_dir, load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def outcome():
    # The optimists' file has equilibria in dominated strategies (the 1971 file no longer
    # does: since the reward is paid only after the target's own break, its meta-game has no
    # ties that made strategies weakly dominated).
    return triangle.solve(load_scenario(library_dir() / "wedge_optimist_2025.toml"),
                          backend="nashpy")


def _rows(text):
    return [line for line in text.splitlines() if re.match(r"\| \d+", line)]


def test_default_report_lists_admissible_equilibria_and_counts_the_rest(outcome):
    dominated = sum(not e["admissible"] for e in outcome.equilibria)
    assert dominated > 0  # the scenario has dominated equilibria, so the test can fail
    text = render_text(outcome)
    assert len(_rows(text)) == len(outcome.equilibria) - dominated
    assert all("| yes |" in row for row in _rows(text))
    assert f"{dominated} more equilibria in dominated strategies: --all-equilibria" in text
    full = render_text(outcome, all_equilibria=True)
    assert len(_rows(full)) == len(outcome.equilibria)
    assert "--all-equilibria" not in full


def test_repr_is_short_and_notebooks_get_the_report(outcome):
    text = repr(outcome)
    assert len(text) < 200 and repr(outcome.verdict) in text and "optimist" in text
    assert outcome._repr_markdown_() == render_text(outcome)
    html = outcome._repr_html_()
    assert html.lstrip().startswith('<article class="triangle-report">')
    assert "<html" not in html and outcome.verdict.replace("_", " ") in html


def test_run_all_equilibria_flag(capsys):
    assert main(["run", str(library_dir() / "kissinger_1971.toml"), "--solver", "nashpy",
                 "--all-equilibria"]) == 0
    assert "--all-equilibria" not in capsys.readouterr().out


def test_one_number_formatter():
    # Infinities are written by triangle.common.numbers.fmt alone: no module keeps a twin.
    twins = [path.name for path in (ROOT / "triangle").rglob("*.py") if path.name != "numbers.py"
             and re.search(r"""["']inf["'] if \w+ > 0 else ["']-inf["']""", path.read_text())]
    assert twins == []


def test_the_nashpy_backend_report_marks_each_equilibrium_and_says_what_nashpy_missed():
    """kissinger_1971's games are degenerate: nashpy's support enumeration finds 4 of the
    10 extreme equilibria of the game with the offer; the report says so, and which solver
    found each equilibrium (here nashpy's vertex enumeration found them all)."""
    out = triangle.solve(load_scenario(library_dir() / "kissinger_1971.toml"), backend="nashpy")
    text = render_text(out, all_equilibria=True)
    assert "| found by |" in text
    assert all(row.endswith("| nashpy+batched |") for row in _rows(text))
    assert re.search(r"^Note: nashpy support enumeration found \d+ of \d+\.$", text, re.MULTILINE)
    assert "found by" not in render_text(triangle.solve(load_scenario(
        library_dir() / "kissinger_1971.toml")))

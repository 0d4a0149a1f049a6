"""The HTML report: its content from the model, and how it renders in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import triangle
from tests import browser
from triangle.presentation.glossary import VERDICT_MEANINGS
from triangle.presentation.report_html import context, html_report, render_html
from triangle.scenario.files import library_dir, load_scenario

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("figure-roles", "figure-map", "figure-path", "figure-tornado")


@pytest.fixture(scope="module")
def kissinger():
    scenario = load_scenario(library_dir() / "kissinger_1971.toml")
    out = triangle.solve(scenario, backend="admissible")
    return scenario, out, html_report(scenario, out, map_grid=5, oat_grid=3)


def test_report_is_self_contained(kissinger):
    *_, html = kissinger
    # No fetch of anything: no scripts, stylesheets, images or fonts from elsewhere.
    assert "<script" not in html
    # Links only within the page or to data: URIs (the map's raster cells).
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|data:)""", html)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    for fig in FIGURES:
        assert f'id="{fig}"' in html
    assert html.count("<svg") == len(FIGURES)


def test_report_shows_the_models_answer(kissinger):
    scenario, out, html = kissinger
    assert f"<strong>{out.verdict.replace('_', ' ')}</strong>: {VERDICT_MEANINGS[out.verdict]}" in html
    for meaning in VERDICT_MEANINGS.values():
        assert meaning.replace("'", "&#39;") in html
    assert out.record["param_hash"] in html
    for source in scenario.settings["scenario.sources"]:
        assert source.replace("'", "&#39;").replace('"', "&#34;").replace("&", "&amp;") in html or \
            source.split(",")[0] in html


def test_dominated_equilibria_go_behind_a_fold():
    scenario = load_scenario(library_dir() / "kissinger_1971.toml")
    out = triangle.solve(scenario, backend="nashpy")
    ctx = context(scenario, out, figures=False)
    dominated = sum(not e["admissible"] for e in out.equilibria)
    assert ctx["n_dominated"] == dominated
    assert len(ctx["admissible"]) + dominated == len(out.equilibria)
    html = render_html(ctx)
    if dominated:
        assert "<details>" in html and f"{dominated} more in dominated strategies" in html


def test_structured_reasons_render_when_present(kissinger):
    scenario, out, _ = kissinger
    ctx = context(scenario, out, figures=False)
    ctx["reasons"] = [{"lhs": {"label": "r", "value": 12.0}, "op": ">",
                       "rhs": {"label": "r*(m)", "value": 4.25}, "holds": True,
                       "text": "reward exceeds the threshold"},
                      {"lhs": 3.0, "op": ">", "rhs": float("inf"), "holds": False,
                       "text": "reward exceeds an existential threshold"}]
    html = render_html(ctx)
    assert "reward exceeds the threshold" in html and '<td class="holds">yes</td>' in html
    assert '<td class="num">inf</td>' in html and '<td class="fails">no</td>' in html
    assert '<td class="num">r*(m) = 4.25</td>' in html


def test_the_models_reasons_are_in_the_report(kissinger):
    _, out, html = kissinger
    assert out.reasons  # the outcome carries its reasons
    for r in out.reasons:
        assert r["text"].replace("'", "&#39;") in html


def test_text_is_escaped(kissinger):
    scenario, out, _ = kissinger
    ctx = context(scenario, out, figures=False)
    ctx["sources"] = ["<script>alert(1)</script>"]
    assert "<script>" not in render_html(ctx)


def test_report_in_headless_chromium(kissinger, tmp_path):
    path, driver_path, reason = browser.find()
    if reason:
        pytest.skip(reason)
    _, out, html = kissinger
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    url = page.as_uri()
    driver = browser.start(path, driver_path)
    try:
        from selenium.webdriver.common.by import By

        driver.get(url)
        verdict = driver.find_element(By.ID, "verdict")
        assert verdict.is_displayed()
        assert out.verdict.replace("_", " ") in verdict.text.lower()
        for fig in FIGURES:
            svg = driver.find_element(By.CSS_SELECTOR, f"#{fig} svg")
            assert svg.is_displayed(), fig
            assert svg.size["width"] > 200 and svg.size["height"] > 150, (fig, svg.size)
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        requested = set()
        for entry in driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg["method"] == "Network.requestWillBeSent":
                requested.add(msg["params"]["request"]["url"])
        # data: URIs are inside the file (the map's raster cells); nothing else may load.
        outside = {u for u in requested if not u.startswith("data:")} - {url}
        assert outside == set()
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1200, min(int(height) + 100, 16000))
        shots = ROOT / "out"
        shots.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(shots / "report_kissinger_1971.png"))
    finally:
        driver.quit()


def test_the_nashpy_backend_html_marks_each_equilibrium_and_keeps_the_notes():
    """As in the Markdown report: a "found by" column and nashpy's notes under the table;
    neither with the default engine."""
    from triangle.presentation.report_html import outcome_html

    scenario = load_scenario(library_dir() / "kissinger_1971.toml")
    html = outcome_html(triangle.solve(scenario, backend="nashpy"))
    assert "<th>found by</th>" in html and "<td>nashpy+batched</td>" in html
    assert re.search(r"Note: nashpy support enumeration found \d+ of \d+\.", html)
    plain = outcome_html(triangle.solve(scenario))
    assert "found by" not in plain and "Note:" not in plain

"""Figures of one outcome: the Dittmer triangle reads its dyads from the model, the time path
has units on both axes, and inline SVG is deterministic."""

import numpy as np
import pytest

import triangle
from triangle.presentation.plot_report import path_figure, roles_triangle, svg
from triangle.scenario.files import library_dir, load_scenario

PLUSES = {"unit_veto": 0, "stable_marriage": 1, "romantic_triangle": 2, "menage_a_trois": 3}


@pytest.fixture(scope="module", params=["kissinger_1971", "wedge_optimist_2025"])
def outcome(request):
    return triangle.solve(load_scenario(library_dir() / f"{request.param}.toml"), backend="admissible")


def test_triangle_draws_as_many_solid_dyads_as_the_configuration_has_pluses(outcome):
    fig = roles_triangle(outcome)
    ax = fig.axes[0]
    solid = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    assert len(ax.get_lines()) == 3
    assert len(solid) == PLUSES[outcome.configuration]
    texts = " ".join(t.get_text() for t in ax.texts)
    for actor, name in outcome.actors.items():
        assert f"{name} ({actor})\nrole: {outcome.columns['role_' + actor]}" in texts


def test_path_figure_has_units_and_runs_to_the_horizon(outcome):
    path = outcome.path()
    fig = path_figure(path)
    top, bottom = fig.axes[:2]
    assert "[years]" in bottom.get_xlabel() and "per year]" in bottom.get_ylabel()
    horizon = path.years[-1] + (path.years[1] - path.years[0])
    for line in top.get_lines() + bottom.get_lines():
        assert line.get_xdata()[-1] == pytest.approx(horizon)
    np.testing.assert_allclose(top.get_lines()[0].get_ydata()[:-1], path.p_schism["wedge"])


def test_inline_svg_is_deterministic(outcome):
    first, second = svg(roles_triangle(outcome)), svg(roles_triangle(outcome))
    assert first.startswith("<svg") and first == second

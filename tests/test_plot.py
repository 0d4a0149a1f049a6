"""Equilibrium-map figures: legend, labels with units, boundaries, own point, masked margins,
and provenance in the saved files."""

import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from triangle.analysis.sweep import EquilibriumMap, equilibrium_map
from triangle.presentation.plot import (
    VERDICT_COLOURS,
    _boundaries,
    _edges,
    _runs_path,
    axis_label,
    plot_map,
    save_figure,
)
from triangle.scenario.files import load_scenario
from triangle.wedge.verdict import VERDICTS

matplotlib.use("Agg")

TEMPLATE = Path(__file__).resolve().parent.parent / "scenarios" / "template.toml"
RECORD = {"scenario": "Synthetic", "param_hash": "0123456789abcdef", "version": "0.1.0", "seed": 7,
          "kind": "game"}


def synthetic(verdict, margin, robust=None, point=(1.0, 1.0)):
    verdict = np.asarray(verdict, dtype=object)
    ny, nx = verdict.shape
    return EquilibriumMap("schism.cost.target", "wedge.reward", np.arange(nx, dtype=float),
                          np.arange(ny, dtype=float), verdict, np.asarray(margin, dtype=float),
                          np.full(verdict.shape, "stable_marriage", dtype=object), robust, point,
                          pd.DataFrame(), RECORD)


def legend_texts(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def verdict_of(label):
    """``"no_attempt"`` from the legend's ``"no attempt: the divider offered nothing"``."""
    return label.split(":")[0].replace(" ", "_")


def test_legend_defines_each_verdict_and_the_title_carries_no_hash():
    from triangle.presentation.glossary import VERDICT_MEANINGS

    fig = plot_map(synthetic([["success", "backfire"], ["pocketed", "no_attempt"]], np.zeros((2, 2))))
    texts = [t.replace("\n", " ") for t in legend_texts(fig)]
    for v in ("success", "backfire", "pocketed", "no_attempt"):
        assert f"{v.replace('_', ' ')}: {VERDICT_MEANINGS[v]}" in texts
    assert RECORD["param_hash"] not in fig.axes[0].get_title()


def test_verdicts_differ_in_greyscale_or_hatching():
    # Rec. 709 luma of each colour; two verdicts closer than 0.12 in lightness must differ
    # in hatching, so that a greyscale print (or a reader without colour vision) tells them apart.
    from triangle.presentation.plot import VERDICT_HATCHES

    def luma(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for i, a in enumerate(VERDICTS):
        for b in VERDICTS[i + 1:]:
            close = abs(luma(VERDICT_COLOURS[a]) - luma(VERDICT_COLOURS[b])) < 0.12
            assert not close or VERDICT_HATCHES[a] != VERDICT_HATCHES[b], (a, b)


def test_legend_lists_exactly_the_verdicts_present_with_fixed_colours():
    v = [["success", "success", "failed"], ["pyrrhic", "success", "failed"]]
    fig = plot_map(synthetic(v, [[1.0, 2.0, -1.0], [0.5, 1.5, -2.0]]))
    texts = [verdict_of(t) for t in legend_texts(fig)]
    assert [t for t in texts if t in VERDICTS] == ["success", "pyrrhic", "failed"]
    handles = fig.axes[0].get_legend().legend_handles
    colours = {verdict_of(t.get_text()): to_hex(h.get_facecolor()) for t, h in
               zip(fig.axes[0].get_legend().get_texts(), handles, strict=True)
               if verdict_of(t.get_text()) in VERDICTS}
    assert colours == {k: VERDICT_COLOURS[k].lower() for k in ("success", "pyrrhic", "failed")}
    assert len(set(VERDICT_COLOURS.values())) == len(VERDICTS) == len(VERDICT_COLOURS)


def test_axis_labels_have_paths_and_units():
    fig = plot_map(synthetic([["failed", "success"], ["failed", "success"]], np.zeros((2, 2))))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "schism.cost.target [payoff-years (lump sum)]"
    assert ax.get_ylabel() == "wedge.reward [payoff per year]"
    assert axis_label("wedge.durability") == "wedge.durability [annual survival probability]"


def test_boundaries_follow_cell_edges_between_different_verdicts():
    codes = np.array([[0, 0, 1], [0, 2, 1]])
    xe, ye = _edges(np.array([0.0, 1.0, 2.0])), _edges(np.array([0.0, 1.0]))
    segs = _boundaries(codes, xe, ye)
    # vertical edges: row 0 between x=1,2; row 1 between x=0,1 and x=1,2; horizontal: column 1
    assert sorted(map(tuple, map(tuple, segs))) == sorted([
        ((1.5, -0.5), (1.5, 0.5)), ((0.5, 0.5), (0.5, 1.5)), ((1.5, 0.5), (1.5, 1.5)),
        ((0.5, 0.5), (1.5, 0.5))])
    np.testing.assert_allclose(_edges(np.array([5.0])), [4.5, 5.5])


def test_infinite_margins_are_masked_not_contoured():
    v = np.full((3, 4), "failed", dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_map(synthetic(v, np.full((3, 4), -np.inf)))  # existential: all -inf
        assert "margin M = 0" not in legend_texts(fig)
        margin = np.array([[-np.inf, -1.0, 1.0, 2.0], [-np.inf, -0.5, 1.5, np.inf], [np.nan, 0.0, 2.0, 3.0]])
        fig = plot_map(synthetic(v, margin))
    assert "margin M = 0" in legend_texts(fig)
    fig = plot_map(synthetic(v, margin), margin_contours=False)
    assert "margin M = 0" not in legend_texts(fig)


def test_single_row_and_not_robust_cells_and_off_map_point():
    fig = plot_map(synthetic([["failed", "success", "success"]], [[1.0, 2.0, 3.0]], point=(np.inf, 0.0)))
    assert any("off the map" in t for t in legend_texts(fig))
    robust = np.array([[True, False], [True, True]])
    fig = plot_map(synthetic([["failed", "backfire"], ["failed", "failed"]], np.ones((2, 2)), robust))
    assert any("not robust" in t for t in legend_texts(fig))


def test_hatched_region_covers_exactly_the_cells_that_are_not_robust():
    rng = np.random.default_rng(5)
    mask = rng.random((30, 40)) < 0.3
    xe, ye = _edges(np.sort(rng.uniform(0, 10, 40))), _edges(np.linspace(0, 3, 30))
    path = _runs_path(mask, xe, ye)
    rects = path.vertices.reshape(-1, 5, 2)
    area = np.abs((rects[:, 1, 0] - rects[:, 0, 0]) * (rects[:, 2, 1] - rects[:, 1, 1])).sum()
    cells = np.outer(np.diff(ye), np.diff(xe))
    np.testing.assert_allclose(area, cells[mask].sum(), rtol=1e-12)
    centres = np.stack(np.meshgrid(0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])), axis=-1)
    inside = np.zeros(mask.shape, dtype=bool)
    for (x0, y0), (x1, y1) in zip(rects[:, 0], rects[:, 2], strict=True):
        inside |= ((centres[..., 0] > x0) & (centres[..., 0] < x1) & (centres[..., 1] > y0)
                   & (centres[..., 1] < y1))
    np.testing.assert_array_equal(inside, mask)
    assert len(rects) < mask.sum()  # runs of neighbours share one rectangle


def test_real_map_marks_the_scenario_point_and_saves_provenance(tmp_path):
    from PIL import Image

    s = load_scenario(TEMPLATE).replace({"partnership.strategies": ["Loyal", "Hedger", "Realign"]})
    m = equilibrium_map(s, ("schism.cost.target", np.linspace(0, 40, 5)),
                        ("wedge.reward", np.linspace(0, 10, 5)))
    fig = m.plot()
    ax = fig.axes[0]
    texts = legend_texts(fig)
    assert set(np.unique(m.verdict)) <= {verdict_of(t) for t in texts}
    assert "scenario (20, 5)" in texts
    stars = [ln for ln in ax.get_lines() if ln.get_marker() == "*"]
    assert len(stars) == 1 and tuple(stars[0].get_xydata()[0]) == (20.0, 5.0)
    assert "schism.cost.target" in ax.get_xlabel() and "wedge.reward" in ax.get_ylabel()
    png = tmp_path / "map.png"
    save_figure(fig, png, m.record)
    info = Image.open(png).text
    assert info["param_hash"] == s.param_hash() and info["scenario"] == s.name
    assert info["version"] == "0.1.0" and "seed" in info
    svg, pdf = tmp_path / "map.svg", tmp_path / "map.pdf"
    save_figure(m.plot(), svg, m.record)
    first = svg.read_bytes()
    save_figure(m.plot(), svg, m.record)  # the same figure drawn again: no date, same ids
    assert svg.read_bytes() == first and s.param_hash().encode() in first
    save_figure(fig, pdf, m.record)
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        save_figure(fig, tmp_path / "map.jpg", m.record)


def test_the_model_never_imports_the_presentation_layer():
    """At run time too: loading the model and the analysis loads no figure or command module
    (the import graph itself is checked in test_architecture)."""
    code = ("import sys, triangle.analysis.sweep, triangle.analysis.sensitivity, "
            "triangle.analysis.discovery; print(sorted(m for m in sys.modules if m in "
            "('triangle.presentation.plot', 'triangle.presentation.plot_analysis', "
            "'matplotlib.pyplot', 'triangle.presentation.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", [r"$\undefinedcmd$", "costs in $ and $x^2$", "$", r"a\$b"])
def test_scenario_names_are_drawn_literally_never_as_mathtext(tmp_path, name):
    """A name is text: matplotlib would parse ``$...$`` as mathtext and fail at draw time,
    after the whole computation."""
    from dataclasses import replace

    m = replace(synthetic([["failed", "success"], ["failed", "success"]], np.zeros((2, 2))),
                record={**RECORD, "scenario": name})
    fig = plot_map(m)
    save_figure(fig, tmp_path / "m.png", m.record)
    assert (tmp_path / "m.png").stat().st_size > 0
    assert fig.axes[0].get_title().startswith(name.replace("$", r"\$"))


def test_a_map_of_a_changed_scenario_names_the_changes_in_its_title():
    plain_map = synthetic([["success", "backfire"]], np.zeros((1, 2)))
    assert "with" not in plot_map(plain_map).axes[0].get_title()
    changed = EquilibriumMap(*[getattr(plain_map, f) for f in ("x_path", "y_path", "x", "y", "verdict",
                                                               "margin", "configuration", "robust",
                                                               "point", "table")],
                             {**RECORD, "overrides": ["counter.budget=1", "schism.cost.target=10"]})
    title = plot_map(changed).axes[0].get_title()
    assert title.endswith("\nwith counter.budget = 1, schism.cost.target = 10")

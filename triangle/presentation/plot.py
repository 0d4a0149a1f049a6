"""Figures (presentation layer: nothing in the model imports this module).

:func:`plot_map` draws an :class:`~triangle.analysis.sweep.EquilibriumMap`: one cell per grid point,
coloured by verdict with the Okabe–Ito palette (safe for the common forms of colour
blindness; Okabe & Ito 2008), one fixed colour per verdict; the boundaries between regions as
black lines along the cell edges; cells whose verdict is not robust (other equilibria give
other verdicts) hatched; optional contours of the wedge margin ``M`` (non-finite margins, for
an existential cost, are masked, never contoured), with ``M = 0`` dashed; and the scenario's
own point as a white star.  Verdicts whose colours are close in lightness also differ by
hatching, so the map reads in greyscale too; the legend gives each verdict's meaning
(:mod:`triangle.presentation.glossary`).  Titles name the scenario only: the provenance
(parameter hash, version, seed) goes into the file's metadata: :func:`save_figure` writes
PNG, SVG or PDF with the provenance record there.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from triangle.common.atomic import atomic_replace
from triangle.common.numbers import fmt
from triangle.presentation.glossary import legend_label
from triangle.scenario.parameters import BY_PATH
from triangle.wedge.verdict import VERDICTS

#: One fixed Okabe–Ito colour per verdict (grey for "no attempt").
VERDICT_COLOURS = {
    "success": "#009E73",     # bluish green
    "pyrrhic": "#CC79A7",     # reddish purple
    "backfire": "#D55E00",    # vermillion
    "pocketed": "#E69F00",    # orange
    "failed": "#56B4E9",      # sky blue
    "no_attempt": "#999999",  # grey
    "split_anyway": "#F0E442",  # yellow: the split came without the wedge
    "partial_success": "#0072B2",  # blue: distance without a break
}
#: Hatching per verdict: neighbours in lightness (success/backfire, pocketed/failed/no_attempt)
#: differ in pattern as well as in hue.
VERDICT_HATCHES = {
    "split_anyway": "++",
    "partial_success": "||",
    "success": "",
    "pyrrhic": "\\\\",
    "backfire": "xx",
    "pocketed": "..",
    "failed": "",
    "no_attempt": "--",
}
FIGURE_FORMATS = (".png", ".svg", ".pdf")


def plain(text: object) -> str:
    r"""``text`` as matplotlib shows it literally: a ``$`` would open mathtext, where a name
    such as ``$\undefinedcmd$`` fails only when the figure is drawn, after the computation.

    >>> plain("cost in $ and $x$")
    'cost in \\$ and \\$x\\$'
    """
    return str(text).replace("$", r"\$")


def axis_label(path: str) -> str:
    """``"schism.cost.target [payoff-years (lump sum)]"``."""
    p = BY_PATH.get(path)
    return f"{path} [{p.unit}]" if p else path


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted or unsorted centres (half-way between neighbours)."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        half = max(0.5, 0.05 * abs(c[0]))
        return np.array([c[0] - half, c[0] + half])
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def _boundaries(codes: np.ndarray, xe: np.ndarray, ye: np.ndarray) -> list[list[tuple[float, float]]]:
    """Line segments along every cell edge that separates two different verdicts."""
    segments = []
    jj, ii = np.nonzero(codes[:, 1:] != codes[:, :-1])  # vertical edges between columns
    segments += [[(xe[i + 1], ye[j]), (xe[i + 1], ye[j + 1])] for j, i in zip(jj, ii, strict=True)]
    jj, ii = np.nonzero(codes[1:, :] != codes[:-1, :])  # horizontal edges between rows
    segments += [[(xe[i], ye[j + 1]), (xe[i + 1], ye[j + 1])] for j, i in zip(jj, ii, strict=True)]
    return segments


def _runs_path(mask: np.ndarray, xe: np.ndarray, ye: np.ndarray) -> Any:
    """One compound path of rectangles covering the ``True`` cells, a rectangle per run of
    neighbouring cells in a row: hatching thousands of single cells is slow to draw."""
    from matplotlib.path import Path as MplPath

    padded = np.pad(mask.astype(np.int8), ((0, 0), (1, 1)))
    jj, edges = np.nonzero(np.diff(padded, axis=1))  # run starts and ends alternate per row
    j, start, stop = jj[::2], edges[::2], edges[1::2]
    x0, x1, y0, y1 = xe[start], xe[stop], ye[j], ye[j + 1]
    verts = np.stack([np.stack(c, axis=1) for c in
                      ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))], axis=1)
    codes = np.tile([MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO,
                     MplPath.CLOSEPOLY], len(j))
    return MplPath(verts.reshape(-1, 2), codes)


def _margin_levels(z: np.ma.MaskedArray) -> np.ndarray:
    from matplotlib.ticker import MaxNLocator

    lo, hi = float(z.min()), float(z.max())
    if not hi > lo:
        return np.array([])
    levels = MaxNLocator(nbins=6).tick_values(lo, hi)
    return levels[(levels > lo) & (levels < hi)]


def map_frame(ax: Any, m: Any, xe: np.ndarray, ye: np.ndarray) -> Any:
    """The frame every map shares: the scenario's point as a white star (hollow, and "off the
    map" in its label, where it lies outside the grid), the limits at the cells' edges ``xe``,
    ``ye`` and the axis labels with units.  Returns the star's legend handle."""
    from matplotlib.lines import Line2D

    x0, y0 = m.point
    label = f"scenario ({_num(x0)}, {_num(y0)})"
    if all(math.isfinite(v) for v in (x0, y0)):
        inside = xe.min() <= x0 <= xe.max() and ye.min() <= y0 <= ye.max()
        ax.plot([x0], [y0], marker="*", markersize=16, markerfacecolor="white", markeredgecolor="black",
                linestyle="none", zorder=5, clip_on=True)
        handle = Line2D([], [], marker="*", markersize=12, markerfacecolor="white",
                        markeredgecolor="black", linestyle="none",
                        label=label if inside else label + ", off the map")
    else:
        handle = Line2D([], [], marker="*", markersize=12, markerfacecolor="none",
                        markeredgecolor="black", linestyle="none", label=label + ", off the map")
    ax.set_xlim(xe.min(), xe.max())
    ax.set_ylim(ye.min(), ye.max())
    ax.set_xlabel(axis_label(m.x_path))
    ax.set_ylabel(axis_label(m.y_path))
    return handle


def map_title(record: dict[str, Any], what: str) -> str:
    """``"<scenario>: <what>"``, with a second line naming any ``--set`` overrides."""
    title = f"{plain(record.get('scenario'))}: {what}"
    if record.get("overrides"):
        title += "\nwith " + ", ".join(plain(o).replace("=", " = ") for o in record["overrides"])
    return title


def plot_map(m: Any, ax: Any = None, margin_contours: bool = True) -> Any:
    """Draw an :class:`~triangle.analysis.sweep.EquilibriumMap`; returns the matplotlib Figure."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch

    if ax is None:
        fig = Figure(figsize=(8.0, 5.2), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    index = {v: i for i, v in enumerate(VERDICTS)}
    codes = np.vectorize(index.__getitem__, otypes=[int])(m.verdict)
    xe, ye = _edges(m.x), _edges(m.y)
    cmap = ListedColormap([VERDICT_COLOURS[v] for v in VERDICTS])
    norm = BoundaryNorm(np.arange(len(VERDICTS) + 1) - 0.5, len(VERDICTS))
    ax.pcolormesh(xe, ye, codes, cmap=cmap, norm=norm, shading="flat", rasterized=True)
    ax.add_collection(LineCollection(_boundaries(codes, xe, ye), colors="black", linewidths=1.2))
    present = [v for v in VERDICTS if (codes == index[v]).any()]
    for v in present:
        if VERDICT_HATCHES[v]:
            ax.add_patch(PathPatch(_runs_path(codes == index[v], xe, ye), facecolor="none",
                                   edgecolor="#00000059", linewidth=0.0, hatch=VERDICT_HATCHES[v]))
    handles: list[Any] = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="black", linewidth=0.5,
                                hatch=VERDICT_HATCHES[v], label=_wrap(legend_label(v)))
                          for v in present]
    if m.robust is not None and not np.all(m.robust.astype(bool)):
        ax.add_patch(PathPatch(_runs_path(~m.robust.astype(bool), xe, ye), facecolor="none",
                               edgecolor="#00000066", linewidth=0.0, hatch="///"))
        handles.append(Patch(facecolor="white", edgecolor="#00000066", hatch="///",
                             label="not robust (other equilibria differ)"))
    if margin_contours and m.margin.shape[0] > 1 and m.margin.shape[1] > 1:
        z = np.ma.masked_invalid(np.asarray(m.margin, dtype=float))
        if z.count() >= 4:
            levels = _margin_levels(z)
            others = levels[levels != 0]
            if others.size:
                # Levels go to the legend: labels on the lines get clipped at the map's edges.
                ax.contour(m.x, m.y, z, levels=others, colors="#333333", linewidths=0.6, alpha=0.7,
                           negative_linestyles="solid")
            if 0 in levels or (z.min() < 0 < z.max()):
                ax.contour(m.x, m.y, z, levels=[0.0], colors="black", linewidths=1.5, linestyles="--")
                handles.append(Line2D([], [], color="black", linestyle="--", label="margin M = 0"))
            if others.size:
                handles.append(Line2D([], [], color="#333333", linewidth=0.6, label=_wrap(
                    "margin M contours at " + ", ".join(fmt(v, "g") for v in others) + " per year")))
    handles.append(map_frame(ax, m, xe, ye))
    kind = "closed form" if m.record.get("kind") == "closed_form" else "game"
    ax.set_title(map_title(m.record, f"verdict of the wedge ({kind})"), fontsize=10)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
              fontsize=8, title="verdict", title_fontsize=9, frameon=False)
    return fig


def _num(x: float) -> str:
    return fmt(x, "g")


def _wrap(text: str, width: int = 38) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def save_figure(fig: Any, path: str | os.PathLike[str], record: dict[str, Any], dpi: int = 150) -> None:
    """Save ``fig`` atomically as PNG, SVG or PDF (by suffix) with ``record`` in its metadata.

    PNG: one text chunk per key (``scenario``, ``param_hash``, ``version``, ``seed``) and the whole
    record as JSON under ``Description``; SVG and PDF: the JSON under ``Description`` / ``Subject``.
    Dates are left out so that the same figure gives the same bytes.
    """
    from matplotlib import rc_context

    suffix = Path(path).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ValueError(f"{path}: expected a figure name ending in .png, .svg or .pdf")
    text = json.dumps(record, sort_keys=True, allow_nan=False, default=str)
    title = f"strategic-triangle map: {record.get('scenario')}"
    if suffix == ".png":
        keys = ("scenario", "param_hash", "version", "seed")
        meta: dict[str, Any] = {"Title": title, "Description": text,
                                **{k: str(record.get(k)) for k in keys}}
    elif suffix == ".svg":
        meta = {"Title": title, "Description": text, "Date": None}
    else:
        meta = {"Title": title, "Subject": text, "CreationDate": None, "ModDate": None}
    def write(tmp: str) -> None:
        with rc_context({"svg.hashsalt": "strategic-triangle"}):
            fig.savefig(tmp, dpi=dpi, metadata=meta, format=suffix[1:])

    atomic_replace(path, write)

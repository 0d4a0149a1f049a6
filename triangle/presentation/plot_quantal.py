"""Maps of the smooth probability of schism under quantal response (presentation layer).

With a finite ``solver.rationality`` a map need not be a patchwork of verdicts: the
probability of schism within the horizon (``quantal_p_schism``, :mod:`triangle.wedge.quantal`)
moves smoothly with the parameters, and so does the part of it the offer added
(``quantal_p_schism_change``).  :func:`plot_probability_map` draws either as a continuous
colour map with a colour bar in probability units, the schism threshold ``p_bar`` as a
dashed contour, and the scenario's own point as a white star.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from triangle.common.numbers import fmt
from triangle.presentation.plot import _edges, map_frame, map_title

#: ``--measure`` choices of ``triangle map``: column drawn, colour-bar label, colour map, range.
MEASURES = {
    "p_schism": ("quantal_p_schism", "P(schism within the horizon), with the offer",
                 "viridis", (0.0, 1.0)),
    "p_schism_change": ("quantal_p_schism_change", "change in P(schism) due to the offer",
                        "RdBu_r", (-1.0, 1.0)),
}


def measure_frame(m: Any) -> Any:
    """The map's table with the quantal columns (``--data`` of a probability map)."""
    return m.table[[m.x_path, m.y_path, "rationality", "quantal_p_schism",
                    "quantal_p_schism_baseline", "quantal_p_schism_change", "quantal_verdict",
                    "quantal_counter_offer"]]


def measure_grid(m: Any, measure: str) -> np.ndarray:
    """The column of ``measure`` over the map's grid, shape ``(len(y), len(x))``."""
    column = MEASURES[measure][0]
    return m.table[column].to_numpy(dtype=float).reshape(m.x.size, m.y.size).T


def plot_probability_map(m: Any, measure: str = "p_schism", ax: Any = None) -> Any:
    """Draw ``measure`` of an :class:`~triangle.analysis.sweep.EquilibriumMap`; returns the Figure."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if ax is None:
        fig = Figure(figsize=(8.0, 5.2), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    _, label, cmap, (lo, hi) = MEASURES[measure]
    z = measure_grid(m, measure)
    xe, ye = _edges(m.x), _edges(m.y)
    mesh = ax.pcolormesh(xe, ye, z, cmap=cmap, vmin=lo, vmax=hi, shading="flat", rasterized=True)
    bar = fig.colorbar(mesh, ax=ax)
    bar.set_label(f"{label} [probability]")
    handles: list[Any] = []
    thr = float(m.table["schism_threshold"].iloc[0])
    # a schism above p_bar; for the change, the offer *caused* one above it
    if z.shape[0] > 1 and z.shape[1] > 1 and np.nanmin(z) < thr < np.nanmax(z):
        ax.contour(m.x, m.y, z, levels=[thr], colors="white", linewidths=1.5, linestyles="--")
        handles.append(Line2D([], [], color="black", linestyle="--",
                              label=f"threshold p_bar = {fmt(thr, 'g')}"))
    handles.append(map_frame(ax, m, xe, ye))
    lam = np.unique(m.table["rationality"].to_numpy(dtype=float))
    precision = (f"lambda = {fmt(lam[0], 'g')} per payoff unit" if lam.size == 1 else
                 "lambda per point")
    ax.set_title(map_title(m.record, f"{label}\nunder logit quantal response ({precision})"),
                 fontsize=9)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.12), ncol=2,
                  fontsize=8, frameon=False)
    return fig

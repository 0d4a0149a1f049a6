"""Figures of bounded rationality: the logit branch and learning paths (presentation layer).

Each function takes a result of :mod:`triangle.wedge.bounded` at one point and returns a
:class:`matplotlib.figure.Figure` (no pyplot state).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure


def plot_branch(branch: Any, title: str = "", nash_p: float | None = None,
                own: float | None = None) -> Figure:
    """Probability of schism (top) and both partners' mixes (bottom) along the logit branch.

    The precision axis is logarithmic; ``lambda = 0`` (uniform play) is drawn at the left
    edge.  ``nash_p`` marks the probability at the rational (Nash) outcome, ``own`` the
    scenario's own ``solver.rationality``.
    """
    fig = Figure(figsize=(7.5, 7.0), layout="constrained")
    ax, ax_t, ax_p = fig.subplots(3, 1, sharex=True, height_ratios=(1.2, 1, 1))
    lam = np.asarray(branch.lam, float)
    floor = lam[lam > 0].min() / 2 if (lam > 0).any() else 1e-3
    shown = np.where(lam > 0, lam, floor)
    ax.plot(shown, branch.p_schism[0], color="#e76f51", lw=2)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability of schism\nwithin the horizon")
    if nash_p is not None:
        ax.axhline(nash_p, color="0.4", ls="--", lw=1, label=f"Nash outcome ({nash_p:.3g})")
    if own is not None and np.isfinite(own) and own > 0:
        ax.axvline(own, color="#457b9d", ls=":", lw=1.5, label=f"scenario's lambda ({own:g})")
    if nash_p is not None or own is not None:
        ax.legend(loc="best", fontsize=8)
    for axis, mix, who in ((ax_t, branch.x[0], "target"), (ax_p, branch.y[0], "partner")):
        axis.stackplot(shown, mix.T, labels=branch.names, alpha=0.85)
        axis.set_ylim(0, 1)
        axis.set_ylabel(f"{who}'s mix")
    ax_t.legend(loc="upper left", fontsize=7, ncol=2)
    ax_p.set_xscale("log")
    ax_p.set_xlabel("logit precision lambda (per payoff unit; left edge: lambda = 0)")
    ax.set_title(title or "logit quantal response branch")
    return fig


def plot_learning(path: Any, title: str = "") -> Figure:
    """Both partners' mixes and the probability of schism over the years of learning."""
    fig = Figure(figsize=(7.5, 7.0), layout="constrained")
    ax, ax_t, ax_p = fig.subplots(3, 1, sharex=True, height_ratios=(1.2, 1, 1))
    ax.plot(path.years, path.p_schism[0], color="#e76f51", lw=2)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability of schism\nwithin the horizon")
    ax.axvline(path.settled[0], color="0.4", ls="--", lw=1,
               label=f"settles: {path.outcome[0]} after {path.settled[0]:.3g} years")
    ax.legend(loc="best", fontsize=8)
    for axis, mix, who in ((ax_t, path.x[0], "target"), (ax_p, path.y[0], "partner")):
        axis.stackplot(path.years, mix.T, labels=path.names, alpha=0.85)
        axis.set_ylim(0, 1)
        axis.set_ylabel(f"{who}'s mix")
    ax_t.legend(loc="upper left", fontsize=7, ncol=2)
    ax_p.set_xlabel("years")
    ax.set_title(title or f"learning: {path.dynamics}")
    return fig


OUTCOME_COLORS = {"loyalty": "#2a9d8f", "hedging": "#e9c46a", "break": "#e76f51"}


def plot_basin(x: Any, y: Any, outcome: np.ndarray, settled: np.ndarray, title: str = "",
               own: tuple[float, float] | None = None) -> Figure:
    """End state of a learning dynamic over a grid of two parameters (its basins), with the
    years to settle as labelled contours and the scenario's own point marked."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    fig = Figure(figsize=(7.0, 5.5), layout="constrained")
    ax = fig.subplots()
    kinds = list(OUTCOME_COLORS)
    codes = np.vectorize(kinds.index)(outcome).astype(float)
    (px, xs), (py, ys) = x, y
    ax.pcolormesh(xs, ys, codes, cmap=ListedColormap(list(OUTCOME_COLORS.values())),
                  vmin=-0.5, vmax=2.5, shading="nearest")
    if xs.size > 1 and ys.size > 1 and np.ptp(settled) > 0:
        cs = ax.contour(xs, ys, settled, colors="0.2", linewidths=0.7, levels=5)
        ax.clabel(cs, fmt="%.3g y", fontsize=7)
    if own is not None:
        ax.plot(*own, marker="*", color="k", ms=12, ls="none")
    ax.legend(handles=[Patch(color=c, label=k) for k, c in OUTCOME_COLORS.items()],
              loc="upper right", fontsize=8)
    ax.set_xlabel(px)
    ax.set_ylabel(py)
    ax.set_title(title or "basins of the learning dynamic")
    return fig

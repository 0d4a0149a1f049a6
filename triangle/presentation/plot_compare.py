"""Figure of a scenario comparison: each claim's Shapley share of the change (presentation).

:func:`comparison_figure` takes a :class:`triangle.analysis.compare.Comparison` and returns a
:class:`matplotlib.figure.Figure` with one panel per measure (the wedge margin, the divider's
present value): a horizontal bar per claim, its Shapley value (Shapley 1953) of the change from
scenario A to scenario B.  A claim that carries part of an infinite change (an existential
cost) is drawn to the edge of the axes and labelled ``+inf`` / ``-inf``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.figure import Figure

POSITIVE, NEGATIVE = "#2a9d8f", "#e76f51"
TITLES = {"margin": "wedge margin r_max - r*(m_max), per year\n(> 0: the divider can outbid "
                    "the partner)",
          "pv_divider": "divider's present value (payoff-years)",
          "p_success": "probability of success\n(over the distributions' draws)"}


def _num(x: float) -> str:
    return ("+inf" if x > 0 else "-inf") if math.isinf(x) else f"{x:+.3g}"


def comparison_figure(c: Any, ax: Any = None) -> Figure:
    """Shapley values of each claim for the margin and the divider's present value."""
    names = [p.name for p in c.players]
    fig = Figure(figsize=(11, 1.8 + 0.45 * max(len(names), 1)), layout="constrained")
    axes = fig.subplots(1, len(c.attribution), sharey=True, squeeze=False)[0]
    y = np.arange(len(names))[::-1]
    for axis, (measure, at) in zip(axes, c.attribution.items(), strict=True):
        value = np.asarray(at.value, dtype=float)
        finite = value[np.isfinite(value)]
        edge = max(float(np.abs(finite).max()) if finite.size else 0.0, 1e-9) * 1.25
        shown = np.clip(value, -edge, edge)
        axis.barh(y, shown, color=np.where(value >= 0, POSITIVE, NEGATIVE),
                  xerr=None if at.stderr is None else at.stderr)
        for yi, v, s in zip(y, value, shown, strict=True):
            axis.annotate(_num(v), (s, yi), xytext=(3 if v >= 0 else -3, 0),
                          textcoords="offset points", va="center",
                          ha="left" if v >= 0 else "right", fontsize=8)
        axis.axvline(0, color="black", lw=0.8)
        axis.set_xlim(-edge * 1.3, edge * 1.3)
        axis.set_title(TITLES.get(measure, measure), fontsize=9)
        axis.set_xlabel(f"Shapley value of the change, total {_num(at.total)}"
                        + ("" if at.stderr is None else " (sampled; bars: standard error)"))
    axes[0].set_yticks(y, names)
    ends = c.ends
    fig.suptitle(f"{ends['a']['scenario']} ({ends['a']['verdict']}) -> "
                 f"{ends['b']['scenario']} ({ends['b']['verdict']}): which claims carry the change",
                 fontsize=10)
    return fig

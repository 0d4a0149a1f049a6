"""Figures of sensitivity analysis and scenario discovery (presentation layer).

Each function takes a result object of :mod:`triangle.analysis.sensitivity` or
:mod:`triangle.analysis.discovery` and returns a :class:`matplotlib.figure.Figure` (no pyplot state,
so it works the same in scripts, notebooks and worker processes).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from triangle.common.numbers import fmt
from triangle.presentation.plot import plain
from triangle.scenario.parameters import BY_PATH

LOW_COLOR, HIGH_COLOR = "#457b9d", "#e76f51"
SUCCESS_COLOR, OTHER_COLOR = "#2a9d8f", "#c8c8c8"


#: Axis labels with units for the numeric outputs of the sensitivity analyses.
OUTPUT_LABELS = {
    "margin": "wedge margin M = r_max - r*(m_max) [payoff per year]",
    "p_schism": "probability of schism within the horizon [probability]",
    "r_star": "threshold reward r*(m) [payoff per year]",
    "r_star_max": "threshold reward at the largest counter r*(m_max) [payoff per year]",
    "r_max": "divider's largest worthwhile reward r_max [payoff per year]",
    "m_max": "partner's largest worthwhile counter-offer m_max [payoff per year]",
    "counter_offer": "partner's counter-offer m [payoff per year]",
    "cohesion_change": "change in cohesion [payoff-years]",
    "pv_divider": "divider's present value [payoff-years]",
    "pv_target": "target's present value [payoff-years]",
    "pv_partner": "partner's present value [payoff-years]",
}


def _label(output: str) -> str:
    if output.startswith("verdict:"):
        return f"verdict {output.split(':')[1]} (1 where the verdict is {output.split(':')[1]}, else 0)"
    return {"margin": "wedge margin r_max - r*(m_max) (per year; > 0: the divider can outbid\n"
                      "the partner, which is not the same as success)",
            "success": "success (1 where the verdict is success, else 0)",
            "p_schism": "probability of schism within the horizon"}.get(
                output, OUTPUT_LABELS.get(output, output))


_num = fmt


def tornado(result: Any, output: str) -> Figure:
    """Tornado chart: the output with each parameter at the low and the high end of its range.

    Bars start at the scenario's own value of the output; the thin line spans the output's
    range over the grid; the values where the verdict flips, with the verdict beyond each,
    are written under the parameter's name.  Infinite
    outputs are drawn at the edge of the axes and labelled.
    """
    table = result.table
    lo_col, hi_col = f"{output}_at_low", f"{output}_at_high"
    mn, mx = table[f"{output}_min"].to_numpy(float), table[f"{output}_max"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        swing = np.nan_to_num(mx - mn, nan=0.0, posinf=np.inf)
    order = np.argsort(swing, kind="stable")  # largest ends on top
    base = result.baseline[output]
    base = -np.inf if base is None else base
    values = np.concatenate([mn, mx, [base]])
    finite = values[np.isfinite(values)]
    span = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    pad = 0.08 * (span[1] - span[0] or 1.0)
    left, right = span[0] - pad, span[1] + pad

    def shown(x: float) -> float:
        return left if x == -np.inf else right if x == np.inf else x

    height = 1.6 + 0.8 * len(table)
    fig = Figure(figsize=(9, height), layout="constrained")
    ax = fig.add_subplot()
    origin = shown(base)
    labels = []
    for y, i in enumerate(order):
        row = table.iloc[i]
        path = table.index[i]
        ax.plot([shown(mn[i]), shown(mx[i])], [y, y], color="0.3", lw=1, zorder=1)
        ends = sorted(((row[lo_col], LOW_COLOR), (row[hi_col], HIGH_COLOR)),
                      key=lambda e: -abs(shown(e[0]) - origin))  # the longer bar first
        for end, color in ends:
            ax.barh(y, shown(end) - origin, left=origin, height=0.5, color=color, alpha=0.85,
                    zorder=2)
        if mn[i] == mx[i] and math.isinf(mn[i]):
            ax.annotate(f"{output} = {_num(mn[i])} across the range", (0.5, y),
                        xycoords=("axes fraction", "data"), ha="center", va="center", fontsize=8)
        else:
            for end in {row[lo_col], row[hi_col]}:
                if math.isinf(end):
                    ax.annotate(_num(end), (shown(end), y), va="center", fontsize=8,
                                ha="right" if end > 0 else "left", textcoords="offset points",
                                xytext=(-3 if end > 0 else 3, 0))
        label = f"{path}\n[{row['low']:g}, {row['high']:g}]"
        flips = result.flips(path)
        if flips:  # beside the axis, where no bar or centre line can cross it
            text = ", ".join(f"{f['value']:.4g} ({f['to']})" for f in flips[:2])
            more = f" +{len(flips) - 2}" if len(flips) > 2 else ""
            label += f"\nflips at {text}{more}"
        labels.append(label)
    ax.set_yticks(range(len(order)), labels, fontsize=8)
    ax.axvline(origin, color="k", lw=1)
    ax.set_xlim(left, right)
    ax.set_xlabel(_label(output))
    ax.set_ylim(-0.8, len(order) - 0.4)
    ax.legend(handles=[Patch(color=LOW_COLOR, label="parameter at LO"),
                       Patch(color=HIGH_COLOR, label="parameter at HI"),
                       Line2D([], [], color="0.3", lw=1, label="range over the grid")],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    verdict = result.baseline.get("verdict")
    ax.set_title(f"{plain(result.scenario.name)}: one-at-a-time sensitivity of {output}\n"
                 f"(scenario: {output} = {_num(base)}, verdict {verdict})", fontsize=10)
    return fig


def index_bars(result: Any) -> Figure:
    """Bar chart of Morris (``mu_star``, ``sigma``) or Sobol' (``S1``, ``ST``) indices, with
    their confidence intervals as error bars."""
    table = result.table
    names = list(table.index)
    x = np.arange(len(names))
    fig = Figure(figsize=(max(6.0, 1.6 + 1.3 * len(names)), 4.6), layout="constrained")
    ax = fig.add_subplot()
    if result.method == "sobol":
        bars = [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")]
        ylabel = f"Sobol' index of {result.output}"
    else:
        bars = [("mu_star", "mu_star_conf", "mu* (mean |elementary effect|)"),
                ("sigma", None, "sigma (interactions, non-linearity)")]
        ylabel = f"Morris measure of {result.output}"
    width = 0.38
    for k, (col, conf, label) in enumerate(bars):
        err = table[conf].to_numpy(float) if conf else None
        ax.bar(x + (k - 0.5) * width, table[col].to_numpy(float), width, yerr=err, capsize=3,
               label=label, color=(LOW_COLOR, HIGH_COLOR)[k], alpha=0.9)
    ax.set_xticks(x, [n.replace(".", ".\n", 1) for n in names], fontsize=8)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, frameon=False)
    method = "Sobol'" if result.method == "sobol" else "Morris"
    title = f"{plain(result.scenario.name)}: {method} sensitivity of {result.output}\n"
    if _label(result.output) != result.output:
        title += f"{_label(result.output)}\n"  # what the chosen output means
    title += f"(n = {result.n}, {len(result.samples)} evaluations, seed {result.seed})"
    p = getattr(result, "success", None)
    if p:
        title += (f"\nP(success) = {p['estimate']:.2f}, {p['conf']:.0%} Wilson interval "
                  f"[{p['ci'][0]:.2f}, {p['ci'][1]:.2f}]")
    if result.clip.get("clipped"):
        title += f"; {result.clip['clipped']} infinite values clipped to ±{result.clip['bound']:.4g}"
    ax.set_title(title, fontsize=10)
    return fig


def _axes_pair(result: Any, x: str | None, y: str | None) -> tuple[str, str | None]:
    paths = [r.path for r in result.ranges]
    ranked = []
    if result.boxes:
        box = result.boxes[0]
        ranked = sorted((p for p in paths if any(box.restricted[p])),
                        key=lambda p: box.qp.get(p, 1.0))
    ranked += [p for p in paths if p not in ranked]
    x = x or ranked[0]
    y = y or next((p for p in ranked if p != x), None)
    return x, y


def discovery_figure(result: Any, x: str | None = None, y: str | None = None) -> Figure:
    """Left: each box's peeling trajectory (coverage against density, the chosen box ringed).
    Right: the sampled points over two parameters, success in colour, the boxes drawn."""
    fig = Figure(figsize=(12, 5.2), layout="constrained")
    ax_t, ax_s = fig.subplots(1, 2, width_ratios=(1, 1.25))
    k = len(result.ranges)
    cmap = colormaps["viridis"].resampled(k + 1)
    for box in result.boxes:
        t = box.trajectory
        sc = ax_t.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap=cmap, s=18,
                          vmin=-0.5, vmax=k + 0.5)
        ax_t.plot(t["coverage"], t["density"], color="0.6", lw=0.6, zorder=0)
        ax_t.scatter([box.coverage], [box.density], s=140, facecolors="none", edgecolors="r")
        ax_t.annotate(f"box {box.number}", (box.coverage, box.density), xytext=(6, -12),
                      textcoords="offset points", fontsize=8, color="r")
    if result.boxes:
        fig.colorbar(sc, ax=ax_t, label="restricted parameters", ticks=range(k + 1))
    ax_t.set_xlabel("coverage (share of all successes in the box)")
    ax_t.set_ylabel("density (share of the box that succeeds)")
    ax_t.set_xlim(-0.02, 1.02)
    ax_t.set_ylim(-0.02, 1.02)
    ax_t.set_title("PRIM peeling trade-off", fontsize=10)

    xp, yp = _axes_pair(result, x, y)
    s = result.samples
    ok = s["success"].to_numpy(bool)
    xs = s[xp].to_numpy(float)
    if yp is None:
        ys = np.random.default_rng(0).random(len(s))
        ax_s.set_ylabel("(random jitter)")
    else:
        ys = s[yp].to_numpy(float)
        ax_s.set_ylabel(f"{yp} ({BY_PATH[yp].unit})")
    # Points outside box 1 in the parameters not on the axes are drawn pale.
    near = np.ones(len(s), dtype=bool)
    hidden = [r.path for r in result.ranges if r.path not in (xp, yp)]
    if result.boxes:
        for path in hidden:
            lo, hi = result.boxes[0].limits[path]
            near &= (s[path].to_numpy(float) >= lo) & (s[path].to_numpy(float) <= hi)
    for mask, alpha, suffix in ((~near, 0.25, None), (near, 1.0, "")):
        for cases, color, label in ((~ok, OTHER_COLOR, "no success"), (ok, SUCCESS_COLOR, "success")):
            sel = mask & cases
            ax_s.scatter(xs[sel], ys[sel], s=7, color=color, alpha=alpha, lw=0,
                         label=None if suffix is None else label)
    if result.boxes and hidden and not near.all():
        ax_s.annotate("pale: outside box 1 in " + ", ".join(hidden), (0.0, -0.13),
                      xycoords="axes fraction", fontsize=7, color="0.35", va="top")
    for box in result.boxes:
        (x0, x1) = box.limits[xp]
        (y0, y1) = box.limits[yp] if yp else (0.0, 1.0)
        ax_s.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2, ec="k"))
        ax_s.annotate(f"box {box.number}", (x0, y1), xytext=(3, -12), textcoords="offset points",
                      fontsize=8)
    ax_s.set_xlabel(f"{xp} ({BY_PATH[xp].unit})")
    # Outside the axes: inside, it covers whichever corner the successes crowd into.
    ax_s.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=2.5,
                frameon=False)
    rule = str(result.boxes[0]) if result.boxes else result.summary()
    ax_s.set_title(_wrap(rule), fontsize=9)
    fig.suptitle(f"{plain(result.scenario.name)}: where does the wedge succeed? "
                 f"({len(s)} samples, seed {result.seed})", fontsize=11)
    return fig


def _wrap(text: str, width: int = 80) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])

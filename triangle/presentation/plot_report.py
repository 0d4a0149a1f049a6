"""Figures of one outcome: the triangle of actors with Dittmer's roles, and the time path.

:func:`roles_triangle` draws the three actors at the corners of a triangle, each dyad as a
solid line when amicable (+) and a dashed line when hostile (-), with the sign written on
it, so that the drawing reads the same in greyscale (Dittmer 1981's configurations).
:func:`path_figure` draws a :class:`~triangle.wedge.path.TimePath`: the probability that
the partnership has split, and each partner's expected payoff per year, with the wedge
(solid) and without it (dashed).  :func:`svg` renders a figure as inline SVG text.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from triangle.presentation.glossary import ROLE_MEANINGS
from triangle.wedge.dittmer import dyad_signs

#: Okabe & Ito (2008): target blue, partner vermillion; line styles separate the cases.
ACTOR_COLOURS = {"target": "#0072B2", "partner": "#D55E00", "divider": "#009E73"}
CASE_STYLES = {"wedge": ("-", "with the wedge"), "baseline": ("--", "without the wedge")}


def svg(fig: Any) -> str:
    """The figure as an ``<svg>`` element (no XML prologue), for inline HTML.

    The SVG's ids are salted by a fixed string so that the same figure gives the same text.
    """
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({"svg.hashsalt": "strategic-triangle", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def roles_triangle(out: Any) -> Figure:
    """The actors, their Dittmer roles and the signs of the three dyads after the episode."""
    c, a = out.columns, out.actors
    sign_dp = out.evaluation.model.divider_partner if out.evaluation is not None else -1.0
    tp, dt, dp = (float(np.asarray(v).reshape(-1)[0]) for v in dyad_signs(
        np.array([bool(c["schism"])]), np.array([c["upfront"]]), np.array([c["pressure"]]),
        sign_dp))
    corners = {"divider": (0.5, 0.9), "target": (0.1, 0.15), "partner": (0.9, 0.15)}
    fig = Figure(figsize=(5.6, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for (u, v), sign in ((("target", "partner"), tp), (("divider", "target"), dt),
                         (("divider", "partner"), dp)):
        (x0, y0), (x1, y1) = corners[u], corners[v]
        friendly = sign > 0
        ax.plot([x0, x1], [y0, y1], color="black" if friendly else "0.35",
                linestyle="-" if friendly else (0, (5, 4)), linewidth=2.4 if friendly else 1.6, zorder=1)
        ax.text((x0 + x1) / 2, (y0 + y1) / 2, "+ amicable" if friendly else "\u2212 hostile",
                ha="center", va="center", fontsize=9, zorder=3,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "0.6"})
    for actor, (x, y) in corners.items():
        role = c[f"role_{actor}"]
        ax.scatter([x], [y], s=900, color=ACTOR_COLOURS[actor], edgecolor="black", zorder=4)
        ax.text(x, y - 0.13 if y < 0.5 else y + 0.1, f"{a[actor]} ({actor})\nrole: {role}",
                ha="center", va="center", fontsize=9.5, zorder=5)
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.12, 1.08)
    ax.set_axis_off()
    config = str(c["configuration"]).replace("_", " ")
    ax.set_title(f"Dittmer configuration after the episode: {config}", fontsize=10)
    return fig


def role_lines(out: Any) -> list[str]:
    """``"Russia (target): partner: one of the friendly pair ..."``, one per actor."""
    return [f"{out.actors[k]} ({k}): {out.columns['role_' + k]}: "
            f"{ROLE_MEANINGS.get(out.columns['role_' + k], '')}" for k in ("divider", "target", "partner")]


def path_figure(path: Any, ax: Any = None) -> Figure:
    """Two panels over the years: probability of schism; each partner's expected payoff per year."""
    fig = Figure(figsize=(8.0, 6.0), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    # Each value holds for its whole period: the last step runs to the horizon.
    step = path.years[1] - path.years[0] if len(path.years) > 1 else 1.0
    years = np.append(path.years, path.years[-1] + step)

    def held(v: np.ndarray) -> np.ndarray:
        return np.append(v, v[-1])

    for case, (style, label) in CASE_STYLES.items():
        top.step(years, held(path.p_schism[case]), where="post", color="black", linestyle=style,
                 linewidth=1.8, label=label)
        for actor, values in (("target", path.payoff_target), ("partner", path.payoff_partner)):
            bottom.step(years, held(values[case]), where="post", color=ACTOR_COLOURS[actor],
                        linestyle=style, linewidth=1.8, label=f"{path.actors[actor]} ({actor}), {label}")
    top.set_ylim(-0.03, 1.03)
    top.set_ylabel("probability that the\npartnership has split")
    top.legend(loc="best", fontsize=8, frameon=False)
    name = path.record.get("scenario")
    top.set_title(f"{name + ': ' if name else ''}the partnership over time in the selected equilibrium",
                  fontsize=10)
    bottom.set_ylabel("expected payoff\n[payoff units per year]")
    bottom.set_xlabel("time since the offer [years]")
    bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, fontsize=8, frameon=False)
    for ax_ in (top, bottom):
        ax_.grid(True, color="0.9", linewidth=0.6)
    return fig

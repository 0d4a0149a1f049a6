"""The HTML report of one scenario: one self-contained file, readable offline and printable.

:func:`html_report` solves the scenario, draws its figures as inline SVG (matplotlib) and
fills the Jinja2 template ``templates/report.html.j2`` (package data; autoescaped).  The
file makes no network request: no scripts, fonts or images from elsewhere.  It holds the
verdict with its glossary, the reasons, the actors and Dittmer (1981) roles drawn as a
triangle, the package and the counter-offer, the admissible equilibria (the full set in a
fold), a verdict map around the scenario's own point, the time path of the probability of
schism with and without the wedge, a one-at-a-time tornado with flip values, the sources
and the provenance record.

The map and the tornado are small and use the fast ``admissible`` backend (the verdicts
look only at admissible equilibria, so they are the same as with any other backend).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from triangle.common.numbers import fmt
from triangle.presentation.glossary import TERMS, VERDICT_MEANINGS
from triangle.presentation.report_quantal import quantal_note
from triangle.scenario.files import Scenario
from triangle.scenario.parameters import BY_PATH
from triangle.wedge.outcome import Outcome

#: Parameters the tornado moves, each over [0, 2 x its value] within its admissible range.
TORNADO_PATHS = ("wedge.reward", "wedge.upfront", "counter.budget", "schism.cost.target",
                 "schism.cost.partner", "schism.value_to_divider", "partnership.value.target",
                 "partnership.value.partner", "partnership.noise")
MAP_AXES = ("wedge.reward", "schism.cost.target")


def _span(scenario: Scenario, path: str, fallback: float) -> tuple[float, float] | None:
    """``(0, 2 v)`` cut to the parameter's range, ``(0, fallback)`` for an infinite or zero ``v``."""
    p = BY_PATH[path]
    v = float(scenario[path])
    hi = 2.0 * v if math.isfinite(v) and v > 0 else fallback
    if (p.high_open and hi >= p.high) or hi > p.high:
        hi = 0.5 * (v + p.high) if math.isfinite(v) and v < p.high else p.high * 0.99
    lo = max(0.0, p.low)
    if p.low_open and lo <= p.low:
        lo = p.low + 1e-9 * (hi - p.low)
    return (lo, hi) if hi > lo else None


def verdict_map(scenario: Scenario, out: Outcome, grid: int = 9) -> Any:
    """A ``grid x grid`` map of verdicts over the reward and the target's schism cost, each
    from 0 to twice the scenario's value (to 100 for an existential cost; the reward to
    twice the divider's largest worthwhile reward where the scenario offers none)."""
    from triangle.analysis.sweep import equilibrium_map

    # An existential cost lies off any map; 100 payoff-years spans the costs at which a
    # reward of the order of the partnership's value can still buy a break.
    cost_hi = 100.0
    x_lo, x_hi = _span(scenario, MAP_AXES[0], max(20.0, 2.0 * float(out.columns["r_max"]))
                       if math.isfinite(out.columns["r_max"]) else 20.0)
    y_lo, y_hi = _span(scenario, MAP_AXES[1], cost_hi)
    return equilibrium_map(scenario, (MAP_AXES[0], np.linspace(x_lo, x_hi, grid)),
                           (MAP_AXES[1], np.linspace(y_lo, y_hi, grid)), backend="admissible")


def tornado(scenario: Scenario, grid: int = 7, output: str = "pv_divider") -> Any:
    """One-at-a-time sensitivity of ``output`` with flip values of the verdict."""
    from triangle.analysis.sensitivity import Range, oat

    spans = [(path, _span(scenario, path, 0.0)) for path in TORNADO_PATHS]
    rs = [Range(path, lo, hi) for path, s in spans if s is not None for lo, hi in [s]]
    return oat(scenario, rs, outputs=(output,), grid=grid)


def _equilibrium_rows(out: Outcome) -> list[dict[str, Any]]:
    return [{**e, "index": i, "selected": i == out.selected,
             **{k: fmt(e[k]) for k in ("pv_target", "pv_partner", "pv_divider", "p_schism")}}
            for i, e in enumerate(out.equilibria)]


def _flips(res: Any) -> list[dict[str, str]]:
    return [{"parameter": path, "value": fmt(f["value"], ".6g"), "from": f["from"], "to": f["to"]}
            for path in res.table.index for f in res.flips(path)]


def context(scenario: Scenario | None, out: Outcome, figures: bool = True, map_grid: int = 9,
            oat_grid: int = 7) -> dict[str, Any]:
    """Everything the template shows, as plain strings, lists and dicts.

    Without the scenario (a notebook's view of an :class:`Outcome`) the description, the
    sources, the map and the tornado are left out; without ``figures``, every figure.
    """
    from triangle.presentation.plot_report import path_figure, role_lines, roles_triangle, svg

    c = out.columns
    rows = _equilibrium_rows(out)
    reasons = getattr(out, "reasons", None)
    ctx: dict[str, Any] = {
        "scenario": out.scenario,
        "description": scenario.settings.get("scenario.description", "") if scenario else "",
        "verdict": c["verdict"],
        "verdict_meaning": VERDICT_MEANINGS[c["verdict"]],
        "robust": bool(c["robust"]),
        "possible": out.possible,
        "quantal_note": quantal_note(out),
        "glossary": VERDICT_MEANINGS,
        "terms": TERMS,
        "reasons": list(reasons) if reasons is not None else None,
        "explanation": out.explain().splitlines(),
        "actors": out.actors,
        "roles": {k: c[f"role_{k}"] for k in ("divider", "target", "partner")},
        "role_lines": role_lines(out),
        "configuration": str(c["configuration"]).replace("_", " "),
        "package": {"up-front concessions u": fmt(c["upfront"]), "conditional reward r": fmt(c["reward"]),
                    "pressure": fmt(c["pressure"])},
        "mode": out.method.get("mode"),
        "counter": {"counter-offer m": fmt(c["counter_offer"]),
                    "largest worthwhile counter-offer m_max": fmt(c["m_max"]),
                    "threshold reward r*(m)": fmt(c["r_star"]),
                    "divider's largest worthwhile reward r_max": fmt(c["r_max"]),
                    "wedge margin M": fmt(c["margin"])},
        "admissible": [r for r in rows if r["admissible"]],
        "equilibria": rows,
        "n_dominated": sum(not r["admissible"] for r in rows),
        "method": out.method,
        "sources": list(scenario.settings.get("scenario.sources", [])) if scenario else [],
        "record": out.record,
        "figures": {},
        "flips": [],
    }
    if figures:
        fig = ctx["figures"]
        fig["roles"] = svg(roles_triangle(out))
        if scenario is not None:
            fig["map"] = svg(verdict_map(scenario, out, map_grid).plot())
        path = out.path()
        fig["path"] = svg(path_figure(path))
        ctx["path_end"] = {case: fmt(path.p_schism[case][-1]) for case in ("wedge", "baseline")}
        ctx["horizon"] = fmt(float(path.years[-1] + (path.years[1] - path.years[0])
                                   if len(path.years) > 1 else 0.0), ".3g")
        if scenario is not None:
            res = tornado(scenario, oat_grid)
            fig["tornado"] = svg(res.plot())
            ctx["flips"] = _flips(res)
    return ctx


def _num(x: Any) -> Any:
    """Numbers through the one formatter (infinities as words); anything else unchanged."""
    if isinstance(x, int | float | np.number) and not isinstance(x, bool | np.bool_):
        return fmt(x)
    return x


def render_html(ctx: dict[str, Any], standalone: bool = True) -> str:
    """Fill the package's template with ``ctx`` (autoescaped; figures are trusted SVG).

    ``standalone``: a whole document; else one ``<article>`` with its own scoped style, for
    a notebook cell.
    """
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.PackageLoader("triangle.presentation", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    ctx = {**ctx, "figures": {k: Markup(v) for k, v in ctx["figures"].items()}}
    return env.get_template("report.html.j2").render(**ctx, standalone=standalone)


def outcome_html(out: Outcome) -> str:
    """The notebook view of an :class:`Outcome`: the report without figures, as a fragment."""
    return render_html(context(None, out, figures=False), standalone=False)


def html_report(scenario: Scenario, out: Outcome | None = None, figures: bool = True,
                **kw: Any) -> str:
    """The HTML report of ``scenario`` (solved here unless ``out`` is given)."""
    if out is None:
        from triangle.wedge.solve import solve

        out = solve(scenario)
    return render_html(context(scenario, out, figures, **kw))

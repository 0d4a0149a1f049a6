"""Reports of one outcome: a readable text (Markdown) and a JSON object.

JSON follows RFC 8259, which has no infinity: ``inf`` and ``-inf`` are written as the
strings ``"inf"`` and ``"-inf"``; NaN never occurs (the model never produces one, and
:func:`json_safe` refuses it).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from triangle.common.numbers import fmt
from triangle.presentation.report_quantal import quantal_note
from triangle.wedge.outcome import Outcome


def json_safe(obj: Any) -> Any:
    """Convert numpy scalars and arrays, and write infinities as ``"inf"``/``"-inf"``."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        if math.isnan(obj):
            raise ValueError("NaN in output")
        if math.isinf(obj):
            return fmt(obj)
    return obj


def outcome_dict(out: Outcome) -> dict[str, Any]:
    """The JSON object of ``triangle run --json``."""
    c = out.columns
    eq = out.equilibria
    return json_safe({
        "scenario": out.scenario,
        "verdict": c["verdict"],
        "robust": c["robust"],
        "possible": out.possible,
        "quantal_response": quantal_note(out),
        "schism": c["schism"],
        "p_schism": c["p_schism"],
        "margin": c["margin"],
        "configuration": c["configuration"],
        "roles": out.roles,
        "actors": out.actors,
        "package": {"upfront": c["upfront"], "reward": c["reward"], "pressure": c["pressure"],
                    "hedge_reward": c["hedge_reward"]},
        "hedge_share": c["hedge_share"],
        "counter_offer": c["counter_offer"],
        "equilibria": eq,
        "selected_equilibrium": out.selected,
        "degenerate": c["degenerate"],
        "continuum": bool(out.game.continuum) if out.game else None,
        "connected_sets": out.game.components if out.game else None,
        "payoffs": {"divider": c["pv_divider"], "target": c["pv_target"],
                    "partner": c["pv_partner"], "divider_without_wedge": c["pv_divider_baseline"]},
        "cohesion": {"before": c["cohesion_before"], "after": c["cohesion_after"],
                     "change": c["cohesion_change"]},
        "baseline": {"schism": c["schism_baseline"], "p_schism": c["p_schism_baseline"],
                     "hedge_share": c["hedge_share_baseline"],
                     "counter_offer": c["counter_offer_baseline"],
                     "pv_divider": c["pv_divider_baseline"]},
        "thresholds": {"r_star": c["r_star"], "r_star_at_max_counter": c["r_star_max"],
                       "partner_max_counter": c["m_max"], "divider_max_reward": c["r_max"],
                       "existential_bound_target": c["bound_target"],
                       "existential_bound_partner": c["bound_partner"]},
        "reasons": out.reasons,
        "explanation": out.explain(),
        "method": out.method,
        "record": out.record,
    })


def _n(x: Any) -> str:
    return fmt(x) if isinstance(x, float | int) and not isinstance(x, bool) else str(x)


def render_text(out: Outcome, all_equilibria: bool = False) -> str:
    """A readable Markdown report of one outcome.

    The equilibrium table lists the admissible equilibria (no weakly dominated strategy,
    the ones the verdicts look at) and counts the rest; ``all_equilibria`` lists every one.
    """
    c, a = out.columns, out.actors
    sourced = any("source" in e for e in out.equilibria)  # the nashpy backend marks each
    robust = ("robust: the only verdict over the admissible pairs of equilibria with and "
              "without the offer") if c["robust"] else (
        "not robust: possible verdicts " + ", ".join(out.possible))
    note = quantal_note(out)
    if note:
        robust = "an expected outcome, see below"
    lines = [
        f"# {out.scenario}",
        "",
        f"**Verdict: {c['verdict']}** ({robust}).",
        *(["", note] if note else []),
        *([] if out.method.get("converged", True) else ["", "**Not converged**: a search behind this result stopped at its iteration cap; treat its numbers as approximate."]),  # noqa: E501
        "",
        "## Why",
        "",
        *[f"- {line}" for line in out.explain().splitlines()],
        "",
        "## Actors and roles",
        "",
        f"Dittmer configuration: **{c['configuration'].replace('_', ' ')}**.",
        "",
        "| Actor | Side | Role |",
        "|---|---|---|",
        *[f"| {a[k]} | {k} | {c['role_' + k]} |" for k in ("divider", "target", "partner")],
        "",
        "## The wedge package and the counter-offer (per year)",
        "",
        f"- up-front concessions u = {_n(c['upfront'])}, conditional reward r = {_n(c['reward'])},"
        f" pressure = {_n(c['pressure'])}"
        + (f", hedge reward h = {_n(c['hedge_reward'])}" if c["hedge_reward"] > 0 else "")
        + f" ({out.method['mode']} mode)",
        *([f"- share of the horizon in which {a['target']} hedges: {_n(c['hedge_share'])} with "
           f"the offer, {_n(c['hedge_share_baseline'])} without it"]
          if c["hedge_reward"] > 0 or c["verdict"] == "partial_success" else []),
        f"- {a['partner']}'s counter-inducement m = {_n(c['counter_offer'])}"
        f" (largest worthwhile: {_n(c['m_max'])})",
        f"- threshold reward r*(m) = {_n(c['r_star'])}; divider's largest worthwhile reward"
        f" r_max = {_n(c['r_max'])}; wedge margin M = {_n(c['margin'])}",
        "",
        "## Equilibria of the partnership game",
        "",
        f"{len(out.equilibria)} found, {sum(e['admissible'] for e in out.equilibria)} admissible"
        f" ({out.method['equilibrium_method']}; selection"
        f" `{out.method['selection']}`; strategies: {', '.join(out.method['strategies'])})."
        + (" The game is degenerate: equilibria may form a continuum." if c["degenerate"] else ""),
        "",
        f"| # | {a['target']} | {a['partner']} | PV {a['target']} | PV {a['partner']} |"
        f" PV {a['divider']} | P(schism) | admissible | verdict |" + (" found by |" if sourced else ""),
        "|---|---|---|---|---|---|---|---|---|" + ("---|" if sourced else ""),
    ]
    for i, e in enumerate(out.equilibria):
        if not (all_equilibria or e["admissible"] or i == out.selected):
            continue
        mark = " (selected)" if i == out.selected else ""
        lines.append(f"| {i}{mark} | {e['target']} | {e['partner']} | {_n(e['pv_target'])} | "
                     f"{_n(e['pv_partner'])} | {_n(e['pv_divider'])} | {_n(e['p_schism'])} | "
                     f"{'yes' if e['admissible'] else 'no'} | {e['verdict']} |"
                     + (f" {e.get('source', '')} |" if sourced else ""))
    hidden = sum(not (e["admissible"] or i == out.selected) for i, e in enumerate(out.equilibria))
    if hidden and not all_equilibria:
        lines += ["", f"{hidden} more equilibria in dominated strategies: --all-equilibria"]
    if out.game is not None and out.game.continuum:
        groups = "; ".join("{" + ", ".join(map(str, g)) + "}" for g in out.game.components
                           if len(g) > 1)
        lines += ["", f"Equilibria connected by a continuum (Jansen 1981): {groups}."]
    notes = out.method.get("notes") or []  # e.g. a nashpy method that failed, missed or did not run
    if notes:
        lines += ["", *(f"Note: {n}." for n in notes)]
    lines += [
        "",
        "## Present values and cohesion",
        "",
        f"- {a['divider']}: {_n(c['pv_divider'])} (without the wedge: {_n(c['pv_divider_baseline'])})",
        f"- {a['target']}: {_n(c['pv_target'])}; {a['partner']}: {_n(c['pv_partner'])}",
        f"- probability of schism within the horizon: {_n(c['p_schism'])} with the offer, "
        f"{_n(c['p_schism_baseline'])} without it",
        f"- cohesion (target's whole stay-minus-break value, no offer on the table): before "
        f"{_n(c['cohesion_before'])}, "
        f"after {_n(c['cohesion_after'])}, change {_n(c['cohesion_change'])}",
        "",
        "## Record",
        "",
        f"scenario `{out.record.get('scenario')}`, file `{out.record.get('file')}`, parameter hash "
        f"`{out.record.get('param_hash')}`, strategic-triangle {out.record.get('version')}, "
        f"seed {out.record.get('seed')}",
        "",
    ]
    return "\n".join(lines)


def dumps(out: Outcome) -> str:
    """``outcome_dict`` as strict JSON text."""
    return json.dumps(outcome_dict(out), indent=2, allow_nan=False)

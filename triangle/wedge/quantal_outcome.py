"""The outcome of one scenario under quantal response: verdict, probabilities and reasons.

:func:`quantal_outcome` turns the Nash :class:`~triangle.wedge.outcome.Outcome` of a scenario
whose ``solver.rationality`` is finite into the expected outcome of
:mod:`triangle.wedge.quantal`: the verdict word, the probabilities of schism with and without
the offer, the counter and the expected present values are the quantal ones; the Nash answer
stays beside them (``nash_verdict``, ``nash_p_schism``, ``nash_counter_offer``) and the
equilibria listed are still the Nash equilibria.  The deciding reasons are the classifier's
own tests (:func:`triangle.wedge.reasons.deciding_reasons`) on the quantal numbers; the
explaining ones say that the verdict is an expected outcome under logit response, how the
partner's counter was chosen, and what rational partners would do.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from triangle.common.numbers import fmt
from triangle.wedge.dittmer import configuration, dyad_signs, roles
from triangle.wedge.outcome import Outcome
from triangle.wedge.quantal import QuantalEvaluation
from triangle.wedge.reasons import compare, deciding_reasons, explaining_reasons

#: Columns of the Nash outcome replaced by their quantal values.
REPLACED = ("verdict", "schism", "p_schism", "p_schism_baseline", "schism_baseline",
            "counter_offer", "counter_offer_baseline", "pv_divider", "pv_target", "pv_partner",
            "pv_divider_baseline", "cohesion_before", "cohesion_after", "cohesion_change")


def mix_label(probs: np.ndarray, names: list[str], floor: float = 0.01) -> str:
    """The strategies of a mix with probability at least ``floor``, likeliest first.

    >>> mix_label(np.array([0.5, 0.004, 0.496]), ["Loyal", "Grim", "Hedger"])
    '0.5 Loyal + 0.496 Hedger + others < 0.01'
    >>> mix_label(np.array([1.0, 0.0]), ["Loyal", "Grim"])
    'Loyal'
    """
    order = np.argsort(-probs, kind="stable")
    shown = [i for i in order if probs[i] >= floor]
    if len(shown) == 1 and probs[shown[0]] > 1 - 1e-12:
        return names[shown[0]]
    text = " + ".join(f"{probs[i]:.3g} {names[i]}" for i in shown)
    return text + (f" + others < {floor:g}" if (probs[probs < floor] > 0).any() else "")


def _explains(rid: str, actor: str, lhs: tuple[str, float], op: str, rhs: tuple[str, float],
              text: str) -> dict[str, Any]:
    return {"id": rid, "actor": actor, "role": "explains",
            "lhs": {"label": lhs[0], "value": float(lhs[1])}, "op": op,
            "rhs": {"label": rhs[0], "value": float(rhs[1])},
            "holds": compare(float(lhs[1]), op, float(rhs[1])), "text": text}


def quantal_reasons(c: dict[str, Any], nash: dict[str, Any], labels: dict[str, str],
                    mode: str, cost_target: float) -> list[dict[str, Any]]:
    """Deciding reasons on the quantal numbers ``c``, then the explaining ones (module doc)."""
    T, P = labels["target"], labels["partner"]
    lam, p, p0 = float(c["rationality"]), float(c["p_schism"]), float(c["p_schism_baseline"])
    out = deciding_reasons(c, labels)
    change = p - p0
    out.append(_explains(
        "quantal_response", "target", ("P(schism) with the offer - without it", change),
        ">" if change > 0 else ("<" if change < 0 else "="), ("no change", 0.0),
        f"This verdict is an expected outcome under logit quantal response (McKelvey & Palfrey "
        f"1995) with precision lambda = {fmt(lam)} per payoff unit: {T} and {P} play the "
        f"principal-branch QRE, not a Nash equilibrium, so the offer moves the probability of "
        f"schism smoothly, here from {fmt(p0)} without it to {fmt(p)} with it (change "
        f"{fmt(change)}): an expected outcome, not an equilibrium verdict."))
    m = float(c["counter_offer"])
    out.append(_explains(
        "quantal_counter", "partner", ("counter-offer m (per year)", m), ">" if m > 0 else "=",
        ("nothing", 0.0),
        f"{P} pays the counter-offer that maximises its expected present value under that "
        f"response: m = {fmt(m)}/yr (expected PV {fmt(c['pv_partner'])})."))
    same = nash["verdict"] == c["verdict"]
    out.append({"id": "nash_verdict", "actor": "target", "role": "explains",
                "lhs": {"label": "verdict under quantal response", "value": float(p)},
                "op": "=", "rhs": {"label": "verdict of perfectly rational partners",
                                   "value": float(nash["p_schism"])}, "holds": same,
                "text": f"With perfectly rational partners (Nash, selection rule) the verdict "
                        f"would be {nash['verdict']} (P(schism) {fmt(nash['p_schism'])}, "
                        f"counter-offer {fmt(nash['counter_offer'])}/yr)"
                        + (", the same word." if same else ".")})
    core = [r for r in explaining_reasons(nash, labels, mode, cost_target)
            if r["id"] != "quantal_response"]
    return out + core


def quantal_outcome(out: Outcome, q: QuantalEvaluation, i: int = 0) -> Outcome:
    """``out`` (the Nash outcome of point ``i``) as the expected outcome of ``q`` (module doc)."""
    qc = {k: (v[i].item() if isinstance(v[i], np.generic) else v[i]) for k, v in q.columns.items()}
    nash = dict(out.columns)
    names = [s.name for s in q.model.library]
    labels = {**out.actors,
              "eq_target": mix_label(q.play.x[i], names), "eq_partner": mix_label(q.play.y[i], names),
              "eq0_target": mix_label(q.play0.x[i], names),
              "eq0_partner": mix_label(q.play0.y[i], names)}
    columns = {**nash, **{k: qc[k] for k in REPLACED},
               "nash_verdict": nash["verdict"], "nash_p_schism": nash["p_schism"],
               "nash_counter_offer": nash["counter_offer"], "nash_robust": nash["robust"],
               "robust": True, "p_schism_change": qc["p_schism_change"],
               "quantal_residual": qc["residual"], "response": "logit"}
    tp, d_t, d_p = dyad_signs(np.array([qc["schism"]]), np.array([qc["upfront"]]),
                              np.array([qc["pressure"]]), q.model.divider_partner)
    who = roles(tp, d_t, d_p)
    columns["configuration"] = str(configuration(tp, d_t, d_p)[0])
    for a in ("divider", "target", "partner"):
        columns[f"role_{a}"] = str(who[a][0])
    method = {**out.method, "response": "logit quantal response",
              "rationality": qc["rationality"],
              "mixes": {"target": labels["eq_target"], "partner": labels["eq_partner"],
                        "target_without_offer": labels["eq0_target"],
                        "partner_without_offer": labels["eq0_partner"]},
              "converged": bool(out.method.get("converged", True) and qc["converged"])}
    reasons = quantal_reasons(columns, nash, labels, out.method.get("mode", "fixed"),
                              float(q.model["schism.cost.target"][i]))
    return dataclasses.replace(out, columns=columns, method=method, reasons=reasons,
                               possible_verdicts=[columns["verdict"]])

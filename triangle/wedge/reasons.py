"""Reasons: the inequalities that decided a verdict, with both sides evaluated.

A verdict is a claim, and a claim carries its evidence.  Every verdict of
:func:`triangle.wedge.verdict.classify` is reached by at most ten tests, each an inequality
between two numbers of the outcome (DESIGN §5):

=================  ========  ==========================================================
id                 actor     inequality (its negation when it fails)
=================  ========  ==========================================================
``offer``          divider   ``u + r + h + pressure > 0``
``schism``         target    ``P(schism | offer) > p_bar``
``split_anyway``   target    ``P(schism | no offer) > p_bar``
``caused``         divider   ``P(schism | offer) - P(schism | no offer) > p_bar``
``divider_gains``  divider   ``V_D > V_D(no offer)``
``hedges``         target    ``hedge share | offer > p_bar``
``hedged_anyway``  target    ``hedge share | no offer > p_bar``
``hedge_caused``   divider   ``hedge share | offer - hedge share | no offer > p_bar``
``tighter``        partner   ``cohesion after > cohesion before`` (as the change ``> 0``)
``upfront``        target    ``u > 0``
=================  ========  ==========================================================

The first that applies wins, in the order ``no_attempt`` (no offer), ``split_anyway``
(schism with and without the offer), ``success``/``pyrrhic`` (a schism the offer caused, by
``divider_gains``), ``partial_success`` (a package with a hedge reward ``h > 0``, no schism of
the offer's, but the target hedges in more than ``p_bar`` of the horizon where without the
offer it does not, and the offer added more than ``p_bar`` of it: ``hedges``, not
``hedged_anyway``, ``hedge_caused``; the three are tested only when ``h > 0``), ``backfire``
(``tighter``), ``pocketed`` (``upfront``), ``failed``.  The *hedge share* is the expected share
of the horizon's periods in which the partnership lives and the target hedges.
The offer *caused* a schism when the probability of schism it added, against the same
triangle without it, itself exceeds the threshold: a schism that comes from misreadings in
the same (or nearly the same) equilibrium with or without the offer is not the wedge's, and
falls through to the no-schism verdicts.  :func:`decide` is that rule on booleans; the
vectorised classifier calls it, and :func:`verdict_from_reasons` calls it on the reasons,
so the reasons are the classifier's own tests, not a commentary written after it.

Besides the deciding reasons, *explaining* reasons compare the closed-form core's numbers
(section 7 of docs/model.md): the reward against the threshold ``r*(m)``, the reward against
the divider's largest worthwhile reward ``r_max`` and the wedge margin.  Their operator is
read off the numbers, so a sentence never contradicts its own numbers; where the noise-free
core and the game disagree, the sentence says so.

Each reason is a dict: ``{"id", "actor", "role" ("decides" | "explains"), "lhs": {"label",
"value"}, "op" (">", ">=", "<", "<=", "="), "rhs": {"label", "value"}, "holds", "text"}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from triangle.common.numbers import fmt

OPS = (">", ">=", "<", "<=", "=")


#: New verdicts go at the end, so that the codes of stored tables keep their meaning.
VERDICTS = ("success", "pyrrhic", "backfire", "pocketed", "failed", "no_attempt", "split_anyway",
            "partial_success")


def decide(offer, schism, split_anyway, caused, divider_gains, tighter, upfront,
           hedges=False, hedged_anyway=False, hedge_caused=False):
    """The verdict from the ten tests, first rule that applies (arrays or booleans).

    Returns an index into :data:`VERDICTS` (an integer array for array input).

    >>> VERDICTS[decide(True, True, False, True, True, False, False)]
    'success'
    >>> VERDICTS[decide(True, True, True, False, True, False, False)]
    'split_anyway'
    >>> VERDICTS[decide(True, True, False, False, True, False, False)]  # not the offer's doing
    'failed'
    >>> VERDICTS[decide(True, False, False, False, False, True, False, True, False, True)]
    'partial_success'
    """
    schism, caused = np.asarray(schism, bool), np.asarray(caused, bool)
    distance = np.asarray(hedges, bool) & ~np.asarray(hedged_anyway, bool) & np.asarray(
        hedge_caused, bool)
    conditions = np.broadcast_arrays(
        ~np.asarray(offer, bool), schism & np.asarray(split_anyway, bool),
        schism & caused & np.asarray(divider_gains, bool), schism & caused, distance,
        np.asarray(tighter, bool), np.asarray(upfront, bool))
    order = ("no_attempt", "split_anyway", "success", "pyrrhic", "partial_success", "backfire",
             "pocketed")
    out = np.select(conditions, [VERDICTS.index(v) for v in order],
                    default=VERDICTS.index("failed"))
    return out if out.ndim else int(out)


def compare(lhs: float, op: str, rhs: float) -> bool:
    """``lhs op rhs`` with ``inf`` compared exactly (``inf = inf`` holds)."""
    if op == ">":
        return lhs > rhs
    if op == ">=":
        return lhs >= rhs
    if op == "<":
        return lhs < rhs
    if op == "<=":
        return lhs <= rhs
    if op == "=":
        return lhs == rhs
    raise ValueError(f"unknown operator {op!r}")


_num = fmt  # the one formatter: infinities as words


def _reason(rid: str, actor: str, role: str, lhs: tuple[str, float], strict_holds: bool,
            rhs: tuple[str, float], text: str) -> dict[str, Any]:
    """A reason whose operator is ``>`` if ``strict_holds`` else ``<=``."""
    op = ">" if strict_holds else "<="
    return {"id": rid, "actor": actor, "role": role,
            "lhs": {"label": lhs[0], "value": float(lhs[1])}, "op": op,
            "rhs": {"label": rhs[0], "value": float(rhs[1])},
            "holds": compare(float(lhs[1]), op, float(rhs[1])), "text": text}


def deciding_reasons(c: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The tests that decided the verdict in ``c`` (one point's columns), in the rule's order.

    ``names`` holds the actors' names (``divider``, ``target``, ``partner``) and the selected
    equilibria's labels (``eq_target``, ``eq_partner``, ``eq0_target``, ``eq0_partner``).
    """
    D, T, P = names["divider"], names["target"], names["partner"]
    u, r, pi = (float(c[k]) for k in ("upfront", "reward", "pressure"))
    h = float(c.get("hedge_reward", 0.0))
    thr = float(c["schism_threshold"])
    out = []
    size = u + r + pi + h
    label = "u + r + h + pressure (per year)" if h > 0 else "u + r + pressure (per year)"
    offer = size > 0
    if not offer:
        out.append(_reason("offer", "divider", "decides", (label, size),
                           False, ("nothing", 0.0),
                           f"{D} offered nothing: no concessions, reward or pressure."))
        return out
    out.append(_reason("offer", "divider", "decides", (label, size),
                       True, ("nothing", 0.0),
                       f"{D} offers u = {_num(u)}/yr up front, a reward r = {_num(r)}/yr after "
                       f"{T}'s own break"
                       + (f", a hedge reward h = {_num(h)}/yr while {T} hedges" if h > 0 else "")
                       + f" and pressure {_num(pi)}/yr."))
    p, p0 = float(c["p_schism"]), float(c["p_schism_baseline"])
    schism = p > thr
    verb = "exceeds" if schism else "does not exceed"
    out.append(_reason(
        "schism", "target", "decides", ("P(schism within the horizon) with the offer", p), schism,
        ("schism threshold", thr),
        f"With the offer (counter-offer m = {_num(c['counter_offer'])}/yr), {T} plays "
        f"{names['eq_target']} and {P} plays {names['eq_partner']}: the probability of schism "
        f"within the horizon, {_num(p)}, {verb} the threshold {_num(thr)}"
        + (", so the partnership splits." if schism else ", so the partnership holds.")))
    if schism:
        anyway = p0 > thr
        out.append(_reason(
            "split_anyway", "target", "decides", ("P(schism within the horizon) without the offer",
                                                  p0), anyway, ("schism threshold", thr),
            f"Without any offer {T} plays {names['eq0_target']} and {P} plays "
            f"{names['eq0_partner']}: the probability of schism is {_num(p0)}, "
            + ("above the threshold too, so the split comes anyway and is not the wedge's doing."
               if anyway else "at most the threshold.")))
        if anyway:
            return out
        added = p - p0
        caused = added > thr
        out.append(_reason(
            "caused", "divider", "decides", ("probability of schism the offer added", added),
            caused, ("schism threshold", thr),
            f"The offer raised the probability of schism by {_num(added)}, "
            + ("more than the threshold: the split is the wedge's." if caused else
               f"no more than the threshold {_num(thr)}: the split is not the wedge's doing "
               f"(misreadings would bring it nearly as often without the offer).")))
        if caused:
            v, v0 = float(c["pv_divider"]), float(c["pv_divider_baseline"])
            gains = v > v0
            out.append(_reason(
                "divider_gains", "divider", "decides", ("divider's PV with the wedge", v), gains,
                ("divider's PV without it", v0),
                f"{D} {'gains' if gains else 'does not gain'}: present value {_num(v)} with the "
                f"wedge against {_num(v0)} without it."))
            return out
    q, q0 = float(c.get("hedge_share", 0.0)), float(c.get("hedge_share_baseline", 0.0))
    # Partial success judges a wedge that pays for distance: without a hedge reward these
    # tests are not reached, count as failing, and leave the verdict as it was.
    if h > 0:
        hedges = q > thr
        out.append(_reason(
            "hedges", "target", "decides", ("share of the horizon in which the target hedges",
                                            q), hedges, ("threshold", thr),
            f"With the offer {T} hedges in a share {_num(q)} of the horizon's periods, "
            + ("above" if hedges else "at most") + f" the threshold {_num(thr)}."))
        if hedges:
            anyway = q0 > thr
            out.append(_reason(
                "hedged_anyway", "target", "decides",
                ("share of the horizon in which the target hedges without the offer", q0),
                anyway, ("threshold", thr),
                f"Without any offer the share is {_num(q0)}, "
                + ("above the threshold too: the distance was there already."
                   if anyway else "at most the threshold.")))
            if not anyway:
                added = q - q0
                caused = added > thr
                out.append(_reason(
                    "hedge_caused", "divider", "decides",
                    ("hedge share the offer added", added), caused, ("threshold", thr),
                    f"The offer raised {T}'s hedge share by {_num(added)}, "
                    + (f"more than the threshold: {T} keeps its distance from {P} because of "
                       f"the wedge, without a break (partial success)." if caused else
                       f"no more than the threshold {_num(thr)}.")))
                if caused:
                    return out
    change = float(c["cohesion_change"])
    tighter = change > 0
    out.append(_reason(
        "tighter", "partner", "decides", ("change in cohesion (target's stay-minus-break PV)",
                                          change), tighter, ("no change", 0.0),
        f"Cohesion {'rose' if tighter else 'did not rise'}: {T}'s stay-minus-break value went "
        f"from {_num(c['cohesion_before'])} to {_num(c['cohesion_after'])} (change "
        f"{_num(change)}: the counter-offer, the pressure and the threat response to it)."))
    if tighter:
        return out
    kept = u > 0
    out.append(_reason(
        "upfront", "target", "decides", ("up-front concessions u (per year)", u), kept,
        ("nothing", 0.0),
        f"{T} kept the up-front concessions of {_num(u)}/yr." if kept else
        f"{D} paid no up-front concessions, so {T} pocketed nothing."))
    return out


def explaining_reasons(c: Mapping[str, Any], names: Mapping[str, str], mode: str,
                       cost_target: float) -> list[dict[str, Any]]:
    """The closed-form core's view of the same point (docs/model.md §7), operators from the numbers."""
    D, T, P = names["divider"], names["target"], names["partner"]
    r, m = float(c["reward"]), float(c["counter_offer"])
    r_star, r_max = float(c["r_star"]), float(c["r_max"])
    r_star_max, m_max = float(c["r_star_max"]), float(c["m_max"])
    out = []
    attempt = float(c["upfront"]) + r + float(c["pressure"]) + float(c.get("hedge_reward", 0.0)) > 0
    if mode == "optimize" and not attempt:
        best, none = float(c["pv_best_offer"]), float(c["pv_divider"])
        text = (f"No reward up to {_num(c['r_cap'])}/yr splits the partnership after {P}'s "
                f"counter, so {D} offers nothing." if math.isinf(best) else
                f"{D}'s best offer is worth {_num(best)} to it, no more than {_num(none)} for "
                f"offering nothing, so it offers nothing.")
        out.append(_reason("best_offer", "divider", "explains", ("divider's PV of its best offer",
                                                                  best), best > none,
                           ("divider's PV of no offer", none), text))
    if attempt and math.isinf(cost_target):
        out.append({"id": "existential", "actor": "target", "role": "explains",
                    "lhs": {"label": "schism cost S_T", "value": cost_target}, "op": "=",
                    "rhs": {"label": "existential", "value": math.inf}, "holds": True,
                    "text": f"{T}'s schism cost is existential: no finite reward can pay for a "
                            f"break (r* = inf); the equilibria are those of any cost above "
                            f"{_num(c['bound_target'])}."})
    elif attempt:
        breaks = r > r_star
        counter = f"{P}'s counter-offer m = {_num(m)}/yr" if m > 0 else "no counter-offer"
        out.append(_reason(
            "core_threshold", "target", "explains", ("reward r (per year)", r), breaks,
            ("threshold r*(m)", r_star),
            f"In the noise-free core (stay or break), with {counter}, the reward r = {_num(r)}/yr "
            + (f"exceeds {T}'s threshold r*(m) = {_num(r_star)}/yr: {T} would break."
               if breaks else f"is at most {T}'s threshold r*(m) = {_num(r_star)}/yr: {T} would "
                              f"stay.")
            + ("" if breaks == bool(c["schism"]) else
               " The game, with misreadings and the whole strategy library, decides otherwise "
               "(the equilibrium above).")))
        if m > 0:
            out.append(_reason("counter", "partner", "explains", ("counter-offer m (per year)", m),
                               True, ("nothing", 0.0),
                               f"{P} pays {T} a counter-offer of {_num(m)}/yr (largest "
                               f"worthwhile: {_num(m_max)}/yr)."))
        if r > 0:
            over = r > r_max
            out.append(_reason(
                "reward_vs_r_max", "divider", "explains", ("reward r (per year)", r), over,
                ("divider's largest worthwhile reward r_max", r_max),
                f"The reward r = {_num(r)}/yr "
                + (f"exceeds r_max = {_num(r_max)}/yr, the most the split is worth to {D}."
                   if over else f"is within r_max = {_num(r_max)}/yr, the most the split is "
                                f"worth to {D}.")))
    if math.isfinite(float(c.get("rationality", math.inf))):  # quantal response (wedge/bounded.py)
        q, thr = float(c["qre_p_schism"]), float(c["schism_threshold"])
        out.append(_reason(
            "quantal_response", "target", "explains",
            ("P(schism within the horizon) under quantal response", q), q > thr,
            ("schism threshold", thr),
            f"Under quantal response (logit precision {_num(c['rationality'])} per payoff unit) "
            f"at the same package and counter, the probability of schism within the horizon is "
            f"{_num(q)}: an expected outcome, not an equilibrium verdict."))
    margin_pos = r_max > r_star_max if not math.isinf(r_star_max) else False
    out.append(_reason(
        "margin", "divider", "explains", ("divider's largest worthwhile reward r_max", r_max),
        margin_pos, ("threshold at the partner's largest counter r*(m_max)", r_star_max),
        f"Wedge margin M = r_max - r*(m_max) = {_num(r_max)} - {_num(r_star_max)} = "
        f"{_num(c['margin'])}/yr: in the noise-free core {D} "
        + ("can outbid" if margin_pos else "cannot outbid") + f" {P}'s largest worthwhile counter."))
    return out


def build_reasons(c: Mapping[str, Any], names: Mapping[str, str], mode: str,
                  cost_target: float) -> list[dict[str, Any]]:
    """Deciding reasons, then explaining ones (see the module doc)."""
    return deciding_reasons(c, names) + explaining_reasons(c, names, mode, cost_target)


def verdict_from_reasons(reasons: list[Mapping[str, Any]]) -> str:
    """The verdict the deciding reasons imply, by the classifier's own rule (:func:`decide`).

    A test that was not reached (an earlier rule already applied) counts as failing; that
    does not change the verdict, because :func:`decide` never looks at it.
    """
    tests = dict.fromkeys(("offer", "schism", "split_anyway", "caused", "divider_gains",
                           "tighter", "upfront", "hedges", "hedged_anyway", "hedge_caused"),
                          False)
    for reason in reasons:
        if reason["role"] == "decides":
            tests[reason["id"]] = reason["op"] in (">", ">=")
    return VERDICTS[decide(**tests)]

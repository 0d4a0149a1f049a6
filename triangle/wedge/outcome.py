"""The result object of one scenario: what came out, how it was computed, and why.

In the manner of QuantEcon's result objects, :class:`Outcome` carries the answer with the
method that produced it (solver, selection rule, strategy library, the equilibria found
and the cross-checks), and :meth:`Outcome.explain` states the inequality that decided the
verdict, with its numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triangle.common import hooks
from triangle.common.numbers import fmt
from triangle.solvers.equilibria import GameEquilibria, connected_sets
from triangle.wedge.path import TimePath, no_offer, time_path
from triangle.wedge.verdict import Evaluation, solve_package

_num = fmt


def mixed_label(probs: np.ndarray, names: list[str]) -> str:
    """``"Loyal"`` for a pure strategy, ``"0.5 Grim + 0.5 TitForTat"`` for a mixed one."""
    parts = [(p, n) for p, n in zip(probs, names, strict=True) if p > 0]
    if len(parts) == 1:
        return parts[0][1]
    return " + ".join(f"{p:.3g} {n}" for p, n in parts)


@dataclass(frozen=True)
class Outcome:
    """Everything the model says about one scenario.

    Attributes
    ----------
    scenario : str
        Scenario name.
    actors : dict
        ``{"divider": name, "target": name, "partner": name}``.
    columns : dict
        Scalar outputs (see :func:`triangle.wedge.verdict.evaluate`).
    equilibria : list of dict
        Every equilibrium of the partnership subgame: strategies with probabilities, present
        values, probability of schism, whether admissible, and its verdict.
    selected : int
        Index of the selected equilibrium.
    game : GameEquilibria or None
        nashpy's view of the selected subgame (degeneracy, connected sets), for reports.
    method : dict
        How it was computed: backend, selection, library, mode, notes.
    """

    scenario: str
    actors: dict[str, str]
    columns: dict[str, Any]
    equilibria: list[dict[str, Any]]
    selected: int
    game: GameEquilibria | None
    method: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    evaluation: Evaluation | None = field(default=None, repr=False, compare=False)

    def __getattr__(self, name: str) -> Any:
        columns = object.__getattribute__(self, "columns")
        if name in columns:
            return columns[name]
        raise AttributeError(name)

    @property
    def roles(self) -> dict[str, str]:
        """Actor name -> Dittmer role."""
        return {self.actors[a]: self.columns[f"role_{a}"] for a in ("divider", "target", "partner")}

    @property
    def possible(self) -> list[str]:
        """Verdicts that hold in some admissible equilibrium."""
        return sorted({e["verdict"] for e in self.equilibria if e["admissible"]})

    def __repr__(self) -> str:
        c = self.columns
        n = len(self.equilibria)
        admissible = sum(e["admissible"] for e in self.equilibria)
        return (f"Outcome({self.scenario!r}: verdict {c['verdict']!r}"
                f"{'' if c['robust'] else ' (not robust)'}, p_schism {fmt(c['p_schism'])}, "
                f"margin {fmt(c['margin'])}, {admissible} admissible of {n} equilibria)")

    def _repr_markdown_(self) -> str:
        """The Markdown report (notebooks; needs :mod:`triangle` imported)."""
        return hooks.call("report.markdown", self)

    def _repr_html_(self) -> str:
        """The HTML report without figures (notebooks; needs :mod:`triangle` imported)."""
        return hooks.call("report.html", self)

    def path(self) -> TimePath:
        """Probability of schism and each partner's expected payoff year by year up to the
        horizon, with and without the wedge (:mod:`triangle.wedge.path`; exact)."""
        ev = self.evaluation
        if ev is None:
            raise ValueError("this Outcome keeps no evaluation; build it with triangle.solve")
        one = np.array([0])
        stage = ev.stage.take(one)
        base = solve_package(stage.model, no_offer(stage))
        return time_path(stage, ev.counter[one], ev.solution.take(one), base, self.actors,
                         self.record)

    def explain(self) -> str:
        """The deciding inequality in words, with its numbers."""
        c, a = self.columns, self.actors
        T, P, D = a["target"], a["partner"], a["divider"]
        lines = []
        eq = self.equilibria[self.selected]
        r, m = c["reward"], c["counter_offer"]
        cost_T = self.method["cost_target"]
        if c["verdict"] == "no_attempt":
            lines.append(f"{D} offered nothing (no concessions, reward or pressure).")
        elif c["schism"]:
            lines.append(
                f"{T} breaks: a reward of {_num(r)}/yr exceeds its threshold r*(m) = "
                f"{_num(c['r_star'])}/yr, the least reward worth the schism cost S = "
                f"{_num(cost_T)} and the partnership's surplus over the outside option "
                f"(counter-offer m = {_num(m)}/yr).")
            better = "gains" if c["verdict"] == "success" else "loses"
            lines.append(f"{D} {better}: present value {_num(c['pv_divider'])} with the wedge "
                         f"against {_num(c['pv_divider_baseline'])} without it.")
        else:
            if math.isinf(cost_T):
                lines.append(
                    f"{T} stays: its schism cost is existential, so no finite reward can pay "
                    f"for a break (r = {_num(r)}/yr < r* = inf); the equilibria are those of any "
                    f"cost above {_num(c['bound_target'])}.")
            elif m > 0:
                lines.append(
                    f"{P} outbid {D}: it pays {T} m = {_num(m)}/yr, which lifts r*(m) to "
                    f"{_num(c['r_star'])}/yr, at or above the reward r = {_num(r)}/yr.")
            else:
                lines.append(f"{T} stays: the reward r = {_num(r)}/yr does not exceed its "
                             f"threshold r*(m) = {_num(c['r_star'])}/yr.")
            if c["verdict"] == "backfire":
                lines.append(f"The partnership is tighter: cohesion rose by "
                             f"{_num(c['cohesion_change'])} (counter-offer and threat response).")
            elif c["verdict"] == "pocketed":
                lines.append(f"{T} kept the up-front concessions of {_num(c['upfront'])}/yr.")
        lines.append(
            f"In the selected equilibrium {T} plays {eq['target']} and {P} plays {eq['partner']}; "
            f"probability of schism within the horizon {_num(eq['p_schism'])}.")
        lines.append(
            f"Wedge margin M = r_max - r*(m_max) = {_num(c['r_max'])} - "
            f"{_num(c['r_star_max'])} = {_num(c['margin'])} per year"
            f" ({'the divider can outbid' if c['margin'] > 0 else 'the partner can outbid'}).")
        if np.isfinite(c.get("rationality", np.inf)):  # quantal response (wedge/bounded.py)
            lines.append(
                f"Under quantal response (logit precision {_num(c['rationality'])} per payoff unit) "
                f"at the same package and counter, the probability of schism within the horizon "
                f"is {_num(c['qre_p_schism'])}: an expected outcome, not an equilibrium verdict.")
        return "\n".join(lines)


def single_outcome(ev: Evaluation, scenario: str, actors: dict[str, str],
                   method: dict[str, Any], with_game: bool = True) -> Outcome:
    """Build the :class:`Outcome` of point 0 of an evaluation."""
    sol = ev.solution
    names = [s.name for s in ev.model.library]
    V_D = ev.stage.divider_value(sol.hit_D, sol.duration_D)
    equilibria = []
    for k in np.flatnonzero(sol.batch.valid[0]):
        equilibria.append({
            "target": mixed_label(sol.batch.x[0, k], names),
            "partner": mixed_label(sol.batch.y[0, k], names),
            "target_probabilities": dict(zip(names, sol.batch.x[0, k].tolist(), strict=True)),
            "partner_probabilities": dict(zip(names, sol.batch.y[0, k].tolist(), strict=True)),
            "pv_target": float(sol.V_T[0, k]),
            "pv_partner": float(sol.V_P[0, k]),
            "pv_divider": float(V_D[0, k]),
            "p_schism": float(sol.p_schism[0, k]),
            "admissible": bool(sol.admissible[0, k]),
            "verdict": str(ev.verdicts[0, k]),
            **({} if sol.batch.source is None else {"source": str(sol.batch.source[0, k])}),
        })
    selected = int(np.flatnonzero(np.flatnonzero(sol.batch.valid[0]) == sol.selected[0])[0])
    columns = {k: _scalar(v[0]) for k, v in ev.columns.items()}
    game = None
    if with_game and sol.batch.games:
        game = sol.batch.games[0]
    elif with_game:  # the batched engine's equilibria, grouped into connected sets
        A, B = sol.game.A_solve[0], sol.game.B_solve[0]
        found = [(sol.batch.x[0, k], sol.batch.y[0, k]) for k in np.flatnonzero(sol.batch.valid[0])]
        unit = (float(sol.game.unit_T[0]), float(sol.game.unit_P[0]))
        game = GameEquilibria(found, bool(sol.batch.degenerate[0]),
                              connected_sets(A, B, found, unit), sol.batch.method)
    method = {**method, "cost_target": float(ev.model["schism.cost.target"][0]),
              "equilibrium_method": sol.batch.method,
              "notes": [*(game.notes if game else ()),
                        *(() if sol.batch.complete[0] else
                          ("the solver cannot guarantee that every equilibrium was found",))]}
    return Outcome(scenario, actors, columns, equilibria, selected, game, method, {}, ev)


def _scalar(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v

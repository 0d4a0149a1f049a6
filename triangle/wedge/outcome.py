"""The result object of one scenario: what came out, how it was computed, and why.

In the manner of QuantEcon's result objects, :class:`Outcome` carries the answer with the
method that produced it (solver, selection rule, strategy library, the equilibria found
and the cross-checks), and :attr:`Outcome.reasons` are the inequalities that decided the
verdict, both sides evaluated (:mod:`triangle.wedge.reasons`); :meth:`Outcome.explain` is
their sentences, one per reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triangle.common import hooks
from triangle.common.numbers import fmt
from triangle.solvers.equilibria import GameEquilibria, connected_sets
from triangle.wedge.path import TimePath, no_offer, time_path
from triangle.wedge.reasons import build_reasons
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
    reasons : list of dict
        The inequalities that decided the verdict and those of the closed-form core that
        explain it (:mod:`triangle.wedge.reasons`), each with both sides evaluated.
    possible_verdicts : list of str
        Verdicts of the admissible pairs (equilibrium with the offer, equilibrium without).
    """

    scenario: str
    actors: dict[str, str]
    columns: dict[str, Any]
    equilibria: list[dict[str, Any]]
    selected: int
    game: GameEquilibria | None
    method: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    possible_verdicts: list[str] = field(default_factory=list)
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
        """Verdicts that hold for some admissible pair (equilibrium with the offer, without it)."""
        if self.possible_verdicts:
            return list(self.possible_verdicts)
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
        if ev.base is not None:  # the verdict's own baseline
            base = (ev.base.stage.take(one), ev.base.m0[one], ev.base.solution.take(one))
        else:
            base = solve_package(stage.model, no_offer(stage))
        return time_path(stage, ev.counter[one], ev.solution.take(one), base, self.actors,
                         self.record)

    def explain(self) -> str:
        """The reasons' sentences, one a line: the deciding ones first, then the core's."""
        return "\n".join(r["text"] for r in self.reasons)


def single_outcome(ev: Evaluation, scenario: str, actors: dict[str, str],
                   method: dict[str, Any], with_game: bool = True) -> Outcome:
    """Build the :class:`Outcome` of point 0 of an evaluation."""
    sol = ev.solution
    names = [s.name for s in ev.model.library]
    V_D = ev.stage.divider_pv(sol)
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
    reasons = reasons_at(ev, 0, actors, method.get("mode", "fixed"))
    return Outcome(scenario, actors, columns, equilibria, selected, game, method,
                   reasons=reasons, possible_verdicts=ev.possible(0), evaluation=ev)


def reasons_at(ev: Evaluation, i: int, actors: dict[str, str], mode: str) -> list[dict[str, Any]]:
    """The reasons (:mod:`triangle.wedge.reasons`) of point ``i`` of an evaluation."""
    names = [s.name for s in ev.model.library]
    labels = dict(actors)
    for prefix, sol in (("eq", ev.solution), ("eq0", ev.base.solution)):
        k = int(sol.selected[i])
        labels[f"{prefix}_target"] = mixed_label(sol.batch.x[i, k], names)
        labels[f"{prefix}_partner"] = mixed_label(sol.batch.y[i, k], names)
    columns = {k: _scalar(v[i]) for k, v in ev.columns.items()}
    return build_reasons(columns, labels, mode, float(ev.model["schism.cost.target"][i]))



def _scalar(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v

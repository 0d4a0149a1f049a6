"""The facade: from a scenario to an outcome, or to a table of outcomes.

>>> from triangle.scenario.files import parse_scenario
>>> s = parse_scenario({"scenario": {"name": "demo", "sources": ["illustrative"]},
...     "partnership": {"value": {"target": 4, "partner": 3}, "strategies": ["Loyal", "Realign"]},
...     "schism": {"cost": {"target": 5, "partner": 5}, "value_to_divider": 10},
...     "wedge": {"reward": 6}, "counter": {"budget": 0}})
>>> out = solve(s)
>>> out.verdict, out.roles["Russia"], out.configuration
('success', 'partner', 'stable_marriage')
>>> round(out.r_star, 6)
4.25
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from triangle.common.version import __version__
from triangle.partnership.strategies import parse_library
from triangle.scenario.files import Scenario
from triangle.wedge.bounded import quantal_columns
from triangle.wedge.counter import MAX_STEPS
from triangle.wedge.model import Model, make_model
from triangle.wedge.outcome import Outcome, single_outcome
from triangle.wedge.quantal import QuantalEvaluation
from triangle.wedge.quantal import quantal_columns as quantal_verdicts
from triangle.wedge.quantal_outcome import quantal_outcome
from triangle.wedge.verdict import Evaluation, evaluate

ACTOR_ROLES = ("divider", "target", "partner")


def model_of(scenario: Scenario, points: Mapping[str, ArrayLike] | None = None,
             backend: str | None = None, search_backend: str = "admissible") -> Model:
    """The vectorised :class:`~triangle.wedge.model.Model` of a scenario, with some parameters as arrays.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    points : mapping, optional
        Dotted path -> array of values; every array must have the same length (the points).
    backend : {"nashpy", "batched", "admissible"}, optional
        Equilibrium solver for the reported equilibria; default: the scenario's ``solver.backend``.
    search_backend : {"admissible", "batched"}
        Solver inside the partner's and the divider's searches.  Their predicate looks only at
        admissible equilibria, so both give the same answers; ``admissible`` is faster.
    """
    values: dict[str, Any] = dict(scenario.values)
    for path, array in (points or {}).items():
        if path not in values:
            raise KeyError(f"{path} is not a numeric parameter")
        values[path] = np.asarray(array, dtype=float)
    settings = scenario.settings
    return make_model(values, parse_library(list(settings["partnership.strategies"])),
                      settings["solver.selection"], backend or settings["solver.backend"],
                      settings["relations.divider_partner"], search_backend)


def record(scenario: Scenario, seed: int | None = None) -> dict[str, Any]:
    """Provenance written into every output: scenario, parameter hash, version, seed."""
    return {"scenario": scenario.name, "file": scenario.file,
            "param_hash": scenario.param_hash(), "version": __version__, "seed": seed}


def evaluate_scenario(scenario: Scenario, points: Mapping[str, ArrayLike] | None = None,
                      backend: str | None = None, max_steps: int = MAX_STEPS) -> Evaluation:
    """Evaluate the scenario (its package mode) at one or many points; ``max_steps`` bounds
    every bisection (:func:`triangle.wedge.verdict.evaluate`)."""
    return _evaluate(scenario, points, backend, max_steps)[0]


def _evaluate(scenario: Scenario, points: Mapping[str, ArrayLike] | None, backend: str | None,
              max_steps: int) -> tuple[Evaluation, QuantalEvaluation | None]:
    model = model_of(scenario, points, backend)
    ev = evaluate(model, scenario.settings["wedge.mode"], max_steps)
    ev.columns.update(quantal_columns(ev))  # the subgame at solver.rationality (bounded.py)
    columns, quantal = quantal_verdicts(ev)  # the whole triangle under it (quantal.py)
    ev.columns.update(columns)
    return ev, quantal


def solve(scenario: Scenario, backend: str | None = None, max_steps: int = MAX_STEPS) -> Outcome:
    """Solve one scenario: the triangle by backward induction, its verdict and the why.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`triangle.scenario.load_scenario`).
    backend : {"nashpy", "batched"}, optional
        Equilibrium solver; default: the scenario's ``solver.backend``.
    max_steps : int
        Solves per bisection in the partner's and the divider's searches; the outcome's
        ``method["converged"]`` says whether every search converged within them.

    Where ``solver.rationality`` is finite the verdict is the expected outcome of the
    backward induction under logit quantal response (:mod:`triangle.wedge.quantal`), with the
    Nash answer beside it (``nash_verdict``).

    Returns
    -------
    Outcome
        Verdict, robustness, equilibria, present values, Dittmer roles, margin, explanation,
        and how it was computed.
    """
    ev, quantal = _evaluate(scenario, None, backend, max_steps)
    actors = {a: scenario.settings[f"actors.{a}"] for a in ACTOR_ROLES}
    method = {
        "backend": ev.model.backend,
        "search_backend": ev.model.search_backend,
        "selection": ev.model.selection,
        "mode": scenario.settings["wedge.mode"],
        "strategies": [s.name for s in ev.model.library],
        "converged": bool(ev.columns["converged"].all()),
    }
    out = single_outcome(ev, scenario.name, actors, method)
    if quantal is not None:  # a finite solver.rationality: the expected outcome (quantal.py)
        out = quantal_outcome(out, quantal)
    out.record.update(record(scenario))
    return out

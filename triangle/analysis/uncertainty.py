"""Uncertainty as analysts state it: the probability of each verdict when parameters are
distributions (:mod:`triangle.scenario.distributions`).

``n`` independent draws of the uncertain parameters (each through its quantile function from
a seeded uniform, :class:`numpy.random.PCG64`) are evaluated in one vectorised batch
(:func:`triangle.analysis.sweep.evaluate_table`); the share of each verdict is reported with
its Wilson interval (:mod:`triangle.analysis.probability`).  Draws are independent, so the
interval's binomial model holds exactly; the same scenario and seed give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from triangle.analysis.probability import proportion
from triangle.analysis.sweep import evaluate_table
from triangle.scenario.files import Scenario, ScenarioError
from triangle.scenario.ranges import ArgumentError
from triangle.wedge.solve import record
from triangle.wedge.verdict import VERDICTS


def draw(scenario: Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` independent draws of every parameter the scenario gives as a distribution."""
    if not scenario.distributions:
        raise ScenarioError(scenario.file or "scenario", None,
                            "a parameter given as a distribution, e.g. durability = "
                            '{ dist = "uniform", lo = 0.6, hi = 0.9 }', "none")
    u = np.random.Generator(np.random.PCG64(seed)).random((n, len(scenario.distributions)))
    return {path: d.ppf(u[:, j]) for j, (path, d) in enumerate(scenario.distributions)}


@dataclass(frozen=True)
class VerdictProbabilities:
    """The share of each verdict over the draws, with Wilson intervals."""

    scenario: Scenario
    n: int
    seed: int
    probabilities: dict[str, dict[str, Any]]
    conf: float
    table: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"samples": self.n, "seed": self.seed, "conf": self.conf,
                "distributions": {p: d.as_dict() for p, d in self.scenario.distributions},
                "probabilities": self.probabilities, "record": record(self.scenario, self.seed)}

    def summary(self) -> str:
        lines = [f"{self.scenario.name}: {self.n} draws (seed {self.seed}) of "
                 + ", ".join(f"{p} ~ {d}" for p, d in self.scenario.distributions), ""]
        for verdict, p in self.probabilities.items():
            lines.append(f"  P({verdict}) = {p['estimate']:.3f}   {self.conf:.0%} Wilson interval "
                         f"[{p['ci'][0]:.3f}, {p['ci'][1]:.3f}]")
        return "\n".join(lines)


def verdict_probabilities(scenario: Scenario, n: int = 1000, seed: int = 0, *,
                          conf: float = 0.95, kind: str = "game", backend: str = "admissible",
                          executor: Any = None, progress: bool | None = None,
                          ) -> VerdictProbabilities:
    """Probability of each verdict (DESIGN §5) over ``n`` seeded draws of the distributions."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ArgumentError("n", "a number of draws >= 1", repr(n))
    table = evaluate_table(scenario, draw(scenario, int(n), seed), kind=kind, backend=backend,
                           executor=executor, progress=progress)
    verdict = table["verdict"].astype(str).to_numpy()
    probs = {v: proportion(verdict == v, conf, f"{n} independent draws") for v in VERDICTS}
    return VerdictProbabilities(scenario, int(n), seed, probs, conf, table)


def hybrid_success(a: Scenario, b: Scenario, groups: list[tuple[str, ...]], masks: np.ndarray,
                   draws: int, seed: int, **kw: Any) -> np.ndarray:
    """Probability of success of each hybrid of ``a`` and ``b`` (see
    :mod:`triangle.analysis.compare`): coalition bit ``j`` takes ``groups[j]``'s keys from ``b``,
    the rest from ``a``; a key drawn from a distribution where its source scenario has one.

    Every hybrid uses the same ``draws`` uniforms per uncertain key (common random numbers), so
    differences between hybrids are not blurred by sampling noise and the Shapley values of the
    estimates add up exactly.  All ``len(masks) * draws`` points go in one batch; keywords go
    to :func:`evaluate_table`.
    """
    dist_a, dist_b = dict(a.distributions), dict(b.distributions)
    uncertain = [p for p in a.values if p in dist_a or p in dist_b]
    u = np.random.Generator(np.random.PCG64(seed)).random((draws, len(uncertain)))
    column = {p: j for j, p in enumerate(uncertain)}

    def side(s: Scenario, dists: dict[str, Any], path: str) -> np.ndarray:
        if path in dists:
            return dists[path].ppf(u[:, column[path]])
        return np.full(draws, s.values[path])

    masks = np.asarray(masks, dtype=np.uint64)
    owner = {key: j for j, keys in enumerate(groups) for key in keys}
    points = {}
    for path in dict.fromkeys([*uncertain, *owner]):
        va, vb = side(a, dist_a, path), side(b, dist_b, path)
        if path in owner:
            on = ((masks >> np.uint64(owner[path])) & np.uint64(1)) == 1
            points[path] = np.where(on[:, None], vb[None, :], va[None, :]).ravel()
        else:  # uncertain in A, not claimed: held at A's distribution
            points[path] = np.tile(va, len(masks))
    table = evaluate_table(a, points, **kw)
    hits = table["verdict"].astype(str).to_numpy() == "success"
    return hits.reshape(len(masks), draws).mean(axis=1)

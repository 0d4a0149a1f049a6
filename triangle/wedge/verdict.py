"""Verdicts: what the wedge did, measured against the same triangle without it.

Per point, with the package solved by backward induction (:mod:`triangle.wedge`) and the
same triangle with no offer as the baseline (DESIGN §5; first that applies wins):

* ``no_attempt``: the divider offered nothing;
* ``success``: schism, and the divider is better off than without the wedge;
* ``pyrrhic``: schism, and the divider is worse off;
* ``backfire``: no schism, and the partnership's cohesion rose;
* ``pocketed``: no schism, and the target kept the up-front concessions;
* ``failed``: no schism, and nothing else moved.

An outcome is a schism when its probability within the horizon exceeds
``solver.schism_probability``.  Cohesion is the target's stay-minus-break present value
with no divider offer, ``S_T + (R_T - O_T) dt / (1 - delta_T)`` (``inf`` for an existential
cost); the episode changes it for good by the partner's counter-inducement and the threat
response to pressure, ``(m - m_0 + threat_T * pressure) dt / (1 - delta_T)``, which is
finite even when cohesion is not.  Backfire means that change is positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triangle.partnership import closed_form as cf
from triangle.wedge.counter import MAX_STEPS, counter_offer, keeps_partnership
from triangle.wedge.dittmer import configuration, dyad_signs, roles
from triangle.wedge.model import Model, Package, Stage, build_stage
from triangle.wedge.subgame import SubgameSolution

VERDICTS = ("success", "pyrrhic", "backfire", "pocketed", "failed", "no_attempt")


@dataclass(frozen=True)
class Evaluation:
    """Everything the model says at ``n`` points, as arrays (see :func:`evaluate`)."""

    model: Model
    package: Package
    stage: Stage
    counter: np.ndarray
    solution: object
    columns: dict[str, np.ndarray]
    verdicts: np.ndarray  # (n, K) verdict of every equilibrium slot


def classify(attempt: np.ndarray, schism: np.ndarray, divider_gains: np.ndarray,
             tighter: np.ndarray, kept_upfront: np.ndarray) -> np.ndarray:
    """The verdict (an index into :data:`VERDICTS`) by the first rule that applies (DESIGN §5).

    ``no_attempt`` without an offer; ``success`` for a schism that leaves the divider better
    off than no wedge, else ``pyrrhic``; without a schism ``backfire`` if the partnership's
    cohesion rose, ``pocketed`` if the target kept up-front concessions, else ``failed``.
    Arguments broadcast against each other.
    """
    conditions = np.broadcast_arrays(~attempt, schism & divider_gains, schism, tighter, kept_upfront)
    order = ("no_attempt", "success", "pyrrhic", "backfire", "pocketed")
    return np.select(conditions, [VERDICTS.index(v) for v in order], default=VERDICTS.index("failed"))


def fixed_package(model: Model) -> Package:
    """The scenario's own package (policy evaluation)."""
    return Package(model["wedge.upfront"], model["wedge.reward"], model["wedge.pressure"])


def solve_package(model: Model, package: Package, final: bool = True, max_steps: int = MAX_STEPS,
                  ) -> tuple[Stage, np.ndarray, SubgameSolution, np.ndarray]:
    """Steps 2 and 3 of the backward induction for a given package:
    ``(stage, m, solution, converged)``, the last whether the counter search converged.

    The counter search leaves the subgame solved with the search backend (the admissible
    equilibria); with ``final`` and another reporting backend (all equilibria, or nashpy),
    the subgame is solved again with it.
    """
    stage = build_stage(model, package)
    m, sol, converged = counter_offer(stage, max_steps)
    if final and model.backend != model.search_backend:
        sol = stage.solve(m)
    return stage, m, sol, converged


def _schism_after_counter(model: Model, package: Package, max_steps: int
                          ) -> tuple[np.ndarray, np.ndarray]:
    _, _, sol, converged = solve_package(model, package, final=False, max_steps=max_steps)
    return ~keeps_partnership(sol, model["solver.schism_probability"], model.selection), converged


def _divider_value(model: Model, package: Package, max_steps: int) -> tuple[np.ndarray, np.ndarray]:
    stage, _, sol, converged = solve_package(model, package, final=False, max_steps=max_steps)
    return sol.pick(stage.divider_value(sol.hit_D, sol.duration_D)), converged


def _open(splits: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Points whose reward bracket is still wider than the bisection's tolerance."""
    return splits & (hi - lo > 1e-10 * np.maximum(1.0, hi))


def optimal_package(model: Model, max_steps: int = MAX_STEPS) -> tuple[Package, np.ndarray]:
    """The divider's best package (mode ``optimize``), by bisection over the reward, and per
    point whether every search behind it converged.

    For each pressure level in ``{0, wedge.pressure}`` the least reward that still splits the
    partnership after the partner's best counter is found by bisection on ``[0, r_cap]``
    (``r_cap`` the closed-form largest worthwhile reward, or the scenario's reward if larger);
    the divider then takes the package with the highest present value, the empty package
    included.  Up-front concessions are dropped: they are paid whatever the target does and
    so never change its choice.  The bisection stops after ``max_steps`` halvings (200 by
    default, far above the ~35 its tolerance needs); a point still open then, or one where a
    counter search it relied on did not converge, is reported as not converged.
    """
    n = model.n
    zeros = np.zeros(n)
    s, d = model.survival, model.delta("divider")
    r_cap = np.maximum(cf.divider_max_reward(model["schism.value_to_divider"], d, s,
                                             model["wedge.alliance_cost"]), model["wedge.reward"])
    r_cap = np.maximum(r_cap, 0.0)
    best = Package(zeros, zeros, zeros)
    best_value, converged = _divider_value(model, best, max_steps)
    for pressure in (zeros, model["wedge.pressure"]):
        splits, ok = _schism_after_counter(model, Package(zeros, r_cap, pressure), max_steps)
        converged &= ok
        lo, hi = zeros.copy(), r_cap.copy()
        for _ in range(max_steps):
            active = _open(splits, lo, hi)
            if not active.any():
                break
            mid = 0.5 * (lo + hi)
            now, ok = _schism_after_counter(model, Package(zeros, mid, pressure), max_steps)
            converged &= ok | ~active
            hi = np.where(active & now, mid, hi)
            lo = np.where(active & ~now, mid, lo)
        converged &= ~_open(splits, lo, hi)
        for reward in (np.where(splits, hi, 0.0), zeros):
            candidate = Package(zeros, reward, pressure)
            value, ok = _divider_value(model, candidate, max_steps)
            converged &= ok
            better = value > best_value + 1e-12 * np.maximum(1.0, np.abs(best_value))
            best = Package(zeros, np.where(better, reward, best.reward),
                           np.where(better, pressure, best.pressure))
            best_value = np.where(better, value, best_value)
    return best, converged


def baseline(model: Model, max_steps: int = MAX_STEPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same triangle with no offer: the partner's counter, the divider's value and whether
    the counter search converged.

    It does not depend on the ``wedge.*`` parameters, so it is solved once per distinct
    remaining parameter row (a map over a package parameter solves it once per line).
    """
    rest = sorted(k for k in model.p if not k.startswith("wedge."))
    _, first, inverse = np.unique(np.stack([model.p[k] for k in rest], axis=1), axis=0,
                                  return_index=True, return_inverse=True)
    unique = model.take(first)
    zeros = np.zeros(unique.n)
    stage, m0, sol, converged = solve_package(unique, Package(zeros, zeros, zeros),
                                              max_steps=max_steps)
    V_D0 = sol.pick(stage.divider_value(sol.hit_D, sol.duration_D))
    inverse = inverse.reshape(-1)
    return m0[inverse], V_D0[inverse], converged[inverse]


def evaluate(model: Model, mode: str = "fixed", max_steps: int = MAX_STEPS) -> Evaluation:
    """Solve the triangle at every point of ``model`` and classify the outcome.

    Parameters
    ----------
    model : Model
        Parameters at ``n`` points.
    mode : {"fixed", "optimize"}
        Evaluate the scenario's package, or let the divider choose its best one.
    max_steps : int
        Solves per bisection in every search (the partner's counter, the divider's package).

    Returns
    -------
    Evaluation
        ``columns`` holds one array per output: ``verdict``, ``robust``, ``schism``,
        ``p_schism``, ``margin``, ``r_star``, ``r_star_max``, ``m_max``, ``r_max``, ``counter_offer``,
        ``cohesion_before``, ``cohesion_after``, ``cohesion_change``, ``pv_divider``,
        ``pv_target``, ``pv_partner``, ``pv_divider_baseline``, ``configuration``,
        ``role_divider``, ``role_target``, ``role_partner``, ``upfront``, ``reward``,
        ``pressure``, ``degenerate``, ``n_equilibria``, ``bound_target``, ``bound_partner``,
        ``converged`` (every iterative search behind the point converged).
    """
    if mode == "optimize":
        package, converged = optimal_package(model, max_steps)
    else:
        package, converged = fixed_package(model), np.ones(model.n, dtype=bool)
    stage, m, sol, ok = solve_package(model, package, max_steps=max_steps)
    m0, V_D0, ok0 = baseline(model, max_steps)
    converged = converged & ok & ok0
    V_D_all = stage.divider_value(sol.hit_D, sol.duration_D)

    threshold = model["solver.schism_probability"]
    dt, dT = model.dt, model.delta("target")
    S_T = model["schism.cost.target"]
    gap = (model["partnership.value.target"] - model["schism.outside.target"]) * dt / (1 - dT)
    before = np.where(np.isinf(S_T), np.inf, S_T + gap)
    change = (m - m0 + model["threat.response.target"] * package.pressure) * dt / (1 - dT)
    after = np.where(np.isinf(before), np.inf, before + change)

    col = (slice(None), None)
    schism_k = sol.p_schism > threshold[col]
    verdicts = np.asarray(VERDICTS, dtype=object)[classify(
        package.attempt[col], schism_k, V_D_all > V_D0[col], (change > 0)[col],
        (package.upfront > 0)[col])]
    verdict = verdicts[np.arange(model.n), sol.selected]
    robust = np.all((verdicts == verdict[:, None]) | ~sol.admissible, axis=1)
    schism = sol.pick(schism_k.astype(float)) > 0.5

    tp, d_t, d_p = dyad_signs(schism, package.upfront, package.pressure, model.divider_partner)
    who = roles(tp, d_t, d_p)

    s = model.survival
    r_star = cf.threshold_reward(S_T, stage.R_T, stage.O_T, m, dT, s, dt)
    m_max = cf.partner_max_counter(model["schism.cost.partner"], stage.R_P, stage.O_P,
                                   model.delta("partner"), dt, model["counter.budget"])
    r_star_max = cf.threshold_reward(S_T, stage.R_T, stage.O_T, m_max, dT, s, dt)
    r_max = cf.divider_max_reward(model["schism.value_to_divider"], model.delta("divider"), s,
                                  model["wedge.alliance_cost"])
    columns = {
        "verdict": verdict,
        "robust": robust,
        "schism": schism,
        "p_schism": sol.pick(sol.p_schism),
        "margin": cf.wedge_margin(r_max, r_star_max),
        "r_star": r_star,
        "r_star_max": r_star_max,
        "m_max": m_max,
        "r_max": r_max,
        "counter_offer": m,
        "cohesion_before": before,
        "cohesion_after": after,
        "cohesion_change": change,
        "pv_divider": sol.pick(V_D_all),
        "pv_target": sol.pick(sol.V_T),
        "pv_partner": sol.pick(sol.V_P),
        "pv_divider_baseline": V_D0,
        "configuration": configuration(tp, d_t, d_p),
        "role_divider": who["divider"],
        "role_target": who["target"],
        "role_partner": who["partner"],
        "upfront": package.upfront,
        "reward": package.reward,
        "pressure": package.pressure,
        "degenerate": sol.batch.degenerate,
        "n_equilibria": sol.batch.valid.sum(axis=1),
        "bound_target": sol.game.bound_T,
        "bound_partner": sol.game.bound_P,
        "converged": converged,
    }
    return Evaluation(model, package, stage, m, sol, columns, verdicts)

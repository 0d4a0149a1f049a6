"""Verdicts: what the wedge did, measured against the same triangle without it.

Per point, with the package solved by backward induction (:mod:`triangle.wedge`) and the
same triangle with no offer as the baseline (DESIGN §5; first that applies wins):

* ``no_attempt``: the divider offered nothing;
* ``split_anyway``: schism, but the partnership splits without any offer too: the wedge
  was not needed and is credited with nothing;
* ``success``: a schism the offer caused, and the divider is better off than without it;
* ``pyrrhic``: a schism the offer caused, and the divider is worse off;
* ``partial_success``: the package pays a hedge reward, there is no schism of the offer's,
  but the target keeps its distance: it hedges in more than ``p_bar`` of the horizon's periods
  where without the offer it does not, and the offer added more than ``p_bar`` of that share
  (Crawford 2011's wedge that aims at distance rather than a break);
* ``backfire``: no schism, and the partnership's cohesion rose;
* ``pocketed``: no schism, and the target kept the up-front concessions;
* ``failed``: no schism, and nothing else moved.

An outcome is a schism when its probability within the horizon exceeds
``solver.schism_probability`` (``p_bar``).  The offer caused it when the probability of
schism it added, against the same triangle without the offer, itself exceeds ``p_bar``; so a
schism that misreadings alone produce, in the same equilibrium with or without the offer, is
never the wedge's (it falls through to the no-schism verdicts), however long the horizon.

Cohesion is the target's whole stay-minus-break present value with no offer on the table,
``S_T + (R_T + m - O_T) dt / (1 - delta_T)`` (``inf`` for an existential cost), with the
effective payoffs of :mod:`triangle.wedge.model`: *before* at the baseline (no package, the
partner's counter ``m_0``), *after* with everything the episode changed for good (the
partner's counter ``m``, the pressure's own cost ``-pressure`` and the threat response
``threat_T * pressure``, positional flows).  The change is finite even when cohesion is not.
Backfire means the change is positive.

``robust`` and the possible verdicts range over pairs (equilibrium with the offer,
equilibrium without it) of the admissible sets, so the verdict under any selection rule is
one of those possible under ``all``.  The classifier is :func:`triangle.wedge.reasons.decide`,
whose tests are the reasons reported with the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from triangle.common import status
from triangle.partnership import closed_form as cf
from triangle.wedge.counter import MAX_STEPS, counter_offer, keeps_partnership
from triangle.wedge.dittmer import configuration, dyad_signs, roles
from triangle.wedge.model import Model, Package, Stage, build_stage
from triangle.wedge.reasons import VERDICTS, decide
from triangle.wedge.subgame import SELECTIONS, SubgameSolution

VERDICT_CODES = np.vectorize(VERDICTS.index, otypes=[np.int8])

__all__ = ["VERDICTS", "Baseline", "Evaluation", "baseline", "classify", "evaluate"]


@dataclass(frozen=True)
class Evaluation:
    """Everything the model says at ``n`` points, as arrays (see :func:`evaluate`)."""

    model: Model
    package: Package
    stage: Stage
    counter: np.ndarray
    solution: object
    columns: dict[str, np.ndarray]
    verdicts: np.ndarray  # (n, K) verdict of every equilibrium slot, against the baseline's selected one
    base: Baseline | None = None  # the same triangle without the offer
    pairs: np.ndarray | None = None  # (n, K, K0) verdict code of every (with offer, without) pair
    pair_admissible: np.ndarray | None = None  # (n, K, K0) both equilibria admissible
    rules: np.ndarray | None = None  # (n, 3) verdict codes of the named rules, under "all" only

    def possible(self, i: int = 0) -> list[str]:
        """Verdicts of the admissible pairs at point ``i`` (DESIGN §5), and under ``all`` the
        verdict of every named selection rule with the counter the partner pays under it."""
        codes = set(self.pairs[i][self.pair_admissible[i]].tolist())
        if self.rules is not None:
            codes |= set(self.rules[i].tolist())
        return sorted(VERDICTS[c] for c in codes)


def classify(attempt: np.ndarray, schism: np.ndarray, divider_gains: np.ndarray,
             tighter: np.ndarray, kept_upfront: np.ndarray,
             schism_anyway: np.ndarray | bool = False,
             caused: np.ndarray | None = None, hedges: np.ndarray | bool = False,
             hedged_anyway: np.ndarray | bool = False,
             hedge_caused: np.ndarray | bool = False) -> np.ndarray:
    """The verdict (an index into :data:`VERDICTS`) by the first rule that applies (DESIGN §5).

    ``no_attempt`` without an offer; ``split_anyway`` for a schism that also happens without
    the offer (``schism_anyway``); for a schism the offer ``caused`` (default: every schism),
    ``success`` if it leaves the divider better off than no wedge, else ``pyrrhic``; then
    ``partial_success`` if the target ``hedges``, not ``hedged_anyway``, and the offer
    ``hedge_caused`` it; then ``backfire`` if the partnership's cohesion rose, ``pocketed``
    if the target kept up-front concessions, else ``failed``.  Arguments broadcast against each other
    (:func:`triangle.wedge.reasons.decide`).
    """
    return decide(attempt, schism, schism_anyway, schism if caused is None else caused,
                  divider_gains, tighter, kept_upfront, hedges, hedged_anyway, hedge_caused)


def fixed_package(model: Model) -> Package:
    """The scenario's own package (policy evaluation)."""
    return Package(model["wedge.upfront"], model["wedge.reward"], model["wedge.pressure"],
                   model["wedge.hedge_reward"])


def solve_package(model: Model, package: Package, final: bool = True, max_steps: int = MAX_STEPS,
                  report: bool = True) -> tuple[Stage, np.ndarray, SubgameSolution, np.ndarray]:
    """Steps 2 and 3 of the backward induction for a given package:
    ``(stage, m, solution, converged)``, the last whether the counter search converged.

    The counter search leaves the subgame solved with the search backend (the admissible
    equilibria); with ``final`` and another reporting backend (all equilibria, or nashpy),
    the subgame is solved again with it.  ``report=False`` skips the existential bounds
    that only a report reads (:func:`triangle.wedge.counter.counter_offer`).
    """
    stage = build_stage(model, package)
    m, sol, converged = counter_offer(stage, max_steps, report=report)
    if final and model.backend != model.search_backend:
        sol = stage.solve(m, report=report)
    return stage, m, sol, converged


def _schism_after_counter(model: Model, package: Package, max_steps: int
                          ) -> tuple[np.ndarray, np.ndarray]:
    _, _, sol, converged = solve_package(model, package, final=False, max_steps=max_steps,
                                         report=False)
    return ~keeps_partnership(sol, model["solver.schism_probability"], model.selection), converged


def _divider_value(model: Model, package: Package, max_steps: int) -> tuple[np.ndarray, np.ndarray]:
    stage, _, sol, converged = solve_package(model, package, final=False, max_steps=max_steps,
                                         report=False)
    return sol.pick(stage.divider_pv(sol)), converged


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
    so never change its choice.  The hedge reward is dropped too: the model gives the divider
    no value for the target's distance, only for a split, so it would be pure cost to it.
    The bisection stops after ``max_steps`` halvings (200 by default, far above the ~35 its
    tolerance needs); a point still open then, or one where a counter search it relied on did
    not converge, is reported as not converged.
    """
    package, _, _, converged = _optimize(model, max_steps)
    return package, converged


def _optimize(model: Model, max_steps: int = MAX_STEPS
              ) -> tuple[Package, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`optimal_package`, with the divider's PV of its best non-empty candidate
    (``-inf`` if every candidate is empty: no reward up to ``r_cap`` splits), ``r_cap`` and
    whether every search converged."""
    n = model.n
    zeros = np.zeros(n)
    s, d = model.survival, model.delta("divider")
    r_cap = np.maximum(cf.divider_max_reward(model["schism.value_to_divider"], d, s,
                                             model["wedge.alliance_cost"]), model["wedge.reward"])
    r_cap = np.maximum(r_cap, 0.0)
    best = Package(zeros, zeros, zeros)
    best_value, converged = _divider_value(model, best, max_steps)
    best_offer = np.full(n, -np.inf)
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
            best_offer = np.where(candidate.attempt, np.maximum(best_offer, value), best_offer)
            better = value > best_value + 1e-12 * np.maximum(1.0, np.abs(best_value))
            best = Package(zeros, np.where(better, reward, best.reward),
                           np.where(better, pressure, best.pressure))
            best_value = np.where(better, value, best_value)
    return best, best_offer, r_cap, converged


@dataclass(frozen=True)
class Baseline:
    """The same triangle with no offer, at every point: stage, the partner's counter ``m0``,
    the subgame's equilibria, the divider's PV in each (``V_D``, shape ``(n, K0)``) and whether
    the partner's counter search converged (``converged``)."""

    stage: Stage
    m0: np.ndarray
    solution: SubgameSolution
    V_D: np.ndarray
    converged: np.ndarray

    @property
    def V_D_selected(self) -> np.ndarray:
        return self.solution.pick(self.V_D)


def baseline(model: Model, max_steps: int = MAX_STEPS) -> Baseline:
    """The same triangle with no offer (DESIGN §5's baseline).

    It does not depend on the ``wedge.*`` parameters, so it is solved once per distinct
    remaining parameter row (a map over a package parameter solves it once per line).
    """
    rest = sorted(k for k in model.p if not k.startswith("wedge."))
    _, first, inverse = np.unique(np.stack([model.p[k] for k in rest], axis=1), axis=0,
                                  return_index=True, return_inverse=True)
    shared = first.size < model.n  # else every row is distinct (a sample, say): solved as is
    unique = model.take(first) if shared else model
    stage, m0, sol, converged = solve_package(unique, Package.none(unique.n),
                                              max_steps=max_steps, report=False)
    if shared:
        inverse = inverse.reshape(-1)
        stage, sol, m0, converged = (stage.take(inverse), sol.take(inverse), m0[inverse],
                                     converged[inverse])
    return Baseline(stage, m0, sol, stage.divider_pv(sol), converged)


def cohesion(model: Model, stage: Stage, m: np.ndarray) -> np.ndarray:
    """Target's stay-minus-break PV with no offer on the table, ``S_T + (R_T + m - O_T) dt / (1 - delta_T)``,
    at the effective payoffs of ``stage`` (``inf`` for an existential cost)."""
    S_T, dt, dT = model["schism.cost.target"], model.dt, model.delta("target")
    gap = (stage.R_T + m - stage.O_T) * dt / (1 - dT)
    return np.where(np.isinf(S_T), np.inf, np.where(np.isinf(S_T), 0.0, S_T) + gap)


def cohesion_change(model: Model, stage: Stage, m: np.ndarray, stage0: Stage,
                    m0: np.ndarray) -> np.ndarray:
    """:func:`cohesion` at ``stage, m`` minus at the baseline ``stage0, m0``, computed on its
    own so that it stays finite where both are infinite (an existential cost)."""
    return (stage.R_T - stage0.R_T + m - m0 - (stage.O_T - stage0.O_T)) * model.dt / (
        1 - model.delta("target"))


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
        ``p_schism``, ``schism_baseline``, ``p_schism_baseline``, ``hedge_share``,
        ``hedge_share_baseline``, ``schism_threshold``,
        ``margin``, ``r_star``, ``r_star_max``, ``m_max``, ``r_max``, ``counter_offer``,
        ``counter_offer_baseline``, ``cohesion_before``, ``cohesion_after``,
        ``cohesion_change``, ``pv_divider``, ``pv_target``, ``pv_partner``,
        ``pv_divider_baseline``, ``pv_best_offer``, ``r_cap``, ``configuration``,
        ``role_divider``, ``role_target``, ``role_partner``, ``upfront``, ``reward``,
        ``pressure``, ``hedge_reward``, ``degenerate``, ``n_equilibria``, ``bound_target``, ``bound_partner``,
        ``converged`` (every iterative search behind the point converged).
    """
    if mode == "optimize":
        package, best_offer, r_cap, converged = _optimize(model, max_steps)
    else:
        package, converged = fixed_package(model), np.ones(model.n, dtype=bool)
    with status.step("the game with the offer"):  # named for a progress line
        stage, m, sol, ok = solve_package(model, package, max_steps=max_steps)
    with status.step("the game without the offer"):
        base = baseline(model, max_steps)
    converged = converged & ok & base.converged
    sol0 = base.solution
    V_D_all = stage.divider_pv(sol)
    if mode != "optimize":
        best_offer, r_cap = sol.pick(V_D_all), package.reward

    threshold = model["solver.schism_probability"]
    before = cohesion(model, base.stage, base.m0)
    after = cohesion(model, stage, m)
    change = cohesion_change(model, stage, m, base.stage, base.m0)
    dt, dT = model.dt, model.delta("target")

    # Every pair (k: equilibrium with the offer, j: without it), shape (n, K, K0).
    k_, j_ = (slice(None), slice(None), None), (slice(None), None, slice(None))
    schism_k = sol.p_schism > threshold[:, None]
    schism_j = sol0.p_schism > threshold[:, None]
    pt = (slice(None), None, None)
    added = sol.p_schism[k_] - sol0.p_schism[j_]  # probability of schism the offer added
    hedge_added = sol.hedge_share[k_] - sol0.hedge_share[j_]
    # Partial success judges a wedge that pays for distance: without a hedge reward the
    # target's hedging is no aim of the offer, and every result stays as it was.
    pays_for_distance = (sol.hedge_share > threshold[:, None]) & (package.hedge > 0)[:, None]
    codes = classify(package.attempt[pt], schism_k[k_], V_D_all[k_] > base.V_D[j_],
                     (change > 0)[pt], (package.upfront > 0)[pt], schism_j[j_],
                     added > threshold[pt], pays_for_distance[k_],
                     (sol0.hedge_share > threshold[:, None])[j_], hedge_added > threshold[pt])
    pair_ok = sol.admissible[k_] & sol0.admissible[j_]
    rows = np.arange(model.n)
    chosen = codes[rows, :, sol0.selected]
    code = chosen[rows, sol.selected]
    robust = np.all((codes == code[:, None, None]) | ~pair_ok, axis=(1, 2))
    rules = None
    if model.selection == "all":
        # The partner's counter depends on the rule (it keeps the selected equilibrium, or
        # every admissible one under "all"), so each named rule's verdict, with its own
        # counter, is possible too.
        each = [evaluate(replace(model, selection=rule), mode, max_steps).columns
                for rule in SELECTIONS[1:]]
        rules = np.stack([VERDICT_CODES(c["verdict"]) for c in each], axis=1)
        converged = converged & np.all([c["converged"] for c in each], axis=0)
        robust &= np.all(rules == code[:, None], axis=1)
    names = np.asarray(VERDICTS, dtype=object)
    verdicts, verdict = names[chosen], names[code]
    schism = sol.pick(schism_k.astype(float)) > 0.5

    # T took something from D: up-front concessions, or a hedge reward it earns by hedging.
    hedging = (package.hedge > 0) & (sol.pick(sol.hedge_share) > threshold)
    took = np.where(hedging, package.upfront + package.hedge, package.upfront)
    tp, d_t, d_p = dyad_signs(schism, took, package.pressure, model.divider_partner)
    who = roles(tp, d_t, d_p)

    s = model.survival
    S_T = model["schism.cost.target"]
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
        "schism_baseline": sol0.pick(schism_j.astype(float)) > 0.5,
        "p_schism_baseline": sol0.pick(sol0.p_schism),
        "hedge_share": sol.pick(sol.hedge_share),
        "hedge_share_baseline": sol0.pick(sol0.hedge_share),
        "schism_threshold": threshold,
        "margin": cf.wedge_margin(r_max, r_star_max),
        "r_star": r_star,
        "r_star_max": r_star_max,
        "m_max": m_max,
        "r_max": r_max,
        "counter_offer": m,
        "counter_offer_baseline": base.m0,
        "cohesion_before": before,
        "cohesion_after": after,
        "cohesion_change": change,
        "pv_divider": sol.pick(V_D_all),
        "pv_target": sol.pick(sol.V_T),
        "pv_partner": sol.pick(sol.V_P),
        "pv_divider_baseline": base.V_D_selected,
        "pv_best_offer": best_offer,
        "r_cap": r_cap,
        "configuration": configuration(tp, d_t, d_p),
        "role_divider": who["divider"],
        "role_target": who["target"],
        "role_partner": who["partner"],
        "upfront": package.upfront,
        "reward": package.reward,
        "pressure": package.pressure,
        "hedge_reward": package.hedge,
        "degenerate": sol.batch.degenerate,
        "n_equilibria": sol.batch.valid.sum(axis=1),
        "bound_target": sol.game.bound_T,
        "bound_partner": sol.game.bound_P,
        "converged": converged,
    }
    return Evaluation(model, package, stage, m, sol, columns, verdicts, base,
                      codes.astype(np.int8), pair_ok, rules)

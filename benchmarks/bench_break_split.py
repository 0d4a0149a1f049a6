"""Benchmark and check: the immediate-break split against full enumeration, on the model's games.

For every shipped scenario, the meta-games (existential costs at their stand-ins, each
player's payoff unit) at ``--points`` seeded random points of its schism costs (a fifth of
them existential), the divider's reward and up-front concessions, the partner's counter and
the misreading rate (a quarter of them noise-free, where the break-free game is degenerate
too) are solved twice by the batched engine: split (the default,
:mod:`triangle.solvers.break_split`) and whole (``split=False``).  It reports, per scenario,
the games whose extreme equilibrium sets differ (an equilibrium of either farther than ``1e-6``
from every one of the other), the games whose admissible sets differ (the ``admissible``
backend against the whole enumeration's undominated equilibria; and, to tell the split's
part, against the same backend with the whole enumeration inside), and both times from the
same run.  Sets are compared by distance (:func:`unmatched`); the games whose sets differ once
rounded to six digits are counted beside (``rounded_sets_differ``), to show why:
the whole enumeration, which takes a constraint as tight within the tolerance, can return a
near-twin of an exact vertex (a system in which a strategy dominated exactly by about
``1e-12`` of the unit stands for its dominator; ``tests/test_admissible.py``), and rounding to
digits can put the two on either side of a rounding boundary.

Run::

    .venv/bin/python benchmarks/bench_break_split.py --points 10000 --out benchmarks/results/break_split.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from triangle.scenario.files import library_dir, load_scenario
from triangle.solvers import admissible
from triangle.solvers.batched import batched_equilibria
from triangle.solvers.break_split import constant_strategies, equilibria
from triangle.solvers.dominance import uses_dominated, weakly_dominated
from triangle.solvers.tolerance import TOL, in_units
from triangle.wedge.model import Package, build_stage
from triangle.wedge.solve import model_of

SCENARIOS = ("first_term_2017", "kissinger_1971", "reverse_kissinger_2025", "template",
             "wedge_optimist_2025")


def scenario_games(name: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Meta-games ``(A_solve, B_solve, unit)`` of scenario ``name`` at ``n`` random points."""
    rng = np.random.default_rng(seed)

    def cost() -> np.ndarray:
        return np.where(rng.random(n) < 0.2, np.inf, rng.uniform(0, 100, n))

    points = {"schism.cost.target": cost(), "schism.cost.partner": cost(),
              "wedge.reward": rng.uniform(0, 50, n), "wedge.upfront": rng.uniform(0, 10, n),
              "partnership.noise": np.where(rng.random(n) < 0.25, 0.0, rng.uniform(0, 0.6, n))}
    model = model_of(load_scenario(library_dir() / f"{name}.toml"), points)
    stage = build_stage(model, Package(model["wedge.upfront"], model["wedge.reward"],
                                       model["wedge.pressure"]))
    game = stage.game(rng.uniform(0, 5, n))
    return game.A_solve, game.B_solve, (game.unit_T, game.unit_P)


def equilibrium_sets(eq, digits: int = 6) -> list[set]:
    """Per game, the set of its equilibria rounded to ``digits``."""
    return [{tuple(np.round(np.concatenate([x, y]), digits)) for x, y in eq.of_game(i)}
            for i in range(eq.valid.shape[0])]


def undominated(eq, A: np.ndarray, B: np.ndarray, unit: tuple) -> np.ndarray:
    """The slots of each game's admissible equilibria (all of them where none is admissible)."""
    dom_T, dom_P = weakly_dominated(A, B, unit, TOL)
    keep = eq.valid & ~uses_dominated(eq.x, eq.y, dom_T, dom_P)
    return np.where(keep.any(axis=1, keepdims=True), keep, eq.valid)


def unmatched(eq_a, keep_a: np.ndarray, eq_b, keep_b: np.ndarray, eps: float = 1e-6
              ) -> list[int]:
    """Games in which some kept equilibrium of either result is farther than ``eps`` (max norm
    over both strategies) from every kept equilibrium of the other."""
    def far(P: np.ndarray, Q: np.ndarray) -> bool:
        if len(P) == 0 or len(Q) == 0:
            return len(P) != len(Q)
        return bool((np.abs(P[:, None] - Q[None]).max(axis=2).min(axis=1) > eps).any())

    out = []
    for g in range(keep_a.shape[0]):
        P = np.concatenate([eq_a.x[g], eq_a.y[g]], axis=1)[keep_a[g]]
        Q = np.concatenate([eq_b.x[g], eq_b.y[g]], axis=1)[keep_b[g]]
        if far(P, Q) or far(Q, P):
            out.append(g)
    return out


def split_games(A: np.ndarray, B: np.ndarray, unit: tuple) -> np.ndarray:
    """Games the split applies to (some constant row or column)."""
    rows, cols = constant_strategies(in_units(A, unit[0]), in_units(B, unit[1]))
    return rows.any(axis=1) | cols.any(axis=1)


def compare(name: str, n: int, seed: int) -> dict:
    """Split against whole enumeration on ``n`` points of scenario ``name``."""
    A, B, unit = scenario_games(name, n, seed)
    t = time.perf_counter()
    split = equilibria(A, B, TOL, unit)
    t_split = time.perf_counter() - t
    t = time.perf_counter()
    whole = batched_equilibria(A, B, TOL, unit)
    t_whole = time.perf_counter() - t
    t = time.perf_counter()
    adm = admissible.solve(A, B, unit)
    t_adm = time.perf_counter() - t
    inside = admissible.equilibria
    admissible.equilibria = batched_equilibria  # the admissible backend without the split
    try:
        adm_whole = admissible.solve(A, B, unit)
    finally:
        admissible.equilibria = inside
    s_split, s_whole = equilibrium_sets(split), equilibrium_sets(whole)
    differ_rounded = [i for i in range(n) if s_split[i] != s_whole[i]]
    differ = unmatched(split, split.valid, whole, whole.valid)
    a_whole = undominated(whole, A, B, unit)
    differ_adm = unmatched(adm, adm.valid, whole, a_whole)
    differ_adm_split = unmatched(adm, adm.valid, adm_whole, adm_whole.valid)
    differ_adm_whole = unmatched(adm_whole, adm_whole.valid, whole, a_whole)
    return {"scenario": name, "games": n, "shape": list(A.shape[1:]),
            "games_split": int(split_games(A, B, unit).sum()),
            "differ": len(differ), "differ_examples": differ[:5],
            "rounded_sets_differ": len(differ_rounded),
            "rounded_sets_differ_examples": differ_rounded[:5],
            "admissible_differ": len(differ_adm), "admissible_differ_examples": differ_adm[:5],
            "admissible_split_vs_without_differ": len(differ_adm_split),
            "admissible_without_split_vs_undominated_differ": len(differ_adm_whole),
            "equilibria_whole": int(whole.valid.sum()), "equilibria_split": int(split.valid.sum()),
            "seconds_split": t_split, "seconds_whole": t_whole, "seconds_admissible": t_adm,
            "speedup": t_whole / t_split}


def run_scenarios(benchmark: str, description: str, compare, points: int, seed: int) -> None:
    """The command line shared by the per-scenario checks: ``compare(name, points, seed)`` for
    every scenario asked for, one JSON line each, and the whole result in ``--out``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--points", type=int, default=points)
    p.add_argument("--seed", type=int, default=seed)
    p.add_argument("--only", nargs="*", default=list(SCENARIOS))
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    rows = []
    for name in args.only:
        row = compare(name, args.points, args.seed)
        row["load_average"] = os.getloadavg()
        print(json.dumps(row), flush=True)
        rows.append(row)
    result = {"benchmark": benchmark, "points": args.points, "seed": args.seed,
              "scenarios": rows,
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                          "python": platform.python_version(), "numpy": np.__version__}}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


def main() -> None:
    run_scenarios("break_split", __doc__.splitlines()[0], compare, 10_000, 11)


if __name__ == "__main__":
    main()

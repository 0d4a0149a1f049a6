"""Benchmark and check: the partner's counter search against the reference bisection.

For every shipped scenario, the whole backward induction (:func:`evaluate_scenario`) at
``--points`` seeded random points of its schism costs (a fifth of them existential), the
divider's reward and up-front concessions, the partner's budget (half of them unlimited) and
the misreading rate (a quarter of them noise-free) runs twice in one process: with the
counter search (:mod:`triangle.wedge.counter`: the switch proposed from the selected
equilibrium's supports and confirmed by the solver) and with the reference search
(``plain=True``: the cap's scan wherever the cap fails, the breakpoint bisection and the plain
bisection to a relative ``1e-12``).  It reports, per scenario, the points whose verdict,
robustness or configuration differ, the largest difference between the two counters relative
to ``max(1, m)`` (the search promises ``2 CHECK = 2e-9`` where the predicate is monotone), the
points beyond that (where the predicate is not monotone below the cap, either search can find
a different switch: a lower one is a counter that keeps the partnership which the bisection
stepped over), and the meta-games each search solved and the time it took (the faster of two
runs each), both searches included: with the offer and without it (the baseline).

Run::

    .venv/bin/python benchmarks/bench_counter_search.py --points 2000 \
        --out benchmarks/results/counter_search.json
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_break_split import run_scenarios

from triangle.scenario.files import library_dir, load_scenario
from triangle.wedge import counter, switch, verdict
from triangle.wedge.model import Stage
from triangle.wedge.solve import evaluate_scenario

COMPARED = ("verdict", "robust", "configuration")


def random_points(n: int, seed: int) -> dict[str, np.ndarray]:
    """The parameters varied, as in ``bench_break_split.py``, with the partner's budget."""
    rng = np.random.default_rng(seed)

    def cost() -> np.ndarray:
        return np.where(rng.random(n) < 0.2, np.inf, rng.uniform(0, 100, n))

    return {"schism.cost.target": cost(), "schism.cost.partner": cost(),
            "wedge.reward": rng.uniform(0, 50, n), "wedge.upfront": rng.uniform(0, 10, n),
            "counter.budget": np.where(rng.random(n) < 0.5, np.inf, rng.uniform(0, 5, n)),
            "partnership.noise": np.where(rng.random(n) < 0.25, 0.0, rng.uniform(0, 0.6, n))}


def run(name: str, points: dict, plain: bool) -> tuple[float, int, dict]:
    """Seconds in the partner's counter search (with and without the offer), the meta-games it
    solved, and the columns of one evaluation."""
    scenario = load_scenario(library_dir() / f"{name}.toml")
    spent, solves, inside = [0.0], [0], [False]
    real_solve, real_offer = Stage.solve, verdict.counter_offer

    def counting(self, *args, **kw):
        solves[0] += self.model.n if inside[0] else 0
        return real_solve(self, *args, **kw)

    def timed_offer(stage, *args, **kw):
        inside[0], t0 = True, time.perf_counter()
        try:
            return counter.counter_offer(stage, *args, plain=plain, **kw)
        finally:
            inside[0] = False
            spent[0] += time.perf_counter() - t0

    Stage.solve, verdict.counter_offer = counting, timed_offer
    try:
        ev = evaluate_scenario(scenario, points)
    finally:
        Stage.solve, verdict.counter_offer = real_solve, real_offer
    return spent[0], solves[0], ev.columns


def compare(name: str, n: int, seed: int) -> dict:
    run(name, random_points(5, seed + 1), plain=False)  # imports and first calls, untimed
    points = random_points(n, seed)
    # each search twice, alternated, the faster run counted: the first large allocations of a
    # process are slower, whichever search makes them
    t_fast, g_fast, fast = run(name, points, plain=False)
    t_plain, g_plain, plain = run(name, points, plain=True)
    t_fast = min(t_fast, run(name, points, plain=False)[0])
    t_plain = min(t_plain, run(name, points, plain=True)[0])
    differ = {c: int(np.sum(np.asarray(fast[c]) != np.asarray(plain[c]))) for c in COMPARED}
    m_fast, m_plain = np.asarray(fast["counter_offer"]), np.asarray(plain["counter_offer"])
    gap = (m_fast - m_plain) / np.maximum(1.0, m_plain)
    wide = np.abs(gap) > 2 * switch.CHECK + 1e-12
    return {"scenario": name, "points": n, "countered": int(np.sum(m_plain > 0)),
            "differ": differ, "max_counter_gap": float(np.abs(gap).max()),
            "gap_beyond_2_check": {"lower": int(np.sum(wide & (gap < 0))),
                                   "higher": int(np.sum(wide & (gap > 0)))},
            "games": {"search": g_fast, "reference": g_plain},
            "seconds": {"search": round(t_fast, 3), "reference": round(t_plain, 3)}}


def main() -> None:
    run_scenarios("counter_search", __doc__.splitlines()[0], compare, 2000, 5)


if __name__ == "__main__":
    main()

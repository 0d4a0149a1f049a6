"""Benchmark: do the backends select the same present values at random scenario points?

For every shipped scenario, ``--points`` seeded random points (default 3,000) perturb the
parameters that shape the meta-game: each of :data:`KEYS` is drawn uniformly in
``[0.5 v, 1.5 v]`` around the scenario's finite value ``v`` (``[0, 2]`` where ``v = 0``),
clipped into its documented range.  The scenario is evaluated at all points with the
``batched`` and the ``admissible`` backend (vectorised), and at the first ``--nashpy``
points with the ``nashpy`` backend; the selected present values (``pv_target``,
``pv_partner``, ``pv_divider``) and verdicts are compared.  Values agree when equal to
``1e-9`` relative (infinities exactly).

Run::

    .venv/bin/python benchmarks/bench_backends.py --out benchmarks/results/backends.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from triangle.scenario.files import library_dir, load_scenario
from triangle.scenario.parameters import BY_PATH
from triangle.wedge.solve import evaluate_scenario

KEYS = ("time.period_years", "partnership.value.target", "partnership.value.partner",
        "partnership.hedge_gain.target", "partnership.hedge_loss.target",
        "partnership.fraying.target", "schism.cost.target", "schism.cost.partner",
        "schism.outside.target", "schism.outside.partner", "wedge.reward")
COLUMNS = ("pv_target", "pv_partner", "pv_divider")


def random_points(scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """Seeded points around the scenario's values, inside every key's documented range."""
    rng = np.random.default_rng(seed)
    points = {}
    for key in KEYS:
        v, p = scenario.values[key], BY_PATH[key]
        if not np.isfinite(v):
            continue
        lo, hi = (0.5 * v, 1.5 * v) if v > 0 else (0.0, 2.0)
        x = rng.uniform(lo, hi, n)
        span = max(hi - lo, 1e-9)
        low = p.low + (1e-6 * span if p.low_open else 0.0)
        high = p.high - (1e-6 * span if p.high_open else 0.0)
        points[key] = np.clip(x, low, high)
    return points


def agree(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal to 1e-9 relative, infinities exactly."""
    same_inf = np.isinf(a) & (a == b)
    return same_inf | (np.isfinite(a) & np.isfinite(b)
                       & (np.abs(a - b) <= 1e-9 * (1.0 + np.maximum(np.abs(a), np.abs(b)))))


def compare(scenario, points, backends: tuple[str, str]) -> dict:
    cols = {}
    for backend in backends:
        t0 = time.perf_counter()
        cols[backend] = evaluate_scenario(scenario, points, backend).columns
        cols[backend]["_seconds"] = time.perf_counter() - t0
    a, b = (cols[k] for k in backends)
    ok = np.ones(len(a["verdict"]), dtype=bool)
    for c in COLUMNS:
        ok &= agree(np.asarray(a[c], float), np.asarray(b[c], float))
    same_verdict = np.asarray(a["verdict"]) == np.asarray(b["verdict"])
    bad = np.flatnonzero(~ok | ~same_verdict)
    return {"backends": list(backends), "points": len(ok),
            "pv_disagree": int((~ok).sum()), "verdict_disagree": int((~same_verdict).sum()),
            "examples": [{k: float(v[i]) for k, v in points.items()} for i in bad[:3]],
            "seconds": {k: round(cols[k]["_seconds"], 2) for k in backends}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=3000)
    ap.add_argument("--nashpy", type=int, default=20, help="points solved with nashpy too")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--only", nargs="*", help="scenario names (default: every shipped one)")
    ap.add_argument("--out")
    args = ap.parse_args()
    report = {"points": args.points, "seed": args.seed, "scenarios": {}}
    for path in sorted(library_dir().glob("*.toml")):
        if args.only and path.stem not in args.only:
            continue
        scenario = load_scenario(path)
        points = random_points(scenario, args.points, args.seed)
        entry = {"batched_vs_admissible": compare(scenario, points, ("batched", "admissible"))}
        if args.nashpy:
            few = {k: v[: args.nashpy] for k, v in points.items()}
            entry["nashpy_vs_batched"] = compare(scenario, few, ("nashpy", "batched"))
        report["scenarios"][path.stem] = entry
        print(path.stem, json.dumps(entry), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()

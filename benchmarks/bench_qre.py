"""Benchmark: tracing the logit QRE branch, batched numpy homotopy vs pygambit's tracer.

Games: seeded random normal games of sizes 2x2 to 8x8 and the flagship's meta-games at random
points of its wedge and schism parameters.  Each game is traced from lambda = 0 to 20
precisions in [0.05, 50] (per payoff unit); the time per game is reported for both solvers,
with their ratio and the largest difference in strategies.  Without pygambit only our times
are reported.

Run::

    .venv/bin/python benchmarks/bench_qre.py --out benchmarks/results/qre.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from triangle.scenario.files import library_dir, load_scenario
from triangle.solvers.qre import logit_branch
from triangle.wedge.model import Package, build_stage
from triangle.wedge.solve import model_of

LAMS = np.geomspace(0.05, 50.0, 20)


def flagship_games(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The flagship's meta-games (finite schism costs drawn at random), each in its unit."""
    rng = np.random.default_rng(seed)
    s = load_scenario(library_dir() / "reverse_kissinger_2025.toml")
    points = {"schism.cost.target": rng.uniform(0, 40, n), "schism.cost.partner": rng.uniform(0, 40, n),
              "wedge.reward": rng.uniform(0, 20, n), "partnership.noise": rng.uniform(0, 0.1, n)}
    model = model_of(s, points)
    stage = build_stage(model, Package(model["wedge.upfront"], model["wedge.reward"],
                                       model["wedge.pressure"]))
    game = stage.game(np.zeros(n))
    return game.A / game.unit_T[:, None, None], game.B / game.unit_P[:, None, None]


def gambit_time(A: np.ndarray, B: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
    try:
        import pygambit as gbt
    except ImportError:
        return None
    xs, ys = [], []
    start = time.perf_counter()
    for g in range(A.shape[0]):
        game = gbt.Game.from_arrays(A[g], B[g])
        found = gbt.qre.logit_solve_lambda(game, lam=[float(v) for v in LAMS])
        row_player, col_player = list(game.players)
        xs.append([[float(q.profile[s]) for s in row_player.strategies] for q in found])
        ys.append([[float(q.profile[s]) for s in col_player.strategies] for q in found])
    return time.perf_counter() - start, np.array(xs), np.array(ys)


def run(label: str, A: np.ndarray, B: np.ndarray) -> dict:
    start = time.perf_counter()
    ours = logit_branch(A, B, LAMS)
    t_ours = time.perf_counter() - start
    row = {"games": label, "n": int(A.shape[0]), "ours_ms_per_game": 1e3 * t_ours / A.shape[0],
           "ours_max_residual": float(ours.residual.max())}
    gam = gambit_time(A, B)
    if gam is not None:
        t_g, x, y = gam
        row.update({"gambit_ms_per_game": 1e3 * t_g / A.shape[0], "ratio_gambit_over_ours": t_g / t_ours,
                    "max_abs_diff": float(max(np.abs(ours.x - x).max(), np.abs(ours.y - y).max()))})
    print(json.dumps(row))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=100)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = [run(f"random {k}x{k}", rng.normal(size=(args.games, k, k)), rng.normal(size=(args.games, k, k)))
            for k in (2, 4, 6, 8)]
    rows.append(run("flagship meta-game 8x8", *flagship_games(args.games, args.seed)))
    if args.out:
        record = {"machine": platform.processor() or platform.machine(), "python": sys.version.split()[0],
                  "lambdas": LAMS.tolist(), "rows": rows}
        Path(args.out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Benchmark: the performance targets of the maps, the engine and the big sweep, side by side.

Parts (``--parts``, all by default), each written to one JSON file with the load average
(``os.getloadavg``) before and after every measurement, because the machine is shared:

* ``maps``: the 200 x 200 maps of the flagship over ``wedge.reward=0:50`` x
  ``schism.cost.target=0:100`` and of ``wedge_optimist_2025`` over ``schism.cost.target=0:60``
  x ``wedge.reward=0:20``, each a fresh ``triangle map ... --workers 2`` process timed from
  start to exit, against a nashpy loop estimated in the same run: a seeded random sample of
  the map's points is solved in process, counting the games the backward induction poses
  (every meta-game of the partner's search, the final one and the no-offer baseline's);
  nashpy's support and vertex enumeration (the nashpy reference's two methods) are timed on
  a random sample of those games, whole, as nashpy would get them; the estimate is
  points x games per point x nashpy's seconds per game;
* ``engine``: the batched engine against QuantEcon's numba support enumeration on random
  6 x 6 and 8 x 8 games (payoffs uniform in [-10, 10]), sets compared, and against Gambit's
  ``enummixed`` (floating point) on degenerate 8 x 8 games (integer payoffs 0..3), where
  ``pygambit`` is importable; with ``--engine-baseline REV``, also the engine as of git
  revision ``REV`` (the package at ``REV``, with its own kernels) on the same games,
  its time and whether its result is today's.  The solvers take turns, once each in each
  of ``--engine-rounds`` rounds, and each one's fastest round is compared;
* ``sweep``: a ``triangle sweep`` of ``--sweep-points`` Latin-hypercube points of the
  flagship's full game on 2 workers, its wall time and the peak resident memory of its
  largest process, extrapolated linearly to 10^7 points.

Run::

    .venv/bin/python benchmarks/bench_targets.py --out benchmarks/results/targets.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_equilibria import (  # noqa: E402
    compare,
    engine_at,
    games,
    quantecon_solver,
    same_result,
    time_batched,
    time_per_game,
)

from triangle import __version__  # noqa: E402
from triangle.scenario.files import load_scenario  # noqa: E402

MAPS = (
    ("reverse_kissinger_2025", ("wedge.reward", 0.0, 50.0), ("schism.cost.target", 0.0, 100.0)),
    ("wedge_optimist_2025", ("schism.cost.target", 0.0, 60.0), ("wedge.reward", 0.0, 20.0)),
)


#: Rounds of the engine's comparisons: every solver once a round, the fastest round kept.
ROUNDS = 5


def load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def map_command(name: str, x: tuple, y: tuple, size: int, workers: int, tmp: Path) -> dict:
    """``triangle map`` as a fresh process, from start to exit (figure and data included)."""
    command = [sys.executable, "-m", "triangle", "map", str(ROOT / "scenarios" / f"{name}.toml"),
               "--x", f"{x[0]}={x[1]:g}:{x[2]:g}:{size}", "--y", f"{y[0]}={y[1]:g}:{y[2]:g}:{size}",
               "-o", str(tmp / f"{name}.png"), "--data", str(tmp / f"{name}.csv"),
               "--workers", str(workers)]
    before = load()
    secs, run = timed(lambda: subprocess.run(command, check=True, cwd=ROOT, capture_output=True,
                                             text=True))
    shown = f"triangle map scenarios/{name}.toml --x {command[6]} --y {command[8]} -o map.png " \
            f"--data map.csv --workers {workers}"
    return {"command": shown, "seconds": secs, "load_before": before, "load_after": load(),
            "summary": run.stdout.strip().splitlines()[-1]}


def games_per_point(name: str, x: tuple, y: tuple, size: int, sample: int, seed: int,
                    keep: int) -> dict:
    """Solve ``sample`` random grid points of the map in process, counting the meta-games the
    backward induction solves, and keep ``keep`` of them (whole, as nashpy would get them)."""
    from triangle.wedge import subgame
    from triangle.wedge.solve import evaluate_scenario

    rng = np.random.default_rng(seed)
    xs, ys = np.linspace(x[1], x[2], size), np.linspace(y[1], y[2], size)
    points = {x[0]: rng.choice(xs, sample), y[0]: rng.choice(ys, sample)}
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    original = subgame.solve_subgame

    def counting(table, game, *args, **kw):
        seen.append((game.A_solve, game.B_solve))
        return original(table, game, *args, **kw)

    subgame.solve_subgame = counting
    try:
        from triangle.wedge import model as model_module

        model_module.solve_subgame = counting  # the name Stage.solve calls
        secs, result = timed(lambda: evaluate_scenario(load_scenario(
            ROOT / "scenarios" / f"{name}.toml"), points, "admissible"))
    finally:
        subgame.solve_subgame = original
        model_module.solve_subgame = original
    A = np.concatenate([a for a, _ in seen])
    B = np.concatenate([b for _, b in seen])
    pick = rng.choice(len(A), size=min(keep, len(A)), replace=False)
    verdicts, counts = np.unique(np.asarray(result.columns["verdict"]).astype(str),
                                 return_counts=True)
    return {"sample_points": sample, "games": len(A), "games_per_point": len(A) / sample,
            "in_process_seconds": secs, "sample_verdicts": dict(zip(verdicts.tolist(),
                                                                    counts.tolist(), strict=True)),
            "kept": (A[pick], B[pick])}


def nashpy_seconds(A: np.ndarray, B: np.ndarray) -> dict:
    """nashpy's support and vertex enumeration on each game, timed; failures counted."""
    import nashpy

    times, failures = [], 0
    for a, b in zip(A, B, strict=True):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = nashpy.Game(a, b)
            for method in (game.support_enumeration, game.vertex_enumeration):
                try:
                    list(method())
                except Exception:  # nashpy raises on some degenerate games
                    failures += 1
        times.append(time.perf_counter() - t0)
    return {"games": len(times), "seconds_per_game": float(np.mean(times)),
            "seconds": [round(t, 3) for t in times], "method_failures": failures}


def bench_maps(size: int, workers: int, sample: int, nashpy_games: int, seed: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, x, y in MAPS:
            cli = map_command(name, x, y, size, workers, Path(tmp))
            print(f"{name} {size}x{size} map on {workers} workers: {cli['seconds']:.1f} s "
                  f"(load {cli['load_before']} -> {cli['load_after']}); {cli['summary']}", flush=True)
            count = games_per_point(name, x, y, size, sample, seed, nashpy_games)
            A, B = count.pop("kept")
            nash = nashpy_seconds(A, B)
            estimate = size * size * count["games_per_point"] * nash["seconds_per_game"]
            rows.append({"scenario": name, "size": size, "workers": workers, "map": cli,
                         "games": count, "nashpy": nash, "nashpy_loop_estimate_seconds": estimate,
                         "ratio_nashpy_over_map": estimate / cli["seconds"]})
            print(f"  {count['games_per_point']:.1f} games a point ({sample} sampled points); "
                  f"nashpy {nash['seconds_per_game']:.2f} s a game ({nash['games']} games): a nashpy "
                  f"loop would take ~{estimate / 3600:.0f} h, {estimate / cli['seconds']:,.0f}x "
                  f"the map", flush=True)
    return rows


def interleaved(solvers: dict, rounds: int) -> tuple[dict, dict]:
    """Each solver (name -> ``fn() -> (seconds per game, result)``) timed once a round, the
    solvers one after the other within a round: the machine's speed drifts (by up to 1.8x
    within minutes on a shared host), and interleaving exposes every solver to the same
    drift.  Returns every round's time per solver and each one's first result."""
    times: dict = {name: [] for name in solvers}
    results: dict = {}
    for _ in range(rounds):
        for name, fn in solvers.items():
            per, result = fn()
            times[name].append(per)
            results.setdefault(name, result)
    return times, results


def ratio_row(times: dict, ours: str, theirs: str) -> dict:
    """The fastest round of each solver (the least disturbed; Python's ``timeit`` advice) and
    their ratio, with every round's ratio beside it."""
    return {f"{theirs}_over_{ours}": min(times[theirs]) / min(times[ours]),
            f"{theirs}_over_{ours}_by_round": [t / b for t, b in zip(times[theirs], times[ours],
                                                                    strict=True)]}


def baseline_row(times: dict, eq, old) -> dict:
    """The engine at the baseline revision on the same games: its time and whether its result
    is today's."""
    if "baseline" not in times:
        return {}
    return {"baseline": {"s_per_game": min(times["baseline"]), "rounds": times["baseline"],
                         "baseline_over_batched": min(times["baseline"]) / min(times["batched"]),
                         "same_result": same_result(eq, old)}}


def _engine_solvers(A, B, baseline, theirs: tuple[str, object, int] | None) -> dict:
    solvers = {"batched": lambda: time_batched(A, B, 1)}
    if theirs is not None:
        name, solve, n = theirs
        solvers[name] = lambda: time_per_game(solve, A[:n], B[:n])
    if baseline is not None:
        solvers["baseline"] = lambda: time_batched(A, B, 1, baseline[1])
    return solvers


def gambit_degenerate(n: int, batched_n: int, seed: int, baseline=None,
                      rounds: int = ROUNDS) -> dict | None:
    """The batched engine against Gambit's ``enummixed`` on degenerate 8 x 8 games."""
    try:
        import pygambit as gbt
    except ImportError:
        return None
    rng = np.random.default_rng([seed, 88])
    A = rng.integers(0, 4, (batched_n, 8, 8)).astype(float)
    B = rng.integers(0, 4, (batched_n, 8, 8)).astype(float)
    before = load()

    def solve(a, b):
        g = gbt.Game.from_arrays(a, b)
        players = list(g.players)
        out = gbt.nash.enummixed_solve(g, rational=False).equilibria
        return [(np.array([float(e[s]) for s in players[0].strategies]),
                 np.array([float(e[s]) for s in players[1].strategies])) for e in out]

    times, results = interleaved(_engine_solvers(A, B, baseline, ("gambit", solve, n)), rounds)
    eq, sols = results["batched"], results["gambit"]
    diff = [compare(A[g], B[g], eq.of_game(g), s) for g, s in enumerate(sols)]
    return {"games": n, "batched_games": batched_n, "degenerate_share": float(eq.degenerate.mean()),
            "rounds": rounds, "batched_s_per_game": min(times["batched"]),
            "gambit_s_per_game": min(times["gambit"]), "batched_rounds": times["batched"],
            "gambit_rounds": times["gambit"], **ratio_row(times, "batched", "gambit"),
            "games_disagreeing": sum(a + b > 0 for a, b in diff),
            "extreme_equilibria_only_batched": sum(a for a, _ in diff),
            "extreme_equilibria_only_gambit": sum(b for _, b in diff),
            "pygambit": gbt.__version__, "load_before": before, "load_after": load(),
            **_with_revision(baseline_row(times, eq, results.get("baseline")), baseline)}


def _with_revision(row: dict, baseline) -> dict:
    if row:
        row["baseline"]["revision"] = baseline[0]
    return row


def bench_engine(seed: int, baseline_rev: str | None = None, rounds: int = ROUNDS) -> dict:
    out: dict = {"rounds": rounds}
    qe = quantecon_solver()
    out["quantecon"] = None if qe is None else {"version": qe[2], "compile_seconds": qe[1]}
    baseline = None if baseline_rev is None else (baseline_rev, engine_at(baseline_rev))
    for size, n_batch, n_qe in ((6, 10_000, 2000), (8, 5000, 500)):
        A, B = games(size, n_batch, seed)
        before = load()
        theirs = None if qe is None else ("quantecon", qe[0], n_qe)
        times, results = interleaved(_engine_solvers(A, B, baseline, theirs), rounds)
        eq = results["batched"]
        row = {"batched_games": n_batch, "batched_s_per_game": min(times["batched"]),
               "batched_rounds": times["batched"], "load_before": before}
        if qe is not None:
            diff = [compare(A[g], B[g], eq.of_game(g), s)
                    for g, s in enumerate(results["quantecon"])]
            row.update({"quantecon_games": n_qe, "quantecon_s_per_game": min(times["quantecon"]),
                        "quantecon_rounds": times["quantecon"],
                        **ratio_row(times, "batched", "quantecon"),
                        "games_disagreeing": sum(a + b > 0 for a, b in diff)})
        row.update(_with_revision(baseline_row(times, eq, results.get("baseline")), baseline))
        row["load_after"] = load()
        out[f"{size}x{size}"] = row
        spread = ("" if qe is None else " (rounds: " + ", ".join(
            f"{r:.1f}x" for r in row["quantecon_over_batched_by_round"]) + ")")
        print(f"{size}x{size}: batched {row['batched_s_per_game'] * 1e6:.0f} us/game"
              + (f", QuantEcon {row['quantecon_s_per_game'] * 1e6:.0f} us/game "
                 f"({row['quantecon_over_batched']:.1f}x{spread}), {row['games_disagreeing']} "
                 f"games disagreeing" if qe else ", QuantEcon not importable")
              + _baseline_text(row), flush=True)
    gambit = gambit_degenerate(100, 2000, seed, baseline, rounds)
    out["gambit_degenerate_8x8"] = gambit
    if gambit is None:
        print("pygambit is not importable: no Gambit comparison", flush=True)
    else:
        print(f"degenerate 8x8: batched {gambit['batched_s_per_game'] * 1e3:.1f} ms/game, Gambit "
              f"enummixed {gambit['gambit_s_per_game'] * 1e3:.1f} ms/game "
              f"({gambit['gambit_over_batched']:.1f}x; rounds: "
              + ", ".join(f"{r:.1f}x" for r in gambit["gambit_over_batched_by_round"])
              + f"); {gambit['games_disagreeing']} games disagreeing" + _baseline_text(gambit),
              flush=True)
    return out


def _baseline_text(row: dict) -> str:
    if "baseline" not in row:
        return ""
    b = row["baseline"]
    return (f"; engine at {b['revision']} {b['s_per_game'] * 1e6:.0f} us/game "
            f"({b['baseline_over_batched']:.2f}x today's), "
            f"{'the same' if b['same_result'] else 'a DIFFERENT'} result")


def _run_sampled(argv: list[str]) -> tuple[str, float | None]:
    """Run ``argv`` to completion: its stdout, and the peak of the memory of it and all its
    descendants together (MiB, sampled twice a second; None without psutil).  Each process
    counts its proportional set size (PSS: pages shared with others, such as those a worker
    inherits from the forkserver, split among them), so the sum is what they hold together."""
    try:
        import psutil
    except ImportError:
        psutil = None
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = 0
    while psutil is not None and proc.poll() is None:
        try:
            tree = psutil.Process(proc.pid)
            members = [tree, *tree.children(recursive=True)]
            total = 0
            for member in members:
                try:
                    info = member.memory_full_info()
                    total += getattr(info, "pss", info.rss)
                except psutil.Error:
                    pass
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.5)
    stdout, stderr = proc.communicate()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, argv, stdout, stderr)
    return stdout, (round(peak / 2**20) if psutil is not None else None)


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo``), else what :mod:`platform` says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def bench_sweep(n: int, workers: int) -> dict:
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        out_file = Path(tmp) / "sweep.parquet"
        command = [sys.executable, "-m", "triangle", "sweep",
                   str(ROOT / "scenarios" / "reverse_kissinger_2025.toml"), "--samples", str(n),
                   "--vary", "schism.cost.target=0:100", "--vary", "wedge.reward=0:50",
                   "--vary", "counter.budget=0:4", "--seed", "3", "-o", str(out_file),
                   "--workers", str(workers)]
        wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
                   "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        before = load()
        secs, (stdout, total) = timed(lambda: _run_sampled([sys.executable, "-c", wrapper, *command]))
        table = pd.read_parquet(out_file, columns=["verdict"])
    peak = int(stdout.split()[-1]) / 1024
    out = {"points": n, "workers": workers, "seconds": secs, "ms_per_point": 1e3 * secs / n,
           "peak_rss_mib_largest_process": peak, "peak_pss_mib_all_processes": total,
           "rows": len(table),
           "missing_verdicts": int(table["verdict"].isna().sum()),
           "extrapolated_seconds_for_1e7": secs * 1e7 / n, "load_before": before,
           "load_after": load(),
           "command": " ".join(["triangle", "sweep", "scenarios/reverse_kissinger_2025.toml",
                                *command[5:-4]]) + f" -o sweep.parquet --workers {workers}"}
    print(f"sweep of {n:,d} points on {workers} workers: {secs:.0f} s ({out['ms_per_point']:.2f} "
          f"ms/point), peak RSS {peak:.0f} MiB (largest process), PSS {total} MiB (all its "
          f"processes together); 10^7 points at this rate: "
          f"{out['extrapolated_seconds_for_1e7'] / 60:.0f} min", flush=True)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path)
    p.add_argument("--parts", default="maps,engine,sweep")
    p.add_argument("--size", type=int, default=200)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--sample-points", type=int, default=200)
    p.add_argument("--nashpy-games", type=int, default=4)
    p.add_argument("--sweep-points", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--engine-rounds", type=int, default=ROUNDS,
                   help="rounds of the engine's comparisons (each solver once a round)")
    p.add_argument("--engine-baseline", metavar="REV",
                   help="also time the engine as of this git revision on the same games")
    args = p.parse_args()
    parts = set(args.parts.split(","))
    result: dict = {"benchmark": "targets", "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"platform": platform.platform(), "cpu": cpu_model(),
                                "cpus": os.cpu_count(),
                                "python": platform.python_version(), "numpy": np.__version__,
                                "triangle": __version__}}
    if args.out and args.out.exists():
        result = {**json.loads(args.out.read_text()), **result}
    if "maps" in parts:
        result["maps"] = bench_maps(args.size, args.workers, args.sample_points, args.nashpy_games,
                                    args.seed)
    if "engine" in parts:
        result["engine"] = bench_engine(args.seed, args.engine_baseline, args.engine_rounds)
    if "sweep" in parts:
        result["sweep"] = bench_sweep(args.sweep_points, args.workers)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, default=float) + "\n")


if __name__ == "__main__":
    main()

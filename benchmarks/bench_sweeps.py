"""Benchmark: equilibrium maps and sweeps (:mod:`triangle.sweep`), in process and on Dask.

Measures, and writes to one JSON file with the machine's description:

* ``map``: a ``N x N`` full-game equilibrium map of ``--scenario`` (default: the flagship
  ``scenarios/reverse_kissinger_2025.toml``; ``N = --map-size``, 200), on ``--map-workers``
  local processes, with its figure written next to the JSON;
* ``closed_form``: cost per point of the closed-form kind from 10^3 to 10^6 points (in memory),
  and streamed to Parquet and CSV; and a 10^7-point Parquet sweep in a child process with its
  peak resident memory;
* ``game``: cost per point of the full game from 10^3 to 10^4 points on ``--game-scenario``
  (default: the template, six strategies), the cost per point by size of the strategy library,
  and the peak memory of a streamed game sweep of 1 and of 4 chunks (bounded by the chunk);
* ``dask``: the same game sweep on a ``LocalCluster`` of 1 and of 2 workers (speed-up);
* ``million`` (only when asked for with ``--parts``): a 10^6-point sampled game sweep of
  ``--scenario`` as a ``triangle sweep`` command on ``--map-workers`` processes;
* ``backends``: every shipped scenario at 300 random points, all equilibria against the
  admissible ones (the default): cost per point and the points whose outcomes differ.

Run::

    .venv/bin/python benchmarks/bench_sweeps.py --out benchmarks/results/sweeps.json

``--quick`` shrinks every size for a smoke test (a minute or so); ``--parts dask,map`` runs only
those parts; the results of parts not run stay as they are in ``--out``.  Timings are wall-clock on
whatever else the machine is doing: run it on a quiet machine.
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
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triangle import __version__  # noqa: E402
from triangle.analysis.sweep import equilibrium_map, sweep, sweep_to_file  # noqa: E402
from triangle.scenario.files import load_scenario  # noqa: E402

GRID2 = ("schism.cost.target", "wedge.reward")


def machine() -> dict:
    import dask
    import pandas
    import scipy

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                   if x.startswith("MemTotal")) / 2**20
    except (OSError, StopIteration):
        mem = None
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "platform": platform.platform(),
            "python": sys.version.split()[0], "cpu": cpu, "cpus": os.cpu_count(),
            "memory_gib": round(mem, 1) if mem else None, "triangle": __version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pandas.__version__,
            "dask": dask.__version__}


def square(n: int, lo_x=0.0, hi_x=40.0, lo_y=0.0, hi_y=20.0) -> dict[str, np.ndarray]:
    """A grid of about ``n`` points over (schism.cost.target, wedge.reward)."""
    a = round(float(np.sqrt(n)))
    b = round(n / a)
    return {GRID2[0]: np.linspace(lo_x, hi_x, a), GRID2[1]: np.linspace(lo_y, hi_y, b)}


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def child_peak(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict, to which its peak RSS is added.

    The peak is the kernel's high-water mark of the child's own memory (``VmHWM``), not
    ``ru_maxrss``: on Linux that one keeps the parent's resident size from before ``exec``.
    """
    tail = ("\nimport json as _j, re as _re\n"
            "_hwm = int(_re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
            "print(_j.dumps({**RESULT, 'peak_rss_mib': _hwm / 1024}))\n")
    out = subprocess.run([sys.executable, "-c", code + tail], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_closed_form(scenario, sizes, stream_sizes, big: int, tmp: Path) -> dict:
    rows = []
    for n in sizes:
        g = square(n)
        sweep(scenario, grid=square(1000), kind="closed_form")  # warm up
        secs, df = timed(lambda g=g: sweep(scenario, grid=g, kind="closed_form", chunk_size=200_000))
        rows.append({"points": len(df), "seconds": secs, "us_per_point": 1e6 * secs / len(df)})
        print(f"closed form, in memory: {len(df):>9,d} points {secs:8.3f} s "
              f"({rows[-1]['us_per_point']:.3f} us/point)", flush=True)
    streams = []
    for n in stream_sizes:
        for suffix in (".parquet", ".csv"):
            g = square(n)
            secs, rep = timed(lambda g=g, s=suffix: sweep_to_file(
                scenario, tmp / f"cf{s}", grid=g, kind="closed_form", chunk_size=200_000))
            streams.append({"points": rep.n_points, "format": suffix[1:], "seconds": secs,
                            "us_per_point": 1e6 * secs / rep.n_points,
                            "bytes": (tmp / f"cf{suffix}").stat().st_size})
            print(f"closed form, streamed to {suffix[1:]:>7}: {rep.n_points:>9,d} points {secs:8.2f} s "
                  f"({streams[-1]['us_per_point']:.2f} us/point)", flush=True)
    code = f"""
import time, numpy as np
from triangle.scenario.files import load_scenario
from triangle.analysis.sweep import sweep_to_file
s = load_scenario({str(scenario.file)!r})
a = int(round(np.sqrt({big})))
t0 = time.perf_counter()
rep = sweep_to_file(s, {str(tmp / 'big.parquet')!r}, grid={{'schism.cost.target': np.linspace(0, 40, a),
    'wedge.reward': np.linspace(0, 20, a)}}, kind='closed_form', chunk_size=200_000)
RESULT = {{'points': rep.n_points, 'format': 'parquet', 'seconds': time.perf_counter() - t0,
          'chunk_size': 200_000}}
"""
    big_run = child_peak(code)
    print(f"closed form, {big_run['points']:,d} points to parquet: {big_run['seconds']:.1f} s, "
          f"peak RSS {big_run['peak_rss_mib']:.0f} MiB", flush=True)
    return {"in_memory": rows, "streamed": streams, "ten_million": big_run}


def bench_game(scenario, sizes, libraries, chunk_points: int, tmp: Path) -> dict:
    rows = []
    sweep(scenario, grid=square(20))  # warm up
    for n in sizes:
        g = square(n)
        secs, df = timed(lambda g=g: sweep(scenario, grid=g))
        rows.append({"points": len(df), "seconds": secs, "ms_per_point": 1e3 * secs / len(df),
                     "strategies": len(scenario["partnership.strategies"])})
        print(f"game, {len(df):>6,d} points: {secs:8.1f} s ({rows[-1]['ms_per_point']:.2f} ms/point)",
              flush=True)
    by_library = []
    for lib in libraries:
        s = scenario.replace({"partnership.strategies": list(lib)})
        g = square(libraries[lib])
        secs, df = timed(lambda s=s, g=g: sweep(s, grid=g))
        by_library.append({"strategies": list(lib), "size": len(lib), "points": len(df),
                           "ms_per_point": 1e3 * secs / len(df)})
        print(f"game, {len(lib)} strategies: {1e3 * secs / len(df):.3f} ms/point", flush=True)
    memory = []
    for chunks in (1, 4):
        code = f"""
import time, numpy as np
from triangle.scenario.files import load_scenario
from triangle.analysis.sweep import sweep_to_file
s = load_scenario({str(scenario.file)!r})
t0 = time.perf_counter()
rep = sweep_to_file(s, {str(tmp / f'game{chunks}.parquet')!r},
    samples={{'schism.cost.target': (0, 40), 'wedge.reward': (0, 20)}}, n={chunks * chunk_points},
    chunk_size={chunk_points})
RESULT = {{'points': rep.n_points, 'chunks': rep.n_chunks, 'seconds': time.perf_counter() - t0}}
"""
        run = child_peak(code)
        memory.append(run)
        print(f"game, streamed {run['points']} points in {run['chunks']} chunks: "
              f"peak RSS {run['peak_rss_mib']:.0f} MiB", flush=True)
    return {"scenario": scenario.name, "scaling": rows, "by_library": by_library,
            "streamed_memory": memory}


def bench_dask(scenario, n: int) -> dict:
    from triangle.analysis.execution import local_cluster

    g = square(n)
    secs_local, ref = timed(lambda: sweep(scenario, grid=g, chunk_size=max(1, n // 16)))
    out = {"points": len(ref), "chunk_size": max(1, n // 16), "local_seconds": secs_local}
    for workers in (1, 2):
        client = local_cluster(workers)
        try:
            sweep(scenario, grid=square(16), executor=client)  # warm the workers
            secs, df = timed(lambda c=client: sweep(scenario, grid=g, chunk_size=max(1, n // 16), executor=c))
        finally:
            cluster = client.cluster
            client.close()
            cluster.close()
        assert df.equals(ref), "Dask result differs from the local one"
        out[f"dask_{workers}_seconds"] = secs
        print(f"dask, {workers} worker(s): {secs:.1f} s for {len(df)} points", flush=True)
    out["speedup_2_vs_1"] = out["dask_1_seconds"] / out["dask_2_seconds"]
    print(f"dask speed-up, 2 vs 1 workers: {out['speedup_2_vs_1']:.2f}", flush=True)
    return out


def bench_million(scenario_file: Path, n: int, workers: int, tmp: Path) -> dict:
    """A ``triangle sweep`` of ``n`` sampled points of the full game to Parquet, run as a
    command: wall time, the peak resident memory of its largest process, and a check that
    the file has ``n`` rows and no missing verdict."""
    import pandas as pd

    out_file = tmp / "million.parquet"
    command = [sys.executable, "-m", "triangle", "sweep", str(scenario_file), "--samples", str(n),
               "--vary", "schism.cost.target=0:40", "--vary", "wedge.reward=0:20",
               "--vary", "counter.budget=0:4", "--seed", "3", "-o", str(out_file),
               "--workers", str(workers)]
    # A small wrapper process runs the command and reports the largest ``ru_maxrss`` among
    # its descendants (the command and its pool workers): on Linux a child's ``ru_maxrss``
    # starts from its parent's size at ``fork``, which for the wrapper is a few MiB.
    wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
               "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    secs, run = timed(lambda: subprocess.run([sys.executable, "-c", wrapper, *command], check=True,
                                             cwd=ROOT, capture_output=True, text=True))
    peak = int(run.stdout.split()[-1]) / 1024
    table = pd.read_parquet(out_file, columns=["verdict"])
    out = {"scenario_file": scenario_file.name, "points": n, "workers": workers, "seconds": secs,
           "ms_per_point": 1e3 * secs / n, "peak_rss_mib_largest_process": peak,
           "rows": len(table), "missing_verdicts": int(table["verdict"].isna().sum()),
           "command": " ".join(["triangle", *command[3:-4]]) + f" -o million.parquet --workers {workers}"}
    print(f"game, {n:,d} sampled points of {scenario_file.name} on {workers} workers: {secs:.0f} s "
          f"({out['ms_per_point']:.2f} ms/point of wall time), peak RSS {peak:.0f} MiB", flush=True)
    return out


OUTCOMES = ("verdict", "robust", "schism", "configuration", "role_target", "p_schism", "margin",
            "counter_offer", "pv_divider", "pv_target", "pv_partner")


def bench_backends(files: list[Path], n: int, seed: int = 11) -> list[dict]:
    """Per scenario, ``n`` seeded random points over (schism.cost.target, wedge.reward) solved
    with all equilibria (``batched``) and with the admissible ones (the default): time per
    point of each, and the points where any outcome column differs."""
    from triangle.analysis.sweep import evaluate_table

    rows = []
    for file in files:
        scenario = load_scenario(file)
        rng = np.random.default_rng(seed)
        points = {GRID2[0]: rng.uniform(0, 40, n), GRID2[1]: rng.uniform(0, 20, n)}
        evaluate_table(scenario, {k: v[:5] for k, v in points.items()})  # warm up
        t_all, full = timed(lambda s=scenario, p=points: evaluate_table(s, p, backend="batched"))
        t_adm, fast = timed(lambda s=scenario, p=points: evaluate_table(s, p, backend="admissible"))
        differ = np.zeros(n, dtype=bool)
        for col in OUTCOMES:
            a, b = full[col].to_numpy(), fast[col].to_numpy()
            if a.dtype.kind == "f":
                differ |= ~(np.isclose(a, b, rtol=1e-9, atol=1e-12) | (a == b))
            else:
                differ |= a.astype(str) != b.astype(str)
        rows.append({"scenario": scenario.name, "file": file.name, "points": n,
                     "strategies": len(scenario["partnership.strategies"]),
                     "batched_ms_per_point": 1e3 * t_all / n, "admissible_ms_per_point": 1e3 * t_adm / n,
                     "speedup": t_all / t_adm, "points_differing": int(differ.sum()),
                     "verdicts_differing": int((full["verdict"].astype(str)
                                                != fast["verdict"].astype(str)).sum())})
        print(f"{file.name}: all equilibria {rows[-1]['batched_ms_per_point']:.2f} ms/point, "
              f"admissible {rows[-1]['admissible_ms_per_point']:.2f} ms/point "
              f"({rows[-1]['speedup']:.1f}x); {rows[-1]['points_differing']} of {n} points differ "
              f"in some outcome, {rows[-1]['verdicts_differing']} in the verdict", flush=True)
    return rows


def bench_map(scenario, size: int, workers: int, figure: Path) -> dict:
    """The map through the API (evaluation, then the figure) and through the command line,
    a fresh ``triangle map`` process timed from start to exit (imports, pool, plot, files)."""
    from triangle.presentation.plot import save_figure

    xs, ys = np.linspace(0, 40, size), np.linspace(0, 20, size)
    executor = workers if workers > 1 else None
    secs, m = timed(lambda: equilibrium_map(scenario, (GRID2[0], xs), (GRID2[1], ys), executor=executor,
                                            progress=None))
    plot_secs, _ = timed(lambda: save_figure(m.plot(), figure, m.record))
    verdicts, counts = np.unique(m.verdict.astype(str), return_counts=True)
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "triangle", "map", str(scenario.file),
                   "--x", f"{GRID2[0]}=0:40:{size}", "--y", f"{GRID2[1]}=0:20:{size}",
                   "-o", str(Path(tmp) / "map.png"), "--data", str(Path(tmp) / "map.csv"),
                   *(["--workers", str(workers)] if workers > 1 else [])]
        cli_secs, _ = timed(lambda: subprocess.run(command, check=True, cwd=ROOT,
                                                   capture_output=True))
    out = {"scenario": scenario.name, "file": str(scenario.file), "size": [size, size],
           "points": size * size, "workers": workers, "seconds": secs,
           "ms_per_point": 1e3 * secs / (size * size), "plot_seconds": plot_secs,
           "command": " ".join(["triangle", *command[3:]]), "command_seconds": cli_secs,
           "figure": os.path.relpath(figure, ROOT),
           "verdicts": dict(zip(verdicts.tolist(), counts.tolist(), strict=True)),
           "strategies": len(scenario["partnership.strategies"])}
    print(f"map {size}x{size} of {scenario.name}: {secs:.1f} s on {workers} process(es) "
          f"({out['ms_per_point']:.2f} ms/point), figure {plot_secs:.1f} s; "
          f"the whole command {cli_secs:.1f} s", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    flagship = ROOT / "scenarios" / "reverse_kissinger_2025.toml"
    ap.add_argument("--out", default="benchmarks/results/sweeps.json")
    ap.add_argument("--scenario", default=str(flagship if flagship.exists() else
                                              ROOT / "scenarios" / "template.toml"),
                    help="scenario of the map (default: the flagship)")
    ap.add_argument("--game-scenario", default=str(ROOT / "scenarios" / "template.toml"),
                    help="scenario of the game-kind scaling and the Dask runs")
    ap.add_argument("--map-size", type=int, default=200)
    ap.add_argument("--map-workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--parts", default="closed_form,game,dask,backends,map",
                    help="comma-separated parts to run; results of other parts already in --out are kept")
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = ap.parse_args()

    quick, parts = args.quick, set(args.parts.split(","))
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    result = json.loads(out_path.read_text()) if out_path.exists() else {}  # parts not run stay
    result.update({"machine": machine(), "quick": quick})
    game_scenario = load_scenario(args.game_scenario)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "closed_form" in parts:
            result["closed_form"] = bench_closed_form(
                game_scenario, [10**3, 10**4, 10**5, 10**6] if not quick else [10**3, 10**4],
                [10**6] if not quick else [10**4], 10**7 if not quick else 10**5, tmp)
        libraries = {("Loyal", "Realign"): 10_000, ("Loyal", "Hedger", "Realign"): 4000,
                     ("Loyal", "Hedger", "TitForTat", "Grim", "Realign"): 1000,
                     ("Loyal", "Hedger", "TitForTat", "Grim", "Consult(2)", "Realign"): 1000,
                     ("Loyal", "Hedger", "TitForTat", "GenerousTFT(0.3)", "Pavlov", "Grim", "Consult(3)",
                      "Realign"): 400}
        if quick:
            libraries = {k: min(v, 100) for k, v in list(libraries.items())[:3]}
        if "game" in parts:
            result["game"] = bench_game(game_scenario, [10**3, 10**4] if not quick else [100],
                                        libraries, 2000 if not quick else 100, tmp)
        if "dask" in parts:
            result["dask"] = bench_dask(game_scenario, 2000 if not quick else 200)
        if "million" in parts:
            result["million"] = bench_million(Path(args.scenario), 10**6 if not quick else 2000,
                                              args.map_workers, tmp)
        if "backends" in parts:
            files = sorted((ROOT / "scenarios").glob("*.toml"))
            result["backends"] = bench_backends(files, 300 if not quick else 20)
    out_path.write_text(json.dumps(result, indent=2) + "\n")  # save what we have before the map
    if "map" in parts:
        figure = out_path.with_name(f"{Path(args.scenario).stem}_map_{args.map_size}.png")
        result["map"] = bench_map(load_scenario(args.scenario), args.map_size, args.map_workers, figure)
        out_path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main()

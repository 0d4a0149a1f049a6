"""Benchmark: ``triangle run`` of every shipped scenario, timed from process start.

Each run is a fresh process (``python -m triangle run NAME``), so the time includes the
interpreter's start, every import and the solve: what a user waits for.  Each scenario is
run ``--repeat`` times (default 5) with the default backend and ``--repeat-nashpy`` times
(default 3) with ``--solver nashpy``; the median, the least and the largest wall time are
written, with the median CPU time (user + system) and the machine's load average before
and after (and the 1-minute load before each row), so that a slow figure taken on a busy
machine can be read as such.  ``--backends nashpy`` times the nashpy runs alone.  Targets:
at most 1 s with the default backend and 5 s with nashpy.

Run::

    .venv/bin/python benchmarks/bench_run.py --out benchmarks/results/run.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from triangle.common.version import __version__
from triangle.scenario.files import list_library

ROOT = Path(__file__).resolve().parents[1]

TARGETS = {"default": 1.0, "nashpy": 5.0}


def timed_run(stem: str, extra: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one ``triangle run`` in a new process
    (stdout discarded).  On a shared machine the CPU time is the steadier figure."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "triangle", "run", stem, *extra], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(stem: str, extra: list[str], repeat: int) -> dict[str, float]:
    walls, cpus = zip(*(timed_run(stem, extra) for _ in range(repeat)), strict=True)
    return {"median_s": round(statistics.median(walls), 3), "min_s": round(min(walls), 3),
            "max_s": round(max(walls), 3), "median_cpu_s": round(statistics.median(cpus), 3),
            "repeat": repeat}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--repeat-nashpy", type=int, default=3)
    parser.add_argument("--backends", nargs="+", choices=tuple(TARGETS), default=list(TARGETS),
                        help="which runs to time (default: both)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "run.json"))
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows = []
    runs = (("default", [], args.repeat), ("nashpy", ["--solver", "nashpy"], args.repeat_nashpy))
    for stem, _ in list_library():
        for backend, extra, repeat in runs:
            if backend not in args.backends:
                continue
            load = os.getloadavg()[0]  # each row's own: the load moves during a long run
            row = {"scenario": stem, "backend": backend, **measure(stem, extra, repeat),
                   "target_s": TARGETS[backend], "load_average_1min_before": round(load, 2)}
            row["within_target"] = row["median_s"] <= row["target_s"]
            rows.append(row)
            print(f"{stem:24s} {backend:8s} median {row['median_s']:.2f} s "
                  f"(min {row['min_s']:.2f}, max {row['max_s']:.2f}; CPU {row['median_cpu_s']:.2f} s;"
                  f" target {row['target_s']:g} s; load {load:.2f})")
    result = {"benchmark": "triangle run from process start", "version": __version__,
              "python": platform.python_version(), "machine": platform.machine(),
              "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
              "load_average_after": [round(x, 2) for x in os.getloadavg()], "runs": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

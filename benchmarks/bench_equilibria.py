"""Benchmark: all Nash equilibria of random bimatrix games, batched numpy engine vs nashpy
(and QuantEcon's numba support enumeration when ``quantecon`` is importable).

Every solver gets the same seeded games (payoffs uniform in [-10, 10], so non-degenerate with
probability one); nashpy and QuantEcon run on the first few of the games the batched engine
solves.  The script also checks that the solvers agree on those games and writes a JSON file.

Run::

    .venv/bin/python benchmarks/bench_equilibria.py --out benchmarks/results/equilibria.json

With ``--gambit-exact N`` (and ``pygambit``), N seeded games of 2 to 6 strategies a side
(``--gambit-sizes``), half of them degenerate, are also solved by Gambit's exact rational
``enummixed`` and their extreme equilibria compared with the engine's.

Counts per size are ``SIZE=COUNT`` pairs, e.g. ``--nashpy-games 6=20 8=3``.  nashpy takes about
0.5 s per 6x6 game and 10 s per 8x8 game, so keep its counts small.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import nashpy
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from triangle.solvers.batched import batched_equilibria


def counts(items: list[str]) -> dict[int, int]:
    """Parse ``SIZE=COUNT`` pairs."""
    return {int(k): int(v) for k, v in (item.split("=") for item in items)}


def games(size: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, size])
    A, B = rng.uniform(-10.0, 10.0, (2, n, size, size))
    return A, B


def is_equilibrium(A, B, x, y, tol=1e-7) -> bool:
    return bool(x @ A @ y >= (A @ y).max() - tol and x @ B @ y >= (x @ B).max() - tol)


def compare(A, B, mine, theirs) -> tuple[int, int]:
    """(equilibria only the batched engine found, equilibria only the other solver found)."""
    def has(pairs, p):
        return any(np.allclose(p[0], q[0], atol=1e-6) and np.allclose(p[1], q[1], atol=1e-6)
                   for q in pairs)
    theirs = [(np.asarray(x, float), np.asarray(y, float)) for x, y in theirs]
    only_mine = [p for p in mine if not has(theirs, p)]
    only_theirs = [p for p in theirs if not has(mine, p)]
    assert all(is_equilibrium(A, B, x, y) for x, y in only_mine), "batched returned a non-NE"
    return len(only_mine), len(only_theirs)


def time_batched(A, B, repeat: int, solve=batched_equilibria) -> tuple[float, object]:
    """Fastest of ``repeat`` runs of the engine (or ``solve``) on all games, per game."""
    best, eq = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        eq = solve(A, B)
        best = min(best, time.perf_counter() - t0)
    return best / len(A), eq


def engine_at(rev: str):
    """``batched_equilibria`` as of git revision ``rev``, to time an earlier engine beside
    today's in one run: the package at ``rev`` is extracted to a temporary folder and
    imported with its own kernels, its modules swapped into ``sys.modules`` for the import
    and out again after it."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "archive", rev, "triangle"], cwd=root, check=True,
                             capture_output=True).stdout
    folder = tempfile.mkdtemp(prefix=f"triangle-{rev}-")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")  # our own files, at rev

    def ours(name: str) -> bool:
        return name == "triangle" or name.startswith("triangle.")

    today = {name: module for name, module in sys.modules.items() if ours(name)}
    for name in today:
        del sys.modules[name]
    sys.path.insert(0, folder)
    try:
        return importlib.import_module("triangle.solvers.batched").batched_equilibria
    finally:
        sys.path.remove(folder)
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        sys.modules.update(today)


def same_result(a, b) -> bool:
    """Two engine results with the same equilibria in the same slots and the same flags."""
    return (a.x.shape == b.x.shape and a.y.shape == b.y.shape
            and bool(np.array_equal(a.valid, b.valid) and np.array_equal(a.degenerate, b.degenerate)
                     and np.allclose(a.x, b.x, atol=1e-12) and np.allclose(a.y, b.y, atol=1e-12)))


def time_per_game(solve, A, B) -> tuple[float, list]:
    """Mean seconds per game and the solutions."""
    out, t0 = [], time.perf_counter()
    for a, b in zip(A, B, strict=True):
        out.append(solve(a, b))
    return (time.perf_counter() - t0) / max(1, len(A)), out


def nashpy_solve(a, b) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(nashpy.Game(a, b).support_enumeration())


def quantecon_solver():
    """``(solve, compile_seconds, version)`` or ``None`` when quantecon is not importable."""
    try:
        import quantecon
        from quantecon.game_theory import NormalFormGame, Player, support_enumeration
    except ImportError:
        return None

    def solve(a, b):
        return support_enumeration(NormalFormGame((Player(a), Player(b.T))))

    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    solve(*rng.uniform(size=(2, 3, 3)))  # the first call compiles the numba kernels
    return solve, time.perf_counter() - t0, quantecon.__version__


def gambit_exact(n: int, seed: int, sizes: tuple[int, int] = (2, 6)) -> dict | None:
    """The engine against Gambit's exact rational ``enummixed`` on ``n`` seeded games of
    random sizes in ``sizes``: half with integer payoffs in [-1000, 1000] (non-degenerate
    almost surely), half in 0..3 (mostly degenerate).  Counts the extreme equilibria the
    engine missed and those it found that Gambit does not list (to 1e-6)."""
    try:
        import pygambit as gbt
    except ImportError:
        return None
    from fractions import Fraction

    rng = np.random.default_rng([seed, 1951])
    out = {"games": n, "sizes": list(sizes), "degenerate_games": 0, "extreme_equilibria": 0,
           "games_disagreeing": 0, "missed": 0, "spurious": 0, "pygambit": gbt.__version__}
    t0 = time.perf_counter()
    for i in range(n):
        m, k = rng.integers(sizes[0], sizes[1] + 1, 2)
        lo, hi = (0, 4) if i % 2 else (-1000, 1001)
        A, B = rng.integers(lo, hi, (2, m, k))
        game = gbt.Game.from_arrays(*([[Fraction(int(v)) for v in row] for row in P] for P in (A, B)))
        players = list(game.players)
        exact = [(np.array([float(e[s]) for s in players[0].strategies]),
                  np.array([float(e[s]) for s in players[1].strategies]))
                 for e in gbt.nash.enummixed_solve(game, rational=True).equilibria]
        eq = batched_equilibria(A.astype(float), B.astype(float))
        only_mine, only_gambit = compare(A, B, eq.of_game(0), exact)
        out["degenerate_games"] += int(eq.degenerate[0])
        out["extreme_equilibria"] += len(exact)
        out["missed"] += only_gambit
        out["spurious"] += only_mine
        out["games_disagreeing"] += int(only_mine + only_gambit > 0)
    out["seconds"] = time.perf_counter() - t0
    return out


def run(args) -> dict:
    qe = quantecon_solver()
    if qe is None:
        print("quantecon is not importable: QuantEcon timings skipped "
              "(pip install quantecon numba)")
    result = {
        "machine": {
            "platform": platform.platform(), "processor": platform.processor(),
            "python": platform.python_version(), "cpu_count": os.cpu_count(),
            "load_average_at_start": os.getloadavg(), "numpy": np.__version__,
            "nashpy": nashpy.__version__, "quantecon": qe[2] if qe else None,
        },
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed, "games": "payoffs uniform in [-10, 10], square, non-degenerate a.s.",
        "quantecon_compile_seconds": qe[1] if qe else None,
        "sizes": {},
    }
    for size in args.sizes:
        n_batch = args.batched_games.get(size, 10_000)
        n_nash = min(args.nashpy_games.get(size, 0), n_batch)
        n_qe = min(args.quantecon_games.get(size, 0), n_batch)
        A, B = games(size, n_batch, args.seed)
        per_batched, eq = time_batched(A, B, args.repeat)
        row = {"batched_games": n_batch, "batched_s_per_game": per_batched,
               "batched_degenerate": int(eq.degenerate.sum()),
               "equilibria_per_game_mean": float(eq.count().mean())}
        print(f"{size}x{size}: batched {per_batched * 1e6:9.1f} us/game ({n_batch} games)")
        for name, solve, n in (("nashpy", nashpy_solve, n_nash),
                               ("quantecon", qe[0] if qe else None, n_qe)):
            if solve is None or n == 0:
                continue
            per, sols = time_per_game(solve, A[:n], B[:n])
            diff = [compare(A[g], B[g], eq.of_game(g), s) for g, s in enumerate(sols)]
            row[name] = {
                "games": n, "s_per_game": per, "time_over_batched": per / per_batched,
                "games_disagreeing": sum(a + b > 0 for a, b in diff),
                "equilibria_found_only_by_batched": sum(a for a, _ in diff),
                "equilibria_found_only_by_" + name: sum(b for _, b in diff),
            }
            print(f"{size}x{size}: {name:9s} {per * 1e6:9.1f} us/game ({n} games), "
                  f"{per / per_batched:7.1f}x the batched time; games disagreeing "
                  f"{row[name]['games_disagreeing']}, equilibria found only by batched "
                  f"{row[name]['equilibria_found_only_by_batched']}, only by {name} "
                  f"{row[name]['equilibria_found_only_by_' + name]}")
        result["sizes"][f"{size}x{size}"] = row
    if qe:
        print(f"quantecon numba compile time {qe[1]:.1f} s (excluded from its per-game times)")
    if args.gambit_exact:
        check = gambit_exact(args.gambit_exact, args.seed, tuple(args.gambit_sizes))
        result["gambit_exact"] = check
        print("pygambit is not importable: no exact check" if check is None else
              f"exact check against Gambit's rational enummixed: {check['games']} games "
              f"{check['sizes'][0]}..{check['sizes'][1]} a side, {check['degenerate_games']} "
              f"degenerate, {check['extreme_equilibria']} extreme equilibria; "
              f"{check['games_disagreeing']} games disagreeing ({check['missed']} missed, "
              f"{check['spurious']} spurious)")
    result["load_average_at_end"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, help="JSON file for the results")
    p.add_argument("--sizes", type=int, nargs="+", default=[6, 8])
    p.add_argument("--batched-games", nargs="*", default=["6=10000", "8=10000"])
    p.add_argument("--nashpy-games", nargs="*", default=["6=20", "8=3"])
    p.add_argument("--quantecon-games", nargs="*", default=["6=2000", "8=500"])
    p.add_argument("--repeat", type=int, default=3, help="batched runs; the fastest counts")
    p.add_argument("--seed", type=int, default=20250101)
    p.add_argument("--gambit-exact", type=int, default=0, metavar="N",
                   help="also check N seeded games against Gambit's exact enummixed")
    p.add_argument("--gambit-sizes", type=int, nargs=2, default=[2, 6], metavar=("MIN", "MAX"))
    args = p.parse_args(argv)
    for name in ("batched_games", "nashpy_games", "quantecon_games"):
        setattr(args, name, counts(getattr(args, name)))
    result = run(args)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

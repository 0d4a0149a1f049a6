"""The ``map`` and ``sweep`` commands: files, provenance, one-line errors, executors, resume."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triangle.analysis.storage import read_metadata
from triangle.presentation.cli import main

TEMPLATE = str(Path(__file__).resolve().parent.parent / "scenarios" / "template.toml")
LIB3 = 'partnership.strategies=["Loyal","Hedger","Realign"]'


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_map_writes_figure_and_table_and_own_point_matches_run(capsys, tmp_path):
    png, csv = tmp_path / "map.png", tmp_path / "map.csv"
    code, out, err = run(capsys, "map", TEMPLATE, "--set", LIB3, "--x", "schism.cost.target=0:40:5",
                         "--y", "wedge.reward=0:10:3", "-o", png, "--data", csv)
    assert code == 0, err
    assert f"wrote {csv} (15 points)" in out and f"wrote {png}" in out and "verdicts:" in out
    df = pd.read_csv(csv)
    assert list(df.columns) == ["schism.cost.target", "wedge.reward", "verdict", "robust", "margin",
                                "configuration"]
    assert len(df) == 15
    assert sorted(zip(df["schism.cost.target"], df["wedge.reward"], strict=True)) == [
        (x, y) for x in (0.0, 10.0, 20.0, 30.0, 40.0) for y in (0.0, 5.0, 10.0)]
    code, out, _ = run(capsys, "run", TEMPLATE, "--set", LIB3, "--json")
    assert code == 0
    verdict = json.loads(out)["verdict"]
    own = df[(df["schism.cost.target"] == 20.0) & (df["wedge.reward"] == 5.0)]
    assert own["verdict"].tolist() == [verdict]
    meta = json.loads(Path(f"{csv}.meta.json").read_text())
    assert meta["scenario"] == "My triangle" and len(meta["param_hash"]) == 16
    assert {"version", "seed"} <= set(meta)
    from PIL import Image

    assert Image.open(png).text["param_hash"] == meta["param_hash"]


def test_map_closed_form_parquet_and_svg(capsys, tmp_path):
    svg, pq = tmp_path / "m.svg", tmp_path / "m.parquet"
    code, _, err = run(capsys, "map", TEMPLATE, "--kind", "closed_form", "--x", "schism.cost.target=0:40:21",
                       "--y", "wedge.reward=0:20:11", "-o", svg, "--data", pq, "--no-contours")
    assert code == 0, err
    df = pd.read_parquet(pq)
    assert len(df) == 231 and set(df["verdict"]) <= {"success", "pyrrhic", "backfire", "pocketed", "failed",
                                                     "no_attempt"}
    assert read_metadata(pq)["kind"] == "closed_form"
    assert b"<svg" in svg.read_bytes()


BAD_MAP = [
    ["--x", "schism.cost.targt=0:40:5"],          # unknown path: suggestion
    ["--x", "schism.cost.target=40:0:5"],         # LO > HI
    ["--x", "schism.cost.target=0:40:0"],         # N < 1
    ["--x", "schism.cost.target=a:40:5"],         # not a number
    ["--x", "schism.cost.target=0:40:2.5"],       # N not an integer
    ["--x", "schism.cost.target=0:nan:5"],        # not finite
    ["--x", "schism.cost.target=0:40"],           # missing N
    ["--x", "schism.cost.target=-5:40:5"],        # out of the parameter's range
    ["--x", "time.patience.target=0.5:1:6"],      # open range: 1 excluded
    ["--x", "partnership.strategies=0:1:2"],      # a setting, not a number
    ["--x", "wedge.reward=0:20:3"],               # same path as --y
    ["--x", "schism.cost.target=0:40:5", "-o", "map.jpg"],
    ["--x", "schism.cost.target=0:40:5", "--data", "map.txt"],
    ["--x", "schism.cost.target=0:40:5", "--workers", "0"],
    ["--x", "schism.cost.target=0:40:5", "--set", "wedge.rewrd=3"],
]


@pytest.mark.parametrize("extra", BAD_MAP)
def test_bad_map_specs_one_line_exit_2_no_file(capsys, tmp_path, monkeypatch, extra):
    monkeypatch.chdir(tmp_path)
    argv = ["map", TEMPLATE, "--y", "wedge.reward=0:20:3", *extra]
    if "-o" not in extra and "--data" not in extra:
        argv += ["-o", "map.png", "--data", "map.csv"]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("triangle: ")
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_unknown_path_error_suggests(capsys, tmp_path):
    code, _, err = run(capsys, "map", TEMPLATE, "--x", "schism.cost.targt=0:40:5",
                       "--y", "wedge.reward=0:20:3", "-o", tmp_path / "m.png")
    assert code == 2 and "did you mean schism.cost.target?" in err


BAD_SWEEP = [
    ["--grid", "wedge.reward=0:20"],
    ["--grid", "wedge.reward=0:20:3", "--grid", "wedge.reward=1:2:3"],
    ["--grid", "wedge.reward=0:20:3", "--samples", "5", "--vary", "wedge.upfront=0:1"],
    ["--samples", "5"],
    ["--samples", "0", "--vary", "wedge.reward=0:1"],
    ["--samples", "x", "--vary", "wedge.reward=0:1"],
    ["--samples", "5", "--vary", "wedge.reward=2:1"],
    ["--samples", "5", "--vary", "wedge.durability=0:2"],
    ["--samples", "5", "--vary", "wedge.reward=0:1:3"],
    ["--samples", "5", "--vary", "wedge.reward=0:1", "--seed", "-1"],
    ["--grid", "wedge.reward=0:20:3", "--chunk-size", "0"],
    [],
]


@pytest.mark.parametrize("extra", BAD_SWEEP)
def test_bad_sweep_specs_one_line_exit_2_no_file(capsys, tmp_path, monkeypatch, extra):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "sweep", TEMPLATE, *extra, "-o", "r.csv")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("triangle: ")
    assert list(tmp_path.iterdir()) == []


def test_sweep_output_name_checked(capsys, tmp_path):
    code, _, err = run(capsys, "sweep", TEMPLATE, "--grid", "wedge.reward=0:1:2", "-o", tmp_path / "r.xlsx")
    assert code == 2 and ".csv or .parquet" in err and list(tmp_path.iterdir()) == []
    code, _, err = run(capsys, "sweep", TEMPLATE, "--grid", "wedge.reward=0:1:2")
    assert code == 2 and "-o" in err


def test_sweep_grid_and_samples(capsys, tmp_path):
    csv = tmp_path / "g.csv"
    code, out, err = run(capsys, "sweep", TEMPLATE, "--set", LIB3, "--grid", "schism.cost.target=0:40:3",
                         "--grid", "wedge.reward=0:12:4", "--grid", "counter.budget=0:4:2", "-o", csv,
                         "--chunk-size", "5")
    assert code == 0, err
    assert "24 points in 5 chunks (5 computed, 0 resumed)" in out
    df = pd.read_csv(csv)
    assert len(df) == 3 * 4 * 2 and list(df.columns[:3]) == ["schism.cost.target", "wedge.reward",
                                                             "counter.budget"]
    assert {"verdict", "margin", "pv_target", "configuration", "robust"} <= set(df.columns)
    pq = tmp_path / "s.parquet"
    code, out, err = run(capsys, "sweep", TEMPLATE, "--samples", "64", "--vary", "wedge.reward=0:20",
                         "--vary", "schism.cost.target=0:40", "--design", "sobol", "--seed", "3",
                         "--kind", "closed_form", "-o", pq)
    assert code == 0, err
    df = pd.read_parquet(pq)
    assert len(df) == 64 and df["wedge.reward"].between(0, 20).all()
    meta = read_metadata(pq)
    assert meta["seed"] == 3 and meta["points"] == {
        "design": "sobol", "n": 64, "seed": 3,
        "bounds": {"wedge.reward": [0.0, 20.0], "schism.cost.target": [0.0, 40.0]}}


def test_sweep_process_pool_and_dask_local_give_identical_bytes(capsys, tmp_path):
    args = ["sweep", TEMPLATE, "--set", LIB3, "--grid", "schism.cost.target=0:40:3",
            "--grid", "wedge.reward=0:12:5", "--chunk-size", "4"]
    ref, pool, dask = tmp_path / "ref.csv", tmp_path / "pool.csv", tmp_path / "dask.csv"
    assert run(capsys, *args, "-o", ref)[0] == 0
    assert run(capsys, *args, "-o", pool, "--workers", "2")[0] == 0
    pytest.importorskip("dask.distributed")
    code, _, err = run(capsys, *args, "-o", dask, "--dask", "local", "--workers", "1")
    assert code == 0, err
    assert ref.read_bytes() == pool.read_bytes() == dask.read_bytes()


def test_resume_with_another_spec_is_refused(capsys, tmp_path):
    out = tmp_path / "r.csv"
    parts = tmp_path / "r.csv.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text(json.dumps({"param_hash": "other"}))
    code, _, err = run(capsys, "sweep", TEMPLATE, "--grid", "wedge.reward=0:1:3", "--kind", "closed_form",
                       "-o", out, "--resume")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "cannot resume" in err
    assert not out.exists()


def test_killed_sweep_resumes_to_identical_bytes(tmp_path):
    """A real ``triangle sweep`` process is killed after some chunks are on disk; ``--resume``
    computes only the missing chunks and ends with the same bytes as an uninterrupted run."""
    spec = ["sweep", TEMPLATE, "--kind", "closed_form", "--grid", "schism.cost.target=0:40:250",
            "--grid", "wedge.reward=0:20:240", "--chunk-size", "250"]
    chunks = 240  # many small chunks: the kill lands long before the last one
    ref, out = tmp_path / "ref.csv", tmp_path / "out.csv"
    parts = tmp_path / "out.csv.parts"
    cmd = [sys.executable, "-m", "triangle", *spec, "-o", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(parts.glob("chunk-*.csv.json"))) >= 5:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = len(list(parts.glob("chunk-*.csv.json")))  # recorded chunks; an unrecorded one is redone
    if out.exists() or kept == chunks:  # the machine outran the poll
        pytest.skip("sweep finished before it could be killed")
    assert 5 <= kept < chunks
    done = subprocess.run([sys.executable, "-m", "triangle", *spec, "-o", str(out), "--resume"],
                          capture_output=True, text=True, check=True)
    assert f"({chunks - kept} computed, {kept} resumed)" in done.stdout
    assert main([*spec, "-o", str(ref)]) == 0
    assert out.read_bytes() == ref.read_bytes()
    assert Path(f"{out}.meta.json").read_bytes() == Path(f"{ref}.meta.json").read_bytes()
    assert not parts.exists()
    assert os.stat(out).st_mode & 0o044  # readable like any other output file
    assert np.array_equal(pd.read_csv(out)["wedge.reward"].unique(), np.linspace(0, 20, 240))


def test_map_of_a_scenario_named_in_mathtext_draws_it_literally(capsys, tmp_path):
    """Before, ``$\\undefinedcmd$`` as the name failed when the figure was drawn, after the
    whole computation, and left the table behind."""
    png, csv = tmp_path / "map.png", tmp_path / "map.csv"
    code, _, err = run(capsys, "map", TEMPLATE, "--set", LIB3, "--set", r"scenario.name=$\undefinedcmd$",
                         "--x", "schism.cost.target=0:40:3", "--y", "wedge.reward=0:10:2", "-o", png,
                         "--data", csv)
    assert code == 0, err
    assert png.stat().st_size > 0 and len(pd.read_csv(csv)) == 6


@pytest.mark.parametrize("command", ["sweep", "map"])
def test_output_in_a_directory_or_a_missing_folder_is_one_line_and_leaves_nothing(capsys, tmp_path, command):
    (tmp_path / "d.csv").mkdir()
    spec = (["sweep", TEMPLATE, "--grid", "wedge.reward=0:1:3", "-o"] if command == "sweep" else
            ["map", TEMPLATE, "--x", "wedge.reward=0:1:3", "--y", "schism.cost.target=0:1:2", "--data"])
    for out, found in ((tmp_path / "d.csv", "found a directory"), (tmp_path / "no" / "r.csv", "found none")):
        code, _, err = run(capsys, *spec, out, "--kind", "closed_form")
        assert code == 2 and len(err.strip().splitlines()) == 1 and found in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["d.csv"] and not any((tmp_path / "d.csv").iterdir())


def test_corrupt_manifest_and_discarded_journal_are_said_in_one_line(capsys, tmp_path):
    out = tmp_path / "r.csv"
    spec = ["sweep", TEMPLATE, "--kind", "closed_form", "--grid", "wedge.reward=0:1:3", "-o", out]
    parts = tmp_path / "r.csv.parts"
    parts.mkdir()
    (parts / "manifest.json").write_bytes(b"\x00\xffgarbage")
    code, _, err = run(capsys, *spec, "--resume")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{parts / 'manifest.json'}: expected a sweep manifest" in err and not out.exists()
    (parts / "chunk-000000.csv.json").write_text("{}")
    code, _, err = run(capsys, *spec)
    assert code == 0 and "discarding 1 finished chunk(s)" in err and "--resume" in err
    assert not parts.exists() and len(pd.read_csv(out)) == 3


def test_ctrl_c_keeps_finished_chunks_and_says_how_to_resume(tmp_path):
    spec = ["sweep", TEMPLATE, "--kind", "closed_form", "--grid", "schism.cost.target=0:40:250",
            "--grid", "wedge.reward=0:20:240", "--chunk-size", "250"]
    out = tmp_path / "out.csv"
    proc = subprocess.Popen([sys.executable, "-m", "triangle", *spec, "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parts = tmp_path / "out.csv.parts"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(parts.glob("chunk-*.csv.json"))) >= 2:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    if proc.returncode == 0:
        pytest.skip("sweep finished before Ctrl-C")
    assert proc.returncode == 130 and len(err.strip().splitlines()) == 1, err
    kept = len(list(parts.glob("chunk-*.csv.json")))
    assert f"interrupted; {kept} finished chunk(s) kept in {parts}" in err and "--resume" in err
    assert kept >= 2 and not out.exists()


def test_resume_of_a_finished_sweep_solves_no_point(capsys, tmp_path, monkeypatch):
    """The evaluations themselves are counted: a finished file is left alone, not recomputed."""
    import triangle.analysis.sweep as sw

    solved = []
    real = sw.closed_form_columns

    def counting(scenario, points, **kw):
        solved.append(len(next(iter(points.values()))))
        return real(scenario, points, **kw)

    monkeypatch.setattr(sw, "closed_form_columns", counting)
    out = tmp_path / "r.csv"
    spec = ["sweep", TEMPLATE, "--kind", "closed_form", "--grid", "wedge.reward=0:1:5",
            "--grid", "schism.cost.target=0:10:4", "--chunk-size", "6", "-o", out]
    assert run(capsys, *spec)[0] == 0
    assert sum(solved) == 20
    before = out.read_bytes(), out.stat().st_mtime_ns
    code, stdout, _ = run(capsys, *spec, "--resume")
    assert code == 0 and sum(solved) == 20  # not one point more
    assert "(0 computed, 4 resumed)" in stdout
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_the_resume_hint_is_the_command_lines(capsys, tmp_path):
    """The library says what is wrong with the journal; the command line names the flag."""
    out = tmp_path / "r.csv"
    parts = tmp_path / "r.csv.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text(json.dumps({"param_hash": "other"}))
    code, _, err = run(capsys, "sweep", TEMPLATE, "--grid", "wedge.reward=0:1:3", "--kind",
                       "closed_form", "-o", out, "--resume")
    assert code == 2 and err.count("--resume") == 2 and "run without --resume to start afresh" in err


def test_a_map_with_overrides_records_them(capsys, tmp_path):
    csv = tmp_path / "m.csv"
    code, _, err = run(capsys, "map", TEMPLATE, "--kind", "closed_form", "--set", "counter.budget=1",
                       "--x", "wedge.reward=0:1:2", "--y", "schism.cost.target=0:1:2", "--data", csv)
    assert code == 0, err
    assert read_metadata(csv)["overrides"] == ["counter.budget=1"]


@pytest.mark.parametrize("argv, warmed", [
    (["map", "f.toml", "--workers", "2"], True), (["sweep", "f.toml", "--workers=2"], True),
    (["map", "f.toml"], False), (["map", "f.toml", "--workers", "2", "--dask", "local"], False),
    (["run", "f.toml", "--workers", "2"], False), ([], False)])
def test_a_local_pool_is_warmed_before_anything_else(monkeypatch, argv, warmed):
    """Only a map or a sweep on a local pool starts the workers' forkserver early."""
    from triangle.presentation import cli

    calls = []
    monkeypatch.setattr(cli, "warm_pool", lambda: calls.append(1))
    cli._warm_pool_early(argv)
    assert bool(calls) == warmed


WARMED = """
import multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
from triangle.analysis.execution import warm_pool

def has_sweep():
    return "triangle.analysis.sweep" in sys.modules

if __name__ == "__main__":
    if sys.argv[1] == "warm":
        warm_pool()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        print(pool.submit(has_sweep).result())
"""


def test_warmed_pool_workers_start_with_the_model_imported(tmp_path):
    """After :func:`warm_pool`, a worker forked for a pool already has the sweep module; without
    it, it does not (each in a fresh interpreter: the forkserver is one per process)."""
    script = tmp_path / "warmed.py"
    script.write_text(WARMED)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    for mode, expected in (("warm", "True"), ("cold", "False")):
        out = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True,
                             env=env, timeout=120, check=True)
        assert out.stdout.strip() == expected


@pytest.mark.parametrize(("extra", "chunk"), [
    (["--samples", "1000000", "--vary", "wedge.reward=0:10"], 5000),
    (["--samples", "499999", "--vary", "wedge.reward=0:10"], 2000),
    (["--grid", "wedge.reward=0:10:1000", "--grid", "schism.cost.target=0:40:500"], 5000),
    (["--samples", "1000000", "--vary", "wedge.reward=0:10", "--chunk-size", "3000"], 3000),
    (["--samples", "1000000", "--vary", "wedge.reward=0:10", "--kind", "closed_form"], 200_000),
])
def test_large_game_sweeps_take_larger_chunks_by_default(capsys, tmp_path, monkeypatch, extra, chunk):
    import triangle.analysis.sweep as sweep_module

    seen = {}

    def record(*args, chunk_size, **kw):
        seen["chunk"] = chunk_size
        raise KeyboardInterrupt  # stop before any point is solved

    monkeypatch.setattr(sweep_module, "sweep_to_file", record)
    code, _, _ = run(capsys, "sweep", TEMPLATE, *extra, "-o", tmp_path / "s.parquet")
    assert code == 130 and seen["chunk"] == chunk


@pytest.mark.parametrize("points, workers, given, kind, expected", [
    (40_000, 2, None, "game", 5000),  # the flagship's 200 x 200 map: eight chunks
    (30_000, 2, None, "game", 3750),  # four chunks a worker
    (10_000, 2, None, "game", 2000),  # never below the game's default chunk
    (10_000, None, None, "game", 2500),  # one process counts as one worker
    (40_000, 2, "700", "game", 700),  # --chunk-size decides
    (40_000, 2, None, "closed_form", 200_000)])
def test_map_chunks_per_worker(points, workers, given, kind, expected):
    """A game map is cut into MAP_CHUNKS_PER_WORKER chunks per worker, clipped to 2000-5000."""
    from argparse import Namespace

    from triangle.presentation import cli_maps

    args = Namespace(chunk_size=given, kind=kind)
    assert cli_maps._map_chunk_size(args, points, workers) == expected

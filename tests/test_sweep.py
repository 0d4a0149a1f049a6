"""Sweeps, tables and maps: the same numbers as point-by-point evaluation, in any chunking,
on any executor, streamed to disk with bounded memory, and resumable byte for byte."""

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triangle import __version__
from triangle.analysis import sweep as sw
from triangle.analysis.points import DealtGrid, GridPoints, SamplePoints
from triangle.analysis.storage import ResumeError, read_metadata
from triangle.analysis.sweep import (
    CATEGORIES,
    equilibrium_map,
    evaluate_table,
    iter_chunks,
    sweep,
    sweep_to_file,
)
from triangle.partnership import closed_form as cf
from triangle.scenario.files import ScenarioError, load_scenario
from triangle.wedge.solve import evaluate_scenario

TEMPLATE = Path(__file__).resolve().parent.parent / "scenarios" / "template.toml"
LIB3 = ["Loyal", "Hedger", "Realign"]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TEMPLATE).replace({"partnership.strategies": LIB3})


@pytest.fixture(scope="module")
def core():
    """Noise-free, {Loyal, Realign}: the game must reproduce the closed form (DESIGN §4)."""
    return load_scenario(TEMPLATE).replace({"partnership.strategies": ["Loyal", "Realign"],
                                            "counter.budget": 3.0, "wedge.upfront": 0.5})


GRID = {"schism.cost.target": np.linspace(0, 40, 4), "wedge.reward": [0.0, 3.0, 6.0],
        "counter.budget": [0.0, 2.0]}


def test_grid_is_the_full_product_in_order_last_path_fastest(scenario):
    df = sweep(scenario, grid=GRID, kind="closed_form")
    assert len(df) == 4 * 3 * 2
    assert list(df.columns[:3]) == list(GRID)
    expected = pd.MultiIndex.from_product([np.asarray(v, float) for v in GRID.values()])
    got = pd.MultiIndex.from_frame(df[list(GRID)])
    assert (got == expected).all()
    assert df.index.equals(pd.RangeIndex(24))


def test_game_sweep_equals_point_by_point_evaluation(scenario):
    grid = {"schism.cost.target": [0.0, 20.0, 40.0], "wedge.reward": [0.0, 5.0, 12.0]}
    df = sweep(scenario, grid=grid, chunk_size=4)
    assert len(df) == 9
    for _, row in df.iterrows():
        one = scenario.replace({p: float(row[p]) for p in grid})
        cols = evaluate_scenario(one, backend="admissible").columns  # the sweep default
        for name, value in cols.items():
            if name in sw.PACKAGE_COLUMNS and sw.PACKAGE_COLUMNS[name] in grid:
                name = sw.PACKAGE_COLUMNS[name]  # the package is the grid's own column
            got = row[name]
            if isinstance(value[0], str | bool | np.bool_):
                assert got == value[0], name
            else:
                assert got == pytest.approx(float(value[0]), rel=1e-9, abs=1e-9), name


def test_closed_form_margin_is_the_closed_form_formula_at_random_points(scenario, rng):
    n = 500
    ranges = {"schism.cost.target": (0, 40), "schism.cost.partner": (0, 40),
              "partnership.value.target": (1, 6), "partnership.value.partner": (1, 6),
              "schism.outside.target": (0, 2), "schism.outside.partner": (0, 2),
              "time.patience.target": (0.7, 0.99), "time.patience.partner": (0.7, 0.99),
              "time.patience.divider": (0.7, 0.99), "time.period_years": (0.1, 2),
              "wedge.durability": (0.3, 1), "wedge.alliance_cost": (0, 1),
              "schism.value_to_divider": (0, 8), "counter.budget": (0, 5)}
    pts = {p: rng.uniform(lo, hi, n) for p, (lo, hi) in ranges.items()}
    df = evaluate_table(scenario, pts, kind="closed_form", chunk_size=77)
    dt = pts["time.period_years"]
    d = {w: pts[f"time.patience.{w}"] ** dt for w in ("target", "partner", "divider")}
    s = pts["wedge.durability"] ** dt
    # DESIGN §4, written out (per-year flows, lump-sum costs divided by dt); a counter is a
    # payment, never negative
    m_max = np.maximum(0.0, np.minimum(
        pts["counter.budget"], (1 - d["partner"]) * pts["schism.cost.partner"] / dt
        + pts["partnership.value.partner"] - pts["schism.outside.partner"]))
    r_star = (1 - d["target"] * s) * (pts["schism.cost.target"] / dt + (
        pts["partnership.value.target"] + m_max - pts["schism.outside.target"]) / (1 - d["target"]))
    r_max = pts["schism.value_to_divider"] * (1 - d["divider"] * s) / (
        (1 - d["divider"]) * (1 + pts["wedge.alliance_cost"]))
    np.testing.assert_allclose(df["m_max"], m_max, rtol=1e-12)
    np.testing.assert_allclose(df["r_star_max"], r_star, rtol=1e-12)
    np.testing.assert_allclose(df["r_max"], r_max, rtol=1e-12)
    np.testing.assert_allclose(df["margin"], r_max - r_star, rtol=1e-9, atol=1e-9)
    reward = scenario["wedge.reward"]
    assert (df["schism"] == (reward > cf.threshold_reward(
        pts["schism.cost.target"], pts["partnership.value.target"], pts["schism.outside.target"],
        np.maximum(m_max, 0), d["target"], s, dt))).all()


@pytest.mark.parametrize("relation", ["-", "+"])
def test_closed_form_reproduces_the_noise_free_two_strategy_game(core, relation):
    samples = {"schism.cost.target": (0, 40), "schism.cost.partner": (0, 40), "wedge.reward": (0, 20),
               "schism.value_to_divider": (0, 6), "time.patience.target": (0.8, 0.99),
               "counter.budget": (0, 6), "wedge.durability": (0.5, 1), "wedge.upfront": (0, 1),
               "wedge.courting_cost": (0, 0.5), "time.period_years": (0.1, 2),
               "wedge.alliance_cost": (0, 1)}
    pressure = {"wedge.pressure": (0, 1), "threat.response.target": (0, 2),
                "threat.response.partner": (0, 1)}
    core = core.replace({"relations.divider_partner": relation})
    game = pd.concat([sweep(core, samples=samples, n=400, seed=3),
                      sweep(core, samples={**samples, **pressure}, n=300, seed=4)])
    closed = pd.concat([sweep(core, samples=samples, n=400, seed=3, kind="closed_form"),
                        sweep(core, samples={**samples, **pressure}, n=300, seed=4, kind="closed_form")])
    assert set(game["verdict"]) >= {"success", "pyrrhic", "backfire", "pocketed"}
    for col in ("verdict", "schism", "configuration", "role_target", "role_divider"):
        assert (game[col] == closed[col]).all(), col
    for col in ("margin", "r_star_max", "m_max", "r_max"):
        np.testing.assert_allclose(game[col], closed[col], rtol=1e-9, atol=1e-9)
    # the game's partner pays STRICT = 1e-9 (relative) above the least counter
    np.testing.assert_allclose(game["counter_offer"], closed["counter_offer"], rtol=1e-8, atol=1e-8)


def test_closed_form_existential_costs_are_exact(scenario):
    s = scenario.replace({"schism.cost.target": "existential", "schism.cost.partner": "existential"})
    df = sweep(s, grid={"wedge.reward": [0.0, 10.0, 1e6]}, kind="closed_form")
    assert (df["margin"] == -np.inf).all() and (df["r_star"] == np.inf).all()
    assert not df["schism"].any()
    assert not df.select_dtypes("number").isna().any().any()
    df = sweep(scenario, grid={"schism.cost.target": [0.0, np.inf]}, kind="closed_form")
    assert df["margin"].iloc[1] == -np.inf and np.isfinite(df["margin"].iloc[0])


@pytest.mark.parametrize("kind", ["game", "closed_form"])
def test_chunked_equals_unchunked(scenario, kind):
    grid = {"schism.cost.target": [0.0, 10.0, 30.0], "wedge.reward": np.linspace(0, 12, 5)}
    whole = sweep(scenario, grid=grid, kind=kind, chunk_size=10_000)
    for size in (1, 4, 7):
        pd.testing.assert_frame_equal(sweep(scenario, grid=grid, kind=kind, chunk_size=size), whole)
    chunks = list(iter_chunks(scenario, sw.GridPoints(grid), kind=kind, chunk_size=4))
    assert [i for i, _ in chunks] == [0, 1, 2, 3]
    assert [len(df) for _, df in chunks] == [4, 4, 4, 3]


def test_categorical_outputs_have_fixed_categories(scenario):
    df = sweep(scenario, grid={"wedge.reward": [0.0, 6.0]})
    for name, cats in CATEGORIES.items():
        assert list(df[name].cat.categories) == list(cats)


@pytest.mark.parametrize("design", ["lhs", "sobol", "random"])
def test_samples_are_seeded_in_bounds_and_independent_of_chunking(design):
    bounds = {"wedge.reward": (2.0, 7.0), "schism.cost.target": (0.0, 40.0)}
    a = SamplePoints(bounds, 100, design, seed=5)
    whole = a.chunk(0, 100)
    parts = [SamplePoints(bounds, 100, design, seed=5).chunk(i, min(100, i + 13)) for i in range(0, 100, 13)]
    for p in bounds:
        np.testing.assert_array_equal(np.concatenate([c[p] for c in parts]), whole[p])
        lo, hi = bounds[p]
        assert whole[p].min() >= lo and whole[p].max() <= hi
    other = SamplePoints(bounds, 100, design, seed=6).chunk(0, 100)
    assert not np.array_equal(other["wedge.reward"], whole["wedge.reward"])
    if design == "lhs":  # one point in each of the n strata of every dimension
        for p, (lo, hi) in bounds.items():
            strata = np.floor((whole[p] - lo) / (hi - lo) * 100).astype(int)
            assert sorted(strata) == list(range(100))


def test_sweep_samples_table(scenario):
    df = sweep(scenario, samples={"wedge.reward": (0, 20)}, n=50, design="sobol", seed=1,
               kind="closed_form", chunk_size=16)
    assert len(df) == 50 and list(df.columns[:1]) == ["wedge.reward"]


@pytest.mark.parametrize("points, match", [
    ({"schism.cost.targt": [1.0]}, "did you mean schism.cost.target"),
    ({"partnership.strategies": [1.0]}, "settings cannot be swept"),
    ({"time.patience.target": [0.5, 1.0]}, r"\(0, 0\.9999\]"),
    ({"schism.cost.target": [-1.0]}, "found -1"),
    ({"wedge.reward": [np.nan]}, "found nan"),
    ({"wedge.reward": [1.0], "wedge.upfront": [1.0, 2.0]}, "arrays of one length"),
    ({}, "at least one parameter"),
])
def test_bad_points_are_scenario_errors(scenario, points, match):
    with pytest.raises(ScenarioError, match=match):
        evaluate_table(scenario, points, kind="closed_form")


def test_bad_sweep_arguments(scenario):
    with pytest.raises(ScenarioError, match="either grid or samples"):
        sweep(scenario)
    with pytest.raises(ScenarioError, match="LO < HI"):
        sweep(scenario, samples={"wedge.reward": (5, 1)}, n=3)
    with pytest.raises(ScenarioError, match="LO < HI"):  # the one range rule: no empty interval
        sweep(scenario, samples={"wedge.reward": (1, 1)}, n=3)
    with pytest.raises(ScenarioError, match="n >= 1"):
        sweep(scenario, samples={"wedge.reward": (0, 1)}, n=0)
    with pytest.raises(ScenarioError, match="two different"):
        equilibrium_map(scenario, ("wedge.reward", [1.0]), ("wedge.reward", [2.0]))


def test_process_pool_equals_local(scenario):
    grid = {"schism.cost.target": [0.0, 25.0], "wedge.reward": np.linspace(0, 12, 6)}
    local = sweep(scenario, grid=grid, chunk_size=3)
    pd.testing.assert_frame_equal(sweep(scenario, grid=grid, chunk_size=3, executor=2), local)


def test_sweep_workers_start_without_the_reference_solver():
    """A worker imports the sweep module per process; nashpy and scipy.optimize (0.6 s of
    imports) are loaded only when the nashpy backend or a closed-form root search runs."""
    code = ("import sys, triangle.analysis.sweep, triangle.presentation.cli; "
            "print(sorted(m for m in ('nashpy', 'scipy.optimize') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("dask.distributed")
    from triangle.analysis.execution import local_cluster

    client = local_cluster(n_workers=2)
    yield client
    cluster = client.cluster
    client.close()
    cluster.close()


def test_dask_local_cluster_equals_local(scenario, dask_client, tmp_path):
    grid = {"schism.cost.target": [0.0, 25.0], "wedge.reward": np.linspace(0, 12, 6)}
    local = sweep(scenario, grid=grid, chunk_size=5)
    pd.testing.assert_frame_equal(sweep(scenario, grid=grid, chunk_size=5, executor=dask_client), local)
    a = sweep_to_file(scenario, tmp_path / "a.csv", grid=grid, chunk_size=5)
    b = sweep_to_file(scenario, tmp_path / "b.csv", grid=grid, chunk_size=5, executor=dask_client)
    assert a.n_chunks == b.n_chunks == 3
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_stream_to_csv_and_parquet_with_provenance(scenario, tmp_path):
    kw = {"samples": {"wedge.reward": (0, 20), "schism.cost.target": (0, 40)}, "n": 90, "seed": 11,
          "kind": "closed_form", "chunk_size": 25}
    csv, pq = tmp_path / "r.csv", tmp_path / "r.parquet"
    rep = sweep_to_file(scenario, csv, **kw)
    sweep_to_file(scenario, pq, **kw)
    assert rep.n_points == 90 and rep.n_chunks == 4 and rep.computed == [0, 1, 2, 3]
    assert not (tmp_path / "r.csv.parts").exists() and not (tmp_path / "r.parquet.parts").exists()
    memory = sweep(scenario, **kw)
    from_csv = pd.read_csv(csv)
    assert list(from_csv.columns) == list(memory.columns)
    np.testing.assert_array_equal(from_csv["margin"], memory["margin"])
    np.testing.assert_array_equal(from_csv["wedge.reward"], memory["wedge.reward"])
    assert (from_csv["verdict"] == memory["verdict"].astype(str)).all()
    from_pq = pd.read_parquet(pq)
    pd.testing.assert_frame_equal(from_pq, memory)
    import pyarrow.parquet as papq

    assert papq.ParquetFile(pq).num_row_groups == 4
    for path in (csv, pq):
        meta = read_metadata(path)
        assert meta["scenario"] == scenario.name and meta["param_hash"] == scenario.param_hash()
        assert meta["version"] == __version__ and meta["seed"] == 11
        assert meta["points"]["design"] == "lhs" and meta["n_points"] == 90
    assert json.loads((tmp_path / "r.csv.meta.json").read_text())["kind"] == "closed_form"


def _interrupted(monkeypatch, after):
    """Make ``evaluate_chunk`` fail after ``after`` chunks (a run killed mid-way)."""
    real = sw.evaluate_chunk
    calls = []

    def flaky(*args):
        if len(calls) >= after:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(sw, "evaluate_chunk", flaky)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_resume_computes_only_missing_chunks_and_is_byte_identical(scenario, tmp_path, monkeypatch, suffix):
    grid = {"schism.cost.target": [0.0, 10.0, 20.0, 40.0], "wedge.reward": np.linspace(0, 12, 5)}
    ref, out = tmp_path / f"ref{suffix}", tmp_path / f"out{suffix}"
    sweep_to_file(scenario, ref, grid=grid, chunk_size=3)  # 20 points, 7 chunks
    with monkeypatch.context() as m:
        _interrupted(m, after=4)
        with pytest.raises(KeyboardInterrupt):
            sweep_to_file(scenario, out, grid=grid, chunk_size=3)
    parts = tmp_path / f"out{suffix}.parts"
    assert not out.exists() and len(list(parts.glob(f"chunk-*{suffix}"))) == 4
    (parts / f"chunk-000001{suffix}").unlink()  # a lost chunk is recomputed too
    rep = sweep_to_file(scenario, out, grid=grid, chunk_size=3, resume=True)
    assert rep.computed == [1, 4, 5, 6] and rep.reused == 3
    assert out.read_bytes() == ref.read_bytes()
    assert not parts.exists()
    if suffix == ".csv":
        assert Path(f"{out}.meta.json").read_bytes() == Path(f"{ref}.meta.json").read_bytes()


def test_resume_refuses_a_journal_of_another_sweep(scenario, tmp_path, monkeypatch):
    grid = {"wedge.reward": np.linspace(0, 12, 9)}
    out = tmp_path / "x.csv"
    with monkeypatch.context() as m:
        _interrupted(m, after=1)
        with pytest.raises(KeyboardInterrupt):
            sweep_to_file(scenario, out, grid=grid, chunk_size=3)
    other = scenario.replace({"wedge.upfront": 1.0})
    with pytest.raises(ResumeError, match="param_hash"):
        sweep_to_file(other, out, grid=grid, chunk_size=3, resume=True)
    with pytest.raises(ResumeError, match="chunk_size"):
        sweep_to_file(scenario, out, grid=grid, chunk_size=4, resume=True)
    rep = sweep_to_file(other, out, grid=grid, chunk_size=3)  # without --resume: start afresh
    assert rep.computed == [0, 1, 2]


def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_closed_form_memory_is_bounded_by_the_chunk_not_by_n(scenario, tmp_path):
    """2 million points in chunks of 20 000: the peak is that of one chunk (the grid is never
    built as a dense array: 2e6 points x 2 paths alone would be 32 MB, the table ~ 200 MB)."""
    def grid(side):
        return sw.GridPoints({"schism.cost.target": np.linspace(0, 40, side),
                              "wedge.reward": np.linspace(0, 20, side)})

    def stream(side):
        rows = 0
        for _, df in iter_chunks(scenario, grid(side), kind="closed_form", chunk_size=20_000):
            rows += len(df)
        assert rows == side * side

    small, big = _peak(lambda: stream(200)), _peak(lambda: stream(1415))  # 4e4 vs 2e6 points
    assert big < 16 * 2**20
    assert big < 1.5 * small
    to_file = _peak(lambda: sweep_to_file(scenario, tmp_path / "m.parquet", grid={
        "schism.cost.target": np.linspace(0, 40, 1000), "wedge.reward": np.linspace(0, 20, 500)},
        kind="closed_form", chunk_size=20_000))
    assert to_file < 24 * 2**20


def test_equilibrium_map_grids(scenario):
    xs, ys = np.linspace(0, 40, 5), np.array([0.0, 5.0, 10.0])
    m = equilibrium_map(scenario, ("schism.cost.target", xs), ("wedge.reward", ys))
    assert m.verdict.shape == m.margin.shape == m.configuration.shape == m.robust.shape == (3, 5)
    assert m.point == (20.0, 5.0)
    own = evaluate_scenario(scenario, backend="batched").columns
    assert m.verdict[1, 2] == own["verdict"][0]
    assert m.margin[1, 2] == pytest.approx(own["margin"][0])
    row = m.table[(m.table["schism.cost.target"] == 30.0) & (m.table["wedge.reward"] == 10.0)]
    assert m.verdict[2, 3] == row["verdict"].iloc[0]
    frame = m.to_frame()
    assert list(frame.columns) == ["schism.cost.target", "wedge.reward", "verdict", "robust", "margin",
                                   "configuration"]
    assert len(frame) == 15
    assert (m.verdict[0, :] == "no_attempt").all()


def test_dealt_grid_holds_every_point_once_spread_over_its_chunks():
    """Chunk ``c`` of a dealt grid holds the grid's points ``c, c + k, ...``; together the chunks
    hold every point once, and ``inverse`` restores the grid's order."""
    grid = GridPoints({"wedge.reward": np.arange(7.0), "schism.cost.target": np.arange(3.0)})
    dealt = DealtGrid(grid, chunk_size=5)  # 21 points, 5 chunks
    every = grid.chunk(0, grid.n)["wedge.reward"] * 10 + grid.chunk(0, grid.n)["schism.cost.target"]
    chunks = [dealt.chunk(i, min(grid.n, i + 5)) for i in range(0, grid.n, 5)]
    got = np.concatenate([c["wedge.reward"] * 10 + c["schism.cost.target"] for c in chunks])
    assert sorted(got) == sorted(every)
    np.testing.assert_array_equal(got[dealt.inverse], every)
    np.testing.assert_array_equal(got[:5], every[[0, 5, 10, 15, 20]])  # chunk 0: every 5th point


def test_map_on_a_pool_is_the_map_in_process(scenario):
    """A map on a process pool (its grid dealt round-robin to the chunks) is the same table as
    in process, row for row."""
    x, y = ("schism.cost.target", np.linspace(0, 40, 5)), ("wedge.reward", np.linspace(0, 12, 4))
    local = equilibrium_map(scenario, x, y, chunk_size=6)
    pooled = equilibrium_map(scenario, x, y, chunk_size=6, executor=2)
    pd.testing.assert_frame_equal(pooled.table, local.table)
    assert (pooled.verdict == local.verdict).all()


def test_progress_bar_only_when_asked_or_on_a_terminal(scenario, capsys):
    grid = {"wedge.reward": np.linspace(0, 12, 50)}
    sweep(scenario, grid=grid, kind="closed_form", chunk_size=10)  # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    sweep(scenario, grid=grid, kind="closed_form", chunk_size=10, progress=True)
    err = capsys.readouterr().err
    assert "/50 [" in err and "pt/s" in err


def test_point_values_admit_the_infinite_word_above_the_finite_bound():
    from triangle.analysis.points import check_values
    from triangle.scenario.files import ScenarioError

    arr = check_values("schism.cost.target", [0.0, 1e6, np.inf], "points")
    assert arr.tolist() == [0.0, 1e6, np.inf]
    for bad in (1e7, -np.inf, np.nan):
        with pytest.raises(ScenarioError):
            check_values("schism.cost.target", [bad], "points")
    with pytest.raises(ScenarioError):
        check_values("wedge.reward", [np.inf], "points")  # no word: infinity is not a reward


def test_no_column_repeats_a_varied_package_parameter(scenario):
    # Fixed package: the output "reward" would repeat the varied wedge.reward column.
    df = sweep(scenario, grid={"wedge.reward": [0.0, 6.0], "wedge.upfront": [0.0, 1.0]})
    assert "reward" not in df and "upfront" not in df and "pressure" in df
    assert df.columns.is_unique
    optimised = scenario.replace({"wedge.mode": "optimize"})
    df = sweep(optimised, grid={"wedge.reward": [0.0, 6.0]})
    assert "reward" in df  # the divider's chosen reward, which differs from the grid's

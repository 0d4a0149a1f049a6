"""Storage: tables committed with their provenance, stale temporaries, and the verified journal."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triangle.analysis import storage as st
from triangle.analysis.storage import Journal, ResumeError, StorageError, read_metadata, write_table
from triangle.analysis.sweep import sweep_to_file
from triangle.common import atomic
from triangle.scenario.files import load_scenario

TEMPLATE = Path(__file__).resolve().parent.parent / "scenarios" / "template.toml"
GRID = {"wedge.reward": np.linspace(0, 20, 21)}  # 21 points: 7 chunks of 3


class Killed(BaseException):
    """Stands for SIGKILL at a checkpoint (nothing after it runs but ``finally`` blocks)."""


@pytest.fixture
def scenario():
    return load_scenario(TEMPLATE)


def _kill_at(monkeypatch, phase, count=1):
    seen = []

    def checkpoint(name):
        if name == phase:
            seen.append(name)
            if len(seen) == count:
                raise Killed(phase)

    monkeypatch.setattr(atomic, "checkpoint", checkpoint)
    monkeypatch.setattr(st, "checkpoint", checkpoint)


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _frame(n, offset=0.0):
    return pd.DataFrame({"x": np.arange(n) + offset, "y": np.arange(n) * 2.0})


# --- tables and sidecars -----------------------------------------------------------------------
def test_csv_sidecar_records_rows_and_checksum_of_its_table(tmp_path):
    path = tmp_path / "t.csv"
    write_table(_frame(5), path, {"scenario": "a"})
    meta = read_metadata(path)
    assert meta["scenario"] == "a" and meta["table"]["rows"] == 5
    assert meta["table"]["sha256"] == st.digest(path)
    assert len(pd.read_csv(path)) == 5


@pytest.mark.parametrize("tamper", ["append", "truncate", "swap"])
def test_reader_refuses_a_table_its_sidecar_does_not_describe(tmp_path, tamper):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_table(_frame(5), a, {"scenario": "a"})
    write_table(_frame(5, 100.0), b, {"scenario": "b"})
    if tamper == "append":
        with open(a, "a") as f:
            f.write("9,9\n")
    elif tamper == "truncate":
        a.write_bytes(a.read_bytes()[:-4])
    else:  # another scenario's provenance beside this table
        st.sidecar(a).write_bytes(st.sidecar(b).read_bytes())
    with pytest.raises(StorageError, match=r"a\.csv: expected the table its sidecar describes"):
        read_metadata(a)


@pytest.mark.parametrize("phase", ["commit-unlinked", "commit-sidecar"])
def test_a_kill_between_the_renames_never_pairs_a_table_with_another_sidecar(tmp_path, monkeypatch, phase):
    """Old pair in place, a new one being committed, killed between the renames: no table is
    left beside a sidecar that does not describe it (here: no table at all)."""
    path = tmp_path / "t.csv"
    write_table(_frame(4), path, {"scenario": "old"})
    _kill_at(monkeypatch, phase)
    with pytest.raises(Killed):
        write_table(_frame(6), path, {"scenario": "new"})
    assert not path.exists()
    expected = "old" if phase == "commit-unlinked" else "new"
    assert json.loads(st.sidecar(path).read_text())["scenario"] == expected
    monkeypatch.undo()
    write_table(_frame(6), path, {"scenario": "new"})  # the next run succeeds
    assert read_metadata(path)["scenario"] == "new" and len(pd.read_csv(path)) == 6


def test_parquet_carries_its_record_in_one_file(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "t.parquet"
    write_table(_frame(3), path, {"scenario": "a"})
    assert read_metadata(path) == {"scenario": "a"}
    path.write_bytes(b"not parquet")
    with pytest.raises(StorageError, match=r"t\.parquet: expected a Parquet table"):
        read_metadata(path)


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / f".t.csv.{_dead_pid()}.abcd1234.tmp"
    live = tmp_path / f".t.csv.{os.getpid()}.abcd1234.tmp"
    other = tmp_path / f".u.csv.{_dead_pid()}.abcd1234.tmp"  # another target's: not ours to judge
    for f in (dead, live, other):
        f.write_text("partial")
    write_table(_frame(2), tmp_path / "t.csv", {})
    assert not dead.exists() and live.exists() and other.exists()


def test_a_directory_in_the_way_is_an_error_and_no_file_is_left(tmp_path, scenario):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(IsADirectoryError):
        write_table(_frame(2), tmp_path / "d.csv", {})
    with pytest.raises(IsADirectoryError):
        sweep_to_file(scenario, tmp_path / "d.csv", grid=GRID, kind="closed_form", chunk_size=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]
    assert list((tmp_path / "d.csv").iterdir()) == []


def test_an_output_in_a_missing_folder_is_an_error_and_creates_no_folder(tmp_path, scenario):
    with pytest.raises(FileNotFoundError, match="expected an existing folder"):
        write_table(_frame(2), tmp_path / "typo" / "t.csv", {})
    with pytest.raises(FileNotFoundError):
        sweep_to_file(scenario, tmp_path / "typo" / "r.parquet", grid=GRID, kind="closed_form")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_writer_leaves_nothing(tmp_path):
    def fail(tmp):
        Path(tmp).write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic.atomic_replace(tmp_path / "r.md", fail)
    assert list(tmp_path.iterdir()) == []


# --- the journal -----------------------------------------------------------------------------
def _interrupted_sweep(scenario, out, monkeypatch, after):
    """A sweep killed right after chunk ``after`` was recorded."""
    with monkeypatch.context() as m:
        _kill_at(m, "chunk", after)
        with pytest.raises(Killed):
            sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "unrecorded", "bad_record",
                                    "wrong_rows", "foreign_name"])
def test_resume_verifies_every_chunk_and_recomputes_the_bad_ones(scenario, tmp_path, monkeypatch,
                                                                 suffix, damage):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    ref, out = tmp_path / f"ref{suffix}", tmp_path / f"out{suffix}"
    sweep_to_file(scenario, ref, grid=GRID, kind="closed_form", chunk_size=3)
    _interrupted_sweep(scenario, out, monkeypatch, after=4)
    parts = st.journal_dir(out)
    chunk, record = parts / f"chunk-000001{suffix}", parts / f"chunk-000001{suffix}.json"
    if damage == "truncate":
        chunk.write_bytes(chunk.read_bytes()[: len(chunk.read_bytes()) // 2])
    elif damage == "garbage":
        chunk.write_bytes(os.urandom(200))
    elif damage == "empty":
        chunk.write_bytes(b"")
    elif damage == "unrecorded":
        record.unlink()
    elif damage == "bad_record":
        record.write_text("{not json")
    elif damage == "wrong_rows":
        rec = json.loads(record.read_text())
        record.write_text(json.dumps({**rec, "rows": 2}))
    else:  # a file that is no chunk of this journal, and a chunk of another format
        (parts / "chunk-1.csv").write_text("a,b\n1,2\n")
        (parts / "chunk-000009.parquet.json").write_text("{}")
    rep = sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, resume=True)
    redone = [] if damage == "foreign_name" else [1]
    assert rep.computed == [*redone, 4, 5, 6]
    assert out.read_bytes() == ref.read_bytes()
    assert len(pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)) == 21
    assert not parts.exists() and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))\
        == []


def test_resume_of_a_finished_sweep_computes_nothing(scenario, tmp_path):
    out = tmp_path / "r.csv"
    sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3)
    before = out.read_bytes(), out.stat().st_mtime_ns
    rep = sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, resume=True)
    assert rep.computed == [] and rep.reused == 7
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before
    with open(out, "a") as f:  # a table that no longer matches its provenance is redone
        f.write("1,2\n")
    rep = sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, resume=True)
    assert rep.computed == list(range(7)) and read_metadata(out)["table"]["rows"] == 21


def test_corrupt_manifest_is_one_line_with_resume_and_discarded_without(scenario, tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    _interrupted_sweep(scenario, out, monkeypatch, after=2)
    manifest = st.journal_dir(out) / "manifest.json"
    manifest.write_text("[1, 2")
    with pytest.raises(ResumeError) as err:
        sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, resume=True)
    assert str(manifest) in str(err.value) and "\n" not in str(err.value)
    assert "expected a sweep manifest" in str(err.value) and not out.exists()
    notes = []
    rep = sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, notify=notes.append)
    assert rep.computed == list(range(7)) and len(notes) == 1 and "discarding 2 finished" in notes[0]


def test_rerun_without_resume_says_it_discards_finished_chunks(scenario, tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    _interrupted_sweep(scenario, out, monkeypatch, after=3)
    notes = []
    sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, notify=notes.append)
    assert notes == [f"{st.journal_dir(out)}: discarding 3 finished chunk(s) of an earlier run"]


@pytest.mark.parametrize("phase", ["journal-created", "assemble", "commit-unlinked",
                                   "commit-sidecar", "assembled", "cleanup"])
def test_a_kill_in_any_phase_leaves_no_false_table_and_no_blocking_folder(scenario, tmp_path, monkeypatch,
                                                                          phase):
    ref, out = tmp_path / "ref.csv", tmp_path / "out.csv"
    sweep_to_file(scenario, ref, grid=GRID, kind="closed_form", chunk_size=3)
    with monkeypatch.context() as m:
        _kill_at(m, phase, 2 if phase == "assemble" else 1)
        with pytest.raises(Killed):
            sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3)
    if out.exists():  # only a complete table matching its provenance may be there
        assert out.read_bytes() == ref.read_bytes() and read_metadata(out)["table"]["rows"] == 21
    for resume in (True, False):
        sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3, resume=resume)
        assert out.read_bytes() == ref.read_bytes()
        assert st.sidecar(out).read_bytes() == st.sidecar(ref).read_bytes()
        assert not st.journal_dir(out).exists()


def test_journal_folder_never_exists_without_its_manifest(scenario, tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    with monkeypatch.context() as m:
        _kill_at(m, "journal-created")
        with pytest.raises(Killed):
            Journal(out, {"n_points": 3, "chunk_size": 3, "n_chunks": 1}, resume=False)
    assert not st.journal_dir(out).exists()
    with monkeypatch.context() as m:
        _kill_at(m, "cleanup")
        j = Journal(out, {"n_points": 3, "chunk_size": 3, "n_chunks": 1}, resume=False)
        j.write(0, _frame(3))
        with pytest.raises(Killed):
            j.assemble(1, {})
    assert not st.journal_dir(out).exists() and read_metadata(out)["table"]["rows"] == 3


def test_a_foreign_folder_in_the_journal_place_is_an_error_an_empty_one_is_reused(scenario, tmp_path):
    out = tmp_path / "r.csv"
    parts = st.journal_dir(out)
    parts.mkdir()
    rep = sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3)
    assert rep.computed == list(range(7))
    parts.mkdir()
    (parts / "notes.txt").write_text("mine")
    with pytest.raises(StorageError, match="expected a sweep journal"):
        sweep_to_file(scenario, out, grid=GRID, kind="closed_form", chunk_size=3)
    assert (parts / "notes.txt").read_text() == "mine"


def test_a_chunk_of_the_wrong_length_is_refused(tmp_path):
    j = Journal(tmp_path / "r.csv", {"n_points": 5, "chunk_size": 3, "n_chunks": 2}, resume=False)
    assert [j.expected_rows(i) for i in range(2)] == [3, 2]
    with pytest.raises(StorageError, match="expected 2 rows, found 3"):
        j.write(1, _frame(3))


def test_journal_messages_name_no_command_line_flag():
    """The journal is library code: its errors and notices speak of files, not of flags (the
    command line adds ``--resume`` hints of its own)."""
    import ast

    tree = ast.parse(Path(st.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call)
                                           and getattr(node.func, "id", None) == "notify"):
            assert "--" not in ast.unparse(node), ast.unparse(node)

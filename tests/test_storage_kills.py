"""Kill tests: a real ``triangle sweep`` is killed (SIGKILL) in every phase that writes files,
over CSV, Parquet and ``--workers 2``; after each kill no file may look complete unless it is
complete and matches its provenance, no pool worker may survive, and the next run (with and
without ``--resume``) must write the table of an uninterrupted run.

Kills land in a phase through ``TRIANGLE_KILL_AT`` (:func:`triangle.common.atomic.checkpoint`),
at a seeded chunk or assembly step; one more case kills from outside at a seeded moment.  The
long randomised version runs with ``TRIANGLE_FUZZ=1`` (``make fuzz``).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from triangle.analysis.storage import journal_dir, read_metadata, sidecar
from triangle.presentation.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = str(ROOT / "scenarios" / "template.toml")
SPEC = ["sweep", TEMPLATE, "--kind", "closed_form", "--grid", "schism.cost.target=0:40:5",
        "--grid", "wedge.reward=0:20:21", "--chunk-size", "10"]
N_CHUNKS = 11  # 105 points
SEED = 20261130
FUZZ = bool(os.environ.get("TRIANGLE_FUZZ"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted tables (and CSV sidecar), by format."""
    folder = tmp_path_factory.mktemp("ref")
    out = {}
    for suffix in (".csv", ".parquet"):
        if suffix == ".parquet":
            pytest.importorskip("pyarrow")
        path = folder / f"ref{suffix}"
        assert main([*SPEC, "-o", str(path)]) == 0
        out[suffix] = path
    return out


def _tagged(tag):
    """Processes (ours) whose environment carries ``tag``: the command and its pool."""
    found = []
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"TRIANGLE_KILL_TAG={tag}".encode() in env.read_bytes():
                stat = (env.parent / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(env.parent.name))
        except OSError:
            continue
    return found


def _start(out, kill_at, extra):
    tag = uuid.uuid4().hex
    env = {**os.environ, "TRIANGLE_KILL_TAG": tag, "PYTHONPATH": str(ROOT)}
    env.pop("TRIANGLE_KILL_AT", None)
    if kill_at:
        env["TRIANGLE_KILL_AT"] = kill_at
    proc = subprocess.Popen([sys.executable, "-m", "triangle", *SPEC, "-o", str(out), *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, tag


def _check_after_kill(out, ref, tag):
    """What a kill may leave: no survivors, no false table."""
    deadline = time.monotonic() + 20
    while Path("/proc").is_dir() and _tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _tagged(tag), "pool processes outlived the killed command"
    if out.exists():  # it looks complete: it must be, and match its provenance
        assert out.read_bytes() == ref.read_bytes()
        if out.suffix == ".csv":
            assert read_metadata(out)["table"]["rows"] == 105


def _rerun(out, ref, resume, capsys):
    assert main([*SPEC, "-o", str(out), *(["--resume"] if resume else [])]) == 0
    capsys.readouterr()
    assert out.read_bytes() == ref.read_bytes()
    if out.suffix == ".csv":
        assert sidecar(out).read_bytes() == sidecar(ref).read_bytes()
    else:
        assert read_metadata(out) == read_metadata(ref)
    assert not journal_dir(out).exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def _cases():
    rng = np.random.default_rng(SEED)
    cases = []
    for suffix in (".csv", ".parquet"):
        phases = [f"chunk:{rng.integers(1, N_CHUNKS)}", f"assemble:{rng.integers(1, N_CHUNKS + 1)}",
                  "cleanup"]
        if suffix == ".csv":  # the phases that do not depend on the format: once (all in fuzz)
            phases += ["commit-unlinked", "commit-sidecar", "assembled", "journal-created"]
        cases += [pytest.param(suffix, phase, (), id=f"{suffix[1:]}-{phase}") for phase in phases]
    phase = f"chunk:{rng.integers(1, N_CHUNKS)}"
    cases.append(pytest.param(".csv", phase, ("--workers", "2"), id=f"csv-{phase}-workers2"))
    return cases


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find surviving workers")
@pytest.mark.parametrize(("suffix", "kill_at", "extra"), _cases())
def test_a_kill_in_any_phase_leaves_nothing_false_and_the_next_run_succeeds(
        reference, tmp_path, capsys, suffix, kill_at, extra):
    out = tmp_path / f"out{suffix}"
    proc, tag = _start(out, kill_at, extra)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, f"{kill_at} was never reached"
    _check_after_kill(out, reference[suffix], tag)
    resume = sum(map(ord, kill_at)) % 2 == 0  # half the cases resume first, half start afresh
    _rerun(out, reference[suffix], resume, capsys)
    _rerun(out, reference[suffix], not resume, capsys)


def _external_kill(reference, tmp_path, capsys, rng, suffix, extra):
    out = tmp_path / f"out{suffix}"
    for stale in [out, sidecar(out)]:
        stale.unlink(missing_ok=True)
    proc, tag = _start(out, None, extra)
    time.sleep(float(rng.uniform(0.2, 3.0)))
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    _check_after_kill(out, reference[suffix], tag)
    _rerun(out, reference[suffix], bool(rng.integers(2)), capsys)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find surviving workers")
def test_a_kill_at_a_seeded_moment(reference, tmp_path, capsys):
    _external_kill(reference, tmp_path, capsys, np.random.default_rng(SEED), ".csv", ("--workers", "2"))


@pytest.mark.skipif(not FUZZ, reason="long randomised kills: make fuzz (TRIANGLE_FUZZ=1)")
@pytest.mark.parametrize("seed", range(40))
def test_kills_at_random_moments(reference, tmp_path, capsys, seed):
    rng = np.random.default_rng([SEED, seed])
    suffix = (".csv", ".parquet")[rng.integers(2)]
    extra = ("--workers", "2") if rng.integers(2) else ()
    if rng.integers(2):
        _external_kill(reference, tmp_path, capsys, rng, suffix, extra)
        return
    phase = rng.choice(["chunk", "assemble", "assembled", "cleanup", "journal-created"]
                       + (["commit-unlinked", "commit-sidecar"] if suffix == ".csv" else []))
    count = rng.integers(1, N_CHUNKS) if phase in ("chunk", "assemble") else 1
    test_a_kill_in_any_phase_leaves_nothing_false_and_the_next_run_succeeds(
        reference, tmp_path, capsys, suffix, f"{phase}:{count}", extra)

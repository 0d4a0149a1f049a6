"""The corpus of malformed inputs (tests/data/bad/cases.toml): each case must end with exit
code 2, exactly one line on stderr that names the file (or option) and the key, no traceback,
and no file left behind.

All cases run in one child process (``python -m tests.test_bad_inputs MANIFEST.json``), each
through :func:`triangle.presentation.cli.main` with its own alarm, so a case that hangs (a
FIFO read, a huge allocation) is cut off and reported, and the whole run has a subprocess
timeout as the last guard.  One process keeps the corpus to seconds: importing numpy,
pandas and matplotlib a hundred times would take minutes on a loaded machine.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tomllib
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
BASE = ROOT / "tests" / "data" / "small.toml"
CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))["case"]
CASE_SECONDS = 60  # a hang guard, not a timing assertion


def _expand(text: str, out: Path) -> str:
    return text.replace("{bad}", str(BAD)).replace("{base}", str(BASE)).replace("{out}", str(out))


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _run_all(cases: list[dict], out: Path) -> dict[str, dict]:
    """Run every case in this process (the child); return code, stdout and stderr by id."""
    from triangle.presentation.cli import main

    def alarm(signum, frame):
        raise TimeoutError(f"case still running after {CASE_SECONDS} s")

    signal.signal(signal.SIGALRM, alarm)
    results = {}
    for case in cases:
        argv = [_expand(a, out) for a in case["argv"]]
        before = _listing(out)
        stdout, stderr = io.StringIO(), io.StringIO()
        code: int | str
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            signal.alarm(CASE_SECONDS)
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                code = "exception"
                stderr.write(traceback.format_exc())
            finally:
                signal.alarm(0)
        results[case["id"]] = {"code": code, "stderr": stderr.getvalue(),
                               "left": sorted(_listing(out) - before)}
    return results


def _scratch(out: Path) -> None:
    """The awkward paths the manifest names: a symlink loop, a FIFO, a 10 MB file and
    directories named like output files."""
    (out / "loop_a.toml").symlink_to(out / "loop_b.toml")
    (out / "loop_b.toml").symlink_to(out / "loop_a.toml")
    os.mkfifo(out / "pipe.toml")
    with open(out / "big.toml", "wb") as big:
        line = b'# padding padding padding padding padding padding padding padding padding\n'
        big.write(BASE.read_bytes() + line * (10 * 2**20 // len(line) + 1))
    (out / "adir.png").mkdir()
    (out / "adir.csv").mkdir()


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("bad")
    _scratch(out)
    manifest = out.parent / "bad_cases.json"
    manifest.write_text(json.dumps({"out": str(out), "cases": CASES}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-m", "tests.test_bad_inputs", str(manifest)],
                          cwd=out, env=env, capture_output=True, text=True,
                          timeout=CASE_SECONDS * 4 + 10 * len(CASES))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_corpus_is_large_and_each_case_distinct() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    assert len({tuple(c["argv"]) for c in CASES}) == len(CASES)
    files = {p.name for p in BAD.glob("*.toml")} - {"cases.toml"}
    named = {Path(a).name for c in CASES for a in c["argv"] if a.startswith("{bad}/")}
    assert files == named, "every file in tests/data/bad/ belongs to a case, and back"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_leaves_nothing(case: dict, results: dict) -> None:
    got = results[case["id"]]
    err = got["stderr"]
    assert "Traceback" not in err, err
    assert got["code"] == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    for name in case["names"]:
        assert name in err, f"{name!r} not in {err!r}"
    assert got["left"] == [], f"left behind: {got['left']}"


if __name__ == "__main__":  # the child process of the ``results`` fixture
    spec = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps(_run_all(spec["cases"], Path(spec["out"]))))

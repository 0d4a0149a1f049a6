"""The `triangle` command: run, validate, scenarios, schema, init; bad input exits 2 in one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from triangle.presentation.cli import main

ROOT = Path(__file__).resolve().parent.parent
FAST = ROOT / "scenarios" / "wedge_optimist_2025.toml"
QUICK = ["--solver", "batched"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "triangle", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)


def test_run_json_has_the_contract_keys(capsys):
    assert main(["run", str(FAST), "--json", *QUICK]) == 0
    data = json.loads(capsys.readouterr().out)  # strict JSON: no Infinity/NaN literals
    for key in ("verdict", "robust", "schism", "margin", "configuration", "roles",
                "counter_offer", "equilibria", "payoffs", "explanation", "record"):
        assert key in data
    assert data["verdict"] == "success"
    assert set(data["roles"]) == {"United States", "Russia", "China"}
    assert data["record"]["param_hash"] and data["record"]["version"]


def test_set_overrides_with_existential_writes_inf_as_string(capsys):
    args = ["run", str(FAST), "--json", *QUICK, "--set", "schism.cost.target=existential",
            "--set", "wedge.reward=1e6"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["margin"] == "-inf" and data["verdict"] == "failed"
    assert data["thresholds"]["r_star"] == "inf"


def test_text_report_is_written_atomically(tmp_path, capsys):
    report = tmp_path / "r.md"
    assert main(["run", str(FAST), *QUICK, "--report", str(report)]) == 0
    assert report.read_text().startswith("# Wedge optimist, 2025")
    assert "Verdict: success" in capsys.readouterr().out


@pytest.mark.parametrize("content,key", [
    ("[scenario]\nname='x'\nsources=['s']\n[partnership]\nvalue={target=1, partner=1}\n"
     "[wedge]\nrewrd=3\n", "wedge.rewrd"),
    ("[scenario]\nname='x'\nsources=['s']\n[partnership]\nvalue={target=1, partner=1}\n"
     "noise=-1.5\n", "partnership.noise"),
    ("[scenario]\nname='x'\nsources=['s']\n[partnership]\nvalue={target=1, partner=1}\n"
     "strategies=['Loyal','Nope']\n", "partnership.strategies"),
    ("[scenario\nname='x'\n", None),
])
def test_bad_files_exit_2_with_one_line_and_no_output(tmp_path, content, key):
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    report = tmp_path / "out.md"
    proc = run_cli("run", str(bad), "--report", str(report))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert str(bad) in lines[0] and (key is None or key in lines[0])
    assert proc.stdout == "" and not report.exists()


def test_bad_set_value_exits_2():
    proc = run_cli("run", str(FAST), "--set", "wedge.durability=2")
    assert proc.returncode == 2 and "wedge.durability" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_file_exits_2():
    proc = run_cli("validate", "no/such/file.toml")
    assert proc.returncode == 2 and "no/such/file.toml" in proc.stderr


def test_validate_scenarios_schema_and_init(tmp_path, capsys):
    assert main(["validate", str(FAST)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert "reverse_kissinger_2025" in listing and "kissinger_1971" in listing
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    target = tmp_path / "mine"
    assert main(["init", str(target)]) == 0
    assert main(["validate", str(target) + ".toml"]) == 0
    assert main(["init", str(target)]) == 2  # never overwrite


def test_library_names_resolve_wherever_a_file_is_expected(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here: the name must come from the library
    assert main(["scenarios"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    for name in names:
        assert main(["validate", name]) == 0, name
    capsys.readouterr()
    assert main(["run", "wedge_optimist_2025", "--json", *QUICK]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "success"
    assert main(["run", "no_such_scenario"]) == 2


def test_init_from_a_library_scenario_and_placeholder_warning(tmp_path, capsys):
    copy = tmp_path / "mine.toml"
    assert main(["init", str(copy), "--from", "kissinger_1971"]) == 0
    assert "Kissinger" in copy.read_text()
    assert main(["validate", str(copy)]) == 0
    assert "warning" not in capsys.readouterr().err
    template = tmp_path / "fresh.toml"
    assert main(["init", str(template)]) == 0
    assert main(["validate", str(template)]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "scenario.sources" in err and "placeholder" in err
    assert main(["init", str(tmp_path / "bad"), "--from", "no_such_scenario"]) == 2
    assert not (tmp_path / "bad.toml").exists()


def test_template_lists_every_strategy_and_backend():
    from triangle.partnership.strategies import REGISTRY
    from triangle.scenario.files import library_dir

    text = (library_dir() / "template.toml").read_text()
    for name in REGISTRY:
        assert name in text, name
    assert '"admissible"' in text


def test_misspelt_strategy_gets_a_suggestion(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nname='x'\nsources=['s']\n[partnership]\nvalue={target=1, partner=1}\n"
                   "strategies=['Loyal','Pavlow']\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'Pavlov'?" in err and len(err.strip().splitlines()) == 1


def test_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "triangle", "run", str(FAST), *QUICK],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=600)
    assert err == "" and proc.returncode == 141


@pytest.mark.parametrize("args, code", [(["validate", str(FAST)], 0), (["run", "no/such/file.toml"], 2)])
def test_console_exit_flushes_runs_exit_handlers_and_keeps_the_code(args, code):
    """The command skips the interpreter's teardown, not its exit: the exit code is main's,
    a buffered stream reaches the reader whole, and exit handlers registered before or
    during the command run."""
    script = ("import atexit, sys\n"
              "from triangle.presentation.cli import console\n"
              "atexit.register(lambda: print('exit handler ran'))\n"
              "sys.stdout.write('x' * 100000)\n"  # more than a pipe holds: buffered, then flushed
              f"console({args!r})\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # streams buffered
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env=env)
    assert proc.returncode == code
    assert proc.stdout.startswith("x" * 100000)
    assert proc.stdout.rstrip().endswith("exit handler ran")
    if code == 0:
        assert "wedge_optimist_2025.toml" in proc.stdout
    else:
        assert proc.stderr.startswith("triangle: ") and len(proc.stderr.splitlines()) == 1

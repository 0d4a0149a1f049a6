"""``triangle sensitivity`` and ``triangle discover``: JSON, figures, errors, Dask.

The scenario file is the designed one of ``test_sensitivity`` (closed-form thresholds known).
One small Dask ``LocalCluster`` (one worker on 127.0.0.1) serves every ``--dask ADDRESS`` test.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import triangle
from triangle.presentation.cli import main
from triangle.scenario.files import load_scenario

from .test_sensitivity import cost_threshold, r_star

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = """
[scenario]
name = "Designed: closed-form threshold"
sources = ["DESIGN section 4"]
[time]
period_years = 0.5
patience = { divider = 0.95, target = 0.9, partner = 0.95 }
[partnership]
value = { target = 4.0, partner = 3.0 }
strategies = ["Loyal", "Realign"]
noise = 0.0
[schism]
cost = { target = 5.0, partner = 5.0 }
outside = { target = 1.0 }
value_to_divider = 20.0
[wedge]
reward = 6.0
durability = 0.9
[counter]
budget = 0.0
"""
GSA = ["--vary", "schism.value_to_divider=10:30", "--vary", "schism.cost.target=0:40",
       "--vary", "time.horizon_years=1:50"]


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scen") / "designed.toml"
    path.write_text(SCENARIO)
    return str(path)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as c:
        yield c.scheduler_address


def strict_json(text):
    def refuse(constant):
        raise AssertionError(f"non-RFC-8259 constant {constant} in the JSON")
    return json.loads(text, parse_constant=refuse)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return strict_json(out)


# --- sensitivity ------------------------------------------------------------------------------
def test_oat_json_gives_the_closed_form_flip_and_the_record(scenario_file, capsys, tmp_path):
    fig = tmp_path / "oat.png"
    d = run_json(capsys, "sensitivity", scenario_file, "--vary", "wedge.reward=1:20",
                 "--vary", "schism.cost.target=0:40", "--samples", "9", "-o", fig)
    reward = d["parameters"]["wedge.reward"]
    assert reward["flip"] == pytest.approx(r_star(), rel=1e-6)
    assert [(f["from"], f["to"]) for f in reward["flips"]] == [("failed", "success")]
    assert d["parameters"]["schism.cost.target"]["flip"] == pytest.approx(cost_threshold(),
                                                                          rel=1e-6)
    assert d["method"] == "oat" and d["grid"] == 9
    rec = d["record"]
    assert rec["scenario"] == "Designed: closed-form threshold"
    assert rec["param_hash"] == load_scenario(scenario_file).param_hash()
    assert rec["version"] == triangle.__version__
    assert d["figure"] == str(fig)
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image  # the figure carries the same provenance as a map

    assert Image.open(fig).text["param_hash"] == rec["param_hash"]


def test_text_output_lists_flips_and_record(scenario_file, capsys):
    code, out, _ = run(capsys, "sensitivity", scenario_file, "--vary", "wedge.reward=1:20",
                       "--samples", "5")
    assert code == 0
    assert f"{r_star():.10g} (failed -> success)" in out
    assert load_scenario(scenario_file).param_hash() in out


def test_sobol_ranks_and_is_reproducible_locally_and_on_dask(scenario_file, capsys, cluster):
    argv = ["sensitivity", scenario_file, "--method", "sobol", "--measure", "margin", *GSA,
            "--samples", "64", "--seed", "5"]
    local = run_json(capsys, *argv)
    again = run_json(capsys, *argv)
    dask = run_json(capsys, *argv, "--dask", cluster)
    assert local == again == dask
    p = local["parameters"]
    assert p["time.horizon_years"]["ST"] < 0.05
    assert max(p, key=lambda k: p[k]["ST"]) == "schism.value_to_divider"
    assert {"S1", "S1_conf", "ST", "ST_conf", "low", "high"} <= set(p["schism.cost.target"])
    assert local["record"]["seed"] == 5 and local["evaluations"] == 64 * 5


def test_morris_on_dask_matches_local(scenario_file, capsys, cluster, tmp_path):
    argv = ["sensitivity", scenario_file, "--method", "morris", "--measure", "margin", *GSA,
            "--samples", "8", "--seed", "1"]
    local = run_json(capsys, *argv)
    fig = tmp_path / "morris.svg"
    dask = run_json(capsys, *argv, "--dask", cluster, "-o", fig)
    assert {k: v for k, v in dask.items() if k != "figure"} == {
        k: v for k, v in local.items() if k != "figure"}
    p = local["parameters"]
    assert min(p, key=lambda k: p[k]["mu_star"]) == "time.horizon_years"
    assert max(p, key=lambda k: p[k]["mu_star"]) == "schism.value_to_divider"
    assert {"mu_star", "sigma"} <= set(p["schism.cost.target"])
    assert fig.read_text().lstrip().startswith("<?xml")


def test_existential_cost_writes_inf_strings_and_a_clip_note(scenario_file, capsys):
    d = run_json(capsys, "sensitivity", scenario_file, "--set", "schism.cost.target=existential",
                 "--measure", "margin", "--vary", "wedge.reward=1:20", "--samples", "3")
    assert d["baseline"]["margin"] == "-inf"
    assert d["parameters"]["wedge.reward"]["margin"]["min"] == "-inf"
    assert d["parameters"]["wedge.reward"]["flips"] == []
    d = run_json(capsys, "sensitivity", scenario_file, "--set", "schism.cost.target=existential",
                 "--measure", "margin", "--method", "sobol", *GSA[:2], *GSA[4:], "--samples", "8")
    assert d["clip"]["clipped"] == d["evaluations"]
    assert "clipped" in d["clip"]["rule"]
    assert d["notes"] and "constant" in d["notes"][0]


def test_success_is_the_default_output_with_its_probability_and_interval(scenario_file, capsys,
                                                                         tmp_path):
    # success iff S_T < the closed-form cost threshold S*: P(success) = 1/3 on [0, 3 S*]
    high = 3 * cost_threshold()
    share = cost_threshold() / high
    fig = tmp_path / "sobol.png"
    d = run_json(capsys, "sensitivity", scenario_file, "--method", "sobol",
                 "--vary", f"schism.cost.target=0:{high}", "--vary", "time.horizon_years=1:50",
                 "--samples", "128", "--seed", "4", "-o", fig)
    assert d["output"] == "success"
    p = d["probability_of_success"]
    assert p["n"] == 128 and p["ci"][0] < share < p["ci"][1] and p["interval"] == "Wilson"
    assert abs(p["estimate"] - share) < 0.05
    idx = d["parameters"]
    assert idx["schism.cost.target"]["ST"] > 0.5 and abs(idx["time.horizon_years"]["ST"]) < 0.05
    assert fig.stat().st_size > 0
    # no upfront concessions, no counter budget: every point is success or failed
    m = run_json(capsys, "sensitivity", scenario_file, "--method", "morris",
                 "--measure", "verdict:failed", "--vary", f"schism.cost.target=0:{high}",
                 "--vary", "time.horizon_years=1:50", "--samples", "6", "--seed", "1")
    assert m["output"] == "verdict:failed"
    assert m["parameters"]["time.horizon_years"]["mu_star"] == 0.0
    assert m["parameters"]["schism.cost.target"]["mu_star"] > 0
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "sensitivity", scenario_file, "--measure", "verdict:lost", "--vary",
            "schism.cost.target=0:40")
    assert exit_.value.code == 2 and "verdict:lost" in capsys.readouterr().err


# --- discover ---------------------------------------------------------------------------------
def test_discover_json_bounds_the_threshold_locally_and_on_dask(scenario_file, capsys, cluster,
                                                                tmp_path):
    threshold = cost_threshold(r=12.0)
    argv = ["discover", scenario_file, "--set", "wedge.reward=12",
            "--vary", f"schism.cost.target=0:{2 * threshold}", "--vary", "time.horizon_years=1:50",
            "--samples", "600", "--seed", "3"]
    fig = tmp_path / "boxes.png"
    local = run_json(capsys, *argv, "-o", fig)
    dask = run_json(capsys, *argv, "--dask", cluster)
    assert local["boxes"] == dask["boxes"]
    box = local["boxes"][0]
    cost = box["parameters"]["schism.cost.target"]
    assert cost["restricted_high"] and not cost["restricted_low"]
    assert cost["high"] == pytest.approx(threshold, rel=0.05)
    assert box["parameters"]["time.horizon_years"]["restricted"] is False
    assert box["parameters"]["time.horizon_years"]["low"] == 1.0
    assert box["rule"].startswith("the wedge succeeds when schism.cost.target < ")
    assert 0.9 < box["coverage"] <= 1.0 and box["density"] > 0.95
    assert local["record"]["seed"] == 3 and local["samples"] == 600
    assert fig.stat().st_size > 10_000


def test_text_output_states_the_rule(scenario_file, capsys):
    code, out, _ = run(capsys, "discover", scenario_file, "--vary", "schism.cost.target=0:2",
                       "--samples", "100")
    assert code == 0
    assert "box 1: the wedge succeeds when schism.cost.target <" in out
    assert "coverage" in out and "density" in out


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
@pytest.mark.parametrize("command", ["sensitivity", "discover"])
def test_dask_local_starts_and_stops_its_own_cluster(scenario_file, capsys, command):
    argv = [command, scenario_file, "--vary", "schism.cost.target=0:2", "--samples", "64"]
    assert run_json(capsys, *argv, "--dask", "local") == run_json(capsys, *argv)


# --- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (["--vary", "schism.cost.targt=0:4"], ["unknown path", "did you mean schism.cost.target?"]),
    (["--vary", "schism.cost.target=5:1"], ["LO < HI"]),
    (["--vary", "wedge.durability=0.5:1.5"], ["[0, 1]", "1.5"]),
    (["--vary", "schism.cost.target=0:big"], ["a number for HI", "'big'"]),
    (["--vary", "wedge.reward=0:1", "--vary", "wedge.reward=1:2"], ["once"]),
    (["--vary", "wedge.reward=0:1", "--method", "sobol", "--samples", "100"], ["power of 2"]),
    (["--vary", "wedge.reward=0:1", "--clip", "-1"], ["--clip"]),
    (["--vary", "wedge.reward=0:1", "-o", "FIG.xyz"], ["figure file", "'xyz'"]),
])
def test_bad_arguments_are_one_line_exit_2_and_no_file(scenario_file, capsys, tmp_path, argv,
                                                       words):
    argv = [a.replace("FIG", str(tmp_path / "fig")) for a in argv]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "fig.png")]
    code, out, err = run(capsys, "sensitivity", scenario_file, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("triangle: ")
    for w in words:
        assert w in err
    assert list(tmp_path.iterdir()) == []


def test_bad_vary_for_discover_and_bad_set(scenario_file, capsys, tmp_path):
    code, _, err = run(capsys, "discover", scenario_file, "--vary", "wedge.colour=0:1",
                       "-o", tmp_path / "d.png")
    assert code == 2 and err.count("\n") == 1 and "wedge.colour" in err
    code, _, err = run(capsys, "discover", scenario_file, "--set", "wedge.reward=-1",
                       "--vary", "wedge.durability=0:1")
    assert code == 2 and err.count("\n") == 1 and "wedge.reward" in err
    assert list(tmp_path.iterdir()) == []


def test_discover_without_prim_names_the_extra(scenario_file, capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "prim", None)  # as if not installed
    code, out, err = run(capsys, "discover", scenario_file, "--vary", "schism.cost.target=0:40",
                         "-o", tmp_path / "d.png")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "pip install 'strategic-triangle[sensitivity]'" in err
    assert list(tmp_path.iterdir()) == []


# --- the example script -------------------------------------------------------------------------
def test_example_script_runs_as_is(tmp_path):
    script = ROOT / "docs" / "examples" / "what_must_be_true.py"
    env = {**os.environ, "TRIANGLE_EXAMPLE_QUICK": "1"}
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "what must be true" in done.stdout.lower()
    for name in ("oat.png", "sobol.png", "discover.png"):
        assert (tmp_path / name).stat().st_size > 10_000


def test_discover_warns_when_successes_are_few(scenario_file, capsys):
    # Success needs a cost below the threshold: a range 40 times wider leaves ~2.5% of the
    # samples succeeding, a handful of the 200, below the 30 that boxes need.
    threshold = cost_threshold(r=12.0)
    argv = ["discover", scenario_file, "--set", "wedge.reward=12", "--vary",
            f"schism.cost.target=0:{40 * threshold}", "--samples", "200", "--seed", "1"]
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    successes = round(strict_json(out)["success_rate"] * 200)
    assert 0 < successes < 30
    assert f"only {successes} of 200 samples succeed" in err
    code, _, err = run(capsys, *argv[:-5], f"schism.cost.target=0:{2 * threshold}", "--samples",
                       "200", "--seed", "1", "--json")
    assert code == 0 and "warning" not in err


def test_measure_names_the_output_and_output_is_a_deprecated_hidden_alias(scenario_file, capsys):
    argv = ["sensitivity", scenario_file, "--vary", "wedge.reward=1:12", "--samples", "3"]
    assert main([*argv, "--measure", "p_schism", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["outputs"] == ["p_schism"] and "warning" not in err
    assert main([*argv, "--output", "p_schism", "--json"]) == 0
    old, err = capsys.readouterr()
    assert json.loads(old)["outputs"] == ["p_schism"]
    assert "--output p_schism is deprecated; use --measure p_schism" in err
    assert len(err.strip().splitlines()) == 1


def test_help_names_one_measure_option_and_output_only_as_the_output_file():
    """In every command's --help, --output is only ever the long form of -o (the main output
    file); the sensitivity measure is --measure."""
    from triangle.presentation.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        for a in p._actions:
            if "--output" in a.option_strings and a.help != argparse.SUPPRESS:
                assert "-o" in a.option_strings, name
    text = sub.choices["sensitivity"].format_help()
    assert "--measure NAME" in text and "--output" not in text

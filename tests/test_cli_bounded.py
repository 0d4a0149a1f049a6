"""`triangle qre` and `triangle learn`: JSON, figures with provenance, bad input exits 2."""

import json
from pathlib import Path

import pytest

from triangle.presentation.cli import main

ROOT = Path(__file__).resolve().parent.parent
FAST = ROOT / "scenarios" / "wedge_optimist_2025.toml"


def test_qre_json_branch_starts_uniform_and_ends_at_the_nash_outcome(capsys):
    assert main(["qre", str(FAST), "--json", "--set", "solver.rationality=3"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = data["branch"]
    assert rows[0]["lambda"] == 0 and len(set(rows[0]["target"].values())) == 1
    assert data["rationality"] == 3.0 and any(r["lambda"] == 3.0 for r in rows)
    assert rows[-1]["p_schism"] == pytest.approx(data["nash_p_schism"], abs=1e-2)
    assert max(r["residual"] for r in rows) < 1e-8
    assert data["param_hash"] and data["version"]


def test_qre_figure_carries_the_record(tmp_path, capsys):
    fig = tmp_path / "qre.png"
    assert main(["qre", str(FAST), "-o", str(fig)]) == 0
    from PIL import Image

    meta = Image.open(fig).text
    assert meta["scenario"] == "Wedge optimist, 2025" and json.loads(meta["Description"])["figure"] == "qre"
    assert "p(schism)" in capsys.readouterr().out


def test_learn_json(capsys):
    args = ["learn", str(FAST), "--dynamics", "fictitious", "--from", "Loyal=0.5,Hedger=0.5",
            "--years", "5", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] in ("loyalty", "hedging", "break") and 0 <= data["settled_years"] <= 5
    assert sum(data["final"]["target"].values()) == pytest.approx(1, abs=1e-5)


@pytest.mark.parametrize("args,needle", [
    (["learn", str(FAST), "--from", "Loyl=1"], "--from"),
    (["learn", str(FAST), "--from", "Loyal=0.4"], "sum"),
    (["learn", str(FAST), "--years", "-1"], "--years"),
    (["qre", str(FAST), "-o", "out.txt"], "-o"),
    (["qre", str(FAST), "--set", "solver.rationality=fast"], "solver.rationality"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err
    assert not list(tmp_path.iterdir())


def test_learn_basin_over_two_parameters(tmp_path, capsys):
    fig = tmp_path / "basin.png"
    args = ["learn", str(ROOT / "scenarios" / "kissinger_1971.toml"), "--dynamics", "fictitious",
            "--x", "wedge.reward=0:10:3", "--y", "partnership.hedge_gain.target=0:2:2",
            "--years", "5", "--json", "-o", str(fig)]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out.split("\n", 1)[1])  # after "wrote ..."
    assert len(data["points"]) == 6 and sum(data["counts"].values()) == 6
    assert fig.exists()
    # each point's end state is that of a single run at the point's own parameters
    one = data["points"][-1]
    assert main(["learn", str(ROOT / "scenarios" / "kissinger_1971.toml"), "--dynamics",
                 "fictitious", "--years", "5", "--json",
                 "--set", f"wedge.reward={one['wedge.reward']}",
                 "--set", f"partnership.hedge_gain.target={one['partnership.hedge_gain.target']}"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == one["outcome"]


def test_learn_basin_needs_both_axes(capsys):
    assert main(["learn", str(FAST), "--x", "wedge.reward=0:1:2"]) == 2
    assert "--y" in capsys.readouterr().err

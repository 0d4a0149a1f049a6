"""Maps of the probability of schism under quantal response (presentation/plot_quantal.py)."""

from pathlib import Path

import numpy as np
import pandas as pd

import triangle
from triangle.presentation.cli import main
from triangle.wedge.solve import evaluate_scenario

KISSINGER = str(Path(triangle.library_dir()) / "kissinger_1971.toml")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_map_at_a_finite_precision_draws_the_probability_of_schism(capsys, tmp_path):
    png, csv = tmp_path / "p.png", tmp_path / "p.csv"
    code, out, err = run(capsys, "map", KISSINGER, "--set", "solver.rationality=2",
                         "--x", "wedge.reward=0:6:3", "--y", "schism.cost.target=0:4:2",
                         "-o", png, "--data", csv)
    assert code == 0, err
    assert "p_schism under quantal response" in out and png.stat().st_size > 0
    df = pd.read_csv(csv)
    assert {"quantal_p_schism", "quantal_p_schism_change", "rationality"} <= set(df.columns)
    assert len(df) == 6 and (df["rationality"] == 2.0).all()
    assert df["quantal_p_schism"].between(0, 1).all()
    # the map's numbers are the model's, point by point
    s = triangle.load_scenario(KISSINGER).replace({"solver.rationality": 2.0}, origin="test")
    ev = evaluate_scenario(s, {"wedge.reward": df["wedge.reward"].to_numpy(),
                               "schism.cost.target": df["schism.cost.target"].to_numpy()})
    np.testing.assert_allclose(df["quantal_p_schism"], ev.columns["quantal_p_schism"], atol=1e-9)
    np.testing.assert_allclose(df["quantal_p_schism_change"],
                               ev.columns["quantal_p_schism"] - ev.columns["quantal_p_schism_baseline"],
                               atol=1e-9)


def test_change_measure_and_nash_refusal(capsys, tmp_path):
    png = tmp_path / "c.png"
    code, out, err = run(capsys, "map", KISSINGER, "--set", "solver.rationality=2", "--measure",
                         "p_schism_change", "--x", "wedge.reward=0:6:2",
                         "--y", "schism.cost.target=0:4:2", "-o", png)
    assert code == 0, err
    assert "p_schism_change under quantal response" in out
    bad = tmp_path / "bad.png"
    code, out, err = run(capsys, "map", KISSINGER, "--measure", "p_schism",
                         "--x", "wedge.reward=0:6:2", "--y", "schism.cost.target=0:4:2", "-o", bad)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "solver.rationality" in err
    assert not bad.exists()
    code, out, err = run(capsys, "map", KISSINGER, "--x", "wedge.reward=0:6:2",
                         "--y", "schism.cost.target=0:4:2", "-o", bad)
    assert code == 0 and "verdicts:" in out  # "nash": the verdict map, as before

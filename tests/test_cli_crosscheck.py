"""`triangle check FILE` and `triangle run FILE --check`: exit 0 when the engine and nashpy
agree, 1 when they differ (with the difference named), 2 for bad input."""

import json
from pathlib import Path

import pytest

from triangle.presentation.cli import main
from triangle.wedge import crosscheck

SMALL = ["--set", 'partnership.strategies=["Loyal", "Hedger", "Grim", "Realign"]']


def test_check_exits_0_when_the_solvers_agree(capsys):
    assert main(["check", "kissinger_1971", *SMALL]) == 0
    out = capsys.readouterr().out
    assert "without the offer" in out and "with the offer" in out
    assert out.rstrip().endswith("Result: the two solvers agree.")


def test_check_exits_1_and_names_the_difference(capsys, nashpy_drops_one):
    assert main(["check", "kissinger_1971", *SMALL]) == 1
    out = capsys.readouterr().out
    assert out.count("batched only: ") == 2 and "DIFFER" in out


def test_check_json_marks_every_equilibrium_by_source(capsys, nashpy_drops_one):
    assert main(["check", "kissinger_1971", "--json", *SMALL]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["agree"] is False and data["record"]["param_hash"]
    for game in data["games"]:
        assert [e["source"] for e in game["equilibria"]].count("batched") == 1


def test_run_check_appends_the_check_and_sets_the_exit_code(capsys, nashpy_drops_one):
    assert main(["run", "kissinger_1971", "--check", *SMALL]) == 1
    out = capsys.readouterr().out
    assert out.index("**Verdict:") < out.index("Cross-check of")


def test_run_check_json_carries_the_check(capsys):
    assert main(["run", "kissinger_1971", "--check", "--json", *SMALL]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] and data["check"]["agree"] is True


def test_check_of_a_missing_file_is_one_line_and_exit_2(capsys):
    assert main(["check", "no_such_scenario.toml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_scenario.toml" in err


def test_run_check_with_samples_is_a_usage_error(capsys):
    assert main(["run", "kissinger_1971", "--check", "--samples", "10"]) == 2
    assert "--check" in capsys.readouterr().err


def test_run_check_reuses_the_runs_evaluation(capsys, monkeypatch):
    """`run --check` compares the games of the run it printed: the engine's side is not
    solved a second time (an evaluation from another backend is refused)."""
    def no_second_solve(*args, **kwargs):
        raise AssertionError("the scenario was solved again")

    monkeypatch.setattr(crosscheck, "evaluate_scenario", no_second_solve)
    assert main(["run", "kissinger_1971", *SMALL, "--check"]) == 0
    assert "the two solvers agree" in capsys.readouterr().out
    monkeypatch.undo()
    import triangle

    scenario = triangle.load_scenario(Path(__file__).resolve().parents[1] / "scenarios"
                                      / "kissinger_1971.toml")
    admissible = triangle.solve(scenario, backend="admissible")
    with pytest.raises(ValueError, match="made with 'admissible'"):
        crosscheck.cross_check(scenario, evaluation=admissible.evaluation)

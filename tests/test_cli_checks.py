"""Bounds and output-path checks of the command line, made before any work starts."""

import os

import pytest

from triangle.presentation.cli_checks import OneLineParser, bounded, output_path, seed
from triangle.presentation.cli_common import UsageError


def test_parser_errors_are_one_line_with_exit_code_2(capsys):
    parser = OneLineParser(prog="triangle run")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--n", "many", "--bogus"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err.count("\n") == 1 and err.startswith("triangle run: ")
    assert "usage:" not in err


def test_bounds_are_inclusive_and_name_the_option():
    assert bounded("--samples", 1, 1, 10, "a size") == 1
    assert bounded("--samples", 10, 1, 10, "a size") == 10
    for bad in (0, 11, -5):
        with pytest.raises(UsageError, match=r"^--samples: expected a size from 1 to 10"):
            bounded("--samples", bad, 1, 10, "a size")
    assert seed("--seed", 0) == 0 and seed("--seed", 2**63 - 1) == 2**63 - 1
    with pytest.raises(UsageError, match="--seed"):
        seed("--seed", -1)
    with pytest.raises(UsageError, match="--seed"):
        seed("--seed", 2**63)


def test_output_paths_must_be_files_in_existing_writable_folders(tmp_path):
    output_path("-o", None)
    output_path("-o", tmp_path / "new.csv")
    (tmp_path / "old.csv").write_text("x")
    output_path("-o", tmp_path / "old.csv")  # replaced atomically later
    (tmp_path / "adir.csv").mkdir()
    with pytest.raises(UsageError, match="found a directory"):
        output_path("-o", tmp_path / "adir.csv")
    with pytest.raises(UsageError, match="no such folder"):
        output_path("--data", tmp_path / "missing" / "m.csv")
    with pytest.raises(UsageError, match="found a file"):
        output_path("--data", tmp_path / "old.csv" / "m.csv")
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(UsageError, match="read-only"):
            output_path("-o", ro / "m.csv")

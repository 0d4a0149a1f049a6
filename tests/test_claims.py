"""Claims in scenario files: parsing, validation errors (file, dotted key, line), the library."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from triangle.presentation.cli import main
from triangle.scenario.claims import expand_key
from triangle.scenario.files import ScenarioError, library_dir, load_scenario, parse_scenario
from triangle.scenario.schema import json_schema

HEAD = """\
[scenario]
name = "claims"
sources = ["test"]
[partnership]
value = { target = 4.0, partner = 3.0 }
[claims]
"""


def write(tmp_path: Path, claims: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(HEAD + claims, encoding="utf-8")
    return path


def test_claims_parse_in_order_with_tables_expanded(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, 'b = { keys = ["schism.cost"], says = "existential", '
                                      'source = "essay" }\n'
                                      'a = { keys = ["wedge.reward"], says = "big offer" }\n'))
    assert [c.name for c in s.claims] == ["b", "a"]
    assert s.claims[0].keys == ("schism.cost.target", "schism.cost.partner")
    assert s.claims[0].source == "essay" and s.claims[1].source == ""
    # claims are not numbers: they leave the parameter hash alone and survive --set
    bare = parse_scenario(tomllib.loads(HEAD.removesuffix("[claims]\n")))
    assert s.param_hash() == bare.param_hash() and bare.claims == ()
    assert s.replace({"wedge.reward": 3.0}).claims == s.claims


def test_expand_key() -> None:
    assert expand_key("time.patience") == ("time.patience.divider", "time.patience.target",
                                           "time.patience.partner")
    assert expand_key("wedge.reward") == ("wedge.reward",)
    assert expand_key("wedge.mode") == () and expand_key("nowhere") == ()


@pytest.mark.parametrize("claims, key, found", [
    ('x = { keys = ["wedge.rewrd"], says = "s" }', "claims.x.keys", 'unknown key "wedge.rewrd"'),
    ('x = { keys = ["partnership.strategies"], says = "s" }', "claims.x.keys", "a setting"),
    ('x = { keys = ["schism.cost"], says = "s" }\ny = { keys = ["schism.cost.target"], says = "t" }',
     "claims.y.keys", "schism.cost.target also in claims.x"),
    ('x = { keys = ["wedge.reward", "wedge.reward"], says = "s" }', "claims.x.keys",
     "also in this claim twice"),
    ('x = { keys = [], says = "s" }', "claims.x.keys", "[]"),
    ('x = { keys = ["wedge.reward"] }', "claims.x.says", "nothing"),
    ('x = { keys = ["wedge.reward"], says = "s", sauce = "t" }', "claims.x.sauce",
     'unknown key "sauce"'),
    ('x = { keys = ["wedge.reward"], says = "s", source = 3 }', "claims.x.source", "3"),
    ('x = "a claim"', "claims.x", '"a claim"'),
])
def test_bad_claims_are_one_line_errors_with_key_and_line(tmp_path: Path, claims: str, key: str,
                                                          found: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, claims + "\n"))
    e = err.value
    assert e.key == key and found in e.found and e.line is not None and e.line >= 7
    assert "\n" not in str(e)


def test_bad_claim_exits_2_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, 'x = { keys = ["wedge.rewrd"], says = "s" }\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "claims.x.keys" in err and str(path) in err


def test_library_claims_cover_every_difference_between_essay_and_optimists() -> None:
    essay = load_scenario(library_dir() / "reverse_kissinger_2025.toml")
    optimist = load_scenario(library_dir() / "wedge_optimist_2025.toml")
    names = {c.name for c in essay.claims}
    assert names == {c.name for c in optimist.claims} and len(names) >= 7
    assert {c.name: c.keys for c in essay.claims} == {c.name: c.keys for c in optimist.claims}
    claimed = {k for c in essay.claims for k in c.keys}
    differing = {k for k in essay.values if essay.values[k] != optimist.values[k]}
    assert differing <= claimed


def test_schema_accepts_claims_and_rejects_bad_ones() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    data = tomllib.loads((library_dir() / "reverse_kissinger_2025.toml").read_text("utf-8"))
    assert not list(validator.iter_errors(data))
    for bad in ({"keys": []}, {"keys": ["wedge.reward"]}, {"keys": ["a"], "says": "s", "x": 1}):
        assert list(validator.iter_errors({**data, "claims": {"c": bad}}))

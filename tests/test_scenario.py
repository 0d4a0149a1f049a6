"""Tests of triangle.scenario: TOML scenario files -> validated, immutable parameters."""

from __future__ import annotations

import math
import pickle
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triangle.scenario.files import (
    Scenario,
    ScenarioError,
    library_dir,
    list_library,
    load_scenario,
    parse_override,
    parse_scenario,
)
from triangle.scenario.parameters import PARAMETERS, SETTINGS
from triangle.scenario.schema import json_schema, reference_markdown

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "scenarios" / "template.toml"
DOCS = ROOT / "docs" / "scenarios.md"

MINIMAL = """\
[scenario]
name = "Minimal"
sources = ["test"]

[partnership]
value = { target = 4.0, partner = 3.0 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    return info.value


@pytest.fixture(scope="module")
def base() -> Scenario:
    return parse_scenario(tomllib.loads(MINIMAL))


# --- loading ----------------------------------------------------------------------------------
def test_minimal_file_loads_with_every_default_filled(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, MINIMAL))
    assert s.name == "Minimal"
    assert s.file == str(tmp_path / "x.toml")
    assert set(s.values) == {p.path for p in PARAMETERS}
    assert set(s.settings) == {x.path for x in SETTINGS}
    assert s["partnership.value.target"] == 4.0
    assert s["partnership.value.partner"] == 3.0
    for p in PARAMETERS:
        if p.default is not None:
            assert s.values[p.path] == p.default, p.path
            assert type(s.values[p.path]) is float
    assert s["scenario.sources"] == ("test",)
    assert s["partnership.strategies"] == (
        "Loyal", "Hedger", "TitForTat", "Grim", "Consult(2)", "Realign")
    assert s["wedge.mode"] == "fixed"
    assert s["counter.budget"] == math.inf


def test_infinite_words_are_exactly_inf(tmp_path: Path) -> None:
    text = MINIMAL + (
        '[schism]\ncost = { target = "existential", partner = "existential" }\n'
        '[counter]\nbudget = "unlimited"\n')
    s = load_scenario(write(tmp_path, text))
    for path in ("schism.cost.target", "schism.cost.partner", "counter.budget"):
        assert s[path] == float("inf") and math.isinf(s[path]) and s[path] > 0
    record = s.to_toml_dict()
    assert record["schism"]["cost"] == {"target": "existential", "partner": "existential"}
    assert record["counter"]["budget"] == "unlimited"


def test_word_of_one_parameter_is_not_accepted_for_another(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + '[counter]\nbudget = "existential"\n')
    assert err.key == "counter.budget" and err.line == 8


def test_equivalent_toml_spellings_give_the_same_scenario(tmp_path: Path) -> None:
    a = MINIMAL + "[schism]\ncost = { target = 5, partner = 6 }\n"
    b = MINIMAL + "[schism.cost]\ntarget = 5\npartner = 6\n"
    c = MINIMAL + "[schism]\ncost.target = 5\ncost.partner = 6\n"
    hashes = {load_scenario(write(tmp_path, t)).param_hash() for t in (a, b, c)}
    assert len(hashes) == 1


def test_strategy_names_are_canonical(tmp_path: Path) -> None:
    text = MINIMAL.replace("[partnership]", '[partnership]\nstrategies = ["Loyal", "Consult( 3 )"]')
    assert load_scenario(write(tmp_path, text))["partnership.strategies"] == ("Loyal", "Consult(3)")


# --- errors: each names the key and its line ---------------------------------------------------
HEAD = MINIMAL  # 6 lines; the next line is line 7
ERRORS = [
    # (name, text after HEAD, key, line, words the message must contain)
    ("negative cost", "[schism]\ncost = { target = -3 }\n", "schism.cost.target", 8,
     ['expected a number in [0, 1e+06] or "existential"', "found -3"]),
    ("unknown key", "[wedge]\nrewrd = 1\n", "wedge.rewrd", 8, ["did you mean wedge.reward?"]),
    ("key in wrong table", "[partnership.fraying]\nperiod_years = 0.1\n",
     "partnership.fraying.period_years", 8, ["did you mean time.period_years?"]),
    ("unknown table", "[wedges]\nreward = 1\n", "wedges", 7, ["did you mean wedge?"]),
    ("unknown inline key", "[schism]\ncost = { targt = 1 }\n", "schism.cost.targt", 8,
     ["did you mean schism.cost.target?"]),
    ("bool as number", "[wedge]\nreward = true\n", "wedge.reward", 8, ["true (a boolean)"]),
    ("string as number", '[wedge]\nreward = "5"\n', "wedge.reward", 8, ['"5"']),
    ("misspelt word", '[schism]\ncost = { target = "existentail" }\n', "schism.cost.target",
     8, ['did you mean "existential"?']),
    ("out of range", "[wedge]\ndurability = 1.5\n", "wedge.durability", 8, ["[0, 1]", "1.5"]),
    ("open bound", "[time]\npatience = { target = 1.0 }\n", "time.patience.target", 8,
     ["(0, 0.9999]"]),
    ("nan literal", "[wedge]\ndurability = nan\n", "wedge.durability", 8, ["nan"]),
    ("inf literal", "[schism.cost]\ntarget = inf\n", "schism.cost.target", 8,
     ['write "existential"']),
    ("inf without word", "[wedge]\nreward = inf\n", "wedge.reward", 8, ["found inf"]),
    ("bad choice", '[wedge]\nmode = "optimise"\n', "wedge.mode", 8,
     ['did you mean "optimize"?']),
    ("bad sign", '[relations]\ndivider_partner = "0"\n', "relations.divider_partner", 8,
     ['"+", "-"']),
    ("unknown subtable", "[partnership.x]\n", "partnership.x", 7, ["unknown key"]),
    ("table for value", "[schism]\ncost = 5\n", "schism.cost", 8,
     ["a table with keys target, partner", "found 5"]),
    ("value for table", "[wedge.reward]\nx = 1\n", "wedge.reward", 7, ["found a table"]),
    ("Wu rule", "[position]\nties = 1\nopposite = 2\n", "position.opposite", 9,
     ["Wu 1996"]),
    ("Wu rule equal", "[position]\nties = 1\nopposite = 1\n", "position.opposite", 9, []),
    ("wrong type of setting", "[actors]\ntarget = 3\n", "actors.target", 8, ["a string"]),
]


@pytest.mark.parametrize(("name", "tail", "key", "line", "words"), ERRORS,
                         ids=[e[0] for e in ERRORS])
def test_errors_name_key_and_line(tmp_path: Path, name: str, tail: str, key: str, line: int,
                                  words: list[str]) -> None:
    err = error_of(tmp_path, HEAD + tail)
    assert err.key == key
    assert err.line == line
    assert err.file == str(tmp_path / "x.toml")
    message = str(err)
    assert "\n" not in message
    assert message.startswith(f"{err.file}: {key} (line {line}): expected ")
    for word in words:
        assert word in message


def test_partnership_table_errors_have_lines(tmp_path: Path) -> None:
    # keys added to the existing [partnership] table (a second [partnership] is a TOML error)
    err = error_of(tmp_path, MINIMAL + "noise = -0.5\n")
    assert (err.key, err.line) == ("partnership.noise", 7)
    err = error_of(tmp_path, MINIMAL + 'strategies = [\n  "Loyal",\n  "Loyl",\n]\n')
    assert (err.key, err.line) == ("partnership.strategies", 7)
    assert "unknown strategy 'Loyl'" in str(err)
    err = error_of(tmp_path, MINIMAL + 'strategies = ["Loyal", "Loyal"]\n')
    assert err.key == "partnership.strategies" and "repeats" in str(err)
    err = error_of(tmp_path, MINIMAL + "strategies = []\n")
    assert err.key == "partnership.strategies"
    err = error_of(tmp_path, MINIMAL + "period_years = 0.1\n")
    assert err.key == "partnership.period_years" and err.hint == "did you mean time.period_years?"


def test_toml_syntax_error_carries_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, '[scenario]\nname = "x"\nsources = ["a"\n[partnership]\n')
    assert err.key is None and err.line == 4 and err.expected == "valid TOML"
    err = error_of(tmp_path, '[scenario]\nname = \n')
    assert err.line == 2
    assert str(err).startswith(f"{tmp_path / 'x.toml'} (line 2): expected valid TOML, found ")


def test_missing_required_keys(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL.replace(", partner = 3.0", ""))
    assert err.key == "partnership.value.partner" and err.found == "nothing" and err.line == 6
    err = error_of(tmp_path, MINIMAL.replace('sources = ["test"]\n', ""))
    assert err.key == "scenario.sources" and err.line == 1
    err = error_of(tmp_path, MINIMAL.replace('sources = ["test"]', "sources = []"))
    assert err.key == "scenario.sources" and err.line == 3
    err = error_of(tmp_path, "[scenario]\nname = 'x'\nsources = ['s']\n")
    assert err.key == "partnership.value.target" and err.line is None
    err = error_of(tmp_path, MINIMAL.replace('name = "Minimal"', 'name = ""'))
    assert err.key == "scenario.name"


def test_unreadable_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "missing.toml")
    assert "readable" in str(info.value)
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe[scenario]")
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path / "bad.toml")


def test_parse_scenario_without_text_has_no_lines() -> None:
    data = tomllib.loads(MINIMAL)
    data["wedge"] = {"reward": -1}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, file="mem")
    assert (info.value.file, info.value.key, info.value.line) == ("mem", "wedge.reward", None)
    assert str(info.value) == "mem: wedge.reward: expected a number in [0, 1e+06], found -1"


def test_error_pickles() -> None:
    err = ScenarioError("f.toml", "a.b", "x", "y", 3, "hint")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) == "f.toml: a.b (line 3): expected x, found y; hint"


# --- the Scenario object ------------------------------------------------------------------------
def test_scenario_is_immutable_hashable_and_picklable(base: Scenario) -> None:
    with pytest.raises(TypeError):
        base.values["wedge.reward"] = 3.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        base.file = "other"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(base)) == base
    assert hash(pickle.loads(pickle.dumps(base))) == hash(base)
    with pytest.raises(KeyError, match=r"wedge\.reward"):
        base["wedge.rewrd"]


def test_to_toml_dict_round_trips(base: Scenario) -> None:
    s = base.replace({"schism.cost.target": "existential", "wedge.reward": 3})
    again = parse_scenario(s.to_toml_dict())
    assert again == s and again.param_hash() == s.param_hash()


def test_replace_validates_like_the_file(base: Scenario) -> None:
    s = base.replace({"wedge.reward": 1e6, "schism.cost.target": "existential",
                      "partnership.strategies": ["Loyal", "Realign"], "wedge.mode": "optimize"})
    assert s["wedge.reward"] == 1e6 and s["schism.cost.target"] == math.inf
    assert s["partnership.strategies"] == ("Loyal", "Realign")
    assert base["wedge.reward"] == 0.0  # the original is untouched
    assert base.replace({"schism.cost": {"target": 5}})["schism.cost.target"] == 5.0
    assert base.replace({"counter.budget": math.inf})["counter.budget"] == math.inf
    bad: list[tuple[dict[str, Any], str, str]] = [
        ({"wedge.rewrd": 1}, "wedge.rewrd", "did you mean wedge.reward?"),
        ({"wedge.reward": -1}, "wedge.reward", "[0, 1e+06]"),
        ({"wedge.reward": True}, "wedge.reward", "boolean"),
        ({"wedge.reward": math.inf}, "wedge.reward", "found inf"),
        ({"wedge.durability": math.nan}, "wedge.durability", "found nan"),
        ({"schism.cost": 5}, "schism.cost", "a table"),
        ({"wedge.reward.x": 5}, "wedge.reward.x", "unknown key"),
        ({"wedge.mode": "best"}, "wedge.mode", '"fixed", "optimize"'),
        ({"partnership.strategies": ["Nope"]}, "partnership.strategies", "unknown strategy"),
        ({"position.ties": 1.0, "position.opposite": 2.0}, "position.opposite", "Wu 1996"),
    ]
    for overrides, key, words in bad:
        with pytest.raises(ScenarioError) as info:
            base.replace(overrides, origin="--set")
        assert info.value.file == "--set" and info.value.key == key, overrides
        assert words in str(info.value), str(info.value)
    with pytest.raises(ScenarioError) as info:
        base.replace({"position.opposite": 2.0}).replace({"position.ties": 1.0}, origin="sweep")
    assert (info.value.file, info.value.key) == ("sweep", "position.ties")


def test_parse_override() -> None:
    assert parse_override("wedge.reward=1e9") == ("wedge.reward", 1e9)
    assert isinstance(parse_override("wedge.reward=1e9")[1], float)
    assert parse_override("schism.cost.target=existential") == ("schism.cost.target", "existential")
    assert parse_override('partnership.strategies=["Loyal","Realign"]') == (
        "partnership.strategies", ["Loyal", "Realign"])
    assert parse_override(" wedge.durability = 0.5 ") == ("wedge.durability", 0.5)
    assert parse_override("solver.selection=all") == ("solver.selection", "all")
    assert parse_override('scenario.name="A = B"') == ("scenario.name", "A = B")
    assert parse_override("scenario.name=A = B") == ("scenario.name", "A = B")
    assert parse_override("wedge.upfront=true") == ("wedge.upfront", True)
    assert parse_override("scenario.name=2025") == ("scenario.name", "2025")
    assert parse_override("actors.target=true") == ("actors.target", "true")
    assert parse_override("schism.cost={target=1}") == ("schism.cost", {"target": 1})
    for bad, key in [("wedge.reward", "wedge.reward"), ("=3", None), ("wedge.reward=", None),
                     ("wedge.rewrd=3", "wedge.rewrd"), ("schism.cost.target=inf", None),
                     ("wedge.reward=nan", None)]:
        with pytest.raises(ScenarioError) as info:
            parse_override(bad)
        assert info.value.file == "--set", bad
        if key:
            assert info.value.key == key
    with pytest.raises(ScenarioError, match='write "existential"'):
        parse_override("schism.cost.target=inf")


def test_override_then_replace(base: Scenario) -> None:
    path, value = parse_override("wedge.reward=true")
    with pytest.raises(ScenarioError, match=r"^--set: wedge.reward: expected .* boolean"):
        base.replace({path: value})


# --- hashing ------------------------------------------------------------------------------------
def test_param_hash_is_stable_across_processes(base: Scenario) -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", base.param_hash())
    code = ("import tomllib, sys; from triangle.scenario.files import parse_scenario;"
            "print(parse_scenario(tomllib.loads(sys.argv[1])).param_hash())")
    for seed in ("0", "12345"):
        out = subprocess.run([sys.executable, "-c", code, MINIMAL], capture_output=True,
                             text=True, check=True, cwd=ROOT, env={"PYTHONHASHSEED": seed})
        assert out.stdout.strip() == base.param_hash()


def test_param_hash_is_sensitive_to_every_value(base: Scenario) -> None:
    seen = {base.param_hash()}
    for p in PARAMETERS:
        old = base.values[p.path]
        new = 0.5 if old not in (0.5,) and p.admits(0.5) else 0.25
        assert p.admits(new)
        seen.add(base.replace({p.path: new}).param_hash())
    for overrides in ({"scenario.name": "other"}, {"partnership.strategies": ["Loyal", "Grim"]},
                      {"solver.backend": "nashpy"}, {"schism.cost.target": "existential"}):
        seen.add(base.replace(overrides).param_hash())
    assert len(seen) == 1 + len(PARAMETERS) + 4
    # equal values give equal hashes, however they were written
    assert base.replace({"wedge.reward": 0}).param_hash() == base.param_hash()
    assert base.replace({"wedge.reward": -0.0}).param_hash() == base.param_hash()


# --- template, library, docs, schema ------------------------------------------------------------
def leaf_paths(data: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        out |= leaf_paths(value, path + ".") if isinstance(value, dict) else {path}
    return out


def test_template_is_valid_and_has_every_key() -> None:
    s = load_scenario(TEMPLATE)
    assert s.name == "My triangle" and s["scenario.sources"] == ("...",)
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    assert leaf_paths(data) == {p.path for p in PARAMETERS} | {x.path for x in SETTINGS}


def test_library_lists_template() -> None:
    assert library_dir() == (ROOT / "scenarios").resolve()  # the repository links to the package data
    listing = dict(list_library())
    assert listing.get("template")


def test_docs_cover_every_path_and_are_current() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for path in [p.path for p in PARAMETERS] + [x.path for x in SETTINGS]:
        assert f"`{path}`" in text, path
    block = text.split("<!-- BEGIN GENERATED REFERENCE -->\n")[1].split("<!-- END")[0]
    assert block == reference_markdown(), "regenerate: see docs/scenarios.md, Reference"


def walk_schema(schema: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = [schema]
    for sub in schema.get("properties", {}).values():
        nodes += walk_schema(sub)
    return nodes


def test_schema_structure() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    tables = [n for n in walk_schema(schema) if n.get("type") == "object"]
    assert tables and all(n["additionalProperties"] is False for n in tables)
    assert schema["properties"]["schism"]["properties"]["cost"]["properties"]["target"][
        "oneOf"][1] == {"const": "existential"}
    assert schema["properties"]["wedge"]["properties"]["mode"]["enum"] == ["fixed", "optimize"]
    noise = schema["properties"]["partnership"]["properties"]["noise"]
    assert (noise["minimum"], noise["maximum"]) == (0.0, 100.0) and "per year" in noise[
        "description"]
    patience = schema["properties"]["time"]["properties"]["patience"]["properties"]["target"]
    assert patience["exclusiveMinimum"] == 0.0 and patience["maximum"] == 0.9999
    assert set(schema["required"]) == {"scenario", "partnership"}


def test_schema_validates_template_and_rejects_unknown_key() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(data))
    assert not list(validator.iter_errors(tomllib.loads(MINIMAL)))
    for bad in ({**data, "wedges": {}}, {**data, "wedge": {**data["wedge"], "rewrd": 1}},
                {**data, "wedge": {**data["wedge"], "reward": -1}},
                {**data, "wedge": {**data["wedge"], "reward": True}},
                {**data, "wedge": {**data["wedge"], "mode": "best"}},
                {**data, "schism": {**data["schism"], "cost": {"target": "huge"}}},
                {k: v for k, v in data.items() if k != "scenario"}):
        assert list(validator.iter_errors(bad))


# --- properties ---------------------------------------------------------------------------------
def in_range(p: Any) -> st.SearchStrategy[Any]:
    finite = st.floats(min_value=None if math.isinf(p.low) else p.low,
                       max_value=None if math.isinf(p.high) else p.high,
                       exclude_min=p.low_open and not math.isinf(p.low),
                       exclude_max=p.high_open and not math.isinf(p.high),
                       allow_nan=False, allow_infinity=False)
    return finite | st.just(p.infinite_word) if p.infinite_word else finite


def out_of_range(p: Any) -> st.SearchStrategy[float]:
    options = [st.just(math.nan)]
    if not math.isinf(p.low):
        options.append(st.floats(max_value=p.low, exclude_max=not p.low_open, allow_nan=False,
                                 allow_infinity=True))
    if not math.isinf(p.high):  # +inf is in range where the parameter has a word for it
        options.append(st.floats(min_value=p.high, exclude_min=not p.high_open, allow_nan=False,
                                 allow_infinity=p.infinite_word is None))
    if p.infinite_word is None:
        options.append(st.sampled_from([math.inf, -math.inf]))
    return st.one_of(options)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_in_range_value_round_trips_through_replace(data: st.DataObject) -> None:
    base = parse_scenario(tomllib.loads(MINIMAL))
    p = data.draw(st.sampled_from(PARAMETERS))
    value = data.draw(in_range(p))
    s = base.replace({p.path: value})
    expected = math.inf if isinstance(value, str) else value
    assert s[p.path] == expected
    assert parse_scenario(s.to_toml_dict()) == s


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_out_of_range_float_is_rejected(data: st.DataObject) -> None:
    base = parse_scenario(tomllib.loads(MINIMAL))
    p = data.draw(st.sampled_from(PARAMETERS))
    value = data.draw(out_of_range(p))
    with pytest.raises(ScenarioError) as info:
        base.replace({p.path: value})
    assert info.value.key == p.path and info.value.file == "--set"


def test_only_small_regular_utf8_files_are_read(tmp_path: Path) -> None:
    """A FIFO is refused before it is opened (reading it would wait for a writer); so are
    directories, files over 1 MiB, NUL bytes and nesting deeper than the parser's stack."""
    import os

    from triangle.scenario.files import MAX_FILE_BYTES

    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    cases = {fifo: "special file", tmp_path: "a directory"}
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    cases[big] = f"{MAX_FILE_BYTES + 1} bytes"
    nul = tmp_path / "nul.toml"
    nul.write_bytes(b"a = 1\x00")
    cases[nul] = "NUL"
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000)
    cases[deep] = "nested too deeply"
    for path, found in cases.items():
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert found in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(("actors", "key"), [
    ({"target": "China", "partner": "China"}, "actors.partner"),
    ({"divider": " russia", "target": "Russia"}, "actors.target"),
    ({"divider": "China"}, "actors.divider"),
])
def test_the_three_actors_are_three(actors: dict[str, str], key: str) -> None:
    data = {"scenario": {"name": "x", "sources": ["none"]}, "actors": actors,
            "partnership": {"value": {"target": 1, "partner": 1}}}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert info.value.key == key


def test_bounds_reject_what_would_overflow_and_admit_their_ends(base: Scenario) -> None:
    from triangle.scenario.parameters import MAX_MAGNITUDE

    ends = {"schism.value_to_divider": -MAX_MAGNITUDE, "wedge.alliance_cost": MAX_MAGNITUDE,
            "time.period_years": 1e-3, "time.patience.target": 0.9999}
    assert all(base.replace({k: v})[k] == v for k, v in ends.items())
    for path, value in [("schism.value_to_divider", 1e307), ("wedge.alliance_cost", 1e307),
                        ("wedge.reward", 1e308), ("time.period_years", 1e-320),
                        ("time.patience.target", 1 - 1e-16), ("partnership.value.target", 1e7)]:
        with pytest.raises(ScenarioError) as info:
            base.replace({path: value})
        assert info.value.key == path

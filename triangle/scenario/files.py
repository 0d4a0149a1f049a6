"""Scenario files: TOML data -> validated, immutable parameters.

A scenario file is data, never code: it is read with :mod:`tomllib` and every key is checked
against the registry in :mod:`triangle.scenario.parameters` (unknown keys, wrong types, out-of-range
numbers and bad strategy lists are errors that name the file, the dotted key and the line).
The schema reference is ``docs/scenarios.md``; its tables are made by
:func:`triangle.scenario.schema.reference_markdown`.

>>> s = parse_scenario({"scenario": {"name": "demo", "sources": ["none"]},
...                     "partnership": {"value": {"target": 4, "partner": 3}},
...                     "schism": {"cost": {"target": "existential"}}})
>>> s["schism.cost.target"], s["partnership.value.target"], s["counter.budget"]
(inf, 4.0, inf)
>>> s.replace({"wedge.reward": 2})["wedge.reward"]
2.0
>>> parse_override("schism.cost.partner=existential")
('schism.cost.partner', 'existential')
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from triangle.common import hooks
from triangle.common.suggest import did_you_mean
from triangle.scenario.claims import Claim, parse_claims
from triangle.scenario.distributions import Distribution, is_distribution, parse_distribution
from triangle.scenario.errors import ScenarioError
from triangle.scenario.parameters import BY_PATH, PARAMETERS, SETTING_BY_PATH, SETTINGS, Parameter, Setting
from triangle.scenario.reading import MAX_FILE_BYTES, key_lines, read_text

__all__ = ["MAX_FILE_BYTES", "Scenario", "ScenarioError", "library_dir", "list_library",
           "load_scenario", "parse_override", "parse_scenario"]

_ORDER = ("scenario", "actors", "time", "partnership", "schism", "wedge", "counter", "threat",
          "position", "relations", "solver")
Leaf = Parameter | Setting


def is_list(s: Setting) -> bool:
    """Whether a setting holds a list of strings (sources, strategies)."""
    return s.path in ("scenario.sources", "partnership.strategies") or isinstance(s.default, list)


def _nest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Nested tables from (dotted path, value) pairs, the top-level tables in ``_ORDER``."""
    rank = {name: i for i, name in enumerate(_ORDER)}
    tree: dict[str, Any] = {}
    for path, value in sorted(pairs, key=lambda pv: rank.get(pv[0].split(".")[0], len(rank))):
        *tables, last = path.split(".")
        node = tree
        for part in tables:
            node = node.setdefault(part, {})
        node[last] = value
    return tree


TREE = _nest((leaf.path, leaf) for leaf in (*PARAMETERS, *SETTINGS))
_LEAF_PATHS = [leaf.path for leaf in (*SETTINGS, *PARAMETERS)]
_TABLE_PATHS = sorted({".".join(p.split(".")[:i]) for p in _LEAF_PATHS
                       for i in range(1, p.count(".") + 1)})


# --- validation ---------------------------------------------------------------------------
class _Context:
    """Where values come from: the file name (or origin) and the lines of its keys."""

    def __init__(self, file: str, lines: Mapping[str, int] | None = None) -> None:
        self.file, self.lines = file, lines or {}

    def fail(self, path: str, expected: str, found: str, hint: str | None = None) -> NoReturn:
        parts = path.split(".")
        line = next((self.lines[k] for k in (".".join(parts[:i]) for i in
                     range(len(parts), 0, -1)) if k in self.lines), None)
        raise ScenarioError(self.file, path, expected, found, line, hint)


def range_text_of(p: Parameter) -> str:
    """``Parameter.range_text`` with open brackets at infinity (infinity is only a word)."""
    return p.range_text().replace("[-inf", "(-inf").replace("inf]", "inf)")


def _show(raw: Any, depth: int = 0) -> str:
    """A found value as the user wrote it, with its type where that is the problem (arrays
    shortened: the message stays one short line however deep or long the array is)."""
    if isinstance(raw, bool):
        return f"{json.dumps(raw)} (a boolean)"
    if isinstance(raw, str):
        text = json.dumps(raw, ensure_ascii=False)
        return text if len(text) <= 80 else text[:76] + '..."'
    if isinstance(raw, list | tuple):
        if depth >= 2:
            return "[...]"
        items = [_show(x, depth + 1) for x in raw[:8]] + (["..."] if len(raw) > 8 else [])
        return "[" + ", ".join(items) + "]" + ("" if depth else " (an array)")
    if isinstance(raw, numbers.Real):
        return repr(raw) if isinstance(raw, float) else str(raw)
    return "a table" if isinstance(raw, Mapping) else f"{raw} (a {type(raw).__name__})"


def _suggest(path: str) -> str | None:
    return did_you_mean(path, _LEAF_PATHS + _TABLE_PATHS)


def expected_text(node: Any) -> str:
    """What a key expects, in words: a range, a choice, a list or a table with its keys."""
    if isinstance(node, Parameter):
        return range_text_of(node)
    if isinstance(node, Setting):
        if node.choices:
            return "one of " + ", ".join(json.dumps(c) for c in node.choices)
        if is_list(node):
            return "a non-empty list of strings"
        return "a string"
    return "a table with keys " + ", ".join(node)


def _walk(raw: Any, node: Any, path: str, ctx: _Context) -> Iterator[tuple[str, Any]]:
    """Yield (dotted path, raw value) of every leaf in ``raw``, checking keys and nesting."""
    if not isinstance(node, dict):
        if isinstance(raw, Mapping) and not (isinstance(node, Parameter) and is_distribution(raw)):
            ctx.fail(path, expected_text(node), "a table")
        yield path, raw
        return
    if not isinstance(raw, Mapping):
        ctx.fail(path or "<top level>", expected_text(node), _show(raw))
    for key, value in raw.items():
        sub = f"{path}.{key}" if path else str(key)
        if key not in node:
            where = f"[{path}]" if path else "the top level"
            ctx.fail(sub, f"a key of {where}: {', '.join(node)}", f"unknown key {json.dumps(key)}",
                     _suggest(sub))
        yield from _walk(value, node[key], sub, ctx)


def _number(p: Parameter, raw: Any, ctx: _Context, allow_inf: bool) -> float:
    if isinstance(raw, str) and p.infinite_word is not None and raw == p.infinite_word:
        return math.inf
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        hint = None
        if isinstance(raw, str) and p.infinite_word:
            hint = did_you_mean(raw, [p.infinite_word], quote=True)
        ctx.fail(p.path, range_text_of(p), _show(raw), hint)
    value = float(raw)
    if math.isinf(value) and not (allow_inf and value > 0 and p.infinite_word):
        hint = f'write "{p.infinite_word}" for +infinity' if p.infinite_word else None
        ctx.fail(p.path, range_text_of(p), _show(value), hint)
    if not p.admits(value):
        ctx.fail(p.path, range_text_of(p), _show(raw))
    return value


def _setting(s: Setting, raw: Any, ctx: _Context) -> Any:
    expected = expected_text(s)
    if is_list(s):
        if (not isinstance(raw, list | tuple) or not raw
                or not all(isinstance(x, str) and x.strip() for x in raw)):
            ctx.fail(s.path, expected, _show(raw))
        if s.path == "partnership.strategies":
            try:
                return tuple(hooks.call("strategies.names", list(raw)))
            except ValueError as exc:
                ctx.fail(s.path, "a list of distinct strategy names", _show(raw), str(exc))
        return tuple(raw)
    if not isinstance(raw, str) or (s.choices and raw not in s.choices):
        ctx.fail(s.path, expected, _show(raw), did_you_mean(str(raw), s.choices, quote=True))
    if (s.path == "scenario.name" or s.path.startswith("actors.")) and not raw.strip():
        ctx.fail(s.path, "a non-empty string", _show(raw))
    return raw


def _check(path: str, raw: Any, ctx: _Context, allow_inf: bool) -> Any:
    if path in BY_PATH and is_distribution(raw):
        p = BY_PATH[path]
        return parse_distribution(path, raw, p.admits, range_text_of(p), ctx.fail)
    if path in BY_PATH:
        return _number(BY_PATH[path], raw, ctx, allow_inf)
    return _setting(SETTING_BY_PATH[path], raw, ctx)


def _check_actors(settings: Mapping[str, Any], given: Any, ctx: _Context) -> None:
    """The three actors are three: a name used twice would make a dyad of one actor."""
    seen: dict[str, str] = {}
    for role in ("divider", "target", "partner"):
        path = f"actors.{role}"
        name = " ".join(str(settings[path]).split()).casefold()
        if name in seen:
            key = path if path in given else seen[name]
            ctx.fail(key, "three different actors (divider, target, partner)",
                     f"{json.dumps(settings[path], ensure_ascii=False)} also as {seen[name]}")
        seen[name] = path


def _cross_check(values: Mapping[str, float], given: Any, ctx: _Context) -> None:
    ties, opposite = values["position.ties"], values["position.opposite"]
    if ties > 0 and not ties > opposite:
        key = "position.opposite" if "position.opposite" in given else "position.ties"
        ctx.fail(key, "position.ties > position.opposite when position.ties > 0 (Wu 1996: "
                 "a > b >= 0)", f"ties = {ties:g}, opposite = {opposite:g}")


# --- the scenario -------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """A validated, immutable scenario: every parameter and setting resolved.

    Attributes
    ----------
    values : Mapping[str, float]
        Every numeric parameter by dotted path (read-only); the words ``"existential"`` and
        ``"unlimited"`` are stored as ``float('inf')``.
    settings : Mapping[str, Any]
        Every setting by dotted path (read-only); lists are tuples of str.
    file : str or None
        The file the scenario was read from.
    claims : tuple of Claim
        The file's ``[claims]`` (see :mod:`triangle.scenario.claims`); not part of the hash.
    distributions : tuple of (str, Distribution)
        Parameters given as distributions (:mod:`triangle.scenario.distributions`); ``values``
        holds their medians.
    """

    values: Mapping[str, float]
    settings: Mapping[str, Any]
    file: str | None = None
    claims: tuple[Claim, ...] = ()
    distributions: tuple[tuple[str, Distribution], ...] = ()

    def __post_init__(self) -> None:
        values = MappingProxyType({k: float(v) for k, v in self.values.items()})
        settings = MappingProxyType({k: tuple(v) if isinstance(v, list | tuple) else v
                                     for k, v in self.settings.items()})
        odd = (set(values) ^ set(BY_PATH)) | (set(settings) ^ set(SETTING_BY_PATH))
        if odd:
            raise ValueError(f"a Scenario needs exactly the registry's paths; odd: {sorted(odd)}")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "settings", settings)

    def __hash__(self) -> int:
        return hash((frozenset(self.values.items()), frozenset(self.settings.items()), self.file))

    def __reduce__(self) -> tuple[Any, ...]:  # mapping proxies do not pickle
        return Scenario, (dict(self.values), dict(self.settings), self.file, self.claims,
                          self.distributions)

    @property
    def name(self) -> str:
        """The scenario's name (``scenario.name``)."""
        return self.settings["scenario.name"]

    def __getitem__(self, path: str) -> Any:
        """A value or a setting by dotted path."""
        if path in self.values:
            return self.values[path]
        if path in self.settings:
            return self.settings[path]
        raise KeyError(f"unknown parameter path {path!r}; {_suggest(path) or 'see docs'}")

    def replace(self, overrides: Mapping[str, Any], origin: str = "--set") -> Scenario:
        """A new scenario with ``overrides`` (dotted path -> value) applied and validated.

        Values are checked exactly as in a file, except that a Python ``float('inf')`` is
        accepted where the parameter has an infinite word. Errors name ``origin`` as the file.
        """
        ctx = _Context(origin)
        given: dict[str, Any] = {}
        for path, raw in overrides.items():
            node: Any = TREE
            for i, part in enumerate(path.split(".")):
                if not isinstance(node, dict) or part not in node:
                    where = ".".join(path.split(".")[:i])
                    ctx.fail(path, f"a parameter path (no key {part!r} in "
                             f"{where or 'the top level'})", f"unknown key {json.dumps(path)}",
                             _suggest(path))
                node = node[part]
            for leaf, value in _walk(raw, node, path, ctx):
                given[leaf] = _check(leaf, value, ctx, allow_inf=True)
        dists = {**{k: d for k, d in self.distributions if k not in given}, **_uncertain(given)}
        values = {k: given.get(k, v) for k, v in self.values.items()}
        settings = {k: given.get(k, v) for k, v in self.settings.items()}
        _cross_check(values, given, ctx)
        _check_actors(settings, given, ctx)
        return Scenario(values, settings, self.file, self.claims, _ordered(dists))

    def param_hash(self) -> str:
        """First 16 hex digits of the sha256 of a canonical JSON of values and settings."""
        def canon(x: Any) -> Any:
            if isinstance(x, float):
                return "inf" if math.isinf(x) else x + 0.0
            return list(x) if isinstance(x, tuple) else x
        payload = {"values": {k: canon(v) for k, v in self.values.items()},
                   "settings": {k: canon(v) for k, v in self.settings.items()}}
        if self.distributions:  # only then, so that hashes of point scenarios stay as they were
            payload["distributions"] = {k: d.as_dict() for k, d in self.distributions}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_toml_dict(self) -> dict[str, Any]:
        """Nested dict in the file's layout; infinite values are written as their words."""
        words = {k: BY_PATH[k].infinite_word for k, v in self.values.items() if math.isinf(v)}
        return _nest([*((k, words.get(k, v)) for k, v in self.values.items()),
                      *((k, list(v) if isinstance(v, tuple) else v)
                        for k, v in self.settings.items())])


def parse_scenario(data: Mapping[str, Any], file: str = "<data>",
                   text: str | None = None) -> Scenario:
    """Validate parsed TOML ``data`` (nested tables) into a :class:`Scenario`.

    ``file`` names the source in errors; ``text``, the TOML text, gives errors their lines.
    Raises :class:`ScenarioError` for an unknown key, a wrong type, a value out of range, a
    missing required key, a bad strategy list or a violated cross-field rule.
    """
    ctx = _Context(file, key_lines(text) if text else None)
    claims = parse_claims(data["claims"], ctx.fail) if "claims" in data else ()
    data = {k: v for k, v in data.items() if k != "claims"}
    given = {path: _check(path, raw, ctx, allow_inf=False)
             for path, raw in _walk(data, TREE, "", ctx)}
    for leaf in (*SETTINGS, *PARAMETERS):
        if leaf.default is None and leaf.path not in given:
            ctx.fail(leaf.path, f"{expected_text(leaf)} (required: {leaf.description})", "nothing")
    dists = _uncertain(given)
    values = {p.path: given.get(p.path, p.default) for p in PARAMETERS}
    settings = {s.path: given.get(s.path, s.default) for s in SETTINGS}
    _cross_check(values, given, ctx)
    _check_actors(settings, given, ctx)
    return Scenario(values, settings, None if file == "<data>" else file, claims, _ordered(dists))


def _uncertain(given: dict[str, Any]) -> dict[str, Distribution]:
    """Take the distributions out of ``given``, leaving their medians as the point values."""
    dists = {k: v for k, v in given.items() if isinstance(v, Distribution)}
    given.update({k: d.median() for k, d in dists.items()})
    return dists


def _ordered(dists: Mapping[str, Distribution]) -> tuple[tuple[str, Distribution], ...]:
    return tuple((p.path, dists[p.path]) for p in PARAMETERS if p.path in dists)


#: A scenario is a page of numbers; anything larger is not one (and is not read whole).
def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a TOML scenario file (data only: nothing in it is evaluated)."""
    file = os.fspath(path)
    text = read_text(file)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(file, None, "valid TOML", "arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        at = re.search(r"at line (\d+)", msg)
        line = int(at.group(1)) if at else text.count("\n") + 1 if "end of doc" in msg else None
        found = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        raise ScenarioError(file, None, "valid TOML", found[:1].lower() + found[1:] or "an error",
                            line) from None
    return parse_scenario(data, file, text)


def parse_override(assignment: str) -> tuple[str, Any]:
    """Split ``"PATH=VALUE"``; VALUE is read as a TOML value where it parses as one, else as a
    plain string (so ``existential`` needs no quotes). Errors name ``--set`` as the file."""
    path, sep, text = assignment.partition("=")
    path, text = path.strip(), text.strip()
    if not sep or not path or not text:
        raise ScenarioError("--set", path or None, "PATH=VALUE, e.g. wedge.reward=2.5",
                            json.dumps(assignment))
    if path not in _LEAF_PATHS and path not in _TABLE_PATHS:
        raise ScenarioError("--set", path, "a parameter path", f"unknown key {json.dumps(path)}",
                            None, _suggest(path))
    try:
        value: Any = tomllib.loads(f"v = {text}")["v"]
    except RecursionError:
        raise ScenarioError("--set", path, "a value nested at most a few levels deep",
                            "arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError:
        value = text
    setting = SETTING_BY_PATH.get(path)
    if setting is not None and not is_list(setting) and not isinstance(value, str):
        value = text  # a name such as 2025 stays a string
    if isinstance(value, float) and not math.isfinite(value):
        leaf = BY_PATH.get(path)
        word = leaf.infinite_word if leaf else None
        raise ScenarioError("--set", path, range_text_of(leaf) if leaf else "a finite number", text,
                            None, f'write "{word}" for +infinity' if word else None)
    return path, value


# --- library ---------------------------------------------------------------------------
def library_dir() -> Path:
    """The shipped scenario library (package data; the repository's ``scenarios/`` links here)."""
    return Path(__file__).resolve().parent / "library"


def list_library() -> list[tuple[str, str]]:
    """(file stem, ``scenario.description``) of every scenario in :func:`library_dir`.

    Each file is loaded and validated, so an invalid file raises :class:`ScenarioError`.
    """
    return [(f.stem, load_scenario(f).settings["scenario.description"])
            for f in sorted(library_dir().glob("*.toml"))]

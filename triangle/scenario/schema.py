"""JSON Schema and reference tables of the scenario format, generated from the registry.

Both are made from :mod:`triangle.scenario.parameters`, so the schema editors validate against and the
tables in ``docs/scenarios.md`` cannot drift from what the loader accepts.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from triangle.common import hooks
from triangle.common.atomic import atomic_replace
from triangle.scenario.distributions import FAMILIES
from triangle.scenario.files import TREE, expected_text, is_list, range_text_of
from triangle.scenario.parameters import PARAMETERS, SETTINGS, Parameter, Setting

Leaf = Parameter | Setting

def _leaf_schema(leaf: Leaf) -> dict[str, Any]:
    if isinstance(leaf, Parameter):
        # a number, or (object keywords apply to objects only) a distribution table
        num: dict[str, Any] = {"type": ["number", "object"], **_DIST}
        if math.isfinite(leaf.low):
            num["exclusiveMinimum" if leaf.low_open else "minimum"] = leaf.low
        if math.isfinite(leaf.high):
            num["exclusiveMaximum" if leaf.high_open else "maximum"] = leaf.high
        out = {"oneOf": [num, {"const": leaf.infinite_word}]} if leaf.infinite_word else num
        out["description"] = f"{leaf.description} [{leaf.unit}]"
        if leaf.default is not None:
            out["default"] = leaf.infinite_word if math.isinf(leaf.default) else leaf.default
        return out
    if leaf.choices:
        out = {"type": "string", "enum": list(leaf.choices)}
    elif is_list(leaf):
        out = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
        if leaf.path == "partnership.strategies":
            names = "|".join(sorted(hooks.call("strategies.known")))
            out["uniqueItems"] = True
            out["items"]["pattern"] = rf"^\s*({names})\s*(\([^()]*\))?\s*$"
    else:
        out = {"type": "string", "minLength": 0 if leaf.path.endswith("description") else 1}
    out["description"] = leaf.description
    if leaf.default is not None:
        out["default"] = list(leaf.default) if isinstance(leaf.default, tuple) else leaf.default
    return out


_DIST: dict[str, Any] = {
    "required": ["dist"], "additionalProperties": False,
    "properties": {"dist": {"enum": list(FAMILIES)},
                   **{k: {"type": "number"} for k in ("lo", "hi", "mode", "a", "b")}},
}

_CLAIMS: dict[str, Any] = {
    "type": "object",
    "description": "named groups of parameters, each carrying one claim of the scenario "
                   "(see triangle.scenario.claims); a parameter belongs to one claim only",
    "additionalProperties": False,
    "patternProperties": {"^[A-Za-z0-9_-]+$": {
        "type": "object", "additionalProperties": False, "required": ["keys", "says"],
        "properties": {
            "keys": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
                     "description": "numeric parameter paths, or tables of them"},
            "says": {"type": "string", "minLength": 1, "description": "one-line statement"},
            "source": {"type": "string", "description": "where the claim comes from"}}}},
}


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the TOML scenario format, generated from the registry."""
    def table(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        props: dict[str, Any] = {}
        required: list[str] = []
        for key, sub in node.items():
            if isinstance(sub, dict):
                props[key], needed = table(sub)
            else:
                props[key], needed = _leaf_schema(sub), sub.default is None
            if needed:
                required.append(key)
        out = {"type": "object", "additionalProperties": False, "properties": props}
        return ({**out, "required": required} if required else out), bool(required)

    schema, _ = table(TREE)
    schema["properties"]["claims"] = _CLAIMS
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "strategic-triangle scenario",
            "description": "TOML scenario file of strategic-triangle (see docs/scenarios.md)",
            **schema}


def reference_markdown() -> str:
    """The tables of docs/scenarios.md (one row per dotted path), made from the registry."""
    rows = ["| Path | Meaning | Unit | Range | Default |", "|---|---|---|---|---|"]
    for p in PARAMETERS:
        default = ("required" if p.default is None else f'"{p.infinite_word}"'
                   if math.isinf(p.default) else f"{p.default:g}")
        rng = range_text_of(p).removeprefix("a number in ")
        rows.append(f"| `{p.path}` | {p.description} | {p.unit} | {rng} | {default} |")
    rows += ["", "| Path | Meaning | Allowed | Default |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "required" if s.default is None else json.dumps(s.default)
        rows.append(f"| `{s.path}` | {s.description} | {expected_text(s)} | `{default}` |")
    return "\n".join(rows) + "\n"


_BEGIN, _END = "<!-- BEGIN GENERATED REFERENCE -->\n", "<!-- END GENERATED REFERENCE -->"


def write_reference(path: str | os.PathLike[str] = "docs/scenarios.md") -> None:
    """Rewrite the generated block of ``docs/scenarios.md`` from :func:`reference_markdown`."""
    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(_BEGIN) + len(_BEGIN), text.index(_END)
    new = text[:start] + reference_markdown() + text[end:]
    atomic_replace(doc, lambda tmp: Path(tmp).write_text(new, encoding="utf-8"))

"""Claims: named groups of parameters that carry one assertion of a scenario's author.

A scenario's numbers are judgements; a *claim* says which numbers stand for which judgement,
so that comparisons can speak of "the schism is existential" rather than of two dotted keys.
The optional ``[claims]`` table of a scenario file maps a claim's name to its keys, a
one-line statement and its source::

    [claims]
    existential_schism = { keys = ["schism.cost"], says = "a schism is existential", source = "essay" }

``keys`` are numeric parameter paths, or table paths standing for every parameter beneath
them (``"schism.cost"`` is ``schism.cost.target`` and ``schism.cost.partner``).  A key may
belong to one claim only, so that contributions attributed to claims add up (Shapley 1953).
Settings (names, modes, the strategy list) cannot be claimed: a comparison holds them fixed.

>>> cs = parse_claims({"durable": {"keys": ["wedge.durability"], "says": "promises last"}},
...                   _raise)
>>> cs[0].name, cs[0].keys, cs[0].source
('durable', ('wedge.durability',), '')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from triangle.scenario.parameters import BY_PATH, SETTING_BY_PATH

Fail = Callable[[str, str, str], NoReturn]
_FIELDS = ("keys", "says", "source")


@dataclass(frozen=True)
class Claim:
    """One named claim of a scenario.

    Attributes
    ----------
    name : str
        The claim's key in ``[claims]``.
    keys : tuple of str
        The numeric parameter paths it carries (table paths expanded, in registry order).
    says : str
        One-line statement of the claim.
    source : str
        Where the claim comes from (may be empty).
    """

    name: str
    keys: tuple[str, ...]
    says: str
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "keys": list(self.keys), "says": self.says,
                "source": self.source}


def _raise(path: str, expected: str, found: str) -> NoReturn:
    raise ValueError(f"{path}: expected {expected}, found {found}")


def expand_key(key: str) -> tuple[str, ...]:
    """A numeric parameter path as itself; a table path as every parameter path beneath it."""
    if key in BY_PATH:
        return (key,)
    return tuple(p for p in BY_PATH if p.startswith(key + "."))


def parse_claims(raw: Any, fail: Fail) -> tuple[Claim, ...]:
    """Validate the ``[claims]`` table into claims, in the file's order.

    ``fail(dotted key, expected, found)`` reports an error (it must raise).  Checks: each claim
    is a table with a non-empty list ``keys`` and a string ``says`` (``source`` optional, no
    other field); every key names numeric parameters; no parameter is in two claims.
    """
    if not isinstance(raw, Mapping):
        fail("claims", "a table of claims (name = { keys = [...], says = \"...\" })",
             json.dumps(raw) if isinstance(raw, str) else f"a {type(raw).__name__}")
    claims: list[Claim] = []
    owner: dict[str, str] = {}
    for name, body in raw.items():
        where = f"claims.{name}"
        if not isinstance(body, Mapping):
            fail(where, "a table with keys, says and source", _shown(body))
        for field in body:
            if field not in _FIELDS:
                fail(f"{where}.{field}", "a field of a claim: keys, says, source",
                     f"unknown key {json.dumps(field)}")
        keys = body.get("keys")
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            fail(f"{where}.keys", "a non-empty list of parameter paths", _shown(keys))
        paths: list[str] = []
        for key in keys:
            expanded = expand_key(key)
            if not expanded:
                found = ("a setting (settings are held fixed in comparisons)"
                         if key in SETTING_BY_PATH else f"unknown key {json.dumps(key)}")
                fail(f"{where}.keys", "numeric parameter paths or tables of them", found)
            for path in expanded:
                if path in owner:
                    other = "this claim twice" if owner[path] == name else f"claims.{owner[path]}"
                    fail(f"{where}.keys", "each parameter in one claim only",
                         f"{path} also in {other}")
                owner[path] = name
                paths.append(path)
        says, source = body.get("says"), body.get("source", "")
        if not isinstance(says, str) or not says.strip():
            fail(f"{where}.says", "a one-line statement (a non-empty string)", _shown(says))
        if not isinstance(source, str):
            fail(f"{where}.source", "a string", _shown(source))
        order = {p: i for i, p in enumerate(BY_PATH)}
        claims.append(Claim(str(name), tuple(sorted(paths, key=order.__getitem__)),
                            says.strip(), source.strip()))
    return tuple(claims)


def _shown(raw: Any) -> str:
    if raw is None:
        return "nothing"
    if isinstance(raw, str):
        return json.dumps(raw)
    if isinstance(raw, Mapping):
        return "a table"
    return f"{raw!r} (a {type(raw).__name__})"

"""Uncertain parameters: a number in a scenario file may be a distribution.

Analysts often state a judgement as a range rather than a number.  A parameter may then be
written as a table naming a distribution::

    durability = { dist = "uniform", lo = 0.6, hi = 0.9 }
    cost = { target = { dist = "loguniform", lo = 5, hi = 500 }, partner = "existential" }

Four families (the parameters in brackets; ``lo < hi`` always, every value of the support
must lie in the parameter's admissible range):

* ``uniform`` [lo, hi];
* ``triangular`` [lo, mode, hi] with ``lo <= mode <= hi``;
* ``beta`` [a, b, lo = 0, hi = 1]: ``lo + (hi - lo) X`` with ``X ~ Beta(a, b)``, ``a, b > 0``;
* ``loguniform`` [lo, hi] with ``0 < lo``: ``log X`` uniform (Jeffreys' prior for a scale).

The scenario's point value of such a parameter is the distribution's **median**, so a point
solve, maps and ``--set`` behave as before; :meth:`Distribution.ppf` (the quantile function)
turns uniform draws into samples for ``triangle run --samples``, sensitivity and discovery.

>>> d = Distribution("loguniform", {"lo": 1.0, "hi": 100.0})
>>> float(d.median()), [float(x) for x in d.ppf([0.0, 1.0])]
(10.0, [1.0, 100.0])
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike

FAMILIES: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {
    "uniform": (("lo", "hi"), {}),
    "triangular": (("lo", "mode", "hi"), {}),
    "beta": (("a", "b"), {"lo": 0.0, "hi": 1.0}),
    "loguniform": (("lo", "hi"), {}),
}
Fail = Callable[[str, str, str], NoReturn]


@dataclass(frozen=True)
class Distribution:
    """A named one-dimensional distribution with its parameters (see the module docstring)."""

    kind: str
    params: Mapping[str, float]

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.params.items()))))

    @property
    def lo(self) -> float:
        return float(self.params["lo"])

    @property
    def hi(self) -> float:
        return float(self.params["hi"])

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """The quantile function at ``u`` in [0, 1] (vectorised)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        lo, hi = self.lo, self.hi
        if self.kind == "uniform":
            return lo + u * (hi - lo)
        if self.kind == "loguniform":
            return np.where(u >= 1.0, hi, lo * (hi / lo) ** u)  # the ends exactly
        if self.kind == "triangular":
            c = (self.params["mode"] - lo) / (hi - lo)
            left = lo + np.sqrt(u * (hi - lo) * (self.params["mode"] - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - self.params["mode"]))
            return np.where(u <= c, left, right)
        from scipy.stats import beta

        return lo + (hi - lo) * beta.ppf(u, self.params["a"], self.params["b"])

    def median(self) -> float:
        """The point value the scenario carries: the median, ``ppf(1/2)``."""
        return float(self.ppf(0.5))

    def as_dict(self) -> dict[str, Any]:
        return {"dist": self.kind, **{k: float(v) for k, v in self.params.items()}}

    def __str__(self) -> str:
        args = ", ".join(f"{k} = {v:g}" for k, v in self.params.items())
        return f"{self.kind}({args})"


def is_distribution(raw: Any) -> bool:
    """Whether a raw TOML value is a distribution table (a table with a ``dist`` key)."""
    return isinstance(raw, Mapping) and "dist" in raw


def parse_distribution(path: str, raw: Mapping[str, Any], admits: Callable[[float], bool],
                       range_text: str, fail: Fail) -> Distribution:
    """Validate a distribution table for the parameter at ``path``.

    ``admits`` says whether a value lies in the parameter's range; ``fail(key, expected,
    found)`` reports an error (it must raise).
    """
    kind = raw.get("dist")
    if kind not in FAMILIES:
        fail(f"{path}.dist", "one of " + ", ".join(json.dumps(k) for k in FAMILIES),
             json.dumps(kind) if isinstance(kind, str) else repr(kind))
    required, optional = FAMILIES[kind]
    params: dict[str, float] = dict(optional)
    for key, value in raw.items():
        if key == "dist":
            continue
        if key not in required and key not in optional:
            fail(f"{path}.{key}", f"a parameter of {kind}: " + ", ".join((*required, *optional)),
                 f"unknown key {json.dumps(key)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            fail(f"{path}.{key}", "a finite number", json.dumps(value) if isinstance(value, str)
                 else repr(value))
        params[key] = float(value)
    for key in required:
        if key not in params:
            fail(f"{path}.{key}", f"a number ({kind} needs {', '.join(required)})", "nothing")
    if not params["lo"] < params["hi"]:
        fail(path, f"{kind} with lo < hi", f"lo = {params['lo']:g}, hi = {params['hi']:g}")
    if kind == "triangular" and not params["lo"] <= params["mode"] <= params["hi"]:
        fail(f"{path}.mode", "lo <= mode <= hi", f"mode = {params['mode']:g}")
    if kind == "beta" and not (params["a"] > 0 and params["b"] > 0):
        fail(path, "beta with a > 0 and b > 0", f"a = {params['a']:g}, b = {params['b']:g}")
    if kind == "loguniform" and not params["lo"] > 0:
        fail(f"{path}.lo", "lo > 0 for loguniform", f"{params['lo']:g}")
    for end in ("lo", "hi"):
        if not admits(params[end]):
            fail(f"{path}.{end}", f"a support inside the parameter's range, {range_text}",
                 f"{params[end]:g}")
    return Distribution(kind, params)

"""Ranges of a numeric parameter: one rule, one parser, one error in library terms.

A range moves one numeric parameter (a dotted path of :mod:`triangle.scenario.parameters`)
between two ends.  The text form is ``PATH=LO:HI`` (an interval: sensitivity, discovery,
sampled sweeps) or ``PATH=LO:HI:N`` (a grid axis of ``N`` evenly spaced values).  The rule:

* ``PATH`` is a numeric parameter (a misspelt one gets a suggestion);
* ``LO`` and ``HI`` are finite numbers, both in the parameter's declared range;
* ``LO < HI``, except on a grid axis of one value, where ``N = 1`` and ``LO = HI``;
* ``N`` is an integer ``>= 1``.

A bad range raises :class:`ArgumentError`, which names the library argument (``vary``,
``samples`` ...) and never a command-line flag; the command line renders it with its flag
(:meth:`ArgumentError.render`).

>>> parse_range("schism.cost.target=0:40")
Range(path='schism.cost.target', low=0.0, high=40.0)
>>> parse_axis("wedge.reward=0:20:5")
(Range(path='wedge.reward', low=0.0, high=20.0), 5)
>>> try:
...     parse_range("wedge.reward=5:1", argument="vary")
... except ArgumentError as err:
...     print(err); print(err.render("--vary"))
vary wedge.reward=5:1: expected LO < HI, found 5:1
--vary wedge.reward=5:1: expected LO < HI, found 5:1
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triangle.common.suggest import did_you_mean
from triangle.scenario.parameters import BY_PATH, SETTING_BY_PATH


class ArgumentError(ValueError):
    """A bad argument of a library function, in the library's terms.

    Attributes
    ----------
    argument : str
        The function's argument (``"vary"``, ``"samples"``, ``"output"`` ...).
    spec : str or None
        The value given, as text, when it helps to repeat it (``"wedge.reward=5:1"``).
    path : str or None
        The parameter path concerned, if any.
    expected, found : str
        What was expected and what was found (``found`` may be empty).
    hint : str or None
        A suggestion (``"did you mean ...?"``).
    """

    def __init__(self, argument: str, expected: str, found: str = "", *, spec: str | None = None,
                 path: str | None = None, hint: str | None = None) -> None:
        super().__init__(argument, expected, found, spec, path, hint)
        self.argument, self.expected, self.found = argument, expected, found
        self.spec, self.path, self.hint = spec, path, hint

    def render(self, name: str) -> str:
        """One line, with ``name`` (e.g. a command-line flag) standing for the argument."""
        text = f"{name}{' ' + self.spec if self.spec else ''}: expected {self.expected}"
        text += f", found {self.found}" if self.found else ""
        return text + (f"; {self.hint}" if self.hint else "")

    def __str__(self) -> str:
        return self.render(self.argument)


@dataclass(frozen=True)
class Range:
    """A numeric parameter and the interval it is varied over.

    With ``dist`` (a :class:`~triangle.scenario.distributions.Distribution` of the scenario
    file), ``low``/``high`` are its support and a uniform draw ``x`` in it stands for the
    quantile ``(x - low) / (high - low)``: :meth:`values` maps it through ``dist.ppf``, so
    samples follow the distribution (Sobol' indices are then those of the distribution).
    """

    path: str
    low: float
    high: float
    dist: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return f"{self.path}~{self.dist}" if self.dist else f"{self.path}={self.low:g}:{self.high:g}"

    def values(self, x: np.ndarray) -> np.ndarray:
        """Parameter values of uniform draws ``x`` in ``[low, high]``."""
        if self.dist is None:
            return x
        return self.dist.ppf((np.asarray(x, dtype=float) - self.low) / (self.high - self.low))


def check_range(r: Range, n: int | None = None, *, argument: str = "range",
                spec: str | None = None) -> Range:
    """The range rule (module text) for an interval (``n=None``) or a grid axis of ``n`` values."""
    spec = spec or (str(r) if n is None else f"{r}:{n}")

    def fail(expected: str, found: str = "", hint: str | None = None) -> None:
        raise ArgumentError(argument, expected, found, spec=spec, path=r.path, hint=hint)

    if r.path not in BY_PATH:
        found = "a setting" if r.path in SETTING_BY_PATH else f"unknown path {r.path!r}"
        fail("a numeric parameter path", found,
             "settings are not ranged" if r.path in SETTING_BY_PATH else did_you_mean(r.path, BY_PATH))
    if not (math.isfinite(r.low) and math.isfinite(r.high)):
        fail("finite LO and HI", f"{r.low:g}:{r.high:g}")
    if n is not None and (isinstance(n, bool) or int(n) != n or n < 1):
        fail("an integer number of values N >= 1", repr(n))
    if n is not None and n == 1:
        if r.low != r.high:
            fail("LO = HI for a single value (N = 1)", f"{r.low:g}:{r.high:g}:1")
    elif not r.low < r.high:
        fail("LO < HI", f"{r.low:g}:{r.high:g}")
    p = BY_PATH[r.path]
    for end in (r.low, r.high):
        if not p.admits(end):
            fail(f"{p.range_text().split(' or ')[0]} for {p.path}", f"{end:g}")
    return Range(r.path, float(r.low), float(r.high), r.dist)


def _number(text: str, what: str, argument: str, spec: str, path: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ArgumentError(argument, f"a number for {what}", repr(text), spec=spec, path=path) from None
    if not math.isfinite(value):
        raise ArgumentError(argument, f"a finite number for {what}", repr(text), spec=spec, path=path)
    return value


def _split(text: str, parts: int, argument: str) -> tuple[str, list[str]]:
    form = "PATH=LO:HI:N, e.g. wedge.reward=0:20:41" if parts == 3 else \
        "PATH=LO:HI, e.g. schism.cost.target=0:40"
    path, sep, rest = text.partition("=")
    path, fields = path.strip(), [f.strip() for f in rest.split(":")]
    if not sep or not path or len(fields) != parts:
        raise ArgumentError(argument, form, repr(text), spec=None, path=path or None)
    return path, fields


def parse_range(text: str, *, argument: str = "range") -> Range:
    """``"PATH=LO:HI"`` -> :class:`Range`, checked by :func:`check_range`."""
    path, (lo, hi) = _split(text, 2, argument)
    r = Range(path, _number(lo, "LO", argument, text, path), _number(hi, "HI", argument, text, path))
    return check_range(r, argument=argument, spec=text)


def parse_axis(text: str, *, argument: str = "axis") -> tuple[Range, int]:
    """``"PATH=LO:HI:N"`` -> ``(Range, N)``, checked by :func:`check_range`."""
    path, (lo, hi, n_text) = _split(text, 3, argument)
    r = Range(path, _number(lo, "LO", argument, text, path), _number(hi, "HI", argument, text, path))
    try:
        n = int(n_text)
    except ValueError:
        raise ArgumentError(argument, "an integer number of values N >= 1", repr(n_text), spec=text,
                            path=path) from None
    return check_range(r, n, argument=argument, spec=text), n

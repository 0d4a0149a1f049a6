"""One way to write a number for people: infinities as words, never ``nan``.

Existential costs are ``+inf`` in the model (DESIGN §2) and flow through every result, so
every table, figure and sentence writes numbers through :func:`fmt`.

>>> fmt(4.25), fmt(float("inf")), fmt(-float("inf")), fmt(None)
('4.25', 'inf', '-inf', '-')
>>> fmt(float("inf"), infinite="existential"), fmt(1234567.0), fmt(0.1 + 0.2, ".10g")
('existential', '1.235e+06', '0.3')
>>> fmt(float("nan"))
Traceback (most recent call last):
...
ValueError: NaN where a number was expected
"""

from __future__ import annotations

import math
from typing import Any


def fmt(x: Any, spec: str = ".4g", infinite: str = "inf", missing: str = "-") -> str:
    """``x`` formatted with ``spec``; ``+inf`` as ``infinite``, ``-inf`` as ``"-" + infinite``.

    Parameters
    ----------
    x : float, int, numpy scalar or None
        The number; ``None`` is written as ``missing``.
    spec : str
        A format specification for finite values (default four significant digits).
    infinite : str
        The word for ``+inf`` (``"inf"``, or ``"existential"`` for a schism cost).

    Raises
    ------
    ValueError
        For NaN, which the model never produces: it is a bug, not a value to print.
    """
    if x is None:
        return missing
    x = float(x)
    if math.isnan(x):
        raise ValueError("NaN where a number was expected")
    if math.isinf(x):
        return infinite if x > 0 else f"-{infinite}"
    return format(x, spec)

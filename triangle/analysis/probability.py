"""Probabilities of verdicts estimated from samples, with Wilson score intervals.

The Wilson interval (Wilson 1927; recommended by Brown, Cai & DasGupta 2001 over the Wald
interval, which collapses to a point at 0 or 1) for ``k`` successes in ``n`` draws at
confidence ``1 - alpha`` with ``z = Phi^-1(1 - alpha / 2)``:

``(p + z^2 / 2n -+ z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)``, ``p = k / n``.

>>> lo, hi = wilson(0, 20)
>>> float(lo), round(float(hi), 4)
(0.0, 0.1611)
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def wilson(k: ArrayLike, n: int, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``k`` successes in ``n`` draws (arrays of ``k`` allowed)."""
    if n < 1:
        raise ValueError("a proportion needs at least one draw")
    k = np.asarray(k, dtype=float)
    z = NormalDist().inv_cdf(0.5 + conf / 2)  # stdlib: keeps scipy out of worker start-up
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    lo, hi = np.clip((centre - half) / scale, 0.0, 1.0), np.clip((centre + half) / scale, 0.0, 1.0)
    # at k = 0 (k = n) the lower (upper) end is exactly 0 (1); round-off would move it
    return np.where(k <= 0, 0.0, lo), np.where(k >= n, 1.0, hi)


def proportion(hits: ArrayLike, conf: float = 0.95, over: str = "") -> dict[str, Any]:
    """Share of true ``hits`` with its Wilson interval, as a JSON-ready dict."""
    hits = np.asarray(hits, dtype=bool).reshape(-1)
    lo, hi = wilson(int(hits.sum()), hits.size, conf)
    return {"estimate": float(hits.mean()), "ci": [float(lo), float(hi)], "conf": conf,
            "n": int(hits.size), "interval": "Wilson", "over": over}

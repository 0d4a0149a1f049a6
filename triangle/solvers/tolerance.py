"""One tolerance rule for every equilibrium, best-reply, tie and dominance test.

Equilibria do not change when a player's payoffs are multiplied by a positive number or
shifted by a constant (von Neumann & Morgenstern 1944: utility is cardinal only up to a
positive affine map), so no test may depend on the payoff scale.  Every test here therefore
reads each player's payoffs *in that player's payoff unit*:

``P' = (P - min P) / u``,  ``u = min(max P - min P, unit)``,

per game and player, where ``unit`` is an optional unit the caller knows better (the
meta-game passes each player's *ordinary* spread, because the stand-ins for an existential
cost sit thousands of spreads below the other payoffs and their range would loosen every
test).  In these units one absolute tolerance :data:`TOL` decides everything:

* a pure strategy is a best reply when it earns at least ``best - TOL``;
* two payoffs tie when they differ by at most ``TOL``;
* ``P[i] >= P[k] - TOL`` everywhere, and ``> P[k] + TOL`` somewhere, is weak dominance;
* probabilities (already unitless) above ``-TOL`` are clipped to 0.

A player whose payoffs differ by no more than ``TOL`` of their magnitude,
``max P - min P <= TOL max |P|``, is indifferent everywhere: those differences are
round-off of the magnitude, and scaling them up would invent vertices and equilibria.  Its
payoffs become exact zeros.  Shifting a game by a constant ``c`` is invisible unless
``TOL |c|`` reaches the game's spread, i.e. unless the shift has already erased the payoff
differences from the floating-point numbers.

>>> import numpy as np
>>> A = np.array([[8.0, 2.0], [3.0, 5.0]])
>>> bool(np.array_equal(in_units(A * 1e6), in_units(A)))
True
>>> in_units(A + 1e6).tolist()
[[1.0, 0.0], [0.16666666666666666, 0.5]]
"""

from __future__ import annotations

import numpy as np

#: Tolerance of every test, in each player's payoff unit (probabilities: absolute).
TOL = 1e-11


def payoff_unit(P: np.ndarray, unit: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each game's payoff unit and whether the player's payoffs vary at all.

    Parameters
    ----------
    P : numpy.ndarray
        One player's payoffs, shape ``(n, k, l)``; finite.
    unit : numpy.ndarray, optional
        Shape ``(n,)``: a unit known to the caller; the smaller of it and the range is used.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The unit ``u`` (positive; 1 where the payoffs do not vary) and the mask ``varies``,
        both of shape ``(n,)``.
    """
    return _unit_and_min(P, unit)[:2]


def _unit_and_min(P: np.ndarray, unit: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """:func:`payoff_unit`, and each game's smallest payoff (1 where a game has none)."""
    flat = P.reshape(P.shape[0], int(np.prod(P.shape[1:])))
    if flat.shape[0] == 0 or flat.shape[1] == 0:
        return np.ones(P.shape[0]), np.zeros(P.shape[0], dtype=bool), np.ones(P.shape[0])
    high, low = flat.max(axis=1), flat.min(axis=1)
    span = high - low
    varies = span > TOL * np.maximum(high, -low)  # max |P|, without a temporary of |P|
    u = span if unit is None else np.minimum(span, np.asarray(unit, dtype=float))
    return np.where(varies & (u > 0), u, 1.0), varies, low


def in_units(P: np.ndarray, unit: np.ndarray | None = None) -> np.ndarray:
    """``(P - min P) / u`` per game (module doc); exact zeros for a player who is indifferent.

    Accepts one game ``(k, l)`` or a stack ``(n, k, l)`` and returns the same shape.
    """
    P = np.asarray(P, dtype=float)
    stack = P if P.ndim == 3 else P[None]
    u, varies, lo = _unit_and_min(stack, unit)
    # in place, on rows of whole games: each temporary of a large stack costs page faults
    out = stack.reshape(len(stack), int(np.prod(stack.shape[1:]))) - lo[:, None]
    out /= u[:, None]
    out[~varies] = 0.0
    out = out.reshape(stack.shape)
    return out if P.ndim == 3 else out[0]


def clean(v: np.ndarray, tol: float = TOL) -> np.ndarray | None:
    """Clip probabilities in ``[-tol, tol)`` to zero and renormalise; ``None`` if not a distribution."""
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or not np.all(np.isfinite(v)) or np.any(v < -tol):
        return None
    v = np.where(v < tol, 0.0, v)
    total = v.sum()
    return v / total if total > 0 else None


def near_best(payoffs: np.ndarray, axis: int, tol: float = TOL) -> np.ndarray:
    """Entries within ``tol`` of the largest along ``axis``: the best replies.

    ``payoffs`` must already be in the player's unit (:func:`in_units`).
    """
    return payoffs >= payoffs.max(axis=axis, keepdims=True) - tol


def ties(P: np.ndarray, axis: int, tol: float = TOL) -> np.ndarray:
    """Games (``P``: ``(n, k, l)`` in units) in which some opposing pure strategy has two pure
    best replies along ``axis``: a visible degeneracy (von Stengel 2002)."""
    if P.size == 0:
        return np.zeros(P.shape[0], dtype=bool)
    return (near_best(P, axis, tol).sum(axis=axis) > 1).any(axis=1)


def best_replies_hold(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                      unit: tuple[np.ndarray, np.ndarray] | None = None,
                      tol: float = TOL) -> np.ndarray:
    """Per game and slot: every supported strategy is a best reply (the support theorem).

    ``A, B``: ``(n, k, l)``; ``x``: ``(n, K, k)``; ``y``: ``(n, K, l)`` -> ``(n, K)``.  Every
    strategy in the support must be within ``tol`` of the best reply, in the player's unit,
    not just the average: a tiny weight on a worse strategy would pass an average test.
    Non-finite strategies fail.
    """
    ua, ub = (None, None) if unit is None else unit
    finite = np.isfinite(x).all(axis=2) & np.isfinite(y).all(axis=2)
    x, y = np.where(np.isfinite(x), x, 0.0), np.where(np.isfinite(y), y, 0.0)
    return finite & replies_hold_in_units(in_units(A, ua), in_units(B, ub), x, y, tol)


def replies_hold_in_units(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                          tol: float = TOL) -> np.ndarray:
    """:func:`best_replies_hold` of finite strategies in games already in payoff units
    (:func:`games_in_units`), which a solver holds: converting them again is the identity
    (their least payoff is 0, their range at least 1 unless 0), and a cost per call."""
    row = np.matmul(y, A.transpose(0, 2, 1))  # (A y)_i per slot; a stack of small products
    col = np.matmul(x, B)  # is several times faster by matmul than by einsum
    return _supported_best(x, row, tol) & _supported_best(y, col, tol)


def _supported_best(z: np.ndarray, pay: np.ndarray, tol: float) -> np.ndarray:
    """``all(z <= 0 or pay >= max(pay) - tol)`` over the last axis (:func:`near_best`),
    column by column: numpy reduces a short last axis about ten times slower."""
    best = pay[..., 0].copy()
    for i in range(1, pay.shape[-1]):
        np.maximum(best, pay[..., i], out=best)
    best -= tol
    ok = np.ones(pay.shape[:-1], dtype=bool)
    for i in range(pay.shape[-1]):
        ok &= (z[..., i] <= 0) | (pay[..., i] >= best)
    return ok


def is_equilibrium(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                   unit: tuple[float, float] | None = None, tol: float = TOL) -> bool:
    """Best-reply check of one pair ``(x, y)`` in one game (:func:`best_replies_hold`)."""
    u = None if unit is None else (np.array([unit[0]]), np.array([unit[1]]))
    return bool(best_replies_hold(np.asarray(A, float)[None], np.asarray(B, float)[None],
                                  np.asarray(x, float)[None, None],
                                  np.asarray(y, float)[None, None], u, tol)[0, 0])


def games_in_units(A: np.ndarray, B: np.ndarray,
                   unit: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs as finite ``(N, m, n)`` arrays in each player's unit (a single game gains
    the batch axis), so every solver reads the tolerance rule on the same numbers."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim == 2:
        A, B = A[None], B[None]
    if A.ndim != 3 or A.shape != B.shape or min(A.shape[1:]) < 1:
        raise ValueError(f"A and B must both have shape (N, m, n); got {A.shape} and {B.shape}")
    if not (np.isfinite(A).all() and np.isfinite(B).all()):
        raise ValueError("payoffs must be finite")
    ua, ub = (None, None) if unit is None else unit
    return in_units(A, ua), in_units(B, ub)

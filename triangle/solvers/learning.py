"""Learning dynamics of bimatrix games, vectorised over a stack of games.

Three ways in which two players who are not perfectly rational adjust their mixed strategies
``x`` (row) and ``y`` (column) over time, each batched over ``G`` games with payoffs in each
player's payoff unit (so the speed does not depend on the payoff scale):

* **Asymmetric replicator dynamics** (Taylor & Jonker 1978; Hofbauer & Sigmund 1998, ch. 10):
  ``dx_i/dt = x_i ((A y)_i - x^T A y)``, ``dy_j/dt = y_j ((B^T x)_j - x^T B y)``, integrated
  by the classical fourth-order Runge–Kutta method on a fixed step; strategies absent at the
  start stay absent.
* **Fictitious play** (Brown 1951; Robinson 1951): each round each player plays a pure best
  response to the other's empirical frequency of play so far (ties to the first index) and
  the counts grow by one.
* **Smooth (stochastic) fictitious play** (Fudenberg & Kreps 1993; Hofbauer & Sandholm
  2002): the best response is replaced by the logit response at precision ``lam`` and the
  beliefs move by the expected play, ``x_{t+1} = x_t + (L(y_t) - x_t) / (t + k0 + 1)``.
  Its rest points are exactly the logit QREs (:mod:`triangle.solvers.qre`).

nashpy's ``asymmetric_replicator_dynamics`` and ``fictitious_play`` are the references the
tests compare with on single games.
"""

from __future__ import annotations

import numpy as np

from triangle.solvers.qre import logit_response

__all__ = ["fictitious_play", "replicator", "smooth_fictitious_play"]


def _payoffs(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    return np.einsum("gij,gj->gi", A, y), np.einsum("gij,gi->gj", B, x)


def replicator(A: np.ndarray, B: np.ndarray, x0: np.ndarray, y0: np.ndarray,
               times: np.ndarray, substeps: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Asymmetric replicator dynamics (module doc) at ``times`` (starting at ``times[0]``).

    ``A``, ``B``: ``(G, m, n)`` finite; ``x0``: ``(G, m)``; ``y0``: ``(G, n)``.  Returns
    ``x``: ``(G, T, m)`` and ``y``: ``(G, T, n)``, renormalised after every step.
    """
    def field(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fa, fb = _payoffs(A, B, x, y)
        return (x * (fa - (x * fa).sum(1, keepdims=True)),
                y * (fb - (y * fb).sum(1, keepdims=True)))

    x, y = np.array(x0, float), np.array(y0, float)
    xs, ys = [x.copy()], [y.copy()]
    for dt_total in np.diff(np.asarray(times, float)):
        h = dt_total / substeps
        for _ in range(substeps):
            k1 = field(x, y)
            k2 = field(x + h / 2 * k1[0], y + h / 2 * k1[1])
            k3 = field(x + h / 2 * k2[0], y + h / 2 * k2[1])
            k4 = field(x + h * k3[0], y + h * k3[1])
            x = np.clip(x + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]), 0.0, None)
            y = np.clip(y + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]), 0.0, None)
            x /= x.sum(1, keepdims=True)
            y /= y.sum(1, keepdims=True)
        xs.append(x.copy())
        ys.append(y.copy())
    return np.stack(xs, axis=1), np.stack(ys, axis=1)


def fictitious_play(A: np.ndarray, B: np.ndarray, counts_x: np.ndarray, counts_y: np.ndarray,
                    rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Play counts after each of ``rounds`` rounds of fictitious play (module doc).

    Returns counts ``(G, rounds + 1, m)`` and ``(G, rounds + 1, n)``, starting with the given
    ones; the belief about a player is its counts divided by their sum.
    """
    cx, cy = np.array(counts_x, float), np.array(counts_y, float)
    G = cx.shape[0]
    out_x, out_y = [cx.copy()], [cy.copy()]
    rows = np.arange(G)
    for _ in range(rounds):
        fa, fb = _payoffs(A, B, cx, cy)
        bx, by = np.argmax(fa, axis=1), np.argmax(fb, axis=1)
        cx[rows, bx] += 1.0
        cy[rows, by] += 1.0
        out_x.append(cx.copy())
        out_y.append(cy.copy())
    return np.stack(out_x, axis=1), np.stack(out_y, axis=1)


def smooth_fictitious_play(A: np.ndarray, B: np.ndarray, x0: np.ndarray, y0: np.ndarray,
                           rounds: int, lam: np.ndarray, weight: float = 1.0
                           ) -> tuple[np.ndarray, np.ndarray]:
    """Beliefs under smooth fictitious play with logit precision ``lam`` per game (module doc).

    ``weight`` is the number of rounds the starting beliefs count for.  Returns beliefs
    ``(G, rounds + 1, m)`` and ``(G, rounds + 1, n)``.
    """
    x, y = np.array(x0, float), np.array(y0, float)
    lam = np.broadcast_to(np.asarray(lam, float), (x.shape[0],))
    xs, ys = [x.copy()], [y.copy()]
    for t in range(rounds):
        rx, ry = logit_response(A, B, x, y, lam, lam)
        step = 1.0 / (t + weight + 1.0)
        x, y = x + step * (rx - x), y + step * (ry - y)
        xs.append(x.copy())
        ys.append(y.copy())
    return np.stack(xs, axis=1), np.stack(ys, axis=1)

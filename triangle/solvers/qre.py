"""Logit quantal response equilibria of bimatrix games: the principal branch, batched.

A logit quantal response equilibrium (QRE; McKelvey & Palfrey 1995) at precision ``lambda``
is a pair of mixed strategies that are each a logit response to the other:

``x_i = exp(lam_A (A y)_i) / sum_k exp(lam_A (A y)_k)``,
``y_j = exp(lam_B (B^T x)_j) / sum_l exp(lam_B (B^T x)_l)``,

with ``lam_A = lambda / unit_A`` and ``lam_B = lambda / unit_B``: ``lambda`` is measured in
the inverse of each player's payoff unit, so that multiplying a player's payoffs by a
positive constant (and its unit with them) leaves every answer unchanged.  At
``lambda = 0`` play is uniform; as ``lambda`` grows, the *principal branch* (the
component of the QRE correspondence that contains the uniform profile) converges to a
Nash equilibrium, the logit-tracing selection (McKelvey & Palfrey 1995, Thm 1; Turocy 2005).

The branch is traced by a predictor–corrector homotopy in log probabilities
``z = (log x, log y)`` (Turocy 2005; Allgower & Georg 1990 for the method): with
``H(z, lambda) = z - F(z, lambda)``, ``F`` the log of the logit response, the curve
``H = 0`` is followed by arc length, so that it may bend back in ``lambda``.  Each step
predicts along the tangent (the null vector of ``[H_z, H_lambda]``) and corrects by
Newton's method perpendicular to it; the step length adapts per game.  Every game of a
stack is traced at once: loops run over steps, never over games.  The profile at a
requested ``lambda`` is the first crossing of that ``lambda`` on the branch, corrected by
Newton's method at fixed ``lambda``; :func:`qre_residual` measures how far a profile is
from a fixed point.

**Infinite costs.**  An entry ``-inf`` (a payoff lost for good, e.g. an existential cost)
is the limit of a cost ``S -> inf`` at fixed ``lambda > 0``.  A strategy then has
probability of order ``exp(-lambda S e)``, ``e`` its expected exposure to ``-inf``
entries; :func:`infinite_support` classifies strategies by that limit (module doc there)
and the QRE of the game restricted to the surviving strategies is traced, the others
having probability exactly zero.  At ``lambda = 0`` play stays uniform over all
strategies: the branch jumps there, as the limit says it must.

Examples
--------
Matching pennies: the uniform profile is the QRE at every ``lambda``.

>>> import numpy as np
>>> A = np.array([[[1.0, -1.0], [-1.0, 1.0]]])
>>> branch = logit_branch(A, -A, [0.0, 1.0, 100.0])
>>> branch.x[0].round(9).tolist()
[[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]
>>> bool(branch.residual.max() < 1e-10)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["QREBranch", "infinite_support", "logit_branch", "logit_response", "qre_residual"]

#: Newton's corrector stops when every equation is below this times the game's rounding
#: scale (:meth:`_System.scale`), in log-probability units.
NEWTON_TOL = 1e-11
#: Smallest cosine between the tangents at the two ends of an accepted step.
MIN_COS = 0.9
#: Largest ratio of the second Newton correction to the first in an accepted step (above a
#: rounding floor relative to the size of the log probabilities).
MAX_CONTRACTION = 0.5
#: Largest change of any probability in an accepted step.
MAX_MOVE = 0.1


def _softmax(g: np.ndarray, alive: np.ndarray) -> np.ndarray:
    g = np.where(alive, g, -np.inf)
    g = g - g.max(axis=-1, keepdims=True)
    e = np.exp(g)
    return e / e.sum(axis=-1, keepdims=True)


def _lse(g: np.ndarray, alive: np.ndarray) -> np.ndarray:
    g = np.where(alive, g, -np.inf)
    top = g.max(axis=-1, keepdims=True)
    return top + np.log(np.exp(g - top).sum(axis=-1, keepdims=True))


def logit_response(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                   lam_A: np.ndarray, lam_B: np.ndarray,
                   alive: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The logit responses ``(softmax(lam_A A y), softmax(lam_B B^T x))`` per game.

    ``A``, ``B``: ``(G, m, n)`` finite; ``x``: ``(G, m)``; ``y``: ``(G, n)``; ``lam_A``,
    ``lam_B``: ``(G,)`` precisions in raw payoff units.  ``alive`` masks the strategies
    that may be played (the others get probability zero).
    """
    al_A, al_B = alive if alive is not None else (np.ones_like(x, bool), np.ones_like(y, bool))
    gA = lam_A[:, None] * np.einsum("gij,gj->gi", A, y)
    gB = lam_B[:, None] * np.einsum("gij,gi->gj", B, x)
    return _softmax(gA, al_A), _softmax(gB, al_B)


def qre_residual(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                 lam_A: np.ndarray, lam_B: np.ndarray,
                 alive: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Fixed-point residual ``max(|x - L_A(y)|, |y - L_B(x)|)`` per game, shape ``(G,)``.

    Zero exactly at a logit QRE; it needs no other solver to check one.
    """
    rx, ry = logit_response(A, B, x, y, lam_A, lam_B, alive)
    return np.maximum(np.abs(x - rx).max(axis=-1), np.abs(y - ry).max(axis=-1))


def infinite_support(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strategies with positive probability in the limit of ``-inf`` entries, at ``lambda > 0``.

    Treat each ``-inf`` as ``-S`` and let ``S -> inf`` at fixed ``lambda > 0``.  The log
    probability of a strategy falls like ``-lambda S e``, ``e`` its exposure (the weight the
    opponent puts on the columns where it meets ``-inf``).  So, iterating from the
    strategies exposed against *every* opposing strategy (their exposure is bounded below):

    * a strategy is *lost* (probability ``exp(-c S)``) if it is exposed to a *kept* one;
    * a strategy is *kept* (positive probability) if every opposing strategy it is
      exposed to is lost, since then ``S e -> 0``;
    * strategies exposed only to each other, neither kept nor lost, share the
      exposure and each goes to zero like ``log S / S``: not kept either.

    Returns
    -------
    keep_A, keep_B : numpy.ndarray of bool
        ``(G, m)`` and ``(G, n)``: the strategies kept.
    ok : numpy.ndarray of bool
        ``(G,)``: both players keep a strategy.  Where not, the limit is lexicographic in
        the exposures and this rule does not decide it; callers use a finite stand-in.
    """
    E_A, E_B = np.isneginf(A), np.isneginf(B)
    lost_A, lost_B = E_A.all(axis=2), E_B.all(axis=1)
    keep_A = np.zeros_like(lost_A)
    keep_B = np.zeros_like(lost_B)
    for _ in range(A.shape[1] + A.shape[2] + 1):
        keep_A = ~lost_A & ~(E_A & ~lost_B[:, None, :]).any(axis=2)
        keep_B = ~lost_B & ~(E_B & ~lost_A[:, :, None]).any(axis=1)
        new_A = lost_A | (E_A & keep_B[:, None, :]).any(axis=2)
        new_B = lost_B | (E_B & keep_A[:, :, None]).any(axis=1)
        if (new_A == lost_A).all() and (new_B == lost_B).all():
            break
        lost_A, lost_B = new_A, new_B
    ok = keep_A.any(axis=1) & keep_B.any(axis=1)
    return keep_A, keep_B, ok


@dataclass(frozen=True)
class QREBranch:
    """Points of the principal logit branch of ``G`` games at ``L`` precisions.

    Attributes
    ----------
    lam : numpy.ndarray, shape (L,)
        Precisions, in the inverse of each player's payoff unit.
    x, y : numpy.ndarray, shapes (G, L, m) and (G, L, n)
        The two players' mixed strategies.
    residual : numpy.ndarray, shape (G, L)
        Fixed-point residual (:func:`qre_residual`) of each profile.
    kept : tuple of numpy.ndarray
        ``(G, m)`` and ``(G, n)`` strategies not removed by ``-inf`` entries.
    traced : numpy.ndarray of bool, shape (G,)
        Whether the homotopy reached the largest requested precision.
    """

    lam: np.ndarray
    x: np.ndarray
    y: np.ndarray
    residual: np.ndarray
    kept: tuple[np.ndarray, np.ndarray]
    traced: np.ndarray


class _System:
    """``H(z, lambda) = z - F(z, lambda)`` of a stack of games, with its Jacobian."""

    def __init__(self, A: np.ndarray, B: np.ndarray, a_A: np.ndarray, a_B: np.ndarray,
                 keep: tuple[np.ndarray, np.ndarray]):
        self.A, self.B, self.a_A, self.a_B = A, B, a_A, a_B
        self.keep_A, self.keep_B = keep
        self.m, self.n = A.shape[1], A.shape[2]
        # the payoffs' sizes, for the corrector's tolerance (:meth:`scale`), once per game
        self.abs_A, self.abs_B = np.abs(A).max(axis=(1, 2)), np.abs(B).max(axis=(1, 2))

    def split(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m = self.m
        x = np.where(self.keep_A, np.exp(np.minimum(w[:, :m], 50.0)), 0.0)
        y = np.where(self.keep_B, np.exp(np.minimum(w[:, m:-1], 50.0)), 0.0)
        return x, y, w[:, -1]

    def scale(self, w: np.ndarray) -> np.ndarray:
        """``1 + max(|z|, lambda a |A|, lambda b |B|)`` per game: the size of the terms of ``H``.

        ``H`` is computed to about machine epsilon times this, so the corrector's tolerance is
        relative to it: with a stand-in cost ``1e4`` payoff spreads deep, the log probabilities
        of the strategies it removes reach ``-1e5`` and an absolute tolerance of ``1e-11`` lies
        below the rounding floor, where every step is rejected and the trace stalls.
        """
        lam = np.abs(w[:, -1])
        big_A = self.abs_A * lam * self.a_A
        big_B = self.abs_B * lam * self.a_B
        return 1.0 + np.maximum(np.abs(w[:, :-1]).max(axis=1), np.maximum(big_A, big_B))

    def residual(self, w: np.ndarray) -> np.ndarray:
        m = self.m
        x, y, lam = self.split(w)
        gA = (lam * self.a_A)[:, None] * np.einsum("gij,gj->gi", self.A, y)
        gB = (lam * self.a_B)[:, None] * np.einsum("gij,gi->gj", self.B, x)
        hA = np.where(self.keep_A, w[:, :m] - (gA - _lse(gA, self.keep_A)), w[:, :m])
        hB = np.where(self.keep_B, w[:, m:-1] - (gB - _lse(gB, self.keep_B)), w[:, m:-1])
        return np.concatenate([hA, hB], axis=1)

    def jacobian(self, w: np.ndarray) -> np.ndarray:
        """``[H_z, H_lambda]``, shape ``(G, N, N + 1)``."""
        m, n = self.m, self.n
        x, y, lam = self.split(w)
        Ay = np.einsum("gij,gj->gi", self.A, y)
        Bx = np.einsum("gij,gi->gj", self.B, x)
        sA = _softmax((lam * self.a_A)[:, None] * Ay, self.keep_A)
        sB = _softmax((lam * self.a_B)[:, None] * Bx, self.keep_B)
        G, N = w.shape[0], m + n
        J = np.zeros((G, N, N + 1))
        J[:, np.arange(N), np.arange(N)] = 1.0
        # d(g_i - lse(g))/dg = e_i - s; g_A = lam a_A A y, dy/dv = diag(y)
        AY = self.A * y[:, None, :]
        dA = AY - np.einsum("gk,gkj->gj", sA, AY)[:, None, :]
        BX = self.B * x[:, :, None]
        dB = BX - np.einsum("gl,gil->gi", sB, BX)[:, :, None]
        kA, kB = self.keep_A[:, :, None], self.keep_B[:, :, None]
        J[:, :m, m:N] = -np.where(kA, (lam * self.a_A)[:, None, None] * dA, 0.0)
        J[:, m:N, :m] = -np.where(kB, (lam * self.a_B)[:, None, None] * dB.transpose(0, 2, 1), 0.0)
        J[:, :m, N] = -np.where(self.keep_A, self.a_A[:, None] * (Ay - (sA * Ay).sum(1, keepdims=True)), 0.0)
        J[:, m:N, N] = -np.where(self.keep_B, self.a_B[:, None] * (Bx - (sB * Bx).sum(1, keepdims=True)), 0.0)
        return J


def _tangent(J: np.ndarray, prev: np.ndarray) -> np.ndarray:
    N = J.shape[1]
    M = np.concatenate([J, prev[:, None, :]], axis=1)
    rhs = np.zeros((J.shape[0], N + 1))
    rhs[:, N] = 1.0
    t = _solve(M, rhs)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    return np.where(((t * prev).sum(1) < 0)[:, None], -t, t)


def _solve(M: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Stacked solve; a singular system gives a zero step (its game is then not advanced)."""
    with np.errstate(all="ignore"):
        ok = np.isfinite(M).all(axis=(1, 2))
        ok[ok] = np.abs(np.linalg.det(M[ok])) > 1e-300
    out = np.zeros_like(rhs)
    if ok.any():
        out[ok] = np.linalg.solve(M[ok], rhs[ok][..., None])[..., 0]
    return out


def _trace(sys: _System, w0: np.ndarray, lam_end: float, h0: float = 0.05,
           max_steps: int = 5000) -> tuple[list[np.ndarray], np.ndarray]:
    """Arc-length continuation of every game from ``w0`` until ``lambda >= lam_end``."""
    G, N1 = w0.shape
    w = w0.copy()
    prev = np.zeros((G, N1))
    prev[:, -1] = 1.0
    h = np.full(G, h0)
    history = [w.copy()]
    active = w[:, -1] < lam_end
    for _ in range(max_steps):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        sub = _System(sys.A[idx], sys.B[idx], sys.a_A[idx], sys.a_B[idx],
                      (sys.keep_A[idx], sys.keep_B[idx]))
        t = _tangent(sub.jacobian(w[idx]), prev[idx])
        pred = w[idx] + h[idx, None] * t
        cur = pred.copy()
        done_at = np.full(idx.size, 99)
        first = np.zeros(idx.size)
        contracts = np.ones(idx.size, bool)
        for it in range(1, 7):
            H = sub.residual(cur)
            M = np.concatenate([sub.jacobian(cur), t[:, None, :]], axis=1)
            step = _solve(M, np.concatenate([-H, np.zeros((idx.size, 1))], axis=1))
            size = np.linalg.norm(step, axis=1)
            if it == 1:
                first = size
            elif it == 2:  # Newton must contract at once, else the prediction was too far
                contracts = size <= MAX_CONTRACTION * first + 1e-8 * (1.0 + np.abs(cur).max(axis=1))
            cur = cur + step
            with np.errstate(invalid="ignore"):
                converged = np.abs(sub.residual(cur)).max(axis=1) < NEWTON_TOL * sub.scale(cur)
            done_at = np.where(converged & (done_at == 99), it, done_at)
            if (done_at < 99).all():
                break
        good = done_at < 99
        good &= np.isfinite(cur).all(axis=1)
        # Guards against jumping to another part of the curve (Allgower & Georg 1990, ch. 6):
        # the corrector stays near the prediction and contracts, no probability moves by more
        # than MAX_MOVE, and the curve turns by less than ~14 degrees in a step.
        good &= np.linalg.norm(cur - pred, axis=1) < 0.3 * h[idx] + 1e-9
        good &= contracts
        x_old, y_old, _ = sub.split(w[idx])
        x_new, y_new, _ = sub.split(np.where(np.isfinite(cur), cur, 0.0))
        moved = np.maximum(np.abs(x_new - x_old).max(1), np.abs(y_new - y_old).max(1))
        good &= moved < MAX_MOVE
        t_new = _tangent(sub.jacobian(np.where(good[:, None], cur, w[idx])), t)
        good &= (t_new * t).sum(axis=1) > MIN_COS
        acc, rej = idx[good], idx[~good]
        w[acc] = cur[good]
        prev[acc] = t_new[good]
        quick, slow = done_at[good] <= 2, done_at[good] > 4
        h[acc] = np.where(quick, h[acc] * 2.0, np.where(slow, h[acc] * 0.7, h[acc]))
        h[rej] *= 0.5
        active &= (w[:, -1] < lam_end) & (h > 1e-10)
        history.append(w.copy())
    return history, w[:, -1] >= lam_end


def _newton_fixed(sys: _System, w: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Newton's method on ``H(z, lambda) = 0`` at the fixed ``lambda = w[:, -1]``."""
    N = w.shape[1] - 1
    for _ in range(iterations):
        H = sys.residual(w)
        if (np.abs(H).max(axis=1, initial=0.0) < NEWTON_TOL * sys.scale(w)).all():
            break
        dz = _solve(sys.jacobian(w)[:, :, :N], -H)
        w = w.copy()
        w[:, :N] += dz
    return w


def logit_branch(A: np.ndarray, B: np.ndarray, lambdas: Sequence[float] | np.ndarray,
                 unit: tuple[np.ndarray, np.ndarray] | None = None) -> QREBranch:
    """The principal branch of the logit QRE of ``G`` bimatrix games at precisions ``lambdas``.

    Parameters
    ----------
    A, B : numpy.ndarray
        Payoffs, shape ``(G, m, n)`` (or ``(m, n)`` for one game); ``-inf`` entries are
        infinite costs (module doc), ``+inf`` and NaN are not allowed.
    lambdas : sequence of float
        Non-negative finite precisions in the inverse payoff unit.
    unit : tuple of numpy.ndarray, optional
        Each player's payoff unit per game, ``(G,)`` each; default 1.

    Returns
    -------
    QREBranch
        Both players' strategies on the branch (first crossing of each ``lambda``) and the
        fixed-point residual of each.
    """
    A, B = np.asarray(A, float), np.asarray(B, float)
    if A.ndim == 2:
        A, B = A[None], B[None]
    if np.isnan(A).any() or np.isnan(B).any() or np.isposinf(A).any() or np.isposinf(B).any():
        raise ValueError("payoffs must be finite or -inf")
    lam = np.asarray(lambdas, float)
    if lam.ndim != 1 or (lam < 0).any() or not np.isfinite(lam).all():
        raise ValueError("lambdas must be a 1-D array of finite non-negative numbers")
    G, m, n = A.shape
    u_A, u_B = (np.ones(G), np.ones(G)) if unit is None else (
        np.broadcast_to(np.asarray(unit[0], float), (G,)), np.broadcast_to(np.asarray(unit[1], float), (G,)))
    keep_A, keep_B, ok = infinite_support(A, B)
    keep_A = np.where(ok[:, None], keep_A, True)
    keep_B = np.where(ok[:, None], keep_B, True)
    if not ok.all():
        raise ValueError("a player meets -inf against every kept strategy of the other; "
                         "replace the -inf entries by a finite stand-in for these games")
    # entries against lost strategies are weighted by probability zero
    A0 = np.where(np.isfinite(A), A, 0.0)
    B0 = np.where(np.isfinite(B), B, 0.0)
    sys = _System(A0, B0, 1.0 / u_A, 1.0 / u_B, (keep_A, keep_B))
    w0 = np.zeros((G, m + n + 1))
    w0[:, :m] = np.where(keep_A, -np.log(keep_A.sum(1, keepdims=True)), 0.0)
    w0[:, m:m + n] = np.where(keep_B, -np.log(keep_B.sum(1, keepdims=True)), 0.0)
    top = float(lam.max(initial=0.0))
    with np.errstate(over="ignore", invalid="ignore"):  # rejected Newton steps may overflow
        history, traced = _trace(sys, w0, top) if top > 0 else ([w0], np.ones(G, bool))
    hist = np.stack(history)  # (S, G, N+1)
    L = lam.size
    # first crossing of each requested lambda, interpolated, then corrected at fixed lambda
    reached = hist[:, :, -1][:, :, None] >= lam[None, None, :]  # (S, G, L)
    s1 = np.where(reached.any(0), np.argmax(reached, axis=0), hist.shape[0] - 1)
    s0 = np.maximum(s1 - 1, 0)
    g = np.arange(G)[:, None]
    w1, wa = hist[s1, g], hist[s0, g]  # (G, L, N+1)
    span = w1[..., -1] - wa[..., -1]
    frac = np.where(span > 0, (lam[None, :] - wa[..., -1]) / np.where(span > 0, span, 1.0), 1.0)
    start = wa + np.clip(frac, 0.0, 1.0)[..., None] * (w1 - wa)
    start[..., -1] = lam[None, :]
    rep = lambda a: np.repeat(a, L, axis=0)  # noqa: E731
    fixed = _System(rep(A0), rep(B0), rep(1.0 / u_A), rep(1.0 / u_B), (rep(keep_A), rep(keep_B)))
    start = start.reshape(G * L, -1)
    with np.errstate(over="ignore", invalid="ignore"):
        w = _newton_fixed(fixed, start)
    # never a NaN: a correction that diverged keeps the traced point, and its residual says so
    w = np.where(np.isfinite(w).all(axis=1, keepdims=True), w, start)
    # Normalised in log space: a point whose log probabilities all lie below the exponent's
    # range (a stalled trace far off the branch) would otherwise divide zero by zero.
    x = _softmax(w[:, :m], fixed.keep_A)
    y = _softmax(w[:, m:m + n], fixed.keep_B)
    res = qre_residual(fixed.A, fixed.B, x, y, w[:, -1] * fixed.a_A, w[:, -1] * fixed.a_B,
                       (fixed.keep_A, fixed.keep_B))
    zero = lam == 0  # uniform over every strategy at lambda = 0, infinite costs or not
    x, y = x.reshape(G, L, m), y.reshape(G, L, n)
    x[:, zero], y[:, zero] = 1.0 / m, 1.0 / n
    res = np.where(zero[None, :], 0.0, res.reshape(G, L))
    return QREBranch(lam, x, y, res, (keep_A, keep_B), traced)

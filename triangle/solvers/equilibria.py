"""Nash equilibria of the meta-game, with guards against the known solver pitfalls.

Three backends share one output format (padded arrays, see :class:`EquilibriumBatch`):

* ``"nashpy"``: the reference.  Support enumeration *and* vertex enumeration of nashpy
  (Knight & Campbell 2018), unioned, each candidate cleaned (probabilities in
  ``[-tol, 0)`` set to zero and renormalised: nashpy's ``>= 0`` test has no tolerance and
  silently drops equilibria) and kept only if it passes a best-response check.
* ``"batched"``: :mod:`triangle.solvers.batched`, all games at once in numpy;
* ``"admissible"``: the same engine on each game reduced by its weakly dominated
  strategies, which gives exactly the admissible equilibria (:func:`solve_batch`).

Lemke–Howson (Lemke & Howson 1964) is available for one game with a bound on pivots,
because nashpy's own loop may not terminate on larger games.

Degeneracy (von Stengel 2002: some mixed strategy with support size ``k`` has more than
``k`` pure best responses) is detected at every pure strategy and at every equilibrium
found.  In degenerate games the equilibria may form a continuum; we report the extreme
equilibria found and group them into connected sets: two equilibria ``(x1, y1)`` and
``(x2, y2)`` lie in one convex Nash subset when ``(x1, y2)`` and ``(x2, y1)`` are also
equilibria (Jansen 1981; Millham 1974).

>>> import numpy as np
>>> eqs = game_equilibria(np.array([[3., 0.], [0., 2.]]), np.array([[2., 0.], [0., 3.]]))
>>> len(eqs.equilibria), eqs.degenerate
(3, False)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from triangle.common.rows import PER_POINT

TOL = 1e-9


def clean(v: np.ndarray, tol: float = TOL) -> np.ndarray | None:
    """Clip probabilities in ``[-tol, 0)`` to zero and renormalise; ``None`` if not a distribution."""
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or not np.all(np.isfinite(v)) or np.any(v < -tol):
        return None
    v = np.where(v < tol, 0.0, v)
    total = v.sum()
    return v / total if total > 0 else None


def is_equilibrium(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                   tol: float = TOL) -> bool:
    """Best-response check: every pure strategy played is within ``tol`` of the best reply.

    The tolerance scales with the best reply's value, not with the whole matrix, so that the
    very low payoffs of a stand-in for an existential cost cannot loosen the test.
    """
    return bool(best_replies_hold(A[None], B[None], x[None, None], y[None, None], tol)[0, 0])


def near_best(payoffs: np.ndarray, axis: int, tol: float = TOL) -> np.ndarray:
    """Entries within ``tol (1 + |best|)`` of the largest along ``axis``: the best replies.

    The tolerance scales with the best reply's value, so that very low payoffs elsewhere (a
    stand-in for an existential cost) cannot loosen it.
    """
    best = payoffs.max(axis=axis, keepdims=True)
    return payoffs >= best - tol * (1.0 + np.abs(best))


def is_degenerate(A: np.ndarray, B: np.ndarray, equilibria: list, tol: float = TOL) -> bool:
    """Degeneracy visible at a pure strategy or at one of the given equilibria (von Stengel 2002)."""
    if _ties(A[None], 1, tol)[0] or _ties(B.T[None], 1, tol)[0]:
        return True
    for x, y in equilibria:
        if near_best(A @ y, -1, tol).sum() > (y > 0).sum():
            return True
        if near_best(x @ B, -1, tol).sum() > (x > 0).sum():
            return True
    return False


def connected_sets(A: np.ndarray, B: np.ndarray, equilibria: list, tol: float = TOL) -> list:
    """Group equilibria into convex Nash subsets by interchangeability (Jansen 1981).

    Returns a list of lists of indices; a group with more than one member spans a continuum.
    """
    n = len(equilibria)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a in range(n):
        for b in range(a + 1, n):
            (x1, y1), (x2, y2) = equilibria[a], equilibria[b]
            if is_equilibrium(A, B, x1, y2, tol) and is_equilibrium(A, B, x2, y1, tol):
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def lemke_howson(A: np.ndarray, B: np.ndarray, initial_dropped_label: int = 0,
                 max_pivots: int = 1000) -> tuple[np.ndarray, np.ndarray] | None:
    """One equilibrium by Lemke–Howson complementary pivoting, or ``None`` past ``max_pivots``.

    nashpy's tableaux (Nisan et al. 2007, Algorithm 3.6) driven by a bounded loop, since the
    unbounded loop can cycle; the result is cleaned and best-response checked.
    """
    from nashpy.algorithms.lemke_howson import create_col_tableau, create_row_tableau

    col_tableau = create_col_tableau(A, True)
    row_tableau = create_row_tableau(B, True)
    order = [row_tableau, col_tableau]
    if initial_dropped_label not in row_tableau.non_basic_variables:
        order.reverse()
    full_labels = col_tableau.labels
    entering = initial_dropped_label
    for pivot in range(max_pivots):
        entering = order[pivot % 2].pivot_and_drop_label(entering)
        labels = col_tableau.non_basic_variables | row_tableau.non_basic_variables
        if labels == full_labels:
            x = clean(row_tableau.to_strategy(col_tableau.non_basic_variables))
            y = clean(col_tableau.to_strategy(row_tableau.non_basic_variables))
            if x is None or y is None or x.shape != (A.shape[0],) or y.shape != (A.shape[1],):
                return None
            return (x, y) if is_equilibrium(A, B, x, y) else None
    return None


def _add_unique(found: list, x: np.ndarray, y: np.ndarray, atol: float = 1e-7) -> None:
    for fx, fy in found:
        if np.allclose(fx, x, atol=atol) and np.allclose(fy, y, atol=atol):
            return
    found.append((x, y))


@dataclass(frozen=True)
class GameEquilibria:
    """All equilibria found for one bimatrix game and how they were found.

    Attributes
    ----------
    equilibria : list of (x, y)
        Verified equilibria, sorted (pure first, then lexicographically).
    degenerate : bool
        Whether degeneracy was detected; then the set may be a continuum.
    components : list of list of int
        Connected convex Nash subsets (indices into ``equilibria``).
    method : str
        The backend and methods used.
    notes : tuple of str
        What the cross-checks found (e.g. an equilibrium one nashpy method missed).
    """

    equilibria: list
    degenerate: bool
    components: list
    method: str
    notes: tuple = field(default=())

    @property
    def continuum(self) -> bool:
        """Whether some connected set holds more than one extreme equilibrium."""
        return any(len(c) > 1 for c in self.components)


def _sort_key(eq: tuple[np.ndarray, np.ndarray]) -> tuple:
    x, y = eq
    support = int((x > 0).sum() + (y > 0).sum())
    return (support, tuple(-np.round(x, 9)), tuple(-np.round(y, 9)))


def game_equilibria(A: np.ndarray, B: np.ndarray, tol: float = TOL) -> GameEquilibria:
    """All equilibria of one game with nashpy: support ∪ vertex enumeration, cleaned and verified.

    Parameters
    ----------
    A, B : numpy.ndarray
        Finite payoff matrices of the row and the column player.
    tol : float
        Tolerance of the cleaning and of the best-response check (relative to payoff scale).
    """
    import nashpy  # imports scipy.optimize (0.4 s): loaded only when the reference runs

    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    game = nashpy.Game(A, B)
    by_method: dict[str, list] = {"support": [], "vertex": []}
    runs = (("support", lambda: game.support_enumeration(tol=tol)),
            ("vertex", game.vertex_enumeration))
    for name, run in runs:
        try:
            with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)  # nashpy's degeneracy notices
                candidates = list(run())
            for x, y in candidates:
                cx, cy = clean(x, tol), clean(y, tol)
                if cx is not None and cy is not None and is_equilibrium(A, B, cx, cy, tol):
                    _add_unique(by_method[name], cx, cy)
        except (ValueError, np.linalg.LinAlgError):  # nashpy fails on some degenerate games
            continue
    found: list = []
    for eqs in by_method.values():
        for x, y in eqs:
            _add_unique(found, x, y)
    notes = tuple(f"nashpy {name} enumeration found {len(eqs)} of {len(found)}"
                  for name, eqs in by_method.items() if len(eqs) != len(found))
    found.sort(key=_sort_key)
    return GameEquilibria(found, is_degenerate(A, B, found, tol),
                          connected_sets(A, B, found, tol), "nashpy support+vertex", notes)


@dataclass(frozen=True)
class EquilibriumBatch:
    """Equilibria of ``n`` games in padded arrays (one layout for every backend).

    ``x[g, e]`` and ``y[g, e]`` are the strategies of equilibrium ``e`` of game ``g``;
    ``valid[g, e]`` says whether slot ``e`` is used; ``degenerate[g]`` flags the game.
    """

    x: np.ndarray
    y: np.ndarray
    valid: np.ndarray
    degenerate: np.ndarray
    method: str
    games: tuple = field(default=(), metadata=PER_POINT)  # per-game GameEquilibria (nashpy only)


def solve_batch(A: np.ndarray, B: np.ndarray, backend: str = "batched", tol: float = TOL,
                unit: tuple[np.ndarray, np.ndarray] | None = None) -> EquilibriumBatch:
    """Equilibria of many games ``A, B`` of shape ``(n, k, l)`` with the chosen backend.

    ``unit``: each player's payoff unit per game for the batched engine (see
    :func:`triangle.solvers.batched.batched_equilibria`); nashpy does not use it.
    """
    if backend == "batched":
        from triangle.solvers.batched import batched_equilibria

        out = batched_equilibria(A, B, tol=tol, unit=unit)
        return EquilibriumBatch(out.x, out.y, out.valid, out.degenerate, "batched support")
    if backend == "admissible":
        return _admissible_batch(A, B, tol, unit)
    if backend != "nashpy":
        raise ValueError(f"unknown solver backend {backend!r}; use 'nashpy', 'batched' or "
                         "'admissible'")
    per_game = [game_equilibria(a, b, tol) for a, b in zip(A, B, strict=True)]
    width = max(1, max(len(g.equilibria) for g in per_game))
    n, k, m = A.shape
    x, y = np.zeros((n, width, k)), np.zeros((n, width, m))
    valid = np.zeros((n, width), dtype=bool)
    for g, result in enumerate(per_game):
        for e, (xe, ye) in enumerate(result.equilibria):
            x[g, e], y[g, e], valid[g, e] = xe, ye, True
    degenerate = np.array([g.degenerate for g in per_game])
    return EquilibriumBatch(x, y, valid, degenerate, "nashpy support+vertex", tuple(per_game))


def _assemble(shape: tuple[int, int, int], pieces: list, degenerate: np.ndarray,
              method: str) -> EquilibriumBatch:
    """Padded arrays from ``(games, x, y, valid)`` pieces; a later piece replaces the rows of
    an earlier one for the same games."""
    n, k, m = shape
    width = max([1] + [piece[3].shape[1] for piece in pieces])
    X, Y = np.zeros((n, width, k)), np.zeros((n, width, m))
    valid = np.zeros((n, width), dtype=bool)
    for games, x, y, ok in pieces:
        w = ok.shape[1]
        X[games], Y[games], valid[games] = 0.0, 0.0, False
        X[games, :w], Y[games, :w], valid[games, :w] = x, y, ok
    return EquilibriumBatch(X, Y, valid, degenerate, method)


def _admissible_batch(A: np.ndarray, B: np.ndarray, tol: float,
                      unit: tuple[np.ndarray, np.ndarray] | None) -> EquilibriumBatch:
    """The admissible equilibria only: those whose supports avoid weakly dominated strategies.

    Each game is reduced by deleting its weakly dominated pure strategies.  Weak dominance
    by pure strategies is a strict partial order, so every deleted strategy is dominated by
    a kept one and is never a better reply than it: the equilibria of the reduced game are
    exactly the admissible equilibria of the whole game, continua included (the admissible
    part of a Nash component is a face of it, so its extreme points are extreme points of
    the whole game).  Each is still checked against the whole game; where one fails (the
    tolerances of the dominance test and of the check disagree) or none is found, the whole
    game is solved instead.  ``degenerate`` reports the whole game's ties at pure
    strategies.  Far cheaper than ``"batched"`` when strategies that break at once make
    every game degenerate: they are usually dominated.
    """
    from triangle.solvers.batched import batched_equilibria

    n, k, m = A.shape
    dom_T, dom_P = weakly_dominated(A, B, tol)
    # tolerance could in principle let every strategy look dominated: then delete nothing
    dom_T[dom_T.all(axis=1)] = False
    dom_P[dom_P.all(axis=1)] = False
    keys, which = np.unique(np.concatenate([dom_T, dom_P], axis=1), axis=0, return_inverse=True)
    which = which.reshape(-1)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    fallback = np.zeros(n, dtype=bool)
    for p, key in enumerate(keys):  # one reduced shape per pattern of dominated strategies
        games = np.flatnonzero(which == p)
        rows, cols = np.flatnonzero(~key[:k]), np.flatnonzero(~key[k:])
        out = batched_equilibria(A[games][:, rows][:, :, cols], B[games][:, rows][:, :, cols], tol,
                                 None if unit is None else (unit[0][games], unit[1][games]))
        x = np.zeros((*out.x.shape[:2], k))
        y = np.zeros((*out.y.shape[:2], m))
        x[:, :, rows], y[:, :, cols] = out.x, out.y
        ok = out.valid & best_replies_hold(A[games], B[games], x, y, tol)
        # A deleted strategy is dominated by a kept one, so it is never a better reply: each
        # equilibrium of the reduced game passes, continua included.  One that fails means
        # the tolerances disagreed, and the whole game decides.
        fallback[games] = (out.valid & ~ok).any(axis=1) | ~ok.any(axis=1)
        parts.append((games, x, y, ok))
    if fallback.any():
        full = batched_equilibria(A[fallback], B[fallback], tol,
                                  None if unit is None else (unit[0][fallback], unit[1][fallback]))
        keep = full.valid & ~uses_dominated(full.x, full.y, dom_T[fallback], dom_P[fallback])
        keep = np.where(keep.any(axis=1, keepdims=True), keep, full.valid)  # none admissible
        parts.append((np.flatnonzero(fallback), full.x, full.y, keep))
    ties = (_ties(A, axis=1) | _ties(np.swapaxes(B, 1, 2), axis=1))
    return _assemble((n, k, m), parts, ties, "admissible (reduced games)")


def _ties(P: np.ndarray, axis: int, tol: float = TOL) -> np.ndarray:
    """Games in which some opposing pure strategy has two pure best replies."""
    return (near_best(P, axis, tol).sum(axis=axis) > 1).any(axis=1)


def best_replies_hold(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                      tol: float = TOL) -> np.ndarray:
    """Per game and slot: every supported strategy is within ``tol`` of the best reply.

    ``A, B``: ``(n, k, l)``; ``x``: ``(n, K, k)``; ``y``: ``(n, K, l)`` -> ``(n, K)``.  Every
    strategy in the support must be a best reply (as nashpy checks it), not just the average:
    a tiny weight on a worse strategy would pass an average test.
    """
    row = np.einsum("gij,gsj->gsi", A, y)
    col = np.einsum("gsi,gij->gsj", x, B)
    ok_r = np.all((x <= 0) | near_best(row, 2, tol), axis=2)
    ok_c = np.all((y <= 0) | near_best(col, 2, tol), axis=2)
    return ok_r & ok_c


def uses_dominated(x: np.ndarray, y: np.ndarray, dom_T: np.ndarray, dom_P: np.ndarray
                   ) -> np.ndarray:
    """Per game and slot: whether the equilibrium puts weight on a dominated strategy."""
    return (np.einsum("gsi,gi->gs", x, dom_T.astype(float)) > 0) | (
        np.einsum("gsj,gj->gs", y, dom_P.astype(float)) > 0)


def weakly_dominated(A: np.ndarray, B: np.ndarray, tol: float = TOL) -> tuple[np.ndarray, np.ndarray]:
    """Pure strategies weakly dominated by another pure strategy, per game.

    Returns masks of shape ``(n, k)`` for the row player and ``(n, l)`` for the column
    player.  Used to keep admissible equilibria: in two-player games the perfect
    equilibria are the equilibria in undominated strategies (van Damme 1991, Thm 3.2.2);
    checking dominance by pure strategies only is a documented simplification.
    """
    def dominated(P: np.ndarray) -> np.ndarray:  # rows of P dominated by another row
        diff = P[:, None, :, :] - P[:, :, None, :]  # [g, i, i', j] = P[i', j] - P[i, j]
        # compared entry by entry, so huge stand-in payoffs elsewhere cannot blur the test
        s = tol * (1.0 + np.maximum(np.abs(P[:, None, :, :]), np.abs(P[:, :, None, :])))
        return np.any(np.all(diff >= -s, axis=3) & np.any(diff > s, axis=3), axis=2)

    return dominated(A), dominated(np.swapaxes(B, 1, 2))

"""The nashpy reference (Knight & Campbell 2018), guarded, and the backend built on it.

nashpy's support enumeration and vertex enumeration are run on each game in its payoff
units (:mod:`triangle.solvers.tolerance`; shifted to be positive, as vertex enumeration
needs), unioned, each candidate cleaned (probabilities in ``[-tol, 0)`` set to zero and
renormalised: nashpy's ``>= 0`` test has no tolerance and silently drops equilibria) and
kept only if it passes the best-reply check.  Either method may fail outright on degenerate
or constant games (a ``TypeError`` from vertex enumeration, Qhull errors QH6023/QH6050 from
scipy, a ``ValueError`` or a singular matrix): the failure is caught and said in ``notes``,
never raised.  Support enumeration also misses the extreme equilibria of degenerate games
whose supports differ in size (von Stengel 2007, sect. 3.5).

Both methods run through :mod:`triangle.solvers.nashpy_methods`: nashpy's own functions,
yielding exactly what ``nashpy.Game``'s methods yield, without the work nashpy repeats or
discards (it rebuilds the column player's best-response polytope for every vertex of the row
player's, and tries supports of unequal size, whose systems it then rejects).  nashpy sees
the whole game: nothing is reduced.

nashpy's support enumeration stands for ``(2^k - 1)(2^l - 1)`` pairs of non-empty supports:
3,969 at 6x6 but 65,025 at 8x8, of which the 923 and 12,869 of equal size are solved (about
0.07 s and 1.1 s per game on the model's meta-games of those sizes; nashpy's own loop takes
0.3 s and 5.5 s).  The backend therefore runs it only up to :data:`MAX_SUPPORT_PAIRS` pairs
and vertex enumeration alone above, saying so in ``notes``; ``methods=BOTH`` (what
``triangle check`` asks for) runs both at any size.

The ``nashpy`` backend never reports less than the batched engine: it returns the union of
nashpy's equilibria and the engine's, each marked by source (``nashpy``, ``batched`` or
``nashpy+batched``), and ``notes`` says what nashpy missed.

>>> import numpy as np
>>> A, B = np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[0.0, 0.0], [1.0, 2.0]])
>>> eq = solve(A[None], B[None])
>>> [(x.round(9).tolist(), y.round(9).tolist()) for x, y in eq.of_game(0)], eq.source[0].tolist()
([([1.0, 0.0], [0.0, 1.0]), ([1.0, 0.0], [0.5, 0.5])], ['nashpy+batched', 'nashpy+batched'])
"""

from __future__ import annotations

import warnings

import numpy as np

from triangle.common import status
from triangle.solvers import nashpy_methods
from triangle.solvers.batched import batched_equilibria
from triangle.solvers.components import connected_sets, is_degenerate
from triangle.solvers.result import Equilibria, GameEquilibria, padded, sort_key
from triangle.solvers.tolerance import TOL, best_replies_hold, clean, in_units

METHOD = "nashpy support+vertex"
#: nashpy's two methods, in the order they run.
BOTH = ("support", "vertex")
#: Most support pairs for which the backend runs support enumeration (6x6: 3,969; 7x7: 16,129).
MAX_SUPPORT_PAIRS = 4096


def support_pairs(k: int, l: int) -> int:
    """Number of support pairs nashpy's support enumeration tries: ``(2^k - 1)(2^l - 1)``."""
    return (2**k - 1) * (2**l - 1)


def default_methods(k: int, l: int) -> tuple[str, ...]:
    """Both methods up to :data:`MAX_SUPPORT_PAIRS` support pairs, vertex enumeration above."""
    return BOTH if support_pairs(k, l) <= MAX_SUPPORT_PAIRS else ("vertex",)


def find_pair(found: list, x: np.ndarray, y: np.ndarray, atol: float = 1e-7,
              rtol: float = 1e-5) -> int | None:
    """Index of the first equilibrium of ``found`` whose probabilities both agree with
    ``(x, y)`` to ``atol + rtol |.|`` (:func:`numpy.allclose`), or ``None``."""
    if not found:
        return None
    # numpy.allclose's own test, |a - b| <= atol + rtol |b|, on all of found at once
    fx, fy = np.array([f[0] for f in found]), np.array([f[1] for f in found])
    x, y = np.asarray(x), np.asarray(y)
    hits = np.all(np.abs(fx - x) <= atol + rtol * np.abs(x), axis=1) \
        & np.all(np.abs(fy - y) <= atol + rtol * np.abs(y), axis=1)
    return int(np.argmax(hits)) if hits.any() else None


def _add_unique(found: list, x: np.ndarray, y: np.ndarray, atol: float = 1e-7) -> int:
    """Index of ``(x, y)`` in ``found``, appending it if new."""
    i = find_pair(found, x, y, atol)
    if i is None:
        found.append((x, y))
        i = len(found) - 1
    return i


def clean_rows(V: np.ndarray, tol: float = TOL) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~triangle.solvers.tolerance.clean` of every row of ``V`` at once.

    Returns the cleaned rows and a mask of the rows that are distributions (where
    ``clean`` would return ``None``, the row is left as it is and the mask is false).
    """
    ok = np.isfinite(V).all(axis=1) & ~np.any(V < -tol, axis=1)
    W = np.where(V < tol, 0.0, V)
    total = W.sum(axis=1)
    ok &= total > 0
    return np.where(ok[:, None], W / np.where(ok, total, 1.0)[:, None], V), ok


def _unit_pair(unit: tuple[float, float] | None) -> tuple:
    return (None, None) if unit is None else (np.array([unit[0]]), np.array([unit[1]]))


def game_equilibria(A: np.ndarray, B: np.ndarray, tol: float = TOL,
                    unit: tuple[float, float] | None = None,
                    methods: tuple[str, ...] | None = None) -> GameEquilibria:
    """All equilibria nashpy finds in one game: support ∪ vertex enumeration, verified.

    Parameters
    ----------
    A, B : numpy.ndarray
        Finite payoff matrices of the row and the column player.
    tol : float
        Tolerance of the cleaning and of the best-reply check, in payoff units.
    unit : (float, float), optional
        Each player's payoff unit (default: the payoff ranges).
    methods : tuple of {"support", "vertex"}, optional
        nashpy's methods to run; default :func:`default_methods` (a method left out for the
        game's size is named in ``notes``).

    Returns
    -------
    GameEquilibria
        Never raises on a finite game: a method that fails or misses is named in ``notes``.
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    ua, ub = _unit_pair(unit)
    # payoff units, shifted to be >= 1: vertex enumeration needs positive payoffs
    Au, Bu = in_units(A[None], ua)[0] + 1.0, in_units(B[None], ub)[0] + 1.0
    chosen = default_methods(*A.shape) if methods is None else tuple(methods)
    by_method: dict[str, list] = {name: [] for name in BOTH if name in chosen}
    failed: dict[str, str] = {}
    # nashpy's methods without their idle work, yielding exactly what nashpy.Game's yield;
    # they import nashpy, and with it scipy.optimize (0.4 s), only when the reference runs
    runs = {"support": lambda: nashpy_methods.support_enumeration(Au, Bu, tol=tol),
            "vertex": lambda: nashpy_methods.vertex_enumeration(Au, Bu)}
    for name in by_method:
        run = runs[name]
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)  # nashpy's degeneracy notices
                candidates = list(run())
        except Exception as exc:  # any failure of the reference is reported
            failed[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            continue
        xs, ys = [], []
        if candidates:  # a degenerate game gives thousands (2,200 for 6 equilibria, flagship)
            shapes_ok = all(np.shape(x) == (A.shape[0],) and np.shape(y) == (A.shape[1],)
                            for x, y in candidates)
            if shapes_ok:
                cx, okx = clean_rows(np.array([x for x, _ in candidates], dtype=float), tol)
                cy, oky = clean_rows(np.array([y for _, y in candidates], dtype=float), tol)
                xs, ys = list(cx[okx & oky]), list(cy[okx & oky])
            else:  # a vector of the wrong length is dropped, the others kept
                for x, y in candidates:
                    cx, cy = clean(x, tol), clean(y, tol)
                    if cx is not None and cy is not None and cx.shape == (A.shape[0],) \
                            and cy.shape == (A.shape[1],):
                        xs.append(cx)
                        ys.append(cy)
        if xs:  # one best-reply check of every candidate at once (thousands in degenerate games)
            X, Y = np.array(xs)[None], np.array(ys)[None]
            ok = best_replies_hold(A[None], B[None], X, Y, (ua, ub), tol)[0]
            for i in np.flatnonzero(ok):
                _add_unique(by_method[name], X[0, i], Y[0, i])
    found: list = []
    for eqs in by_method.values():
        for x, y in eqs:
            _add_unique(found, x, y)
    notes = []
    if "support" not in by_method:
        notes.append(f"nashpy support enumeration not run ({A.shape[0]}x{A.shape[1]}: "
                     f"{support_pairs(*A.shape)} support pairs; vertex enumeration only)")
    notes += [f"nashpy {name} enumeration failed ({why})" for name, why in failed.items()]
    notes += [f"nashpy {name} enumeration found {len(eqs)} of {len(found)}"
              for name, eqs in by_method.items() if name not in failed and len(eqs) != len(found)]
    found.sort(key=sort_key)
    return GameEquilibria(found, is_degenerate(A, B, found, unit, tol),
                          connected_sets(A, B, found, unit, tol), METHOD, tuple(notes))


def solve(A: np.ndarray, B: np.ndarray, unit: tuple[np.ndarray, np.ndarray] | None = None
          ) -> Equilibria:
    """Registry entry: nashpy's equilibria of each game united with the batched engine's.

    Every equilibrium is marked by source; where nashpy missed some that the engine found,
    or failed, the game's ``notes`` say so.  The union is complete (the engine's set is).
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    n, k, m = A.shape
    engine = batched_equilibria(A, B, TOL, unit)
    per_game, sources, games = [], [], []
    for g in range(n):
        u = None if unit is None else (float(unit[0][g]), float(unit[1][g]))
        with status.step(f"nashpy on game {g + 1} of {n} ({k}x{m})" if n > 1 else
                         f"nashpy on the {k}x{m} game"):
            ref = game_equilibria(A[g], B[g], TOL, u)
        union = list(ref.equilibria)
        marks = ["nashpy"] * len(union)
        missed = 0
        for x, y in engine.of_game(g):
            i = _add_unique(union, x, y)
            if i == len(marks):
                marks.append("batched")
                missed += 1
            else:
                marks[i] = "nashpy+batched"
        order = sorted(range(len(union)), key=lambda i: sort_key(union[i]))
        union, marks = [union[i] for i in order], [marks[i] for i in order]
        notes = ref.notes + ((f"nashpy missed {missed} of {len(union)} equilibria; the batched "
                              "engine's are added, marked 'batched'",) if missed else ())
        degenerate = ref.degenerate or bool(engine.degenerate[g])
        games.append(GameEquilibria(union, degenerate, connected_sets(A[g], B[g], union, u),
                                    f"{METHOD} + batched", notes, tuple(marks)))
        per_game.append(union)
        sources.append(marks)
    x, y, valid = padded(per_game, k, m)
    source = np.full(valid.shape, "", dtype=object)
    for g, marks in enumerate(sources):
        source[g, : len(marks)] = marks
    degenerate = np.array([gm.degenerate for gm in games], dtype=bool)
    return Equilibria(x, y, valid, degenerate, f"{METHOD} + batched", None, source, tuple(games))

"""Compare two scenarios: which claims carry the difference between their verdicts.

Two scenarios A and B (say, the essay's and the optimists') differ in some parameters.  Their
claims (:mod:`triangle.scenario.claims`) group those parameters into ``k`` *players*; a
parameter that differs but belongs to no claim is a player of its own.  For every coalition
``S`` of players, the *hybrid* scenario takes B's values for the players in ``S`` and A's for
the rest, so the empty coalition is A and the grand coalition is B.  All ``2^k`` hybrids are
evaluated in one vectorised batch (:func:`triangle.analysis.sweep.evaluate_table`).

* **Shapley values** (Shapley 1953) of each player's contribution to the change of a measure
  ``v`` (the wedge margin, the divider's present value):

  ``phi_i = sum_{S not containing i} |S|! (k - |S| - 1)! / k! * (v(S + i) - v(S))``,

  exact over all coalitions for ``k <= 12``; above, estimated from seeded random orderings
  (Castro, Gómez & Tejada 2009) with the standard error of the mean marginal contribution.
  They add up to ``v(B) - v(A)`` (efficiency) and are zero for a player that never changes
  ``v`` (the dummy axiom).
* **Infinite measures.**  A margin is ``-inf`` where a schism cost is existential.  Such a
  value is read lexicographically as ``c * inf + f``, with ``c`` in {-1, 0, 1} and the finite
  part ``f`` (0 where ``v`` is infinite); the Shapley value is linear, so each player gets a
  share ``phi_c`` of the infinite change and ``phi_f`` of the finite one, both finite numbers
  that add up to ``c(B) - c(A)`` and ``f(B) - f(A)``.  Its value is ``sign(phi_c) * inf`` where
  ``phi_c != 0``, else ``phi_f``.  No NaN comes out.
* **Flipping sets**: the coalitions whose switch turns A's outcome into B's, in the sense of
  ``flip``: ``"success"`` (success or not; the default) or ``"verdict"`` (the exact verdict).
  A set is *minimal* when no proper subset flips.  A player is *necessary* when every
  flipping set contains it, *sufficient* when switching it alone flips the outcome.

Settings (names, the strategy list, the selection rule, the mode) are not numbers that can be
mixed: the hybrids keep A's, and the comparison lists those that differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import factorial
from typing import Any

import numpy as np
import pandas as pd

from triangle.analysis.probability import wilson
from triangle.analysis.sweep import evaluate_table
from triangle.common.numbers import fmt
from triangle.scenario.files import Scenario
from triangle.wedge.solve import record

MEASURES = ("margin", "pv_divider")
FLIPS = ("success", "verdict")
EXACT_MAX = 12


@dataclass(frozen=True)
class Player:
    """A group of parameters switched together: a claim, or one unclaimed parameter."""

    name: str
    keys: tuple[str, ...]
    says: str = ""
    source: str = ""


@dataclass(frozen=True)
class Attribution:
    """Shapley values of one measure.

    Attributes
    ----------
    value : np.ndarray
        Each player's value (``±inf`` where it carries part of an infinite change).
    infinite_share, finite : np.ndarray
        The shares of the infinite and of the finite change (see the module docstring).
    total : float
        ``v(B) - v(A)`` (with ``inf - inf`` of equal signs counted as no change).
    stderr : np.ndarray or None
        Standard errors of ``finite`` when sampled; ``None`` when exact.
    """

    value: np.ndarray
    infinite_share: np.ndarray
    finite: np.ndarray
    total: float
    stderr: np.ndarray | None = None


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` found (see the module docstring)."""

    a: Scenario
    b: Scenario
    players: tuple[Player, ...]
    differences: pd.DataFrame
    settings_held: dict[str, tuple[Any, Any]]
    ends: dict[str, dict[str, Any]]
    attribution: dict[str, Attribution]
    flip: str
    flipping_sets: list[tuple[str, ...]] | None
    roles: dict[str, str] | None
    table: pd.DataFrame = field(repr=False)
    record: dict[str, Any] = field(repr=False)

    @property
    def exact(self) -> bool:
        return len(self.players) <= EXACT_MAX

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (infinities as the strings ``"inf"`` / ``"-inf"``)."""
        def num(x: Any) -> Any:
            x = float(x)
            return x if np.isfinite(x) else fmt(x)

        return {
            "a": self.ends["a"] | {k: num(v) for k, v in self.ends["a"].items() if k in MEASURES},
            "b": self.ends["b"] | {k: num(v) for k, v in self.ends["b"].items() if k in MEASURES},
            "differences": [{"path": r.path, "a": num(r.a), "b": num(r.b), "player": r.player}
                            for r in self.differences.itertuples()],
            "settings_held_at_a": {k: [list(x) if isinstance(x, tuple) else x for x in v]
                                   for k, v in self.settings_held.items()},
            "players": [{"name": p.name, "keys": list(p.keys), "says": p.says,
                         "source": p.source} for p in self.players],
            "shapley": {m: {"exact": at.stderr is None, "total": num(at.total),
                            "values": {p.name: {"value": num(at.value[i]),
                                                "infinite_share": float(at.infinite_share[i]),
                                                "finite": float(at.finite[i]),
                                                **({} if at.stderr is None else
                                                   {"stderr": float(at.stderr[i])})}
                                       for i, p in enumerate(self.players)}}
                        for m, at in self.attribution.items()},
            "flip": self.flip,
            "minimal_flipping_sets": (None if self.flipping_sets is None
                                      else [list(s) for s in self.flipping_sets]),
            "roles": self.roles,
            "record": self.record,
        }

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of the Shapley values (drawn by the presentation layer)."""
        from triangle.common import hooks

        return hooks.call("plot.comparison", self, ax=ax)


# --- players and hybrids ---------------------------------------------------------------------
def players_of(a: Scenario, b: Scenario) -> tuple[tuple[Player, ...], list[str]]:
    """The players (A's claims, else B's, restricted to differing keys; then every unclaimed
    differing parameter alone) and the differing parameter paths."""
    da, db = dict(a.distributions), dict(b.distributions)
    differing = [p for p in a.values
                 if _differs(a.values[p], b.values[p]) or da.get(p) != db.get(p)]
    claims = a.claims or b.claims
    players, claimed = [], set()
    for c in claims:
        keys = tuple(k for k in c.keys if k in differing)
        claimed.update(c.keys)
        if keys:
            players.append(Player(c.name, keys, c.says, c.source))
    players += [Player(p, (p,)) for p in differing if p not in claimed]
    return tuple(players), differing


def _differs(x: float, y: float) -> bool:
    return not (x == y or (np.isnan(x) and np.isnan(y)))


def coalition_points(a: Scenario, b: Scenario, players: tuple[Player, ...],
                     masks: np.ndarray) -> dict[str, np.ndarray]:
    """Dotted path -> values of the hybrid scenarios, one per coalition bit mask."""
    masks = np.asarray(masks, dtype=np.uint64)
    points = {}
    for j, p in enumerate(players):
        on = (masks >> np.uint64(j)) & np.uint64(1) == 1
        for key in p.keys:
            points[key] = np.where(on, b.values[key], a.values[key])
    return points


def popcount(masks: np.ndarray) -> np.ndarray:
    """Number of players in each coalition."""
    m = np.asarray(masks, dtype=np.uint64)
    return np.array([int(x).bit_count() for x in m], dtype=np.int64)


# --- Shapley values --------------------------------------------------------------------------
def lexicographic(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``v = c * inf + f``: the sign of infinity ``c`` and the finite part ``f`` (0 where
    ``v`` is infinite)."""
    v = np.asarray(v, dtype=float)
    inf = np.isinf(v)
    return np.where(inf, np.sign(v), 0.0), np.where(inf, 0.0, v)


def shapley_exact(v: np.ndarray) -> np.ndarray:
    """Exact Shapley values of the finite game ``v`` given on all ``2^k`` coalitions.

    ``v[mask]`` is the worth of the coalition whose players are the bits of ``mask``.
    ``phi_i = sum_{S not containing i} |S|! (k-|S|-1)! / k! (v(S | i) - v(S))``.

    >>> shapley_exact(np.array([0.0, 1.0, 2.0, 5.0]))   # v({1}) = 1, v({2}) = 2, v({1,2}) = 5
    array([2., 3.])
    """
    v = np.asarray(v, dtype=float)
    k = int(np.log2(v.size))
    if v.size != 1 << k:
        raise ValueError("v needs one worth per coalition: 2^k entries")
    masks = np.arange(v.size, dtype=np.uint64)
    size = popcount(masks)
    weight = np.array([factorial(s) * factorial(k - s - 1) / factorial(k) if s < k else 0.0
                       for s in range(k + 1)])
    phi = np.empty(k)
    for i in range(k):  # k <= 12 players; each step is one vectorised sum over 2^(k-1) sets
        bit = np.uint64(1 << i)
        without = masks[(masks & bit) == 0]
        phi[i] = np.sum(weight[size[without]] * (v[without | bit] - v[without]))
    return phi


def _attribute_exact(v: np.ndarray) -> Attribution:
    c, f = lexicographic(v)
    share, finite = np.round(shapley_exact(c), 12) + 0.0, shapley_exact(f)
    return Attribution(_combine(share, finite), share, finite, _total(v[0], v[-1]))


def _combine(share: np.ndarray, finite: np.ndarray) -> np.ndarray:
    # A share below round-off of a sum of 2^k weights is no share of the infinite change.
    return np.where(share > 1e-12, np.inf, np.where(share < -1e-12, -np.inf, finite))


def _total(va: float, vb: float) -> float:
    return 0.0 if va == vb else float(vb - va)


def sample_orderings(k: int, n: int, seed: int) -> np.ndarray:
    """``n`` random orderings of ``k`` players (rows), from a seeded generator."""
    rng = np.random.default_rng(seed)
    return np.argsort(rng.random((n, k)), axis=1)


def ordering_masks(orders: np.ndarray) -> np.ndarray:
    """The coalitions met along each ordering: shape ``(n, k + 1)``, from empty to full."""
    bits = np.left_shift(np.uint64(1), orders.astype(np.uint64))
    return np.concatenate([np.zeros((len(orders), 1), dtype=np.uint64),
                           np.cumsum(bits, axis=1, dtype=np.uint64)], axis=1)


def shapley_sampled(worth: np.ndarray, orders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values estimated from orderings: the mean marginal contribution of each player
    where it joins, with its standard error (Castro, Gómez & Tejada 2009).

    ``worth`` has shape ``(n, k + 1)``: the worth of the coalitions of :func:`ordering_masks`.
    """
    n, k = orders.shape
    contrib = np.empty((n, k))
    contrib[np.arange(n)[:, None], orders] = np.diff(worth, axis=1)
    stderr = contrib.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(k, np.inf)
    return contrib.mean(axis=0), stderr


# --- flipping sets ---------------------------------------------------------------------------
def minimal_sets(flips: np.ndarray) -> list[int]:
    """Masks of the minimal flipping coalitions (no proper subset flips), by size then mask.

    ``below[S]`` says whether ``S`` or a subset of it flips; ``S`` is minimal iff it flips and
    no ``S - {i}`` has a flipping subset.
    """
    flips = np.asarray(flips, dtype=bool)
    k = int(np.log2(flips.size))
    masks = np.arange(flips.size)
    below = flips.copy()
    for i in range(k):  # subset-sum (zeta) transform over the bits
        has = (masks >> i) & 1 == 1
        below[has] |= below[masks[has] ^ (1 << i)]
    minimal = flips.copy()
    for i in range(k):
        has = (masks >> i) & 1 == 1
        minimal[has] &= ~below[masks[has] ^ (1 << i)]
    found = masks[minimal]
    return sorted(found.tolist(), key=lambda m: (m.bit_count(), m))


def player_roles(flips: np.ndarray) -> list[str]:
    """``necessary`` (in every flipping set), ``sufficient`` (flips alone), both, or neither."""
    flips = np.asarray(flips, dtype=bool)
    k = int(np.log2(flips.size))
    masks = np.arange(flips.size)
    out = []
    for i in range(k):
        necessary = bool(flips.any()) and not flips[(masks >> i) & 1 == 0].any()
        sufficient = bool(flips[1 << i])
        out.append("necessary and sufficient" if necessary and sufficient else
                   "necessary" if necessary else "sufficient" if sufficient else "neither")
    return out


# --- the comparison --------------------------------------------------------------------------
def compare(a: Scenario, b: Scenario, *, flip: str = "success", kind: str = "game",
            backend: str = "admissible", samples: int = 400, seed: int = 0, draws: int = 0,
            executor: Any = None, progress: bool | None = None) -> Comparison:
    """Compare scenarios ``a`` and ``b``: the ends, the differences and their attribution.

    Parameters
    ----------
    a, b : Scenario
        The two scenarios; A's settings are kept in every hybrid.
    flip : {"success", "verdict"}
        What counts as turning A's outcome into B's: success changing (the default), or the
        verdict becoming B's.
    kind : {"game", "closed_form"}
        Full game or the noise-free closed-form core (see :func:`evaluate_table`).
    backend : str
        Equilibrium solver of the game kind.
    samples, seed : int
        Random orderings and their seed when there are more than 12 players.
    draws : int
        When A or B gives parameters as distributions: draws per hybrid for the probability of
        success, attributed like the other measures (``p_success``; ``draws * 2^k`` points).
        Otherwise (and with 0) the hybrids use the medians only.
    executor, progress
        As for :func:`evaluate_table`.

    Returns
    -------
    Comparison
    """
    if flip not in FLIPS:
        raise ValueError(f"flip must be one of {FLIPS}, not {flip!r}")
    players, differing = players_of(a, b)
    k = len(players)
    owner = {key: p.name for p in players for key in p.keys}
    differences = pd.DataFrame({"path": differing, "a": [a.values[p] for p in differing],
                                "b": [b.values[p] for p in differing],
                                "player": [owner[p] for p in differing]})
    held = {p: (a.settings[p], b.settings[p]) for p in a.settings
            if a.settings[p] != b.settings[p] and not p.startswith(("scenario.", "actors."))}
    exact = k <= EXACT_MAX
    if exact:
        masks = np.arange(1 << k, dtype=np.uint64)
    else:
        orders = sample_orderings(k, samples, seed)
        along = ordering_masks(orders)
        masks = np.union1d(along.ravel(), np.array([0, (1 << k) - 1], dtype=np.uint64))
        where = np.searchsorted(masks, along)
    points = coalition_points(a, b, players, masks) if k else {}
    table = _evaluate(a, points, kind, backend, executor, progress)
    table.insert(0, "coalition", masks)
    verdict = table["verdict"].astype(str).to_numpy()
    first, last = 0, len(table) - 1 if k else 0
    ends = {name: {"scenario": s.name, "verdict": verdict[i],
                   **{m: float(table[m].iloc[i]) for m in MEASURES}}
            for name, s, i in (("a", a, first), ("b", b, last))}
    worth = {m: table[m].to_numpy(dtype=float) for m in MEASURES}
    if draws and (a.distributions or b.distributions):
        from triangle.analysis.uncertainty import hybrid_success

        worth["p_success"] = hybrid_success(a, b, [p.keys for p in players], masks, draws, seed,
                                            kind=kind, backend=backend, executor=executor,
                                            progress=progress)
        for name, i in (("a", first), ("b", last)):
            ends[name] |= {"p_success": float(worth["p_success"][i]),
                           "p_success_ci": [float(x) for x in wilson(
                               round(worth["p_success"][i] * draws), draws)]}
    attribution: dict[str, Attribution] = {}
    for m, v in worth.items():
        if not k:
            attribution[m] = Attribution(np.zeros(0), np.zeros(0), np.zeros(0), 0.0)
        elif exact:
            attribution[m] = _attribute_exact(v)
        else:
            c, f = lexicographic(v[where])
            share, _ = shapley_sampled(c, orders)
            finite, err = shapley_sampled(f, orders)
            attribution[m] = Attribution(_combine(share, finite), share, finite,
                                         _total(v[0], v[-1]), err)
    outcome = verdict == "success" if flip == "success" else verdict
    flips = (outcome == outcome[last]) & (outcome[first] != outcome[last])
    names = [p.name for p in players]
    sets = roles = None
    if exact and k:
        sets = [tuple(names[j] for j in range(k) if m >> j & 1) for m in minimal_sets(flips)]
        roles = dict(zip(names, player_roles(flips), strict=True))
    rec = {"a": record(a), "b": record(b), "kind": kind, "flip": flip, "draws": draws,
           "method": "exact" if exact else f"sampled ({samples} orderings, seed {seed})"}
    return Comparison(a, b, players, differences, held, ends, attribution, flip, sets, roles,
                      table, rec)


def _evaluate(a: Scenario, points: dict[str, np.ndarray], kind: str, backend: str,
              executor: Any, progress: bool | None) -> pd.DataFrame:
    if not points:  # identical numbers: one evaluation of A
        points = {"wedge.reward": np.array([a.values["wedge.reward"]])}
    return evaluate_table(a, points, kind=kind, backend=backend, executor=executor,
                          progress=progress)

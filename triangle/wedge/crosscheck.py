"""The reported outcome's games solved twice: by the engine and by nashpy, compared.

A verdict rests on two meta-games of the partnership at the scenario's point (DESIGN §4-5):
the game *without the offer* (the baseline, with the partner's counter ``m_0`` to it) and
the game *with the offer and the partner's counter* ``m``.  :func:`cross_check` solves
both with the project's engine (``batched``, all extreme equilibria; von Stengel 2007) and
with nashpy's support and vertex enumeration (Knight & Campbell 2018; guarded and verified
as in :mod:`triangle.solvers.reference`, but *not* united with the engine's set), and lists
per game the equilibria both found, those only the engine found and those only nashpy
found.  Two equilibria are the same when every probability agrees to ``1e-7``.

The two sets should be equal.  Where they are not, the difference says which side to
doubt: nashpy's methods are known to miss extreme equilibria of degenerate games, whose
supports differ in size, and to fail on constant ones (their ``notes`` say so); an
equilibrium only nashpy found is one the engine missed.  Both sides verify every
equilibrium by best replies with the one tolerance rule (:mod:`triangle.solvers.tolerance`),
so neither can report a non-equilibrium.

Under ``solver.selection = "all"`` the games checked are those of that rule (the partner's
counter that keeps every admissible equilibrium); the named rules' own counters are not
checked.

>>> from triangle.scenario.files import parse_scenario
>>> s = parse_scenario({"scenario": {"name": "demo", "sources": ["illustrative"]},
...     "partnership": {"value": {"target": 4, "partner": 3}, "strategies": ["Loyal", "Realign"]},
...     "schism": {"cost": {"target": 5, "partner": 5}, "value_to_divider": 10},
...     "wedge": {"reward": 6}, "counter": {"budget": 0}})
>>> check = cross_check(s)
>>> check.agree
True
>>> print(check)  # doctest: +NORMALIZE_WHITESPACE
Cross-check of 'demo': the batched engine against nashpy (support enumeration + vertex
enumeration) on the games that decide the outcome
- without the offer (counter m = 0/yr, 2x2): 2 equilibria found by both; agree
- with the offer (counter m = 0/yr, 2x2): 2 equilibria found by both; agree
Result: the two solvers agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triangle.common import status
from triangle.scenario.files import Scenario
from triangle.solvers.reference import BOTH, find_pair, game_equilibria
from triangle.solvers.registry import get as get_solver
from triangle.solvers.tolerance import TOL
from triangle.wedge.outcome import mixed_label
from triangle.wedge.solve import evaluate_scenario, record

#: Probabilities of two equilibria that agree to this are the same equilibrium.
SAME = 1e-7
#: The name of the reference in reports.
REFERENCE = "nashpy"

Pair = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class GameCheck:
    """One game solved by the engine and by nashpy.

    Attributes
    ----------
    game : str
        Which game: ``"without the offer"`` or ``"with the offer"``.
    counter : float
        The partner's counter-inducement in it, per year.
    strategies : tuple of str
        The strategy library (rows: the target's, columns: the partner's).
    both, engine_only, reference_only : tuple of (x, y)
        Equilibria found by both, by the engine alone, by nashpy alone.
    notes : tuple of str
        nashpy's own notes (a method that failed, or found fewer than the other).
    """

    game: str
    counter: float
    strategies: tuple[str, ...]
    both: tuple[Pair, ...]
    engine_only: tuple[Pair, ...]
    reference_only: tuple[Pair, ...]
    notes: tuple[str, ...] = ()

    @property
    def agree(self) -> bool:
        """Whether the engine and nashpy found the same equilibria."""
        return not self.engine_only and not self.reference_only

    def label(self, pair: Pair) -> str:
        """``"target's strategy / partner's strategy"`` of one equilibrium."""
        names = list(self.strategies)
        return f"{mixed_label(pair[0], names)} / {mixed_label(pair[1], names)}"

    def equilibria(self, engine: str) -> list[dict[str, Any]]:
        """Every equilibrium of either set with its source: ``both``, ``engine`` or ``nashpy``."""
        marks = (("both", self.both), (engine, self.engine_only), (REFERENCE, self.reference_only))
        return [{"target": mixed_label(x, list(self.strategies)),
                 "partner": mixed_label(y, list(self.strategies)),
                 "target_probabilities": x.tolist(), "partner_probabilities": y.tolist(),
                 "source": source}
                for source, pairs in marks for x, y in pairs]


@dataclass(frozen=True)
class CrossCheck:
    """The final games of one scenario, solved by the engine and by nashpy.

    ``agree`` is true when every game's two sets are equal; ``str()`` / ``repr()`` is the
    report, one line per game and one per difference.
    """

    scenario: str
    engine: str
    methods: tuple[str, ...]
    games: tuple[GameCheck, ...]
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def agree(self) -> bool:
        return all(g.agree for g in self.games)

    def lines(self) -> list[str]:
        """The report, one line per game, difference and note."""
        how = " + ".join(f"{m} enumeration" for m in self.methods)
        out = [f"Cross-check of {self.scenario!r}: the {self.engine} engine against nashpy "
               f"({how}) on the games that decide the outcome"]
        for g in self.games:
            n = len(g.strategies)
            head = (f"- {g.game} (counter m = {g.counter:.6g}/yr, {n}x{n}): "
                    f"{len(g.both)} equilibria found by both")
            out.append(head + ("; agree" if g.agree else
                               f"; DIFFER: {len(g.engine_only)} found by {self.engine} only, "
                               f"{len(g.reference_only)} by nashpy only"))
            out += [f"  - {self.engine} only: {g.label(p)}" for p in g.engine_only]
            out += [f"  - nashpy only: {g.label(p)}" for p in g.reference_only]
            out += [f"  - note: {note}" for note in g.notes]
        out.append("Result: the two solvers agree." if self.agree else
                   "Result: the two solvers DIFFER (see above).")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = __str__

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: per game every equilibrium with its source, and the record."""
        return {"scenario": self.scenario, "engine": self.engine, "reference": REFERENCE,
                "methods": list(self.methods), "agree": self.agree,
                "games": [{"game": g.game, "counter": g.counter, "agree": g.agree,
                           "equilibria": g.equilibria(self.engine), "notes": list(g.notes)}
                          for g in self.games],
                "record": self.record}


def compare_game(A: np.ndarray, B: np.ndarray, unit: tuple[float, float], engine: list[Pair],
                 methods: tuple[str, ...] = BOTH) -> tuple[tuple, tuple, tuple, tuple]:
    """``(both, engine_only, reference_only, notes)`` for one game: the engine's equilibria
    ``engine`` against nashpy's on ``A, B`` (each player's payoff ``unit``)."""
    ref = game_equilibria(A, B, TOL, unit, methods)
    left = list(ref.equilibria)
    both, engine_only = [], []
    for x, y in engine:
        i = find_pair(left, x, y, atol=SAME, rtol=0.0)
        if i is None:
            engine_only.append((x, y))
        else:
            both.append((x, y))
            left.pop(i)
    return tuple(both), tuple(engine_only), tuple(left), tuple(ref.notes)


def cross_check(scenario: Scenario, engine: str = "batched",
                methods: tuple[str, ...] = BOTH, evaluation: Any = None) -> CrossCheck:
    """Solve the scenario, then its final games again with nashpy, and compare (module doc).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario; its own point is checked.
    engine : str
        A complete backend that lists all equilibria (not only admissible ones): ``batched``.
    methods : tuple of {"support", "vertex"}
        nashpy's methods; both by default, at any game size (an 8x8 game takes about 10 s
        of support enumeration).
    evaluation : Evaluation, optional
        The scenario already evaluated with ``engine`` (e.g. ``Outcome.evaluation`` of a run),
        so that it is not solved again.

    Returns
    -------
    CrossCheck
    """
    solver = get_solver(engine)
    if not solver.complete or solver.admissible_only or engine == REFERENCE:
        raise ValueError(f"engine {engine!r}: expected a solver that lists every equilibrium, "
                         f"such as 'batched'")
    ev = evaluate_scenario(scenario, backend=engine) if evaluation is None else evaluation
    if ev.model.backend != engine:
        raise ValueError(f"evaluation: expected one made with {engine!r}, "
                         f"found one made with {ev.model.backend!r}")
    names = tuple(s.name for s in ev.model.library)
    games = []
    for label, solution, m in (("without the offer", ev.base.solution, ev.base.m0[0]),
                               ("with the offer", ev.solution, ev.counter[0])):
        game = solution.game
        unit = (float(game.unit_T[0]), float(game.unit_P[0]))
        with status.step(f"nashpy on the game {label}"):
            both, mine, theirs, notes = compare_game(game.A_solve[0], game.B_solve[0], unit,
                                                     solution.batch.of_game(0), methods)
        games.append(GameCheck(label, float(m), names, both, mine, theirs, notes))
    return CrossCheck(scenario.name, engine, tuple(methods), tuple(games), record(scenario))

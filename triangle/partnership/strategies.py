"""Automaton strategies of the repeated partnership game.

A strategy is a small class, in the manner of the Axelrod library (Knight et al.
2016): a name, a docstring that cites its source, a ``classifier`` dictionary and
an ``automaton()`` that returns a finite Moore machine.  Each state of the machine
plays one action, ``"C"`` (cooperate), ``"H"`` (hedge) or ``"B"`` (break: realign
with the divider, which ends the partnership for good), and moves on the action it
*observed* the other side play (observations may be wrong: see ``repeated``).
Transitions may be random, so a machine is a stochastic matrix per observation.

Users add a strategy by subclassing :class:`Strategy` and calling :func:`register`.

>>> parse_strategy("Consult(2)").automaton().actions
('C', 'C', 'C', 'B')
>>> parse_strategy("GenerousTFT(0.25)").name
'GenerousTFT(0.25)'
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from triangle.common import hooks

ACTIONS = ("C", "H", "B")
OBSERVED = ("C", "H")  # a break is public; only C and H can be misread


@dataclass(frozen=True, eq=False)
class Automaton:
    """A finite stochastic Moore machine.

    Attributes
    ----------
    actions : tuple of str
        The action each state plays: ``"C"``, ``"H"`` or ``"B"``.
    transitions : numpy.ndarray
        Shape ``(n_states, 2, n_states)``: ``transitions[s, o, t]`` is the probability of
        moving from state ``s`` to ``t`` after observing ``OBSERVED[o]``. Rows sum to one.
    initial : int
        The state played in the first period.
    """

    actions: tuple[str, ...]
    transitions: np.ndarray
    initial: int = 0

    def __post_init__(self) -> None:
        n = len(self.actions)
        if self.transitions.shape != (n, 2, n):
            raise ValueError(f"transitions must have shape ({n}, 2, {n})")
        if not np.allclose(self.transitions.sum(axis=2), 1.0):
            raise ValueError("each transition row must sum to one")
        if any(a not in ACTIONS for a in self.actions):
            raise ValueError(f"actions must be among {ACTIONS}")

    @property
    def n_states(self) -> int:
        return len(self.actions)


def _deterministic(actions: tuple[str, ...], next_state: list[tuple[int, int]]) -> Automaton:
    """Machine whose state ``s`` moves to ``next_state[s][o]`` on observation ``o``."""
    n = len(actions)
    table = np.zeros((n, 2, n))
    for s, targets in enumerate(next_state):
        for o, t in enumerate(targets):
            table[s, o, t] = 1.0
    return Automaton(actions, table)


class Strategy:
    """Base class of the partnership strategies.

    Subclasses set ``name``, ``classifier`` and implement :meth:`automaton`.
    ``classifier`` keys: ``memory_depth`` (int or ``inf``), ``stochastic`` (bool),
    ``breaks`` (whether the strategy can ever end the partnership), ``forgiving``
    (whether it returns to C after punishing), ``source`` (citation).
    """

    name: ClassVar[str] = "Strategy"
    classifier: ClassVar[dict[str, object]] = {}

    def automaton(self) -> Automaton:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Strategy) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


class Loyal(Strategy):
    """Always cooperate: honour the partnership whatever is observed (Axelrod 1984's Cooperator)."""

    name = "Loyal"
    classifier = {"memory_depth": 0, "stochastic": False, "breaks": False, "forgiving": True,
                  "source": "Axelrod 1984"}

    def automaton(self) -> Automaton:
        return _deterministic(("C",), [(0, 0)])


class Hedger(Strategy):
    """Always hedge: deal with the divider on the side (Axelrod 1984's Defector)."""

    name = "Hedger"
    classifier = {"memory_depth": 0, "stochastic": False, "breaks": False, "forgiving": False,
                  "source": "Axelrod 1984"}

    def automaton(self) -> Automaton:
        return _deterministic(("H",), [(0, 0)])


class TitForTat(Strategy):
    """Cooperate first, then play what the other side was observed to play (Axelrod 1984)."""

    name = "TitForTat"
    classifier = {"memory_depth": 1, "stochastic": False, "breaks": False, "forgiving": True,
                  "source": "Axelrod 1984"}

    def automaton(self) -> Automaton:
        return _deterministic(("C", "H"), [(0, 1), (0, 1)])


class GenerousTFT(Strategy):
    """Tit for tat that forgives an observed hedge with probability ``p`` (Nowak & Sigmund 1992).

    Parameters
    ----------
    p : float
        Probability, in [0, 1], of cooperating after observing a hedge.
    """

    classifier = {"memory_depth": 1, "stochastic": True, "breaks": False, "forgiving": True,
                  "source": "Nowak & Sigmund 1992"}

    def __init__(self, p: float = 0.1) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"GenerousTFT forgiveness must be in [0, 1], got {p}")
        self.p = float(p)

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"GenerousTFT({self.p:g})"

    def __repr__(self) -> str:
        return self.name

    def automaton(self) -> Automaton:
        table = np.zeros((2, 2, 2))
        table[:, 0, 0] = 1.0
        table[:, 1, 0] = self.p
        table[:, 1, 1] = 1.0 - self.p
        return Automaton(("C", "H"), table)


class Consult(Strategy):
    """The treaty's consultation clause: ``k`` warnings, each a consultation, then a break.

    Cooperates; each observed hedge uses one warning and an observed cooperation
    restores them all (the consultation settled the matter); the ``k+1``-th
    consecutive observed hedge ends the partnership.  ``Consult(0)`` is Grim
    (Friedman 1971).  Modelled on Article 9 of the 2001 Sino-Russian treaty.

    Parameters
    ----------
    k : int
        Number of warnings before breaking, ``0 <= k <= MAX_WARNINGS``.  The machine has
        ``k + 2`` states, so a pair of them makes a chain of ``(k + 2)**2`` joint states and
        each point's linear solve costs ``O(k**6)``: the bound keeps every scenario's chain
        small (at ``k = 10``, 144 states).
    """

    classifier = {"memory_depth": float("inf"), "stochastic": False, "breaks": True,
                  "forgiving": True, "source": "Friedman 1971; Treaty of 2001, art. 9"}
    MAX_WARNINGS: ClassVar[int] = 10

    def __init__(self, k: int = 1) -> None:
        if not (isinstance(k, int | float) and 0 <= k <= self.MAX_WARNINGS and int(k) == k):
            raise ValueError(f"Consult needs a whole number of warnings from 0 to "
                             f"{self.MAX_WARNINGS}, got {k}")
        self.k = int(k)

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"Consult({self.k})"

    def __repr__(self) -> str:
        return self.name

    def automaton(self) -> Automaton:
        k = self.k
        actions = ("C",) * (k + 1) + ("B",)
        next_state = [(0, j + 1) for j in range(k + 1)] + [(k + 1, k + 1)]
        return _deterministic(actions, next_state)


class Grim(Consult):
    """Break the partnership after the first observed hedge (Friedman 1971's grim trigger)."""

    classifier = {**Consult.classifier, "forgiving": False, "source": "Friedman 1971"}

    def __init__(self) -> None:
        super().__init__(0)

    @property
    def name(self) -> str:  # type: ignore[override]
        return "Grim"


class Pavlov(Strategy):
    """Win-stay, lose-shift: keep the action after C was observed, switch after H (Nowak & Sigmund 1993).

    After a misreading two Pavlov players are back to mutual cooperation within two periods,
    which makes it robust to noise where tit for tat echoes.
    """

    name = "Pavlov"
    classifier = {"memory_depth": 1, "stochastic": False, "breaks": False, "forgiving": True,
                  "source": "Nowak & Sigmund 1993"}

    def automaton(self) -> Automaton:
        return _deterministic(("C", "H"), [(0, 1), (1, 0)])


class Realign(Strategy):
    """Break at once: realign with the divider in the first period (Kissinger 1979's China)."""

    name = "Realign"
    classifier = {"memory_depth": 0, "stochastic": False, "breaks": True, "forgiving": False,
                  "source": "Kissinger 1979"}

    def automaton(self) -> Automaton:
        return _deterministic(("B",), [(0, 0)])


REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy class to the library under its class name; usable as a decorator."""
    REGISTRY[cls.__name__] = cls
    return cls


for _cls in (Loyal, Hedger, TitForTat, GenerousTFT, Pavlov, Grim, Consult, Realign):
    register(_cls)

_SPEC = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*([^()]*?)\s*\))?\s*$")


def parse_strategy(spec: str) -> Strategy:
    """Build a strategy from its name, e.g. ``"Loyal"``, ``"Consult(3)"``, ``"GenerousTFT(0.2)"``.

    The argument, if any, is read as a number; nothing is evaluated.

    Raises
    ------
    ValueError
        For an unknown name or a bad argument; the message lists the known names.
    """
    match = _SPEC.match(spec) if isinstance(spec, str) else None
    if not match or match.group(1) not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        close = difflib.get_close_matches(str(spec).split("(")[0], list(REGISTRY), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown strategy {spec!r}; {hint}known: {known}")
    name, arg = match.groups()
    cls = REGISTRY[name]
    if arg is None or arg == "":
        return cls()
    try:
        number = float(arg)
    except ValueError:
        raise ValueError(f"strategy {spec!r}: argument {arg!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"strategy {spec!r}: argument {arg!r} is not a finite number")
    if name == "Consult":
        if number != int(number):
            raise ValueError(f"strategy {spec!r}: Consult needs a whole number")
        return cls(int(number))  # type: ignore[call-arg]
    try:
        return cls(number)  # type: ignore[call-arg]
    except TypeError:
        raise ValueError(f"strategy {spec!r}: {name} takes no argument") from None


#: The meta-game is ``k x k``; equilibrium enumeration grows like ``4**k`` (supports), so
#: a library holds at most this many strategies.
MAX_LIBRARY = 8


def parse_library(specs: list[str] | tuple[str, ...]) -> tuple[Strategy, ...]:
    """Parse a list of 1 to ``MAX_LIBRARY`` strategy names; duplicates are an error (they make
    games degenerate)."""
    if len(specs) > MAX_LIBRARY:
        raise ValueError(f"a library holds at most {MAX_LIBRARY} strategies, got {len(specs)}")
    library = tuple(parse_strategy(s) for s in specs)
    names = [s.name for s in library]
    if len(set(names)) != len(names):
        raise ValueError(f"strategy list repeats a strategy: {names}")
    if not library:
        raise ValueError("strategy list is empty")
    return library


# The scenario layer validates strategy lists through these hooks (it may not import this layer).
hooks.register("strategies.names", lambda specs: [s.name for s in parse_library(specs)])
hooks.register("strategies.known", lambda: tuple(REGISTRY))

"""Dittmer's strategic triangle: configuration and roles from the signs of the three dyads.

Dittmer (1981) classifies a triangle by which of its three bilateral relations are
amicable (+) or hostile (-):

==========================  ======  ===========================================
configuration               pluses  roles
==========================  ======  ===========================================
``menage_a_trois``          3       every actor a *friend*
``romantic_triangle``       2       the actor on both + dyads is the *pivot*, the others *wings*
``stable_marriage``         1       the + pair are *partners*, the third the *outcast*
``unit_veto``               0       every actor a *foe*
==========================  ======  ===========================================

Wu (1996) ranks the roles pivot > friend > partner > wing > foe > outcast; the optional
positional payoff ``a * (own + ties) - b * (sign of the opposite dyad)`` gives pivot
``2a + b``, friend ``2a - b``, partner ``a + b``, wing ``a - b``, foe ``b`` and outcast ``-b``,
which is Wu's strict ranking exactly when ``a > 2b > 0``.  For ``b < a <= 2b`` partner rises
to or above friend and foe to or above wing; the scenario format accepts any ``a > b >= 0``
(the condition Wu states), so the user chooses.

Dyad signs from an outcome (documented rule, DESIGN §5): T–P is + unless there was a
schism; D–T is + where the target took something from the divider (kept concessions, or
broke towards it) and the divider puts no pressure on it; D–P keeps its baseline sign.

>>> configuration(np.array([1]), np.array([1]), np.array([-1]))[0]
'romantic_triangle'
>>> roles(np.array([1]), np.array([1]), np.array([-1]))["target"][0]
'pivot'
"""

from __future__ import annotations

import numpy as np

ACTORS = ("divider", "target", "partner")
CONFIGURATIONS = ("unit_veto", "stable_marriage", "romantic_triangle", "menage_a_trois")


def dyad_signs(schism: np.ndarray, upfront: np.ndarray, pressure: np.ndarray,
               divider_partner: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signs (+1/-1) of the target–partner, divider–target and divider–partner dyads (DESIGN §5).

    T–P is + unless there was a schism.  After a schism the target has broken towards the
    divider and the pressure is over, so D–T is +; without one D–T is + only if the target
    keeps up-front concessions and is under no pressure.  D–P keeps its baseline sign.

    >>> [s.tolist() for s in dyad_signs(np.array([False, True]), np.array([2.0, 0.0]),
    ...                                  np.array([0.0, 1.0]), -1.0)]
    [[1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]]
    """
    schism = np.asarray(schism, dtype=bool)
    courted = (np.asarray(upfront) > 0) & (np.asarray(pressure) == 0)
    tp = np.where(schism, -1.0, 1.0)
    return tp, np.where(schism | courted, 1.0, -1.0), divider_partner * np.ones_like(tp)


def configuration(tp: np.ndarray, dt: np.ndarray, dp: np.ndarray) -> np.ndarray:
    """Dittmer configuration from dyad signs (+1/-1) of target–partner, divider–target, divider–partner."""
    pluses = (np.asarray(tp) > 0).astype(int) + (np.asarray(dt) > 0) + (np.asarray(dp) > 0)
    return np.asarray(CONFIGURATIONS, dtype=object)[pluses]


def roles(tp: np.ndarray, dt: np.ndarray, dp: np.ndarray) -> dict[str, np.ndarray]:
    """Each actor's role (pivot, wing, partner, outcast, friend, foe) from the dyad signs.

    An actor's *own* dyads are the two it belongs to; its *opposite* dyad is the third.
    """
    tp, dt, dp = (np.asarray(a) > 0 for a in (tp, dt, dp))
    own = {"divider": (dt, dp), "target": (tp, dt), "partner": (tp, dp)}
    pluses = tp.astype(int) + dt + dp
    out: dict[str, np.ndarray] = {}
    for actor, (a, b) in own.items():
        mine = a.astype(int) + b
        role = np.select(
            [pluses == 3, pluses == 0, (pluses == 2) & (mine == 2), pluses == 2, mine == 1],
            ["friend", "foe", "pivot", "wing", "partner"], default="outcast",
        )
        out[actor] = role.astype(object)
    return out


def positional_payoff(tp: np.ndarray, dt: np.ndarray, dp: np.ndarray, a: np.ndarray,
                      b: np.ndarray) -> dict[str, np.ndarray]:
    """Per-year positional payoff of each actor, ``a * (own + ties) - b * sign(opposite dyad)`` (Wu 1996)."""
    signs = {"tp": np.sign(tp), "dt": np.sign(dt), "dp": np.sign(dp)}
    plus = {k: (v > 0).astype(float) for k, v in signs.items()}
    return {
        "divider": a * (plus["dt"] + plus["dp"]) - b * signs["tp"],
        "target": a * (plus["tp"] + plus["dt"]) - b * signs["dp"],
        "partner": a * (plus["tp"] + plus["dp"]) - b * signs["dt"],
    }

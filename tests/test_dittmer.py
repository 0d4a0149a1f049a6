"""Dittmer's configurations and roles from dyad signs."""

import itertools

import numpy as np

from triangle.wedge.dittmer import configuration, roles


def test_every_sign_pattern_has_the_documented_configuration_and_roles():
    for tp, dt, dp in itertools.product((1, -1), repeat=3):
        pluses = (tp > 0) + (dt > 0) + (dp > 0)
        conf = configuration(np.array([tp]), np.array([dt]), np.array([dp]))[0]
        r = {k: v[0] for k, v in roles(np.array([tp]), np.array([dt]), np.array([dp])).items()}
        expected = ["unit_veto", "stable_marriage", "romantic_triangle", "menage_a_trois"]
        assert conf == expected[pluses]
        if pluses == 3:
            assert set(r.values()) == {"friend"}
        elif pluses == 0:
            assert set(r.values()) == {"foe"}
        elif pluses == 2:
            assert sorted(r.values()) == ["pivot", "wing", "wing"]
            pivot = next(a for a, role in r.items() if role == "pivot")
            # the pivot is the actor on both positive dyads
            own = {"divider": (dt, dp), "target": (tp, dt), "partner": (tp, dp)}[pivot]
            assert own == (1, 1)
        else:
            assert sorted(r.values()) == ["outcast", "partner", "partner"]
            outcast = next(a for a, role in r.items() if role == "outcast")
            own = {"divider": (dt, dp), "target": (tp, dt), "partner": (tp, dp)}[outcast]
            assert own == (-1, -1)

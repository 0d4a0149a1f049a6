"""One commitment, one clock (docs/model.md §8.1).

The divider's commitment survives each period with probability ``s``, counted from the
offer; the reward ``r`` is paid from the target's own, deliberate break on, while the
commitment lives.  Its PV to an actor with discount ``delta`` is
``r dt / (1 - delta s) * E[(delta s)^tau ; T broke deliberately]``.
"""

import numpy as np
import pytest

from triangle.partnership.repeated import observation_error, pair_values
from triangle.partnership.stage import stage_payoffs
from triangle.partnership.strategies import parse_strategy
from triangle.wedge.model import Package, build_stage

from .conftest import build


def _pair(T, P, e=0.0, d=0.9, s=1.0, n=1):
    stage_T, stage_P = stage_payoffs(np.full(n, 4.0), np.full(n, 3.0), g_T=1.0, g_P=1.0)
    delta = {k: np.full(n, d) for k in "TPD"}
    return pair_values(parse_strategy(T), parse_strategy(P), stage_T, stage_P, delta,
                       np.full(n, e), np.full(n, 10), np.full(n, s))


@pytest.mark.parametrize("e", [0.0, 0.05, 0.3])
@pytest.mark.parametrize("s", [1.0, 0.8, 0.3])
def test_reward_pv_closed_form_grim_against_a_hedger(e, s):
    """A Grim target breaks deliberately the period after it sees the hedge right
    (probability ``1 - e`` each period): ``E[(delta s)^tau] = (1 - e) delta s / (1 - e delta s)``.
    Counted from the break instead, the reward would be worth ``E[delta^tau]`` of it."""
    d = 0.9
    pv = _pair("Grim", "Hedger", e=e, d=d, s=s)
    want = (1 - e) * d * s / (1 - e * d * s)
    assert pv.reward_T[0] == pytest.approx(want, rel=1e-12)
    assert pv.reward_D[0] == pytest.approx(want, rel=1e-12)
    assert pv.hit_T[0] == pytest.approx((1 - e) * d / (1 - e * d), rel=1e-12)


def test_reward_pv_closed_form_consult_breaks_after_its_warnings():
    """Consult(k) against a Hedger, noise-free: the break comes at ``k + 1``."""
    d, s = 0.95, 0.7
    for k in (0, 1, 3):
        pv = _pair(f"Consult({k})", "Hedger", d=d, s=s)
        assert pv.reward_T[0] == pytest.approx((d * s) ** (k + 1), rel=1e-12)


def test_a_lapsed_commitment_pays_nothing():
    """With durability 0 the commitment lives in period 0 only: a break at period 1 or later
    is paid nothing; a break at period 0 is paid one period's reward."""
    model = build(("Grim", "Hedger", "Realign"), wedge__durability=0.0, wedge__reward=10.0)
    stage = build_stage(model, Package(np.zeros(1), np.array([10.0]), np.zeros(1)))
    bare = build_stage(model, Package(np.zeros(1), np.zeros(1), np.zeros(1)))
    A, A0 = stage.game(np.zeros(1)).A[0], bare.game(np.zeros(1)).A[0]
    assert A[0, 1] == A0[0, 1]  # Grim breaks at period 1: nothing left to pay
    assert A[2, 0] == pytest.approx(A0[2, 0] + 10.0)  # Realign at period 0: r dt, once


@pytest.mark.parametrize("pair", [("Loyal", "Realign"), ("Hedger", "Grim"), ("Loyal", "Grim"),
                                  ("Grim", "Grim"), ("TitForTat", "Consult(1)")])
def test_a_schism_the_target_did_not_choose_pays_no_reward(pair):
    """The partner's break (at once, after the target's hedge, or after a misreading) and the
    target's break on a misreading (Grim against Grim: nobody hedges) pay no reward, though
    the schism comes."""
    pv = _pair(*pair, e=0.1, s=0.9)
    assert pv.hit_T[0] > 0.05
    assert pv.reward_T[0] == 0.0 and pv.reward_D[0] == 0.0


def test_the_targets_own_break_pays_and_the_partners_does_not_in_the_game():
    """Against a Realign partner the target's value no longer contains the reward."""
    model = build(("Loyal", "Realign"), wedge__reward=3.0)
    stage = build_stage(model, Package(np.zeros(1), np.array([3.0]), np.zeros(1)))
    bare = build_stage(model, Package(np.zeros(1), np.zeros(1), np.zeros(1)))
    A, A0 = stage.game(np.zeros(1)).A[0], bare.game(np.zeros(1)).A[0]
    d = 0.95
    assert A[0, 1] == A0[0, 1]  # P realigns: no reward
    assert A[1, 0] - A0[1, 0] == pytest.approx(3.0 / (1 - d), rel=1e-12)  # T realigns


def _simulate(T, P, e, d, s, runs, periods, rng):
    """Seeded play-outs: ``E[(d s)^tau ; the target's break would have come on a correct
    reading]`` (deterministic machines: that is the deliberate break)."""
    aT, aP = parse_strategy(T).automaton(), parse_strategy(P).automaton()
    nxt_T = aT.transitions.argmax(axis=2)  # deterministic tables
    nxt_P = aP.transitions.argmax(axis=2)
    sT = np.full(runs, aT.initial)
    sP = np.full(runs, aP.initial)
    alive = np.ones(runs, bool)
    total = np.zeros(runs)
    for t in range(periods):
        actT = np.array(aT.actions)[sT]
        actP = np.array(aP.actions)[sP]
        broke = alive & ((actT == "B") | (actP == "B"))
        if t == 0:
            own = broke & (actT == "B")
            total[own] = 1.0
        alive &= ~broke
        seeT = np.where(actP == "H", 1, 0)  # what T should see
        seeP = np.where(actT == "H", 1, 0)
        errT = rng.random(runs) < e
        errP = rng.random(runs) < e
        newT = nxt_T[sT, np.where(errT, 1 - seeT, seeT)]
        would = np.array(aT.actions)[nxt_T[sT, seeT]] == "B"
        newP = nxt_P[sP, np.where(errP, 1 - seeP, seeP)]
        breaks_next = alive & ((np.array(aT.actions)[newT] == "B") | (np.array(aP.actions)[newP] == "B"))
        own = breaks_next & (np.array(aT.actions)[newT] == "B") & would
        total[own] = (d * s) ** (t + 1)
        sT, sP = np.where(alive, newT, sT), np.where(alive, newP, sP)
    return total.mean(), total.std() / np.sqrt(runs)


@pytest.mark.parametrize("pair", [("Consult(1)", "TitForTat"), ("Grim", "TitForTat"),
                                  ("Consult(2)", "Consult(1)")])
def test_reward_weight_agrees_with_seeded_monte_carlo(pair, rng):
    e, d, s = 0.15, 0.9, 0.85
    pv = _pair(*pair, e=e, d=d, s=s)
    mean, se = _simulate(*pair, e, d, s, 40_000, 200, rng)
    assert abs(pv.reward_T[0] - mean) < 5 * se + 1e-9


def test_hedge_share_agrees_with_the_forward_path():
    """The horizon's hedge share (an augmented matrix power) equals the forward law's mean."""
    from triangle.partnership.path import pair_path

    n, N = 3, 37
    stage_T, stage_P = stage_payoffs(np.full(n, 4.0), np.full(n, 3.0), g_T=1.0)
    e = observation_error(np.array([0.05, 0.2, 0.4]), 0.0)
    delta = {k: np.full(n, 0.9) for k in "TPD"}
    for T, P in (("TitForTat", "Consult(1)"), ("Pavlov", "Grim"), ("Hedger", "Consult(3)")):
        pv = pair_values(parse_strategy(T), parse_strategy(P), stage_T, stage_P, delta, e,
                         np.full(n, N))
        path = pair_path(parse_strategy(T), parse_strategy(P), stage_T, stage_P, e, N)
        np.testing.assert_allclose(pv.hedge_share, path.hedging.mean(axis=1), rtol=1e-12)


@pytest.mark.parametrize("pair", [("Grim", "Hedger"), ("Consult(1)", "TitForTat"),
                                  ("Grim", "Grim"), ("Realign", "Loyal")])
def test_the_time_path_counts_the_same_deliberate_breaks_as_the_chain(pair):
    """``sum_t (delta s)^t P(own break at t)`` over the forward law equals the chain's reward
    weight (to the truncation ``(delta s)^N``)."""
    from triangle.partnership.path import pair_path

    e, d, s, N = 0.1, 0.9, 0.8, 400
    pv = _pair(*pair, e=e, d=d, s=s)
    stage_T, stage_P = stage_payoffs(np.full(1, 4.0), np.full(1, 3.0), g_T=1.0, g_P=1.0)
    path = pair_path(parse_strategy(pair[0]), parse_strategy(pair[1]), stage_T, stage_P,
                     np.full(1, e), N)
    hazard = np.diff(path.own_break[0], prepend=0.0)
    assert (d * s) ** np.arange(N) @ hazard == pytest.approx(pv.reward_T[0], abs=1e-12)

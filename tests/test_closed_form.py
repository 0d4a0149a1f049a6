"""The closed-form wedge core and thresholds against the game solution."""

import numpy as np
import pytest

from triangle.partnership import closed_form as cf
from triangle.wedge.model import Package, build_stage
from triangle.wedge.verdict import evaluate

from .conftest import build


def _random_points(rng, n):
    return {
        "schism__cost__target": rng.uniform(0, 30, n),
        "partnership__value__target": rng.uniform(2.5, 6, n),
        "schism__outside__target": rng.uniform(0, 2, n),
        "time__patience__target": rng.uniform(0.7, 0.98, n),
        "wedge__durability": rng.uniform(0.5, 1.0, n),
        "time__period_years": rng.choice([0.1, 0.5, 1.0], n),
    }


@pytest.mark.parametrize("side", [1 - 1e-9, 1 + 1e-9])
def test_game_switches_exactly_at_closed_form_threshold(rng, side):
    pts = _random_points(rng, 300)
    probe = build(counter__budget=0.0, **pts)
    r_star = cf.threshold_reward(probe["schism.cost.target"], probe["partnership.value.target"],
                                 probe["schism.outside.target"], 0.0, probe.delta("target"),
                                 probe.survival, probe.dt)
    model = build(counter__budget=0.0, wedge__reward=r_star * side, **pts)
    ev = evaluate(model)
    assert np.all(ev.columns["schism"] == (side > 1))
    np.testing.assert_allclose(ev.columns["r_star"], r_star, rtol=1e-12)


def test_partner_counter_equals_closed_form_least_counter(rng):
    pts = _random_points(rng, 200)
    pts["schism__cost__partner"] = np.full(200, 1e6)  # the partner is always willing
    reward = rng.uniform(5, 40, 200)
    model = build(wedge__reward=reward, **pts)
    ev = evaluate(model)
    need = cf.counter_needed(reward, model["schism.cost.target"], model["partnership.value.target"],
                             model["schism.outside.target"], model.delta("target"), model.survival,
                             model.dt)
    paid = ev.columns["counter_offer"]
    assert not ev.columns["schism"].any()
    # The partner pays STRICT (1e-9, relative and absolute) above the least counter.
    pos = need > 0
    assert np.all(paid[pos] > need[pos])
    assert np.all(paid[pos] <= need[pos] * (1 + 2e-9) + 2e-9)
    assert np.all(paid[~pos] == 0)


def test_margin_formula_and_infinities():
    assert float(cf.divider_max_reward(10.0, 0.9, 1.0, 0.0)) == pytest.approx(10.0)
    assert float(cf.divider_max_reward(10.0, 0.9, 0.5, 1.0)) == pytest.approx(10 * 0.55 / 0.2)
    assert float(cf.partner_max_counter(np.inf, 3.0, 0.0, 0.9, 1.0, 2.0)) == 2.0
    assert float(cf.partner_max_counter(np.inf, 3.0, 0.0, 0.9, 1.0, np.inf)) == np.inf
    r_star = cf.threshold_reward(5.0, 4.0, 0.0, np.inf, 0.9, 1.0, 1.0)
    assert float(r_star) == np.inf
    assert float(cf.wedge_margin(3.0, r_star)) == -np.inf
    assert float(cf.threshold_reward(np.inf, 4.0, 0.0, 0.0, 0.9, 1.0, 1.0)) == np.inf
    with np.errstate(all="raise"):
        cf.wedge_margin(cf.divider_max_reward(1.0, 0.9, 1.0, 0.0),
                        cf.threshold_reward(np.inf, 1.0, 0.0, np.inf, 0.9, 1.0, 1.0))


def test_grim_critical_delta_noise_free_is_the_quadratic_root():
    # No reward: -S d^2 + (S + (R + g - O)) d - g = 0 (dt = 1), larger root.
    R, g, S, O = 3.0, 2.0, 4.0, 1.0
    a, b, c = -S, S + (R + g - O), -g
    roots = np.roots([a, b, c])
    expected = max(r.real for r in roots if 0 < r.real < 1)
    got = cf.critical_delta(cf.grim_deviation_gain, R, g, S=S, O=O)
    assert got == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_grim_threshold_matches_meta_game(noise):
    """(Grim, Grim) is an equilibrium of the {Grim, Hedger} meta-game iff delta_T >= delta*."""
    R, g, S, O, r = 3.0, 1.5, 2.0, 0.5, 0.2
    # The reward r never enters: neither pair has a deliberate break by the target.
    d_star = cf.critical_delta(cf.grim_deviation_gain, R, g, e=noise, S=S, O=O)
    assert 0.05 < d_star < 0.99
    betas = np.linspace(0.05, 0.995, 400)
    betas = betas[np.abs(betas - d_star) > 1e-6]
    model = build(("Grim", "Hedger"), partnership__value__target=R,
                  partnership__hedge_gain__target=g, schism__cost__target=S,
                  schism__outside__target=O, wedge__reward=r,
                  partnership__noise=-np.log1p(-noise),  # yearly rate: chance `noise` per 1-yr period
                  time__patience__target=betas, time__patience__partner=0.99,
                  partnership__value__partner=R, schism__cost__partner=S)
    stage = build_stage(model, Package(np.zeros(betas.size), np.full(betas.size, r),
                                       np.zeros(betas.size)))
    game = stage.game(np.zeros(betas.size))
    grim_stays = game.A[:, 0, 0] >= game.A[:, 1, 0]  # T: Grim vs Hedger, against P's Grim
    np.testing.assert_array_equal(grim_stays, betas > d_star)


def test_consult_threshold_noise_free_matches_chain():
    R, g, S = 2.0, 1.0, 3.0
    k = 2
    d_star = cf.critical_delta(cf.consult_deviation_gain, R, g, k, S=S)
    betas = np.array([d_star - 1e-4, d_star + 1e-4])
    model = build(("Consult(2)", "Hedger"), partnership__value__target=R,
                  partnership__hedge_gain__target=g, schism__cost__target=S,
                  time__patience__target=betas)
    stage = build_stage(model, Package(np.zeros(2), np.zeros(2), np.zeros(2)))
    game = stage.game(np.zeros(2))
    assert list(game.A[:, 0, 0] >= game.A[:, 1, 0]) == [False, True]

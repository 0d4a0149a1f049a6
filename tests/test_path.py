"""The partnership over time: the chain's forward law against closed forms, the chain's own
values and seeded Monte Carlo play-outs; the outcome's time path against the solved game."""

import numpy as np
import pytest

import triangle
from triangle.partnership.path import pair_path
from triangle.partnership.repeated import observation_error, pair_values
from triangle.partnership.stage import stage_payoffs
from triangle.partnership.strategies import parse_strategy
from triangle.scenario.files import library_dir, load_scenario, parse_scenario


def _stage(n=1):
    T, P = stage_payoffs(np.full(n, 4.0), np.full(n, 3.0), 1.5, 1.0, 2.0, 1.2, 0.8, 0.6)
    return T, P


def test_grim_against_grim_closed_form():
    # Grim breaks after the first observed hedge; both cooperate until one of the two
    # misreads (each with probability e per period): alive(t) = (1 - e)^(2t).
    noise = np.array([0.0, 0.05, 0.2, 0.5])
    consultation = np.array([0.0, 0.3, 0.5, 0.9])
    e = observation_error(noise, consultation)
    T, P = _stage(4)
    p = pair_path(parse_strategy("Grim"), parse_strategy("Grim"), T, P, e, 30)
    t = np.arange(30)
    expected = (1 - e[:, None]) ** (2 * t)
    np.testing.assert_allclose(p.alive, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p.flow_T, 4.0 * expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(p.flow_P, 3.0 * expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pair", [("Grim", "TitForTat"), ("Consult(2)", "GenerousTFT(0.3)"),
                                  ("Pavlov", "Grim"), ("TitForTat", "Hedger"), ("Realign", "Loyal")])
def test_path_agrees_with_chain_values(pair):
    # Discounting the forward law reproduces the chain's values: sum_t d^t f_t = flow and
    # the horizon's schism probability is 1 - alive at its last period.
    rng = np.random.default_rng(3)
    n, periods = 5, 400
    e = observation_error(rng.uniform(0, 0.3, n), rng.uniform(0, 1, n))
    d = rng.uniform(0.5, 0.9, n)
    T, P = _stage(n)
    a, b = parse_strategy(pair[0]), parse_strategy(pair[1])
    p = pair_path(a, b, T, P, e, periods)
    pv = pair_values(a, b, T, P, {"T": d, "P": d, "D": d}, e, np.full(n, 20))
    disc = d[:, None] ** np.arange(periods)
    np.testing.assert_allclose((disc * p.flow_T).sum(axis=1), pv.flow_T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose((disc * p.alive).sum(axis=1), pv.duration_T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(1 - p.alive[:, 19], pv.p_horizon, rtol=1e-9, atol=1e-12)


def _play(name_T, name_P, stage_T, noise, consultation, periods, runs, rng):
    """Seeded play-outs of the automata: share alive and mean stage flow of T per period."""
    auto_T, auto_P = parse_strategy(name_T).automaton(), parse_strategy(name_P).automaton()
    code = {"C": 0, "H": 1, "B": 2}
    act_T = np.array([code[x] for x in auto_T.actions])
    act_P = np.array([code[x] for x in auto_P.actions])
    s, t = np.full(runs, auto_T.initial), np.full(runs, auto_P.initial)
    alive = np.ones(runs, dtype=bool)
    alive_t, flow_t = np.zeros((periods, runs)), np.zeros((periods, runs))
    for k in range(periods):
        a, b = act_T[s], act_P[t]
        alive &= (a < 2) & (b < 2)
        alive_t[k] = alive
        flow_t[k] = np.where(alive, stage_T[np.minimum(a, 1), np.minimum(b, 1)], 0.0)
        flip_T = (rng.random(runs) < noise) & (rng.random(runs) >= consultation)
        flip_P = (rng.random(runs) < noise) & (rng.random(runs) >= consultation)
        seen_T = np.where(flip_T, 1 - np.minimum(b, 1), np.minimum(b, 1))
        seen_P = np.where(flip_P, 1 - np.minimum(a, 1), np.minimum(a, 1))
        cum_T = auto_T.transitions[s, seen_T].cumsum(axis=1)
        cum_P = auto_P.transitions[t, seen_P].cumsum(axis=1)
        s = np.where(alive, (rng.random(runs)[:, None] > cum_T).sum(axis=1), s)
        t = np.where(alive, (rng.random(runs)[:, None] > cum_P).sum(axis=1), t)
    return alive_t, flow_t


@pytest.mark.parametrize("pair", [("Consult(1)", "TitForTat"), ("GenerousTFT(0.3)", "Grim")])
def test_path_agrees_with_seeded_monte_carlo(pair):
    noise, consultation, periods = 0.15, 0.3, 15
    T, P = _stage()
    e = observation_error(np.array([noise]), np.array([consultation]))
    p = pair_path(parse_strategy(pair[0]), parse_strategy(pair[1]), T, P, e, periods)
    alive, flow = _play(*pair, T[0], noise, consultation, periods, 20_000, np.random.default_rng(99))
    for exact, sample in ((p.alive[0], alive), (p.flow_T[0], flow)):
        se = sample.std(axis=1, ddof=1) / np.sqrt(sample.shape[1])
        assert np.all(np.abs(exact - sample.mean(axis=1)) <= 4 * se + 1e-12), (pair, exact)


def test_outcome_path_ends_at_the_outcomes_schism_probability():
    scenario = load_scenario(library_dir() / "kissinger_1971.toml")
    out = triangle.solve(scenario, backend="admissible")
    path = out.path()
    assert path.p_schism["wedge"][-1] == pytest.approx(out.p_schism, abs=1e-12)
    assert np.all(np.diff(path.p_schism["wedge"]) >= -1e-12)
    assert np.all(np.diff(path.p_schism["baseline"]) >= -1e-12)
    frame = path.to_frame()
    assert len(frame) == round(scenario["time.horizon_years"] / scenario["time.period_years"])
    assert np.isfinite(frame.to_numpy()).all()


def test_loyal_partnership_pays_its_value_and_the_package():
    # Loyal vs Loyal (hedging gains nothing), no noise: no schism; the target earns
    # R_T + u s^t per year (plus the
    # counter-offer, none here), the partner R_P; without the wedge R_T and R_P.
    s = parse_scenario({"scenario": {"name": "calm", "sources": ["illustrative"]},
                        "partnership": {"value": {"target": 4, "partner": 3}, "noise": 0,
                                        "hedge_gain": {"target": 0, "partner": 0},
                                        "fraying": {"target": 1, "partner": 1},
                                        "strategies": ["Loyal", "Hedger"]},
                        "schism": {"cost": {"target": 5, "partner": 5}, "value_to_divider": 10},
                        "wedge": {"upfront": 1.0, "durability": 0.8}, "counter": {"budget": 0},
                        "time": {"period_years": 1, "horizon_years": 6}})
    out = triangle.solve(s)
    assert out.equilibria[out.selected]["target"] == "Loyal"
    path = out.path()
    years = np.arange(6)
    np.testing.assert_allclose(path.p_schism["wedge"], 0.0)
    np.testing.assert_allclose(path.payoff_target["wedge"], 4 + 0.8 ** years, rtol=1e-12)
    np.testing.assert_allclose(path.payoff_target["baseline"], 4.0, rtol=1e-12)
    np.testing.assert_allclose(path.payoff_partner["wedge"], 3.0, rtol=1e-12)

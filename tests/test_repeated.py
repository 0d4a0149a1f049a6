"""Exact Markov-chain values against seeded Monte Carlo play-outs and closed forms."""

import numpy as np
import pytest

from triangle.partnership import closed_form as cf
from triangle.partnership.repeated import observation_error, pair_values, values_table
from triangle.partnership.stage import stage_payoffs
from triangle.partnership.strategies import parse_library, parse_strategy

LIBRARY = ["Loyal", "Hedger", "TitForTat", "GenerousTFT(0.3)", "Grim", "Consult(2)", "Realign"]


def _setup(noise=0.1, consultation=0.4, n=1):
    stage_T, stage_P = stage_payoffs(4.0, 3.0, 1.5, 1.0, 2.0, 1.5, 0.5, 0.8)
    stage_T = np.broadcast_to(stage_T * 0.5, (n, 2, 2)).copy()  # dt = 0.5
    stage_P = np.broadcast_to(stage_P * 0.5, (n, 2, 2)).copy()
    delta = {"T": np.full(n, 0.9), "P": np.full(n, 0.85), "D": np.full(n, 0.8)}
    e = observation_error(np.full(n, noise), np.full(n, consultation))
    return stage_T, stage_P, delta, e


def _monte_carlo(name_T, name_P, stage_T, stage_P, delta_T, noise, consultation, runs, rng):
    """Play the automata out, all runs side by side: samples of T's discounted pre-schism
    flow, of delta_T ** tau (0 without a schism) and of a schism within 20 periods."""
    auto_T = parse_strategy(name_T).automaton()
    auto_P = parse_strategy(name_P).automaton()
    code = {"C": 0, "H": 1, "B": 2}
    act_T = np.array([code[a] for a in auto_T.actions])
    act_P = np.array([code[a] for a in auto_P.actions])
    s = np.full(runs, auto_T.initial)
    t = np.full(runs, auto_P.initial)
    alive = np.ones(runs, dtype=bool)
    flows, hits, early = np.zeros(runs), np.zeros(runs), np.zeros(runs)
    disc = 1.0
    for period in range(int(np.ceil(np.log(1e-12) / np.log(delta_T)))):
        a, b = act_T[s], act_P[t]
        ends = alive & ((a == 2) | (b == 2))
        hits[ends], early[ends] = disc, period < 20
        alive &= ~ends
        if not alive.any():
            break
        flows[alive] += disc * stage_T[a[alive], b[alive]]
        # each side misreads with prob noise; consultation then corrects with prob consultation
        flip_T = (rng.random(runs) < noise) & (rng.random(runs) >= consultation)
        flip_P = (rng.random(runs) < noise) & (rng.random(runs) >= consultation)
        seen_T = np.where(flip_T, 1 - np.minimum(b, 1), np.minimum(b, 1))
        seen_P = np.where(flip_P, 1 - np.minimum(a, 1), np.minimum(a, 1))
        cum_T = auto_T.transitions[s, seen_T].cumsum(axis=1)
        cum_P = auto_P.transitions[t, seen_P].cumsum(axis=1)
        s = np.where(alive, (rng.random(runs)[:, None] > cum_T).sum(axis=1), s)
        t = np.where(alive, (rng.random(runs)[:, None] > cum_P).sum(axis=1), t)
        disc *= delta_T
    return flows, hits, early


@pytest.mark.parametrize("pair", [("Grim", "TitForTat"), ("Consult(2)", "GenerousTFT(0.3)"),
                                  ("TitForTat", "Hedger"), ("Grim", "Grim"),
                                  ("GenerousTFT(0.3)", "Consult(2)")])
def test_chain_values_agree_with_monte_carlo(pair):
    noise, consultation = 0.15, 0.3
    stage_T, stage_P, delta, e = _setup(noise, consultation)
    pv = pair_values(parse_strategy(pair[0]), parse_strategy(pair[1]), stage_T, stage_P, delta,
                     e, np.array([20]))
    rng = np.random.default_rng(12345)
    flows, hits, early = _monte_carlo(*pair, stage_T[0], stage_P[0], 0.9, noise, consultation,
                                      20_000, rng)
    for exact, sample in ((pv.flow_T[0], flows), (pv.hit_T[0], hits), (pv.p_horizon[0], early)):
        se = sample.std(ddof=1) / np.sqrt(sample.size)
        assert abs(exact - sample.mean()) < 4 * se + 1e-12, (pair, exact, sample.mean(), se)


def test_noise_free_values_match_closed_forms():
    stage_T, stage_P, delta, e = _setup(noise=0.0)
    lib = parse_library(["Loyal", "Hedger", "Grim", "Consult(3)", "Realign"])
    table = values_table(lib, stage_T, stage_P, delta, e, np.array([5]))
    d = 0.9
    R, g, l_ = 4.0 * 0.5, 1.5 * 0.5, 2.0 * 0.5
    # Loyal vs Loyal: R dt / (1 - d), no schism
    assert table["flow_T"][0, 0, 0] == pytest.approx(R / (1 - d), rel=1e-12)
    assert table["hit_T"][0, 0, 0] == 0.0
    # Loyal vs Hedger: T is hedged against for ever
    assert table["flow_T"][0, 0, 1] == pytest.approx((R - l_) / (1 - d), rel=1e-12)
    # Hedger vs Consult(3): hedges 4 periods, then the schism: hit = d**4
    assert table["flow_T"][0, 1, 3] == pytest.approx((R + g) * (1 - d**4) / (1 - d), rel=1e-12)
    assert table["hit_T"][0, 1, 3] == pytest.approx(d**4, rel=1e-12)
    assert table["duration_T"][0, 1, 3] == pytest.approx((1 - d**4) / (1 - d), rel=1e-12)
    # horizon of 5 periods: Consult(3) breaks in period 4 < 5
    assert table["p_horizon"][0, 1, 3] == 1.0
    # Realign ends it at once, whoever plays it
    assert table["hit_T"][0, 4, 0] == table["hit_T"][0, 0, 4] == 1.0
    assert table["flow_T"][0, 4, 2] == 0.0


def test_grim_closed_form_with_noise_matches_chain():
    noise, consultation = 0.2, 0.25
    stage_T, stage_P, delta, e = _setup(noise, consultation)
    lib = parse_library(["Hedger", "Grim"])
    table = values_table(lib, stage_T, stage_P, delta, e, np.array([10]))
    W = -3.0
    v = {k: table[k][0] for k in table}
    V = v["flow_T"] + v["hit_T"] * W
    R, g = 4.0 * 0.5, 1.5 * 0.5
    gain = cf.grim_deviation_gain(0.9, R / 0.5, g / 0.5, W, e=float(e[0]), dt=0.5)
    assert V[0, 1] - V[1, 1] == pytest.approx(gain, rel=1e-10)


def test_vectorised_values_equal_scalar_path():
    n = 10_000
    rng = np.random.default_rng(7)
    noise = rng.uniform(0, 0.3, n)
    stage_T, stage_P, delta, e = _setup(n=n)
    e = observation_error(noise, rng.uniform(0, 1, n))
    delta = {k: rng.uniform(0.5, 0.99, n) for k in "TPD"}
    lib = parse_library(["TitForTat", "Consult(2)"])
    periods = rng.integers(1, 50, n)
    table = values_table(lib, stage_T, stage_P, delta, e, periods)
    for i in rng.choice(n, 25, replace=False):
        one = values_table(lib, stage_T[i:i + 1], stage_P[i:i + 1],
                           {k: v[i:i + 1] for k, v in delta.items()}, e[i:i + 1], periods[i:i + 1])
        for key in table:
            np.testing.assert_allclose(table[key][i], one[key][0], rtol=1e-12, atol=1e-14)


def test_points_with_equal_inputs_share_one_chain_and_agree_with_their_own():
    """Deduplicated points (a map over costs leaves the chain unchanged) get exactly the table
    each would get alone."""
    stage_T, stage_P, delta, e = _setup(n=3)
    stage_T[1] *= 1.5  # points 0 and 2 are equal, point 1 differs
    lib = parse_library(LIBRARY)
    periods = np.array([10, 10, 10])
    table = values_table(lib, stage_T, stage_P, delta, e, periods)
    for i in range(3):
        one = values_table(lib, stage_T[i:i + 1], stage_P[i:i + 1],
                           {k: v[i:i + 1] for k, v in delta.items()}, e[i:i + 1], periods[i:i + 1])
        for key in table:
            np.testing.assert_array_equal(table[key][i], one[key][0])
    assert not np.array_equal(table["flow_T"][0], table["flow_T"][1])
    table["flow_T"][:] = np.nan  # what a caller does to its table never reaches the next one
    again = values_table(lib, stage_T, stage_P, delta, e, periods)
    assert np.isfinite(again["flow_T"]).all()


def test_points_in_blocks_equal_points_at_once(monkeypatch):
    """Blocking by the memory estimate changes no number: each point's chain is its own."""
    from triangle.partnership import repeated

    n = 301
    rng = np.random.default_rng(11)
    stage_T, stage_P, _, _ = _setup(n=n)
    e = observation_error(rng.uniform(0, 0.3, n), rng.uniform(0, 1, n))
    delta = {k: rng.uniform(0.5, 0.99, n) for k in "TPD"}
    periods = rng.integers(1, 50, n)
    T, P = parse_strategy("Consult(3)"), parse_strategy("GenerousTFT(0.3)")
    whole = pair_values(T, P, stage_T, stage_P, delta, e, periods)
    per_point = repeated.ARRAYS_PER_POINT * 8 * (5 * 2) ** 2
    monkeypatch.setattr(repeated, "MEMORY_BUDGET", 7 * per_point)  # blocks of 7 points
    assert repeated.block_size(10) == 7
    blocked = pair_values(T, P, stage_T, stage_P, delta, e, periods)
    for name in repeated.PairValues.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(blocked, name), getattr(whole, name))


def test_the_largest_valid_chain_fits_the_memory_budget():
    from triangle.partnership import repeated
    from triangle.partnership.strategies import Consult

    states = (Consult.MAX_WARNINGS + 2) ** 2
    assert repeated.block_size(states) >= 1
    assert repeated.ARRAYS_PER_POINT * 8 * states**2 <= repeated.MEMORY_BUDGET < 2**30

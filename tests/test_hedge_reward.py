"""Daylight: the hedge reward ``wedge.hedge_reward`` and the verdict ``partial_success``.

The hedge reward is paid in every period in which the target hedges, while the divider's
commitment lives (docs/model.md §8.1).  Against TitForTat the reward that tips the target is
``h* = (1 - delta s) [delta f / (1 - delta) - g]`` (closed_form.hedge_threshold), derived by
hand in the module doc and checked here against the meta-game and the verdict.
"""

import numpy as np
import pytest

from triangle.partnership import closed_form as cf
from triangle.scenario.files import library_dir, list_library, load_scenario
from triangle.wedge.model import Package, build_stage
from triangle.wedge.outcome import reasons_at
from triangle.wedge.reasons import verdict_from_reasons
from triangle.wedge.solve import evaluate_scenario
from triangle.wedge.verdict import evaluate

from .conftest import build

TFT = ("TitForTat", "Hedger")
# T gains g = 0.5 from a hedge against a cooperator and loses f = 1 when both hedge; P would
# rather cooperate with a cooperator (its fraying 1, its loss when hedged against 2).
STAGE = dict(partnership__hedge_gain__target=0.5, partnership__fraying__target=1.0,
             partnership__hedge_loss__target=2.0, partnership__fraying__partner=1.0,
             partnership__hedge_loss__partner=2.0)


def _tft(h, beta=0.9, dt=1.0, durability=1.0, **kw):
    return build(TFT, time__patience__target=beta, time__patience__partner=beta,
                 time__patience__divider=beta, time__period_years=dt,
                 wedge__durability=durability, wedge__hedge_reward=h, **{**STAGE, **kw})


def test_hand_computed_threshold():
    # delta = 0.9, s = 1: h* = 0.1 * (0.9 * 1 / 0.1 - 0.5) = 0.9 - 0.05
    assert float(cf.hedge_threshold(0.5, 1.0, 0.9, 1.0)) == pytest.approx(0.85, rel=1e-14)


@pytest.mark.parametrize(("dt", "durability"), [(1.0, 1.0), (0.5, 0.8), (0.1, 0.6)])
def test_meta_game_gain_from_hedging_is_the_closed_form(dt, durability):
    """``V(Hedger, TFT) - V(TFT, TFT) = dt [h / (1 - delta s) - delta f / (1 - delta) + g]``."""
    h = np.array([0.0, 0.3, 2.0])
    model = _tft(h, dt=dt, durability=durability)
    stage = build_stage(model, Package(*(np.zeros(3),) * 3, h))
    A = stage.game(np.zeros(3)).A
    d, s = 0.9 ** dt, durability ** dt
    want = dt * (h / (1 - d * s) - d * 1.0 / (1 - d) + 0.5)
    np.testing.assert_allclose(A[:, 1, 0] - A[:, 0, 0], want, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize(("dt", "durability"), [(1.0, 1.0), (0.5, 0.8)])
def test_the_hedge_reward_tips_the_target_exactly_at_the_threshold(dt, durability):
    d, s = 0.9 ** dt, durability ** dt
    h_star = float(cf.hedge_threshold(0.5, 1.0, d, s))
    h = np.array([h_star * (1 - 1e-9), h_star * (1 + 1e-9), 2 * h_star])
    c = evaluate(_tft(h, dt=dt, durability=durability)).columns
    assert c["hedge_share_baseline"].tolist() == [0.0, 0.0, 0.0]
    assert c["hedge_share"][0] == 0.0 and (c["hedge_share"][1:] > 0.9).all()
    assert c["verdict"].tolist() == ["failed", "partial_success", "partial_success"]
    assert not c["schism"].any() and (c["counter_offer"] == 0).all()
    # The divider pays for the distance and the model gives it no value: it is worse off.
    assert (c["pv_divider"][1:] < c["pv_divider_baseline"][1:]).all()


def test_hedging_is_monotone_in_the_hedge_reward():
    """A larger hedge reward never makes the target hedge less, nor undoes partial success
    (default library with TitForTat and noise; the counter and selection in play).  The
    target's equilibrium PV need not rise with ``h``: in a mixed equilibrium the partner's
    mixture moves with the target's payoffs."""
    h = np.linspace(0.0, 6.0, 41)
    model = build(("Loyal", "Hedger", "TitForTat", "Grim", "Consult(2)"),
                  partnership__noise=0.05, partnership__consultation=0.5, wedge__reward=1.0,
                  wedge__hedge_reward=h, **STAGE)
    c = evaluate(model).columns
    assert (np.diff(c["hedge_share"]) >= -1e-12).all()
    partial = c["verdict"] == "partial_success"
    assert partial.any() and not partial[0]
    assert (np.diff(partial.astype(int)) >= 0).all()


def test_grim_deviation_with_a_hedge_reward_matches_the_chain():
    """With noise and a lapsing commitment: the hedger is paid ``sum (delta s e)^t h dt``."""
    e, beta, dur, h = 0.05, 0.9, 0.7, 1.3
    model = build(("Grim", "Hedger"), partnership__value__target=3.0,
                  partnership__hedge_gain__target=1.5, schism__cost__target=2.0,
                  schism__outside__target=0.5, wedge__hedge_reward=h, wedge__reward=4.0,
                  wedge__durability=dur, partnership__noise=-np.log1p(-e),
                  time__patience__target=beta)
    stage = build_stage(model, Package(np.zeros(1), np.array([4.0]), np.zeros(1), np.array([h])))
    A = stage.game(np.zeros(1)).A[0]
    want = cf.grim_deviation_gain(beta, 3.0, 1.5, e=e, S=2.0, O=0.5, h=h, s=dur)
    assert A[1, 0] - A[0, 0] == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize("stem", [s for s, _ in list_library()])
def test_zero_hedge_reward_leaves_every_value_as_it_was(stem, rng):
    """At ``h = 0`` the meta-game is flow + counter + up-front + reward + schism value, with
    no hedge term at all, no verdict is partial success and no reason speaks of hedging."""
    scenario = load_scenario(library_dir() / f"{stem}.toml")
    n = 20
    points = {"wedge.hedge_reward": np.zeros(n), "wedge.upfront": rng.uniform(0, 2, n),
              "wedge.reward": rng.uniform(0, 12, n), "schism.cost.target": rng.uniform(0, 60, n)}
    ev = evaluate_scenario(scenario, points, backend="admissible")
    st, md, m = ev.stage, ev.model, ev.counter
    t, dt, s = st.table, md.dt, md.survival
    dT = md.delta("target")
    col = (slice(None), None, None)
    paid = (md["wedge.upfront"] * dt / (1 - dT * s))[col] \
        + (md["wedge.reward"] * dt / (1 - dT * s))[col] * t["reward_T"]
    F = t["flow_T"] + (m * dt)[col] * t["duration_T"] + paid
    S = md["schism.cost.target"][col]
    want = F + np.where(t["hit_T"] > 0, t["hit_T"] * (st.c_T[col] - S), 0.0)
    np.testing.assert_array_equal(st.game(m).A, want)
    assert "partial_success" not in ev.columns["verdict"].tolist()
    for i in range(n):
        ids = {r["id"] for r in reasons_at(ev, i, {"divider": "D", "target": "T",
                                                   "partner": "P"}, "fixed")}
        assert not ids & {"hedges", "hedged_anyway", "hedge_caused"}


def test_partial_success_has_its_reasons():
    h = np.array([2.0])
    ev = evaluate(_tft(h))
    assert ev.columns["verdict"][0] == "partial_success"
    from triangle.wedge.outcome import reasons_at as at
    reasons = at(ev, 0, {"divider": "D", "target": "T", "partner": "P"}, "fixed")
    by_id = {r["id"]: r for r in reasons}
    assert by_id["hedges"]["op"] == ">" and by_id["hedged_anyway"]["op"] == "<="
    assert by_id["hedge_caused"]["lhs"]["value"] == pytest.approx(
        ev.columns["hedge_share"][0] - ev.columns["hedge_share_baseline"][0])
    assert "partial success" in by_id["hedge_caused"]["text"]
    assert verdict_from_reasons(reasons) == "partial_success"
    assert all(r["holds"] for r in reasons)


def test_a_sweep_over_the_hedge_reward_has_the_hedge_columns_and_the_new_verdict():
    """The parameter reaches sweeps and maps through the registry; the table carries the
    hedge shares and ``partial_success`` is a category of its verdict column."""
    from triangle.analysis.sweep import sweep
    from triangle.scenario.files import parse_scenario

    s = parse_scenario({"scenario": {"name": "daylight", "sources": ["illustrative"]},
                        "time": {"patience": {"target": 0.9, "partner": 0.9, "divider": 0.9}},
                        "partnership": {"value": {"target": 4, "partner": 3},
                                        "hedge_gain": {"target": 0.5},
                                        "hedge_loss": {"target": 2, "partner": 2},
                                        "fraying": {"target": 1, "partner": 1},
                                        "strategies": list(TFT)},
                        "schism": {"cost": {"target": 5, "partner": 5}}})
    df = sweep(s, grid={"wedge.hedge_reward": [0.0, 0.5, 0.84, 0.86, 3.0]})  # h* = 0.85
    assert "partial_success" in df["verdict"].cat.categories
    assert df["verdict"].astype(str).tolist() == [
        "no_attempt", "failed", "failed", "partial_success", "partial_success"]
    assert df["hedge_share"].tolist()[-2:] == [1.0, 1.0]
    assert (df["hedge_share_baseline"] == 0.0).all()
    assert "hedge_reward" not in df.columns  # the varied parameter is its own column


def test_a_partial_success_makes_the_target_the_pivot():
    """T earns the hedge reward and stays with P: D–T and T–P are +, D–P − (romantic
    triangle, T the pivot); below the threshold T takes nothing and D is the outcast."""
    c = evaluate(_tft(np.array([0.5, 2.0]))).columns
    assert c["verdict"].tolist() == ["failed", "partial_success"]
    assert c["configuration"].tolist() == ["stable_marriage", "romantic_triangle"]
    assert c["role_target"][1] == "pivot" and c["role_divider"][0] == "outcast"

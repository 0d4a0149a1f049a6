"""Backward induction: vectorised evaluation equals the scalar path; the optimiser's package."""

import numpy as np
import pytest

from triangle.partnership import closed_form as cf
from triangle.wedge.verdict import evaluate

from .conftest import build

FULL = ("Loyal", "Hedger", "TitForTat", "Pavlov", "Grim", "Realign")
COLUMNS = ("verdict", "schism", "p_schism", "margin", "counter_offer", "pv_divider", "pv_target",
           "pv_partner", "configuration", "role_target", "cohesion_change")


def test_vectorised_evaluation_equals_point_by_point(rng):
    n = 24
    points = dict(schism__cost__target=rng.uniform(0, 15, n), wedge__reward=rng.uniform(0, 12, n),
                  wedge__upfront=rng.choice([0.0, 1.0], n), counter__budget=rng.choice([0.0, 3.0], n),
                  partnership__noise=rng.uniform(0, 0.1, n), wedge__durability=rng.uniform(0.6, 1, n))
    together = evaluate(build(FULL, **points)).columns
    for i in range(n):
        alone = evaluate(build(FULL, **{k: v[i] for k, v in points.items()})).columns
        for key in COLUMNS:
            a, b = together[key][i], alone[key][0]
            if isinstance(a, str):
                assert a == b, (i, key)
            else:
                np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=f"{i} {key}")


def test_optimizer_offers_just_enough_or_nothing():
    """Noise-free {Loyal, Realign}, no counter: the divider's best reward is the least that
    beats r*, if that is worth it (r* <= r_max); otherwise it offers nothing."""
    model = build(counter__budget=0.0, schism__value_to_divider=np.array([10.0, 0.5]),
                  wedge__reward=0.0)
    ev = evaluate(model, mode="optimize")
    r_star = cf.threshold_reward(5.0, 4.0, 0.0, 0.0, model.delta("target"), 1.0, 1.0)
    r_max = cf.divider_max_reward(model["schism.value_to_divider"], model.delta("divider"), 1.0, 0.0)
    assert r_max[0] > r_star[0] > r_max[1]
    assert ev.columns["reward"][0] == pytest.approx(r_star[0], rel=1e-8)
    assert ev.columns["reward"][0] > r_star[0]
    assert ev.columns["verdict"][0] == "success"
    assert ev.columns["reward"][1] == 0.0 and ev.columns["verdict"][1] == "no_attempt"


def test_no_nan_anywhere_with_infinite_inputs():
    model = build(FULL, schism__cost__target=np.array([np.inf, 0.0, np.inf]),
                  schism__cost__partner=np.array([np.inf, np.inf, 0.0]),
                  counter__budget=np.array([np.inf, np.inf, 0.0]), wedge__reward=5.0,
                  partnership__noise=0.05, wedge__pressure=np.array([0.0, 1.0, 0.5]),
                  threat__response__partner=1.0)
    with np.errstate(invalid="raise"):
        ev = evaluate(model)
    for key, value in ev.columns.items():
        if value.dtype.kind == "f":
            assert not np.isnan(value).any(), key


def test_noise_is_a_yearly_rate_so_values_converge_as_the_period_shrinks():
    """Grim against Grim: the schism probability within 4 years tends to 1 - exp(-2 rate 4)
    (either side's misreading, a Poisson process of the yearly rate, ends it), whatever the
    period; with a per-period noise it would grow towards 1 as meetings grow denser."""
    from triangle.wedge.model import Package, build_stage
    rate, horizon = 0.05, 4.0
    dts = np.array([0.1, 0.05, 0.02, 0.01])
    model = build(("Grim", "Loyal"), partnership__noise=rate, time__period_years=dts,
                  time__horizon_years=horizon)
    z = np.zeros(len(dts))
    table = build_stage(model, Package(z, z, z)).table
    p = table["p_horizon"][:, 0, 0]
    limit = 1 - np.exp(-2 * rate * horizon)
    err = np.abs(p - limit)
    assert np.all(err <= 0.1 * dts) and np.all(np.diff(err) < 0), (p, limit)  # first order in dt
    # Present values converge too (first-order in dt): successive gaps shrink with the period.
    v = table["flow_T"][:, 0, 0]
    gaps = np.abs(np.diff(v)) / -np.diff(dts)
    assert np.all(np.isfinite(v)) and gaps.max() < 10 * gaps.min() + 1e-9, (v, gaps)


# ------------------------------------------- selection does not depend on the solver's order

TIED = {"scenario": {"name": "tie", "sources": ["illustrative"]},
        "partnership": {"value": {"target": 4, "partner": 3}, "noise": 0.05,
                        "hedge_gain": {"target": 1, "partner": 1},
                        "strategies": ["Loyal", "Hedger", "Grim", "Realign"]},
        "schism": {"cost": {"target": "existential", "partner": 5}, "value_to_divider": 10},
        "wedge": {"reward": 6}, "counter": {"budget": 0}}


def _selected(ev):
    sol = ev.solution
    k = sol.selected[0]
    return sol.batch.x[0, k].tolist(), sol.batch.y[0, k].tolist()


def test_a_tie_in_selection_goes_the_same_way_whatever_the_order_of_the_slots(monkeypatch):
    """Two admissible equilibria, (Loyal, Hedger) worth (80, 80) and (Hedger, Hedger) worth
    (100, 60): neither payoff-dominates, and their sums tie.  The rule takes the canonically
    first (pure, then lexicographic), so the engine, the engine with its slots reversed, the
    admissible backend and nashpy (which sorts) all select the same one."""
    from triangle.scenario.files import parse_scenario
    from triangle.solvers import registry
    from triangle.solvers.result import Equilibria
    from triangle.wedge.solve import evaluate_scenario

    s = parse_scenario(TIED)
    chosen = {b: _selected(evaluate_scenario(s, backend=b)) for b in ("batched", "admissible",
                                                                      "nashpy")}
    assert chosen["batched"] == chosen["admissible"] == chosen["nashpy"]
    assert chosen["batched"] == ([1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0])

    honest = registry.SOLVERS["batched"]

    class Reversed:
        complete, admissible_only, name = True, False, "batched"

        @staticmethod
        def solve(A, B, unit=None):
            eq = honest.solve(A, B, unit)
            idx = np.argsort(~eq.valid, axis=1, kind="stable")  # valid first, then reversed
            count = eq.valid.sum(axis=1)
            for g in range(len(idx)):
                idx[g, : count[g]] = idx[g, : count[g]][::-1]
            take = lambda a: np.take_along_axis(a, idx[..., None] if a.ndim == 3 else idx, 1)  # noqa: E731
            return Equilibria(take(eq.x), take(eq.y), take(eq.valid), eq.degenerate, eq.method)

    monkeypatch.setitem(registry.SOLVERS, "batched", Reversed)
    assert _selected(evaluate_scenario(s, backend="batched")) == chosen["batched"]

"""The partner's least counter-inducement against a brute-force scan of the predicate."""

from pathlib import Path

import numpy as np
import pytest

from triangle.partnership import closed_form as cf
from triangle.scenario.files import load_scenario
from triangle.wedge.counter import STRICT, counter_offer, hopeless, keeps_partnership, search_cap
from triangle.wedge.model import Package, build_stage
from triangle.wedge.solve import model_of
from triangle.wedge.verdict import fixed_package

# Points of the optimists' scenario (noise 0.05, eight strategies) where the partnership
# holds only on an interval of counters that ends a little below the closed-form cap: the
# noisy partner gives up earlier than the noise-free one.  A search that looked only at
# pure equilibria, or tried only coarse fractions of the cap, reported "no counter".
POINTS = [(7.8305, 4.7343, 3.7405), (11.3385, 4.7563, 2.691), (6.3499, 4.6844, 2.9915)]


@pytest.fixture(scope="module")
def optimist():
    return load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "wedge_optimist_2025.toml")


def _stage(scenario, cost, reward, budget, n):
    md = model_of(scenario, {"schism.cost.target": np.full(n, cost), "wedge.reward": np.full(n, reward),
                             "counter.budget": np.full(n, budget)}, "admissible")
    return build_stage(md, fixed_package(md))


@pytest.mark.parametrize("point", [*POINTS, (3.0, 6.0, 4.0), (25.0, 12.0, 1.5), (15.0, 8.0, 2.5)])
def test_counter_is_the_least_that_keeps_the_partnership(optimist, point):
    """Below the partner's payment no counter on a fine grid keeps the partnership; at the
    payment it holds; and it is paid only if it leaves the partner no worse off."""
    cost, reward, budget = point
    m, sol, converged = counter_offer(_stage(optimist, cost, reward, budget, 1))
    assert converged.all()
    grid_n = 600
    stage = _stage(optimist, cost, reward, budget, grid_n)
    md = stage.model
    willing = cf.partner_max_counter(md["schism.cost.partner"], stage.R_P, stage.O_P,
                                     md.delta("partner"), md.dt, md["counter.budget"])[0]
    cap = min(budget, willing * (1 - STRICT))
    ms = np.linspace(0.0, cap, grid_n)
    scan = stage.solve(ms)
    holds = keeps_partnership(scan, md["solver.schism_probability"], md.selection)
    assert not holds[0]  # the wedge works without a counter: the partner has to act
    step = ms[1] - ms[0]
    if m[0] > 0:
        assert keeps_partnership(sol, md["solver.schism_probability"][:1], md.selection)[0]
        assert not holds[ms < m[0] - step].any()
        assert sol.pick(sol.V_P)[0] >= scan.pick(scan.V_P)[0]
    else:  # no counter: none on the grid keeps it, or the cheapest costs the partner more
        first = np.flatnonzero(holds)
        assert first.size == 0 or scan.pick(scan.V_P)[first[0]] < scan.pick(scan.V_P)[0]


def test_the_hard_points_get_a_counter(optimist):
    """Where the partnership holds only on an interval below the cap, it is found."""
    for cost, reward, budget in POINTS:
        m, _, _ = counter_offer(_stage(optimist, cost, reward, budget, 1))
        assert 1.0 < m[0] < 2.5


@pytest.mark.parametrize("name", ["wedge_optimist_2025", "kissinger_1971", "template"])
def test_hopeless_points_fail_at_every_counter_up_to_the_cap(name):
    """Where :func:`hopeless` rules a point out, the predicate fails on a fine grid of
    counters over the whole ``[0, cap]`` (so skipping the cap's scan there loses nothing), and
    it rules out some points but not all of them (the check is not vacuous)."""
    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / f"{name}.toml")
    rng = np.random.default_rng(4)
    n = 60
    md = model_of(scenario, {"schism.cost.target": rng.uniform(0, 40, n),
                             "wedge.reward": rng.uniform(0, 40, n),
                             "counter.budget": rng.choice([0.5, 2.0, np.inf], n)}, "admissible")
    stage = build_stage(md, fixed_package(md))
    thr = md["solver.schism_probability"]
    cap = search_cap(stage, md["counter.budget"], STRICT)
    out = hopeless(stage, cap, thr)
    assert 0 < out.sum() < n
    idx = np.flatnonzero(out)
    grid = np.linspace(0.0, 1.0, 41)
    sub = stage.take(np.repeat(idx, grid.size))
    scan = sub.solve(np.repeat(cap[idx], grid.size) * np.tile(grid, idx.size))
    assert not keeps_partnership(scan, np.repeat(thr[idx], grid.size), md.selection).any()


def test_a_bracket_narrowed_from_below_goes_on_over_its_breakpoints():
    """A point of ``kissinger_1971`` (noisy, a finite partner's cost, no budget) where, without
    the offer, the switch proposed from the supports fails above its root: the bracket is
    narrowed from below and the breakpoint bisection takes over inside it.  Breakpoints below
    the new lower end must drop out of the sorted list, or the bisection reaches a padding
    entry and solves a game at an infinite counter.  The counter is the reference search's."""
    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "kissinger_1971.toml")
    point = {"schism.cost.target": 13.17598606558812, "schism.cost.partner": 8.038303548191427,
             "wedge.reward": 6.684456866467203, "wedge.upfront": 1.9802840731396287,
             "counter.budget": np.inf, "partnership.noise": 0.5196944052951983}
    md = model_of(scenario, {k: np.array([v]) for k, v in point.items()}, "admissible")
    stage = build_stage(md, Package.none(1))
    m, sol, converged = counter_offer(stage)
    plain, _, _ = counter_offer(stage, plain=True)
    assert converged.all() and np.isfinite(m).all() and m[0] > 0
    assert keeps_partnership(sol, md["solver.schism_probability"], md.selection).all()
    assert abs(m[0] - plain[0]) <= 2e-9 * max(1.0, plain[0]) + 1e-12


def test_a_switch_inside_the_last_interval_below_the_cap():
    """A point of the flagship whose partner's budget (1.644) caps the search and whose switch
    lies between the last breakpoint and the cap: the partnership holds from 1.6426.  The
    bisection over the breakpoints must look inside that last interval too, not return the cap
    (it once did); both searches find the switch."""
    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" /
                             "reverse_kissinger_2025.toml")
    point = {"schism.cost.target": 1.9066897369412854, "wedge.reward": 30.853473423427364,
             "counter.budget": 1.6443643443905118}
    md = model_of(scenario, {k: np.array([v]) for k, v in point.items()}, "admissible")
    stage = build_stage(md, fixed_package(md))
    fast, _, _ = counter_offer(stage)
    plain, _, _ = counter_offer(stage, plain=True)
    assert 1.6425 < fast[0] < 1.6427 and abs(plain[0] - fast[0]) <= 2e-9 * fast[0] + 1e-12
    below = stage.solve(np.array([fast[0] * (1 - 1e-6)]), md.search_backend)
    assert not keeps_partnership(below, md["solver.schism_probability"], md.selection).any()

"""The feasibility tests of the batched engine: the sign screen against the whole-block test."""

import numpy as np
import pytest

import triangle.solvers.feasible as tf
import triangle.solvers.vertices as tv
from tests.test_vertices import tables
from triangle.solvers.tolerance import TOL


def feasible(C, signs=True, spread=False):
    """Every level's feasible systems ``(it, rest, s, near)``, the side's sign tables carried
    from level to level as the engine does (``signs=True``), fresh at each level (``False``);
    with the Laplace bound of the next size (``spread``) as the engine has them."""
    p, q = C.shape[1:]
    bound = tf._largest(tv._column_differences(C)) if spread else None
    carried = tf.SignTables(TOL, bound) if signs else None
    return [tf._feasible_systems(M, up, tv._level(p, q, k), TOL, carried)
            for k, M, up in tables(C)]


def tilted():
    """A 2 x 2 side whose mixed vertex has the weight ``-TOL / 2`` on row 1: feasible (the
    weight is within the tolerance and is cleaned to 0), though its two weights have
    opposite signs."""
    return np.array([[[0.0, -TOL / 2], [1.0, 0.0]]])


def stacks():
    rng = np.random.default_rng(61)
    far = rng.uniform(0, 1, (40, 4, 4))
    far[:, 0, 0] = -3000.0  # a stand-in thousands of units off the others
    return {
        "random": rng.uniform(-1, 1, (60, 5, 5)),
        "integer": rng.integers(0, 3, (60, 4, 4)).astype(float),
        "near ties": rng.integers(0, 3, (60, 4, 5)) + rng.normal(0, 1e-13, (60, 4, 5)),
        "stand-in": far,
        "wide": rng.uniform(-1, 1, (70, 3, 6)),
        "tall": rng.integers(0, 4, (70, 6, 3)).astype(float),
        "tilted": tilted(),
    }


def assert_same(a, b):
    for u, v in zip(a, b, strict=True):
        for x, y in zip(u, v, strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", list(stacks()))
def test_the_screen_rules_out_no_feasible_system(monkeypatch, name):
    """The screened test (never falling back to whole blocks) returns exactly the systems,
    sums and flags of the whole-block test, in the same order: bit for bit."""
    C = stacks()[name]
    monkeypatch.setattr(tf, "DENSE_SHARE", 1.0)
    screened = feasible(C)
    monkeypatch.setattr(tf, "SIGNS_FROM", 99)
    assert_same(screened, feasible(C))


@pytest.mark.parametrize("name", list(stacks()))
def test_the_laplace_bound_changes_no_result(monkeypatch, name):
    """With ``k * spread * max|M|`` for the next size's maximum (``SignTables(tol, spread)``,
    as the engine screens) the screen still returns the whole-block test's systems, bit for
    bit; and the bound is above every table's maximum."""
    C = stacks()[name]
    monkeypatch.setattr(tf, "DENSE_SHARE", 1.0)
    screened = feasible(C, spread=True)
    monkeypatch.setattr(tf, "SIGNS_FROM", 99)
    assert_same(screened, feasible(C))
    spread = tf._largest(tv._column_differences(C))
    levels = tables(C)
    bound = tf._largest(levels[1][1])  # level 2, where the screen starts
    for k, _, up in levels[1:-1]:
        bound *= k * spread
        assert tf._largest(up) <= bound * (1 + 1e-12), k


def test_the_tilted_vertex_is_feasible():
    """What the test above needs of :func:`tilted`: its mixed system is feasible, and its
    weights have opposite signs (the screen must not rule it out by sign alone)."""
    _, (_, M, _) = tables(tilted())
    it, rest, s, _ = feasible(tilted())[1]
    assert len(it) == 1 and rest[0] == 0  # T = {0, 1}, I = {0, 1}, game 0
    c = np.array([M[0, 1, 0], -M[0, 0, 0]])  # c_0, c_1
    small = c[np.argmin(np.abs(c))]
    assert np.sign(small) == -np.sign(s[0]) and 0 < abs(small) <= TOL * abs(s[0])


@pytest.mark.parametrize("name", ["random", "integer", "stand-in"])
def test_carried_tables_equal_fresh_ones(name):
    C = stacks()[name]
    assert_same(feasible(C, signs=True), feasible(C, signs=False))


@pytest.mark.parametrize("name", list(stacks()))
def test_the_bound_covers_every_sum(name):
    """``|s| <= k max|M|`` for every system of every level: the bound behind ``delta``."""
    C = stacks()[name]
    p, q = C.shape[1:]
    for k, M, _ in tables(C):
        lv = tv._level(p, q, k)
        c = M[:, lv.sup_minus]  # (nT, nI, k, N): M[T, I minus i]
        s = (c * (-1.0) ** np.arange(k)[:, None]).sum(axis=2)
        assert np.abs(s).max() <= k * tf._largest(M) * (1 + 1e-12)


def test_random_games_leave_few_candidates():
    """In random games the screen leaves little more than the feasible systems themselves:
    a vertex needs all of its values on one side of 0, and minors of random payoffs are
    almost never within ``delta`` of 0."""
    C = np.random.default_rng(62).uniform(-1, 1, (64, 6, 6))
    p, q = C.shape[1:]
    signs = tf.SignTables(TOL, tf._largest(tv._column_differences(C)))  # as the engine has it
    for k, M, up in tables(C)[1:-1]:
        lv = tv._level(p, q, k)
        signs.level(M, up, k)
        kept = len(signs.candidates(lv, 0, len(lv.tight), replies=True))
        found = len(tf._feasible_systems(M, up, lv, TOL)[0])
        assert found <= kept <= found + 2, k
        assert kept < 0.1 * len(lv.tight) * len(lv.sup) * len(C)  # of all systems

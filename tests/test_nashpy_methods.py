"""nashpy's methods without their idle work yield exactly what nashpy's own methods yield.

Each comparison is array for array and in order (``numpy.array_equal``, no tolerance): the
generators call nashpy's own functions on the same inputs, so any difference, even in the
last bit, means they no longer compute what nashpy computes.  A failure must be the same
failure (type and message), since the nashpy backend reports it in ``notes``.
"""

from math import comb

import nashpy
import nashpy.polytope
import numpy as np
import pytest
from nashpy.algorithms.support_enumeration import potential_support_pairs, solve_indifference

from triangle.scenario.files import library_dir, list_library, load_scenario
from triangle.solvers import nashpy_methods
from triangle.solvers.tolerance import TOL, in_units
from triangle.wedge.solve import evaluate_scenario

# nashpy warns of an even number of equilibria (degenerate games) on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _run(generator) -> tuple[list, tuple | None]:
    """What a generator yields, and how it failed (type and message) if it did."""
    out = []
    try:
        for x, y in generator:
            out.append((x, y))
    except Exception as exc:  # the failure itself is compared
        return out, (type(exc), str(exc))
    return out, None


def _assert_same(ours, theirs) -> None:
    (got, got_error), (want, want_error) = _run(ours), _run(theirs)
    assert got_error == want_error
    assert len(got) == len(want)
    for (x, y), (wx, wy) in zip(got, want, strict=True):
        assert np.array_equal(x, wx) and np.array_equal(y, wy)


def _random_games(seed: int, count: int, integer: bool, sizes=(2, 3, 4, 5)):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        k, l = rng.choice(sizes), rng.choice(sizes)
        if integer:  # payoffs 0..3: ties everywhere, so most of these games are degenerate
            yield (rng.integers(0, 4, (k, l)).astype(float) + 1.0,
                   rng.integers(0, 4, (k, l)).astype(float) + 1.0)
        else:
            yield rng.uniform(1.0, 10.0, (k, l)), rng.uniform(1.0, 10.0, (k, l))


@pytest.mark.parametrize("integer", [False, True], ids=["generic", "degenerate"])
def test_vertex_enumeration_yields_what_nashpy_yields(integer):
    for A, B in _random_games(11 + integer, 40, integer):
        _assert_same(nashpy_methods.vertex_enumeration(A, B),
                     nashpy.Game(A, B).vertex_enumeration())


@pytest.mark.parametrize("integer", [False, True], ids=["generic", "degenerate"])
@pytest.mark.parametrize("tol", [10**-16, TOL])
def test_support_enumeration_yields_what_nashpy_yields(integer, tol):
    for A, B in _random_games(23 + integer, 25, integer):
        _assert_same(nashpy_methods.support_enumeration(A, B, tol=tol),
                     nashpy.Game(A, B).support_enumeration(tol=tol))


def test_negative_payoffs_are_shifted_as_nashpy_shifts_them():
    rng = np.random.default_rng(5)
    for _ in range(10):
        A, B = rng.uniform(-5.0, 5.0, (3, 4)), rng.uniform(-5.0, 1.0, (3, 4))
        _assert_same(nashpy_methods.vertex_enumeration(A, B),
                     nashpy.Game(A, B).vertex_enumeration())


@pytest.mark.parametrize("A", [np.zeros((2, 2)), np.full((3, 3), 5.0), np.zeros((1, 3)),
                               np.array([[1.0, 1.0], [1.0, 1.0]])])
def test_failures_on_constant_games_are_nashpys_failures(A):
    """nashpy's vertex enumeration raises on constant games (a ``TypeError``, or Qhull's
    refusal); the generator must fail in the same way, or yield the same, for the notes."""
    _assert_same(nashpy_methods.vertex_enumeration(A, A), nashpy.Game(A, A).vertex_enumeration())
    _assert_same(nashpy_methods.support_enumeration(A, A, tol=TOL),
                 nashpy.Game(A, A).support_enumeration(tol=TOL))


def _final_game(stem: str):
    """The game with the offer of a shipped scenario, as the nashpy backend hands it to
    nashpy: in payoff units, shifted to be at least 1."""
    ev = evaluate_scenario(load_scenario(library_dir() / f"{stem}.toml"), backend="batched")
    game = ev.solution.game
    ua, ub = np.array([game.unit_T[0]]), np.array([game.unit_P[0]])
    return (in_units(game.A_solve[:1], ua)[0] + 1.0, in_units(game.B_solve[:1], ub)[0] + 1.0)


@pytest.mark.parametrize("stem", [stem for stem, _ in list_library()])
def test_the_shipped_scenarios_final_games(stem):
    """The model's own degenerate meta-games (up to 8x8, about 90 polytope vertices each);
    support enumeration where the backend runs it (up to 6x6)."""
    A, B = _final_game(stem)
    _assert_same(nashpy_methods.vertex_enumeration(A, B), nashpy.Game(A, B).vertex_enumeration())
    if A.shape[0] * A.shape[1] <= 36:
        _assert_same(nashpy_methods.support_enumeration(A, B, tol=TOL),
                     nashpy.Game(A, B).support_enumeration(tol=TOL))


def test_the_column_polytope_is_computed_once(monkeypatch):
    """nashpy computes the column player's polytope again for every vertex of the row
    player's (four times in this 3x3 game); here it is computed once."""
    calls = []
    honest = nashpy.polytope.non_trivial_vertices

    def counted(halfspaces):
        calls.append(halfspaces.shape)
        return honest(halfspaces)
    monkeypatch.setattr(nashpy.polytope, "non_trivial_vertices", counted)
    A = np.array([[3.0, 1.0, 2.0], [1.0, 3.0, 1.0], [2.0, 1.0, 3.0]])
    B = np.array([[1.0, 3.0, 2.0], [3.0, 1.0, 2.0], [2.0, 2.0, 1.0]])
    found = list(nashpy_methods.vertex_enumeration(A, B))
    assert len(found) >= 1
    assert len(calls) == 2


@pytest.mark.parametrize("k", range(1, 7))
@pytest.mark.parametrize("l", range(1, 7))
def test_equal_size_pairs_counted_by_vandermonde(k, l):
    """``sum_s C(k, s) C(l, s) = C(k + l, k)``, less the empty pair."""
    pairs = list(potential_support_pairs(np.ones((k, l)), np.ones((k, l)), non_degenerate=True))
    assert all(len(a) == len(b) for a, b in pairs)
    assert len(pairs) == nashpy_methods.equal_size_support_pairs(k, l)
    assert len(pairs) == sum(comb(k, s) * comb(l, s) for s in range(1, min(k, l) + 1))


def test_supports_of_unequal_size_are_rejected_by_nashpy():
    """The premise of skipping them: for supports of sizes ``a != b`` nashpy's indifference
    system has ``n + a - b`` equations in ``n`` unknowns, not square, and nashpy's
    ``solve_indifference`` rejects every such pair, whatever the payoffs."""
    rng = np.random.default_rng(7)
    for A, B in [(rng.random((4, 3)), rng.random((4, 3))),
                 (rng.integers(0, 2, (3, 4)).astype(float), np.zeros((3, 4)))]:
        unequal = [(a, b) for a, b in potential_support_pairs(A, B) if len(a) != len(b)]
        assert unequal
        for a, b in unequal:
            assert solve_indifference(B.T, b, a) is False
            assert solve_indifference(A, a, b) is False

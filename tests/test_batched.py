"""The batched numpy equilibrium engine against nashpy, closed forms and brute force."""

import itertools
import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import triangle.solvers.batched as tb
import triangle.solvers.degenerate as td
import triangle.solvers.feasible as tf
import triangle.solvers.vertices as tv
from triangle.solvers.batched import batched_equilibria, pure_equilibria
from triangle.solvers.tolerance import best_replies_hold, in_units

TOL = 1e-9


def best_response_ok(A, B, x, y, tol=1e-7):
    """Each player's strategy earns within tol of its best pure response."""
    return x @ A @ y >= (A @ y).max() - tol and x @ B @ y >= (x @ B).max() - tol


def same_pair(p, q, atol=1e-6):
    return np.allclose(p[0], q[0], atol=atol) and np.allclose(p[1], q[1], atol=atol)


def as_set(pairs):
    """Deduplicated list of equilibria."""
    out = []
    for p in pairs:
        if not any(same_pair(p, q) for q in out):
            out.append(p)
    return out


def subset(small, big):
    return all(any(same_pair(p, q) for q in big) for p in small)


def verified(A, B, pairs):
    """nashpy's output cleaned (tiny negatives clipped) and kept only if it is an equilibrium."""
    out = []
    for x, y in pairs:
        x, y = np.asarray(x, float), np.asarray(y, float)
        if not (np.isfinite(x).all() and np.isfinite(y).all()) or min(x.min(), y.min()) < -1e-7:
            continue
        x, y = np.clip(x, 0, None), np.clip(y, 0, None)
        x, y = x / x.sum(), y / y.sum()
        if best_response_ok(A, B, x, y):
            out.append((x, y))
    return as_set(out)


def nashpy_reference(A, B):
    """Union of nashpy's support and vertex enumeration, each verified; and whether they agree.

    Vertex enumeration needs positive payoffs; equilibria do not change when a constant is added.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        support = verified(A, B, nashpy.Game(A, B).support_enumeration())
        shift = 1.0 - min(A.min(), B.min())
        vertex = verified(A, B, nashpy.Game(A + shift, B + shift).vertex_enumeration())
    agree = subset(support, vertex) and subset(vertex, support)
    return as_set(support + vertex), agree


def solve_one(A, B, **kw):
    eq = batched_equilibria(np.asarray(A, float)[None], np.asarray(B, float)[None], **kw)
    return eq.of_game(0), bool(eq.degenerate[0])


# ---------------------------------------------------------------- random non-degenerate games

@st.composite
def generic_games(draw):
    """Payoffs in [-10, 10] with three decimals and no ties in a column of A or a row of B."""
    m, n = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    ints = st.integers(-10_000, 10_000)
    A = draw(arrays(np.int64, (m, n), elements=ints)) / 1000
    B = draw(arrays(np.int64, (m, n), elements=ints)) / 1000
    assume(all(len(set(A[:, j])) == m for j in range(n)))
    assume(all(len(set(B[i, :])) == n for i in range(m)))
    return A, B


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generic_games())
def test_random_games_match_nashpy(game):
    A, B = game
    mine, degenerate = solve_one(A, B)
    assert mine, "every game has an equilibrium"
    for x, y in mine:
        assert np.isfinite(x).all() and np.isfinite(y).all()
        assert x.min() >= 0 and y.min() >= 0
        assert np.isclose(x.sum(), 1) and np.isclose(y.sum(), 1)
        assert best_response_ok(A, B, x, y, tol=1e-8)
    ref, agree = nashpy_reference(A, B)
    assert subset(ref, mine), "an equilibrium verified from nashpy is missing"
    assert len(as_set(mine)) == len(mine), "duplicates"
    if agree and not degenerate:
        assert subset(mine, ref)
    if not degenerate:
        assert len(mine) % 2 == 1  # non-degenerate games have an odd number (Lemke-Howson)


def test_seeded_float_games_agree_with_nashpy_and_are_not_degenerate():
    rng = np.random.default_rng(7)
    for m, n in [(2, 2), (3, 3), (2, 5), (4, 3), (4, 4)]:
        A, B = rng.uniform(-10, 10, (2, 20, m, n))
        eq = batched_equilibria(A, B)
        assert not eq.degenerate.any()
        assert (eq.count() % 2 == 1).all()
        for g in range(len(A)):
            ref, _ = nashpy_reference(A[g], B[g])
            assert subset(ref, eq.of_game(g)) and subset(eq.of_game(g), ref)


def test_two_by_two_closed_form_on_many_games():
    """Generic 2x2 games: the mixed equilibrium has the textbook closed form."""
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(2, 5000, 2, 2))
    eq = batched_equilibria(A, B)
    p = (B[:, 1, 1] - B[:, 1, 0]) / (B[:, 0, 0] - B[:, 0, 1] - B[:, 1, 0] + B[:, 1, 1])
    q = (A[:, 1, 1] - A[:, 0, 1]) / (A[:, 0, 0] - A[:, 0, 1] - A[:, 1, 0] + A[:, 1, 1])
    interior = (p > 0) & (p < 1) & (q > 0) & (q < 1)
    n_pure = pure_equilibria(A, B).sum(axis=(1, 2))
    np.testing.assert_array_equal(eq.count(), n_pure + interior)
    mixed = (eq.x > 1e-12).all(axis=2) & eq.valid
    assert (mixed.sum(1) == interior).all()
    g, k = np.nonzero(mixed)
    np.testing.assert_allclose(eq.x[g, k, 0], p[g], atol=1e-9)
    np.testing.assert_allclose(eq.y[g, k, 0], q[g], atol=1e-9)


# ------------------------------------------------------------------------------ known games

def test_matching_pennies():
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    eqs, degenerate = solve_one(A, -A)
    assert not degenerate and len(eqs) == 1
    np.testing.assert_allclose(eqs[0][0], [0.5, 0.5])
    np.testing.assert_allclose(eqs[0][1], [0.5, 0.5])


def test_prisoners_dilemma_one_pure_equilibrium():
    A = np.array([[3.0, 0.0], [5.0, 1.0]])  # row 0 cooperate, row 1 defect
    eqs, degenerate = solve_one(A, A.T)
    assert not degenerate and len(eqs) == 1
    np.testing.assert_array_equal(eqs[0][0], [0, 1])
    np.testing.assert_array_equal(eqs[0][1], [0, 1])
    np.testing.assert_array_equal(pure_equilibria(A[None], A.T[None])[0], [[0, 0], [0, 1]])


def test_battle_of_the_sexes():
    A, B = np.array([[3.0, 0.0], [0.0, 2.0]]), np.array([[2.0, 0.0], [0.0, 3.0]])
    eqs, degenerate = solve_one(A, B)
    assert not degenerate and len(eqs) == 3
    expected = [([0, 1], [0, 1]), ([0.6, 0.4], [0.4, 0.6]), ([1, 0], [1, 0])]
    for (x, y), (ex, ey) in zip(eqs, expected, strict=True):  # sorted by (x, y)
        np.testing.assert_allclose(x, ex, atol=1e-12)
        np.testing.assert_allclose(y, ey, atol=1e-12)


def test_rock_paper_scissors_uniform():
    A = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    eqs, degenerate = solve_one(A, -A)
    assert not degenerate and len(eqs) == 1
    np.testing.assert_allclose(eqs[0][0], np.full(3, 1 / 3))
    np.testing.assert_allclose(eqs[0][1], np.full(3, 1 / 3))


# ------------------------------------------------------------------------- degenerate games

def test_pure_tie_is_degenerate():
    A = np.array([[1.0, 1.0], [0.0, 0.0]])
    eqs, degenerate = solve_one(A, A)  # the column player is indifferent against row 0
    assert degenerate
    assert len(eqs) == 2 and all(np.array_equal(x, [1, 0]) for x, _ in eqs)
    assert all(best_response_ok(A, A, x, y) for x, y in eqs)


def test_constant_game_reports_all_pure_profiles():
    eqs, degenerate = solve_one(np.ones((2, 2)), np.ones((2, 2)))
    assert degenerate and len(eqs) == 4  # the whole square is a continuum: its 4 corners


def test_constant_up_to_round_off_invents_no_vertices():
    """Payoffs equal within round-off (as two strategies that never break give) leave the
    player indifferent: the same extreme equilibria as the exactly constant game, the 9
    pure profiles, and no centroids of the simplex."""
    rng = np.random.default_rng(3)
    ulps = rng.integers(-2, 3, (3, 3)) * np.spacing(80.0)
    exact = batched_equilibria(np.full((3, 3), 80.0), np.full((3, 3), 60.0))
    noisy = batched_equilibria(80.0 + ulps, 60.0 - ulps.T)
    assert exact.count()[0] == noisy.count()[0] == 9
    np.testing.assert_array_equal(noisy.x[noisy.valid].max(axis=1), 1.0)  # all pure
    np.testing.assert_array_equal(noisy.y[noisy.valid].max(axis=1), 1.0)


def test_continuum_extreme_points_with_unequal_supports():
    """Row player indifferent: x0 >= 1/3 gives (x, left), x0 <= 1/3 gives (x, right)."""
    A, B = np.ones((2, 2)), np.array([[2.0, 0.0], [0.0, 1.0]])
    eqs, degenerate = solve_one(A, B)
    assert degenerate
    third = [1 / 3, 2 / 3]
    expected = [([0, 1], [0, 1]), (third, [0, 1]), (third, [1, 0]), ([1, 0], [1, 0])]
    assert len(eqs) == 4
    for (x, y), (ex, ey) in zip(eqs, expected, strict=True):
        np.testing.assert_allclose(x, ex, atol=1e-12)
        np.testing.assert_allclose(y, ey, atol=1e-12)
        assert best_response_ok(A, B, x, y)
    # the mixed x with a pure y: supports of unequal size, which equal-size enumeration misses
    assert any((x > 0).sum() == 2 and (y > 0).sum() == 1 for x, y in eqs)


def test_degenerate_integer_games_give_all_extreme_equilibria():
    """Small-integer games are mostly degenerate; vertex enumeration lists the extreme ones."""
    rng = np.random.default_rng(5)
    flagged = 0
    for m, n in [(2, 2), (2, 3), (3, 3), (3, 4)]:
        A, B = rng.integers(0, 3, (2, 25, m, n)).astype(float)
        eq = batched_equilibria(A, B)
        flagged += eq.degenerate.sum()
        for g in range(len(A)):
            mine = eq.of_game(g)
            assert all(best_response_ok(A[g], B[g], x, y) for x, y in mine)
            ref, _ = nashpy_reference(A[g], B[g])
            assert subset(ref, mine) and subset(mine, ref)
    assert flagged > 60


def brute_force_degenerate(A, B, tol=1e-9):
    """Independent check (LAPACK, loops): some vertex of a best-response polyhedron has too many
    labels, i.e. a mixed strategy with support k has more than k pure best responses."""
    for C in (B, A.T):  # x against the column payoffs, y against the row payoffs
        p, q = C.shape
        for k in range(1, min(p, q) + 1):
            for rows in itertools.combinations(range(p), k):
                for cols in itertools.combinations(range(q), k):
                    M = np.zeros((k + 1, k + 1))
                    M[:k, :k], M[:k, k], M[k, :k] = C[np.ix_(rows, cols)].T, -1.0, 1.0
                    if abs(np.linalg.det(M)) < 1e-12:
                        continue
                    z = np.zeros(p)
                    z[list(rows)] = np.linalg.solve(M, np.eye(k + 1)[k])[:k]
                    pay = z @ C
                    if z.min() < -tol or pay[list(cols)].min() < pay.max() - tol:
                        continue
                    if (np.abs(z) <= tol).sum() + (pay >= pay.max() - tol).sum() > p:
                        return True
    return False


def test_degeneracy_flag_matches_brute_force():
    rng = np.random.default_rng(11)
    for m, n in [(2, 2), (2, 3), (3, 3), (3, 2)]:
        A, B = rng.integers(-3, 4, (2, 40, m, n)).astype(float)
        eq = batched_equilibria(A, B)
        expected = [brute_force_degenerate(a, b) for a, b in zip(A, B, strict=True)]
        np.testing.assert_array_equal(eq.degenerate, expected)


def test_mixed_strategy_degeneracy_without_pure_ties():
    """No ties at pure strategies, but x = (1/2, 1/2) makes all three columns best responses."""
    A = np.array([[3.0, 2.0, 0.0], [0.0, 1.0, 3.0]])
    B = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 2.0]])
    assert all(len(set(col)) == 2 for col in A.T) and all(len(set(row)) == 3 for row in B)
    eqs, degenerate = solve_one(A, B)
    assert degenerate and brute_force_degenerate(A, B)
    assert all(best_response_ok(A, B, x, y) for x, y in eqs)
    ref, _ = nashpy_reference(A, B)
    assert subset(ref, eqs)


@pytest.mark.parametrize("dup", ["rows", "cols", "both"])
def test_identical_rows_and_columns_give_no_nan(dup):
    rng = np.random.default_rng(3)
    A, B = rng.uniform(-5, 5, (2, 30, 4, 4))
    for P in (A, B):
        if dup in ("rows", "both"):
            P[:, 1] = P[:, 0]
        if dup in ("cols", "both"):
            P[:, :, 3] = P[:, :, 2]
    eq = batched_equilibria(A, B)
    assert np.isfinite(eq.x).all() and np.isfinite(eq.y).all()
    assert (eq.count() >= 1).all()
    # a copied strategy that is a best response somewhere makes the game degenerate;
    # one that never is (dominated) does not
    assert eq.degenerate.any()
    for g in range(len(A)):
        assert eq.degenerate[g] == brute_force_degenerate(A[g], B[g])
        assert all(best_response_ok(A[g], B[g], x, y) for x, y in eq.of_game(g))


# --------------------------------------------------------------------------- vectorisation

def mixed_stack(rng, N=50, m=4, n=4):
    """Float games, small-integer (degenerate) games and games with copied rows, shuffled."""
    A, B = rng.uniform(-10, 10, (2, N, m, n))
    A[::3], B[::3] = rng.integers(0, 3, (2, len(A[::3]), m, n))
    A[1::5, 1], B[1::5, :, 2] = A[1::5, 0], B[1::5, :, 0]
    return A, B


def test_stack_equals_games_solved_alone():
    A, B = mixed_stack(np.random.default_rng(2))
    eq = batched_equilibria(A, B)
    assert eq.degenerate.any() and not eq.degenerate.all()
    for g in range(len(A)):
        alone = batched_equilibria(A[g : g + 1], B[g : g + 1])
        assert alone.degenerate[0] == eq.degenerate[g]
        k = alone.count()[0]
        assert eq.count()[g] == k
        np.testing.assert_allclose(eq.x[g, :k], alone.x[0, :k], atol=1e-12)
        np.testing.assert_allclose(eq.y[g, :k], alone.y[0, :k], atol=1e-12)
    assert not eq.valid[np.arange(eq.valid.shape[1]) >= eq.count()[:, None]].any()
    assert (eq.x[~eq.valid] == 0).all()


def test_small_chunks_give_the_same_result(monkeypatch):
    A, B = mixed_stack(np.random.default_rng(4), N=30, m=3, n=4)
    full = batched_equilibria(A, B)
    monkeypatch.setattr(tb, "SYSTEM_BUDGET", 1)  # one game per chunk
    monkeypatch.setattr(td, "PAIR_BUDGET", 3)  # degenerate vertex pairs in many small blocks
    monkeypatch.setattr(tv, "DENSE_BLOCK", 1)  # feasibility tested one indifference set at a time
    monkeypatch.setattr(tf, "SIGN_BLOCK", 1)  # signs screened one indifference set at a time
    small = batched_equilibria(A, B)
    for name in ("x", "y", "valid", "degenerate"):
        np.testing.assert_array_equal(getattr(full, name), getattr(small, name))


def test_vertex_hash_collisions_merge_nothing(monkeypatch):
    """Degenerate games' vertices are grouped by a hash; with a hash that collides all the time
    (a zero multiplier leaves only the last coordinate) the result must not change."""
    rng = np.random.default_rng(12)
    A, B = rng.integers(0, 3, (2, 60, 4, 5)).astype(float)
    base = batched_equilibria(A, B)
    assert base.degenerate.mean() > 0.5
    monkeypatch.setattr(td, "_HASH", np.int64(0))
    collided = batched_equilibria(A, B)
    for name in ("x", "y", "valid", "degenerate"):
        np.testing.assert_array_equal(getattr(collided, name), getattr(base, name))


def test_matching_is_intersect1d():
    """The lookup table gives ``np.intersect1d``'s positions, and is left all ``-1`` for the
    next call (one table serves every level of a chunk)."""
    rng = np.random.default_rng(13)
    table = np.full(5000, -1)
    for size in (1, 50, 5000, 50, 5000):
        kx = rng.choice(size, rng.integers(0, size + 1), replace=False)
        ky = rng.choice(size, rng.integers(0, size + 1), replace=False)
        ax, ay = tb._matching(kx, ky, table)
        _, bx, by = np.intersect1d(kx, ky, assume_unique=True, return_indices=True)
        np.testing.assert_array_equal(ax, bx)
        np.testing.assert_array_equal(ay, by)
        assert (table == -1).all()


def test_shapes_edge_cases_and_validation():
    one_row = batched_equilibria(np.array([[[1.0, 2.0, 0.0]]]), np.array([[[0.0, 3.0, 1.0]]]))
    assert one_row.count().tolist() == [1] and one_row.y[0, 0].tolist() == [0, 1, 0]
    empty = batched_equilibria(np.zeros((0, 3, 3)), np.zeros((0, 3, 3)))
    assert empty.x.shape[0] == 0 and empty.count().shape == (0,)
    two_d = batched_equilibria(np.eye(2), np.eye(2))  # a single game as a 2-D pair
    assert two_d.count().tolist() == [3]
    with pytest.raises(ValueError):
        batched_equilibria(np.zeros((2, 3, 3)), np.zeros((2, 3, 2)))
    with pytest.raises(ValueError):
        batched_equilibria(np.full((1, 2, 2), np.nan), np.zeros((1, 2, 2)))


def test_pure_equilibria_mask_matches_engine():
    rng = np.random.default_rng(9)
    A, B = rng.uniform(-1, 1, (2, 500, 3, 4))
    mask = pure_equilibria(A, B)
    eq = batched_equilibria(A, B)
    pure = eq.valid & (eq.x.max(axis=2) == 1) & (eq.y.max(axis=2) == 1)
    np.testing.assert_array_equal(mask.sum(axis=(1, 2)), pure.sum(axis=1))
    g, k = np.nonzero(pure)
    assert mask[g, eq.x[g, k].argmax(1), eq.y[g, k].argmax(1)].all()


def test_large_payoff_scale_and_offset():
    """Scaling payoffs up or adding a constant changes neither equilibria nor flags."""
    rng = np.random.default_rng(6)
    A, B = rng.uniform(-1, 1, (2, 200, 5, 5))
    base = batched_equilibria(A, B)
    for a, b in ((A * 1e4, B * 1e4), (A + 1e5, B - 1e5)):
        other = batched_equilibria(a, b)
        np.testing.assert_array_equal(other.valid, base.valid)
        np.testing.assert_array_equal(other.degenerate, base.degenerate)
        np.testing.assert_allclose(other.x, base.x, atol=1e-9)
        np.testing.assert_allclose(other.y, base.y, atol=1e-9)


def test_solving_only_the_needed_vertices_changes_nothing(monkeypatch):
    """The engine solves a vertex only where its support is matched or it may carry an extra
    label (``near``); with every vertex near (all solved, as the engine first did) the
    equilibria, their order and the degeneracy flags are the same: in games with a strategy
    that mixes two others (degenerate at a mixed vertex, not at a pure one), in ties, in
    perturbations below the tolerance and in generic games."""
    rng = np.random.default_rng(26)
    A, B = rng.uniform(-1, 1, (300, 4, 4)), rng.uniform(-1, 1, (300, 4, 4))
    B[:, :, 3] = (B[:, :, 0] + B[:, :, 1]) / 2
    A[:, 3, :] = 0.3 * A[:, 0, :] + 0.7 * A[:, 2, :]
    cases = [
        (A, B),
        (rng.integers(0, 3, (300, 4, 4)), rng.integers(0, 3, (300, 4, 4))),
        (rng.integers(0, 2, (300, 3, 5)) + rng.normal(0, 1e-12, (300, 3, 5)),
         rng.integers(0, 3, (300, 3, 5)) + rng.normal(0, 1e-12, (300, 3, 5))),
        (rng.uniform(-1, 1, (300, 5, 5)), rng.uniform(-1, 1, (300, 5, 5))),
    ]
    lazy = [tb.batched_equilibria(A.astype(float), B.astype(float)) for A, B in cases]
    monkeypatch.setattr(tf, "NEAR_ABS", np.inf)
    for (A, B), a in zip(cases, lazy, strict=True):
        b = tb.batched_equilibria(A.astype(float), B.astype(float))
        for u, v in ((a.x, b.x), (a.y, b.y), (a.valid, b.valid), (a.degenerate, b.degenerate)):
            np.testing.assert_array_equal(u, v)
    assert lazy[0].degenerate.mean() > 0.9 and not lazy[3].degenerate.any()


def test_pure_ties_are_the_definition():
    """Degeneracy test (a), column by column, against its definition by numpy reductions:
    a row of ``C`` with more than one entry within ``tol`` of its maximum."""
    rng = np.random.default_rng(31)
    stacks = [rng.integers(0, 3, (400, 4, 5)).astype(float), rng.uniform(0, 1, (200, 6, 6)),
              rng.integers(0, 2, (60, 1, 7)).astype(float), rng.integers(0, 2, (60, 7, 1)) * 1.0,
              rng.integers(0, 3, (80, 3, 3)) + rng.normal(0, 1e-12, (80, 3, 3))]
    for C in stacks:
        expected = ((C >= C.max(axis=2, keepdims=True) - TOL).sum(axis=2) > 1).any(axis=1)
        assert np.array_equal(tb._pure_ties(C, TOL), expected)
    assert 0 < tb._pure_ties(stacks[0], TOL).sum() < len(stacks[0])  # both kinds of game
    assert 0 < tb._pure_ties(stacks[-1], TOL).sum() < len(stacks[-1])  # ties at 1e-12


def _hex(rows):
    return np.array([[float.fromhex(v) for v in r] for r in rows])


# A 4 x 4 game of integers plus noise of 1e-9 and 1e-10 whose one equilibrium (Gambit's exact
# enummixed: x = (2/5, 2/5, 0, 1/5)) has supports of size 3 whose systems' determinants, products
# of payoff differences of ~1e-10, fall below the engine's bound SINGULAR.
NEAR_TIE_A = _hex([
    ["0x1.fffffffc705dfp+0", "0x1.fffffffc75c2ep+0", "0x1.0000000245dffp+0", "0x1.4df111e5e24fap-32"],
    ["0x1.7cf5471f0946ap-32", "0x1.fffffff0d8d48p-1", "0x1.00000001af34cp+1", "0x1.fffffffc666b7p-1"],
    ["0x1.ffffffff87c21p+0", "0x1.da3a43ae37c8dp-32", "0x1.fffffff463a11p-1", "0x1.fd117dc10b4c3p-30"],
    ["-0x1.add0e2943d935p-32", "0x1.0000000479f0ep+0", "0x1.00000002d2d18p+1", "0x1.fffffff5e75b3p-1"]])
NEAR_TIE_B = _hex([
    ["0x1.ffffffffc2ae6p-1", "0x1.0000000007499p+1", "0x1.0000000024f05p+1", "0x1.ffffffffd1f69p+0"],
    ["0x1.ffffffff88b05p-1", "0x1.3a713dbd9617fp-35", "0x1.0000000001c77p+0", "-0x1.307b2a44e7f80p-34"],
    ["0x1.ffffffffcd8dep+0", "0x1.0000000034ba7p+1", "0x1.0000000023c25p+0", "-0x1.9ef4cc77cd5dbp-34"],
    ["0x1.ffffffffc9813p+0", "0x1.c8b30c75a5098p-35", "-0x1.6cc2c16df99a4p-35", "0x1.000000000eeeep+1"]])


def test_a_game_left_without_equilibrium_gets_one_by_support_enumeration(monkeypatch):
    """Every finite game has an equilibrium (Nash 1951): where the engine's systems miss it,
    the game is solved again by support enumeration, and what is kept is an equilibrium."""
    eq = batched_equilibria(NEAR_TIE_A, NEAR_TIE_B)
    (x, y), = eq.of_game(0)
    np.testing.assert_allclose(x, [0.4, 0.4, 0.0, 0.2], atol=1e-6)
    A, B = in_units(NEAR_TIE_A)[None], in_units(NEAR_TIE_B)[None]
    assert best_replies_hold(A, B, x[None, None], y[None, None])[0, 0]
    # the engine's own systems find nothing here: that is what the fallback is for
    monkeypatch.setattr(tb, "_by_support_enumeration",
                        lambda A, B, games, tol: (games[:0], np.zeros((0, 4)), np.zeros((0, 4))))
    assert not batched_equilibria(NEAR_TIE_A, NEAR_TIE_B).valid.any()


def test_near_tie_games_are_never_left_without_equilibrium(monkeypatch):
    rng = np.random.default_rng(5)
    A = rng.integers(0, 3, (1500, 4, 4)) + rng.normal(0, 1e-9, (1500, 4, 4))
    B = rng.integers(0, 3, (1500, 4, 4)) + rng.normal(0, 1e-10, (1500, 4, 4))
    assert batched_equilibria(A, B).valid.any(axis=1).all()
    # the stack holds a game the engine's own systems leave empty: the check is not idle
    monkeypatch.setattr(tb, "_by_support_enumeration",
                        lambda A, B, games, tol: (games[:0], np.zeros((0, 4)), np.zeros((0, 4))))
    assert not batched_equilibria(A, B).valid.any(axis=1).all()

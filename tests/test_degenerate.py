"""The degenerate games' kernels against their definitions: pairs, groups, labelled vertices."""

import numpy as np
import pytest

import triangle.solvers.degenerate as td


def vertex_stack(rng, N, per_game, m, n, dim):
    """Random vertices: game, coordinates on a coarse grid (so some coincide), and labels as
    bit sets over ``m + n`` labels with at least ``dim`` of them."""
    g = np.sort(rng.integers(0, N, per_game * N))
    V = rng.integers(0, 3, (len(g), dim)) / 2.0
    bits = rng.random((len(g), m + n)) < 0.6
    bits[np.arange(len(g)), rng.integers(0, m + n, len(g))] = True
    labels = (bits * (1 << np.arange(m + n))).sum(axis=1).astype(np.int64)
    return g, V, labels


@pytest.mark.parametrize("per_game", [1, 7, 150])
def test_pairs_are_the_completely_labelled_ones(per_game):
    """Every pair of (deduplicated) vertices of one game whose labels cover all ``m + n``,
    in the order of x-vertex, then y-vertex: the definition, pair by pair."""
    rng = np.random.default_rng(per_game)
    m, n, N = 4, 5, 6
    full = (1 << (m + n)) - 1
    gx, X, Lx = vertex_stack(rng, N, per_game, m, n, m)
    gy, Y, Ly = vertex_stack(rng, N, per_game, m, n, n)
    g, x, y = td._pair_vertices(N, full, gx, X, Lx, gy, Y, Ly)
    ix, iy = td._vertex_groups(gx, X, Lx), td._vertex_groups(gy, Y, Ly)
    want = [(gx[a], X[a], Y[b]) for a in ix for b in iy
            if gx[a] == gy[b] and (Lx[a] | Ly[b]) == full]
    assert len(g) == len(want) and (len(want) > 0 or per_game == 1)
    for k, (wg, wx, wy) in enumerate(want):
        assert g[k] == wg
        np.testing.assert_array_equal(x[k], wx)
        np.testing.assert_array_equal(y[k], wy)


def test_pairs_in_small_steps_are_the_same(monkeypatch):
    rng = np.random.default_rng(5)
    args = (*vertex_stack(rng, 5, 40, 3, 3, 3), *vertex_stack(rng, 5, 40, 3, 3, 3))
    whole = td._pair_vertices(5, 63, *args)
    monkeypatch.setattr(td, "PAIR_BUDGET", 1)  # one x-vertex at a time
    for u, v in zip(whole, td._pair_vertices(5, 63, *args), strict=True):
        np.testing.assert_array_equal(u, v)


def test_equal_rows_are_the_groups_of_unique():
    """Rows equal bit for bit in the same game share a group, and only they; the row named
    for each group belongs to it."""
    rng = np.random.default_rng(8)
    g = rng.integers(0, 4, 500)
    # pure and mixed strategies, and weights that are not strategies at all
    z = np.concatenate([np.eye(3), [[1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0.0], [0.0, 0.25, 0.75]],
                        rng.integers(0, 3, (6, 3)) / 3.0])[rng.integers(0, 12, 500)]
    pure = pure_rows(z)
    assert 0 < (pure >= 0).sum() < 400
    first, group = td._equal_rows(g, z, pure)
    keys = np.column_stack([g, z.view(np.int64)])
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    assert len(first) == inverse.max() + 1
    same_group = group[:, None] == group[None, :]
    np.testing.assert_array_equal(same_group, inverse[:, None] == inverse[None, :])
    np.testing.assert_array_equal(group[first], np.arange(len(first)))


def test_equal_rows_are_equal_bit_for_bit():
    """The next float after ``0.5`` is another row, and another game is another group."""
    g = np.array([0, 0, 0, 1])
    z = np.full((4, 2), 0.5)
    z[2, 1] = np.nextafter(0.5, 1.0)
    _, group = td._equal_rows(g, z, pure_rows(z))
    assert group[0] == group[1] and len({group[0], group[2], group[3]}) == 3
    z = np.array([[1.0, 0.0], [1.0, 0.0], [np.nextafter(1.0, 0.0), 0.0]])  # the last: not pure
    g = np.zeros(3, dtype=np.intp)
    assert pure_rows(z).tolist() == [0, 0, -1]
    _, group = td._equal_rows(g, z, pure_rows(z))
    assert group[0] == group[1] != group[2]


def pure_rows(z):
    """:func:`td._pure_rows` of whole strategies ``z``."""
    out = np.full(len(z), -1)
    td._pure_rows(z, np.broadcast_to(np.arange(z.shape[1]), z.shape), out)
    return out


def test_pure_rows_have_exactly_one_nonzero_weight():
    zi = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0],
                   [2.0, 0.0, 0.0]])
    rows = np.array([[0, 1, 2], [0, 1, 2], [0, 1, 2], [4, 5, 6], [0, 1, 2]])
    out = np.full(5, -1)
    td._pure_rows(zi, rows, out)
    assert out.tolist() == [1, -1, -1, 4, -1]


@pytest.mark.parametrize("game_scale", [1, 1 << 40])  # the packed sort, and lexsort's
def test_hash_groups_are_the_groups_of_unique_in_order(game_scale):
    """Groups of equal rows of one game, each starting at its first row (rows keep their
    order within a group), whichever sort orders them."""
    rng = np.random.default_rng(9)
    g = rng.integers(0, 5, 800) * game_scale
    cols = [rng.integers(0, 3, 800) for _ in range(3)]
    order, starts = td._hash_groups(g, cols)
    assert sorted(order.tolist()) == list(range(800))
    group = np.empty(800, dtype=np.intp)
    group[order] = np.cumsum(starts) - 1
    _, inverse = np.unique(np.column_stack([g, *cols]), axis=0, return_inverse=True)
    np.testing.assert_array_equal(group[:, None] == group[None, :],
                                  inverse[:, None] == inverse[None, :])
    for run in np.split(order, np.flatnonzero(starts)[1:]):
        assert (np.diff(run) > 0).all()  # a group's rows in their order

"""The vertex kernels of the batched engine against their definitions, system by system."""

from itertools import combinations

import numpy as np

import triangle.solvers.feasible as tf
import triangle.solvers.vertices as tv
from triangle.solvers.tolerance import TOL


def tables(C):
    """Every level's minor tables of ``C`` (N, p, q), as the engine builds them."""
    N, p, q = C.shape
    D = tv._column_differences(C)
    M, out = np.ones((q, 1, N)), []
    for k in range(1, min(p, q) + 1):
        up = None if k == q else tv._next_minors(D, M, tv._level(p, q, k + 1), k + 1)
        out.append((k, M, up))
        M = up
    return out


def labelled(C, M, up, lv):
    """Every feasible vertex of a level that the engine keeps, solved and labelled."""
    it, rest, s, _ = tf._feasible_systems(M, up, lv, TOL)
    out, keep = tv._solved_systems(C, M, lv, TOL, it, rest, s)
    return tv._rows_where(keep, *out)


def test_column_differences_are_ranked_by_pairs():
    """Row ``_pair_rank(q, j0, j1)`` of the table is ``C[:, :, j1] - C[:, :, j0]``, games last,
    for every pair ``j0 < j1`` in lexicographic order, and no other row is kept."""
    rng = np.random.default_rng(20)
    C = rng.uniform(-1, 1, (7, 3, 5))
    D = tv._column_differences(C)
    pairs = np.array(list(combinations(range(5), 2)))
    ranks = tv._pair_rank(5, pairs[:, 0], pairs[:, 1])
    assert D.shape == (10, 3, 7) and ranks.tolist() == list(range(10))
    for (j0, j1), r in zip(pairs, ranks, strict=True):
        assert np.array_equal(D[r], (C[:, :, j1] - C[:, :, j0]).T)


def test_minors_are_determinants_of_payoff_differences():
    """``M[T, S, g] = det(D_T[:, S])`` with ``D_T[r, s] = C[g, s, T_r] - C[g, s, T_0]``."""
    rng = np.random.default_rng(21)
    C = rng.uniform(-1, 1, (3, 5, 4))
    for k, _, up in tables(C)[:-1]:
        lv = tv._level(5, 4, k + 1)
        for t, T in enumerate(lv.tight):
            for r, S in enumerate(lv.s_elem):
                D = C[:, S][:, :, T[1:]] - C[:, S][:, :, T[:1]]  # (N, k, k): rows S, columns T
                np.testing.assert_allclose(up[t, r], np.linalg.det(D), atol=1e-12)


def test_vertices_are_the_feasible_systems_solved_directly():
    """At every size, the systems ``(I, T)`` found are those whose solution by
    ``np.linalg.solve`` lies in the simplex with ``T`` among the best replies; generic
    payoffs keep every test away from the tolerance."""
    rng = np.random.default_rng(22)
    N, p, q = 40, 4, 5
    C = rng.uniform(0, 1, (N, p, q))
    for k, M, up in tables(C):
        lv = tv._level(p, q, k)
        g, it, ii, z, br, zero, br_bits = labelled(C, M, up, lv)
        found = set(zip(g.tolist(), it.tolist(), ii.tolist(), strict=True))
        expected = set()
        for game in range(N):
            for i, I in enumerate(combinations(range(p), k)):
                for t, T in enumerate(combinations(range(q), k)):
                    # unknowns z_I and the value v: C[I, T]^T z_I = v, sum z_I = 1
                    lhs = np.zeros((k + 1, k + 1))
                    lhs[:k, :k], lhs[:k, k], lhs[k, :k] = C[game][np.ix_(I, T)].T, -1.0, 1.0
                    sol = np.linalg.solve(lhs, np.r_[np.zeros(k), 1.0])
                    zz = np.zeros(p)
                    zz[list(I)] = sol[:k]
                    pay = zz @ C[game]
                    if zz.min() >= -1e-9 and pay.max() <= sol[k] + 1e-9:
                        expected.add((game, t, i))
        assert found == expected
        # each vertex: a distribution whose labels are its zero weights and best replies
        assert np.allclose(z.sum(axis=1), 1.0) and (z >= 0).all()
        pay = np.einsum("kp,kpq->kq", z, C[g])
        np.testing.assert_array_equal(br, pay >= pay.max(axis=1, keepdims=True) - TOL)
        np.testing.assert_array_equal(br_bits, (br * (1 << np.arange(q))).sum(axis=1))
        np.testing.assert_array_equal(zero, ((z <= TOL) * (1 << np.arange(p))).sum(axis=1))


def test_blocks_do_not_change_the_vertices(monkeypatch):
    rng = np.random.default_rng(23)
    C = rng.integers(0, 3, (30, 4, 4)).astype(float)  # degenerate: ties and repeated vertices
    whole = [labelled(C, M, up, tv._level(4, 4, k)) for k, M, up in tables(C)]
    monkeypatch.setattr(tv, "DENSE_BLOCK", 1)
    blocks = [labelled(C, M, up, tv._level(4, 4, k)) for k, M, up in tables(C)]
    for a, b in zip(whole, blocks, strict=True):
        for u, v in zip(a, b, strict=True):
            np.testing.assert_array_equal(u, v)


def _systems_and_labels(C):
    """Every level's feasible systems with their ``near`` flags, and the label count of each
    system's vertex (``-1`` where the vertex is not kept)."""
    p, q = C.shape[1:]
    for k, M, up in tables(C):
        lv = tv._level(p, q, k)
        it, rest, s, near = tf._feasible_systems(M, up, lv, TOL)
        (*_, zero, br_bits), keep = tv._solved_systems(C, M, lv, TOL, it, rest, s)
        labels = np.bitwise_count(zero) + np.bitwise_count(br_bits)
        yield near, np.where(keep, labels, -1), p


def test_a_vertex_with_an_extra_label_is_near():
    """The engine solves only the vertices it needs (matched supports, and those ``near`` an
    extra label): a vertex with more labels than its dimension must be among the near ones,
    where a reply mixes two others, in ties (integer payoffs) and in games perturbed by less
    than the tolerance."""
    rng = np.random.default_rng(24)
    mixing = rng.uniform(0, 1, (60, 4, 5))
    mixing[:, :, 4] = 0.25 * mixing[:, :, 0] + 0.75 * mixing[:, :, 2]
    games = {
        "mixing": mixing,
        "ties": rng.integers(0, 3, (60, 4, 5)).astype(float) / 2.0,
        "perturbed": rng.integers(0, 3, (60, 5, 4)) / 2.0 + rng.normal(0, 1e-12, (60, 5, 4)),
    }
    extra = 0
    for C in games.values():
        for near, labels, p in _systems_and_labels(C):
            assert near[labels > p].all()
            extra += int((labels > p).sum())
    assert extra > 100  # the games do have such vertices


def test_generic_vertices_are_not_near():
    """In generic games no vertex is near an extra label: each is solved only if matched."""
    rng = np.random.default_rng(25)
    C = rng.uniform(0, 1, (200, 5, 5))
    counted = 0
    for near, labels, p in _systems_and_labels(C):
        assert not near.any()
        assert (labels[labels >= 0] == p).all()
        counted += len(near)
    assert counted > 1000


def test_set_bits_are_the_unpacked_ones():
    """``_set_bits`` lists bit ``b`` of word ``w`` at ``64 w + b``, in order, at every
    density, for no words and for words with every bit set."""
    rng = np.random.default_rng(24)
    for density in (0.0, 0.01, 0.1, 0.5, 1.0):
        bits = rng.random((7, 3, 128)) < density
        words = np.packbits(bits, axis=-1, bitorder="little").view(np.uint64)
        np.testing.assert_array_equal(tv._set_bits(words), np.flatnonzero(bits))
    assert len(tv._set_bits(np.zeros(0, dtype=np.uint64))) == 0


def test_labels_of_whole_strategies_are_the_systems_labels():
    """``_labels_of`` labels a vertex from its whole strategy, as the degenerate games' path
    does once per vertex; ``_solved_systems`` from the system's support.  Bit for bit the
    same, in random, integer and near-tie games (the labels decide the pairs)."""
    rng = np.random.default_rng(25)
    for C in (rng.uniform(-1, 1, (40, 5, 4)), rng.integers(0, 3, (40, 4, 5)).astype(float),
              rng.integers(0, 2, (40, 5, 5)) + rng.normal(0, 1e-13, (40, 5, 5))):
        p, q = C.shape[1:]
        for k, M, up in tables(C):
            g, _, _, z, _, zero, br = labelled(C, M, up, tv._level(p, q, k))
            br_whole, zero_whole = tv._labels_of(C, g, z, TOL)
            np.testing.assert_array_equal(br_whole, br)
            np.testing.assert_array_equal(zero_whole, zero)


def test_cleaned_weights_are_positive_zeros():
    """Weights below the tolerance become +0.0, never -0.0 (a negative weight within the
    tolerance times 0): degenerate games group vertices by their bits."""
    rng = np.random.default_rng(24)
    C = rng.integers(0, 3, (200, 4, 4)) + rng.normal(0, 1e-13, (200, 4, 4))
    zeros = 0
    for k, M, up in tables(C):
        lv = tv._level(4, 4, k)
        it, rest, s, _ = tf._feasible_systems(M, up, lv, TOL)
        zi = tv._weights(M, lv, TOL, it, rest, s, len(C))[3]
        assert not np.signbit(zi).any()
        assert (zi[zi != 0] >= TOL).all()
        zeros += (zi == 0).sum()
    assert zeros > 0

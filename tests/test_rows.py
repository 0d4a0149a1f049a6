"""Points as rows (triangle.common.rows): take and overlay read the fields off the dataclass."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from triangle.common import rows
from triangle.scenario.files import load_scenario
from triangle.wedge.model import build_stage
from triangle.wedge.solve import model_of
from triangle.wedge.subgame import overlay
from triangle.wedge.verdict import fixed_package

LIBRARY = Path(__file__).resolve().parent.parent / "scenarios"


@dataclasses.dataclass(frozen=True)
class Demo:
    v: np.ndarray
    slots: np.ndarray
    table: dict
    pair: tuple
    items: tuple = dataclasses.field(default=(), metadata=rows.PER_POINT)
    name: str = "demo"


def _demo(n, width, offset=0.0):
    v = np.arange(n) + offset
    items = tuple(f"g{i + offset:g}" for i in range(n))
    return Demo(v, np.ones((n, width)) + offset, {"a": v * 2}, (v, -v), items)


def test_take_restricts_every_per_point_field_and_keeps_settings():
    d = _demo(5, 2)
    for idx in (np.array([4, 0, 2]), np.array([True, False, True, False, False])):
        t = rows.take(d, idx)
        pos = np.arange(5)[idx]
        assert list(t.v) == list(pos) and t.slots.shape == (len(pos), 2)
        assert list(t.table["a"]) == list(2 * pos) and list(t.pair[1]) == list(-pos)
        assert t.items == tuple(f"g{i}" for i in pos) and t.name == "demo"


def test_a_mask_of_another_length_is_an_error_as_in_numpy():
    """A mask is turned into positions once; it must still cover every per-point array."""
    d = _demo(5, 2)
    for mask in (np.ones(4, dtype=bool), np.ones(6, dtype=bool)):
        with pytest.raises(IndexError):
            d.v[mask]
        with pytest.raises(IndexError, match="mask over"):
            rows.take(d, mask)
    nested = Demo(np.arange(5.0), np.ones((5, 1)), {}, (), name=d)  # a dataclass inside
    assert rows.take(nested, np.arange(5) < 2).name.v.tolist() == [0.0, 1.0]


def test_overlay_pads_slots_and_drops_a_sequence_one_side_lacks():
    base, other = _demo(4, 1), _demo(2, 3, offset=10.0)
    out = rows.overlay(base, np.array([3, 1]), other)
    assert list(out.v) == [0, 11, 2, 10]
    assert out.slots.shape == (4, 3)
    assert list(out.slots[0]) == [1, 0, 0] and list(out.slots[3]) == [11, 11, 11]
    assert out.items == ("g0", "g11", "g2", "g10")
    assert rows.overlay(base, np.array([0, 1]), dataclasses.replace(other, items=())).items == ()


@pytest.fixture(scope="module")
def stage():
    s = load_scenario(LIBRARY / "wedge_optimist_2025.toml").replace(
        {"partnership.strategies": ["Loyal", "Hedger", "Grim", "Realign"]})
    n = 4
    md = model_of(s, {"schism.cost.target": np.linspace(2.0, 30.0, n),
                      "wedge.reward": np.linspace(1.0, 14.0, n)}, "nashpy")
    return build_stage(md, fixed_package(md))


def test_solving_at_some_points_is_taking_those_points_of_the_solution(stage):
    """stage.take(idx).solve(m[idx]) == stage.solve(m).take(idx), field by field, nashpy games too."""
    m = np.linspace(0.0, 1.0, stage.model.n)
    idx = np.array([3, 0, 2])
    whole, part = stage.solve(m).take(idx), stage.take(idx).solve(m[idx])
    assert len(whole.batch.games) == len(part.batch.games) == 3
    for f in dataclasses.fields(whole):
        a, b = getattr(whole, f.name), getattr(part, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(whole.game.A, part.game.A)
    np.testing.assert_array_equal(whole.batch.x, part.batch.x)


def test_overlay_of_its_own_rows_is_the_identity(stage):
    sol = stage.solve(np.zeros(stage.model.n))
    idx = np.array([0, 3])
    same = overlay(sol, idx, sol.take(idx))
    for f in ("V_T", "V_P", "selected", "admissible", "p_schism"):
        np.testing.assert_array_equal(getattr(same, f), getattr(sol, f))
    np.testing.assert_array_equal(same.batch.y, sol.batch.y)
    assert len(same.batch.games) == 4
    assert all(g is h for g, h in zip(same.batch.games, sol.batch.games, strict=True))

"""Points as rows: restrict or merge the per-point fields of a result, read off its dataclass.

Results of the vectorised model hold ``n`` points at once.  Which of their fields are per point
is read from the dataclass (:func:`dataclasses.fields`), never listed by hand:

* a numpy array is per point along its first axis; a ``dict`` or ``tuple`` of them, and a
  nested dataclass, are per point field by field;
* a sequence declared with ``metadata=PER_POINT`` holds one item per point (an empty one
  stays empty);
* anything else (names, settings, strategy libraries) is the same at every point and kept.

>>> from dataclasses import dataclass
>>> import numpy as np
>>> @dataclass(frozen=True)
... class Demo:
...     v: np.ndarray
...     name: str
>>> take(Demo(np.arange(4.0), "demo"), np.array([3, 1]))
Demo(v=array([3., 1.]), name='demo')
>>> overlay(Demo(np.zeros(3), "a"), np.array([2]), Demo(np.ones(1), "b")).v
array([0., 0., 1.])
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

PER_POINT = {"per_point": True}
"""Field metadata of a sequence (not an array) that holds one item per point."""


def take(obj: T, idx: np.ndarray) -> T:
    """``obj`` at the points ``idx`` only (a new object of the same dataclass)."""
    idx = np.asarray(idx)
    points = None
    if idx.dtype == bool:  # positions once: numpy scans a mask anew for every array
        points, idx = len(idx), np.flatnonzero(idx)
    return _take_fields(obj, idx, points)


def _take_fields(obj: T, idx: np.ndarray, points: int | None) -> T:
    return dataclasses.replace(obj, **{  # type: ignore[type-var]
        f.name: _take(getattr(obj, f.name), idx, f.metadata.get("per_point", False), points)
        for f in dataclasses.fields(obj)})  # type: ignore[arg-type]


def _positions(idx: np.ndarray, n: int) -> list[int]:
    """Integer positions of an index array or a boolean mask over ``n`` points."""
    idx = np.asarray(idx)
    return np.flatnonzero(idx).tolist() if idx.dtype == bool else np.arange(n)[idx].tolist()


def _rows(v: np.ndarray, idx: np.ndarray, points: int | None) -> np.ndarray:
    """``v[idx]`` by position (several times faster than numpy's fancy indexing); where
    ``idx`` came from a mask over ``points`` points, ``v`` must hold that many, as a mask
    indexing it would require."""
    if points is not None and len(v) != points:
        raise IndexError(f"a mask over {points} points indexes an array of {len(v)}")
    return v.take(idx, axis=0)


def _take(value: Any, idx: np.ndarray, items: bool, points: int | None) -> Any:
    if isinstance(value, np.ndarray):
        return _rows(value, idx, points)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _take_fields(value, idx, points)
    if isinstance(value, dict) and value and all(isinstance(v, np.ndarray) for v in value.values()):
        return {k: _rows(v, idx, points) for k, v in value.items()}
    if isinstance(value, tuple) and value and all(isinstance(v, np.ndarray) for v in value):
        return tuple(_rows(v, idx, points) for v in value)
    if items:
        return tuple(value[i] for i in _positions(idx, len(value))) if len(value) else value
    return value


def overlay(base: T, rows: np.ndarray, other: T) -> T:
    """``base`` with its points ``rows`` replaced by the points of ``other`` (same order).

    Arrays whose second axis (equilibrium slots) is narrower in one of the two are padded with
    zeros (``False``, ``""``) to the wider: padding is never a valid slot.  An optional array or
    a per-point sequence that either side lacks is left out (``None``, empty); settings are
    ``base``'s.
    """
    return dataclasses.replace(base, **{  # type: ignore[type-var]
        f.name: _overlay(getattr(base, f.name), rows, getattr(other, f.name),
                         f.metadata.get("per_point", False))
        for f in dataclasses.fields(base)})  # type: ignore[arg-type]


def _pad(z: np.ndarray, width: int) -> np.ndarray:
    """``z`` widened to ``width`` slots with zeros (``False``, ``""``) of its own type."""
    extra = np.zeros((z.shape[0], width - z.shape[1], *z.shape[2:]), dtype=z.dtype)
    return np.concatenate([z, extra], axis=1)


def _merge(a: np.ndarray, rows: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.ndim >= 2 and a.shape[1] != b.shape[1]:
        width = max(a.shape[1], b.shape[1])
        a, b = _pad(a, width), _pad(b, width)
    out = a.astype(np.result_type(a, b))  # a copy, wide enough for b's strings
    out[rows] = b
    return out


def _overlay(a: Any, rows: np.ndarray, b: Any, items: bool) -> Any:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        # An optional array (None where a solver does not fill it) that one side lacks is
        # left out of the merge.
        return None if a is None or b is None else _merge(a, rows, b)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return overlay(a, rows, b)
    if isinstance(a, dict) and a and all(isinstance(v, np.ndarray) for v in a.values()):
        return {k: _merge(v, rows, b[k]) for k, v in a.items()}
    if isinstance(a, tuple) and a and all(isinstance(v, np.ndarray) for v in a):
        return tuple(_merge(u, rows, v) for u, v in zip(a, b, strict=True))
    if items:
        if not (len(a) and len(b)):
            return type(a)()
        out = list(a)
        for r, item in zip(_positions(rows, len(a)), b, strict=True):
            out[r] = item
        return type(a)(out)
    return a

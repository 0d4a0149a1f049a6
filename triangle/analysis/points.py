"""The points of a sweep: grids and seeded samples, generated one chunk at a time.

Grid points come from index arithmetic (``np.unravel_index``) and samples from slices of a
seeded sampler (``scipy.stats.qmc``: Latin hypercube, scrambled Sobol; or numpy's random
generator), so a chunk's points never depend on how many chunks there are or who computes
them, and memory is bounded by the chunk, not by the product of the grid.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from triangle.common.suggest import did_you_mean
from triangle.scenario.files import ScenarioError
from triangle.scenario.parameters import BY_PATH, SETTING_BY_PATH
from triangle.scenario.ranges import ArgumentError, Range, check_range

DESIGNS = ("lhs", "sobol", "random")


# --- points --------------------------------------------------------------------------------
def check_path(path: str, origin: str) -> None:
    """Raise :class:`ScenarioError` unless ``path`` is a numeric parameter (with a suggestion)."""
    if path in BY_PATH:
        return
    if path in SETTING_BY_PATH:
        raise ScenarioError(origin, path, "a numeric parameter path", "a setting",
                            hint="settings cannot be swept; set them in the scenario")
    raise ScenarioError(origin, path, "a numeric parameter path", f"unknown key {path!r}",
                        hint=did_you_mean(path, BY_PATH) or "see docs/scenarios.md")


def check_values(path: str, values: ArrayLike, origin: str) -> np.ndarray:
    """Values as a 1-D float array, each in the parameter's declared range."""
    check_path(path, origin)
    p = BY_PATH[path]
    arr = np.asarray(values, dtype=float).reshape(-1)
    word = (p.infinite_word is not None) & (arr == np.inf)  # +inf, above any finite bound
    inside = (arr > p.low) if p.low_open else (arr >= p.low)
    inside &= (arr < p.high) if p.high_open else (arr <= p.high)
    ok = (np.isfinite(arr) & inside) | word
    if not ok.all():
        bad = arr[~ok][0]
        raise ScenarioError(origin, path, p.range_text(), f"{bad:g}")
    return arr


class Points:
    """Parameter points, produced one slice at a time (``paths``, ``n``, :meth:`chunk`)."""

    paths: tuple[str, ...]
    n: int
    seed: int | None = None

    def chunk(self, start: int, stop: int) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def spec(self) -> dict[str, Any]:
        """A JSON description, written into every output file and the resume manifest."""
        raise NotImplementedError


class ArrayPoints(Points):
    """Explicit points: dotted path -> array, all of the same length."""

    def __init__(self, points: Mapping[str, ArrayLike], origin: str = "points") -> None:
        if not points:
            raise ScenarioError(origin, None, "at least one parameter path", "none")
        self.arrays = {p: check_values(p, v, origin) for p, v in points.items()}
        lengths = {len(a) for a in self.arrays.values()}
        if len(lengths) != 1:
            raise ScenarioError(origin, None, "arrays of one length", f"lengths {sorted(lengths)}")
        self.paths, self.n = tuple(self.arrays), lengths.pop()
        if self.n == 0:
            raise ScenarioError(origin, None, "at least one point", "empty arrays")

    def chunk(self, start: int, stop: int) -> dict[str, np.ndarray]:
        return {p: a[start:stop] for p, a in self.arrays.items()}

    def spec(self) -> dict[str, Any]:
        return {"design": "points", "paths": list(self.paths), "n": self.n}


class GridPoints(Points):
    """The Cartesian product of ``grid`` (path -> values); the last path varies fastest."""

    def __init__(self, grid: Mapping[str, ArrayLike], origin: str = "grid") -> None:
        if not grid:
            raise ScenarioError(origin, None, "at least one parameter path", "none")
        self.axes = {p: check_values(p, v, origin) for p, v in grid.items()}
        for p, a in self.axes.items():
            if a.size == 0:
                raise ScenarioError(origin, p, "at least one value", "none")
        self.paths = tuple(self.axes)
        self.shape = tuple(a.size for a in self.axes.values())
        self.n = math.prod(self.shape)

    def chunk(self, start: int, stop: int) -> dict[str, np.ndarray]:
        return self.at(np.arange(start, stop, dtype=np.int64))

    def at(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """The points of the flat (row-major) indices ``flat``."""
        index = np.unravel_index(flat, self.shape)
        return {p: a[i] for (p, a), i in zip(self.axes.items(), index, strict=True)}

    def spec(self) -> dict[str, Any]:
        return {"design": "grid", "axes": {p: [float(v) for v in a] for p, a in self.axes.items()}}


class DealtGrid(Points):
    """The points of ``grid`` dealt round-robin into ``k`` chunks of ``chunk_size``: chunk ``c``
    holds the grid's points ``c, c + k, c + 2k, ...``, so that every chunk samples the whole grid
    and takes about as long as the others wherever the costly region of a map lies (a pool's
    workers then finish together).  ``order[i]`` is the grid index of position ``i`` and
    ``inverse`` puts results back in the grid's order."""

    def __init__(self, grid: GridPoints, chunk_size: int) -> None:
        self.grid, self.paths, self.n = grid, grid.paths, grid.n
        k = -(-grid.n // chunk_size)
        self.order = np.argsort(np.arange(grid.n) % k, kind="stable")
        self.inverse = np.argsort(self.order, kind="stable")

    def chunk(self, start: int, stop: int) -> dict[str, np.ndarray]:
        return self.grid.at(self.order[start:stop])

    def spec(self) -> dict[str, Any]:
        return self.grid.spec()


class SamplePoints(Points):
    """``n`` points in the box ``bounds`` (path -> (lo, hi)) from a seeded design.

    ``lhs``: :class:`scipy.stats.qmc.LatinHypercube` (the whole ``n x d`` sample is drawn once,
    as the strata are global); ``sobol``: scrambled :class:`scipy.stats.qmc.Sobol`, fast-forwarded
    to each chunk; ``random``: :class:`numpy.random.PCG64` uniforms, advanced to each chunk.
    Every chunk is the same slice of the same sequence, whatever the chunk size.
    """

    def __init__(self, bounds: Mapping[str, tuple[float, float]], n: int, design: str = "lhs",
                 seed: int = 0, origin: str = "samples") -> None:
        if not bounds:
            raise ScenarioError(origin, None, "at least one parameter path", "none")
        if design not in DESIGNS:
            raise ScenarioError(origin, None, f"a design in {DESIGNS}", repr(design))
        if not isinstance(n, int | np.integer) or n < 1:
            raise ScenarioError(origin, None, "a number of samples n >= 1", repr(n))
        self.bounds: dict[str, tuple[float, float]] = {}
        for p, (lo, hi) in bounds.items():  # the one range rule (triangle.scenario.ranges)
            check_path(p, origin)
            try:
                r = check_range(Range(p, float(lo), float(hi)), argument=origin)
            except ArgumentError as err:
                raise ScenarioError(origin, p, err.expected, err.found, hint=err.hint) from None
            self.bounds[p] = (r.low, r.high)
        self.paths, self.n, self.design, self.seed = tuple(self.bounds), int(n), design, int(seed)
        self._lhs: np.ndarray | None = None

    def unit(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` of the design in the unit cube, shape ``(stop - start, d)``."""
        from scipy.stats import qmc

        d = len(self.paths)
        if self.design == "lhs":
            if self._lhs is None:
                self._lhs = qmc.LatinHypercube(d=d, seed=self.seed).random(self.n)
            return self._lhs[start:stop]
        if self.design == "sobol":
            engine = qmc.Sobol(d=d, scramble=True, seed=self.seed)
            if start:
                engine.fast_forward(start)
            with warnings.catch_warnings():  # balance needs a power-of-2 n: the user's choice
                warnings.simplefilter("ignore", UserWarning)
                return engine.random(stop - start)
        bits = np.random.PCG64(self.seed)
        bits.advance(start * d)  # one 64-bit draw per double
        return np.random.Generator(bits).random((stop - start, d))

    def chunk(self, start: int, stop: int) -> dict[str, np.ndarray]:
        u = self.unit(start, stop)
        return {p: lo + u[:, j] * (hi - lo) for j, (p, (lo, hi)) in enumerate(self.bounds.items())}

    def spec(self) -> dict[str, Any]:
        return {"design": self.design, "n": self.n, "seed": self.seed,
                "bounds": {p: list(b) for p, b in self.bounds.items()}}


def make_points(grid: Mapping[str, ArrayLike] | None = None,
                samples: Mapping[str, tuple[float, float]] | None = None, n: int | None = None,
                design: str = "lhs", seed: int = 0) -> Points:
    """A :class:`GridPoints` or a :class:`SamplePoints` from :func:`sweep`'s arguments."""
    if (grid is None) == (samples is None):
        raise ScenarioError("sweep", None, "either grid or samples (with n)", "both or neither")
    if grid is not None:
        return GridPoints(grid)
    return SamplePoints(samples, n if n is not None else 0, design, seed)

"""Which assumptions decide the wedge: one-at-a-time and global sensitivity (SALib).

Three methods, each over ranges of some numeric parameters (dotted paths) of one scenario:

* :func:`oat`: one-at-a-time.  Each parameter moves across its range on a grid with the others
  held at the scenario's values; the result gives the output at both ends (a tornado chart)
  and every value at which the verdict flips, located by bisection between two grid points
  whose verdicts differ, to ``rtol * max(|x|, range width)``;
* :func:`morris`: Morris elementary-effects screening (``mu_star``, ``sigma``);
* :func:`sobol`: Sobol' first-order and total indices with bootstrap confidence intervals,
  from Saltelli's scheme on a scrambled Sobol' sequence.

The output is any numeric column of :func:`triangle.wedge.verdict.evaluate` (``margin`` by default,
``p_schism`` ...), or an indicator of the verdict itself: ``success`` (1 where the verdict is
success, 0 otherwise) or ``verdict:NAME`` (1 where it is NAME), which answers "does the wedge
succeed?" directly; the margin says only whether the divider can outbid the partner.  Morris
and Sobol' results also estimate the probability of success over the sampled box, with a
Wilson interval (:mod:`triangle.analysis.probability`).

The wedge margin is ``-inf`` wherever a schism cost is existential; a variance-based index has
no meaning with infinite values, so the global methods **clip** infinite outputs to ``[-C, C]``
with ``C = 2 max |finite outputs|`` (``1`` if none is finite) unless told another ``clip``: an
infinitely bad point then counts as twice as bad as the worst finite one. Each result says
whether, where and how it clipped.

>>> from triangle.scenario.files import parse_scenario
>>> s = parse_scenario({"scenario": {"name": "demo", "sources": ["illustrative"]},
...     "partnership": {"value": {"target": 4, "partner": 3}, "strategies": ["Loyal", "Realign"]},
...     "schism": {"cost": {"target": 5, "partner": 5}, "value_to_divider": 10},
...     "wedge": {"reward": 6}, "counter": {"budget": 0}})
>>> res = oat(s, ["wedge.reward=1:10"], grid=10)
>>> round(res.flips("wedge.reward")[0]["value"], 9)   # r* = 0.05 (5 + 4 / 0.05)
4.25
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from triangle.analysis.outputs import INDICATOR_OUTPUTS, NUMERIC_OUTPUTS
from triangle.analysis.probability import proportion
from triangle.analysis.sweep import evaluate_table
from triangle.common import hooks
from triangle.scenario.files import Scenario
from triangle.scenario.ranges import ArgumentError, Range, check_range, parse_range
from triangle.wedge.solve import evaluate_scenario
from triangle.wedge.verdict import VERDICTS

CLIP_RULE = "infinite values clipped to [-C, C], C = 2 max|finite value| (1 if none is finite)"


VaryError = ArgumentError  # the name this module's callers know


def distribution_ranges(scenario: Scenario) -> list[Range]:
    """One :class:`Range` per parameter the scenario gives as a distribution."""
    return [Range(path, d.lo, d.hi, d) for path, d in scenario.distributions]


def parse_vary(spec: str) -> Range:
    """``"PATH=LO:HI"`` -> :class:`Range`, checked by the one range rule
    (:mod:`triangle.scenario.ranges`); errors name the argument ``vary``.

    >>> parse_vary("schism.cost.target=0:40")
    Range(path='schism.cost.target', low=0.0, high=40.0)
    """
    return parse_range(spec, argument="vary")


def ranges(vary: Iterable[Range | str | tuple[str, float, float]] | Mapping[str, tuple[float, float]],
           ) -> list[Range]:
    """Normalise ranges given as ``Range``, ``"PATH=LO:HI"``, ``(path, lo, hi)`` or a mapping."""
    items = ([(k, *v) for k, v in vary.items()] if isinstance(vary, Mapping) else list(vary))
    out = []
    for item in items:
        if isinstance(item, Range):
            out.append(check_range(item, argument="vary"))
        elif isinstance(item, str):
            out.append(parse_vary(item))
        else:
            path, lo, hi = item
            out.append(check_range(Range(str(path), float(lo), float(hi)), argument="vary"))
    if not out:
        raise ArgumentError("vary", "at least one PATH=LO:HI", "none")
    seen = [r.path for r in out]
    dup = next((p for p in seen if seen.count(p) > 1), None)
    if dup:
        raise ArgumentError("vary", "each parameter once", f"it {seen.count(dup)} times", spec=dup,
                            path=dup)
    return out


# --- evaluation of many points --------------------------------------------------------------
def evaluate_points(scenario: Scenario, points: Mapping[str, np.ndarray], *, executor: Any = None,
                    progress: Any = None, chunk_size: int = 2000) -> pd.DataFrame:
    """The game solved at many points (:func:`triangle.analysis.sweep.evaluate_table`, batched backend).

    One row a point, in order: the varied parameters, then every output of
    :func:`triangle.wedge.verdict.evaluate`.  ``executor`` is ``None`` (in process), an ``int`` (a
    process pool of that size) or a ``dask.distributed.Client``; ``progress`` shows a bar.
    """
    points = {k: np.asarray(v, dtype=float) for k, v in points.items()}
    table = evaluate_table(scenario, points, kind="game", backend="admissible",
                           chunk_size=chunk_size, executor=executor, progress=progress)
    return with_indicators(table.reset_index(drop=True))


def with_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the 0/1 columns of :data:`INDICATOR_OUTPUTS` (``success``,
    ``verdict:NAME``) made from its ``verdict`` column."""
    verdict = table["verdict"].astype(str).to_numpy()
    extra = {f"verdict:{v}": (verdict == v).astype(float) for v in VERDICTS}
    return table.assign(success=extra["verdict:success"], **extra)


def clip_infinite(y: np.ndarray, clip: float | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """Clip ``+-inf`` to ``[-C, C]`` (see the module's text); returns the values and a note."""
    y = np.asarray(y, dtype=float)
    bad = ~np.isfinite(y)
    if not bad.any():
        return y, {"clipped": 0}
    finite = np.abs(y[~bad])
    bound = float(clip) if clip is not None else (
        2.0 * float(finite.max()) if finite.size and finite.max() > 0 else 1.0)
    rule = f"clip = {bound:g} (given)" if clip is not None else CLIP_RULE
    return np.clip(y, -bound, bound), {"clipped": int(bad.sum()), "bound": bound, "rule": rule}


def _numeric_output(output: str) -> str:
    if output not in NUMERIC_OUTPUTS and output not in INDICATOR_OUTPUTS:
        raise ArgumentError("output", f"one of {', '.join(NUMERIC_OUTPUTS)}, success or "
                            f"verdict:NAME with NAME in {', '.join(VERDICTS)}", repr(output))
    return output


def _clean(x: Any) -> Any:
    """Python floats for a report; NaN (never expected) becomes ``None``."""
    x = float(x)
    return None if math.isnan(x) else x


# --- one at a time ----------------------------------------------------------------------------
@dataclass
class OATResult:
    """One-at-a-time sensitivity: ``table`` (one row a parameter), ``curves`` (every grid point),
    ``baseline`` (the scenario's own outputs) and the verdict flips of each parameter."""

    scenario: Scenario
    ranges: list[Range]
    outputs: tuple[str, ...]
    table: pd.DataFrame
    curves: pd.DataFrame
    baseline: dict[str, Any]
    flip_table: pd.DataFrame
    rtol: float

    def flips(self, path: str) -> list[dict[str, Any]]:
        """Every verdict flip of ``path``: value, verdicts either side, the final bracket and
        whether the bisection converged (narrowed the bracket to ``rtol``) within its steps."""
        rows = self.flip_table[self.flip_table["parameter"] == path]
        return [{"value": r.value, "from": r.before, "to": r.after, "bracket": [r.lo, r.hi],
                 "converged": bool(r.converged)} for r in rows.itertuples()]

    def to_dict(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for r in self.ranges:
            row = self.table.loc[r.path]
            entry: dict[str, Any] = {"low": r.low, "high": r.high, "base": float(row["base"])}
            for o in self.outputs:
                entry[o] = {k: _clean(row[f"{o}_{k}"]) for k in ("at_low", "at_high", "min", "max")}
            flips = self.flips(r.path)
            entry["flips"] = flips
            entry["flip"] = flips[0]["value"] if flips else None
            params[r.path] = entry
        return {"method": "oat", "outputs": list(self.outputs), "grid": int(self.curves.shape[0]
                // len(self.ranges)), "flip_rtol": self.rtol, "baseline": self.baseline,
                "parameters": params}

    def plot(self, output: str | None = None) -> Any:
        """Tornado chart of ``output`` (default the first), with each flip value marked."""
        return hooks.call("plot.tornado", self, output or self.outputs[0])


def _bisect_flips(scenario: Scenario, brackets: list[tuple[str, float, float, str, str]],
                  rtol: float, scale: dict[str, float], max_steps: int = 300) -> pd.DataFrame:
    """Shrink every bracket ``(path, lo, hi, v_lo, v_hi)`` to a verdict change, all at once, in at
    most ``max_steps`` halvings; the flip is the final bracket's midpoint, or 0 when the bracket
    contains 0, and ``converged`` says whether the bracket reached the tolerance."""
    if not brackets:
        return pd.DataFrame(columns=["parameter", "value", "before", "after", "lo", "hi",
                                     "converged"])
    paths = [b[0] for b in brackets]
    lo = np.array([b[1] for b in brackets])
    hi = np.array([b[2] for b in brackets])
    v_lo = np.array([b[3] for b in brackets], dtype=object)
    v_hi = np.array([b[4] for b in brackets], dtype=object)
    base = {p: np.full(len(brackets), scenario.values[p]) for p in set(paths)}
    tol = np.array([rtol * scale[p] for p in paths])

    def still_open() -> np.ndarray:
        return (hi - lo) > np.maximum(tol, rtol * np.maximum(np.abs(lo), np.abs(hi)))

    for _ in range(max_steps):
        active = still_open()
        if not active.any():
            break
        idx = np.flatnonzero(active)
        mid = 0.5 * (lo[idx] + hi[idx])
        pts = {p: v[idx].copy() for p, v in base.items()}
        for j, i in enumerate(idx):
            pts[paths[i]][j] = mid[j]
        verdict = evaluate_scenario(scenario, pts, backend="admissible").columns["verdict"]
        same = verdict == v_lo[idx]
        lo[idx[same]] = mid[same]
        hi[idx[~same]] = mid[~same]
        v_hi[idx[~same]] = verdict[~same]
    value = np.where((lo <= 0) & (hi >= 0), 0.0, 0.5 * (lo + hi))  # 0 when the bracket holds it
    return pd.DataFrame({"parameter": paths, "value": value, "before": v_lo,
                         "after": v_hi, "lo": lo, "hi": hi, "converged": ~still_open()})


def oat(scenario: Scenario, vary: Any, *, outputs: Sequence[str] = ("margin",), grid: int = 21,
        rtol: float = 1e-12, executor: Any = None, progress: Any = None,
        max_steps: int = 300) -> OATResult:
    """One-at-a-time sensitivity of ``outputs`` over ``vary`` (see :func:`ranges`).

    Parameters
    ----------
    scenario : Scenario
        The point the parameters move around (the others are held at its values).
    vary : ranges
        ``["schism.cost.target=0:40", ...]``, ``Range`` objects or ``{path: (lo, hi)}``.
    outputs : sequence of str
        Numeric outputs for the table and tornado (``NUMERIC_OUTPUTS``); the verdict is always
        tracked.
    grid : int
        Grid points per parameter, ends included (at least 2).
    rtol : float
        Each flip is bisected until its bracket is narrower than ``rtol * max(|x|, HI - LO)``.
    executor, progress
        Passed to :func:`evaluate_points` for the grid; bisection runs locally.
    max_steps : int
        Halvings per flip; a flip whose bracket is still wider than ``rtol`` then says
        ``converged: False``.
    """
    rs = ranges(vary)
    outputs = tuple(_numeric_output(o) for o in outputs)
    if grid < 2:
        raise ArgumentError("grid", "at least 2 grid points per parameter", str(grid))
    paths = [r.path for r in rs]
    values = [np.linspace(r.low, r.high, grid) for r in rs]
    points = {p: np.full(grid * len(rs) + 1, scenario.values[p]) for p in paths}
    for i, (p, v) in enumerate(zip(paths, values, strict=True)):
        points[p][i * grid:(i + 1) * grid] = v
    df = evaluate_points(scenario, points, executor=executor, progress=progress)
    base_row = df.iloc[-1]
    baseline = {o: _clean(base_row[o]) for o in outputs} | {"verdict": str(base_row["verdict"])}
    rows, curves, brackets = [], [], []
    for i, (r, v) in enumerate(zip(rs, values, strict=True)):
        part = df.iloc[i * grid:(i + 1) * grid]
        curve = pd.DataFrame({"parameter": r.path, "value": v})
        row: dict[str, Any] = {"parameter": r.path, "low": r.low, "high": r.high,
                               "base": scenario.values[r.path]}
        for o in outputs:
            y = part[o].to_numpy(float)
            curve[o] = y
            row |= {f"{o}_at_low": y[0], f"{o}_at_high": y[-1], f"{o}_min": y.min(),
                    f"{o}_max": y.max()}
        verdict = part["verdict"].to_numpy(object)
        curve["verdict"] = verdict
        curves.append(curve)
        rows.append(row)
        brackets += [(r.path, v[k], v[k + 1], verdict[k], verdict[k + 1])
                     for k in np.flatnonzero(verdict[:-1] != verdict[1:])]
    table = pd.DataFrame(rows).set_index("parameter")
    first = outputs[0]
    with np.errstate(invalid="ignore"):
        swing = table[f"{first}_max"] - table[f"{first}_min"]
    table["swing"] = swing.fillna(0.0)
    scale = {r.path: r.high - r.low for r in rs}
    flips = _bisect_flips(scenario, brackets, rtol, scale, max_steps)
    return OATResult(scenario, rs, outputs, table, pd.concat(curves, ignore_index=True),
                     baseline, flips, rtol)


# --- global: Morris and Sobol' ------------------------------------------------------------------
@dataclass
class IndexResult:
    """Global sensitivity indices (``method`` "morris" or "sobol") of one ``output``.

    ``table`` has one row a parameter: ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma`` (Morris)
    or ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (Sobol').  ``samples`` is the table of every
    evaluated point; ``clip`` says whether infinite outputs were clipped.
    """

    scenario: Scenario
    method: str
    output: str
    ranges: list[Range]
    table: pd.DataFrame
    samples: pd.DataFrame
    clip: dict[str, Any]
    seed: int | None
    n: int
    notes: list[str] = field(default_factory=list)
    success: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        params = {r.path: {"low": r.low, "high": r.high}
                  | {k: _clean(v) for k, v in self.table.loc[r.path].items()} for r in self.ranges}
        return {"method": self.method, "output": self.output, "samples": self.n,
                "evaluations": len(self.samples), "seed": self.seed, "clip": self.clip,
                "notes": self.notes, "probability_of_success": self.success,
                "parameters": params}

    def plot(self) -> Any:
        """Bar chart of the indices with their confidence intervals."""
        return hooks.call("plot.index_bars", self)


def _analysis_seed(seed: int | None) -> int | None:
    """A non-zero seed for SALib's bootstrap, derived from ``seed``: SALib's Sobol' analysis
    tests ``if seed:`` and so treats a seed of 0 as no seed at all."""
    if seed is None:
        return None
    return int(np.random.SeedSequence([seed, 5]).generate_state(1)[0]) or 1


def _problem(rs: list[Range]) -> dict[str, Any]:
    return {"num_vars": len(rs), "names": [r.path for r in rs],
            "bounds": [[r.low, r.high] for r in rs]}


def _run(scenario: Scenario, rs: list[Range], X: np.ndarray, output: str, clip: float | None,
         executor: Any, progress: Any) -> tuple[pd.DataFrame, np.ndarray, dict[str, Any]]:
    df = evaluate_points(scenario, {r.path: r.values(X[:, j]) for j, r in enumerate(rs)},
                         executor=executor, progress=progress)
    y, note = clip_infinite(df[output].to_numpy(float), clip)
    return df, y, note


def morris(scenario: Scenario, vary: Any, *, output: str = "margin", trajectories: int = 20,
           num_levels: int = 4, seed: int | None = None, clip: float | None = None,
           conf_level: float = 0.95, executor: Any = None, progress: Any = None) -> IndexResult:
    """Morris screening (Morris 1991; ``mu_star`` of Campolongo et al. 2007) with SALib.

    ``trajectories * (k + 1)`` model evaluations for ``k`` parameters.
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    rs, output = ranges(vary), _numeric_output(output)
    if trajectories < 2:
        raise ArgumentError("trajectories", "at least 2 Morris trajectories", str(trajectories))
    problem = _problem(rs)
    X = sample.sample(problem, trajectories, num_levels=num_levels, seed=seed)
    df, y, note = _run(scenario, rs, X, output, clip, executor, progress)
    Si = analyze.analyze(problem, X, y, num_levels=num_levels, conf_level=conf_level,
                         seed=_analysis_seed(seed))
    table = pd.DataFrame({k: np.asarray(Si[k], dtype=float)
                          for k in ("mu", "mu_star", "mu_star_conf", "sigma")},
                         index=pd.Index(problem["names"], name="parameter"))
    p = proportion(df["success"].to_numpy() > 0, conf_level,
                   f"all {len(df)} Morris points ({num_levels} levels per parameter)")
    return IndexResult(scenario, "morris", output, rs, table, df, note, seed, trajectories,
                       success=p)


def sobol(scenario: Scenario, vary: Any, *, output: str = "margin", samples: int = 256,
          seed: int | None = None, clip: float | None = None, conf_level: float = 0.95,
          num_resamples: int = 100, executor: Any = None, progress: Any = None) -> IndexResult:
    """Sobol' indices ``S1`` and ``ST`` (Saltelli 2002, 2010) on a scrambled Sobol' sequence.

    ``samples`` (a power of 2) base points, ``samples * (k + 2)`` model evaluations.  When the
    output does not vary at all every index is 0 (and said so in ``notes``).
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    rs, output = ranges(vary), _numeric_output(output)
    if samples < 2 or samples & (samples - 1):
        raise ArgumentError("samples", "a power of 2 for sobol (e.g. 256)", str(samples))
    problem = _problem(rs)
    X = sample.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    df, y, note = _run(scenario, rs, X, output, clip, executor, progress)
    names = pd.Index(problem["names"], name="parameter")
    keys = ("S1", "S1_conf", "ST", "ST_conf")
    notes = []
    if np.ptp(y) == 0:
        table = pd.DataFrame(0.0, index=names, columns=list(keys))
        notes.append(f"{output} is constant over the sampled ranges: every index is 0")
    else:
        Si = analyze.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples,
                             conf_level=conf_level, seed=_analysis_seed(seed))
        table = pd.DataFrame({k: np.asarray(Si[k], dtype=float) for k in keys}, index=names)
    base = df["success"].to_numpy()[:: len(rs) + 2] > 0  # the A matrix: uniform on the box
    p = proportion(base, conf_level, f"the {samples} base points of the Sobol' sequence")
    return IndexResult(scenario, "sobol", output, rs, table, df, note, seed, samples, notes, p)

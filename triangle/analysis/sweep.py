"""Many points: tables, sweeps and equilibrium maps, in chunks, locally or on a Dask cluster.

* :func:`evaluate_table` evaluates a scenario at given points (dotted path -> array) and returns
  a tidy :class:`pandas.DataFrame`: one row a point, the varied parameters first (named by
  their dotted paths), then the outputs.  ``kind="game"`` solves the full triangle
  (:func:`triangle.wedge.solve.evaluate_scenario`, every column of :func:`triangle.wedge.verdict.evaluate`);
  ``kind="closed_form"`` computes the noise-free core of DESIGN §4 in pure numpy
  (:func:`closed_form_columns`), fast enough for tens of millions of points.
* :func:`sweep` builds the points from a Cartesian ``grid`` or from ``n`` ``samples``
  (Latin hypercube, scrambled Sobol or plain random, all seeded) and evaluates them;
  :func:`sweep_to_file` streams the same rows to CSV or Parquet, chunk by chunk, resumably.
* :func:`equilibrium_map` evaluates a two-parameter grid; :meth:`EquilibriumMap.plot` draws it.

Points are generated one chunk at a time (grid points by index arithmetic, samples by slices of a
seeded sampler), so memory is bounded by ``chunk_size`` (and, for Latin hypercubes, by the
``n x d`` sample itself), never by the product of the grid.  Chunk ``i`` covers rows
``[i * chunk_size, (i + 1) * chunk_size)`` whatever executes it, so local, process-pool and
Dask runs give identical tables (see :mod:`triangle.analysis.execution`).

>>> from triangle.scenario.files import parse_scenario
>>> s = parse_scenario({"scenario": {"name": "demo", "sources": ["illustrative"]},
...     "partnership": {"value": {"target": 4, "partner": 3}},
...     "schism": {"cost": {"target": 5, "partner": 5}, "value_to_divider": 10},
...     "wedge": {"reward": 6}, "counter": {"budget": 0}})
>>> df = sweep(s, grid={"wedge.reward": [2.0, 6.0], "schism.cost.target": [5.0, 50.0]},
...            kind="closed_form")
>>> print(df[["wedge.reward", "schism.cost.target", "verdict", "margin"]].to_string(index=False))
 wedge.reward  schism.cost.target verdict  margin
          2.0                 5.0  failed    5.75
          2.0                50.0  failed    3.50
          6.0                 5.0 success    5.75
          6.0                50.0  failed    3.50
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from triangle.analysis.execution import map_ordered, progress_bar
from triangle.analysis.points import (
    ArrayPoints,
    DealtGrid,
    GridPoints,
    Points,
    make_points,
)
from triangle.analysis.storage import (
    Journal,
    check_target,
    clean_stale,
    is_complete,
    journal_dir,
    output_format,
)
from triangle.common import hooks
from triangle.partnership import closed_form as cf
from triangle.scenario.files import Scenario, ScenarioError
from triangle.wedge.dittmer import CONFIGURATIONS, configuration, dyad_signs, roles
from triangle.wedge.solve import evaluate_scenario, record
from triangle.wedge.verdict import VERDICTS, classify

KINDS = ("game", "closed_form")
ROLES = ("pivot", "wing", "partner", "outcast", "friend", "foe")
CATEGORIES = {"verdict": VERDICTS, "configuration": CONFIGURATIONS,
              **{f"role_{a}": ROLES for a in ("divider", "target", "partner")}}


#: Points per chunk of a game sweep or map (a second or so of work for one process).
CHUNK_SIZE = 2000


# --- one chunk -----------------------------------------------------------------------------
def closed_form_columns(scenario: Scenario, points: Mapping[str, np.ndarray],
                        codes: bool = False) -> dict[str, np.ndarray]:
    """The closed-form core of DESIGN §4 at every point, in pure numpy.

    Noise-free, with the target's binary stay/break choice (the strategy library, hedging,
    noise and positional payoffs play no part; pressure enters ``R`` as in the stage game).
    The target breaks iff ``r > r*(m)``; the partner pays the least ``m`` that keeps it,
    ``counter_needed``, if that is at most ``max(m_max, 0)``, else nothing.  The verdict follows
    DESIGN §5 against the same core with no offer (dyad signs as in
    :func:`triangle.wedge.verdict.evaluate`): ``split_anyway`` where the core splits without
    an offer too; else ``success``/``pyrrhic`` by the divider's
    present value ``G dt / (1 - delta_D) - (1 + a)(r + u) dt / (1 - delta_D s)`` less courting
    costs; ``backfire`` if cohesion rose (the counter, less the pressure's own cost, plus the
    threat response); ``pocketed`` if the
    up-front concessions were kept; else ``failed``.  Columns: ``verdict``, ``schism``,
    ``margin``, ``r_star`` (at the counter paid), ``r_star_max``, ``m_max``, ``r_max``,
    ``counter_offer``, ``pv_divider``, ``configuration`` and ``role_*`` (with ``codes=True``, these last and
    ``verdict`` are integer codes into :data:`CATEGORIES`).
    """
    n = len(next(iter(points.values())))
    v = {k: np.asarray(points.get(k, x), dtype=float) for k, x in scenario.values.items()}
    dt = v["time.period_years"]
    dT, dP, dD = (v[f"time.patience.{w}"] ** dt for w in ("target", "partner", "divider"))
    s = v["wedge.durability"] ** dt
    u, r, pressure, a = v["wedge.upfront"], v["wedge.reward"], v["wedge.pressure"], v["wedge.alliance_cost"]
    S_T, G = v["schism.cost.target"], v["schism.value_to_divider"]
    R_T = v["partnership.value.target"] + (v["threat.response.target"] - 1.0) * pressure
    R_P = v["partnership.value.partner"] + v["threat.response.partner"] * pressure
    O_T = v["schism.outside.target"]
    m_max = cf.partner_max_counter(v["schism.cost.partner"], R_P, v["schism.outside.partner"], dP, dt,
                                   v["counter.budget"])
    cap = np.maximum(m_max, 0.0)
    r_max = cf.divider_max_reward(G, dD, s, a)

    def core(reward: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        breaks = reward > cf.threshold_reward(S_T, R_T, O_T, 0.0, dT, s, dt)
        keepable = reward <= cf.threshold_reward(S_T, R_T, O_T, cap, dT, s, dt)
        need = np.minimum(cf.counter_needed(reward, S_T, R_T, O_T, dT, s, dt), cap)
        return np.where(breaks & keepable, need, 0.0), breaks & ~keepable

    m, schism = core(r)
    m0, schism0 = core(np.zeros_like(r))
    # A hedge reward is an attempt, but the core has no hedging: it is never paid there.
    attempt = (u > 0) | (r > 0) | (pressure > 0) | (v["wedge.hedge_reward"] > 0)
    split = G * dt / (1 - dD)
    courting = np.where(attempt, v["wedge.courting_cost"] * dt / (1 - dD), 0.0)
    v_d = (np.where(schism, split - (1 + a) * r * dt / (1 - dD * s), 0.0)
           - (1 + a) * u * dt / (1 - dD * s) - courting)
    # Cohesion (docs/model.md §10): the counter, the pressure's own cost and the threat response.
    change = (m - m0 + (v["threat.response.target"] - 1.0) * pressure) * dt / (1 - dT)
    verdict = classify(attempt, schism, v_d > np.where(schism0, split, 0.0), change > 0, u > 0,
                       schism_anyway=schism0)
    # Dyad signs (DESIGN §5) -> one of 8 sign patterns; names looked up once per pattern.
    sign_dp = 1.0 if scenario.settings["relations.divider_partner"] == "+" else -1.0
    tp, d_t, d_p = dyad_signs(schism, u, pressure, sign_dp)
    pattern = 4 * (tp > 0) + 2 * (d_t > 0) + (d_p > 0)
    signs = [np.array([1.0 if k & bit else -1.0 for k in range(8)]) for bit in (4, 2, 1)]
    names = {"configuration": configuration(*signs),
             **{f"role_{actor}": role for actor, role in roles(*signs).items()}}
    r_star_max = cf.threshold_reward(S_T, R_T, O_T, m_max, dT, s, dt)
    if codes:
        names = {k: np.array([CATEGORIES[k].index(x) for x in labels], dtype=np.int8)
                 for k, labels in names.items()}
    out = {"verdict": verdict if codes else np.asarray(VERDICTS, dtype=object)[verdict],
           "schism": schism, "margin": cf.wedge_margin(r_max, r_star_max),
           "r_star": cf.threshold_reward(S_T, R_T, O_T, m, dT, s, dt), "r_star_max": r_star_max,
           "m_max": m_max, "r_max": r_max, "counter_offer": m, "pv_divider": v_d,
           **{k: np.asarray(labels)[pattern] for k, labels in names.items()}}
    return {k: np.array(np.broadcast_to(x, (n,))) for k, x in out.items()}


def _categorical(name: str, values: np.ndarray, codes: bool) -> pd.Categorical:
    """A column of names as a categorical with the fixed categories of :data:`CATEGORIES`."""
    categories = CATEGORIES[name]
    if not codes:
        lookup = {c: i for i, c in enumerate(categories)}
        try:
            values = np.fromiter((lookup[v] for v in values), dtype=np.int8, count=len(values))
        except KeyError as err:
            raise ValueError(f"{name}: unexpected value {err.args[0]!r}") from None
    return pd.Categorical.from_codes(values.astype(np.int8), categories=categories)


#: Output columns that repeat a ``wedge.*`` parameter when the package is fixed (not optimised).
PACKAGE_COLUMNS = {"upfront": "wedge.upfront", "reward": "wedge.reward", "pressure": "wedge.pressure",
                   "hedge_reward": "wedge.hedge_reward"}


def evaluate_chunk(scenario: Scenario, kind: str, backend: str | None,
                   points: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One chunk as a table (module-level so that process pools and Dask can run it)."""
    if kind == "game":
        columns = dict(evaluate_scenario(scenario, points, backend).columns)
        if scenario.settings["wedge.mode"] == "fixed":  # the package is the varied column itself
            for column, path in PACKAGE_COLUMNS.items():
                if path in points:
                    del columns[column]
    else:
        columns = closed_form_columns(scenario, points, codes=True)
    data: dict[str, Any] = {p: np.asarray(a, dtype=float) for p, a in points.items()}
    data.update({k: _categorical(k, np.asarray(c), kind != "game") if k in CATEGORIES else c
                 for k, c in columns.items()})
    return pd.DataFrame(data)


def _n_chunks(points: Points, kind: str, chunk_size: int) -> int:
    if kind not in KINDS:
        raise ScenarioError("sweep", None, f"a kind in {KINDS}", repr(kind))
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise ScenarioError("sweep", None, "a chunk size >= 1", repr(chunk_size))
    return -(-points.n // int(chunk_size))


def iter_chunks(scenario: Scenario, points: Points, *, kind: str = "game", backend: str | None = "admissible",
                chunk_size: int = CHUNK_SIZE, executor: Any = None, progress: bool | None = None,
                skip: frozenset[int] = frozenset()) -> Iterator[tuple[int, pd.DataFrame]]:
    """``(chunk index, table)`` for every chunk not in ``skip``, in order."""
    n_chunks = _n_chunks(points, kind, chunk_size)
    todo = [i for i in range(n_chunks) if i not in skip]
    total = sum(min(points.n, (i + 1) * chunk_size) - i * chunk_size for i in todo)

    def tasks() -> Iterator[tuple[Any, ...]]:
        for i in todo:
            yield scenario, kind, backend, points.chunk(i * chunk_size, min(points.n, (i + 1) * chunk_size))

    with progress_bar(total, progress, f"{kind} {scenario.name}"[:40]) as bar:
        for i, df in zip(todo, map_ordered(evaluate_chunk, tasks(), executor), strict=True):
            bar.update(len(df))
            yield i, df


def _table(scenario: Scenario, points: Points, **kw: Any) -> pd.DataFrame:
    frames = [df for _, df in iter_chunks(scenario, points, **kw)]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def evaluate_table(scenario: Scenario, points: dict[str, np.ndarray], *, kind: str = "game",
                   backend: str = "admissible", chunk_size: int = CHUNK_SIZE, executor: Any = None,
                   progress: bool | None = None) -> pd.DataFrame:
    """Evaluate ``scenario`` at ``points`` (dotted path -> array of one length), chunk by chunk.

    Parameters
    ----------
    scenario : Scenario
        The base scenario; the paths in ``points`` override its values.
    points : dict
        Dotted path -> 1-D array; every value must lie in the parameter's range.
    kind : {"game", "closed_form"}
        Full game (every column of :func:`triangle.wedge.verdict.evaluate`) or the closed-form core
        (:func:`closed_form_columns`).
    backend : {"admissible", "batched", "nashpy"}
        Solver of the reported equilibria (game kind only).
    chunk_size : int
        Points evaluated at once; bounds the memory.
    executor : None, int or dask.distributed.Client
        In process, a local process pool of that many workers, or a Dask cluster.
    progress : bool or None
        Progress bar on stderr; ``None`` shows it when stderr is a terminal.

    Returns
    -------
    pandas.DataFrame
        One row a point, in the given order: the varied parameters, then the outputs
        (``verdict``, ``configuration`` and ``role_*`` are categoricals).
    """
    return _table(scenario, ArrayPoints(points), kind=kind, backend=backend, chunk_size=chunk_size,
                  executor=executor, progress=progress)


def sweep(scenario: Scenario, grid: Mapping[str, ArrayLike] | None = None,
          samples: Mapping[str, tuple[float, float]] | None = None, n: int | None = None,
          design: str = "lhs", seed: int = 0, **kw: Any) -> pd.DataFrame:
    """Evaluate a full Cartesian ``grid`` (path -> values; the last path varies fastest) or ``n``
    ``samples`` of the box (path -> (lo, hi)) from a seeded ``design`` ("lhs", "sobol",
    "random").  Other keywords go to :func:`evaluate_table`."""
    return _table(scenario, make_points(grid, samples, n, design, seed), **kw)


@dataclass(frozen=True)
class SweepReport:
    """What :func:`sweep_to_file` did: the file, its size and which chunks it computed."""

    path: str
    n_points: int
    n_chunks: int
    computed: list[int]
    metadata: dict[str, Any] = field(repr=False)

    @property
    def reused(self) -> int:
        return self.n_chunks - len(self.computed)


def sweep_to_file(scenario: Scenario, out: str, grid: Mapping[str, ArrayLike] | None = None,
                  samples: Mapping[str, tuple[float, float]] | None = None, n: int | None = None,
                  design: str = "lhs", seed: int = 0, *, kind: str = "game", backend: str = "admissible",
                  chunk_size: int = CHUNK_SIZE, executor: Any = None, progress: bool | None = None,
                  resume: bool = False, notify: Callable[[str], None] | None = None) -> SweepReport:
    """Stream :func:`sweep`'s rows to ``out`` (``.csv`` or ``.parquet``) with a resumable journal.

    Finished chunks go to ``<out>.parts/`` (:class:`triangle.analysis.storage.Journal`); with
    ``resume=True`` the chunks of a matching journal that pass their row count and checksum are
    kept and only the others computed, and a finished file that already holds this sweep is
    left as it is.  Without ``resume`` an old journal is discarded (``notify`` is told).  The
    final file is identical to that of an uninterrupted run and records the scenario, its hash,
    the version and the seed.
    """
    output_format(out)
    check_target(out)
    points = make_points(grid, samples, n, design, seed)
    metadata = {**record(scenario, points.seed), "kind": kind,
                "backend": backend if kind == "game" else None, "points": points.spec(),
                "n_points": points.n}
    n_chunks = _n_chunks(points, kind, chunk_size)
    manifest = {k: metadata[k] for k in ("param_hash", "version", "seed", "kind", "backend", "points")}
    manifest.update(chunk_size=chunk_size, n_chunks=n_chunks, n_points=points.n)
    clean_stale(out)
    if resume and not journal_dir(out).exists() and is_complete(out, metadata, points.n):
        return SweepReport(str(out), points.n, n_chunks, [], metadata)
    journal = Journal(out, manifest, resume, notify)
    computed = []
    for i, df in iter_chunks(scenario, points, kind=kind, backend=backend, chunk_size=chunk_size,
                             executor=executor, progress=progress, skip=frozenset(journal.done())):
        journal.write(i, df)
        computed.append(i)
    journal.assemble(n_chunks, metadata)
    return SweepReport(str(out), points.n, n_chunks, computed, metadata)


# --- maps ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EquilibriumMap:
    """Verdicts over a grid of two parameters; arrays of shape ``(len(y), len(x))``."""

    x_path: str
    y_path: str
    x: np.ndarray
    y: np.ndarray
    verdict: np.ndarray
    margin: np.ndarray
    configuration: np.ndarray
    robust: np.ndarray | None
    point: tuple[float, float]
    table: pd.DataFrame = field(repr=False)
    record: dict[str, Any] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row a grid point: x, y, verdict, [robust,] margin, configuration."""
        cols = [self.x_path, self.y_path, "verdict", *(["robust"] if self.robust is not None else []),
                "margin", "configuration"]
        return self.table[cols]

    def plot(self, ax: Any = None, margin_contours: bool = True) -> Any:
        """A categorical map of verdicts (drawn by :func:`triangle.presentation.plot.plot_map`)."""
        return hooks.call("plot.equilibrium_map", self, ax=ax, margin_contours=margin_contours)


def equilibrium_map(scenario: Scenario, x: tuple[str, ArrayLike], y: tuple[str, ArrayLike],
                    **kw: Any) -> EquilibriumMap:
    """Evaluate the grid ``x x y`` (each ``(path, values)``); keywords go to :func:`evaluate_table`."""
    (x_path, xs), (y_path, ys) = x, y
    if x_path == y_path:
        raise ScenarioError("map", y_path, "two different parameter paths", "the same path twice")
    points = GridPoints({x_path: xs, y_path: ys}, origin="map")
    chunk_size = kw.get("chunk_size", CHUNK_SIZE)
    if kw.get("executor") is not None and points.n > chunk_size:  # workers finish together
        dealt = DealtGrid(points, chunk_size)
        table = _table(scenario, dealt, **kw).iloc[dealt.inverse].reset_index(drop=True)
    else:
        table = _table(scenario, points, **kw)
    xs, ys = points.axes[x_path], points.axes[y_path]

    def grid(col: str) -> np.ndarray:
        return table[col].to_numpy(dtype=object if col in CATEGORIES else None).reshape(
            xs.size, ys.size).T

    return EquilibriumMap(x_path, y_path, xs, ys, grid("verdict"), grid("margin"),
                          grid("configuration"), grid("robust") if "robust" in table else None,
                          (float(scenario[x_path]), float(scenario[y_path])), table,
                          {**record(scenario), "kind": kw.get("kind", "game"),
                           "points": points.spec()})

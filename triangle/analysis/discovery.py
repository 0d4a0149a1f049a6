"""Scenario discovery: in which boxes of the assumptions does the wedge succeed?

The varied parameters are sampled by Latin hypercube over their ranges, every point is
labelled by whether the wedge succeeds (``verdict == "success"``), and PRIM, the Patient
Rule Induction Method (Friedman & Fisher 1999; as used for scenario discovery by Bryant &
Lempert 2010), peels the sampled space down to boxes where success is dense.  PRIM comes from
the ``prim`` package (Project Platypus: the EMA Workbench's implementation, standalone),
installed with ``pip install 'strategic-triangle[sensitivity]'``.

Each box is reported as readable rules over the parameters it restricts ("the wedge succeeds
when schism.cost.target < 39.9"), with its *coverage* (the share of all successes inside it)
and *density* (the share of the points inside it that succeed); parameters it does not
restrict are *unrestricted* and keep their sampled ranges.  Along each box's peeling
trajectory the box with the highest density among those that still cover ``min_coverage``
of the successes not yet in a box is chosen (ties: fewer restricted parameters, then more
coverage); when none of those reaches ``min_density``, the box with the most coverage among
those that do.  Boxes are sought one after another on the points left outside the earlier ones,
up to ``max_boxes``, and kept while their density reaches ``min_density`` and their
coverage ``min_box_coverage``.  A restriction whose quasi-p value exceeds ``max_qp`` (the
chance that a box without it would be as dense, Bryant & Lempert 2010) is dropped from the
chosen box, one at a time, the least significant first.

PRIM peels a share ``peel_alpha`` of the box at each step and pastes ``paste_alpha`` back, so
a bound it reports lies inside the true boundary by up to about ``peel_alpha`` of the box's
width in that parameter (pasting never adds a point that lowers the density).  The default
``peel_alpha = 0.03`` sits between the literature's 0.05 (bounds up to 5% inside a sharp
boundary) and finer peels, which stop early on a diffuse boundary, where the gain of each
small peel is within the sampling noise; ``paste_alpha = 0.01`` is the sdtoolkit default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from triangle.analysis.points import SamplePoints
from triangle.analysis.sensitivity import evaluate_points, ranges
from triangle.common import hooks
from triangle.scenario.files import Scenario
from triangle.scenario.ranges import ArgumentError, Range

EXTRA_HINT = "pip install 'strategic-triangle[sensitivity]'"
PRIM_DEFAULTS = {"max_boxes": 3, "min_coverage": 0.5, "min_density": None, "min_box_coverage": 0.05,
                 "peel_alpha": 0.03, "paste_alpha": 0.01, "mass_min": None,
                 "max_qp": 0.05}


class MissingDependencyError(ImportError):
    """An optional library is not installed; the text says which extra brings it."""


def require_prim() -> Any:
    """The ``Prim`` class of the ``prim`` package, or :class:`MissingDependencyError`."""
    try:
        from prim import Prim
    except ImportError:
        raise MissingDependencyError(
            f"scenario discovery needs the PRIM library (package 'prim'): {EXTRA_HINT}") from None
    return Prim


def latin_hypercube(rs: list[Range], n: int, seed: int | None) -> pd.DataFrame:
    """``n`` points, one column per range: each range cut in ``n`` strata, one point in each.

    The design of sweeps (:class:`triangle.analysis.points.SamplePoints`, scipy's
    :class:`~scipy.stats.qmc.LatinHypercube`, McKay, Beckman & Conover 1979), so that
    ``discover`` and ``triangle sweep --design lhs`` draw the same points from the same seed.
    ``seed=None`` draws a fresh seed.
    """
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    design = SamplePoints({r.path: (r.low, r.high) for r in rs}, n, "lhs", seed=seed)
    frame = pd.DataFrame(design.chunk(0, n))
    # A range of a scenario's distribution maps its uniform draws through the quantile.
    return pd.DataFrame({r.path: r.values(frame[r.path].to_numpy()) for r in rs})


def _fmt(x: float) -> str:
    return f"{x:.4g}"


@dataclass
class Box:
    """One PRIM box: ``limits`` maps every varied parameter to ``(low, high)``; ``restricted``
    to ``(lower end restricted, upper end restricted)``; ``qp`` to the quasi-p value of each
    restricted parameter (the chance that the restriction's density gain is luck)."""

    number: int
    limits: dict[str, tuple[float, float]]
    restricted: dict[str, tuple[bool, bool]]
    qp: dict[str, float]
    coverage: float
    density: float
    mass: float
    selected: int
    trajectory: pd.DataFrame

    def conditions(self) -> list[str]:
        """One condition per restricted parameter, e.g. ``"schism.cost.target < 39.9"``."""
        out = []
        for path, (lo, hi) in self.limits.items():
            low, high = self.restricted[path]
            if low and high:
                out.append(f"{_fmt(lo)} < {path} < {_fmt(hi)}")
            elif high:
                out.append(f"{path} < {_fmt(hi)}")
            elif low:
                out.append(f"{path} > {_fmt(lo)}")
        return out

    def rule(self) -> str:
        """``"the wedge succeeds when A and B"`` (or throughout the sampled ranges)."""
        conds = self.conditions()
        return ("the wedge succeeds when " + " and ".join(conds) if conds
                else "the wedge succeeds throughout the sampled ranges")

    def __str__(self) -> str:
        return (f"box {self.number}: {self.rule()} (coverage {self.coverage:.1%}, "
                f"density {self.density:.1%}, mass {self.mass:.1%})")

    def contains(self, samples: pd.DataFrame) -> np.ndarray:
        """Which rows of ``samples`` lie in the box."""
        inside = np.ones(len(samples), dtype=bool)
        for path, (lo, hi) in self.limits.items():
            x = samples[path].to_numpy(float)
            inside &= (x >= lo) & (x <= hi)
        return inside

    def to_dict(self) -> dict[str, Any]:
        params = {p: {"low": lo, "high": hi, "restricted": any(self.restricted[p]),
                      "restricted_low": self.restricted[p][0],
                      "restricted_high": self.restricted[p][1], "qp": self.qp.get(p)}
                  for p, (lo, hi) in self.limits.items()}
        return {"box": self.number, "rule": self.rule(), "conditions": self.conditions(),
                "coverage": self.coverage, "density": self.density, "mass": self.mass,
                "parameters": params}


@dataclass
class DiscoveryResult:
    """Samples (``samples``: varied parameters, outputs and ``success``), the boxes, and the
    share of sampled points where the wedge succeeds."""

    scenario: Scenario
    ranges: list[Range]
    samples: pd.DataFrame
    boxes: list[Box]
    seed: int | None
    settings: dict[str, Any]

    @property
    def success_rate(self) -> float:
        return float(self.samples["success"].mean())

    def summary(self) -> str:
        """The boxes as lines of text, or why there are none."""
        n = len(self.samples)
        head = (f"{int(self.samples['success'].sum())} of {n} sampled points succeed "
                f"({self.success_rate:.1%})")
        if not self.boxes:
            why = ("the wedge never succeeds in the sampled ranges" if self.success_rate == 0
                   else "no box reaches the minimum density and coverage")
            return f"{head}; {why}"
        return "\n".join([head, *map(str, self.boxes)])

    def table(self) -> pd.DataFrame:
        """One row per (box, parameter): bounds, whether restricted, coverage and density."""
        rows = [{"box": b.number, "parameter": p, **v, "coverage": b.coverage,
                 "density": b.density} for b in self.boxes
                for p, v in b.to_dict()["parameters"].items()]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"method": "prim", "samples": len(self.samples), "seed": self.seed,
                "success_rate": self.success_rate, "settings": self.settings,
                "ranges": {r.path: [r.low, r.high] for r in self.ranges},
                "boxes": [b.to_dict() for b in self.boxes], "summary": self.summary()}

    def plot(self, x: str | None = None, y: str | None = None) -> Any:
        """Peeling trade-off (coverage vs density) and the boxes over a 2-D scatter."""
        return hooks.call("plot.discovery", self, x, y)


def _select(traj: pd.DataFrame, share: float, min_coverage: float, min_density: float) -> int:
    """The trajectory point to report (see the module's text)."""
    cover = traj["coverage"].to_numpy(float) / share
    density = traj["density"].to_numpy(float)
    dims = traj["res_dim"].to_numpy(float)
    ok = np.flatnonzero(cover >= min_coverage - 1e-12)
    if ok.size and density[ok].max() >= min_density:
        best = ok[density[ok] >= density[ok].max() - 1e-12]
    else:  # no box is both wide and dense enough: the widest box that is dense enough
        dense = np.flatnonzero(density >= min_density)
        if not dense.size:
            return int(np.argmax(density))
        best = dense[cover[dense] >= cover[dense].max() - 1e-12]
    best = best[dims[best] == dims[best].min()]
    return int(best[np.argmax(cover[best] + 1e-9 * density[best])])


def _box(number: int, pbox: Any, rs: list[Range], init: Any, selected: int) -> Box:
    lims = pbox._box_lims[selected]  # the library's limits of the selected trajectory point
    qp = pbox._calculate_quasi_p(selected)
    limits, restricted = {}, {}
    for r in rs:
        lo, hi = float(lims[r.path][0]), float(lims[r.path][1])
        low = bool(lo > float(init[r.path][0]))
        high = bool(hi < float(init[r.path][1]))
        restricted[r.path] = (low, high)
        limits[r.path] = (lo if low else r.low, hi if high else r.high)
    qp_of = {p: float(np.max(qp[p])) for p in qp if any(restricted.get(p, (False, False)))}
    traj = pbox.peeling_trajectory.rename(columns={"res dim": "res_dim"}).astype(float)
    row = traj.iloc[selected]
    return Box(number, limits, restricted, qp_of, float(row["coverage"]), float(row["density"]),
               float(row["mass"]), selected, traj.reset_index(drop=True))


def resolve_settings(settings: dict[str, Any], success: np.ndarray) -> dict[str, Any]:
    """``settings`` with ``min_density`` and ``mass_min`` given their data-driven defaults."""
    share = float(np.mean(success)) if len(success) else 0.0
    out = dict(settings)
    if out.get("min_density") is None:
        out["min_density"] = min(0.5, 3 * share)
    if out.get("mass_min") is None:
        out["mass_min"] = max(min(0.05, share / 2), min(1.0, 10 / max(len(success), 1)))
    return out


def find_boxes(samples: pd.DataFrame, success: np.ndarray, rs: list[Range], *, max_boxes: int = 3,
               min_coverage: float = 0.5, min_density: float | None = None,
               min_box_coverage: float = 0.05,
               peel_alpha: float = 0.03, paste_alpha: float = 0.01, mass_min: float | None = None,
               max_qp: float = 0.05) -> list[Box]:
    """PRIM boxes of ``success`` over the columns of ``samples`` named by ``rs`` (module text).

    ``mass_min``, the smallest share of the points a box may hold, defaults to
    ``min(0.05, success share / 2)`` but at least 10 points, so that a rare success can still
    be boxed; ``min_density`` defaults to ``min(0.5, 3 * success share)``: a box must be at
    least three times as dense in successes as the sampled space (and half full is enough).
    """
    success = np.asarray(success, dtype=bool)
    if not success.any():
        return []
    auto = resolve_settings({"min_density": min_density, "mass_min": mass_min}, success)
    min_density, mass_min = auto["min_density"], auto["mass_min"]
    Prim = require_prim()
    x = samples[[r.path for r in rs]].astype(float).reset_index(drop=True)
    p = Prim(x, success, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min)
    init = p._box_init
    total, left = success.sum(), np.ones(len(x), dtype=bool)
    boxes: list[Box] = []
    while len(boxes) < max_boxes:
        remaining = int(success[left].sum())
        if remaining == 0 or remaining / total < min_box_coverage:
            break
        pbox = p.find_box()
        if pbox is None:
            break
        traj = pbox.peeling_trajectory.rename(columns={"res dim": "res_dim"})
        chosen = _select(traj, remaining / total, min_coverage, min_density)
        pbox.select(chosen)
        for _ in rs:  # drop restrictions that chance explains (Bryant & Lempert 2010)
            qp = {k: float(np.max(v)) for k, v in pbox._calculate_quasi_p(pbox._cur_box).items()}
            worst = max(qp, key=qp.__getitem__, default=None)
            if worst is None or qp[worst] <= max_qp:
                break
            pbox.drop_restriction(worst)
        box = _box(len(boxes) + 1, pbox, rs, init, pbox._cur_box)
        if box.density < min_density or box.coverage < min_box_coverage:
            break
        boxes.append(box)
        left[pbox.yi] = False
    return boxes


def discover(scenario: Scenario, vary: Any, *, samples: int = 2000, seed: int | None = None,
             executor: Any = None, progress: Any = None, **prim_options: Any) -> DiscoveryResult:
    """Sample ``vary`` (see :func:`triangle.analysis.sensitivity.ranges`), label success, find boxes.

    Parameters
    ----------
    scenario : Scenario
        Holds every parameter that is not varied.
    vary : ranges
        ``["schism.cost.target=0:80", ...]``, ``Range`` objects or ``{path: (lo, hi)}``.
    samples : int
        Latin-hypercube points.
    seed : int, optional
        Seed of the sample (PRIM itself is deterministic).
    executor, progress
        Passed to :func:`triangle.analysis.sensitivity.evaluate_points`.
    **prim_options
        ``max_boxes``, ``min_coverage``, ``min_density``, ``min_box_coverage``,
        ``peel_alpha``, ``paste_alpha``, ``mass_min``, ``max_qp`` (see :func:`find_boxes` and
        the module's text).
    """
    rs = ranges(vary)
    unknown = set(prim_options) - set(PRIM_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown PRIM options: {sorted(unknown)}")
    require_prim()  # fail before the evaluation, not after
    if samples < 10:
        raise ArgumentError("samples", "at least 10 points", str(samples))
    x = latin_hypercube(rs, samples, seed)
    table = evaluate_points(scenario, {c: x[c].to_numpy() for c in x}, executor=executor,
                            progress=progress)
    table["success"] = table["verdict"].to_numpy(object) == "success"
    settings = resolve_settings(PRIM_DEFAULTS | prim_options, table["success"].to_numpy(bool))
    boxes = find_boxes(table, table["success"].to_numpy(bool), rs, **settings)
    return DiscoveryResult(scenario, rs, table, boxes, seed, settings)

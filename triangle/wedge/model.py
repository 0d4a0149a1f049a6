"""The triangle by backward induction: divider's package, partner's counter, partnership.

1. The divider (D) offers up-front concessions ``u`` (paid whatever the target does), a
   conditional reward ``r`` (paid once the target (T) has broken with its partner, and only
   after its own deliberate break), a hedge reward ``h`` (paid in every period in which T
   hedges) and coercive pressure on T while the partnership lasts.  The commitment is one
   process: it survives each period with probability ``s``, counted from the offer, and every
   payment stops when it lapses (:mod:`triangle.partnership.repeated`).
2. The partner (P) sees the package and pays the target the least counter-inducement
   ``m`` in ``[0, budget]`` that keeps the partnership (no schism in the selected
   equilibrium), if that leaves P better off than paying nothing (:mod:`triangle.wedge.counter`).
3. T and P play the repeated partnership game (:mod:`triangle.wedge.subgame`).

Effective per-year payoffs (Walt 1987's balance of threat: coercion draws the partners
together): ``R_T' = R_T + (threat_T - 1) * pressure``, ``R_P' = R_P + threat_P * pressure``;
positional payoffs (Wu 1996), when on, add to the flows before and after a schism.

The divider's present value at an equilibrium, with ``E[delta_D ** tau]`` (``hit_D``) and the
discounted pre-schism duration ``duration_D``:

``V_D = hit_D (G + pos_D') dt / (1 - delta_D) - (1 + a) r dt / (1 - delta_D s) reward_D
- (1 + a) h dt hedge_D + (pos_D - a * pressure) dt duration_D - (1 + a) u dt / (1 - delta_D s)
- courting dt / (1 - delta_D) [if D offers anything]``,

with ``reward_D = E[(delta_D s) ** tau ; T broke deliberately]`` and ``hedge_D`` the
discounted number of periods, at ``delta_D s``, in which T hedges.

Every function works on arrays of parameter points; loops run over search iterations,
never over points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from triangle.common import rows
from triangle.partnership.repeated import misreading_probability, observation_error, values_table
from triangle.partnership.stage import stage_payoffs
from triangle.partnership.strategies import Strategy
from triangle.wedge.dittmer import dyad_signs, positional_payoff
from triangle.wedge.subgame import (
    MetaGame,
    SubgameSolution,
    expected_many,
    meta_game,
    solve_subgame,
)

#: Chain quantities (table keys) that :meth:`Stage.divider_value` takes, in its order.
DIVIDER_CHAIN = ("hit_D", "duration_D", "reward_D", "hedge_D")


@dataclass(frozen=True)
class Model:
    """Parameters at ``n`` points (``p``: dotted path -> array ``(n,)``) and the settings."""

    p: dict[str, np.ndarray]
    library: tuple[Strategy, ...]
    selection: str
    backend: str
    search_backend: str  # solver inside the partner's and the divider's searches
    divider_partner: float  # baseline sign of the D–P dyad, +1 or -1

    @property
    def n(self) -> int:
        return next(iter(self.p.values())).shape[0]

    def __getitem__(self, path: str) -> np.ndarray:
        return self.p[path]

    @property
    def dt(self) -> np.ndarray:
        return self.p["time.period_years"]

    def delta(self, who: str) -> np.ndarray:
        """Per-period discount ``delta_i = beta_i ** dt``."""
        return self.p[f"time.patience.{who}"] ** self.dt

    @property
    def survival(self) -> np.ndarray:
        """Per-period survival of D's commitment, ``s = durability ** dt``."""
        return self.p["wedge.durability"] ** self.dt

    @property
    def misreading(self) -> np.ndarray:
        """Per-period probability ``e`` that a partner misreads the other's action:
        ``partnership.noise`` is a yearly rate, converted to the period and lowered by
        ``partnership.consultation`` (:mod:`triangle.partnership.repeated`)."""
        return observation_error(misreading_probability(self.p["partnership.noise"], self.dt),
                                 self.p["partnership.consultation"])

    def stage_payoffs(self, R_T: np.ndarray, R_P: np.ndarray,
                      m: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Per-year stage payoffs of target and partner at the effective partnership values
        ``R_T``, ``R_P`` and counter ``m`` (:func:`triangle.partnership.stage.stage_payoffs`)."""
        return stage_payoffs(
            R_T, R_P, self["partnership.hedge_gain.target"], self["partnership.hedge_gain.partner"],
            self["partnership.hedge_loss.target"], self["partnership.hedge_loss.partner"],
            self["partnership.fraying.target"], self["partnership.fraying.partner"], m)

    def take(self, idx: np.ndarray) -> Model:
        """The model restricted to points ``idx``."""
        return rows.take(self, idx)


def make_model(values: Mapping[str, object], library: tuple[Strategy, ...], selection: str,
               backend: str, divider_partner: str = "-", search_backend: str = "admissible") -> Model:
    """Broadcast every parameter to a common 1-D shape and build a :class:`Model`."""
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in values.items()}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    if len(shape) != 1:
        raise ValueError("parameter arrays must be one-dimensional")
    p = {k: np.ascontiguousarray(np.broadcast_to(a, shape)) for k, a in arrays.items()}
    return Model(p, library, selection, backend, search_backend,
                 1.0 if divider_partner == "+" else -1.0)


@dataclass(frozen=True)
class Package:
    """The divider's package per point: per-year ``upfront``, ``reward``, ``pressure`` and
    ``hedge`` (the hedge reward, paid while the target hedges; zero when omitted)."""

    upfront: np.ndarray
    reward: np.ndarray
    pressure: np.ndarray
    hedge: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.hedge is None:
            object.__setattr__(self, "hedge", np.zeros_like(np.asarray(self.upfront, float)))

    @classmethod
    def none(cls, n: int) -> Package:
        """The empty package at ``n`` points: the triangle without the offer."""
        zeros = np.zeros(n)
        return cls(zeros, zeros, zeros, zeros)

    @property
    def attempt(self) -> np.ndarray:
        return (self.upfront > 0) | (self.reward > 0) | (self.pressure > 0) | (self.hedge > 0)

    def take(self, idx: np.ndarray) -> Package:
        return rows.take(self, idx)


def positions(model: Model, package: Package) -> tuple[dict, dict]:
    """Positional flows per actor before and after a schism (zero unless ``position.ties > 0``)."""
    a, b = model["position.ties"], model["position.opposite"]
    before, after = (dyad_signs(np.full(model.n, split), package.upfront, package.pressure,
                                model.divider_partner) for split in (False, True))
    return positional_payoff(*before, a, b), positional_payoff(*after, a, b)


@dataclass(frozen=True)
class Stage:
    """Everything fixed once the package is: chain table and schism values per point."""

    model: Model
    package: Package
    table: dict[str, np.ndarray]
    c_T: np.ndarray
    c_P: np.ndarray
    paid_T: np.ndarray  # (n, k, k): PV to T of everything D pays it, per strategy pair
    R_T: np.ndarray
    R_P: np.ndarray
    O_T: np.ndarray
    O_P: np.ndarray
    pos_D: tuple[np.ndarray, np.ndarray]

    def game(self, m: np.ndarray, report: bool = True, bounds: tuple | None = None) -> MetaGame:
        """The meta-game at counter ``m``; a search's game (``report=False``) skips the bounds
        that only a report reads, and may be given bounds that hold over its whole bracket
        (:func:`triangle.wedge.subgame.bounds_over`)."""
        md = self.model
        return meta_game(self.table, m, md["schism.cost.target"], md["schism.cost.partner"],
                         self.c_T, self.c_P, self.paid_T, md.dt, every_bound=report,
                         bounds=bounds)

    def slim(self) -> Stage:
        """The stage with only what :meth:`game` reads (chain table and parameters): cheap to
        restrict point by point, and for nothing else."""
        keys = ("flow_T", "flow_P", "duration_T", "duration_P", "hit_T", "hit_P")
        params = ("schism.cost.target", "schism.cost.partner", "time.period_years")
        return replace(self, model=replace(self.model, p={k: self.model.p[k] for k in params}),
                       table={k: self.table[k] for k in keys})

    def divider_value(self, hit_D: np.ndarray, duration_D: np.ndarray, reward_D: np.ndarray,
                      hedge_D: np.ndarray) -> np.ndarray:
        """The divider's PV (module doc) for chain quantities of shape ``(n, K)``."""
        md, pk = self.model, self.package
        dt, d, s, a = md.dt, md.delta("divider"), md.survival, md["wedge.alliance_cost"]
        pre, post = self.pos_D
        split = (md["schism.value_to_divider"] + post) * dt / (1 - d)
        reward = (1 + a) * pk.reward * dt / (1 - d * s)
        running = (pre - a * pk.pressure) * dt
        fixed = -(1 + a) * pk.upfront * dt / (1 - d * s) - np.where(
            pk.attempt, md["wedge.courting_cost"] * dt / (1 - d), 0.0)
        col = (slice(None), None)
        value = hit_D * split[col] + duration_D * running[col] + fixed[col]
        # Each payment only where it is offered, so an empty package adds exact zeros.
        value = value - np.where(pk.reward > 0, reward, 0.0)[col] * reward_D
        return value - np.where(pk.hedge > 0, (1 + a) * pk.hedge * dt, 0.0)[col] * hedge_D

    def play_values(self, game: MetaGame, x: np.ndarray, y: np.ndarray) -> tuple:
        """``(p_schism, V_T, V_P, V_D)`` at the mixed profiles ``x``, ``y`` (``(n, K, k)``) of
        ``game``: the probability of schism within the horizon and the three present values,
        read at the played strategy pairs only (:func:`~triangle.wedge.subgame.expected_many`)."""
        t = self.table
        V_T, V_P, p, *chain = expected_many(
            x, y, [game.A, game.B, t["p_horizon"], *(t[k] for k in DIVIDER_CHAIN)])
        return np.clip(p, 0.0, 1.0), V_T, V_P, self.divider_value(*chain)

    def divider_pv(self, sol: SubgameSolution) -> np.ndarray:
        """:meth:`divider_value` in every equilibrium slot of ``sol``, shape ``(n, K)``."""
        return self.divider_value(sol.hit_D, sol.duration_D, sol.reward_D, sol.hedge_D)

    def solve(self, m: np.ndarray, backend: str | None = None, report: bool = True,
              bounds: tuple | None = None) -> SubgameSolution:
        """The subgame's equilibria at counter ``m`` (:meth:`game`'s ``report`` and
        ``bounds``) and their consequences (:func:`~triangle.wedge.subgame.solve_subgame`)."""
        md = self.model
        return solve_subgame(self.table, self.game(m, report, bounds), self.divider_value,
                             md.selection, backend or md.backend)

    def take(self, idx: np.ndarray) -> Stage:
        return rows.take(self, idx)


def build_stage(model: Model, package: Package) -> Stage:
    """Effective payoffs under the package and the exact chain table of every strategy pair."""
    md, dt = model, model.dt
    pre, post = positions(model, package)
    R_T = md["partnership.value.target"] + (md["threat.response.target"] - 1) * package.pressure \
        + pre["target"]
    R_P = md["partnership.value.partner"] + md["threat.response.partner"] * package.pressure \
        + pre["partner"]
    O_T = md["schism.outside.target"] + post["target"]
    O_P = md["schism.outside.partner"] + post["partner"]
    stage_T, stage_P = md.stage_payoffs(R_T, R_P)
    delta = {"T": md.delta("target"), "P": md.delta("partner"), "D": md.delta("divider")}
    e = md.misreading
    periods = np.maximum(1, np.rint(md["time.horizon_years"] / dt)).astype(np.int64)
    table = values_table(md.library, stage_T * dt[:, None, None], stage_P * dt[:, None, None],
                         delta, e, periods, md.survival)
    c_T = O_T * dt / (1 - delta["T"])
    c_P = O_P * dt / (1 - delta["P"])
    return Stage(model, package, table, c_T, c_P, target_payments(model, package, table),
                 R_T, R_P, O_T, O_P, (pre["divider"], post["divider"]))


def target_payments(model: Model, package: Package, table: dict[str, np.ndarray]) -> np.ndarray:
    """PV to the target of the divider's payments in every strategy pair, ``(n, k, k)``.

    ``u dt / (1 - delta_T s) + r dt / (1 - delta_T s) reward_T + h dt hedge_T``: one
    commitment, one clock from the offer (docs/model.md §8.1).  A payment that is not offered
    adds an exact zero, so an empty hedge reward or reward leaves every value as it was.
    """
    dt, dT, s = model.dt, model.delta("target"), model.survival
    col = (slice(None), None, None)
    paid = np.broadcast_to((package.upfront * dt / (1 - dT * s))[col], table["reward_T"].shape)
    paid = paid + np.where(package.reward > 0, package.reward * dt / (1 - dT * s), 0.0)[col] \
        * table["reward_T"]
    return paid + np.where(package.hedge > 0, package.hedge * dt, 0.0)[col] * table["hedge_T"]

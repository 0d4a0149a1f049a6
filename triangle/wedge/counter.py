"""The partner's counter-inducement: the least payment that keeps the partnership.

Given the divider's package, the partner pays the target the least ``m`` in
``[0, budget]`` for which the partnership holds (no schism in the selected equilibrium,
or in every admissible one under ``all``), if that leaves the partner better off than
paying nothing (DESIGN §4, step 2).

The meta-game is affine in ``m``: ``A(m) = A(0) + m dt duration_T`` and
``B(m) = B(0) - m dt duration_P``.  Every search below rests on one premise: below the cap
(:func:`search_cap`), "the partnership holds" is monotone in ``m``, so the least ``m`` is the
one switch of the predicate.  It is found in three stages, each confirmed by the game solver:

1. *From the supports* (:func:`_descend`).  At the cap the partnership holds in the selected
   equilibrium; with its supports fixed, the counter at which it comes into existence is a
   root of its slack (:mod:`triangle.wedge.switch`, small linear solves, no game).  The solver
   is asked ``CHECK`` (``1e-9``, relative) below and above that root: failing below and holding
   above settles the switch; holding below too means another calm equilibrium is selected
   there first, whose root is proposed next (at most ``DESCENTS`` times); a confirmed switch
   is also tried at ``PROBE`` times itself, and where the partnership holds there the descent
   goes on below.  This settles nearly every point in three to five solves.
2. *Over the breakpoints*, where it does not.  The ordinal structure of the meta-game (which
   of two strategies is better against a given opposing strategy) can only change at the
   breakpoints ``m = -(A_ij(0) - A_kj(0)) / (dt (duration_ij - duration_kj))`` (and likewise
   for the partner), so bisecting over the sorted breakpoints (about ``log2(2 k^3)`` solves)
   brackets the switch, which is the breakpoint itself unless the predicate already holds just
   below it.
3. *Inside the bracketing interval* (a mixed equilibrium that moves with ``m``): a plain
   bisection, which after ``BISECT_FIRST`` steps proposes the switch from the supports again
   and ends where the solver confirms it, else goes on to a relative ``1e-12``.

The counter is the upper end of the confirmed bracket: within ``2 CHECK max(1, m)`` of the
exact switch, and never below the solver's own.  Each bisection stops after at most
``max_steps`` solves (:data:`MAX_STEPS`); a point whose bracket is still open then is
reported as not converged, and its counter is the feasible end of the open bracket.
Where the cap fails, fractions of it are tried (:data:`SCAN`), except where the payoffs at
the two ends show that no counter in between can work (:func:`hopeless`).  ``plain=True`` runs
the reference search (the scan wherever the cap fails, then stages 2 and 3 alone, to
``1e-12``), against which the checks compare this one.
"""

from __future__ import annotations

import numpy as np

from triangle.common import rows
from triangle.partnership import closed_form as cf
from triangle.solvers.tolerance import TOL
from triangle.wedge import switch
from triangle.wedge.model import Stage
from triangle.wedge.subgame import MetaGame, SubgameSolution, bounds_over, overlay

RTOL = 1e-12
MAX_STEPS = 200  # solves per bisection; far above the ~45 that RTOL needs
BISECT_FIRST = 3  # plain bisection steps before the switch point is proposed from supports
STRICT = 1e-9  # relative margin by which a counter-offer beats the divider's reward
# Fractions of the cap tried where the cap itself fails, closing in on the cap first: the
# closed-form cap is the noise-free partner's limit, and the game's partner, who loses some
# of the partnership to misreadings, gives up a little below it.
SCAN = (0.5, 0.75, 0.875, 0.9375, 0.96875, 0.984375, 0.25, 0.125)
#: The fractions solved together, in one call each (a call's fixed costs are those of many
#: games): where an early fraction holds, the rest of its group is solved for nothing.
SCAN_GROUPS = (SCAN[:4], SCAN[4:])


def keeps_partnership(sol, threshold: np.ndarray, selection: str) -> np.ndarray:
    """No schism: in every admissible equilibrium for ``all``, else in the selected one."""
    calm = sol.p_schism <= threshold[:, None]
    if selection == "all":
        return np.all(calm | ~sol.admissible, axis=1)
    return sol.pick(calm.astype(float)) > 0.5


def breakpoints(A0: np.ndarray, B0: np.ndarray, slope_A: np.ndarray, slope_B: np.ndarray,
                ) -> np.ndarray:
    """Sorted positive values of ``m`` where two payoffs of one player, against the same
    opposing strategy, cross; ``+inf`` pads rows to a common width.  Shape ``(n, K)``."""
    def crossings(P: np.ndarray, S: np.ndarray) -> np.ndarray:  # compare rows within columns
        dP = P[:, :, None, :] - P[:, None, :, :]
        dS = S[:, :, None, :] - S[:, None, :, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(np.abs(dS) > 1e-14, -dP / np.where(np.abs(dS) > 1e-14, dS, 1.0), np.inf)
        return m.reshape(P.shape[0], -1)

    allm = np.concatenate([crossings(A0, slope_A),
                           crossings(np.swapaxes(B0, 1, 2), np.swapaxes(slope_B, 1, 2))], axis=1)
    allm = np.where(np.isfinite(allm) & (allm > 0), allm, np.inf)
    return np.sort(allm, axis=1)


def search_cap(sub: Stage, budget: np.ndarray, strict: float = 0.0) -> np.ndarray:
    """Upper end of the partner's counter search per point, within ``[0, budget]``.

    Beyond its largest worthwhile counter (closed form, DESIGN §4), shrunk by the relative
    ``strict``, the partner would rather see the schism, so "the partnership holds" is only
    monotone in ``m`` below it.  An unbounded partner (existential cost, no budget) still
    needs to pay only what keeps the target: twice the closed-form need plus the stage game's
    spread is ample, and it keeps the search away from payoffs so large that rounding decides
    the comparison.
    """
    md = sub.model
    willing = cf.partner_max_counter(md["schism.cost.partner"], sub.R_P, sub.O_P,
                                     md.delta("partner"), md.dt, budget)
    need = cf.counter_needed(sub.package.reward, md["schism.cost.target"], sub.R_T, sub.O_T,
                             md.delta("target"), md.survival, md.dt)
    spread = sum(np.abs(md[f"partnership.{k}.{w}"]) for k in
                 ("value", "hedge_gain", "hedge_loss", "fraying") for w in ("target", "partner"))
    cap = np.where(np.isfinite(willing), willing * (1.0 - strict), 2.0 * need + spread + 1.0)
    return np.maximum(np.minimum(cap, budget), 0.0)


def hopeless(sub: Stage, cap: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Points at which no counter in ``[0, cap]`` keeps the partnership, for a reason the
    payoffs show at the two ends alone.

    Some strategy ``r`` of the target strictly beats every other against every strategy of
    the partner (by more than the solvers' tolerance, in the target's payoff unit) both at
    ``m = 0`` and at ``m = cap``, and the schism is likelier than ``threshold`` against every
    partner strategy.  The payoffs are affine in ``m`` (module doc), so ``r`` strictly
    dominates on the whole interval; every equilibrium there has the target play ``r`` alone
    (Fudenberg & Tirole 1991, sect. 2.1), and its probability of schism, an average of
    ``p_horizon[r, j]`` over the partner's mix, exceeds the threshold.
    """
    p = sub.table["p_horizon"]
    surely = p.min(axis=2) > threshold[:, None]  # (n, k): r brings the schism whatever P does
    out = surely.any(axis=1)
    zero = np.zeros(cap.size)  # the exact payoffs need no existential stand-ins
    for m in (zero, cap):
        if not out.any():
            break
        game = sub.game(m, report=False, bounds=(zero, zero))
        A = game.A
        with np.errstate(invalid="ignore"):
            gap = A[:, :, None, :] - A[:, None, :, :]  # (n, r, i, j): A_rj - A_ij
        margin = TOL * game.unit_T[:, None, None, None]
        beats = gap > margin
        beats |= np.eye(A.shape[1], dtype=bool)[None, :, :, None]  # r against itself
        out &= (beats.all(axis=(2, 3)) & surely).any(axis=1)
    return out


DESCENTS = 4  # roots proposed from the selected equilibrium before the breakpoint bisection
#: Where a switch is confirmed at ``m*``, the partnership is also tried at ``PROBE m*``: holding
#: there, it holds on an interval below a gap, and the search goes on below.
PROBE = 0.75


def _descend(solved, game_at, found: np.ndarray, cap: np.ndarray, seen: list, selection: str,
             rounds: int = DESCENTS) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Propose the switch from the selected equilibrium's supports, from the cap down.

    Where the partnership holds at the cap, the selected equilibrium there comes into
    existence at a root ``m*`` of its slack (:func:`switch.first_root`); the solver is asked
    ``CHECK max(1, m*)`` below it.  Holding there too means another calm equilibrium is
    selected first: its root is proposed next, at most ``rounds`` times.  Failing below, the
    solver is asked as far above the root: holding there confirms a switch; failing narrows
    the bracket from below.  A confirmed switch is the least counter if the predicate is
    monotone below the cap, the premise of every search here; where it is not, the
    partnership can hold on a long interval of counters, fail on a short one and hold again
    near the cap, so the solver is also asked at ``PROBE m*``, and where the partnership holds
    there the descent goes on from it.

    Returns ``(settled, low, high, solutions)``: per point whether the switch was confirmed,
    the bracket ``(low, high]`` (``high`` holds; ``low`` fails or is 0), of relative width
    ``2 CHECK`` where settled, and the solver's solutions at ``high`` of the settled points,
    as ``(points, SubgameSolution)`` pairs.
    """
    n = found.size
    settled, low, high = np.zeros(n, dtype=bool), np.zeros(n), cap.copy()
    solutions: list = []
    if selection == "all" or not found.any():
        return settled, low, high, solutions
    owner, x, y = (np.concatenate(parts) for parts in zip(*seen, strict=True))
    for _ in range(rounds):
        root = switch.first_root(game_at, (owner, x, y), low, high)
        cand = np.flatnonzero(np.isfinite(root) & found & ~settled)
        if cand.size == 0:
            break
        below, above = switch.check_points(root[cand], low[cand], high[cand])
        ok_below, calm, _ = solved(cand, below)
        high[cand[ok_below]] = below[ok_below]
        nexts = [calm]
        ask = np.flatnonzero(~ok_below)
        if ask.size == 0:
            owner, x, y = calm
            continue
        above = above[ask]
        ok_above, _, at_above = solved(cand[ask], above, report=True)
        low[cand[ask[~ok_above]]] = above[~ok_above]
        hit = ask[ok_above]
        probe = PROBE * root[cand[hit]]
        tried = np.flatnonzero(probe > low[cand[hit]])
        ok_probe = np.zeros(hit.size, dtype=bool)
        ok_probe[tried], calm, _ = solved(cand[hit[tried]], probe[tried])
        nexts.append(calm)
        high[cand[hit[ok_probe]]] = probe[ok_probe]
        keep = ~ok_probe
        settled[cand[hit[keep]]] = True
        low[cand[hit[keep]]], high[cand[hit[keep]]] = below[hit[keep]], above[ok_above][keep]
        if keep.any():
            solutions.append((cand[hit[keep]], at_above.take(np.flatnonzero(ok_above)[keep])))
        owner, x, y = (np.concatenate(parts) for parts in zip(*nexts, strict=True))
    return settled, low, high, solutions


def _least_counter(sub: Stage, budget: np.ndarray, thr: np.ndarray, search: str,
                   max_steps: int = MAX_STEPS, plain: bool = False, at_zero: MetaGame | None = None,
                   ) -> tuple:
    """Least ``m`` in ``[0, budget]`` at which the partnership holds:
    ``(found, m, converged, settled, solutions)`` per point (``converged`` is False where a
    bisection ran out of ``max_steps``; ``settled`` and ``solutions`` as from
    :func:`_descend`: there ``m`` already carries the margin ``CHECK max(1, m*)`` above the
    exact switch ``m*``, and the solver's solution at ``m`` is at hand).  ``at_zero``, the game
    at ``m = 0`` if the caller has it, saves building it again."""
    md = sub.model
    n = md.n

    def solved(idx: np.ndarray, values: np.ndarray, report: bool = False) -> tuple:
        """The predicate at the points ``idx`` only (each step solves just the points whose
        search is still open), for counters ``values`` of those points, with the selected
        equilibrium where it holds as ``(owner, x, y)`` (the candidates for
        :func:`switch.first_root`) and the solution."""
        if idx.size == 0:
            _, k, l_ = sub.table["flow_T"].shape
            return np.zeros(0, dtype=bool), (idx, np.zeros((0, k)), np.zeros((0, l_))), None
        # a search's game holds the bounds of the whole range; a reported one its own
        sol = sub.take(idx).solve(values, search, report=report,
                                  bounds=None if report else (wide[0][idx], wide[1][idx]))
        ok = keeps_partnership(sol, thr[idx], md.selection)
        owner = np.flatnonzero(ok)
        slot = sol.selected[owner]
        return ok, (idx[owner], sol.batch.x[owner, slot], sol.batch.y[owner, slot]), sol

    def holds(idx: np.ndarray, values: np.ndarray) -> np.ndarray:
        return solved(idx, values)[0]

    cap = search_cap(sub, budget, STRICT)
    slim = sub.slim()
    g0 = slim.game(np.zeros(n), report=False) if at_zero is None else at_zero
    wide = bounds_over(g0, slim.game(cap, report=False))

    def game_at(where: np.ndarray, m: np.ndarray) -> MetaGame:
        """The game at counters ``m`` in ``[0, cap]`` of the points ``where``, for the slack's
        root finding (many small steps): existential bounds fixed over the whole range."""
        return slim.take(where).game(m, report=False, bounds=(wide[0][where], wide[1][where]))

    every = np.arange(n)
    found, calm, _ = solved(every, cap)
    seen = [calm]
    scan = ~found
    if not plain and scan.any():
        idx = np.flatnonzero(scan)
        scan[idx[hopeless(sub.take(idx), cap[idx], thr[idx])]] = False
    for group in SCAN_GROUPS:  # where the cap fails, look for an interior point that holds
        idx = np.flatnonzero(scan & ~found)
        if idx.size == 0:
            break
        q = np.asarray(group)
        where = np.tile(idx, q.size)  # every point at the group's first fraction, then ...
        ok, calm, _ = solved(where, np.repeat(q, idx.size) * cap[where])
        ok = ok.reshape(q.size, idx.size)
        hit = ok.any(axis=0)
        first = np.argmax(ok, axis=0)  # the first fraction, in SCAN's order, that holds
        chosen = first[hit] * idx.size + np.flatnonzero(hit)  # its place in the call
        keep = np.isin(np.flatnonzero(ok.reshape(-1)), chosen)  # calm: where ok, in order
        cap[idx[hit]] *= q[first[hit]]
        found[idx[hit]] = True
        if hit.any():
            seen.append(tuple(a[keep] for a in calm))
    settled, low_end, cap, solutions = _descend(solved, game_at, found, cap, seen, md.selection,
                                                0 if plain else min(DESCENTS, max_steps))
    todo = found & ~settled
    if not todo.any():  # every switch settled from the supports: no breakpoint to bisect
        return found, np.where(found, cap, 0.0), np.ones(n, dtype=bool), settled, solutions

    dt = md.dt[:, None, None]
    cands = breakpoints(g0.A_solve, g0.B_solve, dt * sub.table["duration_T"],
                        -dt * sub.table["duration_P"])
    # breakpoints strictly inside the bracket, still sorted: a finite prefix of every row
    cands = np.sort(np.where((cands > low_end[:, None]) & (cands < cap[:, None]), cands, np.inf),
                    axis=1)
    count = np.isfinite(cands).sum(axis=1)
    cands = np.concatenate([cands, np.full((n, 1), np.inf)], axis=1)
    cands[every, count] = cap  # the cap closes every row
    above = np.minimum(cands * (1.0 + STRICT) + STRICT, cap[:, None])

    lo, hi = np.full(n, -1), count.copy()
    for _ in range(max_steps):
        idx = np.flatnonzero(todo & (hi - lo > 1))
        if idx.size == 0:
            break
        mid = (lo[idx] + hi[idx]) // 2
        ok = holds(idx, above[idx, mid])
        hi[idx[ok]], lo[idx[~ok]] = mid[ok], mid[~ok]
    # The threshold lies in (above[lo], above[hi]]; it is the breakpoint itself unless the
    # predicate already holds just below it.
    converged = ~(todo & (hi - lo > 1))
    point = cands[every, hi]
    below_ok = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(todo & converged)  # the last interval, up to the cap, included
    below_ok[idx] = holds(idx, point[idx] * (1.0 - STRICT))
    low = np.where(lo >= 0, above[every, np.maximum(lo, 0)], low_end)
    high = np.where(below_ok, point * (1.0 - STRICT), point)

    def still_open() -> np.ndarray:
        return below_ok & (high - low > RTOL * np.maximum(1.0, high))

    def bisect(steps: int) -> None:
        for _ in range(steps):
            idx = np.flatnonzero(still_open())
            if idx.size == 0:
                break
            mid = 0.5 * (low[idx] + high[idx])
            ok = holds(idx, mid)
            high[idx[ok]], low[idx[~ok]] = mid[ok], mid[~ok]

    bisect(BISECT_FIRST)
    idx = np.flatnonzero(still_open())
    if idx.size and md.selection != "all" and not plain:
        # the first root of a calm equilibrium's slack in the bracket (triangle.wedge.switch),
        # where the solver confirms it; elsewhere the bisection goes on
        part = sub.take(idx)
        at_high = part.solve(high[idx], search, report=False)
        owner, slot = np.nonzero(at_high.admissible & (at_high.p_schism <= thr[idx, None]))
        done, low[idx], high[idx] = switch.settle(
            lambda where, m: part.take(where).game(m, report=False),
            (owner, at_high.batch.x[owner, slot], at_high.batch.y[owner, slot]),
            low[idx], high[idx], lambda where, m: holds(idx[where], m))
        below_ok[idx[done]] = False  # confirmed by the solver on both sides: the search is over
    bisect(max_steps)
    converged &= ~still_open()
    high[settled] = cap[settled]
    return found, np.where(found, high, 0.0), converged, settled, solutions


def counter_offer(stage: Stage, max_steps: int = MAX_STEPS, plain: bool = False,
                  report: bool = True) -> tuple[np.ndarray, SubgameSolution, np.ndarray]:
    """The partner's counter-inducement per year at every point, and the subgame it leaves.

    Returns ``(m, solution, converged)``: the solution of the partnership subgame at ``m``,
    computed with ``model.search_backend`` (the admissible equilibria, which are all the
    predicate looks at), and per point whether the search converged within ``max_steps``
    solves per bisection (True where no search was needed).

    The partner pays a hair above the least ``m`` that keeps the partnership, so that the
    target strictly prefers to stay (at the threshold itself it is indifferent and breaking
    remains an equilibrium: a knife edge, not a verdict): ``CHECK max(1, m*)`` above a switch
    ``m*`` settled from the supports (where the solver confirmed it), ``STRICT`` (relative and
    absolute) above a bisection's threshold; and only if that leaves it better off than paying
    nothing.  ``plain`` runs the reference search (module
    doc).  ``report=False`` leaves out the existential bounds that only a report reads where
    the costs are finite (a baseline's, say).
    """
    md = stage.model
    threshold, budget = md["solver.schism_probability"], md["counter.budget"]
    search = md.search_backend
    m = np.zeros(md.n)
    at_zero = stage.solve(m, search, report=report)
    todo = np.flatnonzero(~keeps_partnership(at_zero, threshold, md.selection) & (budget > 0))
    converged = np.ones(md.n, dtype=bool)
    if todo.size == 0:
        return m, at_zero, converged
    sub, sub_budget, thr = stage.take(todo), budget[todo], threshold[todo]
    found, least, converged[todo], settled, solutions = _least_counter(
        sub, sub_budget, thr, search, max_steps, plain, rows.take(at_zero.game, todo))
    # where the switch was settled from supports, the counter already sits CHECK above it and
    # its solution is at hand; elsewhere the partner pays STRICT above the least counter
    rest = np.flatnonzero(found & ~settled)
    if rest.size:
        least[rest] = np.minimum(sub_budget[rest], least[rest] * (1.0 + STRICT) + STRICT)
        solutions.append((rest, sub.take(rest).solve(least[rest], search, report=report)))
    out = at_zero
    for points, sol in solutions:
        worth_it = sol.pick(sol.V_P) >= at_zero.pick(at_zero.V_P)[todo[points]]
        paid = np.flatnonzero(worth_it)
        m[todo[points[paid]]] = least[points[paid]]
        out = overlay(out, todo[points[paid]], sol.take(paid))
    return m, out, converged

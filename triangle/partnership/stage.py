"""The partnership stage game between the target (T) and the partner (P).

Actions are ``C`` (cooperate: honour the partnership, consult) and ``H`` (hedge:
deal with the divider on the side).  Per-year payoffs (DESIGN, section 1)::

                 P plays C                    P plays H
    T plays C    R_T + m,      R_P - m        R_T - l_T + m, R_P + g_P - m
    T plays H    R_T + g_T + m, R_P - l_P - m R_T - f_T + m, R_P - f_P - m

``m`` is the partner's counter-inducement to the target (a transfer).  With
``g > 0`` and ``l, f`` large the stage game is a prisoner's dilemma in the sense
of Rapoport & Chammah (1965); cooperation then needs the repeated game.

>>> import numpy as np
>>> t, p = stage_payoffs(4.0, 3.0, g_T=1.0, l_T=2.0, f_T=0.5, m=0.25)
>>> t.tolist()
[[4.25, 2.25], [5.25, 3.75]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import nashpy


def stage_payoffs(
    R_T: ArrayLike,
    R_P: ArrayLike,
    g_T: ArrayLike = 0.0,
    g_P: ArrayLike = 0.0,
    l_T: ArrayLike = 0.0,
    l_P: ArrayLike = 0.0,
    f_T: ArrayLike = 0.0,
    f_P: ArrayLike = 0.0,
    m: ArrayLike = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-year stage payoffs of target and partner, broadcast over parameter points.

    Parameters
    ----------
    R_T, R_P : array_like
        Value of the partnership per year.
    g_T, g_P : array_like
        Gain from hedging while the other cooperates.
    l_T, l_P : array_like
        Loss when hedged against.
    f_T, f_P : array_like
        Fraying when both hedge.
    m : array_like
        Counter-inducement the partner pays the target per year.

    Returns
    -------
    (T, P) : tuple of numpy.ndarray
        Each of shape ``broadcast_shape + (2, 2)``, indexed ``[..., a_T, a_P]`` with
        ``0 = C`` and ``1 = H``.
    """
    R_T, R_P, g_T, g_P, l_T, l_P, f_T, f_P, m = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (R_T, R_P, g_T, g_P, l_T, l_P, f_T, f_P, m))
    )
    target = np.stack(
        [np.stack([R_T, R_T - l_T], -1), np.stack([R_T + g_T, R_T - f_T], -1)], -2
    ) + m[..., None, None]
    partner = np.stack(
        [np.stack([R_P, R_P + g_P], -1), np.stack([R_P - l_P, R_P - f_P], -1)], -2
    ) - m[..., None, None]
    return target, partner


def stage_game(values: dict[str, float], m: float = 0.0) -> nashpy.Game:
    """The stage game at one parameter point as a :class:`nashpy.Game` (row player: target).

    Parameters
    ----------
    values : dict
        Dotted-path parameter values (``partnership.value.target`` ...).
    m : float
        Counter-inducement per year.
    """
    keys = ("value", "hedge_gain", "hedge_loss", "fraying")
    args = [values[f"partnership.{key}.{who}"] for key in keys for who in ("target", "partner")]
    target, partner = stage_payoffs(*args, m=m)
    import nashpy  # imports scipy.optimize (0.4 s); sweeps never need it

    return nashpy.Game(target, partner)

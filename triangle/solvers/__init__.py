"""Solvers: Nash equilibria of bimatrix games, with guards against the known pitfalls.

Owns: the batched numpy engine (:mod:`~triangle.solvers.batched`), the nashpy reference, the
bounded Lemke–Howson, the admissible reduction and the dispatch over them
(:mod:`~triangle.solvers.equilibria`).
May import: :mod:`triangle.common`, numpy, scipy, nashpy.  Knows nothing of scenarios,
strategies or the triangle: a game is two payoff arrays.
"""

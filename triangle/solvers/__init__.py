"""Solvers: Nash equilibria of bimatrix games, with guards against the known pitfalls.

Owns: the solver registry (:mod:`~triangle.solvers.registry`) and its solvers, one module
each with ``solve(A, B, unit=None) -> Equilibria`` (:mod:`~triangle.solvers.batched`, the
numpy engine; :mod:`~triangle.solvers.admissible`, the engine on games reduced by dominance;
:mod:`~triangle.solvers.reference`, nashpy guarded and united with the engine;
:mod:`~triangle.solvers.lemke_howson`, bounded pivoting); the one result type
(:mod:`~triangle.solvers.result`); the one tolerance rule (:mod:`~triangle.solvers.tolerance`);
dominance, degeneracy and connected sets; the dispatch (:mod:`~triangle.solvers.equilibria`);
and the logit QRE branch and learning dynamics (:mod:`~triangle.solvers.qre`,
:mod:`~triangle.solvers.learning`), which are not Nash solvers and so not in the registry.
May import: :mod:`triangle.common`, numpy, scipy, nashpy.  Knows nothing of scenarios,
strategies or the triangle: a game is two payoff arrays.
"""

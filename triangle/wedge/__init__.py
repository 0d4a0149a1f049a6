"""The triangle: the divider's package, the partner's counter, the partnership subgame, verdicts.

Owns: the vectorised model and backward induction (:mod:`~triangle.wedge.model`), the
partnership subgame and its selection (:mod:`~triangle.wedge.subgame`), the partner's counter
(:mod:`~triangle.wedge.counter`), verdicts (:mod:`~triangle.wedge.verdict`), Dittmer's roles
(:mod:`~triangle.wedge.dittmer`), the result object (:mod:`~triangle.wedge.outcome`) and the
facade from a scenario to an outcome (:mod:`~triangle.wedge.solve`), and the final games solved
by the engine and by nashpy and compared (:mod:`~triangle.wedge.crosscheck`).
May import: :mod:`triangle.partnership` and everything below it.
"""

"""The partnership game between the target and the partner.

Owns: the stage game (:mod:`~triangle.partnership.stage`), automaton strategies
(:mod:`~triangle.partnership.strategies`), exact values of the repeated game from its absorbing
Markov chain (:mod:`~triangle.partnership.repeated`) and the closed forms
(:mod:`~triangle.partnership.closed_form`).
May import: :mod:`triangle.common`, :mod:`triangle.solvers`, :mod:`triangle.scenario`.
"""

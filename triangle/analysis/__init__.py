"""Analysis: many points at once.

Owns: grids and samples (:mod:`~triangle.analysis.points`), tables, sweeps and equilibrium
maps (:mod:`~triangle.analysis.sweep`), sensitivity (:mod:`~triangle.analysis.sensitivity`),
scenario discovery (:mod:`~triangle.analysis.discovery`), the outputs an analysis measures
(:mod:`~triangle.analysis.outputs`), where chunks run
(:mod:`~triangle.analysis.execution`) and how results reach the disk
(:mod:`~triangle.analysis.storage`).
May import: :mod:`triangle.wedge` and everything below it; never the presentation (result
objects draw themselves through :mod:`triangle.common.hooks`).
"""

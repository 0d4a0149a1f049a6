"""Foundation: the version, the hooks through which upper layers plug into lower ones, and
rules every layer shares.

Owns: :mod:`~triangle.common.version`, :mod:`~triangle.common.hooks`, the one atomic file
writer every output goes through (:mod:`~triangle.common.atomic`), the did-you-mean rule
(:mod:`~triangle.common.suggest`) and restricting or merging the per-point fields of a result
(:mod:`~triangle.common.rows`), and the step a long computation is in (:mod:`~triangle.common.status`).
May import: the standard library and numpy only; no other part of :mod:`triangle`.
"""

"""Foundation: the version and the hooks through which upper layers plug into lower ones.

Owns: :mod:`~triangle.common.version`, :mod:`~triangle.common.hooks`, and the one atomic
file writer every output goes through (:mod:`~triangle.common.atomic`).
May import: the standard library and numpy only; no other part of :mod:`triangle`.
"""

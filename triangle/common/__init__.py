"""Foundation: the version and the hooks through which upper layers plug into lower ones.

Owns: :mod:`~triangle.common.version`, :mod:`~triangle.common.hooks`.
May import: the standard library and numpy only; no other part of :mod:`triangle`.
"""

"""What a long computation is doing now, in a few words, for a progress line to show.

The model never writes to the terminal.  A step that may take seconds (nashpy on an 8x8
game, say) names itself here with :func:`step`; the command line's progress line
(:mod:`triangle.presentation.progress`) reads :func:`current` from its own thread and shows
it.  Setting and reading one string is all this module does, so it costs nothing when no
one is watching.

>>> with step("solving the baseline"):
...     current()
'solving the baseline'
>>> current()
''
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_NOW = [""]


def current() -> str:
    """The innermost step now running (``""`` if none)."""
    return _NOW[0]


@contextlib.contextmanager
def step(text: str) -> Iterator[None]:
    """Name the step that runs inside the ``with`` block; the outer one returns after it."""
    outer, _NOW[0] = _NOW[0], text
    try:
        yield
    finally:
        _NOW[0] = outer

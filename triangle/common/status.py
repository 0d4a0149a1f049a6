"""What a long computation is doing now, in a few words, for a progress line to show.

The model never writes to the terminal.  A step that may take seconds (nashpy on an 8x8
game, say) names itself here with :func:`step`; the command line's progress line
(:mod:`triangle.presentation.progress`) reads :func:`current` from its own thread and shows
it.  Setting and reading one string is all this module does, so it costs nothing when no
one is watching.

Steps nest: the line shows the outer step, then the inner one.

>>> with step("the game without the offer"), step("nashpy on the 8x8 game"):
...     current()
'the game without the offer: nashpy on the 8x8 game'
>>> current()
''
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_STEPS: list[str] = []


def current() -> str:
    """The steps now running, outermost first, joined by ``": "`` (``""`` if none)."""
    return ": ".join(list(_STEPS))  # a copy: another thread may be reading


@contextlib.contextmanager
def step(text: str) -> Iterator[None]:
    """Name the step that runs inside the ``with`` block (inside any step already running)."""
    _STEPS.append(text)
    try:
        yield
    finally:
        _STEPS.pop()

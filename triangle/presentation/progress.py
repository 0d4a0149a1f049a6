"""A progress line on stderr for any command that runs longer than about two seconds.

Every ``triangle`` command runs inside :func:`progress_line`.  When stderr is a terminal
and the command is still running after :data:`DELAY` seconds, one line appears there and is
rewritten four times a second: the command, the seconds elapsed and the step now running
(:mod:`triangle.common.status`, e.g. ``the game with the offer: nashpy on the 8x8 game``).
It is erased when the command ends, so the terminal keeps only the command's own output.
When stderr is not a terminal (a pipe, a file, a notebook's capture) nothing at all is
written.  Commands that draw their own bar (``map``, ``sweep`` and the analyses, through
tqdm) keep it: the line stands aside while a bar is visible.

The delay can be changed with the environment variable ``TRIANGLE_PROGRESS_DELAY``
(seconds; ``0`` shows the line at once, which the tests use to see it deterministically).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from triangle.common import status

#: Seconds a command runs before its progress line appears.
DELAY = 2.0
#: Environment variable that overrides :data:`DELAY`.
DELAY_ENV = "TRIANGLE_PROGRESS_DELAY"
#: Seconds between redraws.
INTERVAL = 0.25
_ERASE = "\r\x1b[K"  # carriage return, then erase to the end of the line


def delay() -> float:
    """:data:`DELAY`, or the environment's ``TRIANGLE_PROGRESS_DELAY`` if it is a number >= 0."""
    try:
        value = float(os.environ.get(DELAY_ENV, DELAY))
    except ValueError:
        return DELAY
    return value if value >= 0 and math.isfinite(value) else DELAY


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (and not closed)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _bar_visible() -> bool:
    """Whether a tqdm bar is on the screen now (tqdm keeps its live, enabled bars)."""
    std = sys.modules.get("tqdm.std")
    if std is None:
        return False
    try:
        return any(not getattr(bar, "disable", True) for bar in list(std.tqdm._instances))
    except (AttributeError, RuntimeError):  # the set changed while we looked: assume a bar
        return True


class _Line:
    """The line's state: what was drawn, and the clock."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label, self.stream = label, stream
        self.start = time.monotonic()
        self.drawn = False
        self.lock = threading.Lock()

    def text(self) -> str:
        elapsed = time.monotonic() - self.start
        now = status.current()
        text = f"{self.label}: {elapsed:.0f} s" + (f", {now}" if now else "") + " ..."
        width = shutil.get_terminal_size((80, 24)).columns
        return text[: max(width - 1, 10)]

    def draw(self) -> None:
        with self.lock:
            if _bar_visible():
                if self.drawn:
                    self.stream.write(_ERASE)
                    self.stream.flush()
                    self.drawn = False
                return
            self.stream.write(_ERASE + self.text())
            self.stream.flush()
            self.drawn = True

    def erase(self) -> None:
        with self.lock:
            if self.drawn:
                self.stream.write(_ERASE)
                self.stream.flush()
                self.drawn = False


@contextlib.contextmanager
def progress_line(label: str, stream: TextIO | None = None) -> Iterator[None]:
    """Show ``label``, the time elapsed and the current step on ``stream`` (default stderr)
    while the ``with`` block runs longer than :func:`delay` seconds; only on a terminal."""
    stream = sys.stderr if stream is None else stream
    if not is_terminal(stream):
        yield
        return
    wait = delay()
    line = _Line(label, stream)
    stop = threading.Event()

    def loop() -> None:
        if stop.wait(wait):
            return
        while True:
            line.draw()
            if stop.wait(INTERVAL):
                return

    thread = threading.Thread(target=loop, name="triangle-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with contextlib.suppress(OSError, ValueError):
            line.erase()

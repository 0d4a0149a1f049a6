"""The progress line: on a terminal only, erased at the end, standing aside for tqdm bars."""

import io
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from triangle.common import status
from triangle.presentation import progress

ROOT = Path(__file__).resolve().parent.parent


class Terminal(io.StringIO):
    def isatty(self):
        return True


def env_with(delay):
    return {**os.environ, progress.DELAY_ENV: str(delay), "PYTHONPATH": str(ROOT)}


def test_no_progress_without_a_terminal():
    """stderr a pipe, the line due at once: stderr stays empty and stdout is the report."""
    proc = subprocess.run([sys.executable, "-m", "triangle", "run", "kissinger_1971"],
                          capture_output=True, text=True, cwd=ROOT, env=env_with(0), timeout=600)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("# Kissinger, 1971")


def test_a_progress_line_on_a_terminal_then_erased():
    """stderr a pseudo-terminal and the delay 0: the line names the command and is erased."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "triangle", "run", "kissinger_1971"],
                            stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, env=env_with(0))
    os.close(slave)
    seen = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        seen += data
    os.close(master)
    out = proc.stdout.read().decode()
    proc.stdout.close()
    assert proc.wait(timeout=600) == 0
    assert b"triangle run: " in seen and seen.endswith(b"\r\x1b[K")
    assert "**Verdict:" in out and "triangle run" not in out


def test_the_line_shows_the_current_step_and_nothing_before_the_delay():
    stream = Terminal()
    with progress.progress_line("triangle demo", stream), status.step("nashpy on game 1 of 2"):
        pass
    shown = stream.getvalue()
    assert shown == ""  # the default delay (2 s) did not pass


def test_the_line_with_no_delay(monkeypatch):
    monkeypatch.setenv(progress.DELAY_ENV, "0")
    stream = Terminal()
    with status.step("nashpy on game 1 of 2"), progress.progress_line("triangle demo", stream):
        for _ in range(1000):  # until the line's thread has drawn it once
            if "triangle demo" in stream.getvalue():
                break
            time.sleep(0.01)
    shown = stream.getvalue()
    assert "triangle demo: 0 s, nashpy on game 1 of 2 ..." in shown
    assert shown.endswith("\r\x1b[K")


@pytest.mark.parametrize("value, expected", [("0", 0.0), ("0.5", 0.5), ("-1", 2.0),
                                             ("soon", 2.0), ("inf", 2.0)])
def test_the_delay_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(progress.DELAY_ENV, value)
    assert progress.delay() == expected


def test_the_line_stands_aside_while_a_tqdm_bar_is_visible():
    from tqdm import tqdm

    assert not progress._bar_visible()
    with tqdm(total=3, file=io.StringIO(), disable=True):
        assert not progress._bar_visible()
    with tqdm(total=3, file=io.StringIO()):
        assert progress._bar_visible()
    assert not progress._bar_visible()


def test_not_a_terminal_writes_nothing(monkeypatch):
    monkeypatch.setenv(progress.DELAY_ENV, "0")
    stream = io.StringIO()
    with progress.progress_line("triangle demo", stream):
        pass
    assert stream.getvalue() == ""

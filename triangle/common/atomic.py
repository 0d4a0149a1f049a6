"""The one atomic writer: every output file of the package appears whole or not at all.

A file is written to a temporary name in its own folder (``.<name>.<pid>.<random>.tmp``), flushed
to disk, then renamed over the target (:func:`os.replace`, atomic on POSIX within one file
system).  A reader therefore sees the old file or the new one, never a mixture; a process killed
while writing leaves only a temporary file, which the next write to the same target removes
(:func:`sweep_stale`: only temporaries whose writing process is gone, so a concurrent writer
is left alone).

Two files that describe each other (a table and its provenance sidecar) are committed with
:func:`commit_pair`, whose ordering guarantees that the table is never seen beside a sidecar
it does not match (see ``docs/sweeps.md``, "How files are committed").

The environment variable ``TRIANGLE_KILL_AT=PHASE[:N]`` makes the process kill itself
(``SIGKILL``) the ``N``-th time it reaches checkpoint ``PHASE`` (:func:`checkpoint`); the kill
tests use it to land kills in exactly the phases that matter.  Unset, it costs one lookup.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

KILL_ENV = "TRIANGLE_KILL_AT"
_reached: dict[str, int] = {}


def checkpoint(phase: str) -> None:
    """Kill this process (``SIGKILL``) if ``TRIANGLE_KILL_AT`` names this phase and count."""
    spec = os.environ.get(KILL_ENV)
    if not spec:
        return
    name, _, count = spec.partition(":")
    if name != phase:
        return
    _reached[phase] = _reached.get(phase, 0) + 1
    if _reached[phase] == int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def umask() -> int:
    """The process's file-creation mask (read without changing it for long)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_stale(folder: str | os.PathLike[str], name: str | None = None) -> int:
    """Remove the temporaries (files or folders) left in ``folder`` for target ``name`` (any
    target if ``None``) by processes that no longer run; return how many were removed."""
    stem = re.escape(name) if name is not None else ".+"
    pattern = re.compile(rf"^\.{stem}\.(\d+)\.[^/]*\.(tmp|trash)$")
    removed = 0
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(folder):
            match = pattern.match(entry.name)
            if not match or _alive(int(match.group(1))):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
            removed += 1
    return removed


def temp_name(target: Path, kind: str = "tmp") -> Path:
    """A fresh name beside ``target`` that :func:`sweep_stale` recognises."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=f".{kind}",
                               dir=target.parent)
    os.close(fd)
    return Path(tmp)


def _fsync(path: str | os.PathLike[str]) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make the renames in ``folder`` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        _fsync(folder)


def check_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`Path`; ``IsADirectoryError`` if a folder is in the way,
    ``FileNotFoundError`` if its folder does not exist (a typo must not create folders)."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "expected a file name, found a directory", os.fspath(target))
    if not target.parent.is_dir():
        raise FileNotFoundError(2, f"expected an existing folder {os.fspath(target.parent)!r}, "
                                "found none", os.fspath(target))
    return target


@contextlib.contextmanager
def staged(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary file for ``path``, flushed to disk after the block and removed if it is
    still there when the block ends (so a failed write leaves nothing)."""
    target = check_target(path)
    sweep_stale(target.parent, target.name)
    tmp = temp_name(target)
    try:
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _publish(tmp: Path, target: Path) -> None:
    os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; give the usual permissions
    _fsync(tmp)
    os.replace(tmp, target)


def atomic_replace(path: str | os.PathLike[str], writer: Callable[[str], None]) -> None:
    """Call ``writer(temporary_path)`` and move the result to ``path`` only if it succeeded."""
    target = check_target(path)
    with staged(target) as tmp:
        writer(os.fspath(tmp))
        _publish(tmp, target)
    fsync_dir(target.parent)


def commit_pair(table: Path, table_tmp: Path, sidecar: Path, sidecar_tmp: Path) -> None:
    """Put a written table and its sidecar in place so that no moment shows a table beside a
    sidecar that does not describe it.

    Order: (1) both temporaries are on disk; (2) the old table is removed; (3) the sidecar is
    renamed into place; (4) the table is renamed into place.  A kill after (2) leaves a sidecar
    (old or new) without a table, which no reader takes for a result; a table exists only
    before (2), beside its own old sidecar, or after (4), beside its new one.
    """
    check_target(table)
    check_target(sidecar)
    _fsync(sidecar_tmp)
    os.chmod(sidecar_tmp, 0o666 & ~umask())
    os.chmod(table_tmp, 0o666 & ~umask())
    _fsync(table_tmp)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(table)
    checkpoint("commit-unlinked")
    os.replace(sidecar_tmp, sidecar)
    checkpoint("commit-sidecar")
    os.replace(table_tmp, table)
    fsync_dir(table.parent)

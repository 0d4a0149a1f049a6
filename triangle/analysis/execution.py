"""Where chunks run: in process, on a local process pool, or on a Dask cluster.

Execution (:func:`map_ordered`): a function is applied to a stream of argument tuples and the
results come back **in submission order**, whatever executes them:

* ``None``: in this process, one after the other;
* an ``int`` ``N``: a local process pool of ``N`` workers (:class:`~concurrent.futures.ProcessPoolExecutor`);
* a :class:`dask.distributed.Client`: the chunks run on its cluster (see ``docs/sweeps.md``);
  :func:`local_cluster` starts one on the loopback interface.

At most ``window`` tasks are in flight, so memory is bounded by the chunk size, never by the
number of points; the results of a pool or a cluster are therefore the same objects, in the
same order, as the in-process ones.

Pool workers ignore ``SIGINT`` (Ctrl-C reaches the whole terminal process group; the parent
alone decides what to keep) and end themselves when the process that started the pool is
gone, so a killed command leaves no workers behind (:func:`_worker_init`).  Where results are
written is :mod:`triangle.analysis.storage`'s business.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.2


def is_dask_client(executor: Any) -> bool:
    """Whether ``executor`` looks like a :class:`dask.distributed.Client`."""
    return hasattr(executor, "submit") and hasattr(executor, "scheduler_info")


def default_window(executor: Any) -> int:
    """Tasks kept in flight: two per worker (one running, one queued)."""
    if executor is None:
        return 1
    if isinstance(executor, int):
        return 2 * executor
    workers = executor.scheduler_info().get("workers", {})
    threads = sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1
    return 2 * threads


#: What a pool worker imports to run a chunk (:func:`triangle.analysis.sweep.evaluate_chunk`).
WORKER_MODULES = ("triangle.analysis.sweep",)


def warm_pool(modules: tuple[str, ...] = WORKER_MODULES) -> None:
    """Start the process pools' forkserver now, with ``modules`` imported in it.

    A pool's workers are forked from the forkserver when the first chunk is submitted, and each
    would then import the model (about half a second).  Started early, the forkserver does that
    once, while the caller does its own work, and every worker forked from it starts ready.
    A no-op where the platform has no forkserver.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    # "__main__" too: every worker imports the command's main module before it runs a task
    multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", *modules])
    forkserver.ensure_running()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent (the forkserver) exits."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie not yet reaped counts as ended: whoever
    started the command may be waiting for our end of its pipes before it reaps)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _watch(owner: int, parent: int) -> None:
    # Portable fallback of the above, and the guard against a pool owner that dies while the
    # forkserver lives on: poll, and leave at once (no cleanup owed to anyone).
    while True:
        time.sleep(_WATCH_SECONDS)
        if os.getppid() != parent or _gone(owner):
            os._exit(1)


def _worker_init(owner: int) -> None:
    """Pool worker set-up: ignore Ctrl-C, and exit when ``owner`` (the command) is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    threading.Thread(target=_watch, args=(owner, os.getppid()), daemon=True,
                     name="triangle-owner-watch").start()


def map_ordered(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], executor: Any = None,
                window: int | None = None) -> Iterator[Any]:
    """``fn(*task)`` for every task, yielded in task order, with at most ``window`` in flight.

    ``executor`` is ``None`` (in process), an ``int`` (process pool of that many workers) or a
    :class:`dask.distributed.Client`.  ``fn`` must be importable (a module-level function) for
    the pool and the cluster.
    """
    if executor is None:
        for task in tasks:
            yield fn(*task)
        return
    if isinstance(executor, bool) or not (isinstance(executor, int) or is_dask_client(executor)):
        raise TypeError(f"executor must be None, an int or a dask Client, not {executor!r}")
    window = window or default_window(executor)
    if isinstance(executor, int):
        if executor < 1:
            raise ValueError(f"a process pool needs at least one worker, not {executor}")
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        pool = ProcessPoolExecutor(executor, mp_context=multiprocessing.get_context(method),
                                   initializer=_worker_init, initargs=(os.getpid(),))
        try:
            yield from _windowed(lambda task: pool.submit(fn, *task), tasks, window)
        except BaseException:
            # Interrupted or failed: finished chunks are the caller's; running ones are not
            # worth waiting for.
            _terminate(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    yield from _windowed(lambda task: executor.submit(fn, *task, pure=False), tasks, window)


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = dict(getattr(pool, "_processes", None) or {})  # not public; absent is fine
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.terminate()


def _windowed(submit: Callable[[tuple[Any, ...]], Any], tasks: Iterable[tuple[Any, ...]],
              window: int) -> Iterator[Any]:
    pending: deque[Any] = deque()
    try:
        for task in tasks:
            pending.append(submit(task))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def local_cluster(n_workers: int = 2) -> Any:
    """A :class:`dask.distributed.Client` on a new ``LocalCluster`` bound to 127.0.0.1.

    One thread per worker process (the numpy engine is single-threaded per chunk); no
    dashboard.  Close it with ``client.close(); client.cluster.close()``.
    """
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    return Client(cluster)


def progress_bar(total: int, enabled: bool | None, desc: str) -> Any:
    """A tqdm bar on stderr; ``enabled=None`` shows it only when stderr is a terminal."""
    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if enabled is None else bool(enabled)
    return tqdm(total=total, desc=desc, unit="pt", disable=not show, file=sys.stderr,
                dynamic_ncols=True, leave=False)

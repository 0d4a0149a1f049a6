"""Execution: ordered results with a bounded window, and pool workers that never outlive the
command or die of its Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from triangle.analysis.execution import default_window, map_ordered

ROOT = Path(__file__).resolve().parent.parent


def slow_square(x, delay):
    time.sleep(delay)
    return x * x


def sigint_handler(_):
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def worker_pid(_):
    time.sleep(0.05)
    return os.getpid()


@pytest.mark.parametrize("executor", [None, 2])
def test_results_come_back_in_task_order(executor):
    tasks = [(i, 0.02 * ((7 * i) % 5)) for i in range(12)]  # later tasks often finish first
    assert list(map_ordered(slow_square, tasks, executor)) == [i * i for i in range(12)]


@pytest.mark.parametrize("executor", [None, 2])
def test_at_most_window_tasks_are_taken_ahead_of_the_consumer(executor):
    taken = []

    def tasks():
        for i in range(20):
            taken.append(i)
            yield (i, 0.0)

    window = default_window(executor)
    for k, _ in enumerate(map_ordered(slow_square, tasks(), executor)):
        assert len(taken) <= k + window
    assert len(taken) == 20


def test_bad_executors_are_refused():
    with pytest.raises(TypeError, match="executor must be"):
        list(map_ordered(slow_square, [(1, 0)], executor=True))
    with pytest.raises(ValueError, match="at least one worker"):
        list(map_ordered(slow_square, [(1, 0)], executor=0))


def test_pool_workers_ignore_ctrl_c():
    """Ctrl-C reaches the whole process group; only the command decides what to keep."""
    assert all(map_ordered(sigint_handler, [(i,) for i in range(4)], 2))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers; it is dead for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def test_killing_the_owner_ends_its_pool_workers(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / "tests")!r})
        from test_execution import worker_pid
        from triangle.analysis.execution import map_ordered
        pids = set()
        for pid in map_ordered(worker_pid, [(i,) for i in range(40)], 2):
            pids.add(pid)
            if len(pids) == 2:
                print(*pids, flush=True)
                time.sleep(60)
    """)
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in owner.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)

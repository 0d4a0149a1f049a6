"""Where chunks run and how their results reach the disk.

Execution (:func:`map_ordered`): a function is applied to a stream of argument tuples and the
results come back **in submission order**, whatever executes them:

* ``None``: in this process, one after the other;
* an ``int`` ``N``: a local process pool of ``N`` workers (:class:`~concurrent.futures.ProcessPoolExecutor`);
* a :class:`dask.distributed.Client`: the chunks run on its cluster (see ``docs/sweeps.md``);
  :func:`local_cluster` starts one on the loopback interface.

At most ``window`` tasks are in flight, so memory is bounded by the chunk size, never by the
number of points; the results of a pool or a cluster are therefore the same objects, in the
same order, as the in-process ones.

Streaming (:class:`Journal`): each finished chunk is written atomically to
``<out>.parts/chunk-NNNNNN.<ext>`` next to a ``manifest.json`` that names the scenario's
parameter hash, the package version and the sweep specification.  A run started again with
``resume=True`` keeps the chunks already on disk (if the manifest matches) and computes only
the missing ones.  At the end the parts are assembled, one at a time, into the final file,
which is moved into place atomically; then the journal is removed.  CSV parts carry a header
line that assembly keeps only once; Parquet parts become one row group each, with the
provenance record in the schema metadata (key ``triangle``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations: the command line starts without pandas
    import pandas as pd

FORMATS = {".csv": "csv", ".parquet": "parquet"}
META_KEY = b"triangle"


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
        with ProcessPoolExecutor(executor, mp_context=multiprocessing.get_context(method)) as pool:
            yield from _windowed(lambda task: pool.submit(fn, *task), tasks, window)
        return
    yield from _windowed(lambda task: executor.submit(fn, *task, pure=False), tasks, window)


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


# --- files ---------------------------------------------------------------------------------
def output_format(path: str | os.PathLike[str]) -> str:
    """``"csv"`` or ``"parquet"`` from the file name; ``ValueError`` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: expected a file name ending in .csv or .parquet")
    return FORMATS[suffix]


def atomic_replace(path: str | os.PathLike[str], writer: Callable[[str], None]) -> None:
    """Call ``writer(temporary_path)`` and move the result to ``path`` only if it succeeded."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        writer(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def sidecar(path: str | os.PathLike[str]) -> Path:
    """The metadata file written next to a CSV: ``<file>.meta.json``."""
    return Path(f"{os.fspath(path)}.meta.json")


def _meta_text(metadata: dict[str, Any]) -> str:
    return json.dumps(metadata, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _arrow(df: pd.DataFrame) -> Any:
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str], metadata: dict[str, Any]) -> None:
    """Write a whole table atomically: CSV plus ``.meta.json`` sidecar, or Parquet with metadata."""
    if output_format(path) == "csv":
        atomic_replace(sidecar(path), lambda tmp: Path(tmp).write_text(_meta_text(metadata)))
        atomic_replace(path, lambda tmp: df.to_csv(tmp, index=False))
        return
    import pyarrow.parquet as pq

    table = _arrow(df)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: _meta_text(metadata).encode()})
    atomic_replace(path, lambda tmp: pq.write_table(table, tmp))


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The provenance record of a file written here (sidecar for CSV, schema for Parquet)."""
    if output_format(path) == "csv":
        return json.loads(sidecar(path).read_text())
    import pyarrow.parquet as pq

    return json.loads(pq.read_schema(path).metadata[META_KEY])


class ResumeError(ValueError):
    """A journal on disk does not belong to the sweep being resumed."""


class Journal:
    """The parts directory of one output file (see the module doc).

    Parameters
    ----------
    out : path
        Final file (``.csv`` or ``.parquet``).
    manifest : dict
        JSON-able description of the sweep; resuming requires an identical one.
    resume : bool
        Keep the chunks of a matching journal; without it an old journal is discarded.
    """

    def __init__(self, out: str | os.PathLike[str], manifest: dict[str, Any], resume: bool) -> None:
        self.out = Path(out)
        self.format = output_format(out)
        self.dir = self.out.with_name(self.out.name + ".parts")
        self.manifest = json.loads(json.dumps(manifest, allow_nan=False))
        manifest_file = self.dir / "manifest.json"
        if self.dir.exists():
            if not manifest_file.exists():
                raise ResumeError(f"{self.dir}: expected a sweep journal (manifest.json), found "
                                  "another directory; remove it or choose another output name")
            old = json.loads(manifest_file.read_text())
            if resume and old != self.manifest:
                diff = sorted(k for k in set(old) | set(self.manifest)
                              if old.get(k) != self.manifest.get(k))
                raise ResumeError(f"{self.dir}: cannot resume, the journal was written for another "
                                  f"sweep (differs in: {', '.join(diff)}); run without --resume")
            if not resume:
                shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        for stray in self.dir.glob(".*.tmp"):
            stray.unlink()
        if not manifest_file.exists():
            atomic_replace(manifest_file, lambda tmp: Path(tmp).write_text(_meta_text(self.manifest)))

    def part(self, index: int) -> Path:
        return self.dir / f"chunk-{index:06d}.{self.format}"

    def done(self) -> set[int]:
        """Indices of the chunks already on disk."""
        return {int(p.stem.split("-")[1]) for p in self.dir.glob(f"chunk-*.{self.format}")}

    def write(self, index: int, df: pd.DataFrame) -> None:
        """Write chunk ``index`` atomically."""
        if self.format == "csv":
            atomic_replace(self.part(index), lambda tmp: df.to_csv(tmp, index=False))
        else:
            import pyarrow.parquet as pq

            table = _arrow(df)
            atomic_replace(self.part(index), lambda tmp: pq.write_table(table, tmp))

    def assemble(self, n_chunks: int, metadata: dict[str, Any]) -> None:
        """Join chunks ``0 .. n_chunks-1`` into the final file (atomically), then drop the journal."""
        missing = sorted(set(range(n_chunks)) - self.done())
        if missing:
            raise ResumeError(f"{self.dir}: chunks missing: {missing[:5]}")
        if self.format == "csv":
            atomic_replace(sidecar(self.out), lambda tmp: Path(tmp).write_text(_meta_text(metadata)))
            atomic_replace(self.out, lambda tmp: self._join_csv(tmp, n_chunks))
        else:
            atomic_replace(self.out, lambda tmp: self._join_parquet(tmp, n_chunks, metadata))
        shutil.rmtree(self.dir)

    def _join_csv(self, tmp: str, n_chunks: int) -> None:
        header: bytes | None = None
        with open(tmp, "wb") as dst:
            for i in range(n_chunks):
                with open(self.part(i), "rb") as src:
                    first = src.readline()
                    if header is None:
                        header = first
                        dst.write(first)
                    elif first != header:
                        raise ResumeError(f"{self.part(i)}: columns differ from chunk 0")
                    shutil.copyfileobj(src, dst, 1 << 20)

    def _join_parquet(self, tmp: str, n_chunks: int, metadata: dict[str, Any]) -> None:
        import pyarrow.parquet as pq

        first = pq.read_schema(self.part(0))
        schema = first.with_metadata({**(first.metadata or {}),
                                      META_KEY: _meta_text(metadata).encode()})
        with pq.ParquetWriter(tmp, schema) as writer:
            for i in range(n_chunks):
                table = pq.read_table(self.part(i)).replace_schema_metadata(schema.metadata)
                if not table.schema.equals(schema):
                    raise ResumeError(f"{self.part(i)}: columns differ from chunk 0")
                writer.write_table(table, row_group_size=max(1, table.num_rows))

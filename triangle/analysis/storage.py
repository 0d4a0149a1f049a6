"""How results reach the disk: tables with their provenance, and the resumable sweep journal.

Every file is written through the one atomic writer (:mod:`triangle.common.atomic`).

Tables (:func:`write_table`, :func:`read_metadata`): a CSV file comes with a sidecar
``<file>.meta.json`` holding the provenance record and, under ``"table"``, the row count and
SHA-256 of the CSV bytes it describes; the two are committed together
(:func:`~triangle.common.atomic.commit_pair`) and :func:`read_metadata` refuses a pair that
does not match.  A Parquet file carries the record in its schema metadata (key ``triangle``),
so one atomic rename commits both.

The journal (:class:`Journal`): each finished chunk is written to
``<out>.parts/chunk-NNNNNN.<ext>`` and then recorded in ``chunk-NNNNNN.<ext>.json`` (its row
count and SHA-256), next to a ``manifest.json`` that names the scenario's parameter hash, the
package version and the sweep specification.  A chunk counts as done only if its record
exists and the file matches it, so a resumed run recomputes any chunk that is missing,
truncated, garbled or unrecorded.  The folder appears whole (built under a temporary name,
then renamed) and disappears whole (renamed away, then deleted), so it never exists without
its manifest.  At the end the parts are joined, one at a time, into the final file.  See
``docs/sweeps.md`` ("How files are committed") for the argument that no kill leaves a file
that looks complete and is not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triangle.common.atomic import (
    atomic_replace,
    check_target,
    checkpoint,
    commit_pair,
    fsync_dir,
    staged,
    sweep_stale,
    umask,
)

if TYPE_CHECKING:  # only named in annotations: the command line starts without pandas
    import pandas as pd

__all__ = ["FORMATS", "META_KEY", "Journal", "ResumeError", "StorageError", "atomic_replace",
           "check_target", "clean_stale", "count_finished", "is_complete", "output_format", "read_metadata",
           "sidecar", "write_table"]

FORMATS = {".csv": "csv", ".parquet": "parquet"}
META_KEY = b"triangle"
_CHUNK = re.compile(r"^chunk-(\d{6})\.(csv|parquet)$")


class StorageError(ValueError):
    """An output or journal file is not what it must be (one line: file, expected, found)."""


class ResumeError(StorageError):
    """A journal on disk does not belong to the sweep being resumed."""


def output_format(path: str | os.PathLike[str]) -> str:
    """``"csv"`` or ``"parquet"`` from the file name; ``ValueError`` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: expected a file name ending in .csv or .parquet")
    return FORMATS[suffix]


def sidecar(path: str | os.PathLike[str]) -> Path:
    """The metadata file written next to a CSV: ``<file>.meta.json``."""
    return Path(f"{os.fspath(path)}.meta.json")


def digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _meta_text(metadata: dict[str, Any]) -> str:
    return json.dumps(metadata, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _csv_rows(path: str | os.PathLike[str]) -> int:
    """Data rows of a CSV written by pandas (no quoted newlines in this package's tables)."""
    with open(path, "rb") as f:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1)


def _arrow(df: pd.DataFrame) -> Any:
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False)


def _commit_csv(path: Path, write: Callable[[Path], tuple[int, str]], metadata: dict[str, Any]) -> None:
    """``write(tmp) -> (rows, sha256)`` fills the table; table and sidecar are then committed
    together, the sidecar recording the rows and checksum of exactly these bytes."""
    with staged(path) as table_tmp:
        rows, sha = write(table_tmp)
        text = _meta_text({**metadata, "table": {"rows": rows, "sha256": sha}})
        with staged(sidecar(path)) as meta_tmp:
            meta_tmp.write_text(text)
            commit_pair(path, table_tmp, sidecar(path), meta_tmp)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str], metadata: dict[str, Any]) -> None:
    """Write a whole table atomically: CSV with its ``.meta.json`` sidecar committed together,
    or Parquet with the record in its schema metadata."""
    target = check_target(path)
    if output_format(target) == "csv":
        def write(tmp: Path) -> tuple[int, str]:
            df.to_csv(tmp, index=False)
            return len(df), digest(tmp)

        _commit_csv(target, write, metadata)
        return
    import pyarrow.parquet as pq

    table = _arrow(df)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: _meta_text(metadata).encode()})
    atomic_replace(target, lambda tmp: pq.write_table(table, tmp))


def read_metadata(path: str | os.PathLike[str], verify: bool = True) -> dict[str, Any]:
    """The provenance record of a file written here (sidecar for CSV, schema for Parquet).

    For a CSV, ``verify`` checks that the table is the one the sidecar describes (row count
    and SHA-256) and raises :class:`StorageError` otherwise.
    """
    if output_format(path) == "csv":
        if not Path(path).is_file():
            raise StorageError(f"{path}: expected a table, found none")
        try:
            meta = json.loads(sidecar(path).read_text())
        except (OSError, ValueError) as err:
            raise StorageError(f"{sidecar(path)}: expected the JSON provenance record of {path}, "
                               f"found {type(err).__name__}") from None
        if not isinstance(meta, dict):
            raise StorageError(f"{sidecar(path)}: expected a JSON object, found {type(meta).__name__}")
        if verify and "table" in meta:
            info = meta["table"]
            found = {"rows": _csv_rows(path), "sha256": digest(path)}
            if not isinstance(info, dict) or any(info.get(k) != v for k, v in found.items()):
                raise StorageError(f"{path}: expected the table its sidecar describes ({info}), "
                                   f"found {found}")
        return meta
    import pyarrow.parquet as pq

    try:
        return json.loads(pq.read_schema(path).metadata[META_KEY])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise StorageError(f"{path}: expected a Parquet table with its provenance record, "
                           f"found {type(err).__name__}") from None


def is_complete(path: str | os.PathLike[str], metadata: dict[str, Any], rows: int) -> bool:
    """Whether ``path`` already holds the whole table that ``metadata`` describes."""
    try:
        meta = read_metadata(path)
        if output_format(path) == "csv":
            found = meta.get("table", {}).get("rows")
        else:
            import pyarrow.parquet as pq

            found = pq.ParquetFile(path).metadata.num_rows
    except (StorageError, OSError, ValueError, AttributeError):
        return False
    return found == rows and {k: v for k, v in meta.items() if k != "table"} == metadata


# --- the journal -----------------------------------------------------------------------------
def journal_dir(out: str | os.PathLike[str]) -> Path:
    """Where the parts of ``out`` are kept: ``<out>.parts``."""
    out = Path(out)
    return out.with_name(out.name + ".parts")


def clean_stale(out: str | os.PathLike[str]) -> None:
    """Remove what killed writers of ``out`` left: temporaries of the table, its sidecar and the
    journal folder (:func:`~triangle.common.atomic.sweep_stale`)."""
    out = Path(out)
    for name in (out.name, sidecar(out).name, journal_dir(out).name):
        sweep_stale(out.parent, name)


def count_finished(out: str | os.PathLike[str]) -> int:
    """Chunks recorded in the journal of ``out`` (0 if there is none)."""
    folder = journal_dir(out)
    if not (folder / "manifest.json").is_file():
        return 0
    return sum(1 for p in folder.iterdir() if p.name.endswith(".json") and _CHUNK.match(p.name[:-5]))


def _remove_dir(folder: Path) -> None:
    """Rename ``folder`` away, then delete it: a kill leaves a hidden trash folder (removed by
    the next run), never a journal without its manifest."""
    trash = Path(tempfile.mkdtemp(prefix=f".{folder.name}.{os.getpid()}.", suffix=".trash",
                                  dir=folder.parent))
    os.replace(folder, trash)  # onto the empty folder just made: atomic
    fsync_dir(folder.parent)
    checkpoint("cleanup")
    shutil.rmtree(trash)


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class Journal:
    """The parts folder of one output file (see the module doc).

    Parameters
    ----------
    out : path
        Final file (``.csv`` or ``.parquet``).
    manifest : dict
        JSON-able description of the sweep with at least ``n_points``, ``chunk_size`` and
        ``n_chunks``; resuming requires an identical one.
    resume : bool
        Keep the verified chunks of a matching journal; without it an old journal is discarded.
    notify : callable, optional
        Told (one line) when an old journal with finished chunks is discarded.  Messages and
        errors speak of the journal, never of command-line flags: the caller adds its own hint
        (the command line: ``--resume``).
    """

    def __init__(self, out: str | os.PathLike[str], manifest: dict[str, Any], resume: bool,
                 notify: Callable[[str], None] | None = None) -> None:
        self.out = check_target(out)
        self.format = output_format(out)
        self.dir = journal_dir(self.out)
        self.manifest = json.loads(json.dumps(manifest, allow_nan=False))
        clean_stale(self.out)
        self._done: dict[int, dict[str, Any]] = {}
        if self.dir.exists() or self.dir.is_symlink():
            self._open_existing(resume, notify)
        if not self.dir.exists():
            self._create()
        sweep_stale(self.dir)

    def _open_existing(self, resume: bool, notify: Callable[[str], None] | None) -> None:
        manifest_file = self.dir / "manifest.json"
        if not self.dir.is_dir() or self.dir.is_symlink():
            what = "a symbolic link" if self.dir.is_symlink() else "a file"
            raise StorageError(f"{self.dir}: expected a sweep journal folder, found {what}; "
                               "remove it or choose another output name")
        if not manifest_file.exists():
            leftovers = [p for p in self.dir.iterdir() if not p.name.startswith(".")]
            if leftovers:
                raise StorageError(f"{self.dir}: expected a sweep journal (manifest.json), found "
                                   "another folder; remove it or choose another output name")
            _remove_dir(self.dir)  # empty: what an interrupted cleanup of an old version leaves
            return
        old = _read_manifest(manifest_file)
        if resume and old is None:
            raise ResumeError(f"{manifest_file}: expected a sweep manifest (a JSON object), found "
                              "unreadable content")
        if resume and old != self.manifest:
            assert old is not None
            diff = sorted(k for k in set(old) | set(self.manifest) if old.get(k) != self.manifest.get(k))
            raise ResumeError(f"{self.dir}: cannot resume, the journal was written for another "
                              f"sweep (differs in: {', '.join(diff)})")
        if resume:
            self._verify()
            return
        finished = count_finished(self.out)
        if finished and notify is not None:
            notify(f"{self.dir}: discarding {finished} finished chunk(s) of an earlier run")
        _remove_dir(self.dir)

    def _create(self) -> None:
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.dir.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=self.dir.parent))
        (tmp / "manifest.json").write_text(_meta_text(self.manifest))
        os.chmod(tmp, 0o777 & ~umask())
        checkpoint("journal-created")
        os.replace(tmp, self.dir)
        fsync_dir(self.dir.parent)

    def expected_rows(self, index: int) -> int:
        n, size = self.manifest["n_points"], self.manifest["chunk_size"]
        return min(n, (index + 1) * size) - index * size

    def part(self, index: int) -> Path:
        return self.dir / f"chunk-{index:06d}.{self.format}"

    def _record(self, index: int) -> Path:
        return Path(f"{self.part(index)}.json")

    def _verify(self) -> None:
        """Keep the chunks whose file matches its record; delete the rest."""
        for index in range(int(self.manifest["n_chunks"])):
            part, rec = self.part(index), self._record(index)
            record = _read_manifest(rec)
            ok = (record is not None and part.is_file()
                  and record.get("rows") == self.expected_rows(index)
                  and record.get("sha256") == digest(part))
            if ok:
                assert record is not None
                self._done[index] = record
                continue
            for stale in (rec, part):  # the record first: a chunk never looks recorded
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()

    def done(self) -> set[int]:
        """Indices of the chunks on disk and verified."""
        return set(self._done)

    def write(self, index: int, df: pd.DataFrame) -> None:
        """Write chunk ``index`` atomically, then its record (rows and checksum)."""
        if len(df) != self.expected_rows(index):
            raise StorageError(f"{self.part(index)}: expected {self.expected_rows(index)} rows, "
                               f"found {len(df)}")
        if self.format == "csv":
            atomic_replace(self.part(index), lambda tmp: df.to_csv(tmp, index=False))
        else:
            import pyarrow.parquet as pq

            table = _arrow(df)
            atomic_replace(self.part(index), lambda tmp: pq.write_table(table, tmp))
        record = {"chunk": index, "rows": len(df), "sha256": digest(self.part(index))}
        atomic_replace(self._record(index), lambda tmp: Path(tmp).write_text(_meta_text(record)))
        self._done[index] = record
        checkpoint("chunk")

    def assemble(self, n_chunks: int, metadata: dict[str, Any]) -> None:
        """Join chunks ``0 .. n_chunks-1`` into the final file (committed with its provenance),
        then remove the journal."""
        missing = sorted(set(range(n_chunks)) - self.done())
        if missing:
            raise ResumeError(f"{self.dir}: expected every chunk, found these missing: {missing[:5]}")
        if self.format == "csv":
            _commit_csv(self.out, lambda tmp: self._join_csv(tmp, n_chunks), metadata)
        else:
            atomic_replace(self.out, lambda tmp: self._join_parquet(tmp, n_chunks, metadata))
        checkpoint("assembled")
        _remove_dir(self.dir)

    def _join_csv(self, tmp: Path, n_chunks: int) -> tuple[int, str]:
        header: bytes | None = None
        h = hashlib.sha256()
        with open(tmp, "wb") as dst:
            for i in range(n_chunks):
                with open(self.part(i), "rb") as src:
                    first = src.readline()
                    if header is None:
                        header = first
                        dst.write(first)
                        h.update(first)
                    elif first != header:
                        raise ResumeError(f"{self.part(i)}: expected the columns of chunk 0, "
                                          "found others")
                    for block in iter(lambda src=src: src.read(1 << 20), b""):
                        dst.write(block)
                        h.update(block)
                checkpoint("assemble")
        return sum(self._done[i]["rows"] for i in range(n_chunks)), h.hexdigest()

    def _join_parquet(self, tmp: str, n_chunks: int, metadata: dict[str, Any]) -> None:
        import pyarrow.parquet as pq

        first = pq.read_schema(self.part(0))
        schema = first.with_metadata({**(first.metadata or {}),
                                      META_KEY: _meta_text(metadata).encode()})
        with pq.ParquetWriter(tmp, schema) as writer:
            for i in range(n_chunks):
                table = pq.read_table(self.part(i)).replace_schema_metadata(schema.metadata)
                if not table.schema.equals(schema):
                    raise ResumeError(f"{self.part(i)}: expected the columns of chunk 0, found others")
                writer.write_table(table, row_group_size=max(1, table.num_rows))
                checkpoint("assemble")

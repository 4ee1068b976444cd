"""Whole-file writes through Beam's FileSystems: readers see the old file or the new one, never half.

Every file news-ingest writes outside a Beam sink (Parquet parts, manifests, ``_SUCCESS``,
state under ``_state/``) goes through here, so the one rule lives in one place: write to
a temporary name that no reader globs (it does not end in ``.parquet`` or ``.json``), then
rename over the target.  On a local disk the rename is atomic; on object stores (gs://)
Beam's rename is copy-then-delete of a complete object, which still never exposes a
partial object under the final name.

Folders are said here once too (``folder_exists``, ``delete_folder``): on an object store a
"folder" is only a key prefix, so ``FileSystems.exists(folder)`` is False and
``FileSystems.delete([folder])`` deletes only an object of that exact name.
"""
from __future__ import annotations

import contextlib
import json
import os
import uuid

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.output_lock import is_local, local_path


def _tmp_name(path: str) -> str:
    # Unique per writer: two retried bundles writing the same target never share a temp file.
    return f"{path}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"


def ensure_parent(path: str) -> None:
    """Create the folder that will hold ``path`` (a no-op on object stores, which have none)."""
    directory = path.rsplit("/", 1)[0] if "/" in path else ""
    if directory and not FileSystems.exists(directory):
        try:
            FileSystems.mkdirs(directory)
        except OSError:
            # Another worker created it between the check and the call (or the store has no folders).
            pass


def folder_exists(path: str) -> bool:
    """True when ``path`` is a folder: a directory on a local disk, a prefix with at least one
    object under it on an object store (gs://), where an empty folder cannot exist."""
    if is_local(path):
        return os.path.isdir(local_path(path))
    return bool(FileSystems.match([_prefix(path) + "**"], limits=[1])[0].metadata_list)


def delete_folder(path: str) -> None:
    """Delete the folder ``path`` and everything in it; an absent folder is no error (a redone step).

    On object stores the path is given with a trailing "/", which is how Beam's gs://, s3://
    and azfs:// filesystems are told to delete every object under the prefix (listed, then
    deleted in batches); without it they delete only an object of that exact name.
    """
    if is_local(path):
        if os.path.isdir(local_path(path)):
            FileSystems.delete([path])
        return
    FileSystems.delete([_prefix(path)])


def _prefix(path: str) -> str:
    return path.rstrip("/") + "/"


@contextlib.contextmanager
def atomic_create(path: str):
    """A writable handle whose content appears at ``path`` only when the block ends without error.

    On error the temporary file is deleted and the target is left as it was.
    """
    ensure_parent(path)
    tmp = _tmp_name(path)
    try:
        # Created inside the try: an interruption (a second Ctrl-C) right after it leaves no temp file.
        handle = FileSystems.create(tmp, compression_type=CompressionTypes.UNCOMPRESSED)
        try:
            yield handle
        finally:
            handle.close()
        # Rename replaces an existing target in one step (os.rename locally; a copy that
        # overwrites on object stores), so there is no moment with no file at ``path``.
        FileSystems.rename([tmp], [path])
    except BaseException:
        with contextlib.suppress(Exception):
            if FileSystems.exists(tmp):
                FileSystems.delete([tmp])
        raise


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` (any Beam filesystem) so the file appears whole or not at all."""
    with atomic_create(path) as handle:
        handle.write(data)


def write_json_atomic(path: str, document, *, sort_keys: bool = False) -> None:
    """``document`` as indented UTF-8 JSON at ``path`` (datetimes and other values via ``str``)."""
    text = json.dumps(document, indent=2, default=str, ensure_ascii=False, sort_keys=sort_keys) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def read_json(path: str):
    """The JSON document at ``path``, or None when there is no such file."""
    if not FileSystems.exists(path):
        return None
    try:
        handle = FileSystems.open(path, compression_type="uncompressed")
    except OSError:
        # Removed between the check and the open (a journal file folded by a commit, say):
        # that is no such file too.  Any other failure to open is raised as it was.
        if not FileSystems.exists(path):
            return None
        raise
    with handle:
        return json.loads(handle.read().decode("utf-8"))


PARQUET_CODEC = "zstd"


def write_parquet_atomic(path: str, table) -> None:
    """Write a pyarrow Table as one zstd Parquet file at ``path``, appearing whole.

    The standard (``element``-named) nested list layout is what BigQuery's list inference reads.
    """
    import pyarrow.parquet as pq

    with atomic_create(path) as handle:
        pq.write_table(table, handle, compression=PARQUET_CODEC, use_compliant_nested_type=True)



def write_row_groups(target, tables, schema, row_group_bytes: int) -> int:
    """Write the Arrow ``tables`` (an iterable, consumed once) as one zstd Parquet file at
    ``target`` (a local path or a writable file), row groups cut at ``row_group_bytes`` of
    buffered Arrow, so memory stays bounded whatever the file's size; returns the rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    buffered: list = []
    buffered_bytes = 0
    with pq.ParquetWriter(target, schema, compression=PARQUET_CODEC, use_compliant_nested_type=True) as writer:
        def flush():
            nonlocal buffered, buffered_bytes
            if buffered:
                table = pa.concat_tables(buffered)
                writer.write_table(table, row_group_size=max(table.num_rows, 1))
            buffered, buffered_bytes = [], 0

        for table in tables:
            rows += table.num_rows
            buffered.append(table)
            buffered_bytes += table.nbytes
            if buffered_bytes >= row_group_bytes:
                flush()
        flush()
    return rows


def write_row_groups_atomic(path: str, tables, schema, row_group_bytes: int) -> int:
    """``write_row_groups`` into ``path`` (any Beam filesystem), appearing whole; returns the rows."""
    with atomic_create(path) as handle:
        return write_row_groups(handle, tables, schema, row_group_bytes)

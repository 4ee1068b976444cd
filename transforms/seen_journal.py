"""The seen-index journal: how commits that hold no lock add their keys to ``_state/seen``.

A local run commits under the output lock, so it can read a shard, add its rows and write
it back (``seen_index.apply_rows``).  The windows of a Dataflow streaming job commit on
their own workers, possibly two at once, with no lock (object stores have none): two
read-modify-writes of the same shard would lose one window's rows.  So a window instead
writes its rows to a file of its own::

    DIR/_state/seen/journal/<window run id>.json    {"run_id", "params", "rows": [raw rows]}

One writer per name (a retried window rewrites the same rows), each file written whole
(``transforms.storage``): nothing is ever updated in place, so nothing can be lost.
Lookups (``seen_index.SeenIndex``) read the journal besides the shards; the next commit
that holds the lock (a batch run, a local poll, the rebuild) folds the journal files it
read into the shards and deletes exactly those files, so a window that commits meanwhile
keeps its file for the next fold.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import os

from apache_beam.io.filesystems import FileSystems

from transforms.output_lock import is_local, local_path
from transforms.storage import read_json, write_json_atomic

JOURNAL_DIR = "journal"


def journal_name(run_id: str, subdir: str = JOURNAL_DIR) -> str:
    """The journal file of one commit, relative to the folder that holds the journal."""
    return f"{subdir}/{run_id}.json"


def write_journal(index_dir: str, run_id: str, raws: list[list], params: dict) -> str:
    """Record one commit's raw index rows in a file of its own; returns its path."""
    return write_entry(index_dir, run_id, {"run_id": run_id, "params": params, "rows": raws})


def write_entry(folder: str, run_id: str, document: dict, subdir: str = JOURNAL_DIR) -> str:
    """One commit's journal document, written whole under a name of its own; returns its path.

    Also the HTTP validators' journal (``transforms.http_state``), which works the same way.
    """
    path = FileSystems.join(folder, journal_name(run_id, subdir))
    write_json_atomic(path, document)
    return path


def read_journal(index_dir: str, threads: int, subdir: str = JOURNAL_DIR) -> tuple[list[str], list[dict]]:
    """(names relative to ``index_dir``, documents) of the journal files there now, oldest name first."""
    pattern = FileSystems.join(index_dir, subdir, "*.json")
    paths = sorted(meta.path for meta in FileSystems.match([pattern])[0].metadata_list)
    if not paths:
        return [], []
    with concurrent.futures.ThreadPoolExecutor(min(threads, len(paths))) as pool:
        documents = list(pool.map(read_json, paths))
    # A file deleted between the listing and the read was folded by a commit.
    kept = [(path, doc) for path, doc in zip(paths, documents) if doc is not None]
    return [journal_name(path.rsplit("/", 1)[-1][:-len(".json")], subdir) for path, _ in kept], [doc for _, doc in kept]


def journal_rows(documents: list[dict]) -> list[list]:
    """Every raw row of the journal documents, in their order."""
    return [raw for doc in documents for raw in doc.get("rows") or []]


def delete_files(folder: str, names: list[str]) -> None:
    """Delete ``names`` (relative to ``folder``); one already gone (an earlier attempt) is no error."""
    paths = [FileSystems.join(folder, name) for name in names]
    if not paths:
        return
    if is_local(folder):
        # FileSystems.delete globs each path (a regex per file); a plain unlink is 100x cheaper.
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                os.remove(local_path(path))
        return
    with contextlib.suppress(Exception):  # some already gone after an earlier attempt
        FileSystems.delete(paths)

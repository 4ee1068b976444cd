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

from apache_beam.io.filesystems import FileSystems

from transforms.storage import read_json, write_json_atomic

JOURNAL_DIR = "journal"


def journal_name(run_id: str) -> str:
    """The journal file of one commit, relative to the index folder."""
    return f"{JOURNAL_DIR}/{run_id}.json"


def write_journal(index_dir: str, run_id: str, raws: list[list], params: dict) -> str:
    """Record one commit's raw index rows in a file of its own; returns its path."""
    path = FileSystems.join(index_dir, journal_name(run_id))
    write_json_atomic(path, {"run_id": run_id, "params": params, "rows": raws})
    return path


def read_journal(index_dir: str, threads: int) -> tuple[list[str], list[dict]]:
    """(names relative to ``index_dir``, documents) of the journal files there now, oldest name first."""
    pattern = FileSystems.join(index_dir, JOURNAL_DIR, "*.json")
    paths = sorted(meta.path for meta in FileSystems.match([pattern])[0].metadata_list)
    if not paths:
        return [], []
    with concurrent.futures.ThreadPoolExecutor(min(threads, len(paths))) as pool:
        documents = list(pool.map(read_json, paths))
    # A file deleted between the listing and the read was folded into the shards by a commit.
    kept = [(path, doc) for path, doc in zip(paths, documents) if doc is not None]
    return [journal_name(path.rsplit("/", 1)[-1][:-len(".json")]) for path, _ in kept], [doc for _, doc in kept]


def journal_rows(documents: list[dict]) -> list[list]:
    """Every raw row of the journal documents, in their order."""
    return [raw for doc in documents for raw in doc.get("rows") or []]

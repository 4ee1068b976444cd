"""Building the seen-key index from the ``articles`` dataset, once.

An output folder written before the index existed (or whose ``_state/seen`` was moved
away) has articles but no index; deduplicating against an empty index would ingest every
article again.  So, under the output lock and before the run starts, ``ensure_index``
reads ``article_id``, ``content_hash``, ``duplicate_of`` and ``body`` from every committed
articles file and writes the index in one commit.  That costs one pass over history, once;
every later run reads only the index.

An index of an older format (version 1: small JSON shards, ``transforms.seen_v1``) is
migrated here too, before the run reads it: its rows become one segment, in one commit of
the index (``seen_index.apply_rows``), and its shard files are deleted after the switch;
a run killed during the migration leaves the old index whole, and the next run migrates it.
"""
from __future__ import annotations

import logging

from apache_beam.io.filesystems import FileSystems

from transforms import near_dup, seen_index
from transforms.dedup_plan import written_rows
from transforms.storage import read_json

LOG = logging.getLogger(__name__)
REBUILD_RUN_ID = "rebuilt-from-articles"
MIGRATION_RUN_ID = "migrated-from-version-1"


def _article_files(output_dir: str) -> list[str]:
    pattern = FileSystems.join(output_dir, "articles", "*", "*.parquet")
    return sorted(meta.path for meta in FileSystems.match([pattern])[0].metadata_list)


def _rows(path: str) -> list[dict]:
    import pyarrow.parquet as pq

    with FileSystems.open(path, compression_type="uncompressed") as handle:
        schema = pq.read_schema(handle)
        handle.seek(0)
        columns = [c for c in ("article_id", "content_hash", "duplicate_of", "body") if c in schema.names]
        table = pq.read_table(handle, columns=columns)
    return table.to_pylist()


def ensure_index(output_dir: str) -> int:
    """Build the index from ``articles`` when there is none (returns the number of articles indexed),
    or migrate it when it has an older format (returns 0)."""
    root = read_json(FileSystems.join(seen_index.index_dir(output_dir), seen_index.ROOT_FILE))
    if root is not None:
        if root.get("version") != seen_index.FORMAT_VERSION:
            seen_index.apply_rows(output_dir, MIGRATION_RUN_ID, [], near_dup.PARAMS.as_dict())
        return 0
    files = _article_files(output_dir)
    if not files:
        return 0
    LOG.warning("%s has articles but no seen-key index: building it from %d files (once)", output_dir, len(files))
    seen = written_rows(row for path in files for row in _rows(path))  # one file's bodies at a time
    seen_index.apply_rows(output_dir, REBUILD_RUN_ID, seen, near_dup.PARAMS.as_dict())
    return sum(1 for row in seen if row.kind == "id")

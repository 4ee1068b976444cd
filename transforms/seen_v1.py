"""Reading a version-1 seen-key index (a hash trie of small JSON shards), to migrate it.

Version 1 kept ``shard-<prefix>.json`` files of at most 64 rows under ``_state/seen``,
``INDEX.json`` listing the prefixes that had been split (a shard past 64 rows became up to
16 shards one hex character longer).  About 1.7 files per article written: version 2
(``transforms.seen_index``) replaces them.  Until a locked commit migrates an output
(``seen_index.apply_rows``, run by every batch run before it starts: ``seen_rebuild``),
lookups read version 1 here, so a streaming job started on an old output still finds
every key.
"""
from __future__ import annotations

import json

from apache_beam.io.filesystems import FileSystems

VERSION = 1
SHARD_PATTERN = "shard-*.json"


def shard_of(key: str, split) -> str:
    """The prefix of the shard that holds ``key``: walk down the split prefixes."""
    key = key.lower()
    prefix = ""
    while prefix in split:
        prefix = key[:len(prefix) + 1]
    return prefix


def shard_file(prefix: str) -> str:
    return f"shard-{prefix or 'root'}.json"


def _prefix(name: str) -> str:
    prefix = name[len("shard-"):-len(".json")]
    return "" if prefix == "root" else prefix


def live_shards(index_dir: str, root: dict) -> list[str]:
    """Every shard file holding rows now (a split shard's file may still be there: its rows are in its children)."""
    split = set(root.get("split") or ())
    paths = [meta.path for meta in FileSystems.match([FileSystems.join(index_dir, SHARD_PATTERN)])[0].metadata_list]
    return sorted(path for path in paths if _prefix(path.rsplit("/", 1)[-1]) not in split)


def shards_of(index_dir: str, root: dict, keys) -> list[str]:
    split = frozenset(root.get("split") or ())
    return sorted(FileSystems.join(index_dir, shard_file(p)) for p in {shard_of(key, split) for key in keys})


def read_shard(path: str) -> list[list]:
    """A shard's raw rows (no file: none)."""
    try:
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (FileNotFoundError, IOError):
        if FileSystems.exists(path):
            raise
        return []

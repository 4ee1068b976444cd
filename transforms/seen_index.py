"""The seen-key index: what earlier runs wrote, found by key instead of by reading history.

Deduplication needs, for each new article, whether its ``article_id`` or ``content_hash``
was written before and whether a near-duplicate was (its MinHash LSH band keys, see
``transforms.near_dup``).  Reading every earlier Parquet file for that makes every run
slower than the last; this index answers it from a number of small files that depends on
the run's own keys, not on history.

Layout under ``DIR/_state/seen/``::

    INDEX.json                      {"version", "params", "last_run", "shards": {prefix: run_id}, "garbage"}
    shard-<prefix>-<run_id>.json    the rows whose key starts with <prefix> (3 hex chars, 4096 shards)

A row is ``[kind, key, article_id, root_id, signature]``:

* ``id``   key = the article id; ``root_id`` = the first copy of its story (itself, or the
  article it is a near-duplicate of); ``signature`` = base64 MinHash values;
* ``hash`` key = a content hash; ``article_id`` = the article written with it;
* ``band`` key = an LSH band key; ``article_id`` = an article with that band.

Every key is hex (sha256 or blake2b), so the first three characters spread keys evenly.
A lookup reads only the shards of the keys asked for; a commit rewrites only the shards it
adds rows to.  Shard files are immutable and named after the run that wrote them; the
commit switches to them by rewriting ``INDEX.json`` atomically (one rename), so readers and
a crashed commit see the old index or the new one, never a mix.  Replaced files are
deleted after the switch.  Re-applying a run's rows is a no-op (``last_run``), which is what
the commit protocol's roll-forward needs.
"""
from __future__ import annotations

import base64
import collections
import concurrent.futures
import contextlib
import json
import logging
from typing import Iterable, NamedTuple

from apache_beam.io.filesystems import FileSystems

from transforms.storage import read_json, write_bytes_atomic, write_json_atomic

LOG = logging.getLogger(__name__)

SEEN_DIR = ("_state", "seen")
ROOT_FILE = "INDEX.json"
FORMAT_VERSION = 1
PREFIX_CHARS = 3
KINDS = ("id", "hash", "band")
# Object stores answer each small read in tens of milliseconds; a few in flight hide that.
IO_THREADS = 16


class SeenRow(NamedTuple):
    kind: str
    key: str
    article_id: str
    root_id: str | None = None
    signature: bytes | None = None


class IndexMismatch(Exception):
    """The index on disk was built with other near-duplicate parameters than this code uses."""


def index_dir(output_dir: str) -> str:
    return FileSystems.join(output_dir, *SEEN_DIR)


def shard_of(key: str) -> str:
    return key[:PREFIX_CHARS].lower()


def shard_file(prefix: str, run_id: str) -> str:
    return f"shard-{prefix}-{run_id}.json"


def _encode(rows: list[SeenRow]) -> bytes:
    return json.dumps([[r.kind, r.key, r.article_id, r.root_id,
                        base64.b64encode(r.signature).decode("ascii") if r.signature else None]
                       for r in rows], separators=(",", ":")).encode("utf-8")


def _decode(data: bytes) -> list[SeenRow]:
    return [SeenRow(kind, key, article_id, root_id, base64.b64decode(sig) if sig else None)
            for kind, key, article_id, root_id, sig in json.loads(data.decode("utf-8"))]


def encode_entry(article_id: str, content_hash: str, root_id: str, signature: bytes) -> list:
    """One written article's index entry as JSON-able values (for the commit document)."""
    return [article_id, content_hash, root_id, base64.b64encode(signature).decode("ascii")]


def decode_entry(entry: list) -> tuple[str, str, str, bytes]:
    article_id, content_hash, root_id, signature = entry
    return article_id, content_hash, root_id, base64.b64decode(signature)


def _read_bytes(path: str) -> bytes:
    with FileSystems.open(path, compression_type="uncompressed") as handle:
        return handle.read()


def empty_root(params: dict) -> dict:
    return {"version": FORMAT_VERSION, "params": params, "last_run": None, "shards": {}, "garbage": []}


def check_params(root: dict, params: dict, where: str) -> None:
    if root["shards"] and root.get("params") != params:
        raise IndexMismatch(
            f"the seen-key index {where} was built with near-duplicate parameters {root.get('params')}, "
            f"this version uses {params}; its band keys cannot be compared. Move {where} away and rerun "
            f"with --reprocess over the earlier inputs to rebuild it")


class SeenIndex:
    """Read side: look keys up in the index of ``output_dir`` (local or any Beam filesystem)."""

    def __init__(self, output_dir: str, params: dict):
        self.dir = index_dir(output_dir)
        self.params = params
        self.root = read_json(FileSystems.join(self.dir, ROOT_FILE)) or empty_root(params)
        check_params(self.root, params, self.dir)

    def read_shards(self, prefixes: Iterable[str]) -> dict[str, list[SeenRow]]:
        """The current rows of each prefix that has a shard file (others have no rows)."""
        present = {p: self.root["shards"][p] for p in set(prefixes) if p in self.root["shards"]}
        paths = {p: FileSystems.join(self.dir, shard_file(p, run)) for p, run in present.items()}
        with concurrent.futures.ThreadPoolExecutor(IO_THREADS) as pool:
            datas = dict(zip(paths, pool.map(_read_bytes, paths.values())))
        return {p: _decode(data) for p, data in datas.items()}

    def lookup(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[SeenRow]]:
        """(kind, key) -> the rows stored under it, oldest first; keys not stored are absent."""
        wanted = set(keys)
        found: dict[tuple[str, str], list[SeenRow]] = collections.defaultdict(list)
        for rows in self.read_shards({shard_of(key) for _kind, key in wanted}).values():
            for row in rows:
                if (row.kind, row.key) in wanted:
                    found[(row.kind, row.key)].append(row)
        return dict(found)


def merge_rows(old: list[SeenRow], new: Iterable[SeenRow]) -> list[SeenRow]:
    """``old`` then ``new``; a row for the same (kind, key, article) is replaced in place."""
    merged = {(r.kind, r.key, r.article_id): r for r in old}
    for row in new:
        merged[(row.kind, row.key, row.article_id)] = row
    return list(merged.values())


def apply_rows(output_dir: str, run_id: str, rows: Iterable[SeenRow], params: dict) -> bool:
    """Add a committed run's rows to the index; False when this run's rows are already in.

    Call under the output lock.  Idempotent: a retry after a crash anywhere in here either
    finds ``last_run == run_id`` (the switch happened; only the clean-up is redone) or
    rewrites the same shard files from the same old ones and switches.
    """
    index = SeenIndex(output_dir, params)
    root = index.root
    if root.get("last_run") == run_id:
        _delete_garbage(index.dir, root)
        return False
    by_prefix: dict[str, list[SeenRow]] = collections.defaultdict(list)
    for row in rows:
        by_prefix[shard_of(row.key)].append(row)
    old = index.read_shards(by_prefix)

    def write(prefix):
        data = _encode(merge_rows(old.get(prefix, []), by_prefix[prefix]))
        write_bytes_atomic(FileSystems.join(index.dir, shard_file(prefix, run_id)), data)

    with concurrent.futures.ThreadPoolExecutor(IO_THREADS) as pool:
        list(pool.map(write, by_prefix))
    replaced = [shard_file(p, root["shards"][p]) for p in by_prefix if p in root["shards"]]
    new_root = dict(root, params=params, last_run=run_id,
                    shards=dict(root["shards"], **{p: run_id for p in by_prefix}), garbage=replaced)
    write_json_atomic(FileSystems.join(index.dir, ROOT_FILE), new_root)
    _delete_garbage(index.dir, new_root)
    return True


def _delete_garbage(directory: str, root: dict) -> None:
    paths = [FileSystems.join(directory, name) for name in root.get("garbage") or []]
    for path in paths:
        with contextlib.suppress(Exception):  # already gone after an earlier attempt
            FileSystems.delete([path])

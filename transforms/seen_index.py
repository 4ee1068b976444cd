"""The seen-key index: what earlier runs wrote, found by key instead of by reading history.

Deduplication needs, for each new article, whether its ``article_id`` or ``content_hash``
was written before and whether a near-duplicate was (its MinHash LSH band keys, see
``transforms.near_dup``).  Reading every earlier Parquet file for that makes every run
slower than the last; this index answers it from a number of small files that depends on
the run's own keys, not on history.

Layout under ``DIR/_state/seen/``::

    INDEX.json              {"version", "params", "split": [prefixes], "last_run", "garbage"}
    shard-<prefix>.json     the rows whose key starts with <prefix>
    journal/<run_id>.json   rows of commits made without the lock, not yet folded into shards

A row is ``[kind, key, article_id, root_id, signature]``:

* ``id``   key = the article id; ``root_id`` = the first copy of its story (itself, or the
  article it is a near-duplicate of); ``signature`` = base64 MinHash values;
* ``hash`` key = a content hash; ``article_id`` = the article written with it;
* ``band`` key = an LSH band key; ``article_id`` = an article with that band.

Every key is hex (sha256 or blake2b), so key prefixes spread keys evenly.  The shards form
a hash trie: a shard that grows past ``MAX_SHARD_ROWS`` rows is split into up to 16 shards
one hex character longer, and ``INDEX.json`` lists the split prefixes.  So no shard holds
more than ``MAX_SHARD_ROWS`` rows, and a lookup or a commit touches at most one shard per
key of the run: its cost is bounded by the run's size, whatever the history.

A commit (``apply_rows``, under the output lock) rewrites each shard it adds rows to (each
file atomically), then ``INDEX.json``, then deletes the shards it split.  Commits without
the lock (the windows of a Dataflow streaming job, ``record_unlocked``) write their rows to
``journal/`` instead (``transforms.seen_journal``): lookups read it too, and the next
locked commit folds it into the shards.  A crash in between leaves some shards
with the run's rows and some without; the commit protocol rolls the commit forward
(``transforms.commit``) before any run reads the index again, and applying the same rows
twice changes nothing, so the index every run reads is all of a commit or none of it.
"""
from __future__ import annotations

import base64
import collections
import concurrent.futures
import json
import logging
from typing import Iterable, NamedTuple

from apache_beam.io.filesystems import FileSystems

from transforms import seen_journal
from transforms.storage import read_json, write_bytes_atomic, write_json_atomic

LOG = logging.getLogger(__name__)

SEEN_DIR = ("_state", "seen")
ROOT_FILE = "INDEX.json"
FORMAT_VERSION = 1
# Small enough that a run's cost is its number of keys, not the size of the shards they
# fall in (docs/benchmarks.md: 256 still grew with history, 64 is flat); the split list in
# INDEX.json stays about one entry per 500 rows.
MAX_SHARD_ROWS = 64
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


def shard_of(key: str, split) -> str:
    """The prefix of the shard that holds ``key``: walk down the split prefixes."""
    key = key.lower()
    prefix = ""
    while prefix in split:
        prefix = key[:len(prefix) + 1]
    return prefix


def shard_file(prefix: str) -> str:
    return f"shard-{prefix or 'root'}.json"


def split_rows(prefix: str, raws: list[list], max_rows: int | None = None) -> tuple[dict[str, list], set[str]]:
    """({prefix: rows} to write, prefixes split on the way) for one shard's merged rows."""
    max_rows = max_rows or MAX_SHARD_ROWS
    if len(raws) <= max_rows or all(len(raw[1]) <= len(prefix) for raw in raws):
        return {prefix: raws}, set()
    groups: dict[str, list] = collections.defaultdict(list)
    for raw in raws:
        groups[raw[1][:len(prefix) + 1].lower()].append(raw)
    shards, split = {}, {prefix}
    for child, rows in groups.items():
        child_shards, child_split = split_rows(child, rows, max_rows)
        shards.update(child_shards)
        split |= child_split
    return shards, split


# Shard files hold rows as plain JSON lists (signature in base64); they are only turned into
# SeenRows when a lookup returns them, so a commit merges and rewrites them without decoding.
def _raw(row: SeenRow) -> list:
    return [row.kind, row.key, row.article_id, row.root_id,
            base64.b64encode(row.signature).decode("ascii") if row.signature else None]


def _row(raw: list) -> SeenRow:
    kind, key, article_id, root_id, sig = raw
    return SeenRow(kind, key, article_id, root_id, base64.b64decode(sig) if sig else None)


def _encode(raws: list[list]) -> bytes:
    return json.dumps(raws, separators=(",", ":")).encode("utf-8")


def _decode(data: bytes) -> list[list]:
    return json.loads(data.decode("utf-8"))


def encode_entry(article_id: str, content_hash: str, root_id: str, signature: bytes) -> list:
    """One written article's index entry as JSON-able values (for the commit document)."""
    return [article_id, content_hash, root_id, base64.b64encode(signature).decode("ascii")]


def decode_entry(entry: list) -> tuple[str, str, str, bytes]:
    article_id, content_hash, root_id, signature = entry
    return article_id, content_hash, root_id, base64.b64decode(signature)


def _read_bytes(path: str) -> bytes | None:
    try:
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            return handle.read()
    except (FileNotFoundError, IOError):
        if FileSystems.exists(path):
            raise
        return None


def empty_root(params: dict) -> dict:
    return {"version": FORMAT_VERSION, "params": params, "split": [], "last_run": None, "garbage": []}


def check_params(root: dict, params: dict, where: str) -> None:
    if (root.get("last_run") or root.get("rows")) and root.get("params") != params:
        raise IndexMismatch(
            f"the seen-key index {where} was built with near-duplicate parameters {root.get('params')}, "
            f"this version uses {params}; its band keys cannot be compared. Move {where} away: the next "
            f"run rebuilds it from the articles dataset")


class SeenIndex:
    """Read side: look keys up in the index of ``output_dir`` (local or any Beam filesystem)."""

    def __init__(self, output_dir: str, params: dict):
        self.dir = index_dir(output_dir)
        self.params = params
        self.root = read_json(FileSystems.join(self.dir, ROOT_FILE)) or empty_root(params)
        check_params(self.root, params, self.dir)
        self.split = frozenset(self.root.get("split") or ())
        self.journal_names, documents = seen_journal.read_journal(self.dir, IO_THREADS)
        for name, document in zip(self.journal_names, documents):
            check_params(document, params, FileSystems.join(self.dir, name))
        self.journal = seen_journal.journal_rows(documents)

    def read_shards(self, prefixes: Iterable[str]) -> dict[str, list[list]]:
        """The current (raw) rows of each prefix (no file yet: no rows)."""
        paths = {p: FileSystems.join(self.dir, shard_file(p)) for p in set(prefixes)}
        with concurrent.futures.ThreadPoolExecutor(IO_THREADS) as pool:
            datas = dict(zip(paths, pool.map(_read_bytes, paths.values())))
        return {p: _decode(data) if data is not None else [] for p, data in datas.items()}

    def lookup(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[SeenRow]]:
        """(kind, key) -> the rows stored under it, oldest first; keys not stored are absent."""
        wanted = set(keys)
        found: dict[tuple[str, str], list[SeenRow]] = collections.defaultdict(list)
        shards = self.read_shards({shard_of(key, self.split) for _kind, key in wanted}).values()
        for raw in [raw for rows in shards for raw in rows] + self.journal:
            if (raw[0], raw[1]) in wanted:
                found[(raw[0], raw[1])].append(_row(raw))
        return dict(found)


def merge_rows(old: list[list], new: Iterable[list]) -> list[list]:
    """Raw rows: ``old`` then ``new``; a row for the same (kind, key, article) is replaced in place."""
    merged = {(r[0], r[1], r[2]): r for r in old}
    for raw in new:
        merged[(raw[0], raw[1], raw[2])] = raw
    return list(merged.values())


def apply_rows(output_dir: str, run_id: str, rows: Iterable[SeenRow], params: dict) -> bool:
    """Add a committed run's rows, and the journal's, to the shards; False when this run's rows are already in.

    Call under the output lock, from the commit protocol (which redoes it after a crash:
    a second application rewrites the same rows and only finishes the clean-up).  The
    journal files folded in are deleted last, with the shards the split made garbage.
    """
    index = SeenIndex(output_dir, params)
    root = index.root
    if root.get("last_run") == run_id:
        _delete_garbage(index.dir, root)
        return False
    by_prefix: dict[str, list[list]] = collections.defaultdict(list)
    for raw in index.journal + [_raw(row) for row in rows]:
        by_prefix[shard_of(raw[1], index.split)].append(raw)
    old = index.read_shards(by_prefix)
    shards, split = {}, set()
    for prefix, new in by_prefix.items():
        prefix_shards, prefix_split = split_rows(prefix, merge_rows(old[prefix], new))
        shards.update(prefix_shards)
        split |= prefix_split

    def write(prefix):
        write_bytes_atomic(FileSystems.join(index.dir, shard_file(prefix)), _encode(shards[prefix]))

    with concurrent.futures.ThreadPoolExecutor(IO_THREADS) as pool:
        list(pool.map(write, shards))
    new_root = dict(root, params=params, last_run=run_id, split=sorted(index.split | split),
                    garbage=[shard_file(p) for p in sorted(split) if old.get(p)] + index.journal_names)
    write_json_atomic(FileSystems.join(index.dir, ROOT_FILE), new_root)
    _delete_garbage(index.dir, new_root)
    return True


def record_unlocked(output_dir: str, run_id: str, rows: Iterable[SeenRow], params: dict) -> str:
    """Add a commit's rows without the output lock (a streaming window): a journal file of its own.

    Safe when several commits do it at once; lookups see the rows at once, the next
    ``apply_rows`` folds them into the shards.  Returns the journal file's path.
    """
    return seen_journal.write_journal(index_dir(output_dir), run_id, [_raw(row) for row in rows], params)


def _delete_garbage(directory: str, root: dict) -> None:
    seen_journal.delete_files(directory, list(root.get("garbage") or []))

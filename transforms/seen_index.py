"""The seen-key index: what earlier runs wrote, found by key instead of by reading history.

Deduplication needs, for each new article, whether its ``article_id`` or ``content_hash``
was written before and whether a near-duplicate was (its MinHash LSH band keys, see
``transforms.near_dup``).  Reading every earlier Parquet file for that makes every run
slower than the last; this index answers it by reading, per key, one small block.

Layout under ``DIR/_state/seen/`` (version 2)::

    INDEX.json              {"version", "params", "segments": [{"file", "rows", "bits", "size"}],
                             "seq", "last_run", "garbage"}
    seg-<seq>.seen          immutable segments, oldest first (``transforms.seen_segments``)
    journal/<run_id>.json   rows of commits made without the lock, not yet folded into segments

A row is ``[kind, key, article_id, root_id, signature]`` (the last two only for ``id``):

* ``id``   key = the article id; ``root_id`` = the first copy of its story (itself, or the
  article it is a near-duplicate of); ``signature`` = base64 MinHash values;
* ``hash`` key = a content hash; ``article_id`` = the article written with it;
* ``band`` key = an LSH band key; ``article_id`` = an article with that band.

It is a log-structured merge of segments.  A locked commit (``apply_rows``) writes its rows
(and the journal's) as one new segment, then may merge the newest segments into one
(``merge_plan``: every segment at least ``MERGE_FACTOR`` times the rows of all newer ones,
so an index of N rows is at most about log_8(N / rows per run) + 1 segments: a bounded
number of files, whatever the history).  A lookup reads, per segment, its block offsets and
the blocks its keys fall in (a key's block holds about 32 rows), in parallel: its cost is
the run's keys times the segments, not the history.  Commits never merge past
``INLINE_MERGE_ROWS`` rows; ``news-ingest compact`` does those (``merge_limit=None``), so a
scheduled run's commit writes about its own rows.

Every commit writes new files under new names, then ``INDEX.json`` (the switch: a reader
sees all of a commit or none of it), then deletes what the new root no longer names (the
merged segments, the folded journal files, files of an attempt that crashed before its
switch).  Commits without the lock (the windows of a Dataflow streaming job,
``record_unlocked``) write their rows to ``journal/`` instead (``transforms.seen_journal``):
lookups read it too, and the next locked commit folds it into a segment.  The commit
protocol rolls a crashed commit forward (``transforms.commit``); applying the same rows
twice changes nothing that a lookup returns.  A version-1 index (``transforms.seen_v1``) is
read as it is and migrated by the next locked commit.
"""
from __future__ import annotations

import base64
import logging
from typing import Iterable, NamedTuple

from apache_beam.io.filesystems import FileSystems

from transforms import seen_journal, seen_segments, seen_v1
from transforms.crash_points import pause_point
from transforms.storage import read_json, write_json_atomic

LOG = logging.getLogger(__name__)

SEEN_DIR = ("_state", "seen")
ROOT_FILE = "INDEX.json"
FORMAT_VERSION = 2
SEGMENT_PATTERN = "seg-*.seen"
# A segment stays separate while it holds MERGE_FACTOR times the rows of all newer ones.
# A higher factor means fewer segments for lookups to read, and more rewriting (each row
# is rewritten about MERGE_FACTOR times per tier): docs/benchmarks.md, "seen-key index".
MERGE_FACTOR = 8
# The largest merge a commit does (about 2.5 MiB of segment, a second or so); larger: news-ingest compact.
INLINE_MERGE_ROWS = 50_000
# Object stores answer each small read in tens of milliseconds; a few in flight hide that.
IO_THREADS = 16
# An unlocked reader racing a commit that merged its segments away reads the new root again.
READ_ATTEMPTS = 3


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


def segment_file(seq: int) -> str:
    return f"seg-{seq:08d}.seen"


# Rows stay plain JSON lists (signature in base64) until a lookup returns them, so a commit
# merges and rewrites them without decoding; band and hash rows drop their two empty fields.
def _raw(row: SeenRow) -> list:
    if row.root_id is None and row.signature is None:
        return [row.kind, row.key, row.article_id]
    return [row.kind, row.key, row.article_id, row.root_id,
            base64.b64encode(row.signature).decode("ascii") if row.signature else None]


def _row(raw: list) -> SeenRow:
    kind, key, article_id, root_id, sig = (list(raw) + [None, None])[:5]
    return SeenRow(kind, key, article_id, root_id, base64.b64decode(sig) if sig else None)


def encode_entry(article_id: str, content_hash: str, root_id: str, signature: bytes) -> list:
    """One written article's index entry as JSON-able values (for the commit document)."""
    return [article_id, content_hash, root_id, base64.b64encode(signature).decode("ascii")]


def decode_entry(entry: list) -> tuple[str, str, str, bytes]:
    article_id, content_hash, root_id, signature = entry
    return article_id, content_hash, root_id, base64.b64decode(signature)


def empty_root(params: dict) -> dict:
    return {"version": FORMAT_VERSION, "params": params, "segments": [], "seq": 0, "last_run": None, "garbage": []}


def check_params(root: dict, params: dict, where: str) -> None:
    if (root.get("last_run") or root.get("rows")) and root.get("params") != params:
        raise IndexMismatch(
            f"the seen-key index {where} was built with near-duplicate parameters {root.get('params')}, "
            f"this version uses {params}; its band keys cannot be compared. Move {where} away: the next "
            f"run rebuilds it from the articles dataset")


def merge_plan(sizes: list[int], limit: int | None, factor: int = MERGE_FACTOR) -> int | None:
    """The first segment ``i`` such that segments ``i..`` (oldest first) are to be merged into one, or None.

    Merge from the oldest segment that holds fewer than ``factor`` times the rows of all
    newer ones, unless the merge would pass ``limit`` rows (then a younger one).
    """
    for i in range(len(sizes) - 1):
        newer = sum(sizes[i + 1:])
        if sizes[i] < factor * newer and (limit is None or sizes[i] + newer <= limit):
            return i
    return None


def _merge_into(found: dict, raws: Iterable[list], wanted: set | None = None) -> None:
    """Add ``raws`` (newer than what ``found`` holds) to found[(kind, key)], replacing same-article rows in place."""
    for raw in raws:
        if wanted is None or (raw[0], raw[1]) in wanted:
            rows = found.setdefault((raw[0], raw[1]), {})
            rows[raw[2]] = raw


class SeenIndex:
    """Read side: look keys up in the index of ``output_dir`` (local or any Beam filesystem)."""

    def __init__(self, output_dir: str, params: dict):
        self.dir = index_dir(output_dir)
        self.params = params
        self._offsets: dict[str, object] = {}  # segments never change: their offsets are read once
        self._load()

    def _load(self) -> None:
        self.root = read_json(FileSystems.join(self.dir, ROOT_FILE)) or empty_root(self.params)
        check_params(self.root, self.params, self.dir)
        self.version = self.root.get("version", seen_v1.VERSION)
        self.segments = list(self.root.get("segments") or ()) if self.version == FORMAT_VERSION else []
        folded = set(self.root.get("garbage") or ())  # folded already, deleted after the switch
        names, documents = seen_journal.read_journal(self.dir, IO_THREADS)
        kept = [(name, doc) for name, doc in zip(names, documents) if name not in folded]
        for name, document in kept:
            check_params(document, self.params, FileSystems.join(self.dir, name))
        self.journal_names = [name for name, _doc in kept]
        self.journal = seen_journal.journal_rows([doc for _name, doc in kept])

    def _reads(self, entry: dict, keys: set[str]) -> list:
        path = FileSystems.join(self.dir, entry["file"])
        blocks = {seen_segments.block_of(key, entry["bits"]) for key in keys}
        if entry["size"] <= seen_segments.RANGE_BUFFER_BYTES or len(blocks) >= (1 << entry["bits"]) // 2:
            return seen_segments.block_reads(path, entry, blocks)  # small, or most of it: one whole read
        return seen_segments.block_reads(path, entry, blocks, self._offsets[entry["file"]])

    def _segment_rows(self, keys: set[str]) -> list[list[list]]:
        """Raw rows of each segment (oldest first) in the blocks of ``keys``: offsets first, then the blocks."""
        tables = [entry for entry in self.segments if entry["file"] not in self._offsets
                  and entry["size"] > seen_segments.RANGE_BUFFER_BYTES]
        read = seen_segments.read_many([lambda e=e: seen_segments.read_offsets(
            FileSystems.join(self.dir, e["file"]), e) for e in tables], IO_THREADS)
        self._offsets.update((entry["file"], offsets) for entry, offsets in zip(tables, read))
        reads = [self._reads(entry, keys) for entry in self.segments]
        rows = iter(seen_segments.read_many([job for jobs in reads for job in jobs], IO_THREADS))
        return [[raw for _job in jobs for raw in next(rows)] for jobs in reads]

    def _history_rows(self, keys: set[str]) -> list[list[list]]:
        """Raw rows, oldest source first, of every stored key in ``keys`` (and others sharing their blocks)."""
        if self.version != FORMAT_VERSION:
            paths = seen_v1.shards_of(self.dir, self.root, keys)
            return seen_segments.read_many([lambda p=p: seen_v1.read_shard(p) for p in paths], IO_THREADS)
        for attempt in range(READ_ATTEMPTS):
            try:
                return self._segment_rows(keys)
            except (FileNotFoundError, IOError):
                if attempt == READ_ATTEMPTS - 1:
                    raise
                LOG.info("a segment of %s was merged away while it was read; reading the new index", self.dir)
                self._load()
        raise AssertionError("unreachable")

    def lookup(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[SeenRow]]:
        """(kind, key) -> the rows stored under it, oldest first; keys not stored are absent."""
        wanted = set(keys)
        if not wanted:
            return {}
        found: dict[tuple[str, str], dict[str, list]] = {}
        for raws in self._history_rows({key for _kind, key in wanted}):
            _merge_into(found, raws, wanted)
        _merge_into(found, self.journal, wanted)
        return {kind_key: [_row(raw) for raw in rows.values()] for kind_key, rows in found.items()}


def apply_rows(output_dir: str, run_id: str, rows: Iterable[SeenRow], params: dict, *,
               merge_limit: int | None = INLINE_MERGE_ROWS) -> bool:
    """Add a committed run's rows, and the journal's, to the index; False when this run's rows are already in.

    Call under the output lock, from the commit protocol (which redoes it after a crash:
    files of an attempt that did not reach its switch are written again under the same
    names, or deleted as unnamed).  ``merge_limit``: the largest merge to do (None: any,
    as ``news-ingest compact`` does).  A version-1 index becomes one segment here.
    """
    index = SeenIndex(output_dir, params)
    root = index.root
    if root.get("last_run") == run_id:
        _delete_unnamed(index.dir, root)
        return False
    new = index.journal + [_raw(row) for row in rows]
    segments, seq = list(index.segments), int(root.get("seq") or 0)
    if index.version != FORMAT_VERSION:
        LOG.warning("%s: migrating the seen-key index from version %s to %d", index.dir, index.version, FORMAT_VERSION)
        shards = seen_v1.live_shards(index.dir, root)
        old = seen_segments.read_many([lambda p=p: seen_v1.read_shard(p) for p in shards], IO_THREADS)
        new = [raw for raws in old for raw in raws] + new
    sizes = [entry["rows"] for entry in segments] + ([len(new)] if new else [])
    first = merge_plan(sizes, merge_limit)
    if first is not None:
        seq += 1
        inputs = [(FileSystems.join(index.dir, entry["file"]), entry) for entry in segments[first:]]
        entry = seen_segments.write_merged(FileSystems.join(index.dir, segment_file(seq)), inputs, new)
        segments = segments[:first] + [dict(entry, file=segment_file(seq))]
    elif new:
        seq += 1
        entry = seen_segments.write_segment(FileSystems.join(index.dir, segment_file(seq)), new)
        segments.append(dict(entry, file=segment_file(seq)))
    pause_point("seen:segments_written")
    new_root = {"version": FORMAT_VERSION, "params": params, "segments": segments, "seq": seq,
                "last_run": run_id, "garbage": index.journal_names}
    write_json_atomic(FileSystems.join(index.dir, ROOT_FILE), new_root)
    _delete_unnamed(index.dir, new_root)
    return True


def merge_due(output_dir: str) -> bool:
    """Whether the index needs a merge larger than a run's commit does, or its migration (for ``compact``)."""
    root = read_json(FileSystems.join(index_dir(output_dir), ROOT_FILE))
    if root is None:
        return False
    return (root.get("version") != FORMAT_VERSION
            or merge_plan([entry["rows"] for entry in root.get("segments") or ()], None) is not None)


def record_unlocked(output_dir: str, run_id: str, rows: Iterable[SeenRow], params: dict) -> str:
    """Add a commit's rows without the output lock (a streaming window): a journal file of its own.

    Safe when several commits do it at once; lookups see the rows at once, the next
    ``apply_rows`` folds them into a segment.  Returns the journal file's path.
    """
    return seen_journal.write_journal(index_dir(output_dir), run_id, [_raw(row) for row in rows], params)


def _delete_unnamed(directory: str, root: dict) -> None:
    """Delete the folded journal files, and every segment (or version-1 shard) the root does not name."""
    garbage = list(root.get("garbage") or [])
    if root.get("version") != FORMAT_VERSION:  # a version-1 root: its own garbage only
        seen_journal.delete_files(directory, garbage)
        return
    named = {entry["file"] for entry in root.get("segments") or ()}
    listed = FileSystems.match([FileSystems.join(directory, SEGMENT_PATTERN + "*"),
                                FileSystems.join(directory, seen_v1.SHARD_PATTERN)])
    unnamed = [meta.path.rsplit("/", 1)[-1] for result in listed for meta in result.metadata_list]
    seen_journal.delete_files(directory, [name for name in unnamed if name not in named] + garbage)


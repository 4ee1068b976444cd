"""Segment files of the seen-key index: immutable, hash-ordered rows found by ranged reads.

A segment holds index rows (``seen_index``'s raw rows: ``[kind, key, article_id]``, id
rows also ``root_id`` and the base64 signature) ordered by a 64-bit hash of their key,
cut into ``2**bits`` blocks by the hash's top ``bits`` bits (``bits`` chosen so that a
block holds about ``BLOCK_ROWS`` rows).  On disk::

    block 0 | block 1 | ... | block 2**bits - 1 | offsets (2**bits + 1 little-endian uint32)

each block zlib-compressed compact JSON of its rows (an empty block is 0 bytes).  The
index root (``INDEX.json``) records each segment's ``bits`` and byte ``size``, so a reader
knows where the offsets are without a first read: a lookup reads the offsets, then only
the blocks its keys fall in (``block_reads``), however large the segment.  A merge
(``write_merged``) goes block by block: it decodes one block of each input at a time.

Rows of one (kind, key) keep their order (oldest first) in every step: rows are sorted
by hash stably, and a merge takes its inputs oldest first; a row for the same (kind, key,
article) as an older one replaces it in place (``merge_rows``).
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import math
import zlib
from typing import Iterable, Iterator

import numpy as np
from apache_beam.io.filesystems import FileSystems

from transforms.storage import atomic_create

# Rows per block: a lookup of one key reads one block (~1.5 KiB), and the whole table of offsets
# (4 bytes a block): docs/benchmarks.md, "The seen-key index", for 32 against 128.
BLOCK_ROWS = 32
_OFFSET = np.dtype("<u4")
# A lookup reads the whole segment at once when its keys need more than this share of it.
WHOLE_FILE_SHARE = 0.25
# Ranged reads closer than this are read as one.
COALESCE_BYTES = 1024
RANGE_BUFFER_BYTES = 64 * 1024
# Ranges one reader reads in turn; a lookup's readers run in parallel (object stores: latency).
RANGES_PER_READ = 4


def key_hash(key: str) -> int:
    """The 64-bit number that places a key: its first 16 hex digits (ids, content hashes and
    band keys are sha256 or blake2b hex already), else a hash of it (any other string)."""
    if len(key) >= 16:
        try:
            return int(key[:16], 16)
        except ValueError:
            pass
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def block_of(key: str, bits: int) -> int:
    return key_hash(key) >> (64 - bits) if bits else 0


def bits_for(rows: int) -> int:
    return max(0, math.ceil(math.log2(rows / BLOCK_ROWS))) if rows > BLOCK_ROWS else 0


def table_bytes(bits: int) -> int:
    return ((1 << bits) + 1) * _OFFSET.itemsize


def merge_rows(old: Iterable[list], new: Iterable[list]) -> list[list]:
    """Raw rows: ``old`` then ``new``; a row for the same (kind, key, article) is replaced in place."""
    merged = {(r[0], r[1], r[2]): r for r in old}
    for raw in new:
        merged[(raw[0], raw[1], raw[2])] = raw
    return list(merged.values())


def _encode_block(raws: list[list]) -> bytes:
    if not raws:
        return b""
    return zlib.compress(json.dumps(raws, separators=(",", ":")).encode("utf-8"), 1)


def _decode_block(data: bytes) -> list[list]:
    return json.loads(zlib.decompress(data)) if data else []


class SegmentWriter:
    """Writes blocks in order to ``path`` (atomically), then the offsets; returns (bits, size) on close."""

    def __init__(self, handle, bits: int):
        self.handle, self.bits = handle, bits
        self.offsets = [0]

    def add_block(self, raws: list[list]) -> None:
        data = _encode_block(raws)
        self.handle.write(data)
        self.offsets.append(self.offsets[-1] + len(data))

    def finish(self) -> tuple[int, int]:
        if self.offsets[-1] >= 2 ** 32:
            raise ValueError("a seen-index segment past 4 GiB: its offsets are 32-bit")
        self.handle.write(np.asarray(self.offsets, dtype=_OFFSET).tobytes())
        return self.bits, self.offsets[-1] + table_bytes(self.bits)


def _blocks(raws: list[list], bits: int, first: int = 0, count: int | None = None) -> list[list[list]]:
    """``raws`` cut into blocks ``first .. first + count - 1`` of ``2**bits``, each ordered by key
    hash (stable: same-key rows keep their order)."""
    blocks: list[list[tuple[int, list]]] = [[] for _ in range(1 << bits if count is None else count)]
    for raw in raws:
        value = key_hash(raw[1])
        blocks[(value >> (64 - bits) if bits else 0) - first].append((value, raw))
    return [[raw for _value, raw in sorted(block, key=lambda pair: pair[0])] for block in blocks]


def write_segment(path: str, raws: list[list]) -> dict:
    """A new segment of ``raws`` (merged: no two rows for one (kind, key, article)); returns its root entry."""
    raws = merge_rows([], raws)
    bits = bits_for(len(raws))
    with atomic_create(path) as handle:
        writer = SegmentWriter(handle, bits)
        for block in _blocks(raws, bits):
            writer.add_block(block)
        bits, size = writer.finish()
    return {"rows": len(raws), "bits": bits, "size": size}


def _read_ranges(path: str, ranges: list[tuple[int, int]]) -> list[bytes]:
    """The bytes of each (start, end) range of ``path``, ranges ascending and disjoint."""
    with open_ranged(path) as handle:
        out = []
        for start, end in ranges:
            handle.seek(start)
            out.append(handle.read(end - start))
    return out


def open_ranged(path: str):
    """A seekable reader of ``path`` that fetches only what is read.

    Beam's gs:// reader fetches 16 MiB from each position it is seeked to; asked through
    its GcsIO for a small buffer, a ranged read of a block is one small GET.  Other
    filesystems (local files, memfs in tests) seek natively.
    """
    filesystem = FileSystems.get_filesystem(path)
    if hasattr(filesystem, "_gcsIO"):
        return filesystem._gcsIO().open(path, "rb", read_buffer_size=RANGE_BUFFER_BYTES)
    return FileSystems.open(path, compression_type="uncompressed")


def read_offsets(path: str, entry: dict) -> np.ndarray:
    (table,) = _read_ranges(path, [(entry["size"] - table_bytes(entry["bits"]), entry["size"])])
    return np.frombuffer(table, dtype=_OFFSET)


def block_reads(path: str, entry: dict, blocks: set[int], offsets: np.ndarray | None = None) -> list:
    """Zero-argument functions that together return the rows of ``blocks`` of one segment, in stored order.

    Without ``offsets`` (the segment's table), or when the blocks are most of the segment,
    one function reads the whole file.  Otherwise blocks closer than ``COALESCE_BYTES`` are
    read as one range, and each function reads up to ``RANGES_PER_READ`` ranges, so that
    on an object store the ranges of a lookup are read in parallel (``read_many``).
    """
    if not blocks:
        return []
    size, table = entry["size"], table_bytes(entry["bits"])
    spans = [(int(offsets[b]), int(offsets[b + 1])) for b in sorted(blocks)] if offsets is not None else []
    if offsets is None or sum(end - start for start, end in spans) >= WHOLE_FILE_SHARE * size:
        def whole():
            (data,) = _read_ranges(path, [(0, size)])
            whole_offsets = np.frombuffer(data[size - table:], dtype=_OFFSET)
            return [raw for b in sorted(blocks) for raw in _decode_block(data[whole_offsets[b]:whole_offsets[b + 1]])]
        return [whole]
    ranges: list[list] = []  # [start, end, [block spans in it]]
    for start, end in spans:
        if start == end:
            continue
        if ranges and start - ranges[-1][1] <= COALESCE_BYTES:
            ranges[-1][1] = end
            ranges[-1][2].append((start, end))
        else:
            ranges.append([start, end, [(start, end)]])

    def read(group):
        datas = _read_ranges(path, [(start, end) for start, end, _spans in group])
        return [raw for (first, _end, inner), data in zip(group, datas)
                for start, end in inner for raw in _decode_block(data[start - first:end - first])]
    return [lambda group=ranges[i:i + RANGES_PER_READ]: read(group) for i in range(0, len(ranges), RANGES_PER_READ)]


def iter_blocks(path: str, entry: dict) -> Iterator[list[list]]:
    """Every block's rows of one segment, in order (one read of the whole file)."""
    (data,) = _read_ranges(path, [(0, entry["size"])])
    offsets = np.frombuffer(data[entry["size"] - table_bytes(entry["bits"]):], dtype=_OFFSET)
    for b in range(1 << entry["bits"]):
        yield _decode_block(data[offsets[b]:offsets[b + 1]])


def write_merged(path: str, inputs: list[tuple[str, dict]], extra: list[list] = ()) -> dict:
    """One segment of the rows of ``inputs`` ((path, entry), oldest first) and then ``extra``.

    Block by block: each output block is built from the one block of each input that covers
    it (inputs have no more bits than the output), so memory holds the inputs' compressed
    bytes and one decoded block of each, not every row decoded.
    """
    rows = sum(entry["rows"] for _path, entry in inputs) + len(extra)
    bits = max([bits_for(rows)] + [entry["bits"] for _path, entry in inputs])
    extra_blocks = _blocks(merge_rows([], extra), bits)
    sources = [(iter_blocks(p, entry), entry["bits"]) for p, entry in inputs]
    current: list[list[list[list]]] = [[] for _ in sources]
    written = 0
    with atomic_create(path) as handle:
        writer = SegmentWriter(handle, bits)
        for out_block in range(1 << bits):
            parts = []
            for i, (blocks, in_bits) in enumerate(sources):
                spread = 1 << (bits - in_bits)  # output blocks per input block
                if out_block % spread == 0:
                    current[i] = _blocks(next(blocks), bits, out_block, spread)  # one input block, cut as the output's
                parts += current[i][out_block % spread]
            merged = merge_rows([], parts + extra_blocks[out_block])
            written += len(merged)
            writer.add_block(_blocks(merged, 0)[0])
        bits, size = writer.finish()
    return {"rows": written, "bits": bits, "size": size}


def read_many(jobs: list, threads: int) -> list:
    """Run zero-argument read functions on ``threads`` threads (object stores: latency, not bandwidth)."""
    if len(jobs) <= 1:
        return [job() for job in jobs]
    with concurrent.futures.ThreadPoolExecutor(min(threads, len(jobs))) as pool:
        return list(pool.map(lambda job: job(), jobs))

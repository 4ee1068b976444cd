"""``WriteDatasets``: Parquet datasets with explicit schemas, Hive-style partitions, no empty files.

Layout under the output directory, the same for batch runs and streaming windows::

    <dataset>/ingest_date=YYYY-MM-DD/part-<STAMP>-<run_id>-<shard>.parquet

``STAMP`` (``YYYYMMDDTHHMMSSZ``, UTC) is the run's start in batch and the window's start
when streaming.  The name is a pure function of (stamp, run, partition, shard), so a
retried bundle overwrites its own file instead of adding a second copy of its rows, and
each file appears whole (``transforms.storage``).

Why not Beam's ``WriteToParquet``: it cannot route rows to a partition folder by their own
date, and it writes a file even for a dataset with no rows, which at one run every 15
minutes is tens of thousands of empty files a year.  Here a file exists only for a
(partition, shard) group that has rows.  Files are zstd compressed with Parquet's
standard (``element``-named) nested list layout, which BigQuery reads as REPEATED fields.
"""
from __future__ import annotations

import datetime as dt
import itertools
import pickle
import zlib
from typing import Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from schemas import schema_for
from transforms import progress
from transforms.crash_points import pause_point
from transforms.storage import write_parquet_atomic

# One file per partition per run (or window) keeps file counts low for frequent small runs;
# `news-ingest compact` later merges a day's files into warehouse-sized ones.
DEFAULT_SHARDS = 1


def stamp_text(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def part_file_name(stamp: dt.datetime, run_id: str, shard: int, pane_index: int = 0) -> str:
    """``part-<STAMP>-<run_id>[-p<pane>]-<shard>.parquet``; late panes of a window get their own file."""
    pane_part = f"-p{pane_index}" if pane_index else ""
    return f"part-{stamp_text(stamp)}-{run_id}{pane_part}-{shard:05d}.parquet"


# Rows are turned into Arrow this many at a time, so a file's rows never all exist as Python
# objects at once (they take several times their size in Arrow or pickled).  Writing the
# 1,500-article run's articles file raised a process's resident size by 149 MiB with 1,000
# rows at a time, 78 MiB with 200 (issue 10, round 4); Arrow's share is ~7 MiB per 1,000.
ARROW_CHUNK_ROWS = 100


def write_parquet_file(path: str, rows, dataset: str) -> None:
    """Write ``rows`` (an iterable of dicts) as one Parquet file of ``dataset``'s schema at
    ``path`` (any Beam filesystem)."""
    import pyarrow as pa

    schema = schema_for(dataset)
    rows = iter(rows)
    tables = []
    while chunk := list(itertools.islice(rows, ARROW_CHUNK_ROWS)):
        tables.append(pa.Table.from_pylist(chunk, schema=schema))
    write_parquet_atomic(path, pa.concat_tables(tables) if tables else schema.empty_table())


def encode_row(row: dict) -> bytes:
    """A row as it crosses the write stage's GroupByKey (see ``WritePartitionedDataset``)."""
    return pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)


def decode_rows(encoded) -> Iterator[dict]:
    return (pickle.loads(data) for data in encoded)


def stable_shard(row: dict, shards: int) -> int:
    # crc32, not hash(): str hashes differ between worker processes, shard numbers must not.
    key = row.get("article_id") or row.get("source_uri") or ""
    return zlib.crc32(key.encode("utf-8")) % shards


class _WriteGroupFn(beam.DoFn):
    """((partition, shard), rows) -> one Parquet file; yields its path."""

    def __init__(self, output_dir: str, dataset: str, run_id: str, stamp: dt.datetime | None):
        self._output_dir = output_dir
        self._dataset = dataset
        self._run_id = run_id
        self._stamp = stamp

    def process(self, element, window=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        (partition, shard), encoded_rows = element
        if isinstance(window, beam.transforms.window.IntervalWindow):
            stamp = window.start.to_utc_datetime().replace(tzinfo=dt.timezone.utc)
        else:
            stamp = self._stamp
        name = part_file_name(stamp, self._run_id, shard, getattr(pane, "index", 0) or 0)
        path = FileSystems.join(self._output_dir, self._dataset, partition, name)
        encoded_rows = list(encoded_rows)
        write_parquet_file(path, decode_rows(encoded_rows), self._dataset)
        if self._dataset == "articles":  # what the launcher's progress line calls "written"
            progress.add("written", len(encoded_rows))
        pause_point("write")  # crash tests kill the run here (transforms.crash_points)
        yield path

    def finish_bundle(self):
        progress.flush()


class WritePartitionedDataset(beam.PTransform):
    """(partition, row) pairs -> Parquet files per partition and shard; returns the written paths.

    ``stamp`` names the files of unwindowed (batch) input; windowed input is named after
    each window's start.

    Rows cross the GroupByKey pickled (``encode_row``).  The local runner keeps every value
    of a grouping in memory until its group is written, decoded into Python objects unless
    it is bytes; as dicts, lists and strings a row takes several times its pickle's size.  A
    1,500-article run's worker rose by ~170 MiB when the NLP stage handed its rows over
    (docs/benchmarks.md, issue 10 round 3).
    """

    def __init__(self, output_dir: str, dataset: str, run_id: str, stamp: dt.datetime | None = None,
                 shards: int = DEFAULT_SHARDS):
        super().__init__()
        self._fn = _WriteGroupFn(output_dir, dataset, run_id, stamp)
        self._shards = shards

    def expand(self, pairs):
        shards = self._shards
        return (pairs
                | "ShardKey" >> beam.Map(lambda pr: ((pr[0], stable_shard(pr[1], shards)), encode_row(pr[1])))
                | "Group" >> beam.GroupByKey()
                | "WriteFiles" >> beam.ParDo(self._fn))


class WriteDatasets(beam.PTransform):
    """{dataset: (partition, row)} (from ``front_end.ShapeRows``) -> {dataset: written paths}.

    The run manifest waits on the returned paths, so it is only written after the data.
    """

    def __init__(self, output_dir: str, run_id: str, stamp: dt.datetime | None = None,
                 shards: int = DEFAULT_SHARDS):
        super().__init__()
        self._output_dir = output_dir
        self._run_id = run_id
        self._stamp = stamp
        self._shards = shards

    def expand(self, shaped):
        return {name: pairs | f"Write_{name}" >> WritePartitionedDataset(
                    self._output_dir, name, self._run_id, self._stamp, self._shards)
                for name, pairs in shaped.items()}

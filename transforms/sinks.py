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
import zlib

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


def write_parquet_file(path: str, rows: list[dict], dataset: str) -> None:
    """Write ``rows`` as one Parquet file of ``dataset``'s schema at ``path`` (any Beam filesystem)."""
    import pyarrow as pa

    write_parquet_atomic(path, pa.Table.from_pylist(rows, schema=schema_for(dataset)))


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
        (partition, shard), rows = element
        if isinstance(window, beam.transforms.window.IntervalWindow):
            stamp = window.start.to_utc_datetime().replace(tzinfo=dt.timezone.utc)
        else:
            stamp = self._stamp
        name = part_file_name(stamp, self._run_id, shard, getattr(pane, "index", 0) or 0)
        path = FileSystems.join(self._output_dir, self._dataset, partition, name)
        rows = list(rows)
        write_parquet_file(path, rows, self._dataset)
        if self._dataset == "articles":  # what the launcher's progress line calls "written"
            progress.add("written", len(rows))
        pause_point("write")  # crash tests kill the run here (transforms.crash_points)
        yield path

    def finish_bundle(self):
        progress.flush()


class WritePartitionedDataset(beam.PTransform):
    """(partition, row) pairs -> Parquet files per partition and shard; returns the written paths.

    ``stamp`` names the files of unwindowed (batch) input; windowed input is named after
    each window's start.
    """

    def __init__(self, output_dir: str, dataset: str, run_id: str, stamp: dt.datetime | None = None,
                 shards: int = DEFAULT_SHARDS):
        super().__init__()
        self._fn = _WriteGroupFn(output_dir, dataset, run_id, stamp)
        self._shards = shards

    def expand(self, pairs):
        shards = self._shards
        return (pairs
                | "ShardKey" >> beam.Map(lambda pr: ((pr[0], stable_shard(pr[1], shards)), pr[1]))
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

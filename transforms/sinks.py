"""``WriteDatasets``: Parquet datasets with explicit schemas, Hive-style partitions, no empty files.

Layout under the output directory, the same for batch runs and streaming windows::

    <dataset>/ingest_date=YYYY-MM-DD/part-<STAMP>-<run_id>-<shard>.parquet

``STAMP`` (``YYYYMMDDTHHMMSSZ``, UTC) is the run's start in batch and the window's start
when streaming.  The name is a pure function of (stamp, run, partition, shard), so a
retried bundle overwrites its own file instead of adding a second copy of its rows, and
each file appears whole (``transforms.storage``).

Rows reach their file in two steps (``WritePartitionedDataset``): where they are made, each
bundle stages them as Parquet parts of a few MiB under ``<output>/_parts/`` (in a batch
run that is the run's staging folder, deleted by the commit); only the parts' names are
grouped, and each (partition, shard)'s parts are merged into its one file, row group by
row group.  No step holds a whole dataset's rows, however large the run.

Why not Beam's ``WriteToParquet``: it cannot route rows to a partition folder by their own
date, and it writes a file even for a dataset with no rows, which at one run every 15
minutes is tens of thousands of empty files a year.  Here a file exists only for a
(partition, shard) group that has rows.  Files are zstd compressed with Parquet's
standard (``element``-named) nested list layout, which BigQuery reads as REPEATED fields.
"""
from __future__ import annotations

import datetime as dt
import uuid
import zlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.utils.windowed_value import WindowedValue

from schemas import schema_for
from transforms import progress
from transforms.crash_points import pause_point
from transforms.storage import merge_parquet_atomic, write_parquet_atomic

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

# A staged part is written once a (partition, shard) of a bundle has gathered this much Arrow,
# and the run's file is cut into row groups of this much: what a worker holds of a dataset's
# rows at any moment, whatever the size of the run (issue 10, round 5).
PART_BYTES = 4 * 2**20
ROW_GROUP_BYTES = 16 * 2**20

# Staged parts go under the run's staging folder, beside (not inside) the datasets' folders
# there: the commit moves only the files the manifest lists and deletes the rest with the folder.
PARTS_DIR = "_parts"


class ArrowRows:
    """Rows of one dataset gathered as Arrow, ``ARROW_CHUNK_ROWS`` dicts at a time."""

    def __init__(self, dataset: str):
        self.schema = schema_for(dataset)
        self._rows: list[dict] = []
        self._tables: list = []
        self.nbytes = 0

    def add(self, row: dict) -> None:
        self._rows.append(row)
        if len(self._rows) >= ARROW_CHUNK_ROWS:
            self._convert()

    def _convert(self) -> None:
        import pyarrow as pa

        if self._rows:
            table = pa.Table.from_pylist(self._rows, schema=self.schema)
            self._tables.append(table)
            self.nbytes += table.nbytes
            self._rows = []

    def table(self):
        import pyarrow as pa

        self._convert()
        return pa.concat_tables(self._tables) if self._tables else self.schema.empty_table()


def write_parquet_file(path: str, rows, dataset: str) -> None:
    """Write ``rows`` (an iterable of dicts) as one Parquet file of ``dataset``'s schema at
    ``path`` (any Beam filesystem)."""
    gathered = ArrowRows(dataset)
    for row in rows:
        gathered.add(row)
    write_parquet_atomic(path, gathered.table())


def stable_shard(row: dict, shards: int) -> int:
    # crc32, not hash(): str hashes differ between worker processes, shard numbers must not.
    key = row.get("article_id") or row.get("source_uri") or ""
    return zlib.crc32(key.encode("utf-8")) % shards


def staged_part_path(output_dir: str, dataset: str, partition: str, bundle: str, number: int) -> str:
    """Where a bundle's ``number``-th part of ``dataset`` and ``partition`` is staged.

    ``bundle`` is unique per bundle attempt: a retried bundle writes new parts, and only the
    names a committed bundle emitted are merged; the others go with the staging folder.
    """
    return FileSystems.join(output_dir, PARTS_DIR, dataset, partition, f"{bundle}-{number:05d}.parquet")


class _StagePartsFn(beam.DoFn):
    """(partition, row) -> staged Parquet parts; yields ((partition, shard), part path) per part.

    Runs fused with the stage that makes the rows (the NLP, for articles, entities and
    quotes), so only part names cross the GroupByKey to ``_WriteGroupFn``: the local runner
    keeps a stage's outputs in memory until the stage ends and decodes a grouping whole,
    which made a one-worker run's memory grow with its articles (docs/benchmarks.md, issue
    10 round 5).
    """

    def __init__(self, output_dir: str, dataset: str, shards: int):
        self._output_dir = output_dir
        self._dataset = dataset
        self._shards = shards

    def start_bundle(self):
        self._bundle = uuid.uuid4().hex
        self._parts = 0
        self._open: dict[tuple, ArrowRows] = {}  # (window, partition, shard) -> rows gathered

    def process(self, pair, window=beam.DoFn.WindowParam):
        partition, row = pair
        key = (window, partition, stable_shard(row, self._shards))
        gathered = self._open.get(key)
        if gathered is None:
            gathered = self._open[key] = ArrowRows(self._dataset)
        gathered.add(row)
        if gathered.nbytes >= PART_BYTES:
            yield self._write(key, self._open.pop(key))

    def finish_bundle(self):
        for key in sorted(self._open, key=lambda k: k[1:]):
            yield WindowedValue(self._write(key, self._open[key]), key[0].max_timestamp(), [key[0]])
        self._open = {}

    def _write(self, key, gathered: ArrowRows):
        _window, partition, shard = key
        path = staged_part_path(self._output_dir, self._dataset, partition, self._bundle, self._parts)
        self._parts += 1
        write_parquet_atomic(path, gathered.table())
        pause_point("part")  # crash tests kill the run here (transforms.crash_points)
        return (partition, shard), path


class _WriteGroupFn(beam.DoFn):
    """((partition, shard), staged part paths) -> one Parquet file of their rows; yields its path."""

    def __init__(self, output_dir: str, dataset: str, run_id: str, stamp: dt.datetime | None):
        self._output_dir = output_dir
        self._dataset = dataset
        self._run_id = run_id
        self._stamp = stamp

    def process(self, element, window=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        (partition, shard), parts = element
        if isinstance(window, beam.transforms.window.IntervalWindow):
            stamp = window.start.to_utc_datetime().replace(tzinfo=dt.timezone.utc)
        else:
            stamp = self._stamp
        name = part_file_name(stamp, self._run_id, shard, getattr(pane, "index", 0) or 0)
        path = FileSystems.join(self._output_dir, self._dataset, partition, name)
        # Sorted: a bundle's parts keep their order, and the same parts make the same file.
        rows = merge_parquet_atomic(path, sorted(parts), schema_for(self._dataset), ROW_GROUP_BYTES)
        if self._dataset == "articles":  # what the launcher's progress line calls "written"
            progress.add("written", rows)
        pause_point("write")  # crash tests kill the run here (transforms.crash_points)
        yield path

    def finish_bundle(self):
        progress.flush()


class WritePartitionedDataset(beam.PTransform):
    """(partition, row) pairs -> Parquet files per partition and shard; returns the written paths.

    ``stamp`` names the files of unwindowed (batch) input; windowed input is named after
    each window's start.

    Rows are staged as Parquet parts where they are made (``_StagePartsFn``), and only the
    parts' names are grouped; each group's parts are then merged, row group by row group,
    into the partition's file.  Before, the rows themselves crossed the GroupByKey, and the
    local runner held every one of them until the write stage (docs/benchmarks.md, issue 10
    rounds 3-5).  The parts stay in the staging folder until the commit deletes it.
    """

    def __init__(self, output_dir: str, dataset: str, run_id: str, stamp: dt.datetime | None = None,
                 shards: int = DEFAULT_SHARDS):
        super().__init__()
        self._stage = _StagePartsFn(output_dir, dataset, shards)
        self._fn = _WriteGroupFn(output_dir, dataset, run_id, stamp)

    def expand(self, pairs):
        return (pairs
                | "StageParts" >> beam.ParDo(self._stage)
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

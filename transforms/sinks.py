"""``WriteDatasets``: Parquet datasets with explicit schemas, Hive-style partitions, no empty files.

Layout under the output directory, the same for batch runs and streaming windows::

    <dataset>/ingest_date=YYYY-MM-DD/part-<STAMP>-<run_id>-<shard>.parquet

``STAMP`` (``YYYYMMDDTHHMMSSZ``, UTC) is the run's start in batch and the window's start
when streaming.  The name is a pure function of (stamp, run, partition, shard), so a
retried bundle overwrites its own file instead of adding a second copy of its rows, and
each file appears whole (``transforms.storage``).

Rows reach their file in two steps (``WritePartitionedDataset``): where they are made, each
bundle appends them to a part per (partition, shard) under ``<output>/_parts/`` (in a batch
run that is the run's staging folder, deleted by the commit); only the parts' names are
grouped, and each (partition, shard)'s parts are read back into its one file, row group by
row group.  No step holds a whole dataset's rows, however large the run.

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
import uuid
import zlib

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.utils.windowed_value import WindowedValue

from schemas import schema_for
from transforms import progress
from transforms.crash_points import pause_point
from transforms.storage import ensure_parent, write_parquet_atomic, write_row_groups_atomic

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

# Row groups of a run's file are cut at this much Arrow: what the merge holds of a dataset's
# rows at any moment, whatever the size of the run (issue 10, round 5).
ROW_GROUP_BYTES = 16 * 2**20

# Staged parts go under the output folder's _parts/ (in a batch run: the run's staging
# folder), beside the datasets' folders: the commit moves only the files the manifest lists
# and deletes the rest with the staging folder.
PARTS_DIR = "_parts"


def arrow_chunks(rows, dataset: str):
    """Arrow tables of ``dataset``'s schema from ``rows`` (an iterable of dicts),
    ``ARROW_CHUNK_ROWS`` rows each."""
    import pyarrow as pa

    schema = schema_for(dataset)
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, ARROW_CHUNK_ROWS)):
        yield pa.Table.from_pylist(chunk, schema=schema)


def write_parquet_file(path: str, rows, dataset: str) -> None:
    """Write ``rows`` (an iterable of dicts) as one Parquet file of ``dataset``'s schema at
    ``path`` (any Beam filesystem), in one row group."""
    import pyarrow as pa

    tables = list(arrow_chunks(rows, dataset))
    write_parquet_atomic(path, pa.concat_tables(tables) if tables else schema_for(dataset).empty_table())


def stable_shard(row: dict, shards: int) -> int:
    # crc32, not hash(): str hashes differ between worker processes, shard numbers must not.
    key = row.get("article_id") or row.get("source_uri") or ""
    return zlib.crc32(key.encode("utf-8")) % shards


def staged_part_path(output_dir: str, dataset: str, partition: str, bundle: str, shard: int) -> str:
    """Where a bundle's rows of one (dataset, partition, shard) are staged.

    ``bundle`` is unique per bundle attempt: a retried bundle writes new parts, and only the
    parts a committed bundle named are merged; the others go with the staging folder.
    """
    return FileSystems.join(output_dir, PARTS_DIR, dataset, partition, f"{bundle}-{shard:05d}.rows")


def read_part_rows(paths):
    """The rows of staged parts, in order, one at a time."""
    for path in paths:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            while True:
                try:
                    yield pickle.load(handle)
                except EOFError:
                    break


class _StagePartsFn(beam.DoFn):
    """(partition, row) -> a staged part per (partition, shard) and bundle; yields ((partition, shard), part path).

    Each row is appended to its part, pickled, as it comes.  Runs fused with the stage that
    makes the rows (the NLP, for articles, entities and quotes), so only part names cross
    the GroupByKey to ``_WriteGroupFn``: the local runner keeps a stage's outputs in memory
    until the stage ends and decodes a grouping whole, so a one-worker run held every row of
    the run at once (docs/benchmarks.md, issue 10 rounds 3-5).  Parts are not Parquet: that
    would bring pyarrow (its libraries and pool) into the NLP stage, whose peak is the run's.
    """

    def __init__(self, output_dir: str, dataset: str, shards: int):
        self._output_dir = output_dir
        self._dataset = dataset
        self._shards = shards

    def start_bundle(self):
        self._bundle = uuid.uuid4().hex
        self._open: dict[tuple, tuple[str, object]] = {}  # (window, partition, shard) -> (path, handle)

    def process(self, pair, window=beam.DoFn.WindowParam):
        partition, row = pair
        key = (window, partition, stable_shard(row, self._shards))
        part = self._open.get(key)
        if part is None:
            path = staged_part_path(self._output_dir, self._dataset, partition, self._bundle, key[2])
            ensure_parent(path)
            part = self._open[key] = (path, FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED))
        pickle.dump(row, part[1], protocol=pickle.HIGHEST_PROTOCOL)

    def finish_bundle(self):
        for (window, partition, shard), (path, handle) in self._open.items():
            handle.close()
            pause_point("part")  # crash tests kill the run here (transforms.crash_points)
            yield WindowedValue(((partition, shard), path), window.max_timestamp(), [window])
        self._open = {}

    def teardown(self):
        for _path, handle in getattr(self, "_open", {}).values():  # a failed bundle's: never merged
            handle.close()


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
        # Sorted: the same parts make the same file, whatever order they were grouped in.
        rows = write_row_groups_atomic(path, arrow_chunks(read_part_rows(sorted(parts)), self._dataset),
                                       schema_for(self._dataset), ROW_GROUP_BYTES)
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

    Rows are staged as parts where they are made (``_StagePartsFn``) and only the parts'
    names are grouped; each group's parts are then read back one row at a time into the
    partition's file, cut into row groups of ``ROW_GROUP_BYTES``.  Before, the rows
    themselves crossed the GroupByKey, and the local runner held every one of them until the
    write stage (docs/benchmarks.md, issue 10 rounds 3-5).  The parts stay in the staging
    folder until the commit deletes it.
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

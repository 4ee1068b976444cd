"""``WriteDatasets``: Parquet datasets with explicit schemas, Hive-style partitions.

Layout under the output directory::

    articles/ingest_date=YYYY-MM-DD/part-<run_id>-00000-of-00001.parquet
    entities/ingest_date=YYYY-MM-DD/part-<run_id>-....parquet
    quotes/ingest_date=YYYY-MM-DD/part-<run_id>-....parquet
    rejects/ingest_date=YYYY-MM-DD/part-<run_id>-....parquet

Beam's ``WriteToParquet`` writes to temporary files and renames them when the write
finalises, so a failed run leaves no half-written part files behind.  Files are zstd
compressed with Parquet's standard (``element``-named) nested list layout, which
BigQuery reads as REPEATED fields with list inference, and row groups are cut at 128 MB
of buffered data: large enough for warehouse scans, small enough for worker memory.
"""
from __future__ import annotations

import datetime as dt
import zlib

import apache_beam as beam
from apache_beam.io import parquetio
from apache_beam.io.filesystems import FileSystems

from schemas import schema_for
from transforms.rows import article_row, entity_rows, quote_rows, reject_row

ROW_GROUP_BUFFER_BYTES = 128 * 1024 * 1024
RECORD_BATCH_ROWS = 1000
CODEC = "zstd"


def partition_prefix(output_dir: str, dataset: str, ingest_date: dt.date, run_id: str) -> str:
    """File prefix of one run's part files in one dataset's Hive partition."""
    return FileSystems.join(output_dir, dataset, f"ingest_date={ingest_date.isoformat()}", f"part-{run_id}")


class WriteDataset(beam.PTransform):
    """Rows (dicts matching the dataset's schema) -> Parquet part files; returns written file names."""

    def __init__(self, output_dir: str, dataset: str, ingest_date: dt.date, run_id: str):
        super().__init__()
        self._prefix = partition_prefix(output_dir, dataset, ingest_date, run_id)
        self._schema = schema_for(dataset)

    def expand(self, rows):
        return rows | "WriteParquet" >> parquetio.WriteToParquet(
            self._prefix, schema=self._schema, codec=CODEC, file_name_suffix=".parquet",
            row_group_buffer_size=ROW_GROUP_BUFFER_BYTES, record_batch_size=RECORD_BATCH_ROWS,
            use_compliant_nested_type=True)


class WriteDatasets(beam.PTransform):
    """(articles, rejects) -> the articles, entities, quotes and rejects datasets.

    Returns a dict of PCollections of written file names per dataset, which the run
    manifest step waits on (so the manifest is only written after the data).
    """

    def __init__(self, output_dir: str, run_id: str, started_at: dt.datetime):
        super().__init__()
        self._output_dir = output_dir
        self._run_id = run_id
        self._started_at = started_at

    def expand(self, inputs):
        articles, rejects = inputs
        run_id, started_at = self._run_id, self._started_at
        date = started_at.date()

        def write(name, rows):
            return rows | f"Write_{name}" >> WriteDataset(self._output_dir, name, date, run_id)

        return {
            "articles": write("articles", articles | "ArticleRows" >> beam.Map(article_row, run_id)),
            "entities": write("entities", articles | "EntityRows" >> beam.FlatMap(entity_rows, run_id)),
            "quotes": write("quotes", articles | "QuoteRows" >> beam.FlatMap(quote_rows, run_id)),
            "rejects": write("rejects", rejects | "RejectRows" >> beam.Map(
                lambda reject: reject_row(reject, run_id, dt.datetime.now(dt.timezone.utc)))),
        }


# --- Streaming -----------------------------------------------------------------------
# WriteToParquet cannot route rows to a partition folder by their own date, so the
# streaming sink groups each window's rows by partition (and a small shard number, for
# parallelism) and writes one Parquet file per group itself.  File names are a pure
# function of (run, window, pane, partition, shard), so a retried bundle overwrites its
# own file instead of duplicating rows, and files appear by rename, whole.

STREAM_SHARDS = 4


def ingest_partition(stamp: dt.datetime) -> str:
    """Hive partition folder for a record ingested (or rejected) at ``stamp`` (UTC)."""
    return f"ingest_date={stamp.astimezone(dt.timezone.utc).date().isoformat()}"


def window_file_name(run_id: str, window, pane_index: int, shard: int) -> str:
    """``part-<run_id>-<window start>[-p<pane>]-<shard>.parquet``."""
    if isinstance(window, beam.transforms.window.IntervalWindow):
        window_part = window.start.to_utc_datetime().strftime("%Y%m%dT%H%M%SZ")
    else:  # the global window has no start time to name the file after
        window_part = "global"
    pane_part = f"-p{pane_index}" if pane_index else ""
    return f"part-{run_id}-{window_part}{pane_part}-{shard:05d}.parquet"


def write_parquet_file(path: str, rows: list[dict], dataset: str) -> None:
    """Write ``rows`` as one zstd Parquet file at ``path`` (any Beam filesystem), via a temp name."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema_for(dataset))
    directory = path.rsplit("/", 1)[0]
    FileSystems.mkdirs(directory) if not FileSystems.exists(directory) else None
    tmp = f"{path}.tmp"
    with FileSystems.create(tmp) as handle:
        pq.write_table(table, handle, compression=CODEC, use_compliant_nested_type=True)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


def _stable_shard(row: dict, shards: int) -> int:
    # crc32, not hash(): str hashes differ between worker processes, shard numbers must not.
    key = row.get("article_id") or row.get("source_uri") or ""
    return zlib.crc32(key.encode("utf-8")) % shards


class _WriteWindowGroupFn(beam.DoFn):
    def __init__(self, output_dir: str, dataset: str, run_id: str):
        self._output_dir = output_dir
        self._dataset = dataset
        self._run_id = run_id

    def process(self, element, window=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        (partition, shard), rows = element
        rows = list(rows)
        name = window_file_name(self._run_id, window, getattr(pane, "index", 0) or 0, shard)
        path = FileSystems.join(self._output_dir, self._dataset, partition, name)
        write_parquet_file(path, rows, self._dataset)
        yield path


class WriteWindowedDataset(beam.PTransform):
    """Windowed (partition, row) pairs -> Parquet files partitioned by ingest date (streaming).

    Returns the written paths.
    """

    def __init__(self, output_dir: str, dataset: str, run_id: str, shards: int = STREAM_SHARDS):
        super().__init__()
        self._fn = _WriteWindowGroupFn(output_dir, dataset, run_id)
        self._shards = shards

    def expand(self, pairs):
        shards = self._shards
        return (pairs
                | "ShardKey" >> beam.Map(lambda pr: ((pr[0], _stable_shard(pr[1], shards)), pr[1]))
                | "GroupWindow" >> beam.GroupByKey()
                | "WriteFiles" >> beam.ParDo(self._fn))

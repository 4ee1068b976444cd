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

import apache_beam as beam
import apache_beam.io.fileio  # noqa: F401  (beam.io.fileio for the streaming sink)
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
# streaming pipeline writes through fileio.WriteToFiles with a Parquet FileSink and a
# destination per ingest date; files are named after their window.


class ParquetFileSink(beam.io.fileio.FileSink):
    """A fileio sink that buffers rows and writes them as one zstd Parquet file per pane."""

    def __init__(self, dataset: str):
        self._dataset = dataset
        self._schema = None
        self._rows: list[dict] = []
        self._handle = None

    def open(self, fh):
        self._schema = schema_for(self._dataset)
        self._handle = fh
        self._rows = []

    def write(self, record):
        self._rows.append(record)

    def flush(self):
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self._rows, schema=self._schema)
        pq.write_table(table, self._handle, compression=CODEC, use_compliant_nested_type=True,
                       row_group_size=max(1, len(self._rows)))
        self._rows = []


def ingest_date_destination(row: dict) -> str:
    """Hive partition folder of a streamed row: the UTC date it was ingested (or rejected)."""
    stamp = row.get("ingested_at") or row.get("rejected_at")
    return f"ingest_date={stamp.date().isoformat()}"


def partition_file_naming(run_id: str):
    """``ingest_date=YYYY-MM-DD/part-<run_id>-<window start>-<shard>.parquet`` for fileio."""
    def naming(window, pane, shard_index, total_shards, compression, destination):
        start = getattr(window, "start", None)
        window_part = start.to_utc_datetime().strftime("%Y%m%dT%H%M%SZ") if start is not None else "global"
        pane_part = f"-p{pane.index}" if pane is not None and pane.index else ""
        shard_part = f"-{int(shard_index):05d}" if shard_index is not None else ""
        return f"{destination}/part-{run_id}-{window_part}{pane_part}{shard_part}.parquet"
    return naming


class WriteWindowedDataset(beam.PTransform):
    """Windowed rows -> Parquet files partitioned by ingest date (streaming)."""

    def __init__(self, output_dir: str, dataset: str, run_id: str):
        super().__init__()
        self._path = FileSystems.join(output_dir, dataset)
        self._dataset = dataset
        self._run_id = run_id

    def expand(self, rows):
        dataset = self._dataset
        return rows | "WriteFiles" >> beam.io.fileio.WriteToFiles(
            path=self._path, destination=ingest_date_destination,
            sink=lambda _dest: ParquetFileSink(dataset),
            file_naming=partition_file_naming(self._run_id), shards=1,
            temp_directory=FileSystems.join(self._path, "_tmp"))

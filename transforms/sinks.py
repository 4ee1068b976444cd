"""``WriteDatasets``: Parquet datasets with explicit schemas, Hive-style partitions.

Layout under the output directory::

    articles/ingest_date=YYYY-MM-DD/part-<run_id>-00000-of-00001.parquet
    entities/ingest_date=YYYY-MM-DD/part-<run_id>-....parquet
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
from apache_beam.io import parquetio
from apache_beam.io.filesystems import FileSystems

from schemas import schema_for
from transforms.rows import article_row, entity_rows, reject_row

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
    """(articles, rejects) -> the articles, entities and rejects datasets.

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
            "rejects": write("rejects", rejects | "RejectRows" >> beam.Map(
                lambda reject: reject_row(reject, run_id, dt.datetime.now(dt.timezone.utc)))),
        }

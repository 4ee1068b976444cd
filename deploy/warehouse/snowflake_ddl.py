"""Snowflake: ``snowflake.sql`` (file format, stage, tables, idempotent COPY INTO and MERGE).

Rows are COPYed into transient staging tables, dated from their file path by a view (the
Hive partition is in the folder name, not in the files), then merged per ``article_id``.
"""
from __future__ import annotations

import pyarrow as pa

from deploy.warehouse.columns import (
    GENERATED,
    PARTITION_COLUMN,
    PARTITION_DOC,
    clustering,
    doc,
    scalar_type,
    table_columns,
)
from schemas import DATASET_DOCS, DATASETS
from transforms.run_catalog import ARTICLE_KEY, ARTICLE_KEYED, RUN_KEY, VERSION_COLUMN, replace_key

def snowflake_type(type_: pa.DataType, name: str = "") -> str:
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return "ARRAY"
    if pa.types.is_struct(type_):
        return "OBJECT"
    return scalar_type("snowflake", type_, name)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def snowflake_table(name: str, schema: pa.Schema) -> str:
    columns = [f"    {f.name} {snowflake_type(f.type, f.name)}{'' if f.nullable else ' NOT NULL'}"
               + (f" COMMENT {_sql_string(doc(f))}" if doc(f) else "") for f in schema]
    columns.append(f"    {PARTITION_COLUMN} DATE COMMENT {_sql_string(PARTITION_DOC)}")
    columns.append("    source_file VARCHAR COMMENT 'Staged file the row was loaded from (METADATA$FILENAME).'")
    cluster = (PARTITION_COLUMN,) + clustering(name, schema)
    return (f"CREATE TABLE IF NOT EXISTS {name} (\n" + ",\n".join(columns) + "\n)\n"
            f"CLUSTER BY ({', '.join(cluster)})\n"
            f"COMMENT = {_sql_string(DATASET_DOCS.get(name, name))};\n")


_DATE_FROM_PATH = (f"TO_DATE(REGEXP_SUBSTR(source_file, '{PARTITION_COLUMN}=([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})', "
                   "1, 1, 'e', 1))")
# Whole path of a committed part file: temporary files (*.tmp) and _staging/ never match.
SNOWFLAKE_PATTERN = f".*{PARTITION_COLUMN}=[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}/part-[^/]+[.]parquet"


def snowflake_staging(name: str) -> str:
    """A transient staging table for COPY and a view that dates its rows from their file path."""
    columns = ", ".join(DATASETS[name].names)
    return f"""\
CREATE TRANSIENT TABLE IF NOT EXISTS _stage_{name} LIKE {name};
CREATE OR REPLACE VIEW _stage_{name}_dated AS
SELECT {columns},
       {_DATE_FROM_PATH} AS {PARTITION_COLUMN},
       source_file
FROM _stage_{name};
"""


def snowflake_copy(name: str) -> str:
    return f"""\
COPY INTO _stage_{name}
  FROM @news_ingest_stage/{name}/
  PATTERN = '{SNOWFLAKE_PATTERN}'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;
"""


def _snowflake_columns(name: str) -> list[str]:
    return table_columns(name) + ["source_file"]


def snowflake_merge(name: str) -> str:
    """Upsert the staged rows of one dataset (inside the load transaction)."""
    columns = _snowflake_columns(name)
    replace_key(name, columns)
    listed = ", ".join(columns)
    if name == "articles":
        updates = ",\n    ".join(f"{c} = s.{c}" for c in columns if c != ARTICLE_KEY)
        return f"""\
-- {name}: the newest staged version of each article, unless the stored one is newer
MERGE INTO {name} AS t
USING (SELECT * FROM _stage_{name}_dated
       QUALIFY ROW_NUMBER() OVER (PARTITION BY {ARTICLE_KEY} ORDER BY {VERSION_COLUMN} DESC, run_id DESC) = 1) AS s
ON t.{ARTICLE_KEY} = s.{ARTICLE_KEY}
WHEN MATCHED AND s.{VERSION_COLUMN} >= t.{VERSION_COLUMN} THEN UPDATE SET
    {updates}
WHEN NOT MATCHED THEN INSERT ({listed})
  VALUES ({", ".join(f"s.{c}" for c in columns)});
"""
    if name in ARTICLE_KEYED:
        # After the articles MERGE, an article holds a staged version iff its stored run_id
        # is the staged one: those articles get exactly that run's rows here.
        return f"""\
-- {name}: all rows of every article whose staged version won, replaced
DELETE FROM {name} USING (
    SELECT DISTINCT a.{ARTICLE_KEY} FROM articles AS a
    JOIN _stage_articles AS s ON s.{ARTICLE_KEY} = a.{ARTICLE_KEY} AND s.run_id = a.run_id) AS w
  WHERE {name}.{ARTICLE_KEY} = w.{ARTICLE_KEY};
INSERT INTO {name} ({listed})
SELECT {", ".join(f"n.{c}" for c in columns)} FROM _stage_{name}_dated AS n
WHERE EXISTS (SELECT 1 FROM articles AS a WHERE a.{ARTICLE_KEY} = n.{ARTICLE_KEY} AND a.run_id = n.run_id);
"""
    match = " AND ".join(f"{name}.{c} = r.{c}" for c in RUN_KEY)
    return f"""\
-- {name}: a log per run, replaced per ({", ".join(RUN_KEY)})
DELETE FROM {name} USING (SELECT DISTINCT {", ".join(RUN_KEY)} FROM _stage_{name}_dated) AS r
  WHERE {match};
INSERT INTO {name} ({listed})
SELECT {listed} FROM _stage_{name}_dated;
"""


def snowflake_sql() -> str:
    tables = "\n".join(snowflake_table(name, schema) for name, schema in DATASETS.items())
    staging = "\n".join(snowflake_staging(name) for name in DATASETS)
    copies = "\n".join(snowflake_copy(name) for name in DATASETS)
    merges = "\n".join(snowflake_merge(name) for name in DATASETS)
    empties = "\n".join(f"DELETE FROM _stage_{name};" for name in DATASETS)
    return f"""\
-- {GENERATED}
--
-- Snowflake: tables for news-ingest's Parquet datasets and an exactly-once load.
-- Replace the two placeholders below (YOUR_BUCKET/PATH = the pipeline's --output,
-- YOUR_GCS_INTEGRATION = a storage integration your account admin created once:
--   CREATE STORAGE INTEGRATION YOUR_GCS_INTEGRATION TYPE = EXTERNAL_STAGE
--     STORAGE_PROVIDER = 'GCS' ENABLED = TRUE STORAGE_ALLOWED_LOCATIONS = ('gcs://YOUR_BUCKET/PATH/');
-- then grant its service account (DESC STORAGE INTEGRATION) read access to the bucket).
-- For S3 or Azure, change the stage URL and integration; nothing else depends on GCS.
--
-- Run the whole file once; afterwards run the LOAD section after every batch run.
-- 1. COPY INTO loads the part files it has not loaded before (it remembers them for 64
--    days) into transient staging tables; the PATTERN takes committed part files only,
--    never temporary files (*.tmp) or a run's _staging/ folder.
-- 2. One transaction upserts the staged rows: an article replaces the stored row with the
--    same article_id unless that one is newer (ingested_at), e.g. after --reprocess, and
--    all its entity and quote rows go with it; rejects replace the rows of the same run
--    and day.  ingest_date comes from each file's path through the _stage_*_dated views,
--    so every row is written once, with its date (no UPDATE afterwards).
-- 3. The same transaction empties the staging tables (DELETE, not TRUNCATE: TRUNCATE
--    would also forget which files COPY loaded).
-- Running the LOAD section twice, or a file loaded twice, rewrites the same rows.

CREATE FILE FORMAT IF NOT EXISTS news_ingest_parquet
  TYPE = PARQUET
  COMPRESSION = AUTO            -- the files are zstd-compressed
  USE_VECTORIZED_SCANNER = TRUE;

CREATE STAGE IF NOT EXISTS news_ingest_stage
  URL = 'gcs://YOUR_BUCKET/PATH/'
  STORAGE_INTEGRATION = YOUR_GCS_INTEGRATION
  FILE_FORMAT = news_ingest_parquet;

{tables}
{staging}
-- ---- LOAD (re-run after each batch run) ----

{copies}
BEGIN TRANSACTION;

{merges}
{empties}

COMMIT;
"""

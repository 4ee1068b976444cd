"""Generate warehouse DDL and load scripts from ``schemas`` (BigQuery, Snowflake, DuckDB).

    python -m deploy.warehouse.generate_ddl          # rewrite the files in deploy/warehouse/
    python -m deploy.warehouse.generate_ddl --check  # fail if any is out of date (tests run this)

Outputs, all derived from ``schemas.DATASETS`` so a new dataset or column reaches every
warehouse by re-running this script:

* ``bq_<dataset>.json`` — BigQuery table schemas (``bq mk --schema``), with descriptions;
* ``bigquery.sh`` — create partitioned tables, load committed runs (Hive partitioning on
  ``ingest_date``), or define external tables;
* ``snowflake.sql`` — file format, stage, tables and idempotent ``COPY INTO``;
* ``duckdb.sql`` — views over the Parquet files and example analyst queries.

Type mapping (the schema conventions in ``schemas/datasets.py`` were chosen for it):
strings, signed integers, doubles, booleans, UTC microsecond timestamps, lists and structs.
A type outside that set raises ``UnsupportedType`` rather than guessing a column type.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys

import pyarrow as pa

from deploy.generated import REPO_ROOT, sync_generated
from schemas import DATASET_DOCS, DATASETS, SCHEMA_VERSION
from transforms.run_catalog import ARTICLE_KEY, ARTICLE_KEYED, RUN_KEY, VERSION_COLUMN, replace_key

HERE = REPO_ROOT / "deploy" / "warehouse"
COMMAND = "python -m deploy.warehouse.generate_ddl"
GENERATED = f"Generated from schemas/datasets.py (schema version {SCHEMA_VERSION}) by `{COMMAND}`; do not edit."

# The Hive partition column: in the folder names (ingest_date=YYYY-MM-DD), not in the files.
PARTITION_COLUMN = "ingest_date"
PARTITION_DOC = "UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition)."

# Columns the warehouses cluster/sort each table by: the usual filters and group-bys.
CLUSTERING = {
    "articles": ("source_name", "language"),
    "entities": ("label", "name"),
    "quotes": ("speaker",),
    "rejects": ("stage", "reason"),
}


class UnsupportedType(TypeError):
    """A pyarrow type with no agreed warehouse mapping yet."""


def doc(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"doc", b"").decode("utf-8")


def clustering(dataset: str, schema: pa.Schema) -> tuple[str, ...]:
    columns = CLUSTERING.get(dataset, ())
    missing = [c for c in columns if c not in schema.names]
    if missing:
        raise KeyError(f"CLUSTERING[{dataset!r}] names columns the schema no longer has: {missing}")
    return columns


# --- BigQuery ------------------------------------------------------------------------------

def bigquery_field(field: pa.Field) -> dict:
    """One column of a BigQuery JSON schema (lists are REPEATED, structs RECORD)."""
    type_, mode = field.type, ("NULLABLE" if field.nullable else "REQUIRED")
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        type_, mode = type_.value_type, "REPEATED"
        if pa.types.is_list(type_) or pa.types.is_large_list(type_):
            raise UnsupportedType(f"{field.name}: BigQuery has no arrays of arrays")
    entry = {"name": field.name, "type": _bigquery_scalar(field.name, type_), "mode": mode}
    if pa.types.is_struct(type_):
        entry["fields"] = [bigquery_field(type_.field(i)) for i in range(type_.num_fields)]
    if doc(field):
        entry["description"] = doc(field)
    return entry


# Each scalar pyarrow type the schemas use -> its column type in each warehouse.  One table,
# so the three DDL dialects cannot disagree on which pyarrow types they support.
_WAREHOUSE_NAMES = {"bigquery": "BigQuery", "snowflake": "Snowflake", "duckdb": "DuckDB"}
_SCALAR_TYPES = (
    (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
     {"bigquery": "STRING", "snowflake": "VARCHAR", "duckdb": "VARCHAR"}),
    (pa.types.is_signed_integer, {"bigquery": "INT64", "snowflake": "BIGINT", "duckdb": "BIGINT"}),
    (pa.types.is_floating, {"bigquery": "FLOAT64", "snowflake": "FLOAT", "duckdb": "DOUBLE"}),
    (pa.types.is_boolean, {"bigquery": "BOOL", "snowflake": "BOOLEAN", "duckdb": "BOOLEAN"}),
    (lambda t: pa.types.is_timestamp(t) and bool(t.tz),
     {"bigquery": "TIMESTAMP", "snowflake": "TIMESTAMP_TZ", "duckdb": "TIMESTAMPTZ"}),
    (lambda t: pa.types.is_timestamp(t) and not t.tz,
     {"bigquery": "DATETIME", "snowflake": "TIMESTAMP_NTZ", "duckdb": "TIMESTAMP"}),
    (pa.types.is_date32, {"bigquery": "DATE", "snowflake": "DATE", "duckdb": "DATE"}),
    (pa.types.is_binary, {"bigquery": "BYTES", "snowflake": "BINARY", "duckdb": "BLOB"}),
)


def scalar_type(warehouse: str, type_: pa.DataType, name: str = "") -> str:
    """The ``warehouse``'s column type for a scalar pyarrow type; UnsupportedType otherwise."""
    for matches, names in _SCALAR_TYPES:
        if matches(type_):
            return names[warehouse]
    raise UnsupportedType(f"{name}: no {_WAREHOUSE_NAMES[warehouse]} type for {type_}")


def _bigquery_scalar(name: str, type_: pa.DataType) -> str:
    if pa.types.is_struct(type_):
        return "RECORD"
    return scalar_type("bigquery", type_, name)


def bigquery_schema(schema: pa.Schema) -> list[dict]:
    """The table schema: the file columns plus the partition column."""
    return [bigquery_field(f) for f in schema] + [
        {"name": PARTITION_COLUMN, "type": "DATE", "mode": "NULLABLE", "description": PARTITION_DOC}]


def _columns(name: str) -> list[str]:
    """A table's columns as the warehouses hold them: the file columns plus the partition."""
    return list(DATASETS[name].names) + [PARTITION_COLUMN]


def _article_keyed() -> list[str]:
    return [name for name in DATASETS if name in ARTICLE_KEYED]


def bigquery_merge_cases() -> str:
    """``case`` branches of bigquery.sh's ``dataset_sql``: the statements that upsert one staged dataset.

    ``$T`` is the table, ``$S`` its staging table; ``winners`` holds the ids of the staged
    articles at least as new as the stored ones (set by the articles branch, which runs first).
    """
    cases = []
    for name in DATASETS:
        columns = _columns(name)
        replace_key(name, columns)
        listed = ", ".join(columns)
        if name == "articles":
            updates = ", ".join(f"{c} = s.{c}" for c in columns if c != ARTICLE_KEY)
            sql = f"""\
SET winners = (SELECT IFNULL(ARRAY_AGG(s.{ARTICLE_KEY}), []) FROM $S AS s
  LEFT JOIN $T AS t ON t.{ARTICLE_KEY} = s.{ARTICLE_KEY}
  WHERE t.{ARTICLE_KEY} IS NULL OR s.{VERSION_COLUMN} >= t.{VERSION_COLUMN});
MERGE $T AS t
USING (SELECT * FROM $S WHERE {ARTICLE_KEY} IN UNNEST(winners)) AS s
ON t.{ARTICLE_KEY} = s.{ARTICLE_KEY}
WHEN MATCHED THEN UPDATE SET {updates}
WHEN NOT MATCHED THEN INSERT ({listed}) VALUES ({", ".join(f"s.{c}" for c in columns)});"""
        elif name in ARTICLE_KEYED:
            sql = f"""\
DELETE FROM $T WHERE {ARTICLE_KEY} IN UNNEST(winners);
INSERT INTO $T ({listed})
SELECT {listed} FROM $S WHERE {ARTICLE_KEY} IN UNNEST(winners);"""
        else:
            match = " AND ".join(f"s.{c} = t.{c}" for c in RUN_KEY)
            sql = f"""\
DELETE FROM $T AS t WHERE EXISTS (SELECT 1 FROM $S AS s WHERE {match});
INSERT INTO $T ({listed})
SELECT {listed} FROM $S;"""
        cases.append(f"    {name})\n      cat <<SQL\n{sql}\nSQL\n      ;;")
    return "\n".join(cases)


def bigquery_script() -> str:
    cases = "\n".join(f"    {name}) echo \"{','.join(clustering(name, schema))}\" ;;"
                      for name, schema in DATASETS.items())
    descriptions = "\n".join(f"    {name}) echo {_shell_quote(DATASET_DOCS.get(name, name))} ;;" for name in DATASETS)
    return (_BIGQUERY_TEMPLATE
            .replace("@GENERATED@", GENERATED)
            .replace("@DATASETS@", " ".join(DATASETS))
            .replace("@ARTICLE_KEYED@", " ".join(_article_keyed()))
            .replace("@PARTITION@", PARTITION_COLUMN)
            .replace("@CLUSTERING_CASES@", cases)
            .replace("@DESCRIPTION_CASES@", descriptions)
            .replace("@MERGE_CASES@", bigquery_merge_cases()))


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


_BIGQUERY_TEMPLATE = r'''#!/usr/bin/env bash
# @GENERATED@
#
# Load news-ingest's Parquet datasets from Cloud Storage into BigQuery, one finished run
# at a time and exactly once, or query them in place through external tables.
#
# usage: BQ_DATASET=PROJECT:DATASET DATA_URI=gs://BUCKET/PATH deploy/warehouse/bigquery.sh COMMAND
#   tables          create the dataset, one table per dataset (day-partitioned on @PARTITION@,
#                   clustered) and the _loaded_runs bookkeeping table; existing ones are kept
#   load RUN_ID     upsert the rows run RUN_ID wrote, as listed in DATA_URI/_runs/RUN_ID.json
#   load-new        load every finished run not loaded yet (run it after each batch run)
#   external        create <dataset>_external tables that read DATA_URI in place
# DATA_URI is the pipeline's --output.  BQ_LOCATION (e.g. EU or europe-west1): where the
# dataset is created and where every load and query job runs (default: bq's default).
#
# Exactly once: a run is loaded only when its manifest exists (the run finished).  Its
# files, by the exact names the manifest lists (never a wildcard that could catch a
# temporary file), are loaded into staging tables _stage_<dataset>_<run> (replaced on a
# retry).  One multi-statement transaction then upserts them: an article replaces the
# stored row with the same article_id unless that one is newer (ingested_at), together
# with all its entity and quote rows; rejects and other per-run datasets replace the rows
# of the same run and day; _loaded_runs records the run.  Loading a run again rewrites the
# same rows; two loads at once both mutate the tables, so BigQuery aborts one transaction
# (that load fails; the next finds the run loaded).  --reprocess'd articles replace their
# old version instead of adding a row.
set -euo pipefail

DATASETS=(@DATASETS@)
ARTICLE_KEYED=(@ARTICLE_KEYED@)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
die() { echo "bigquery.sh: error: $*" >&2; exit 2; }

clustering_fields() {
  case "$1" in
@CLUSTERING_CASES@
    *) echo "" ;;
  esac
}

table_description() {
  # shellcheck disable=SC2016  # the backticks are Markdown in the descriptions, not commands
  case "$1" in
@DESCRIPTION_CASES@
  esac
}

# bq with the configured location, so jobs run where the dataset is.
bqx() { bq ${BQ_LOCATION:+"--location=$BQ_LOCATION"} "$@"; }

# BQ_DATASET as bq spells it (project:dataset) and as SQL does (`project.dataset`).
sql_table() { echo "\`${BQ_DATASET/:/.}.$1\`"; }

query() { bqx query --quiet --nouse_legacy_sql --format=csv "$1" | tail -n +2; }

create_tables() {
  bqx show --dataset "$BQ_DATASET" >/dev/null 2>&1 \
    || bqx mk --dataset "$BQ_DATASET"
  local name cluster
  for name in "${DATASETS[@]}"; do
    if bqx show "$BQ_DATASET.$name" >/dev/null 2>&1; then
      echo "$BQ_DATASET.$name exists"
      continue
    fi
    cluster="$(clustering_fields "$name")"
    bqx mk --table --schema="$HERE/bq_$name.json" \
      --time_partitioning_type=DAY --time_partitioning_field=@PARTITION@ \
      ${cluster:+--clustering_fields="$cluster"} \
      --description="$(table_description "$name")" "$BQ_DATASET.$name"
  done
  bqx show "$BQ_DATASET._loaded_runs" >/dev/null 2>&1 \
    || bqx mk --table --description="Runs (and datasets) loaded by bigquery.sh" \
         "$BQ_DATASET._loaded_runs" run_id:STRING,dataset:STRING,files:INT64,loaded_at:TIMESTAMP
}

# "dataset<TAB>uri" for every file a run committed, from its manifest; exit 3 for the
# manifest of a compaction (news-ingest compact), which is not a run to load.
manifest_files() {
  gcloud storage cat "$DATA_URI/_runs/$1.json" | python3 -c '
import json, sys
manifest = json.load(sys.stdin)
if manifest.get("mode") == "compact":
    sys.exit(3)
for dataset, paths in sorted(manifest["files"].items()):
    for path in paths:
        print(dataset, path, sep="\t")'
}

# The statements that upsert one staged dataset into its table.
dataset_sql() {  # dataset table staging-table
  local T="$2" S="$3"
  case "$1" in
@MERGE_CASES@
  esac
}

# One transaction: every staged dataset of the run, then the run's _loaded_runs row.
merge_sql() {  # run_id files staging-suffix staged-dataset...
  local run_id="$1" files="$2" suffix="$3" name
  shift 3
  local staged=" $* "
  echo "DECLARE winners ARRAY<STRING> DEFAULT [];"
  echo "BEGIN TRANSACTION;"
  for name in "${DATASETS[@]}"; do
    if [[ "$staged" == *" $name "* ]]; then
      dataset_sql "$name" "$(sql_table "$name")" "$(sql_table "_stage_${name}_$suffix")"
    elif [[ " ${ARTICLE_KEYED[*]} " == *" $name "* && "$staged" == *" articles "* ]]; then
      # the run's new article versions have no rows here: drop the old versions' rows
      echo "DELETE FROM $(sql_table "$name") WHERE article_id IN UNNEST(winners);"
    fi
  done
  echo "DELETE FROM $(sql_table _loaded_runs) WHERE run_id = '$run_id';"
  echo "INSERT INTO $(sql_table _loaded_runs) (run_id, dataset, files, loaded_at)"
  echo "VALUES ('$run_id', '*', $files, CURRENT_TIMESTAMP());"
  echo "COMMIT TRANSACTION;"
}

load_run() {
  local run_id="$1" name uris files status=0 suffix count=0
  [[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "not a run id: $run_id"
  files="$(manifest_files "$run_id")" || status=$?
  if [[ $status -eq 3 ]]; then
    echo "run $run_id: a compaction, nothing to load"
    return 0
  fi
  [[ $status -eq 0 ]] || die "no manifest for run $run_id (still running, or failed?)"
  # A table name per run: letters, digits and _ only, plus a checksum so that
  # run ids differing only in . or - do not share one.
  suffix="${run_id//[^A-Za-z0-9_]/_}_$(printf '%s' "$run_id" | cksum | cut -d' ' -f1)"
  local staged=()
  for name in "${DATASETS[@]}"; do
    uris="$(awk -F'\t' -v d="$name" '$1 == d { print $2 }' <<<"$files" | paste -sd, -)"
    [[ -n "$uris" ]] || continue
    bqx load --replace --source_format=PARQUET --parquet_enable_list_inference \
      --hive_partitioning_mode=CUSTOM \
      --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{@PARTITION@:DATE}" \
      "$BQ_DATASET._stage_${name}_$suffix" "$uris"
    staged+=("$name")
    count=$((count + $(awk -F, '{ print NF }' <<<"$uris")))
  done
  query "$(merge_sql "$run_id" "$count" "$suffix" "${staged[@]}")" >/dev/null
  for name in "${staged[@]}"; do
    bqx rm -f -t "$BQ_DATASET._stage_${name}_$suffix"
  done
  echo "run $run_id: upserted $count files (${staged[*]:-no rows})"
}

load_new() {
  local done_runs manifest run_id
  done_runs="$(query "SELECT DISTINCT run_id FROM $(sql_table _loaded_runs) WHERE dataset = '*'")"
  gcloud storage ls "$DATA_URI/_runs/*.json" | while read -r manifest; do
    run_id="$(basename "$manifest" .json)"
    grep -qx "$run_id" <<<"$done_runs" || load_run "$run_id"
  done
}

create_external() {
  local name def
  def="$(mktemp)"
  # removed when this function returns (and the trap with it: set -u and a later return)
  trap 'rm -f "$def"; trap - RETURN' RETURN
  for name in "${DATASETS[@]}"; do
    # *.parquet: temporary files (*.tmp) and folders (_staging/) are never part of a table
    bqx mkdef --source_format=PARQUET --parquet_enable_list_inference \
      --hive_partitioning_mode=CUSTOM \
      --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{@PARTITION@:DATE}" \
      "$DATA_URI/$name/*.parquet" >"$def"
    bqx mk --table --external_table_definition="$def" "$BQ_DATASET.${name}_external"
  done
}

main() {
  [[ $# -ge 1 ]] || { usage; exit 2; }
  case "$1" in -h|--help) usage; exit 0 ;; esac
  : "${BQ_DATASET:?set BQ_DATASET=PROJECT:DATASET (see --help)}"
  : "${DATA_URI:?set DATA_URI=gs://BUCKET/PATH, the pipeline --output (see --help)}"
  DATA_URI="${DATA_URI%/}"
  case "$1" in
    tables) create_tables ;;
    load) [[ $# -eq 2 ]] || die "usage: bigquery.sh load RUN_ID"; load_run "$2" ;;
    load-new) load_new ;;
    external) create_external ;;
    *) die "unknown command $1 (see --help)" ;;
  esac
}

main "$@"
'''


# --- Snowflake -----------------------------------------------------------------------------

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
    return _columns(name) + ["source_file"]


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


# --- DuckDB --------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ExampleQuery:
    """An analyst query and the columns it needs, so it appears only when the schemas have them."""

    title: str
    sql: str
    needs: dict[str, tuple[str, ...]]

    def available(self) -> bool:
        return all(name in DATASETS and set(columns) <= set(DATASETS[name].names)
                   for name, columns in self.needs.items())


EXAMPLE_QUERIES = [
    ExampleQuery(
        "Top 10 entities per day of publication",
        """\
SELECT CAST(published_at AS DATE) AS day, name, label,
       sum(mentions) AS mentions, count(DISTINCT article_id) AS articles
FROM entities
WHERE published_at IS NOT NULL
GROUP BY day, name, label
QUALIFY row_number() OVER (PARTITION BY day ORDER BY sum(mentions) DESC, name) <= 10
ORDER BY day DESC, mentions DESC;""",
        {"entities": ("published_at", "name", "label", "mentions", "article_id")}),
    ExampleQuery(
        "Who is quoted most (statements, not scare quotes)",
        """\
SELECT speaker, speaker_label, count(*) AS quotes, count(DISTINCT article_id) AS articles,
       any_value(text) AS example
FROM quotes
WHERE speaker IS NOT NULL AND NOT is_scare
GROUP BY speaker, speaker_label
ORDER BY quotes DESC, speaker
LIMIT 20;""",
        {"quotes": ("speaker", "speaker_label", "article_id", "text", "is_scare")}),
    ExampleQuery(
        "People in the news with the articles they appear in (join articles and entities)",
        """\
SELECT a.published_at, a.source_name, a.title, e.name AS person, e.mentions
FROM articles AS a
JOIN entities AS e USING (article_id)
WHERE e.label = 'PERSON'
ORDER BY a.published_at DESC NULLS LAST, e.mentions DESC
LIMIT 50;""",
        {"articles": ("article_id", "published_at", "source_name", "title"),
         "entities": ("article_id", "name", "label", "mentions")}),
    ExampleQuery(
        "Articles per source and day of ingestion",
        """\
SELECT ingest_date, source_name, count(*) AS articles, sum(word_count) AS words
FROM articles
GROUP BY ALL
ORDER BY ingest_date DESC, articles DESC;""",
        {"articles": ("source_name", "word_count")}),
    ExampleQuery(
        "Entity mentions with their offsets, straight from the nested column",
        """\
SELECT article_id, m.text, m.label, m.canonical, m.start_char
FROM (SELECT article_id, unnest(entity_mentions) AS m FROM articles)
LIMIT 20;""",
        {"articles": ("article_id", "entity_mentions")}),
    ExampleQuery(
        "Why inputs were rejected",
        """\
SELECT stage, reason, count(*) AS rejects, any_value(source_uri) AS example
FROM rejects
GROUP BY stage, reason
ORDER BY rejects DESC;""",
        {"rejects": ("stage", "reason", "source_uri")}),
]


def duckdb_type(type_: pa.DataType, name: str = "") -> str:
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return duckdb_type(type_.value_type, name) + "[]"
    if pa.types.is_struct(type_):
        fields = ", ".join(f"{type_.field(i).name} {duckdb_type(type_.field(i).type, name)}"
                           for i in range(type_.num_fields))
        return f"STRUCT({fields})"
    return scalar_type("duckdb", type_, name)


def duckdb_view(name: str) -> str:
    # A dataset with no rows yet has no files (no empty files are written), and read_parquet
    # cannot type nothing: allow_empty gives a placeholder column `empty`, the typed empty
    # row set supplies the real columns, and COLUMNS drops the placeholder.
    # union_by_name: files written before a column was added read it as NULL.
    typed = ",\n         ".join(f"CAST(NULL AS {duckdb_type(f.type, f.name)}) AS {f.name}" for f in DATASETS[name])
    return (f"CREATE OR REPLACE VIEW {name} AS\n"
            f"SELECT COLUMNS(lambda c: c <> 'empty') FROM (\n"
            f"  SELECT {typed},\n         CAST(NULL AS DATE) AS {PARTITION_COLUMN} WHERE false\n"
            f"  UNION ALL BY NAME\n"
            f"  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/{name}/*/*.parquet',\n"
            f"                             allow_empty = true, hive_partitioning = true,\n"
            f"                             hive_types = {{'{PARTITION_COLUMN}': DATE}}, union_by_name = true));")


def duckdb_sql() -> str:
    views = "\n\n".join(duckdb_view(name) for name in DATASETS)
    examples = "\n\n".join(f"-- {q.title}\n{q.sql}" for q in EXAMPLE_QUERIES if q.available())
    skipped = [q.title for q in EXAMPLE_QUERIES if not q.available()]
    skipped_note = "".join(f"\n-- (skipped until the schemas have its columns: {t})" for t in skipped)
    return f"""\
-- {GENERATED}
--
-- DuckDB views over news-ingest's Parquet datasets, and example analyst queries.
-- The views read the folder in the variable news_ingest_output (the pipeline's --output;
-- default: data, relative to where DuckDB runs), e.g.
--   duckdb -c "SET VARIABLE news_ingest_output = '/srv/news/data'" -c ".read deploy/warehouse/duckdb.sql"
-- The views look the variable up when queried: set it again in each new session.  For
-- tables that stay in a database file, exactly once, use `news-ingest load duckdb`.
-- A dataset with no files yet reads as an empty view.  Needs DuckDB 1.3 or later.
-- gs:// works too with DuckDB's httpfs extension and a GCS secret:
--   CREATE SECRET (TYPE gcs, KEY_ID '...', SECRET '...').
-- The glob dataset/*/*.parquet reads committed part files only: a run's files are written
-- under _staging/ or under temporary names that do not end in .parquet.

SET TimeZone = 'UTC';  -- days below are UTC days, like ingest_date
SET VARIABLE news_ingest_output = COALESCE(getvariable('news_ingest_output'), 'data');

{views}

-- ---- example queries ----

{examples}{skipped_note}
"""


# --- files ---------------------------------------------------------------------------------

def generated_files() -> dict:
    outputs = {HERE / f"bq_{name}.json": json.dumps(bigquery_schema(schema), indent=2, ensure_ascii=False) + "\n"
               for name, schema in DATASETS.items()}
    outputs[HERE / "bigquery.sh"] = bigquery_script()
    outputs[HERE / "snowflake.sql"] = snowflake_sql()
    outputs[HERE / "duckdb.sql"] = duckdb_sql()
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    args = parser.parse_args(argv)
    status = sync_generated(generated_files(), check=args.check, command=COMMAND,
                            owned_globs=((HERE, "bq_*.json"),))
    if not args.check:
        (HERE / "bigquery.sh").chmod(0o755)
    return status


if __name__ == "__main__":
    sys.exit(main())

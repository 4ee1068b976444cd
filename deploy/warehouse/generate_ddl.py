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


def _bigquery_scalar(name: str, type_: pa.DataType) -> str:
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "STRING"
    if pa.types.is_signed_integer(type_):
        return "INT64"
    if pa.types.is_floating(type_):
        return "FLOAT64"
    if pa.types.is_boolean(type_):
        return "BOOL"
    if pa.types.is_timestamp(type_):
        return "TIMESTAMP" if type_.tz else "DATETIME"
    if pa.types.is_date32(type_):
        return "DATE"
    if pa.types.is_binary(type_):
        return "BYTES"
    if pa.types.is_struct(type_):
        return "RECORD"
    raise UnsupportedType(f"{name}: no BigQuery type for {type_}")


def bigquery_schema(schema: pa.Schema) -> list[dict]:
    """The table schema: the file columns plus the partition column."""
    return [bigquery_field(f) for f in schema] + [
        {"name": PARTITION_COLUMN, "type": "DATE", "mode": "NULLABLE", "description": PARTITION_DOC}]


def bigquery_script() -> str:
    cases = "\n".join(f"    {name}) echo \"{','.join(clustering(name, schema))}\" ;;"
                      for name, schema in DATASETS.items())
    descriptions = "\n".join(f"    {name}) echo {_shell_quote(DATASET_DOCS.get(name, name))} ;;" for name in DATASETS)
    return (_BIGQUERY_TEMPLATE
            .replace("@GENERATED@", GENERATED)
            .replace("@DATASETS@", " ".join(DATASETS))
            .replace("@PARTITION@", PARTITION_COLUMN)
            .replace("@CLUSTERING_CASES@", cases)
            .replace("@DESCRIPTION_CASES@", descriptions))


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


_BIGQUERY_TEMPLATE = r'''#!/usr/bin/env bash
# @GENERATED@
#
# Load news-ingest's Parquet datasets from Cloud Storage into BigQuery, one committed run
# at a time, or query them in place through external tables.
#
# usage: BQ_DATASET=PROJECT:DATASET DATA_URI=gs://BUCKET/PATH deploy/warehouse/bigquery.sh COMMAND
#   tables          create the dataset, one table per dataset (day-partitioned on @PARTITION@,
#                   clustered) and the _loaded_runs bookkeeping table; existing ones are kept
#   load RUN_ID     load the files run RUN_ID wrote, as listed in DATA_URI/_runs/RUN_ID.json
#   load-new        load every run that has a manifest and is not loaded yet (after each batch)
#   external        create <dataset>_external tables that read DATA_URI in place
# DATA_URI is the pipeline's --output.  Optional: BQ_LOCATION (e.g. EU) for new datasets.
#
# Loads are idempotent: a run's manifest exists only once its files are committed, the
# files are loaded by their exact names (never a wildcard that could catch a file being
# written), and _loaded_runs records each (run, dataset) loaded; a dataset whose rows are
# already in the table (a load that succeeded just before an interruption) is recorded,
# not loaded twice.
set -euo pipefail

DATASETS=(@DATASETS@)
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

# BQ_DATASET as bq spells it (project:dataset) and as SQL does (`project.dataset`).
sql_table() { echo "\`${BQ_DATASET/:/.}.$1\`"; }

query() { bq query --quiet --nouse_legacy_sql --format=csv "$1" | tail -n +2; }

create_tables() {
  bq show --dataset "$BQ_DATASET" >/dev/null 2>&1 \
    || bq mk --dataset ${BQ_LOCATION:+--location="$BQ_LOCATION"} "$BQ_DATASET"
  local name cluster
  for name in "${DATASETS[@]}"; do
    if bq show "$BQ_DATASET.$name" >/dev/null 2>&1; then
      echo "$BQ_DATASET.$name exists"
      continue
    fi
    cluster="$(clustering_fields "$name")"
    bq mk --table --schema="$HERE/bq_$name.json" \
      --time_partitioning_type=DAY --time_partitioning_field=@PARTITION@ \
      ${cluster:+--clustering_fields="$cluster"} \
      --description="$(table_description "$name")" "$BQ_DATASET.$name"
  done
  bq show "$BQ_DATASET._loaded_runs" >/dev/null 2>&1 \
    || bq mk --table --description="Runs (and datasets) loaded by bigquery.sh" \
         "$BQ_DATASET._loaded_runs" run_id:STRING,dataset:STRING,files:INT64,loaded_at:TIMESTAMP
}

record_loaded() {  # run_id dataset files
  query "INSERT INTO $(sql_table _loaded_runs) (run_id, dataset, files, loaded_at)
         VALUES ('$1', '$2', $3, CURRENT_TIMESTAMP())" >/dev/null
}

# "dataset<TAB>uri" for every file a run committed, from its manifest.
manifest_files() {
  gcloud storage cat "$DATA_URI/_runs/$1.json" | python3 -c '
import json, sys
for dataset, paths in sorted(json.load(sys.stdin)["files"].items()):
    for path in paths:
        print(dataset, path, sep="\t")'
}

load_run() {
  local run_id="$1" name uris count
  [[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "not a run id: $run_id"
  local files loaded
  files="$(manifest_files "$run_id")" || die "no manifest for run $run_id (still running, or failed?)"
  loaded="$(query "SELECT dataset FROM $(sql_table _loaded_runs) WHERE run_id = '$run_id'")"
  for name in "${DATASETS[@]}"; do
    if grep -qx "$name" <<<"$loaded"; then
      echo "run $run_id: $name already loaded"
      continue
    fi
    uris="$(awk -F'\t' -v d="$name" '$1 == d { print $2 }' <<<"$files" | paste -sd, -)"
    count=0
    if [[ -n "$uris" ]]; then
      count="$(awk -F, '{ print NF }' <<<"$uris")"
      if [[ "$(query "SELECT COUNT(*) FROM $(sql_table "$name") WHERE run_id = '$run_id'")" != "0" ]]; then
        echo "run $run_id: $name rows already present; recording the load"
      else
        bq load --source_format=PARQUET --parquet_enable_list_inference \
          --hive_partitioning_mode=CUSTOM \
          --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{@PARTITION@:DATE}" \
          "$BQ_DATASET.$name" "$uris"
        echo "run $run_id: loaded $count $name files"
      fi
    fi
    record_loaded "$run_id" "$name" "$count"
  done
  record_loaded "$run_id" "*" 0
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
  trap 'rm -f "$def"' RETURN
  for name in "${DATASETS[@]}"; do
    bq mkdef --source_format=PARQUET --parquet_enable_list_inference \
      --hive_partitioning_mode=CUSTOM \
      --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{@PARTITION@:DATE}" \
      "$DATA_URI/$name/*" >"$def"
    bq mk --table --external_table_definition="$def" "$BQ_DATASET.${name}_external"
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
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "VARCHAR"
    if pa.types.is_signed_integer(type_):
        return "BIGINT"
    if pa.types.is_floating(type_):
        return "FLOAT"
    if pa.types.is_boolean(type_):
        return "BOOLEAN"
    if pa.types.is_timestamp(type_):
        return "TIMESTAMP_TZ" if type_.tz else "TIMESTAMP_NTZ"
    if pa.types.is_date32(type_):
        return "DATE"
    if pa.types.is_binary(type_):
        return "BINARY"
    raise UnsupportedType(f"{name}: no Snowflake type for {type_}")


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


def snowflake_copy(name: str) -> str:
    return f"""\
COPY INTO {name}
  FROM @news_ingest_stage/{name}/
  PATTERN = '.*{PARTITION_COLUMN}=[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}/part-[^/]+[.]parquet'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;
UPDATE {name}
  SET {PARTITION_COLUMN} = TO_DATE(REGEXP_SUBSTR(source_file, '{PARTITION_COLUMN}=([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})', 1, 1, 'e', 1))
  WHERE {PARTITION_COLUMN} IS NULL;
"""


def snowflake_sql() -> str:
    tables = "\n".join(snowflake_table(name, schema) for name, schema in DATASETS.items())
    copies = "\n".join(snowflake_copy(name) for name in DATASETS)
    return f"""\
-- {GENERATED}
--
-- Snowflake: tables for news-ingest's Parquet datasets and an idempotent load.
-- Replace the two placeholders below (YOUR_BUCKET/PATH = the pipeline's --output,
-- YOUR_GCS_INTEGRATION = a storage integration your account admin created once:
--   CREATE STORAGE INTEGRATION YOUR_GCS_INTEGRATION TYPE = EXTERNAL_STAGE
--     STORAGE_PROVIDER = 'GCS' ENABLED = TRUE STORAGE_ALLOWED_LOCATIONS = ('gcs://YOUR_BUCKET/PATH/');
-- then grant its service account (DESC STORAGE INTEGRATION) read access to the bucket).
-- For S3 or Azure, change the stage URL and integration; nothing else depends on GCS.
--
-- Run the whole file once; afterwards run the COPY/UPDATE section after every batch run.
-- COPY INTO remembers which files it loaded (for 64 days), so re-running it loads only
-- new part files; the PATTERN skips Beam's temporary files (beam-temp-* folders) of a run
-- that is still writing.  ingest_date comes from the file path: Snowflake has no Hive
-- partitions, so COPY keeps the staged path in source_file and the UPDATE parses the date.

CREATE FILE FORMAT IF NOT EXISTS news_ingest_parquet
  TYPE = PARQUET
  COMPRESSION = AUTO            -- the files are zstd-compressed
  USE_VECTORIZED_SCANNER = TRUE;

CREATE STAGE IF NOT EXISTS news_ingest_stage
  URL = 'gcs://YOUR_BUCKET/PATH/'
  STORAGE_INTEGRATION = YOUR_GCS_INTEGRATION
  FILE_FORMAT = news_ingest_parquet;

{tables}
-- ---- load (re-run after each batch run) ----

{copies}"""


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


def duckdb_view(name: str) -> str:
    # union_by_name: files written before a column was added read it as NULL.
    return (f"CREATE OR REPLACE VIEW {name} AS\n"
            f"SELECT * FROM read_parquet('data/{name}/*/*.parquet', hive_partitioning = true,\n"
            f"                           hive_types = {{'{PARTITION_COLUMN}': DATE}}, union_by_name = true);")


def duckdb_sql() -> str:
    views = "\n\n".join(duckdb_view(name) for name in DATASETS)
    examples = "\n\n".join(f"-- {q.title}\n{q.sql}" for q in EXAMPLE_QUERIES if q.available())
    skipped = [q.title for q in EXAMPLE_QUERIES if not q.available()]
    skipped_note = "".join(f"\n-- (skipped until the schemas have its columns: {t})" for t in skipped)
    return f"""\
-- {GENERATED}
--
-- DuckDB views over news-ingest's Parquet datasets, and example analyst queries.
-- Start DuckDB in the folder that holds data/ (the pipeline's --output), e.g.
--   duckdb news.duckdb -c ".read deploy/warehouse/duckdb.sql"
-- For another folder or gs://, replace 'data/' (gs:// needs DuckDB's httpfs extension and
-- a GCS secret: CREATE SECRET (TYPE gcs, KEY_ID '...', SECRET '...')).
-- The glob dataset/*/*.parquet reads committed part files only: Beam's temporary files of a
-- run still writing sit one folder deeper.

SET TimeZone = 'UTC';  -- days below are UTC days, like ingest_date

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

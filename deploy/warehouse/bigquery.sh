#!/usr/bin/env bash
# Generated from schemas/datasets.py (schema version 2) by `python -m deploy.warehouse.generate_ddl`; do not edit.
#
# Load news-ingest's Parquet datasets from Cloud Storage into BigQuery, one committed run
# at a time, or query them in place through external tables.
#
# usage: BQ_DATASET=PROJECT:DATASET DATA_URI=gs://BUCKET/PATH deploy/warehouse/bigquery.sh COMMAND
#   tables          create the dataset, one table per dataset (day-partitioned on ingest_date,
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

DATASETS=(articles entities quotes rejects)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
die() { echo "bigquery.sh: error: $*" >&2; exit 2; }

clustering_fields() {
  case "$1" in
    articles) echo "source_name,language" ;;
    entities) echo "label,name" ;;
    quotes) echo "speaker" ;;
    rejects) echo "stage,reason" ;;
    *) echo "" ;;
  esac
}

table_description() {
  # shellcheck disable=SC2016  # the backticks are Markdown in the descriptions, not commands
  case "$1" in
    articles) echo 'One row per article (deduplicated by `article_id` and `content_hash` across runs).' ;;
    entities) echo 'One row per article and canonical entity: the `articles.entities` list, flat, for joins.' ;;
    quotes) echo 'One row per direct quotation: the `articles.quotes` list, flat, with the article'"'"'s id.' ;;
    rejects) echo 'One row per input (file, feed, entry, page) that could not be ingested, with the stage and reason. Nothing is dropped silently: every input ends as an article, a duplicate (counted in the run manifest) or a reject.' ;;
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
      --time_partitioning_type=DAY --time_partitioning_field=ingest_date \
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
          --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{ingest_date:DATE}" \
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
      --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{ingest_date:DATE}" \
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

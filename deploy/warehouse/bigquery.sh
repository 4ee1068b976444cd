#!/usr/bin/env bash
# Generated from schemas/datasets.py (schema version 3) by `python -m deploy.warehouse.generate_ddl`; do not edit.
#
# Load news-ingest's Parquet datasets from Cloud Storage into BigQuery, one finished run
# at a time and exactly once, or query them in place through external tables.
#
# usage: BQ_DATASET=PROJECT:DATASET DATA_URI=gs://BUCKET/PATH deploy/warehouse/bigquery.sh COMMAND
#   tables          create the dataset, one table per dataset (day-partitioned on ingest_date,
#                   clustered) and the _loaded_runs bookkeeping table; existing ones are kept
#   load RUN_ID     upsert the rows run RUN_ID wrote, as its manifest lists them (found by
#                   `news-ingest runs --run`: in DATA_URI/_runs/ or in the day record compact
#                   --keep_days folded it into)
#   load-new        load every finished run not loaded yet (run it after each batch run), found
#                   by `news-ingest runs` in manifests and day records alike
#   external        create <dataset>_external tables that read DATA_URI in place
# DATA_URI is the pipeline's --output.  BQ_LOCATION (e.g. EU or europe-west1): where the
# dataset is created and where every load and query job runs (default: bq's default).
# NEWS_INGEST: the command load and load-new run news-ingest with (default news-ingest;
# needs the gcp extra, or the image).
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

DATASETS=(articles entities quotes rejects duplicates)
ARTICLE_KEYED=(articles entities quotes)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
die() { echo "bigquery.sh: error: $*" >&2; exit 2; }

clustering_fields() {
  case "$1" in
    articles) echo "source_name,language" ;;
    entities) echo "label,name" ;;
    quotes) echo "speaker" ;;
    rejects) echo "stage,reason" ;;
    duplicates) echo "" ;;
    *) echo "" ;;
  esac
}

table_description() {
  # shellcheck disable=SC2016  # the backticks are Markdown in the descriptions, not commands
  case "$1" in
    articles) echo 'One row per article (deduplicated by `article_id` and `content_hash` across runs).' ;;
    entities) echo 'One row per article and canonical entity: the `articles.entities` list, flat, for joins.' ;;
    quotes) echo 'One row per direct quotation: the `articles.quotes` list, flat, with the article'"'"'s id.' ;;
    rejects) echo 'One row per input (file, feed, entry, page) that could not be ingested, with the stage and reason. Nothing is dropped silently: every input ends as an article, a duplicate (counted in the run manifest and listed in `duplicates`) or a reject.' ;;
    duplicates) echo 'One row per article a run read and did not write because it had been written before: which copy, the key it lost on and the `article_id` it duplicates. Together with `articles` and `rejects` it accounts for everything read.' ;;
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
      --time_partitioning_type=DAY --time_partitioning_field=ingest_date \
      ${cluster:+--clustering_fields="$cluster"} \
      --description="$(table_description "$name")" "$BQ_DATASET.$name"
  done
  bqx show "$BQ_DATASET._loaded_runs" >/dev/null 2>&1 \
    || bqx mk --table --description="Runs (and datasets) loaded by bigquery.sh" \
         "$BQ_DATASET._loaded_runs" run_id:STRING,dataset:STRING,files:INT64,loaded_at:TIMESTAMP
}

# `news-ingest runs --output DATA_URI ARGS...`: the run catalog's lines (run, file, record).
runs_listing() {
  local -a news_ingest
  read -r -a news_ingest <<<"${NEWS_INGEST:-news-ingest}"
  "${news_ingest[@]}" runs --output "$DATA_URI" "$@"
}

runs_failed() { die "news-ingest runs --output $DATA_URI failed (set NEWS_INGEST to the news-ingest command)"; }

# The statements that upsert one staged dataset into its table.
dataset_sql() {  # dataset table staging-table
  local T="$2" S="$3"
  case "$1" in
    articles)
      cat <<SQL
SET winners = (SELECT IFNULL(ARRAY_AGG(s.article_id), []) FROM $S AS s
  LEFT JOIN $T AS t ON t.article_id = s.article_id
  WHERE t.article_id IS NULL OR s.ingested_at >= t.ingested_at);
MERGE $T AS t
USING (SELECT * FROM $S WHERE article_id IN UNNEST(winners)) AS s
ON t.article_id = s.article_id
WHEN MATCHED THEN UPDATE SET source_type = s.source_type, source_name = s.source_name, source_uri = s.source_uri, url = s.url, title = s.title, authors = s.authors, tags = s.tags, subheadings = s.subheadings, summary = s.summary, published_at = s.published_at, updated_at = s.updated_at, ingested_at = s.ingested_at, language = s.language, language_score = s.language_score, body = s.body, extraction = s.extraction, char_count = s.char_count, word_count = s.word_count, sentence_count = s.sentence_count, content_hash = s.content_hash, entity_mentions = s.entity_mentions, entities = s.entities, keyphrases = s.keyphrases, quotes = s.quotes, amounts = s.amounts, dates_mentioned = s.dates_mentioned, nlp_model = s.nlp_model, duplicate_of = s.duplicate_of, duplicate_similarity = s.duplicate_similarity, run_id = s.run_id, ingest_date = s.ingest_date
WHEN NOT MATCHED THEN INSERT (article_id, source_type, source_name, source_uri, url, title, authors, tags, subheadings, summary, published_at, updated_at, ingested_at, language, language_score, body, extraction, char_count, word_count, sentence_count, content_hash, entity_mentions, entities, keyphrases, quotes, amounts, dates_mentioned, nlp_model, duplicate_of, duplicate_similarity, run_id, ingest_date) VALUES (s.article_id, s.source_type, s.source_name, s.source_uri, s.url, s.title, s.authors, s.tags, s.subheadings, s.summary, s.published_at, s.updated_at, s.ingested_at, s.language, s.language_score, s.body, s.extraction, s.char_count, s.word_count, s.sentence_count, s.content_hash, s.entity_mentions, s.entities, s.keyphrases, s.quotes, s.amounts, s.dates_mentioned, s.nlp_model, s.duplicate_of, s.duplicate_similarity, s.run_id, s.ingest_date);
SQL
      ;;
    entities)
      cat <<SQL
DELETE FROM $T WHERE article_id IN UNNEST(winners);
INSERT INTO $T (article_id, name, label, mentions, forms, first_char, country_code, geo_type, published_at, source_name, run_id, ingest_date)
SELECT article_id, name, label, mentions, forms, first_char, country_code, geo_type, published_at, source_name, run_id, ingest_date FROM $S WHERE article_id IN UNNEST(winners);
SQL
      ;;
    quotes)
      cat <<SQL
DELETE FROM $T WHERE article_id IN UNNEST(winners);
INSERT INTO $T (article_id, quote_index, text, speaker, speaker_label, cue, start_char, end_char, paragraphs, is_scare, is_partial, attribution, published_at, source_name, run_id, ingest_date)
SELECT article_id, quote_index, text, speaker, speaker_label, cue, start_char, end_char, paragraphs, is_scare, is_partial, attribution, published_at, source_name, run_id, ingest_date FROM $S WHERE article_id IN UNNEST(winners);
SQL
      ;;
    rejects)
      cat <<SQL
DELETE FROM $T AS t WHERE EXISTS (SELECT 1 FROM $S AS s WHERE s.run_id = t.run_id AND s.ingest_date = t.ingest_date);
INSERT INTO $T (source_uri, source_type, item_key, stage, reason, detail, excerpt, rejected_at, run_id, ingest_date)
SELECT source_uri, source_type, item_key, stage, reason, detail, excerpt, rejected_at, run_id, ingest_date FROM $S;
SQL
      ;;
    duplicates)
      cat <<SQL
DELETE FROM $T AS t WHERE EXISTS (SELECT 1 FROM $S AS s WHERE s.run_id = t.run_id AND s.ingest_date = t.ingest_date);
INSERT INTO $T (article_id, source_uri, source_type, url, title, content_hash, key, found_in, duplicate_of, similarity, ingested_at, run_id, ingest_date)
SELECT article_id, source_uri, source_type, url, title, content_hash, key, found_in, duplicate_of, similarity, ingested_at, run_id, ingest_date FROM $S;
SQL
      ;;
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

valid_run_id() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "not a run id: $1"; }

load_run() {
  local run_id="$1" listing status=0
  valid_run_id "$run_id"
  listing="$(runs_listing --run "$run_id")" || status=$?
  case $status in
    0) ;;
    3) echo "run $run_id: a compaction, nothing to load"; return 0 ;;
    4) die "no manifest for run $run_id (still running, or failed?)" ;;
    *) runs_failed ;;
  esac
  load_files "$run_id" "$(awk -F'\t' '$1 == "file" { print $2 "\t" $3 }' <<<"$listing")"
}

# Stage and upsert one run's files ("dataset<TAB>uri" lines) in one transaction.
load_files() {
  local run_id="$1" files="$2" name uris suffix count=0
  # A table name per run: letters, digits and _ only, plus a checksum so that
  # run ids differing only in . or - do not share one.
  suffix="${run_id//[^A-Za-z0-9_]/_}_$(printf '%s' "$run_id" | cksum | cut -d' ' -f1)"
  local staged=()
  for name in "${DATASETS[@]}"; do
    uris="$(awk -F'\t' -v d="$name" '$1 == d { print $2 }' <<<"$files" | paste -sd, -)"
    [[ -n "$uris" ]] || continue
    bqx load --replace --source_format=PARQUET --parquet_enable_list_inference \
      --hive_partitioning_mode=CUSTOM \
      --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{ingest_date:DATE}" \
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

# Every finished run not in _loaded_runs, as `news-ingest runs` lists them (per-run
# manifests, day records and quiet streaming windows; runs oldest first), then the day
# records read whole, remembered in _loaded_runs (dataset 'day_record') so they are not
# read again until they grow.
load_new() {
  local loaded listing kind a b run_id="" files="" records=()
  loaded="$(mktemp)"
  # removed when this function returns (and the trap with it: set -u and a later return)
  trap 'rm -f "$loaded"; trap - RETURN' RETURN
  query "SELECT DISTINCT run_id FROM $(sql_table _loaded_runs) WHERE dataset = '*' OR dataset = 'day_record'" >"$loaded"
  listing="$(runs_listing --skip "$loaded")" || runs_failed
  # fd 3: bq and gcloud must not read the listing from stdin
  while IFS=$'\t' read -r -u 3 kind a b; do
    case "$kind" in
      run)
        [[ -z "$run_id" ]] || load_files "$run_id" "$files"
        valid_run_id "$a"
        run_id="$a" files="" ;;
      file) files+="$a"$'\t'"$b"$'\n' ;;
      record)
        [[ "$a" =~ ^days/[A-Za-z0-9_.-]+@[0-9]+$ ]] || die "not a day record key: $a"
        records+=("$a") ;;
    esac
  done 3<<<"$listing"
  [[ -z "$run_id" ]] || load_files "$run_id" "$files"
  [[ ${#records[@]} -gt 0 ]] || return 0
  local values=() key
  for key in "${records[@]}"; do values+=("('$key', 'day_record', 0, CURRENT_TIMESTAMP())"); done
  query "INSERT INTO $(sql_table _loaded_runs) (run_id, dataset, files, loaded_at) VALUES $(IFS=,; echo "${values[*]}");" >/dev/null
  echo "${#records[@]} day records read whole: not read again until they grow"
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
      --hive_partitioning_source_uri_prefix="$DATA_URI/$name/{ingest_date:DATE}" \
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

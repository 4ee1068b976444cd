#!/usr/bin/env bash
# Start, update or drain the news-ingest streaming job (flex template news-ingest-stream).
set -euo pipefail
# shellcheck source=deploy/dataflow/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'USAGE'
usage: PROJECT=... REGION=... BUCKET=... deploy/dataflow/run_stream.sh [start|update] NEWS_INGEST_STREAM_FLAGS...
       PROJECT=... REGION=... deploy/dataflow/run_stream.sh drain|cancel

  start   (default) launch the streaming job, e.g.
            deploy/dataflow/run_stream.sh --input_subscription projects/P/subscriptions/news \
              --feeds gs://my-bucket/feeds.txt --output gs://my-bucket/news
  update  replace the running job of the same JOB_NAME in place (`--update`): Dataflow checks
          that the new graph is compatible, carries over the deduplication state and
          in-flight data, and swaps the code without losing or re-reading messages.  Renamed
          steps need TRANSFORM_NAME_MAPPINGS='{"old":"new"}'.
  drain   stop reading new input, finish what is in flight (windows are written), then stop;
          the subscription keeps every message not yet acknowledged for the next job
  cancel  stop at once (in-flight data is dropped; unacknowledged messages are redelivered)

The flags are those of `news-ingest stream --help`, checked locally (same parser and
metadata-stream.json) before anything is launched.

  PROJECT, REGION, BUCKET   project, region, and the bucket for staging/temp files
  JOB_NAME       default news-ingest-stream (fixed: update and drain find the job by it)
  TEMPLATE       spec file (default gs://$BUCKET/templates/news-ingest-stream.json)
  MAX_WORKERS, MACHINE_TYPE, SERVICE_ACCOUNT, WORKER_IMAGE   as for run_template.sh
  DRY_RUN=1      print the gcloud commands instead of running them
USAGE
}

JOB_NAME="${JOB_NAME:-news-ingest-stream}"

# The id of the running job called $JOB_NAME (Dataflow allows one active job per name).
active_job_id() {
  gcloud dataflow jobs list --project "$PROJECT" --region "$REGION" --status active \
    --filter "name=$JOB_NAME" --format "value(id)" --limit 1
}

action=start
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
  start|update|drain|cancel) action="$1"; shift ;;
esac

case "$action" in
  start)
    require PROJECT REGION BUCKET
    launch_template stream --enable-streaming-engine -- "$@" ;;
  update)
    require PROJECT REGION BUCKET
    update=(--enable-streaming-engine --update)
    [[ -z "${TRANSFORM_NAME_MAPPINGS:-}" ]] || update+=(--transform-name-mappings "$TRANSFORM_NAME_MAPPINGS")
    launch_template stream "${update[@]}" -- "$@" ;;
  drain|cancel)
    require PROJECT REGION
    [[ $# -eq 0 ]] || die "$action takes no flags"
    if [[ "${DRY_RUN:-0}" == 1 ]]; then
      job_id=JOB_ID
      printf '+ gcloud dataflow jobs list ... --filter name=%s  (finds JOB_ID)\n' "$JOB_NAME"
    else
      job_id="$(active_job_id)"
      [[ -n "$job_id" ]] || die "no active job called $JOB_NAME in $PROJECT/$REGION"
    fi
    run gcloud dataflow jobs "$action" "$job_id" --project "$PROJECT" --region "$REGION" ;;
esac

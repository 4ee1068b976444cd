#!/usr/bin/env bash
# Launch one news-ingest batch job from the flex template.
set -euo pipefail
# shellcheck source=deploy/dataflow/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'USAGE'
usage: PROJECT=... REGION=... BUCKET=... deploy/dataflow/run_template.sh NEWS_INGEST_BATCH_FLAGS...

  e.g. deploy/dataflow/run_template.sh --feeds gs://my-bucket/feeds.txt --fetch_articles \
         --output gs://my-bucket/news

The flags are those of `news-ingest batch --help`; they are checked locally (same parser,
and the template's metadata.json) before anything is launched.  Values must be reachable
from Google Cloud: gs:// paths and http(s) URLs.

  PROJECT, REGION, BUCKET   project, region, and the bucket for staging/temp files
  TEMPLATE       spec file (default gs://$BUCKET/templates/news-ingest-batch.json)
  JOB_NAME       default news-ingest-YYYYMMDD-HHMMSS (UTC)
  MAX_WORKERS    autoscaling ceiling (default 4)
  MACHINE_TYPE   worker machine type (default: Dataflow's)
  SERVICE_ACCOUNT  worker service account e-mail (default: Compute Engine default)
  WORKER_IMAGE   custom SDK container image for the workers (built with `build_template.sh container`)
  DRY_RUN=1      print the gcloud command instead of running it
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
require PROJECT REGION BUCKET
TEMPLATE="$(default_template)"

PARAMETERS="$(template_params gcloud -- "$@")" || exit 2

options=(--project "$PROJECT" --region "$REGION" --template-file-gcs-location "$TEMPLATE"
         --staging-location "gs://$BUCKET/staging" --temp-location "gs://$BUCKET/temp"
         --max-workers "${MAX_WORKERS:-4}")
[[ -z "${MACHINE_TYPE:-}" ]] || options+=(--worker-machine-type "$MACHINE_TYPE")
[[ -z "${SERVICE_ACCOUNT:-}" ]] || options+=(--service-account-email "$SERVICE_ACCOUNT")
# A custom SDK container needs Runner v2 (already the default for Python; stated for clarity).
[[ -z "${WORKER_IMAGE:-}" ]] || options+=(--additional-pipeline-options "sdk_container_image=$WORKER_IMAGE"
                                          --additional-experiments use_runner_v2)

run gcloud dataflow flex-template run "${JOB_NAME:-news-ingest-$(date -u +%Y%m%d-%H%M%S)}" \
  "${options[@]}" --parameters "$PARAMETERS"

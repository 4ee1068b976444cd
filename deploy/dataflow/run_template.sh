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
  JOB_NAME       default news-ingest-batch-YYYYMMDD-HHMMSS (UTC)
  MAX_WORKERS    autoscaling ceiling (default 4)
  MACHINE_TYPE   worker machine type (default: Dataflow's)
  SERVICE_ACCOUNT  worker service account (default: bootstrap.sh's news-ingest-worker@PROJECT...)
  WORKER_IMAGE   another image for the workers (default: the template's own image, see
                 deploy/dataflow/main.py); e.g. the previous tag, to roll back workers only
  DRY_RUN=1      print the gcloud command instead of running it
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
require PROJECT REGION BUCKET
launch_template batch -- "$@"

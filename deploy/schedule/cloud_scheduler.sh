#!/usr/bin/env bash
# Create (or update) a Cloud Scheduler job that launches the news-ingest flex template.
set -euo pipefail
# shellcheck source=deploy/dataflow/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../dataflow/common.sh"

usage() {
  cat <<'USAGE'
usage: PROJECT=... REGION=... BUCKET=... SCHEDULER_SA=... deploy/schedule/cloud_scheduler.sh NEWS_INGEST_BATCH_FLAGS...

  e.g. SCHEDULE="0 * * * *" deploy/schedule/cloud_scheduler.sh \
         --feeds gs://my-bucket/feeds.txt --fetch_articles --output gs://my-bucket/news

Cloud Scheduler POSTs a flexTemplates:launch request on SCHEDULE; the flags are checked
locally (pipeline parser + metadata.json) and frozen into the request body.

  PROJECT, REGION, BUCKET  project, Dataflow region (also the scheduler's), bucket for staging/temp
  SCHEDULER_SA     service account Cloud Scheduler calls the Dataflow API as: bootstrap.sh's
                   news-ingest-launcher@PROJECT.iam.gserviceaccount.com (roles/dataflow.developer,
                   roles/iam.serviceAccountUser on the workers' account)
  SCHEDULE         cron syntax, UTC (default "0 * * * *": hourly)
  SCHEDULER_JOB    scheduler job name (default news-ingest-batch)
  JOB_NAME         Dataflow job name (default news-ingest-scheduled); fixed on purpose: Dataflow
                   refuses a launch while a job of the same name is active, so runs never overlap
  TEMPLATE, MAX_WORKERS, MACHINE_TYPE, SERVICE_ACCOUNT, WORKER_IMAGE   as for run_template.sh
  DRY_RUN=1        print the request body and the gcloud command instead of running it
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
require PROJECT REGION BUCKET SCHEDULER_SA
TEMPLATE="$(default_template)"
SCHEDULER_JOB="${SCHEDULER_JOB:-news-ingest-batch}"

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
template_params launch-body --job-name "${JOB_NAME:-news-ingest-scheduled}" --template "$TEMPLATE" \
  --temp-location "gs://$BUCKET/temp" --staging-location "gs://$BUCKET/staging" \
  --max-workers "${MAX_WORKERS:-4}" --machine-type "${MACHINE_TYPE:-}" \
  --service-account-email "${SERVICE_ACCOUNT:-news-ingest-worker@$PROJECT.iam.gserviceaccount.com}" \
  --sdk-container-image "${WORKER_IMAGE:-}" \
  -- "$@" >"$body" || exit 2
[[ "${DRY_RUN:-0}" != 1 ]] || cat "$body"

target=(--location "$REGION" --project "$PROJECT" --schedule "${SCHEDULE:-0 * * * *}" --time-zone Etc/UTC
        --uri "https://dataflow.googleapis.com/v1b3/projects/$PROJECT/locations/$REGION/flexTemplates:launch"
        --http-method POST --message-body-from-file "$body"
        --oauth-service-account-email "$SCHEDULER_SA"
        --oauth-token-scope "https://www.googleapis.com/auth/cloud-platform")
# An existing job is updated in place (a dry run touches nothing, so it shows the create).
if [[ "${DRY_RUN:-0}" != 1 ]] \
   && gcloud scheduler jobs describe "$SCHEDULER_JOB" --location "$REGION" --project "$PROJECT" >/dev/null 2>&1; then
  run gcloud scheduler jobs update http "$SCHEDULER_JOB" "${target[@]}" --update-headers "Content-Type=application/json"
else
  run gcloud scheduler jobs create http "$SCHEDULER_JOB" "${target[@]}" --headers "Content-Type=application/json"
fi

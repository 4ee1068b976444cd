#!/usr/bin/env bash
# One-time setup of a Google Cloud project for news-ingest on Dataflow.  Idempotent: each
# step checks what exists and only adds what is missing, so re-running it is safe (and is
# how a half-finished setup is completed).  Every command it runs is listed in README.md
# ("Running on Dataflow") and explained in docs/deploy.md.
set -euo pipefail
# shellcheck source=deploy/dataflow/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'USAGE'
usage: PROJECT=... REGION=... BUCKET=... deploy/dataflow/bootstrap.sh

Enables the APIs, creates the service accounts with their roles, the bucket (with a
lifecycle rule that deletes temp/, staging/ and cloudbuild/ objects after TEMP_DAYS)
and the Artifact Registry repository.  Safe to re-run.

  PROJECT, REGION, BUCKET   project, region (Dataflow, bucket, registry), bucket name
  REPO         Artifact Registry repository (default news-ingest)
  TEMP_DAYS    age in days at which temp/staging objects are deleted (default 7)
  SUBSCRIPTION Pub/Sub subscription the streaming job reads (projects/P/subscriptions/S);
               the worker account gets roles/pubsub.subscriber on it
  OPERATOR     a principal to grant what a person needs to build and launch, e.g.
               user:me@example.com or group:data-team@example.com (optional)
  DRY_RUN=1    print the commands instead of running them (as on an empty project)

Service accounts (e-mails printed at the end):
  news-ingest-worker    runs the flex-template launcher VM and the workers:
                        roles/dataflow.worker (project), roles/storage.objectAdmin (bucket),
                        roles/artifactregistry.reader (repository)
  news-ingest-launcher  starts jobs (Cloud Scheduler's identity): roles/dataflow.developer
                        (project), roles/iam.serviceAccountUser (on the worker account),
                        roles/storage.objectViewer (bucket: reads the template spec)
  news-ingest-build     Cloud Build: roles/artifactregistry.writer (repository),
                        roles/logging.logWriter (project), roles/storage.objectViewer (bucket:
                        reads the uploaded build context)
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; die "no arguments expected: $1" ;;
esac
require PROJECT REGION BUCKET
REPO="${REPO:-news-ingest}"
TEMP_DAYS="${TEMP_DAYS:-7}"
[[ "$TEMP_DAYS" =~ ^[1-9][0-9]*$ ]] || die "TEMP_DAYS must be a positive whole number"
if [[ -n "${SUBSCRIPTION:-}" && ! "$SUBSCRIPTION" =~ ^projects/[^/]+/subscriptions/[^/]+$ ]]; then
  die "SUBSCRIPTION must look like projects/PROJECT/subscriptions/NAME"
fi

WORKER_SA="news-ingest-worker@$PROJECT.iam.gserviceaccount.com"
LAUNCHER_SA="news-ingest-launcher@$PROJECT.iam.gserviceaccount.com"
BUILD_SA="news-ingest-build@$PROJECT.iam.gserviceaccount.com"

# exists CMD...: whether a describe command finds the thing (always "no" in a dry run).
exists() {
  [[ "${DRY_RUN:-0}" != 1 ]] && "$@" >/dev/null 2>&1
}

# 1. APIs.  Enabling an enabled API is a no-op.
run gcloud services enable dataflow.googleapis.com compute.googleapis.com storage.googleapis.com \
  artifactregistry.googleapis.com cloudbuild.googleapis.com cloudscheduler.googleapis.com \
  logging.googleapis.com pubsub.googleapis.com --project "$PROJECT"

# 2. Service accounts.
for name in news-ingest-worker news-ingest-launcher news-ingest-build; do
  if ! exists gcloud iam service-accounts describe "$name@$PROJECT.iam.gserviceaccount.com" --project "$PROJECT"; then
    run gcloud iam service-accounts create "$name" --project "$PROJECT" --display-name "$name"
  fi
done

# 3. The bucket: data (news/), templates (templates/) and Dataflow's scratch space.
if ! exists gcloud storage buckets describe "gs://$BUCKET" --project "$PROJECT"; then
  run gcloud storage buckets create "gs://$BUCKET" --project "$PROJECT" --location "$REGION" \
    --uniform-bucket-level-access --public-access-prevention
fi
# Temp and staging files are only needed while a job runs (staged packages are re-staged at
# each launch); deleting them after TEMP_DAYS keeps the bucket from growing for ever.
lifecycle="$(mktemp)"
trap 'rm -f "$lifecycle"' EXIT
cat >"$lifecycle" <<JSON
{"rule": [{"action": {"type": "Delete"},
           "condition": {"age": $TEMP_DAYS, "matchesPrefix": ["temp/", "staging/", "cloudbuild/"]}}]}
JSON
run gcloud storage buckets update "gs://$BUCKET" --project "$PROJECT" --lifecycle-file "$lifecycle"

# 4. The image repository.
if ! exists gcloud artifacts repositories describe "$REPO" --location "$REGION" --project "$PROJECT"; then
  run gcloud artifacts repositories create "$REPO" --repository-format docker --location "$REGION" \
    --project "$PROJECT" --description "news-ingest Dataflow images"
fi

# 5. Roles, each on the narrowest resource that works.  Adding a binding that exists is a no-op.
project_role() { run gcloud projects add-iam-policy-binding "$PROJECT" --member "$1" --role "$2" --condition None --format none; }
bucket_role() { run gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member "$1" --role "$2" --format none; }
repo_role() {
  run gcloud artifacts repositories add-iam-policy-binding "$REPO" --location "$REGION" --project "$PROJECT" \
    --member "$1" --role "$2" --format none
}
account_role() {  # $1 may act as (launch jobs running as) the service account $3
  run gcloud iam service-accounts add-iam-policy-binding "$3" --project "$PROJECT" --member "$1" --role "$2" --format none
}

project_role "serviceAccount:$WORKER_SA" roles/dataflow.worker
bucket_role "serviceAccount:$WORKER_SA" roles/storage.objectAdmin
# Without it the launcher VM cannot pull the image: "Timeout in polling result file".
repo_role "serviceAccount:$WORKER_SA" roles/artifactregistry.reader
if [[ -n "${SUBSCRIPTION:-}" ]]; then
  run gcloud pubsub subscriptions add-iam-policy-binding "$SUBSCRIPTION" \
    --member "serviceAccount:$WORKER_SA" --role roles/pubsub.subscriber --format none
fi

project_role "serviceAccount:$LAUNCHER_SA" roles/dataflow.developer
account_role "serviceAccount:$LAUNCHER_SA" roles/iam.serviceAccountUser "$WORKER_SA"
bucket_role "serviceAccount:$LAUNCHER_SA" roles/storage.objectViewer

repo_role "serviceAccount:$BUILD_SA" roles/artifactregistry.writer
project_role "serviceAccount:$BUILD_SA" roles/logging.logWriter
bucket_role "serviceAccount:$BUILD_SA" roles/storage.objectViewer

# What a person needs to build the image and launch jobs (docs/deploy.md, "Who needs what").
if [[ -n "${OPERATOR:-}" ]]; then
  project_role "$OPERATOR" roles/dataflow.developer
  project_role "$OPERATOR" roles/cloudbuild.builds.editor
  account_role "$OPERATOR" roles/iam.serviceAccountUser "$WORKER_SA"
  account_role "$OPERATOR" roles/iam.serviceAccountUser "$BUILD_SA"
  bucket_role "$OPERATOR" roles/storage.objectAdmin
fi

cat <<DONE
bootstrap done for project $PROJECT:
  bucket          gs://$BUCKET (temp/, staging/, cloudbuild/ expire after $TEMP_DAYS days)
  images          $REGION-docker.pkg.dev/$PROJECT/$REPO
  worker account  $WORKER_SA   (SERVICE_ACCOUNT for run_template.sh / run_stream.sh)
  launcher account $LAUNCHER_SA (SCHEDULER_SA for deploy/schedule/cloud_scheduler.sh)
  build account   $BUILD_SA    (BUILD_SERVICE_ACCOUNT for build_template.sh)
DONE

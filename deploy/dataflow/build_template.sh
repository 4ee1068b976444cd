#!/usr/bin/env bash
# Build the news-ingest flex template: container image + template spec file on GCS.
set -euo pipefail
# shellcheck source=deploy/dataflow/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'USAGE'
usage: PROJECT=... REGION=... BUCKET=... IMAGE=... deploy/dataflow/build_template.sh [launcher|container]

  launcher   (default) image from deploy/dataflow/Dockerfile: the flex template launcher;
             workers run the stock Beam SDK image and install the pinned requirements
             and the package at start-up.
  container  image from deploy/dataflow/Dockerfile.worker: launcher and workers in one
             image with everything preinstalled; run it with WORKER_IMAGE=$IMAGE.

  PROJECT   Google Cloud project             REGION  e.g. europe-west1
  BUCKET    bucket for the template spec     IMAGE   e.g. REGION-docker.pkg.dev/PROJECT/REPO/news-ingest:TAG
  TEMPLATE  spec file (default gs://$BUCKET/templates/news-ingest-batch.json)
  BUILDER   cloudbuild (default: Cloud Build, no local Docker needed) or docker (build and push locally)
  DRY_RUN=1 print the commands instead of running them
USAGE
}

case "${1:-launcher}" in
  -h|--help) usage; exit 0 ;;
  launcher) DOCKERFILE="$DATAFLOW_DIR/Dockerfile" ;;
  container) DOCKERFILE="$DATAFLOW_DIR/Dockerfile.worker" ;;
  *) usage >&2; die "unknown image kind: $1" ;;
esac
require PROJECT REGION BUCKET IMAGE
TEMPLATE="$(default_template)"

# The generated files must match the code they are derived from.
(cd "$REPO_ROOT" && "$PYTHON" -m deploy.dataflow.generate_metadata --check \
                 && "$PYTHON" -m deploy.dataflow.lock_dependencies --check)

# A clean build context with only what the image needs (no .venv, data or caches).
CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT
(cd "$REPO_ROOT" && tar --exclude=__pycache__ -cf - \
    setup.py constraints.txt pipelines transforms schemas deploy/__init__.py \
    deploy/dataflow/__init__.py deploy/dataflow/main.py deploy/dataflow/template_params.py \
    deploy/dataflow/constraints-gcp.txt deploy/dataflow/requirements-workers.txt) | tar -xf - -C "$CONTEXT"
cp "$DOCKERFILE" "$CONTEXT/Dockerfile"

case "${BUILDER:-cloudbuild}" in
  cloudbuild) run gcloud builds submit "$CONTEXT" --project "$PROJECT" --region "$REGION" --tag "$IMAGE" ;;
  docker) run docker build -t "$IMAGE" "$CONTEXT" && run docker push "$IMAGE" ;;
  *) die "BUILDER must be cloudbuild or docker" ;;
esac

run gcloud dataflow flex-template build "$TEMPLATE" \
  --project "$PROJECT" --image "$IMAGE" --sdk-language PYTHON \
  --metadata-file "$DATAFLOW_DIR/metadata.json"

echo "template: $TEMPLATE"
echo "run it:   PROJECT=$PROJECT REGION=$REGION BUCKET=$BUCKET${TEMPLATE:+ TEMPLATE=$TEMPLATE}$([[ "${1:-}" == container ]] && echo " WORKER_IMAGE=$IMAGE") \\"
echo "          deploy/dataflow/run_template.sh --input gs://$BUCKET/inbox --output gs://$BUCKET/news"

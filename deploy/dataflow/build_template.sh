#!/usr/bin/env bash
# Build the news-ingest image (launcher + workers) and the batch and streaming template specs.
set -euo pipefail
# shellcheck source=deploy/dataflow/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'USAGE'
usage: PROJECT=... REGION=... BUCKET=... IMAGE=... deploy/dataflow/build_template.sh

Builds deploy/dataflow/Dockerfile once, as two tags of one image: IMAGE (the batch
launcher, and the workers of every job) and IMAGE-stream (the streaming launcher), then
writes two template specs that point at them, kept per TAG and copied to the current ones:
  gs://$BUCKET/templates/news-ingest-batch[-TAG].json    (metadata.json)
  gs://$BUCKET/templates/news-ingest-stream[-TAG].json   (metadata-stream.json)
Workers run IMAGE with everything preinstalled (spaCy model included); nothing is
installed from PyPI when a job starts.

  PROJECT   Google Cloud project             REGION  e.g. europe-west1
  BUCKET    bucket for the template specs    IMAGE   REGION-docker.pkg.dev/PROJECT/REPO/news-ingest:TAG,
            with an immutable TAG such as the commit ($(git rev-parse --short HEAD)); not "latest"
  BUILD_SERVICE_ACCOUNT  Cloud Build's account (default bootstrap.sh's news-ingest-build@PROJECT...)
  BUILDER   cloudbuild (default: Cloud Build, no local Docker needed) or docker (build and push locally)
  DRY_RUN=1 print the commands instead of running them
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; die "no arguments expected (one image serves batch and streaming): $1" ;;
esac
require PROJECT REGION BUCKET IMAGE
# Workers are told to run IMAGE by name; a moving tag would let a re-push change a running job.
[[ "$IMAGE" =~ ^[^@]+:[A-Za-z0-9_][A-Za-z0-9_.-]*$ && ! "$IMAGE" =~ :latest$ ]] \
  || die "IMAGE must end in an immutable :TAG (e.g. the commit), not :latest or a digest: $IMAGE"
STREAM_IMAGE="$IMAGE-stream"
BUILD_SERVICE_ACCOUNT="${BUILD_SERVICE_ACCOUNT:-news-ingest-build@$PROJECT.iam.gserviceaccount.com}"

# The generated files must match the code they are derived from.
(cd "$REPO_ROOT" && "$PYTHON" -m deploy.dataflow.generate_metadata --check \
                 && "$PYTHON" -m deploy.dataflow.lock_dependencies --check)
BEAM_VERSION="$(sed -n 's/^apache-beam==//p' "$REPO_ROOT/constraints.txt")"
LAUNCHER_BASE="$(sed -n 's/^ARG LAUNCHER_BASE=//p' "$DATAFLOW_DIR/Dockerfile")"
[[ -n "$BEAM_VERSION" && -n "$LAUNCHER_BASE" ]] || die "cannot read the pinned Beam version or launcher base"

# A clean build context with only what the image needs (no .venv, data or caches).
CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT
(cd "$REPO_ROOT" && tar --exclude=__pycache__ -cf - \
    setup.py constraints.txt pipelines transforms schemas deploy/__init__.py \
    deploy/dataflow/__init__.py deploy/dataflow/main.py deploy/dataflow/template_params.py \
    deploy/dataflow/image_pins.py deploy/dataflow/constraints-gcp.txt deploy/dataflow/requirements-workers.txt) \
  | tar -xf - -C "$CONTEXT"
cp "$DATAFLOW_DIR/Dockerfile" "$CONTEXT/Dockerfile"
cp "$DATAFLOW_DIR/cloudbuild.yaml" "$CONTEXT/cloudbuild.yaml"

build_args=(--build-arg "BEAM_VERSION=$BEAM_VERSION" --build-arg "LAUNCHER_BASE=$LAUNCHER_BASE"
            --build-arg "IMAGE=$IMAGE")
case "${BUILDER:-cloudbuild}" in
  cloudbuild)
    run gcloud builds submit "$CONTEXT" --project "$PROJECT" --region "$REGION" --config "$CONTEXT/cloudbuild.yaml" \
      --substitutions "_IMAGE=$IMAGE,_STREAM_IMAGE=$STREAM_IMAGE,_BEAM_VERSION=$BEAM_VERSION,_LAUNCHER_BASE=$LAUNCHER_BASE" \
      --service-account "projects/$PROJECT/serviceAccounts/$BUILD_SERVICE_ACCOUNT" \
      --gcs-source-staging-dir "gs://$BUCKET/cloudbuild/source" ;;
  docker)
    run docker build --target worker "${build_args[@]}" -t "$IMAGE" "$CONTEXT"
    run docker build --target stream "${build_args[@]}" -t "$STREAM_IMAGE" "$CONTEXT"
    run docker push "$IMAGE"
    run docker push "$STREAM_IMAGE" ;;
  *) die "BUILDER must be cloudbuild or docker" ;;
esac

# Each build keeps its own spec (news-ingest-MODE-TAG.json), then becomes the current one
# (news-ingest-MODE.json, what launches and Cloud Scheduler use).  Rolling back is copying
# an earlier build's spec over the current one (docs/deploy.md).
TAG="${IMAGE##*:}"
for mode in batch stream; do
  spec_image="$IMAGE"
  [[ "$mode" == batch ]] || spec_image="$STREAM_IMAGE"
  current="$(default_template "$mode")"
  versioned="${current%.json}-$TAG.json"
  run gcloud dataflow flex-template build "$versioned" \
    --project "$PROJECT" --image "$spec_image" --sdk-language PYTHON --metadata-file "$(metadata_file "$mode")"
  run gcloud storage cp "$versioned" "$current" --project "$PROJECT"
done

echo "templates: $(default_template batch) $(default_template stream)"
echo "run them:  PROJECT=$PROJECT REGION=$REGION BUCKET=$BUCKET deploy/dataflow/run_template.sh --input gs://$BUCKET/inbox --output gs://$BUCKET/news"
echo "           PROJECT=$PROJECT REGION=$REGION BUCKET=$BUCKET deploy/dataflow/run_stream.sh --feeds gs://$BUCKET/feeds.txt --output gs://$BUCKET/news"

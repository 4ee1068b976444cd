# shellcheck shell=bash
# Shared by the scripts of deploy/dataflow and deploy/schedule/cloud_scheduler.sh (sourced).
# Defines REPO_ROOT, PYTHON and small helpers; the caller has `set -euo pipefail`.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATAFLOW_DIR="$REPO_ROOT/deploy/dataflow"
# Any Python 3.10+ will do for the helpers (they need only the standard library and
# pipelines/options.py); the project's venv is preferred when it exists.
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then PYTHON="$REPO_ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

die() { echo "$(basename "$0"): error: $*" >&2; exit 2; }

# require VAR... : fail with the usage text when a variable is unset or empty.
require() {
  local name missing=()
  for name in "$@"; do [[ -n "${!name:-}" ]] || missing+=("$name"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    usage >&2
    die "set ${missing[*]}"
  fi
}

# The template spec file of a pipeline (batch by default); BUCKET must be set first.  Batch
# and streaming have a spec each, never the same path.
default_template() { echo "${TEMPLATE:-gs://$BUCKET/templates/news-ingest-${1:-batch}.json}"; }

# The template metadata of a pipeline: metadata.json (batch) or metadata-stream.json.
metadata_file() { if [[ "${1:-batch}" == stream ]]; then echo "$DATAFLOW_DIR/metadata-stream.json"; else echo "$DATAFLOW_DIR/metadata.json"; fi; }

# template_params FORMAT [options] -- NEWS_INGEST_FLAGS: validated by the pipeline's parser
# and by the metadata (see deploy/dataflow/template_params.py).  MODE=stream for streaming.
template_params() {
  local format="$1" mode="${MODE:-batch}"
  shift
  (cd "$REPO_ROOT" && PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}" \
    "$PYTHON" -m deploy.dataflow.template_params "$format" --mode "$mode" --metadata "$(metadata_file "$mode")" "$@")
}

# launch_template MODE [gcloud flags --] NEWS_INGEST_FLAGS...: `gcloud dataflow flex-template run`
# for the pipeline's template, with the settings every launch shares (see run_template.sh).
launch_template() {
  local mode="$1" parameters extra=()
  shift
  while [[ $# -gt 0 && "$1" != -- ]]; do extra+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift  # the --
  parameters="$(MODE="$mode" template_params gcloud -- "$@")" || exit 2
  local options=(--project "$PROJECT" --region "$REGION" --template-file-gcs-location "$(default_template "$mode")"
                 --staging-location "gs://$BUCKET/staging" --temp-location "gs://$BUCKET/temp"
                 --max-workers "${MAX_WORKERS:-4}")
  [[ -z "${MACHINE_TYPE:-}" ]] || options+=(--worker-machine-type "$MACHINE_TYPE")
  # bootstrap.sh's worker account: the Compute Engine default one has no roles in new projects.
  options+=(--service-account-email "${SERVICE_ACCOUNT:-news-ingest-worker@$PROJECT.iam.gserviceaccount.com}")
  # The image's own workers are the default (main.py); WORKER_IMAGE overrides, e.g. to roll back.
  [[ -z "${WORKER_IMAGE:-}" ]] || options+=(--additional-pipeline-options "sdk_container_image=$WORKER_IMAGE")
  run gcloud dataflow flex-template run "${JOB_NAME:-news-ingest-$mode-$(date -u +%Y%m%d-%H%M%S)}" \
    "${options[@]}" "${extra[@]}" --parameters "$parameters"
}

# run CMD...: print the command; with DRY_RUN=1 only print it.
run() {
  printf '+'; printf ' %q' "$@"; printf '\n'
  [[ "${DRY_RUN:-0}" == 1 ]] || "$@"
}

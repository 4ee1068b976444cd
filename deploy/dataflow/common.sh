# shellcheck shell=bash
# Shared by build_template.sh, run_template.sh and deploy/schedule/cloud_scheduler.sh (sourced).
# Defines REPO_ROOT, PYTHON, TEMPLATE and small helpers; the caller has `set -euo pipefail`.

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

# The template spec file's location; BUCKET must be set first.
default_template() { echo "${TEMPLATE:-gs://$BUCKET/templates/news-ingest-batch.json}"; }

# template_params FORMAT [options] -- NEWS_INGEST_FLAGS: validated by the pipeline's parser
# and by metadata.json (see deploy/dataflow/template_params.py).
template_params() {
  local format="$1"
  shift
  (cd "$REPO_ROOT" && PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}" \
    "$PYTHON" -m deploy.dataflow.template_params "$format" --metadata "$DATAFLOW_DIR/metadata.json" "$@")
}

# run CMD...: print the command; with DRY_RUN=1 only print it.
run() {
  printf '+'; printf ' %q' "$@"; printf '\n'
  [[ "${DRY_RUN:-0}" == 1 ]] || "$@"
}

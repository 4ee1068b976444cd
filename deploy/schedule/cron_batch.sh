#!/usr/bin/env bash
# One scheduled news-ingest command (batch by default) on a VM or laptop: never two at once
# on the same --output, a time limit, one log file per run, failures and skips on stderr
# (cron mails them to MAILTO).
#
# usage: deploy/schedule/cron_batch.sh [COMMAND...] --output DIR [flags of that command]
#   COMMAND is batch (the default), compact or "load duckdb"; see crontab.example:
#   */15 * * * * /opt/news-ingest/deploy/schedule/cron_batch.sh --feeds /srv/news/feeds.txt --output /srv/news/data
#
# Environment (all optional):
#   NEWS_INGEST            the command (default: the repository's .venv/bin/news-ingest)
#   NEWS_INGEST_LOGS       log folder (default: ${XDG_STATE_HOME:-$HOME/.local/state}/news-ingest)
#   NEWS_INGEST_LOCK       lock file (default: one per real path of --output, in the log folder)
#   NEWS_INGEST_TIMEOUT    stop the run after this long (default 1h; a `timeout` duration, 0 = never)
#   NEWS_INGEST_LOCK_WAIT  seconds to wait for a run still going before skipping (default 0)
#   KEEP_LOG_DAYS          delete run logs older than this many days (default 30)
#
# Exit status: the command's own; 124 when it ran out of time (it is sent SIGTERM, then
# SIGKILL a minute later); 75 when it was skipped because another run on the same output
# still held the lock (a line goes to skipped.log and to stderr); 2 for a usage error.
# The lock is keyed on the resolved real path of --output, so data, ./data and a symlink
# to it share one lock, and every command run through this wrapper on that output (batch,
# compact, load) takes the same lock.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NEWS_INGEST="${NEWS_INGEST:-$REPO_ROOT/.venv/bin/news-ingest}"
LOG_DIR="${NEWS_INGEST_LOGS:-${XDG_STATE_HOME:-$HOME/.local/state}/news-ingest}"
TIMEOUT="${NEWS_INGEST_TIMEOUT:-1h}"
LOCK_WAIT="${NEWS_INGEST_LOCK_WAIT:-0}"
KEEP_LOG_DAYS="${KEEP_LOG_DAYS:-30}"
EXIT_SKIPPED=75  # EX_TEMPFAIL: try again later

usage_error() {
  sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  echo "cron_batch.sh: error: $*" >&2
  exit 2
}

# The news-ingest command words come first (none: batch), then its flags.
command=()
while [[ $# -gt 0 && "$1" != -* ]]; do
  command+=("$1")
  shift
done
[[ ${#command[@]} -gt 0 ]] || command=(batch)
case "${command[*]}" in
  batch | compact | "load duckdb") ;;
  *) usage_error "unknown command '${command[*]}' (batch, compact or load duckdb)" ;;
esac

output=""
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --output=*) output="${args[$i]#--output=}" ;;
    --output) output="${args[$((i + 1))]:-}" ;;
  esac
done
[[ -n "$output" ]] || usage_error "give --output DIR"

# The real path (symlinks and .. resolved; the folder need not exist yet); a URL as given.
if [[ "$output" == *://* ]]; then
  key="$output"
else
  key="$(realpath -m -- "$output")"
fi

mkdir -p "$LOG_DIR"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
name="${command[*]}"
name="${name// /-}"
lock="${NEWS_INGEST_LOCK:-$LOG_DIR/output-$(printf '%s' "$key" | cksum | cut -d' ' -f1).lock}"
exec 9>"$lock"
if ! flock --wait "$LOCK_WAIT" 9; then
  line="$(now) $name on $key skipped: a run on that output is still going (lock $lock)"
  echo "$line" >>"$LOG_DIR/skipped.log"
  echo "cron_batch.sh: $line" >&2
  exit "$EXIT_SKIPPED"
fi

find "$LOG_DIR" -maxdepth 1 -name '*.log' ! -name skipped.log ! -name latest.log \
  -mtime +"$KEEP_LOG_DAYS" -delete
log="$LOG_DIR/$name-$(date -u +%Y%m%dT%H%M%SZ)-$$.log"
ln -sfn "$(basename "$log")" "$LOG_DIR/latest.log"
status=0
{
  echo "$(now) start: $NEWS_INGEST ${command[*]} ${args[*]} (timeout $TIMEOUT)"
  # timeout signals the command's whole process group, so Beam's worker processes stop
  # too.  They inherit the lock (fd 9): it is free only once every one of them is gone.
  timeout --kill-after=60 "$TIMEOUT" "$NEWS_INGEST" "${command[@]}" "${args[@]}" || status=$?
  if [[ $status -eq 124 ]]; then
    echo "$(now) timed out after $TIMEOUT"
  fi
  echo "$(now) end: exit $status"
} >"$log" 2>&1
if [[ $status -ne 0 ]]; then
  if [[ $status -eq 124 ]]; then
    echo "news-ingest $name on $key timed out after $TIMEOUT; last lines of $log:" >&2
  else
    echo "news-ingest $name failed with exit $status; last lines of $log:" >&2
  fi
  tail -n 20 "$log" >&2
fi
exit "$status"

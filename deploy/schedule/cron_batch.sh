#!/usr/bin/env bash
# One scheduled `news-ingest batch` run on a VM or laptop: never two at once on the same
# --output, one log file per run, failures reported on stderr (cron mails them to MAILTO).
#
# usage: deploy/schedule/cron_batch.sh --output DIR [other news-ingest batch flags]
#   e.g. (crontab, every 30 minutes; see crontab.example)
#   */30 * * * * /opt/news-ingest/deploy/schedule/cron_batch.sh --feeds /srv/news/feeds.txt --fetch_articles --output /srv/news/data
#
# Environment (all optional):
#   NEWS_INGEST        the command (default: the repository's .venv/bin/news-ingest)
#   NEWS_INGEST_LOGS   log folder (default: ${XDG_STATE_HOME:-$HOME/.local/state}/news-ingest)
#   NEWS_INGEST_LOCK   lock file (default: one per --output, in the log folder)
#   KEEP_LOG_DAYS      delete run logs older than this many days (default 30)
#
# Each run adds only what is new: the pipeline skips articles already in DIR/articles,
# sends conditional GETs with the validators kept in DIR/_state, and writes its manifest
# to DIR/_runs/<run_id>.json.  A run that finds the previous one still going exits 0
# after noting it in skipped.log, so a slow run delays the next one instead of racing it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NEWS_INGEST="${NEWS_INGEST:-$REPO_ROOT/.venv/bin/news-ingest}"
LOG_DIR="${NEWS_INGEST_LOGS:-${XDG_STATE_HOME:-$HOME/.local/state}/news-ingest}"
KEEP_LOG_DAYS="${KEEP_LOG_DAYS:-30}"

output=""
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --output=*) output="${args[$i]#--output=}" ;;
    --output) output="${args[$((i + 1))]:-}" ;;
  esac
done
if [[ -z "$output" ]]; then
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  echo "cron_batch.sh: error: give --output DIR" >&2
  exit 2
fi

mkdir -p "$LOG_DIR"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
lock="${NEWS_INGEST_LOCK:-$LOG_DIR/batch-$(printf '%s' "$output" | cksum | cut -d' ' -f1).lock}"
exec 9>"$lock"
if ! flock --nonblock 9; then
  echo "$(now) a run on $output is still going; skipped this one" >>"$LOG_DIR/skipped.log"
  exit 0
fi

find "$LOG_DIR" -maxdepth 1 -name 'batch-*.log' -mtime +"$KEEP_LOG_DAYS" -delete
log="$LOG_DIR/batch-$(date -u +%Y%m%dT%H%M%SZ)-$$.log"
ln -sfn "$(basename "$log")" "$LOG_DIR/latest.log"
status=0
{
  echo "$(now) start: $NEWS_INGEST batch ${args[*]}"
  "$NEWS_INGEST" batch "${args[@]}" || status=$?
  echo "$(now) end: exit $status"
} >"$log" 2>&1
if [[ $status -ne 0 ]]; then
  echo "news-ingest batch failed with exit $status; last lines of $log:" >&2
  tail -n 20 "$log" >&2
fi
exit "$status"

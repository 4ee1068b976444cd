"""``news-ingest compact --output DIR [--before DATE]``: merge closed days' small files.

Rewrites, in every dataset, each partition ``ingest_date=D`` with D before ``--before``
(default: today, UTC) so that its small files become warehouse-sized ones (128-512 MB,
or one file when the day is smaller); rows are unchanged.  Readers never see a day's old
and new files both, or neither; see ``transforms/compaction.py``.  Takes the output lock,
so it waits for (``--lock_wait``) or refuses to run beside a batch run.  Run it once a day.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from transforms.output_lock import EXIT_LOCKED, OutputLocked, output_lock

PROG = "news-ingest compact"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, metavar="DIR", help="The --output of the runs (a local folder).")
    parser.add_argument("--before", type=_date, metavar="DATE",
                        help="Compact partitions of days before this date (default: today, UTC).")
    parser.add_argument("--lock_wait", "--lock-wait", type=float, default=0.0, metavar="SECONDS",
                        help="Wait this long for a run holding the output lock (default 0: refuse at once).")
    return parser


def run(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if "://" in args.output and not args.output.startswith("file://"):
        sys.stderr.write(f"{PROG}: error: {args.output!r}: compaction needs a local folder (an object store "
                         "cannot swap a day's files atomically); warehouses load gs:// runs by manifest\n")
        return 2
    output = args.output.removeprefix("file://")
    if not os.path.isdir(output):
        sys.stderr.write(f"{PROG}: error: {output!r} is not a directory\n")
        return 2
    from transforms.compaction import CompactionError, compact, compaction_id

    started_at = dt.datetime.now(dt.timezone.utc)
    before = args.before or started_at.date()
    try:
        with output_lock(output, compaction_id(started_at), command="compact",
                         wait_seconds=args.lock_wait):
            manifest = compact(output, before, started_at)
    except OutputLocked as error:
        sys.stderr.write(f"{PROG}: error: {error}\n")
        return EXIT_LOCKED
    except CompactionError as error:
        sys.stderr.write(f"{PROG}: error: {error}\n")
        return 1
    if manifest is None:
        print(f"nothing to compact before {before} in {output}")
        return 0
    counts = manifest["counts"]
    print(f"compacted {counts['partitions']} partitions before {before}: {counts['files_replaced']} files "
          f"-> {counts['files_written']} ({counts['rows']} rows unchanged); manifest "
          f"{os.path.join(output, '_runs', manifest['run_id'] + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(run())

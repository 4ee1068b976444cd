"""``news-ingest compact --output DIR [--before DATE] [--keep_days N]``: merge closed days' small files.

Rewrites, in every dataset, each partition ``ingest_date=D`` with D before ``--before``
(default: today, UTC) so that its small files become warehouse-sized ones (128-512 MB,
or one file when the day is smaller); rows are unchanged.  Readers never see a day's old
and new files both, or neither; see ``transforms/compaction.py``.  Takes the output lock,
so it waits for (``--lock_wait``) or refuses to run beside a batch run.  Run it once a day.

Then it folds the run manifests ``_runs/<run_id>.json`` last written more than
``--keep_days`` days ago into one record per day (``transforms/run_days.py``), so ``_runs/``
holds a few weeks of manifests and one file per older day.  It also folds the
seen-index and validator journal files streaming windows leave, and the manifests of the
windows that wrote nothing (``fold_records``).  On a
``gs://`` output ``--keep_days N`` does only this folding (no lock there: schedule it apart
from batch jobs; stream windows writing meanwhile are not disturbed: they write only new
files, and a fold deletes only the journal files it read).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from transforms.output_lock import EXIT_LOCKED, OutputLocked, output_lock

PROG = "news-ingest compact"
KEEP_DAYS = 30


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
    parser.add_argument("--keep_days", "--keep-days", type=_days, default=None, metavar="N",
                        help=f"Fold run manifests written more than N days ago (before midnight UTC) into one "
                             f"record per day, _runs/days/<day>.json (default {KEEP_DAYS}; loaders find runs there). "
                             "On a gs:// output, given explicitly, this folding is all that is done.")
    return parser


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a number of days (0 or more): {text!r}")
    return value


def fold_records(output: str, now: dt.datetime, keep_days: int, run_id: str) -> None:
    """Old manifests into day records, and the journals of streaming windows into the seen index, the validators
    and the day records.

    A Dataflow streaming job's windows leave a seen-index journal file each (when they
    index articles) and a validators one (when a feed's validators changed); batch runs and local polls fold them, but an output only a streaming job writes
    to has none, so the daily compaction does it too.  Windows that wrote nothing leave
    their manifest in the day records' journal, which only this folds (``run_days.fold_journal``).
    It also merges the seen index's segments as far as ``seen_index.merge_plan`` asks, past
    the limit a run's commit keeps to.
    """
    from apache_beam.io.filesystems import FileSystems

    from transforms import http_state, near_dup, seen_index, seen_journal
    from transforms.run_days import fold_journal, fold_old_manifests

    # Listed, not read: apply_rows reads them (each read is a request on an object store).
    pattern = FileSystems.join(seen_index.index_dir(output), seen_journal.journal_name("*"))
    journal = len(FileSystems.match([pattern])[0].metadata_list)
    if journal or seen_index.merge_due(output):
        seen_index.apply_rows(output, run_id, [], near_dup.PARAMS.as_dict(), merge_limit=None)
    validators = http_state.commit_updates(output, [])
    if journal or validators:
        print(f"folded {journal} seen-index and {validators} validator journal files of streaming windows")
    quiet = fold_journal(output)
    if quiet["manifests_folded"]:
        print(f"folded {quiet['manifests_folded']} manifests of streaming windows that wrote nothing into "
              f"{len(quiet['days'])} day records")
    folded = fold_old_manifests(output, now, keep_days)
    if folded["manifests_folded"]:
        days = folded["days"]
        print(f"folded {folded['manifests_folded']} run manifests older than {keep_days} days into "
              f"{len(days)} day records ({days[0]} .. {days[-1]}) in {output.rstrip('/')}/_runs/days/")
    for path in quiet["unreadable"] + folded["unreadable"]:
        sys.stderr.write(f"{PROG}: warning: {path} is not a readable run manifest; left in place\n")


def run(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if "://" in args.output and not args.output.startswith("file://"):
        if args.before or args.keep_days is None:
            sys.stderr.write(f"{PROG}: error: {args.output!r}: compaction needs a local folder (an object store "
                             "cannot swap a day's files atomically); warehouses load gs:// runs by manifest. "
                             "--keep_days N alone folds its old run manifests\n")
            return 2
        from transforms.compaction import compaction_id

        print(f"{args.output}: an object store: data files are left as they are (warehouses load gs:// runs by "
              "manifest); run manifests and streaming windows' journals only are folded")
        now = dt.datetime.now(dt.timezone.utc)
        fold_records(args.output.rstrip("/"), now, args.keep_days, compaction_id(now))
        return 0
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
            fold_records(output, started_at, KEEP_DAYS if args.keep_days is None else args.keep_days,
                         compaction_id(started_at))
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

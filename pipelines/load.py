"""``news-ingest load duckdb --output DIR --database FILE``: upsert finished runs into DuckDB.

Loads every run under DIR that has a manifest (a finished run) and is not in the
database yet, one transaction per run, oldest first; see ``transforms/duckdb_load.py``
for how rows are replaced so that a second load, or a load after ``--reprocess``, leaves
every article once.  Safe to run after every batch run, and while one is running (it
never reads a run without a manifest).
"""
from __future__ import annotations

import argparse
import os
import sys

TARGETS = ("duckdb",)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="news-ingest load", description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=TARGETS, help="The warehouse to load into.")
    parser.add_argument("--output", required=True, metavar="DIR", help="The --output of the runs (a local folder).")
    parser.add_argument("--database", required=True, metavar="FILE",
                        help="DuckDB database file (created if missing).")
    return parser


def run(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if "://" in args.output:
        sys.stderr.write(f"news-ingest load: error: {args.output!r}: load reads a local folder; for gs:// use "
                         "deploy/warehouse/bigquery.sh or snowflake.sql\n")
        return 2
    if not os.path.isdir(args.output):
        sys.stderr.write(f"news-ingest load: error: {args.output!r} is not a directory\n")
        return 2
    from transforms.duckdb_load import load

    report = load(args.output, args.database)
    for run_id, counts in report.loaded:
        rows = ", ".join(f"{n} {dataset}" for dataset, n in sorted(counts.items())) or "no rows"
        print(f"loaded run {run_id}: {rows}")
    print(f"{len(report.loaded)} runs loaded into {args.database}, {report.already_loaded} loaded before")
    return 0


if __name__ == "__main__":
    sys.exit(run())

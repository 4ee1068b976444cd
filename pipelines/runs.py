"""``news-ingest runs --output DIR [--skip FILE | --run RUN_ID]``: the finished runs a warehouse has still to load, with their files.

For loaders outside Python (``deploy/warehouse/bigquery.sh load-new`` and ``load RUN_ID``):
the run catalog (``transforms.run_catalog``: per-run manifests, day records and quiet
streaming windows' journal, so runs ``news-ingest compact --keep_days`` folded into day
records are found too), without the runs named in FILE, printed as tab-separated lines,
runs oldest first::

    run     RUN_ID             a run to load; its files follow (none: a run that wrote no file
                               but whose books do not balance, to record as loaded all the same)
    file    DATASET    URI     a file of that run, exactly as its manifest lists it
    record  KEY                a day record read whole: once every run above is loaded, remember
                               KEY (name@size) and pass it in FILE next time, so it is not read again

Runs that wrote no file and balance (quiet runs) have nothing to load and are not listed.
FILE holds one run id or day-record key per line (what the loader has recorded).

``--run RUN_ID`` prints that one run's ``run`` and ``file`` lines, found wherever its manifest
is now (``run_catalog.find_run``), loaded before or not, quiet or not; exit status 3 when
RUN_ID is a compaction (``news-ingest compact``: nothing to load), 4 when no finished run
has that id.
DIR may be ``gs://`` (needs the ``gcp`` extra, as on the Dataflow image).
"""
from __future__ import annotations

import argparse
import sys

from transforms.run_catalog import Catalog

COMPACTION_STATUS = 3  # --run named a compaction
NOT_FOUND_STATUS = 4   # --run named no finished run


def run_lines(run_id: str, manifest: dict) -> list[str]:
    """A run's ``run`` line and its ``file`` lines (see the module docstring)."""
    return [f"run\t{run_id}"] + [f"file\t{dataset}\t{path}"
                                 for dataset, paths in sorted((manifest.get("files") or {}).items()) for path in paths]


def listing(found: Catalog) -> list[str]:
    """The lines ``news-ingest runs`` prints for a catalog (see the module docstring)."""
    from transforms.run_days import is_quiet

    lines = []
    for run in found.runs:
        if not is_quiet(run.manifest):
            lines += run_lines(run.run_id, run.manifest)
    return lines + [f"record\t{key}" for key in found.day_records]


def read_skip(path: str | None) -> set[str]:
    if path is None:
        return set()
    with open(path, encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip()}


def one_run(output_dir: str, run_id: str) -> tuple[int, list[str]]:
    """(exit status, lines) of ``--run RUN_ID``."""
    from transforms.run_catalog import find_run
    from transforms.run_days import COMPACT_MODE

    manifest = find_run(output_dir, run_id)
    if manifest is None:
        return NOT_FOUND_STATUS, []
    if manifest.get("mode") == COMPACT_MODE:
        return COMPACTION_STATUS, []
    return 0, run_lines(run_id, manifest)


def run(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="news-ingest runs", description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, metavar="DIR", help="The --output of the runs (local or gs://).")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--skip", metavar="FILE",
                       help="Run ids and day-record keys already loaded, one a line (e.g. from _loaded_runs).")
    which.add_argument("--run", metavar="RUN_ID",
                       help="Only this run, loaded or not (exit 3: a compaction, 4: no finished run of that id).")
    args = parser.parse_args(argv)
    output = args.output.rstrip("/")
    if args.run is not None:
        status, lines = one_run(output, args.run)
        if status == NOT_FOUND_STATUS:
            sys.stderr.write(f"news-ingest runs: no finished run {args.run} in {output}\n")
    else:
        from transforms.run_catalog import catalog

        status, lines = 0, listing(catalog(output, skip=read_skip(args.skip)))
    for line in lines:
        sys.stdout.write(line + "\n")
    return status


if __name__ == "__main__":
    sys.exit(run())

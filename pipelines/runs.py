"""``news-ingest runs --output DIR [--skip FILE]``: the finished runs a warehouse has still to load, with their files.

For loaders outside Python (``deploy/warehouse/bigquery.sh load-new``): the run catalog
(``transforms.run_catalog``: per-run manifests, day records and quiet streaming windows'
journal, so runs ``news-ingest compact --keep_days`` folded into day records are found
too), without the runs named in FILE, printed as tab-separated lines, runs oldest first::

    run     RUN_ID             a run to load; its files follow (none: a run that wrote no file
                               but whose books do not balance, to record as loaded all the same)
    file    DATASET    URI     a file of that run, exactly as its manifest lists it
    record  KEY                a day record read whole: once every run above is loaded, remember
                               KEY (name@size) and pass it in FILE next time, so it is not read again

Runs that wrote no file and balance (quiet runs) have nothing to load and are not listed.
FILE holds one run id or day-record key per line (what the loader has recorded).
DIR may be ``gs://`` (needs the ``gcp`` extra, as on the Dataflow image).
"""
from __future__ import annotations

import argparse
import sys

from transforms.run_catalog import Catalog


def listing(found: Catalog) -> list[str]:
    """The lines ``news-ingest runs`` prints for a catalog (see the module docstring)."""
    from transforms.run_days import is_quiet

    lines = []
    for run in found.runs:
        if is_quiet(run.manifest):
            continue
        lines.append(f"run\t{run.run_id}")
        lines += [f"file\t{dataset}\t{path}" for dataset, paths in sorted((run.manifest.get("files") or {}).items())
                  for path in paths]
    return lines + [f"record\t{key}" for key in found.day_records]


def read_skip(path: str | None) -> set[str]:
    if path is None:
        return set()
    with open(path, encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip()}


def run(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="news-ingest runs", description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, metavar="DIR", help="The --output of the runs (local or gs://).")
    parser.add_argument("--skip", metavar="FILE",
                        help="Run ids and day-record keys already loaded, one a line (e.g. from _loaded_runs).")
    args = parser.parse_args(argv)
    from transforms.run_catalog import catalog

    for line in listing(catalog(args.output.rstrip("/"), skip=read_skip(args.skip))):
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(run())

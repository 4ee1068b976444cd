"""Which runs finished, where their rows are now, and how a warehouse replaces them.

A run is finished when its manifest ``DIR/_runs/<run_id>.json`` exists (it is written
after the run's files are committed), or its entry in a day record
``DIR/_runs/days/<day>.json`` (runs that wrote nothing, and manifests folded by
``news-ingest compact --keep_days``; see ``transforms.run_days``), or, for a streaming
window that wrote nothing and is not folded yet, ``DIR/_runs/days/journal/<run_id>.json``.  The manifest lists the files the run wrote; a
later ``news-ingest compact`` may have merged some of them into larger files of the same
partition (its own manifest, ``mode: compact``, says which).  Every row carries its
``run_id``, so a run's rows are always found as "rows with this run_id in the files the
manifest lists, or, where one of those was compacted away, in the partition's files now".

The warehouse loaders (DuckDB here, BigQuery and Snowflake in deploy/warehouse) all
replace rows the same way, which is what makes a repeated or concurrent load harmless:

* ``ARTICLE_KEYED`` datasets are replaced per ``article_id``: an article's newest version
  (latest ``ingested_at``, e.g. after ``--reprocess``) replaces its row and all its
  entity and quote rows;
* every other dataset (rejects, duplicates) is a log of what a run did and is replaced
  per ``(run_id, ingest_date)``.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass

from transforms.run_days import COMPACT_MODE
from transforms.run_manifest import read_manifest

ARTICLE_KEYED = ("articles", "entities", "quotes")
ARTICLE_KEY = "article_id"
VERSION_COLUMN = "ingested_at"  # of articles: the newer version of an article wins
RUN_KEY = ("run_id", "ingest_date")


def replace_key(dataset: str, columns) -> tuple[str, ...]:
    """The columns a warehouse replaces ``dataset``'s rows by (see the module docstring).

    Raises ``KeyError`` for a dataset without them, so a new dataset cannot silently load
    without a key (the warehouse scripts are generated through this too).
    """
    key = (ARTICLE_KEY,) if dataset in ARTICLE_KEYED else RUN_KEY
    missing = [column for column in key if column not in columns]
    if missing:
        raise KeyError(f"dataset {dataset!r} has no {', '.join(missing)} column to replace its rows by on reload")
    return key


@dataclass(frozen=True)
class FinishedRun:
    run_id: str
    finished_at: str
    manifest: dict


@dataclass
class Catalog:
    """The finished runs not skipped, and the day records read whole to find them."""

    runs: list[FinishedRun]
    day_records: list[str]  # ``run_days.record_key`` of each day record read


def catalog(output_dir: str, skip: frozenset[str] | set[str] = frozenset()) -> Catalog:
    """Runs with a manifest or an entry in a day record (compactions excluded), oldest finish first.

    ``skip`` holds run ids (runs a loader has already) and day record keys
    (``run_days.record_key``, records a loader has read whole): manifests named after a
    skipped run id and day records with a skipped key are not even read, so a load costs
    about the same after a year of runs as after a day.  A run in both a manifest and a
    day record (a fold interrupted before it deleted the manifest) is listed once.
    """
    from apache_beam.io.filesystems import FileSystems

    from transforms import run_days

    found: dict[str, FinishedRun] = {}

    def add(manifest):
        if manifest is None or manifest.get("mode") == COMPACT_MODE or "run_id" not in manifest:
            return
        if manifest["run_id"] not in skip:
            found[manifest["run_id"]] = FinishedRun(manifest["run_id"], manifest.get("finished_at") or "", manifest)

    # Through FileSystems, so a gs:// output lists its runs too (news-ingest summary).  Quiet
    # streaming windows not folded yet are manifests of their own in the day records' journal.
    patterns = run_days.own_manifest_paths(output_dir, "*")
    for path in (m.path for result in FileSystems.match(patterns) for m in result.metadata_list):
        if path.rsplit("/", 1)[-1][:-len(".json")] not in skip:
            add(read_manifest(path))
    read_records = []
    for path, size in run_days.list_day_records(output_dir):
        key = run_days.record_key(path, size)
        if key in skip:
            continue
        record = read_manifest(path)
        for manifest in run_days.expand(record or {}):
            add(manifest)
        read_records.append(key)
    return Catalog(sorted(found.values(), key=lambda run: (run.finished_at, run.run_id)), read_records)


def find_run(output_dir: str, run_id: str) -> dict | None:
    """The manifest of run ``run_id`` wherever it is now, a compaction's included (None: no finished run).

    Its own file or a quiet window's journal file (``run_days.find_published``), else its
    entry in a day record (``compact --keep_days`` folds old manifests into them), newest
    day first.
    """
    from transforms import run_days

    manifest = run_days.find_published(output_dir, run_id)
    for path, _size in reversed(run_days.list_day_records(output_dir)):
        if manifest is not None:
            break
        manifest = next((m for m in run_days.expand(read_manifest(path) or {}) if m.get("run_id") == run_id), None)
    return manifest


def finished_runs(output_dir: str, skip: frozenset[str] | set[str] = frozenset()) -> list[FinishedRun]:
    """``catalog(output_dir, skip).runs``."""
    return catalog(output_dir, skip).runs


def local_path(output_dir: str, recorded: str) -> tuple[str, str, str]:
    """(dataset, partition, path under ``output_dir``) of a file path as a manifest records it.

    Only the last three parts are kept, so a folder that was moved or mounted elsewhere
    since the run (or a manifest with relative paths) still resolves.
    """
    parts = recorded.replace("\\", "/").rstrip("/").split("/")
    if len(parts) < 3:
        raise ValueError(f"not a <dataset>/<partition>/<file> path: {recorded!r}")
    dataset, partition, name = parts[-3:]
    return dataset, partition, os.path.join(output_dir, dataset, partition, name)


def run_files(output_dir: str, manifest: dict) -> dict[str, list[str]]:
    """Dataset -> the files that hold the run's rows now (filter them on ``run_id``).

    Per partition: the listed files when all still exist, else every Parquet file of the
    partition (a compaction replaced some of them; never both, so no row is read twice).
    """
    by_partition: dict[tuple[str, str], list[str]] = {}
    for listed in manifest.get("files", {}).values():
        for recorded in listed:
            dataset, partition, path = local_path(output_dir, recorded)
            by_partition.setdefault((dataset, partition), []).append(path)
    result: dict[str, list[str]] = {}
    for (dataset, partition), paths in sorted(by_partition.items()):
        if not all(os.path.isfile(path) for path in paths):
            paths = glob.glob(os.path.join(output_dir, dataset, partition, "*.parquet"))
        result.setdefault(dataset, []).extend(sorted(paths))
    return result

"""Day records: runs kept one file per day instead of one file per run.

A 15-minute schedule finishes 96 runs a day, 35,000 a year, and most of them find nothing
new.  A manifest per run (``_runs/<run_id>.json``) for each would leave a folder of 35,000
files that every loader lists.  So:

* a run that wrote no file in any dataset and whose books balance (a *quiet* run: nothing
  for a warehouse to load) is recorded in its day's record
  ``_runs/days/<YYYY-MM-DD>.json`` instead of a manifest of its own (``publish``), under
  the output lock; ``_SUCCESS`` still moves to it, naming the day record as its manifest;
* ``news-ingest compact --keep_days N`` folds the manifests last written more than N days
  ago (runs that wrote files, Dataflow windows, compactions) into their days' records and
  deletes them (``fold_old_manifests``).

A day record keeps every run's manifest whole except ``inputs`` and ``options``, which are
the same for most runs and are kept once per distinct value (``settings``; an entry's
``settings`` is its index there; ``options.run_id``, when it names the run itself, is the
entry's own).  So
``expand`` gives back every manifest exactly as it was written, and a loader that lists
runs (``transforms.run_catalog``) finds each run once, by the same ``run_id``, whether it
is in a manifest or in a day record: a run already loaded is skipped, never loaded again.
``totals`` sums the day's counts and balances (the books of a day balance when every
run's do).

Folding is idempotent (an entry replaces the one with the same ``run_id``), and the day
record is written (atomically) before the manifests folded into it are deleted, so a
crash in between leaves a run in both places, which the catalog reads once.

Quiet windows of a Dataflow streaming job (288 a day at 300 s windows) commit without
the lock, several at once, so they cannot read, fold and rewrite a day record.  Each
writes its manifest to the day records' journal instead (``publish_unlocked``)::

    DIR/_runs/days/journal/<window run id>.json

(one writer per name, written whole; ``transforms.seen_journal``'s scheme), which the
catalog reads like a manifest, and ``news-ingest compact`` folds into the day records and
deletes (``fold_journal``: only the files it read, so a window committing meanwhile keeps
its file for the next fold).  So an output a streaming job writes holds at most a day of
them (compact runs daily), not ``--keep_days`` days of per-window manifests, and every
count of every window stays readable throughout.
"""
from __future__ import annotations

import datetime as dt
import json

from apache_beam.io.filesystems import FileSystems

from transforms.storage import read_json, write_bytes_atomic, write_json_atomic

RUNS_DIR = "_runs"
DAYS_DIR = "days"
JOURNAL_DIR = "journal"  # under _runs/days/: quiet windows' manifests, until folded
FORMAT_VERSION = 1
RECORD_MODE = "day"
COMPACT_MODE = "compact"  # the mode of a compaction's manifest: not a run
SHARED = ("inputs", "options")  # kept once per distinct value in a day record
OWN_RUN_ID = "options_name_the_run"  # in a settings entry: put each run's own id back into its options
BALANCE_SUMS = ("articles_read", "articles_written", "deduplicated", "rejected_after_read")


def day_record_path(output_dir: str, day: str) -> str:
    return FileSystems.join(output_dir, RUNS_DIR, DAYS_DIR, f"{day}.json")


def write_record(path: str, record: dict) -> None:
    """A day record, atomically, as compact JSON (it is read by programs; ``jq`` shows it)."""
    write_bytes_atomic(path, json.dumps(record, separators=(",", ":")).encode("utf-8"))


def day_of(manifest: dict) -> str:
    """The UTC day a run finished (the day whose record holds it)."""
    finished = dt.datetime.fromisoformat(manifest["finished_at"])
    if finished.tzinfo is not None:
        finished = finished.astimezone(dt.timezone.utc)
    return f"{finished:%Y-%m-%d}"


def is_quiet(manifest: dict) -> bool:
    """A run with nothing for a loader (no file in any dataset) whose books balance."""
    return (manifest.get("mode") != COMPACT_MODE and not any(manifest.get("files", {}).values())
            and bool(manifest.get("balance", {}).get("ok")))


def empty_record(day: str) -> dict:
    return {"version": FORMAT_VERSION, "mode": RECORD_MODE, "day": day, "totals": totals([]),
            "settings": [], "runs": []}


def _settings_of(manifest: dict) -> dict:
    shared = {key: manifest[key] for key in SHARED if key in manifest}
    options = shared.get("options")
    # A batch run's options name the run itself; kept apart, the rest is the same run after run.
    if isinstance(options, dict) and options.get("run_id") == manifest["run_id"]:
        shared["options"] = {k: v for k, v in options.items() if k != "run_id"}
        shared[OWN_RUN_ID] = True
    return shared


def fold(record: dict | None, day: str, manifests: list[dict]) -> dict:
    """``record`` (None: none yet) with ``manifests`` added; a run already in it is replaced."""
    record = record or empty_record(day)
    settings = list(record["settings"])
    by_run = {entry["run_id"]: entry for entry in record["runs"]}
    for manifest in manifests:
        shared = _settings_of(manifest)
        if shared not in settings:
            settings.append(shared)
        entry = {key: value for key, value in manifest.items() if key not in SHARED}
        entry["settings"] = settings.index(shared)
        by_run[manifest["run_id"]] = entry
    runs = sorted(by_run.values(), key=lambda entry: (entry.get("finished_at") or "", entry["run_id"]))
    return dict(record, settings=settings, runs=runs, totals=totals(expand({"settings": settings, "runs": runs})))


def expand(record: dict) -> list[dict]:
    """Every manifest of a day record, as it was written (``inputs`` and ``options`` put back)."""
    manifests = []
    for entry in record.get("runs") or []:
        manifest = {key: value for key, value in entry.items() if key != "settings"}
        shared = record["settings"][entry["settings"]] if "settings" in entry else {}
        for key in SHARED:
            if key in shared:
                own = key == "options" and shared.get(OWN_RUN_ID)
                manifest[key] = dict(shared[key], run_id=entry["run_id"]) if own else shared[key]
        manifests.append(manifest)
    return manifests


def totals(manifests: list[dict]) -> dict:
    """A day's runs, quiet runs, summed counts and summed balance (compactions apart)."""
    runs = [m for m in manifests if m.get("mode") != COMPACT_MODE and "balance" in m]
    counts: dict[str, int] = {}
    for manifest in runs:
        for name, value in (manifest.get("counts") or {}).items():
            counts[name] = counts.get(name, 0) + value
    balance = {name: sum(m["balance"].get(name, 0) for m in runs) for name in BALANCE_SUMS}
    balance["ok"] = all(m["balance"].get("ok") for m in runs)
    return {"runs": len(runs), "quiet_runs": sum(is_quiet(m) for m in runs),
            "compactions": sum(m.get("mode") == COMPACT_MODE for m in manifests), "counts": counts, "balance": balance}


def publish(output_dir: str, manifest: dict) -> str:
    """Publish a committed run's manifest; returns the path ``_SUCCESS`` names.

    A quiet run goes into its day's record (read, folded, rewritten: call under the output
    lock); any other run gets ``_runs/<run_id>.json``.  Idempotent (a commit rolled forward
    publishes again).
    """
    from transforms.run_manifest import manifest_path

    if not is_quiet(manifest):
        path = manifest_path(output_dir, manifest["run_id"])
        write_json_atomic(path, manifest)
        return path
    day = day_of(manifest)
    path = day_record_path(output_dir, day)
    write_record(path, fold(read_json(path), day, [manifest]))
    return path


def days_dir(output_dir: str) -> str:
    return FileSystems.join(output_dir, RUNS_DIR, DAYS_DIR)


def journal_path(output_dir: str, run_id: str) -> str:
    """Where ``publish_unlocked`` puts a quiet run's manifest (``run_id`` may be a glob)."""
    from transforms.seen_journal import journal_name

    return FileSystems.join(days_dir(output_dir), journal_name(run_id, JOURNAL_DIR))


def own_manifest_paths(output_dir: str, run_id: str) -> list[str]:
    """Where a run's manifest is while it has a file of its own (``run_id`` may be a glob).

    ``_runs/<run_id>.json``, or, for a quiet window (``publish_unlocked``), the day records'
    journal; ``compact`` may later fold either into a day record.
    """
    from transforms.run_manifest import manifest_path

    return [manifest_path(output_dir, run_id), journal_path(output_dir, run_id)]


def publish_unlocked(output_dir: str, manifest: dict) -> str:
    """``publish`` for a commit without the lock (a streaming window); returns the path written.

    A quiet run's manifest goes to the day records' journal, a file of its own (see the
    module docstring); any other run gets ``_runs/<run_id>.json``.  Idempotent.
    """
    from transforms.run_manifest import manifest_path
    from transforms.seen_journal import write_entry

    if not is_quiet(manifest):
        path = manifest_path(output_dir, manifest["run_id"])
        write_json_atomic(path, manifest)
        return path
    return write_entry(days_dir(output_dir), manifest["run_id"], manifest, subdir=JOURNAL_DIR)


def fold_journal(output_dir: str) -> dict:
    """Fold the quiet windows' manifests of the journal into their day records, then delete those files.

    Not under a lock on an object store (windows keep adding files: only the files read
    are deleted), but never two folds at once on one output (``news-ingest compact``).
    Each day record is written before the files folded into it are deleted, so a fold
    interrupted in between is redone by the next (entries replace the same ``run_id``).
    """
    from transforms.seen_index import IO_THREADS
    from transforms.seen_journal import delete_files, read_journal

    names, documents = read_journal(days_dir(output_dir), IO_THREADS, subdir=JOURNAL_DIR)
    folded, days = fold_into_records(output_dir, dict(zip(names, documents)))
    delete_files(days_dir(output_dir), folded)
    return {"manifests_folded": len(folded), "days": days,
            "unreadable": sorted(FileSystems.join(days_dir(output_dir), name) for name in set(names) - set(folded))}


def published_path(output_dir: str, manifest: dict) -> str:
    """Where ``publish`` put ``manifest``."""
    from transforms.run_manifest import manifest_path

    return day_record_path(output_dir, day_of(manifest)) if is_quiet(manifest) else manifest_path(
        output_dir, manifest["run_id"])


def find_published(output_dir: str, run_id: str) -> dict | None:
    """A committed run's manifest, wherever ``publish`` or ``publish_unlocked`` put it (None: not committed)."""
    for path in own_manifest_paths(output_dir, run_id):
        manifest = read_json(path)
        if manifest is not None:
            return manifest
    success = read_json(FileSystems.join(output_dir, "_SUCCESS")) or {}
    if success.get("run_id") != run_id or not success.get("manifest"):
        return None
    return next((m for m in expand(read_json(success["manifest"]) or {}) if m["run_id"] == run_id), None)


def old_manifests(listing: list[tuple[str, float]], cutoff: dt.datetime) -> list[str]:
    """The manifests of ``listing`` ((path, last written, epoch seconds)) last written before ``cutoff``."""
    limit = cutoff.timestamp()
    return sorted(path for path, written in listing if written < limit)


def fold_cutoff(now: dt.datetime, keep_days: int) -> dt.datetime:
    """Midnight UTC ``keep_days`` days before ``now``'s day: manifests older than this are folded."""
    if keep_days < 0:
        raise ValueError(f"keep_days must be 0 or more, not {keep_days}")
    today = now.astimezone(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=keep_days)


def by_day(manifests: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for manifest in manifests:
        grouped.setdefault(day_of(manifest), []).append(manifest)
    return grouped


def list_manifests(output_dir: str) -> list[tuple[str, float]]:
    """(path, last written) of every per-run manifest ``_runs/*.json`` (day records excluded)."""
    pattern = FileSystems.join(output_dir, RUNS_DIR, "*.json")
    return [(meta.path, meta.last_updated_in_seconds) for meta in FileSystems.match([pattern])[0].metadata_list]


def fold_old_manifests(output_dir: str, now: dt.datetime, keep_days: int) -> dict:
    """Fold the manifests last written before ``fold_cutoff`` into day records; returns what it did.

    Call under the output lock (local outputs).  Each day record is written before the
    manifests it took in are deleted.
    """
    from transforms.run_manifest import read_manifest

    paths = old_manifests(list_manifests(output_dir), fold_cutoff(now, keep_days))
    folded, days = fold_into_records(output_dir, {path: read_manifest(path) for path in paths})
    if folded:
        FileSystems.delete(folded)
    return {"manifests_folded": len(folded), "days": days, "unreadable": sorted(set(paths) - set(folded))}


def fold_into_records(output_dir: str, manifests: dict[str, object]) -> tuple[list[str], list[str]]:
    """Fold the readable ones of ``manifests`` (file name -> its decoded content) into their day records.

    Returns (the names folded, the days written).  The caller deletes those files after
    this returns, so a crash in between leaves runs in both places (see the module docstring).
    """
    readable = {name: manifest for name, manifest in manifests.items()
                if isinstance(manifest, dict) and manifest.get("finished_at") and manifest.get("run_id")}
    grouped = by_day(list(readable.values()))
    for day, day_manifests in sorted(grouped.items()):
        path = day_record_path(output_dir, day)
        write_record(path, fold(read_json(path), day, day_manifests))
    return sorted(readable), sorted(grouped)


def list_day_records(output_dir: str) -> list[tuple[str, int]]:
    """(path, size in bytes) of every day record."""
    pattern = FileSystems.join(output_dir, RUNS_DIR, DAYS_DIR, "*.json")
    return sorted((meta.path, meta.size_in_bytes) for meta in FileSystems.match([pattern])[0].metadata_list)


def record_key(path: str, size: int) -> str:
    """What a loader remembers of a day record it has loaded whole: its name and size.

    A record only grows (runs are added, never removed), so the same name and size is the
    same content; a record that grew is read again and its new runs found by ``run_id``.
    """
    return f"{DAYS_DIR}/{path.rsplit('/', 1)[-1]}@{size}"

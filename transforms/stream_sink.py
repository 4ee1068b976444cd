"""``WriteWindows``: the streaming (Dataflow) sink: each window's rows as Parquet, then its manifest.

Every element a window holds comes to one place: the rows of each dataset, plus one small
marker per element of every collection the manifest counts (articles read, rejected,
deduplicated, ...).  They are grouped by window under a single key, so one call of
``CommitWindowFn`` sees the whole pane and commits it with the batch commit protocol
(``transforms.commit``): its files are written under ``DIR/_staging/<pane run id>/``, then
``COMMIT.json`` (the intent: moves, manifest, index entries, validators), then the files
are renamed into place, its articles recorded in the seen-key index, its validators
saved, its manifest and ``_SUCCESS`` written.  Windows commit at once, on their own
workers, without the output lock (object stores have none), so every shared file is
written the lock-free way (``commit.roll_forward(locked=False)``): a journal file of the
pane's own for the seen index and the validators (folded by the next locked commit), a
manifest of its own, and ``_SUCCESS`` moved to the newest manifest by
``commit.mark_success_unlocked``.  The files and the counts of a manifest describe
exactly the same elements.

A job cancelled (or a worker lost) in the middle of a pane's commit leaves either a
staging folder without ``COMMIT.json`` (nothing a reader sees, nothing in the index: a
batch run or local poll discards it, a starting job only once it has been left alone for
``--stale_staging_hours``, and those articles are read again) or one with it, which the
next start (a restarted job without the lock, any batch run or local poll under it:
``commit.recover``) finishes.  Either way each article ends up in the datasets once.

Names are a pure function of (run id, window, pane, dataset, partition, shard)::

    DIR/<dataset>/ingest_date=YYYY-MM-DD/part-<window start>-<run_id>-<shard:05d>.parquet
    DIR/_runs/<run_id>-<window start>.json   (a window that wrote no file and balances:
    DIR/_runs/days/journal/<run_id>-<window start>.json, folded into its day record by compact)
    (late panes: part-<window start>-<run_id>-p<pane>-<shard>.parquet and <run_id>-<window start>-p<pane>.json)

so a retried pane overwrites its own files instead of adding a second copy, and each file
appears whole (staged, then renamed).  Rows go to a shard by a
stable hash of their article id; the shard count grows with the pane's row count, so
files stay a readable size and the same rows always land in the same file.

Windows fire when the watermark passes their end.  Data that arrives later (possible with
a Pub/Sub source; polls are never late) but within ``allowed_lateness`` fires again, one
window length after the first late element, as a late pane with its own files and
manifest; data later still is dropped by Beam (the job's ``droppedDueToLateness`` metric).
"""
from __future__ import annotations

import collections
import datetime as dt
import logging
import math

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms import trigger, window

from transforms.sinks import part_file_name, stable_shard, write_parquet_file

LOG = logging.getLogger(__name__)

ROWS_PER_FILE = 100_000
_ROW, _COUNT, _REJECT, _DUPLICATE, _VALIDATOR = "row", "count", "reject", "duplicate", "validator"


def streaming_windows(window_seconds: int, allowed_lateness: int) -> beam.WindowInto:
    """Fixed windows fired once on time, then for late data ``window_seconds`` after the first late element.

    The delay gathers a late element's markers and rows (which reach the sink at different
    moments: read at once, written after the NLP) into one pane, so a late pane's manifest
    balances too; each pane is written separately (discarding mode).
    """
    return beam.WindowInto(window.FixedWindows(window_seconds),
                           trigger=trigger.AfterWatermark(late=trigger.AfterProcessingTime(window_seconds)),
                           accumulation_mode=trigger.AccumulationMode.DISCARDING,
                           allowed_lateness=allowed_lateness)


def utc(timestamp) -> dt.datetime:
    """A Beam Timestamp as an aware UTC datetime (window starts stamp the file names)."""
    return timestamp.to_utc_datetime().replace(tzinfo=dt.timezone.utc)


def pane_run_id(run_id: str, start: dt.datetime, pane_index: int) -> str:
    """The manifest id of one pane of one window: ``<run_id>-<window start>[-p<pane>]``."""
    return f"{run_id}-{start:%Y%m%dT%H%M%SZ}" + (f"-p{pane_index}" if pane_index else "")


def plan_files(rows: list[tuple[str, str, dict]], rows_per_file: int = ROWS_PER_FILE) -> dict:
    """(dataset, partition, row) triples -> {(dataset, partition, shard): rows}, deterministic for a set of rows."""
    by_partition = collections.defaultdict(list)
    for dataset, partition, row in rows:
        by_partition[(dataset, partition)].append(row)
    plan = {}
    for (dataset, partition), part_rows in sorted(by_partition.items()):
        shards = max(1, math.ceil(len(part_rows) / rows_per_file))
        for row in part_rows:
            plan.setdefault((dataset, partition, stable_shard(row, shards)), []).append(row)
    return plan


def tally(markers) -> tuple[dict, list, list, list]:
    """(counts, rejects by (stage, reason), duplicates by key, validator updates) from a pane's markers."""
    counts, reasons, dup_keys, validators = collections.Counter(), collections.Counter(), collections.Counter(), []
    for kind, value in markers:
        if kind == _COUNT:
            counts[value] += 1
        elif kind == _REJECT:
            reasons[value] += 1
        elif kind == _DUPLICATE:
            dup_keys[value] += 1
        elif kind == _VALIDATOR:
            validators.append(value)
    return dict(counts), sorted(reasons.items()), sorted(dup_keys.items()), validators


class CommitWindowFn(beam.DoFn):
    """One pane of one window: write its files, then its manifest and ``_SUCCESS``; yields the manifest."""

    def __init__(self, output_dir: str, run_id: str, counted: tuple[str, ...], datasets: tuple[str, ...],
                 options: dict, inputs: list[str]):
        self._output_dir = output_dir
        self._run_id = run_id
        self._counted = counted
        self._datasets = datasets
        self._options = options
        self._inputs = inputs

    def process(self, element, win=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        from transforms import commit
        from transforms.crash_points import pause_point
        from transforms.run_manifest import build_manifest

        started_at = dt.datetime.now(dt.timezone.utc)
        _key, items = element
        start, pane_index = utc(win.start), pane.index
        run_id = pane_run_id(self._run_id, start, pane_index)
        rows, markers = split_items(items, run_id)
        staging = commit.staging_dir(self._output_dir, run_id)
        files = {}
        for (dataset, partition, shard), file_rows in sorted(plan_files(rows).items()):
            path = FileSystems.join(staging, dataset, partition, part_file_name(start, self._run_id, shard, pane_index))
            write_parquet_file(path, file_rows, dataset)
            files.setdefault(dataset, []).append(path)
        pause_point("window:staged")
        counts, reasons, dup_keys, validators = tally(markers)
        manifest = build_manifest(
            run_id=run_id, mode="stream", started_at=started_at, finished_at=dt.datetime.now(dt.timezone.utc),
            inputs=self._inputs, options=self._options, counts={name: counts.get(name, 0) for name in self._counted},
            rejects_by_reason=reasons, duplicates_by_key=dup_keys, files=files, datasets=self._datasets)
        manifest["window"] = {"start": start.isoformat(), "end": utc(win.end).isoformat(), "pane": pane_index,
                              "timing": {0: "early", 1: "on_time", 2: "late"}.get(pane.timing, "unknown")}
        commit.write_draft(self._output_dir, run_id, {
            "manifest": manifest, "seen_articles": seen_entries([row for dataset, _p, row in rows if dataset == "articles"]),
            "validator_updates": [list(update) for update in validators]})
        manifest = commit.commit_staged(self._output_dir, run_id, locked=False,
                                        peers=peer_manifests(self._output_dir, self._run_id, start))
        LOG.info("window %s pane %d: %d articles read, %d written; manifest %s", start, pane_index,
                 manifest["balance"]["articles_read"], manifest["balance"]["articles_written"], run_id)
        yield manifest


def split_items(items, run_id: str) -> tuple[list[tuple[str, str, dict]], list[tuple[str, object]]]:
    """(rows as (dataset, partition, row), markers as (kind, value)) of a pane's items.

    Each row's ``run_id`` becomes the pane's, the id its manifest has: warehouse loaders
    find a run's rows by it, and replace a run's rejects per (run_id, day), so rows named
    after the job would be found by no pane, and one pane's rejects would replace another's.
    """
    rows, markers = [], []
    for kind, *value in items:
        if kind == _ROW:
            dataset, partition, row = value
            rows.append((dataset, partition, dict(row, run_id=run_id) if "run_id" in row else row))
        else:
            markers.append((kind, value[0]))
    return rows, markers


def seen_entries(articles: list[dict]) -> list[list]:
    """The commit document's seen-index entries of a pane's written articles (signatures from their bodies)."""
    from transforms import near_dup
    from transforms.dedup_plan import index_entry
    from transforms.seen_index import encode_entry

    return sorted(encode_entry(*index_entry(row, near_dup.to_bytes(near_dup.signature(row["body"]))))
                  for row in articles)


def peer_manifests(output_dir: str, job_run_id: str, start: dt.datetime) -> list[str]:
    """Globs of the manifests of the windows that may finish after this one: its day's and the next day's
    (their own files, and quiet windows' in the day records' journal)."""
    from transforms.run_days import own_manifest_paths

    return [path for day in (start, start + dt.timedelta(days=1))
            for path in own_manifest_paths(output_dir, f"{job_run_id}-{day:%Y%m%d}*")]


class WriteWindows(beam.PTransform):
    """Windowed rows and counted collections -> Parquet files and a manifest per window pane.

    ``rows``: dataset -> PCollection of ``(partition, row)``; ``counted``: manifest count
    name -> PCollection (only its size matters); ``rejects`` / ``duplicates``: the records
    behind the reason and key tallies; ``validators``: HTTP validator updates to save.
    All must share one windowing (``streaming_windows``).  Returns the manifests.
    """

    def __init__(self, output_dir: str, run_id: str, *, options: dict | None = None, inputs=()):
        super().__init__()
        self._output_dir = output_dir
        self._run_id = run_id
        self._options = options or {}
        self._inputs = list(inputs)

    def expand(self, parts):
        rows, counted = parts["rows"], parts["counted"]
        tagged = [pcoll | f"Row_{name}" >> beam.Map(lambda pr, n=name: (_ROW, n, pr[0], pr[1]))
                  for name, pcoll in rows.items()]
        tagged += [pcoll | f"Count_{name}" >> beam.Map(lambda _e, n=name: (_COUNT, n))
                   for name, pcoll in counted.items()]
        tagged.append(parts["rejects"] | "RejectReason" >> beam.Map(lambda r: (_REJECT, (r["stage"], r["reason"]))))
        tagged.append(parts["duplicates"] | "DuplicateKey" >> beam.Map(lambda d: (_DUPLICATE, d["key"])))
        if "validators" in parts:
            tagged.append(parts["validators"] | "Validator" >> beam.Map(lambda v: (_VALIDATOR, v)))
        fn = CommitWindowFn(self._output_dir, self._run_id, tuple(counted), tuple(rows), self._options, self._inputs)
        return (tagged
                | "AllOfWindow" >> beam.Flatten()
                | "OneKey" >> beam.Map(lambda item: ("window", item))
                | "GroupWindow" >> beam.GroupByKey()
                | "Commit" >> beam.ParDo(fn))

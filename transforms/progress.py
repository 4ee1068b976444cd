"""Progress counts of a local run, kept by each worker process for the launcher to read.

Beam's own metrics cannot show progress on the local ``FnApiRunner``: it runs the whole
pipeline inside ``Pipeline.run()`` and reports metrics once a stage has finished.  So each
process counts in memory (``add("enriched", n)`` from the counting DoFns) and, at most
once a second and at the end of every bundle, rewrites its own tiny JSON file
``<pid>-<token>.json`` in the directory named by ``NEWS_INGEST_PROGRESS_DIR``.  The
launcher (``pipelines.progress.Reporter``) creates that directory, sets the variable,
which multi-process SDK workers inherit, and sums the files (``totals``).  When the
variable is unset (Dataflow, tests, library use) ``add`` does nothing.
"""
from __future__ import annotations

import collections
import json
import os
import secrets
import threading
import time

import apache_beam as beam

from transforms.storage import write_json_atomic

ENV_DIR = "NEWS_INGEST_PROGRESS_DIR"
STAGES = ("read", "enriched", "written")
# How often a process rewrites its counts file at most: cheap (one small file) yet fresh.
FLUSH_SECONDS = 1.0


class _ProcessCounts:
    """This process's counts for one progress directory, written to its own file."""

    def __init__(self, directory: str):
        self.directory = directory
        self.path = os.path.join(directory, f"{os.getpid()}-{secrets.token_hex(4)}.json")
        self.counts: collections.Counter = collections.Counter()
        self.flushed_at = 0.0
        self.lock = threading.Lock()

    def add(self, stage: str, n: int) -> None:
        with self.lock:
            self.counts[stage] += n
            if time.monotonic() - self.flushed_at >= FLUSH_SECONDS:
                self._flush()

    def flush(self) -> None:
        with self.lock:
            self._flush()

    def _flush(self) -> None:
        # Whole-file replace, so the launcher never reads half a file; progress is best
        # effort and must never fail the run (a full disk, a directory already removed).
        try:
            write_json_atomic(self.path, self.counts)
        except OSError:
            pass
        self.flushed_at = time.monotonic()


_process: dict[str, _ProcessCounts] = {}
_process_lock = threading.Lock()


def _counts() -> _ProcessCounts | None:
    directory = os.environ.get(ENV_DIR)
    if not directory:
        return None
    with _process_lock:
        counts = _process.get(directory)
        if counts is None:
            counts = _process[directory] = _ProcessCounts(directory)
        return counts


def add(stage: str, n: int = 1) -> None:
    """Count ``n`` items through ``stage`` (one of STAGES); a no-op when no run is reporting."""
    counts = _counts()
    if counts is not None and n:
        counts.add(stage, n)


def flush() -> None:
    """Write this process's counts now (end of a bundle)."""
    counts = _counts()
    if counts is not None:
        counts.flush()


class CountFn(beam.DoFn):
    """Pass-through that counts elements as ``stage`` (for places with no DoFn of our own)."""

    def __init__(self, stage: str):
        self._stage = stage

    def process(self, element):
        add(self._stage)
        yield element

    def finish_bundle(self):
        flush()


def totals(directory: str) -> collections.Counter:
    """Sum of every process's counts file in ``directory`` (files being replaced are skipped)."""
    total: collections.Counter = collections.Counter()
    try:
        names = os.listdir(directory)
    except OSError:
        return total
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                total.update(json.load(handle))
        except (OSError, ValueError):
            continue
    return total


def forget(directory: str) -> None:
    """Drop this process's counts for a finished run's directory."""
    with _process_lock:
        _process.pop(directory, None)

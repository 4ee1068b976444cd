"""Progress a person can follow on a long local run: articles read, enriched and written.

``Reporter`` wraps a local run.  It creates a temporary progress directory (not under
``--output``: it holds no data, must stay out of the commit protocol, and ``--output`` may
be gs://), names it in ``NEWS_INGEST_PROGRESS_DIR`` for the in-process worker and the
multi-process SDK workers (they inherit the environment), and from a thread sums the
per-process counts files every few seconds (``transforms.progress``).  It logs one line
per interval::

    progress: 320 read, 250 enriched (8.1/s), 0 written, 40 s

or, when stderr is a terminal, redraws a one-line bar instead.  The end-of-run summary is
unchanged.  Only local runners report; on Dataflow the console shows counts per step.
``NEWS_INGEST_PROGRESS_SECONDS`` sets the interval between log lines (default 5).
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
import time

from pipelines import logs
from transforms import progress

LOG = logging.getLogger("news_ingest.progress")

ENV_SECONDS = "NEWS_INGEST_PROGRESS_SECONDS"
DEFAULT_SECONDS = 5.0
# A bar costs one redrawn line, so it is refreshed more often than log lines are written.
BAR_SECONDS = 0.5
BAR_WIDTH = 24


def format_line(counts, elapsed_s: float, rate: float | None) -> str:
    """``progress: 320 read, 250 enriched (8.1/s), 0 written, 40 s`` (rate: mean since enriching began)."""
    enriched = f"{counts.get('enriched', 0)} enriched" + (f" ({rate:.1f}/s)" if rate is not None else "")
    return (f"progress: {counts.get('read', 0)} read, {enriched}, {counts.get('written', 0)} written, "
            f"{elapsed_s:.0f} s")


def format_bar(counts, elapsed_s: float, rate: float | None, width: int = BAR_WIDTH) -> str:
    """``[######..........] 250/320 enriched, 0 written 8.1/s 40 s``: enriched against read."""
    read, enriched = counts.get("read", 0), counts.get("enriched", 0)
    filled = int(width * min(1.0, enriched / read)) if read else 0
    speed = f" {rate:.1f}/s" if rate is not None else ""
    return (f"[{'#' * filled}{'.' * (width - filled)}] {enriched}/{read} enriched, "
            f"{counts.get('written', 0)} written{speed} {elapsed_s:.0f} s")


def interval_seconds() -> float:
    """Seconds between progress log lines (``NEWS_INGEST_PROGRESS_SECONDS``, default 5)."""
    try:
        seconds = float(os.environ.get(ENV_SECONDS, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return seconds if seconds > 0 else DEFAULT_SECONDS


class Reporter:
    """Context manager around one local run; reports progress from a thread while it runs.

    ``enabled=False`` (a non-local runner) makes it do nothing.  ``tty`` (default: whether
    ``stream`` is a terminal) draws a bar on ``stream`` instead of logging lines.
    """

    def __init__(self, enabled: bool = True, stream=None, tty: bool | None = None,
                 seconds: float | None = None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.seconds = seconds or interval_seconds()
        self.directory: str | None = None
        self._previous_env: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self._first: tuple[float, int] | None = None  # (time, enriched) when enriching was first seen

    def __enter__(self) -> "Reporter":
        if not self.enabled:
            return self
        self.directory = tempfile.mkdtemp(prefix="news-ingest-progress-")
        self._previous_env = os.environ.get(progress.ENV_DIR)
        os.environ[progress.ENV_DIR] = self.directory
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name="news-ingest-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.directory is None:
            return
        self._stop.set()
        self._thread.join()
        progress.flush()
        if self.tty:  # leave the final state of the bar on its own line
            self._report()
            logs.show_bar(None)
            self.stream.write("\n")
            self.stream.flush()
        if self._previous_env is None:
            os.environ.pop(progress.ENV_DIR, None)
        else:
            os.environ[progress.ENV_DIR] = self._previous_env
        progress.forget(self.directory)
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _loop(self) -> None:
        wait = min(BAR_SECONDS, self.seconds) if self.tty else self.seconds
        while not self._stop.wait(wait):
            self._report()

    def _report(self) -> None:
        now = time.monotonic()
        counts = progress.totals(self.directory)
        enriched = counts.get("enriched", 0)
        # The rate is the mean since enriching started: articles arrive in batches, so a
        # rate over the last interval would jump between 0 and twice the real one.
        if self._first is None and enriched:
            self._first = (now, enriched)
        rate = None
        if self._first is not None and now - self._first[0] >= 1.0:
            rate = (enriched - self._first[1]) / (now - self._first[0])
        elapsed = now - self._started
        if self.tty:
            logs.show_bar(format_bar(counts, elapsed, rate), self.stream)
        else:
            LOG.info("%s", format_line(counts, elapsed, rate))

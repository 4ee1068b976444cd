"""Logging set-up for the command line and its worker processes: our lines, not Beam's chatter.

A data engineer reading a scheduled run's log wants to see what the run did (sources,
progress, the summary), not how Beam wires itself.  By default every record from an
``apache_beam`` logger below WARNING is dropped ("Converting string literal type hint to
Any", "Creating state cache", "BatchElements statistics", "WriteImpl min_shards", ...), and
so are a few warnings Beam prints on every local run that nobody can act on (missing GCP
extras, "No semi_persistent_directory found", ...) and the tracebacks Beam logs when a stop
the user asked for interrupts a step (``RequestedStop``).  ``--log_level DEBUG`` drops nothing.

Multi-process local runs (``--direct_running_mode multi_processing``) start SDK worker
processes that would otherwise log with Python's bare ``INFO:name:msg`` format and whose
records Beam also forwards to the launcher (``Worker: severity: ... message: ...``), so
each line came twice.  ``pipelines.sdk_worker`` configures the worker with this module
before Beam's worker code runs; the forwarded copies are dropped in the launcher.
"""
from __future__ import annotations

import logging
import threading

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Warnings Beam logs on every local run that say nothing about this run: import-time
# notes about absent GCP libraries, and worker start-up notes about options it ignores.
_HARMLESS_BEAM_WARNINGS = (
    "apitools not found",
    "No module named google.cloud.bigquery_storage_v1",
    "No semi_persistent_directory found",
    "Discarding unparseable args",
)
# The launcher re-logs each record of a multi-process worker under this prefix (from
# apache_beam.runners.portability.local_job_service); the worker has printed it already.
_FORWARDED_WORKER_RECORD = "Worker: "

_state = {"level": logging.INFO, "bar": None}


class RequestedStop(BaseException):
    """Base of the exceptions that carry out a stop the user asked for (a second Ctrl-C).

    Raised in the main thread, such an exception can surface inside a DoFn of the in-process
    runner, and Beam logs it there as a failed step with its traceback; it is no error,
    and the command says in one line what it stopped.
    """


def is_beam_noise(record: logging.LogRecord) -> bool:
    """True for a record the default (non-DEBUG) output leaves out."""
    if record.name.startswith("apache_beam") and record.levelno < logging.WARNING:
        return True
    if record.name.startswith("apache_beam") and record.exc_info and isinstance(record.exc_info[1], RequestedStop):
        return True
    message = record.getMessage()
    return message.startswith(_HARMLESS_BEAM_WARNINGS) or (
        record.name.startswith("apache_beam") and message.startswith(_FORWARDED_WORKER_RECORD))


class QuietBeam(logging.Filter):
    """Handler filter: drops Beam's noise unless the configured level is DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _state["level"] <= logging.DEBUG or not is_beam_noise(record)


def _as_level(level: str | int) -> int:
    return level if isinstance(level, int) else logging.getLevelName(level.upper())


def set_level(level: str | int) -> None:
    """Set the root level (``--log_level``); DEBUG also lets Beam's own lines through."""
    _state["level"] = _as_level(level)
    logging.getLogger().setLevel(_state["level"])


def level_name() -> str:
    """The configured level's name, handed to worker processes on their command line."""
    return logging.getLevelName(_state["level"])


class _BarAwareHandler(logging.StreamHandler):
    """Stderr handler that keeps a progress bar (``show_bar``) below the log lines, not inside them."""

    def emit(self, record: logging.LogRecord) -> None:
        bar = _state["bar"]
        if bar is None or bar[1] is not self.stream:
            super().emit(record)
            return
        with _BAR_LOCK:
            self.stream.write(_CLEAR_LINE)
            super().emit(record)
            self.stream.write(bar[0])
            self.stream.flush()


_CLEAR_LINE = "\r\x1b[K"
_BAR_LOCK = threading.RLock()


def show_bar(text: str | None, stream=None) -> None:
    """Draw (or, with None, forget) the one-line progress bar at the bottom of ``stream`` (a terminal)."""
    if text is None:
        _state["bar"] = None
        return
    with _BAR_LOCK:
        _state["bar"] = (text, stream)
        stream.write(_CLEAR_LINE + text)
        stream.flush()


def configure(level: str | int = logging.INFO) -> None:
    """Root logging to stderr with timestamps and the Beam filter; safe to call more than once."""
    root = logging.getLogger()
    if not any(getattr(handler, "_news_ingest", False) for handler in root.handlers):
        handler = _BarAwareHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(QuietBeam())
        handler._news_ingest = True  # so a second configure() does not add a second handler
        root.addHandler(handler)
    set_level(level)

"""Logging set-up for the command line: progress lines with times, minus Beam's import noise.

Importing apache_beam without its GCP extras logs "apitools not found ..." and "No module
named google.cloud.bigquery_storage_v1 ..." even for runs that never touch BigQuery; a
data engineer reading a scheduled run's log should not have to learn to ignore them.
"""
from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Messages Beam logs at import time when the optional GCP libraries are absent.
_IMPORT_NOISE = (
    "apitools not found",
    "No module named google.cloud.bigquery_storage_v1",
)


class DropBeamImportNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(message.startswith(noise) for noise in _IMPORT_NOISE)


def configure(level: str | int = logging.INFO) -> None:
    """Root logging to stderr with timestamps; safe to call more than once."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(DropBeamImportNoise())
        root.addHandler(handler)
    root.setLevel(level)

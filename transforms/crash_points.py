"""Named points where a test can stop a real run, to SIGKILL it at a precise stage.

The crash-safety tests (tests/test_crash_safety.py) start ``news-ingest batch`` as a real
process with ``NEWS_INGEST_PAUSE_AT=<point>`` and ``NEWS_INGEST_PAUSE_MARKER=<file>``.  When
the run reaches that point it creates the marker file and sleeps; the test waits for the
marker and kills the process with SIGKILL, then checks what a rerun makes of the debris.
Without the variables (every real run) ``pause_point`` returns at once.

Points: ``read`` (an article has been read), ``nlp`` (a batch has been through spaCy),
``part`` (a bundle's rows have been staged as a part, ``transforms.sinks``), ``write`` (a
partition's file has been staged), ``commit:intent`` (``COMMIT.json`` written),
``commit:moved`` (the first file has been moved into the datasets), ``seen:segments_written``
(the seen index's new segment files are written, ``INDEX.json`` not yet switched to them),
``commit:indexed`` (the seen index is updated), ``commit:succeeded`` (manifest and ``_SUCCESS`` written, staging not
yet deleted); streaming windows: ``window:staged`` (a pane's files are staged, no intent
yet), ``success:written`` (a window moved ``_SUCCESS``).
"""
from __future__ import annotations

import os
import time

PAUSE_AT = "NEWS_INGEST_PAUSE_AT"
PAUSE_MARKER = "NEWS_INGEST_PAUSE_MARKER"


def pause_point(name: str) -> None:
    if os.environ.get(PAUSE_AT) != name:
        return
    marker = os.environ.get(PAUSE_MARKER)
    if marker:
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {name}\n")
    time.sleep(3600)

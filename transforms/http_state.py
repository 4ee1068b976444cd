"""HTTP validators (ETag, Last-Modified) kept between runs, for conditional GET.

The store lives with the output, at ``<output>/_state/http_validators.json``, so a run on
another machine (or on Dataflow, with a ``gs://`` output) finds what the previous run saw.
A run reads it once at the start, sends the validators with each feed request, and at the end
merges what the servers answered and writes the file back atomically.

File format (versioned, human-readable)::

    {"version": 1,
     "validators": {"https://example.com/feed.xml":
                    {"etag": "\\"abc\\"", "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT",
                     "checked_at": "2025-03-01T12:00:00+00:00"}}}

Everything here is a pure function of its inputs except ``load_validators`` and
``save_validators``, which do I/O through ``apache_beam.io.filesystems.FileSystems`` so the
same code works for local paths and for GCS.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
from typing import Iterable, Mapping

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.storage import write_json_atomic

logger = logging.getLogger(__name__)

STATE_DIR = "_state"
STATE_FILE = "http_validators.json"
FORMAT_VERSION = 1
VALIDATOR_KEYS = ("etag", "last_modified")

Validators = dict[str, str]
ValidatorStore = dict[str, Validators]
# (url, entry): entry None means "forget this URL's validators".
ValidatorUpdate = tuple[str, "Validators | None"]


def state_path(output_dir: str) -> str:
    """Where the validator store of an output directory lives (local path or ``gs://``)."""
    return FileSystems.join(output_dir.rstrip("/"), STATE_DIR, STATE_FILE)


def load_validators(path: str) -> ValidatorStore:
    """The stored validators by URL; ``{}`` when there is no store yet.

    A store that cannot be parsed is logged and ignored rather than failing the run: the only
    cost of losing it is one unconditional GET per feed.
    """
    if not FileSystems.exists(path):
        return {}
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        raw = handle.read()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.warning("ignoring unreadable HTTP validator store %s: %s", path, exc)
        return {}
    return parse_store(document, source=path)


def parse_store(document, source: str = "<memory>") -> ValidatorStore:
    """Validate a decoded store document, keeping only well-formed entries."""
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        logger.warning("ignoring HTTP validator store %s: unknown format", source)
        return {}
    entries = document.get("validators")
    if not isinstance(entries, dict):
        return {}
    store: ValidatorStore = {}
    for url, entry in entries.items():
        if isinstance(url, str) and isinstance(entry, dict):
            clean = {key: value for key, value in entry.items() if isinstance(value, str)}
            if any(clean.get(key) for key in VALIDATOR_KEYS):
                store[url] = clean
    return store


def validator_update(result, checked_at: _dt.datetime | None = None) -> ValidatorUpdate | None:
    """What a ``FetchResult`` says about its URL's validators, as a small picklable update.

    * success (200 or 304) with an ETag or Last-Modified: store them (a 304 result already
      carries the validators that were sent when the server did not repeat them);
    * success without either: forget the URL (the old validators no longer describe it);
    * failure: None, i.e. keep what was stored; one bad run must not force full downloads.
    """
    if result.error_reason is not None:
        return None
    entry = {key: value for key, value in (("etag", result.etag), ("last_modified", result.last_modified))
             if value}
    if not entry:
        return (result.url, None)
    entry["checked_at"] = (checked_at or _dt.datetime.now(_dt.timezone.utc)).isoformat(timespec="seconds")
    return (result.url, entry)


def merge_validators(previous: Mapping[str, Validators], updates: Iterable[ValidatorUpdate | None]) -> ValidatorStore:
    """A new store: ``previous`` with ``updates`` applied in order (later updates win)."""
    merged = {url: dict(entry) for url, entry in previous.items()}
    for update in updates:
        if update is None:
            continue
        url, entry = update
        if entry is None:
            merged.pop(url, None)
        else:
            merged[url] = dict(entry)
    return merged


def save_validators(path: str, validators: Mapping[str, Validators]) -> None:
    """Write the store so a reader sees either the old file or the new one, never half of one.

    ``transforms.storage`` writes a temporary file and renames it over ``path``.  Two runs
    saving at the same moment: the last rename wins.
    """
    document = {"version": FORMAT_VERSION,
                "validators": {url: dict(validators[url]) for url in sorted(validators)}}
    write_json_atomic(path, document, sort_keys=True)

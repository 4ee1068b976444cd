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

``checked_at`` is for a person reading the store: when a response last set or changed the
entry.  No code reads it (requests send only the ETag and Last-Modified, nothing is
refreshed or expired by age), so a response that repeats the validators already known is
not written at all (``validator_update(..., known=...)``): a poll whose feeds all answer
304 leaves neither a journal file nor a rewritten store.

Commits that hold no lock (the windows of a Dataflow streaming job, which commit at once on
their own workers) must not read, merge and rewrite that file: two at once would lose one
window's validators.  Each writes its updates to a file of its own instead
(``record_unlocked``: ``_state/http_validators.journal/<window run id>.json``, the same
journal as the seen-key index's, ``transforms.seen_journal``); readers merge them over the
store (``current_validators``), and the next commit that holds the output lock folds them
into the store and deletes the files it read (``commit_updates``).

Everything here is a pure function of its inputs except the functions that read or write
the store or the journal, which do I/O through ``apache_beam.io.filesystems.FileSystems`` so the
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
JOURNAL_SUBDIR = "http_validators.journal"  # under _state/
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


def validator_update(result, checked_at: _dt.datetime | None = None, *,
                     known: Mapping[str, Validators] | None = None) -> ValidatorUpdate | None:
    """What a ``FetchResult`` says about its URL's validators, as a small picklable update.

    * success (200 or 304) with an ETag or Last-Modified: store them (a 304 result already
      carries the validators that were sent when the server did not repeat them);
    * success without either: forget the URL (the old validators no longer describe it);
    * failure: None, i.e. keep what was stored; one bad run must not force full downloads.

    With ``known`` (the validators by URL the request was made from), an update that would
    change none of them is None as well (``changes_validators``): only ``checked_at`` would
    differ, and nothing reads it.
    """
    if result.error_reason is not None:
        return None
    entry = {key: value for key, value in (("etag", result.etag), ("last_modified", result.last_modified))
             if value}
    if not entry:
        update = (result.url, None)
    else:
        entry["checked_at"] = (checked_at or _dt.datetime.now(_dt.timezone.utc)).isoformat(timespec="seconds")
        update = (result.url, entry)
    if known is not None and not changes_validators(known, update):
        return None
    return update


def changes_validators(known: Mapping[str, Validators], update: ValidatorUpdate) -> bool:
    """Whether ``update`` changes the ETag or Last-Modified ``known`` holds for its URL (or forgets a known URL)."""
    url, entry = update
    if entry is None:
        return url in known

    def sent(validators: Mapping[str, str]) -> tuple:
        return tuple(validators.get(key) or None for key in VALIDATOR_KEYS)
    return url not in known or sent(entry) != sent(known[url])


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


def state_dir(output_dir: str) -> str:
    return FileSystems.join(output_dir.rstrip("/"), STATE_DIR)


def read_journal(output_dir: str) -> tuple[list[str], list[ValidatorUpdate]]:
    """(journal names relative to ``_state``, their updates in name order: oldest window first)."""
    from transforms import seen_journal
    from transforms.seen_index import IO_THREADS

    names, documents = seen_journal.read_journal(state_dir(output_dir), IO_THREADS, subdir=JOURNAL_SUBDIR)
    return names, [tuple(update) for doc in documents for update in doc.get("updates") or []]


def current_validators(output_dir: str) -> ValidatorStore:
    """The store with the journal's updates (windows committed since the last fold) applied."""
    _names, updates = read_journal(output_dir)
    return merge_validators(load_validators(state_path(output_dir)), updates)


def record_unlocked(output_dir: str, run_id: str, updates: list) -> str | None:
    """A commit without the lock: its updates in a journal file of its own (None: no updates)."""
    from transforms import seen_journal

    if not updates:
        return None
    return seen_journal.write_entry(state_dir(output_dir), run_id, {"run_id": run_id, "updates": list(updates)},
                                    subdir=JOURNAL_SUBDIR)


def commit_updates(output_dir: str, updates: list) -> int:
    """Under the output lock: store + journal + ``updates`` (later wins) saved, then the journal files read deleted.

    Returns how many journal files it folded.

    A crash between the save and the deletes folds those journal files again next time:
    an older validator may then replace a newer one, which costs one full download of
    that feed, never an article.
    """
    from transforms import seen_journal

    names, journal = read_journal(output_dir)
    if not names and not updates:
        return 0
    path = state_path(output_dir)
    save_validators(path, merge_validators(load_validators(path), [*journal, *updates]))
    seen_journal.delete_files(state_dir(output_dir), names)
    return len(names)

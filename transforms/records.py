"""The two record shapes that flow between stages, as plain dicts (cheap to pickle, easy to test).

A *raw article* is what a source produces (``new_article``); later stages add the
identity fields, NLP fields and the run fields until the record matches
``schemas.ARTICLES``.  A *reject* is what any stage emits instead of a record it
cannot handle (``new_reject``); it ends in the ``rejects`` dataset.

Sources raise ``RejectError`` from pure functions; the Beam DoFns around them turn
the exception into a reject row so one bad input never takes other inputs down.
"""
from __future__ import annotations

import datetime as _dt

# Source types, as written to the `source_type` column.
FILE = "file"
FEED = "feed"
HTML = "html"
MESSAGE = "message"  # one article sent as JSON in a Pub/Sub message (transforms/sources/messages.py)

EXCERPT_CHARS = 200


class RejectError(Exception):
    """Raised by pure functions for input that cannot become an article.

    ``reason`` is a short, stable, groupable slug (``empty-file``, ``binary-content``);
    ``detail`` is the human explanation.
    """

    def __init__(self, stage: str, reason: str, detail: str = "", excerpt: str | bytes | None = None):
        super().__init__(f"{stage}/{reason}: {detail}" if detail else f"{stage}/{reason}")
        self.stage = stage
        self.reason = reason
        self.detail = detail
        self.excerpt = excerpt


def new_article(*, source_type: str, source_uri: str, body: str, extraction: str,
                source_name: str | None = None, url: str | None = None, guid: str | None = None,
                title: str | None = None, authors=(), tags=(), subheadings=(),
                summary: str | None = None, published_at: _dt.datetime | None = None,
                updated_at: _dt.datetime | None = None, feed_language: str | None = None) -> dict:
    """A raw article as produced by a source, before identity and NLP.

    ``body`` is clean text with paragraphs separated by one blank line.  Datetimes must
    be timezone-aware UTC or None; never substitute the ingestion time for a missing date.
    """
    for name, value in (("published_at", published_at), ("updated_at", updated_at)):
        if value is not None and (value.tzinfo is None or value.utcoffset() != _dt.timedelta(0)):
            raise ValueError(f"{name} must be timezone-aware UTC, got {value!r}")
    return {
        "source_type": source_type,
        "source_name": source_name,
        "source_uri": source_uri,
        "url": url,
        "guid": guid,
        "title": title,
        "authors": list(authors),
        "tags": list(tags),
        "subheadings": list(subheadings),
        "summary": summary,
        "published_at": published_at,
        "updated_at": updated_at,
        "feed_language": feed_language,
        "body": body,
        "extraction": extraction,
    }


def excerpt_of(data: str | bytes | None, limit: int = EXCERPT_CHARS) -> str | None:
    """A short, printable excerpt of the offending input for the rejects dataset."""
    if data is None:
        return None
    if isinstance(data, bytes):
        data = data[: limit * 4].decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else "\ufffd" for ch in data[:limit])
    return text


def new_reject(*, source_uri: str, stage: str, reason: str, detail: str = "",
               excerpt: str | bytes | None = None, source_type: str | None = None,
               item_key: str | None = None) -> dict:
    """A row for the rejects dataset (``rejected_at`` and ``run_id`` are added by the writer)."""
    return {
        "source_uri": source_uri,
        "source_type": source_type,
        "item_key": item_key,
        "stage": stage,
        "reason": reason,
        "detail": detail or None,
        "excerpt": excerpt_of(excerpt),
    }


def reject_from_error(error: RejectError, *, source_uri: str, source_type: str | None = None,
                      item_key: str | None = None) -> dict:
    return new_reject(source_uri=source_uri, stage=error.stage, reason=error.reason,
                      detail=error.detail, excerpt=error.excerpt, source_type=source_type,
                      item_key=item_key)

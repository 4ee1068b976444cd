"""Pub/Sub messages as sources: each message names a feed, or carries one article as JSON.

``news-ingest stream --input_subscription projects/P/subscriptions/S`` reads a
subscription instead of (or besides) polling a fixed list.  A message's payload is either

* a feed location, one word: an http(s) URL (``feed://`` read as ``http://``) or a
  ``gs://`` (any Beam filesystem) URL of a feed file; the feed is then read like a
  ``--input`` (conditional GET, every entry an article or a reject), or
* one article as a JSON object, for publishers that push their own text::

      {"title": "...", "body": "...", "url": "https://...", "published_at": "2026-12-01T10:00:00Z",
       "authors": ["..."], "tags": ["..."], "summary": "...", "source_name": "...", "language": "en",
       "id": "publisher-guid"}

  ``body`` (or ``text``) is required; everything else is optional.  Dates are read like
  dates in feeds (ISO 8601, RFC 822, "December 1, 2026"), never invented.

The pure functions here turn payload bytes into a ``SourceRef`` (``message_source``) and
an article message into a raw article (``parse_article_message``); a payload that is
neither raises ``RejectError`` and becomes a reject row naming the message, so one bad
message never stops the job.  ``MessagesToSources`` is the thin Beam step around them.
"""
from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import clean, dates, records
from transforms.records import RejectError, new_article, reject_from_error
from transforms.sources.discover import SourceRef
from transforms.sources.feed_lists import resolve_location
from transforms.urls import canonicalize_url

STAGE = "message"
MESSAGE = records.MESSAGE  # source_type of articles that arrived inside a message (and SourceRef.kind)
REJECTS = "rejects"

# An article message larger than this is refused (a Pub/Sub message holds at most 10 MB).
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
MAX_TITLE_CHARS = 1000


def message_uri(subscription: str, message_id: str | None) -> str:
    """How rows name a message: ``pubsub:projects/P/subscriptions/S#<message id>``."""
    return f"pubsub:{subscription}#{message_id or 'unknown'}"


def message_source(data: bytes, *, subscription: str, message_id: str | None = None) -> SourceRef:
    """The source one message names: a feed URL/path, or the article it carries (kind ``message``)."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise RejectError(STAGE, "message-too-large", f"larger than {MAX_MESSAGE_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as error:
        raise RejectError(STAGE, "bad-message", f"the payload is not UTF-8 text ({error.reason})", data) from None
    if not text:
        raise RejectError(STAGE, "empty-message", "the payload is empty")
    if text.startswith("{"):
        return SourceRef(message_uri(subscription, message_id), MESSAGE, data=text.encode("utf-8"))
    if any(character.isspace() for character in text) or ":" not in text:
        raise RejectError(STAGE, "bad-message",
                          "a message holds one feed URL (http, https or gs) or one article as a JSON object", text)
    # Same rules as a feed-list entry; there is no list to resolve a relative entry against.
    try:
        location = resolve_location(text, "pubsub:")
    except RejectError as error:
        raise RejectError(STAGE, error.reason, error.detail, text) from None
    kind = "url" if location.lower().startswith(("http://", "https://")) else "path"
    if kind == "path" and "://" not in location:
        raise RejectError(STAGE, "bad-message", "a local path means nothing to a worker; send a URL", text)
    return SourceRef(location, kind)


def _text(document: dict, key: str, limit: int | None = None) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RejectError(STAGE, "bad-article-json", f"{key!r} must be a string, got {type(value).__name__}")
    value = clean.normalize_whitespace(value)
    return (value[:limit] if limit else value) or None


def _strings(document: dict, key: str) -> list[str]:
    value = document.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RejectError(STAGE, "bad-article-json", f"{key!r} must be a string or a list of strings")
    return [clean.normalize_whitespace(item) for item in value if item.strip()]


def parse_article_message(data: bytes, source_uri: str) -> dict:
    """A raw article from a JSON article message; RejectError for anything that is not one."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RejectError(STAGE, "bad-article-json", f"not a JSON document: {error}", data) from None
    if not isinstance(document, dict):
        raise RejectError(STAGE, "bad-article-json", "the JSON document is not an object", data)
    raw_body = document.get("body") if document.get("body") is not None else document.get("text")
    if raw_body is not None and not isinstance(raw_body, str):
        raise RejectError(STAGE, "bad-article-json", "'body' must be a string", data)
    paragraphs = clean.split_paragraphs(raw_body or "")
    title = _text(document, "title", MAX_TITLE_CHARS)
    if not paragraphs:
        raise RejectError(STAGE, "no-body", "the article has no 'body' (or 'text')", data)
    url = canonicalize_url(_text(document, "url"))
    published_text, updated_text = _text(document, "published_at"), _text(document, "updated_at")
    published_at, updated_at = dates.parse_datetime(published_text), dates.parse_datetime(updated_text)
    if published_text and published_at is None:
        # A date we cannot read is dropped, not guessed; say so rather than lose it silently.
        raise RejectError(STAGE, "bad-date", f"'published_at' {published_text!r} is not a date", data)
    return new_article(
        source_type=MESSAGE, source_uri=source_uri, source_name=_text(document, "source_name"),
        url=url, guid=_text(document, "id") or url, title=title, authors=_strings(document, "authors"),
        tags=_strings(document, "tags"), summary=_text(document, "summary"),
        published_at=published_at, updated_at=updated_at, feed_language=_text(document, "language"),
        body="\n\n".join(paragraphs), extraction="message")


class MessageToSourceFn(beam.DoFn):
    """One Pub/Sub message (``PubsubMessage`` or bare bytes) -> a SourceRef, or a reject (tagged)."""

    def __init__(self, subscription: str):
        self._subscription = subscription
        self.messages = Metrics.counter("pubsub", "messages")
        self.rejected = Metrics.counter("pubsub", "rejected_messages")

    def process(self, message):
        self.messages.inc()
        data = getattr(message, "data", message)
        message_id = getattr(message, "message_id", None)
        try:
            yield message_source(data, subscription=self._subscription, message_id=message_id)
        except RejectError as error:
            self.rejected.inc()
            yield beam.pvalue.TaggedOutput(REJECTS, reject_from_error(
                error, source_uri=message_uri(self._subscription, message_id), source_type=MESSAGE))


class MessagesToSources(beam.PTransform):
    """Pub/Sub messages -> ``{"sources": SourceRefs, "rejects": reject rows}``.

    The sources go into the same ``IngestArticles`` front end as ``--input``; article
    messages are read (``parse_article_message``) by ``ReadSources`` like any source.
    """

    def __init__(self, subscription: str):
        super().__init__()
        self._subscription = subscription

    def expand(self, messages):
        out = messages | "ParseMessage" >> beam.ParDo(MessageToSourceFn(self._subscription)).with_outputs(
            REJECTS, main="sources")
        return {"sources": out["sources"], "rejects": out[REJECTS]}


class ReadPubSubSources(beam.PTransform):
    """``ReadFromPubSub(subscription)`` -> ``MessagesToSources`` (Dataflow streaming only).

    Message ids come with the message (``with_attributes=True``), so a reject names the
    message it came from.  Pub/Sub delivers at least once; the streaming deduplication
    (article ids and content hashes in Beam state) drops a redelivered article.
    """

    def __init__(self, subscription: str):
        super().__init__()
        self._subscription = subscription

    def expand(self, pbegin):
        from apache_beam.io.gcp.pubsub import ReadFromPubSub

        return (pbegin
                | "ReadPubSub" >> ReadFromPubSub(subscription=self._subscription, with_attributes=True)
                | "ToSources" >> MessagesToSources(self._subscription))


"""``Normalize``: raw articles from any source -> articles with identity and counts.

Adds ``article_id``, ``content_hash``, ``char_count``, ``word_count`` and ``ingested_at``;
rejects records that cannot be articles (no body).  Pure ``normalize_article`` does the
work so it can be tested without Beam.
"""
from __future__ import annotations

import datetime as dt

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import identity, records
from transforms.records import RejectError

REJECTS = "rejects"


def normalize_article(raw: dict, ingested_at: dt.datetime) -> dict:
    """Identity and size fields for one raw article; raises RejectError when it has no body."""
    body = (raw.get("body") or "").strip()
    if not body:
        raise RejectError("normalize", "empty-body", "the source gave no article text",
                          raw.get("title") or raw.get("url"))
    title = (raw.get("title") or "").strip() or None
    article = dict(raw, body=body, title=title)
    article["article_id"] = identity.article_id(url=raw.get("url"), guid=raw.get("guid"),
                                                source_uri=raw["source_uri"], title=title, body=body)
    article["content_hash"] = identity.content_hash(body)
    article["char_count"] = len(body)
    article["word_count"] = identity.word_count(body)
    article["ingested_at"] = ingested_at
    return article


class NormalizeFn(beam.DoFn):
    """``ingested_at`` is the run's start in batch; None (streaming) stamps each record as it passes."""

    def __init__(self, ingested_at: dt.datetime | None):
        self._ingested_at = ingested_at
        self.rejected = Metrics.counter("normalize", "rejected")

    def process(self, raw):
        try:
            yield normalize_article(raw, self._ingested_at or dt.datetime.now(dt.timezone.utc))
        except RejectError as error:
            self.rejected.inc()
            yield beam.pvalue.TaggedOutput(REJECTS, records.reject_from_error(
                error, source_uri=raw["source_uri"], source_type=raw.get("source_type"),
                item_key=raw.get("guid") or raw.get("url")))


class Normalize(beam.PTransform):
    """Raw articles -> (articles with identity, rejects)."""

    def __init__(self, ingested_at: dt.datetime | None):
        super().__init__()
        self._ingested_at = ingested_at

    def expand(self, raw_articles):
        return raw_articles | "Identify" >> beam.ParDo(NormalizeFn(self._ingested_at)).with_outputs(
            REJECTS, main="articles")

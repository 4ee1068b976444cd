"""Deduplication: within a run by id and by content, and against earlier runs."""
import datetime as dt

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.dedup import DUPLICATES, Deduplicate, pick_survivor

UTC = dt.timezone.utc


def _article(article_id, content_hash, body="text", source_uri="a", published_at=None):
    return {"article_id": article_id, "content_hash": content_hash, "body": body,
            "source_uri": source_uri, "published_at": published_at}


def test_survivor_prefers_longest_body_then_earliest_date_then_uri():
    short = _article("x", "h1", body="short")
    long_ = _article("x", "h2", body="much longer body")
    assert pick_survivor([short, long_])[0] is long_
    early = _article("x", "h", published_at=dt.datetime(2021, 1, 1, tzinfo=UTC), source_uri="z")
    late = _article("x", "h", published_at=dt.datetime(2021, 1, 2, tzinfo=UTC), source_uri="a")
    undated = _article("x", "h", source_uri="0")
    kept, dropped = pick_survivor([late, undated, early])
    assert kept is early and len(dropped) == 2
    assert pick_survivor([_article("x", "h", source_uri="b"), _article("x", "h", source_uri="a")])[0]["source_uri"] == "a"


def test_pipeline_drops_duplicates_by_id_content_and_earlier_runs():
    articles = [
        _article("id1", "hash1", source_uri="feed-a"),
        _article("id1", "hash1", source_uri="feed-b"),          # same id
        _article("id2", "hash1", source_uri="z-copy"),          # same content, other id
        _article("id3", "hash3"),                               # written by an earlier run
        _article("id4", "hash4-old"),                           # content written earlier under another id
        _article("id5", "hash5"),                               # new
    ]
    with BeamTestPipeline() as p:
        out = (p | "Articles" >> beam.Create(articles)
               | Deduplicate(p | "SeenIds" >> beam.Create(["id3", "id-old"]),
                             p | "SeenHashes" >> beam.Create(["hash4-old"])))
        kept = out["articles"] | "Ids" >> beam.Map(lambda a: (a["article_id"], a["source_uri"]))
        assert_that(kept, equal_to([("id1", "feed-a"), ("id5", "a")]), label="kept")
        keys = out[DUPLICATES] | "Keys" >> beam.Map(lambda d: (d["article_id"], d["key"]))
        assert_that(keys, equal_to([
            ("id1", "article_id"), ("id2", "content_hash"),
            ("id3", "already-ingested:article_id"), ("id4", "already-ingested:content_hash")]),
            label="duplicates")

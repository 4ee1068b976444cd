"""Deduplication: within a run by id and by content, and against earlier runs."""
import datetime as dt

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms import near_dup
from transforms.dedup import DUPLICATES, Deduplicate, pick_survivor, with_signature
from transforms.dedup_plan import index_entry, index_rows
from transforms.seen_index import apply_rows

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


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


def test_pipeline_drops_duplicates_by_id_content_and_earlier_runs(tmp_path):
    out = str(tmp_path)
    earlier = [dict(_article("id3", "hash3", body="an article from an earlier run"), ingested_at=NOW),
               dict(_article("id-old", "hash4-old", body="old text"), ingested_at=NOW)]
    apply_rows(out, "run-0", [row for a in earlier for row in index_rows(*index_entry(with_signature(a)))],
               near_dup.PARAMS.as_dict())
    articles = [
        _article("id1", "hash1", source_uri="feed-a", body="first story body text"),
        _article("id1", "hash1", source_uri="feed-b", body="first story body text"),   # same id
        _article("id2", "hash1", source_uri="z-copy", body="first story body text"),   # same content, other id
        _article("id3", "hash3", body="an article from an earlier run"),               # written by an earlier run
        _article("id4", "hash4-old", body="old text"),                                 # content written earlier
        _article("id5", "hash5", body="something else entirely"),                      # new
    ]
    with BeamTestPipeline() as p:
        out_ = (p | "Articles" >> beam.Create([dict(a, ingested_at=NOW) for a in articles]) | Deduplicate(out))
        kept = out_["articles"] | "Ids" >> beam.Map(lambda a: (a["article_id"], a["source_uri"]))
        assert_that(kept, equal_to([("id1", "feed-a"), ("id5", "a")]), label="kept")
        keys = out_[DUPLICATES] | "Keys" >> beam.Map(
            lambda d: (d["article_id"], d["key"], d["found_in"], d["duplicate_of"], d["source_uri"]))
        assert_that(keys, equal_to([
            ("id1", "article_id", "this_run", "id1", "feed-b"), ("id2", "content_hash", "this_run", "id1", "z-copy"),
            ("id3", "article_id", "earlier_run", "id3", "a"), ("id4", "content_hash", "earlier_run", "id-old", "a")]),
            label="duplicates")


def test_near_duplicates_are_marked_or_dropped_as_the_flag_says():
    story = " ".join(f"word{i}" for i in range(120))
    first = dict(_article("a", "ha", body=story, published_at=NOW), ingested_at=NOW)
    copy = dict(_article("b", "hb", body=story + " and one more sentence at the end.",
                         published_at=NOW + dt.timedelta(hours=1)), ingested_at=NOW)
    for mode, expected_articles, expected_dups in (
            ("mark", [("a", None), ("b", "a")], []),
            ("skip", [("a", None)], [("b", "near_duplicate", "a")])):
        with BeamTestPipeline() as p:
            result = p | beam.Create([first, copy]) | Deduplicate(None, near_mode=mode)
            assert_that(result["articles"] | "Ids" >> beam.Map(lambda a: (a["article_id"], a.get("duplicate_of"))),
                        equal_to(expected_articles), label="articles")
            assert_that(result[DUPLICATES] | "Dups" >> beam.Map(lambda d: (d["article_id"], d["key"], d["duplicate_of"])),
                        equal_to(expected_dups), label="duplicates")

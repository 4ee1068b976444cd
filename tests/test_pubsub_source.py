"""The Pub/Sub source: message payloads -> sources (pure), and the Beam step on a TestStream
standing in for Pub/Sub (unbounded input, streaming mode, the BundleBasedDirectRunner).
"""
from __future__ import annotations

import datetime as dt
import json

import apache_beam as beam
import pytest
from apache_beam.io.gcp.pubsub import PubsubMessage
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.testing.util import assert_that, equal_to

from pipelines.runners import local_runner
from transforms.records import RejectError
from transforms.sources import read
from transforms.sources.discover import SourceRef
from transforms.sources.messages import (
    MESSAGE,
    MessagesToSources,
    message_source,
    message_uri,
    parse_article_message,
)

SUB = "projects/news-project/subscriptions/news"
ARTICLE = {"title": "Council approves budget", "body": "The council approved the budget.\n\nIt passed 7-2.",
           "url": "https://news.example.org/budget?utm_source=x", "published_at": "2026-12-01T10:00:00+01:00",
           "authors": "Ann Reporter", "tags": ["local", "money"], "id": "ex-1", "source_name": "Example News"}


# --- payload -> source (pure) ------------------------------------------------------------------

@pytest.mark.parametrize("payload, expected", [
    (b"https://feeds.example.org/rss.xml\n", SourceRef("https://feeds.example.org/rss.xml", "url")),
    (b"feed://feeds.example.org/rss", SourceRef("http://feeds.example.org/rss", "url")),
    (b"  gs://bucket/feeds/world.xml ", SourceRef("gs://bucket/feeds/world.xml", "path")),
])
def test_a_message_naming_a_feed(payload, expected):
    assert message_source(payload, subscription=SUB, message_id="7") == expected


def test_a_message_carrying_an_article():
    ref = message_source(b"\xef\xbb\xbf" + json.dumps(ARTICLE).encode(), subscription=SUB, message_id="42")
    assert (ref.uri, ref.kind) == (f"pubsub:{SUB}#42", MESSAGE)
    assert json.loads(ref.data) == ARTICLE


@pytest.mark.parametrize("payload, reason", [
    (b"", "empty-message"),
    (b"   \n", "empty-message"),
    (b"\xff\xfe\x00garbage", "bad-message"),
    (b"two words", "bad-message"),
    (b"feeds.xml", "bad-message"),                       # relative: no list to resolve it against
    (b"file:///srv/feeds/x.xml", "bad-message"),        # a worker's local disk
    (b"mailto:editor@example.org", "unsupported-scheme"),
])
def test_messages_that_name_nothing_are_refused(payload, reason):
    with pytest.raises(RejectError) as caught:
        message_source(payload, subscription=SUB, message_id="1")
    assert (caught.value.stage, caught.value.reason) == ("message", reason)


# --- article messages (pure) -------------------------------------------------------------------

def test_article_message_becomes_a_raw_article():
    article = parse_article_message(json.dumps(ARTICLE).encode(), "pubsub:s#1")
    assert article["source_type"] == MESSAGE and article["source_uri"] == "pubsub:s#1"
    assert article["body"] == "The council approved the budget.\n\nIt passed 7-2."
    assert article["url"] == "https://news.example.org/budget"  # tracking parameters dropped
    assert article["published_at"] == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    assert article["authors"] == ["Ann Reporter"] and article["tags"] == ["local", "money"]
    assert article["guid"] == "ex-1" and article["source_name"] == "Example News"
    assert article["updated_at"] is None  # not given, never invented


def test_text_is_an_alias_of_body_and_dates_may_be_absent():
    article = parse_article_message(b'{"text": "Only text here."}', "pubsub:s#2")
    assert article["body"] == "Only text here." and article["published_at"] is None and article["title"] is None


@pytest.mark.parametrize("payload, reason", [
    (b'{"title": "No body"}', "no-body"),
    (b'{"body": "   "}', "no-body"),
    (b'["a list"]', "bad-article-json"),
    (b'{"body": "x", ', "bad-article-json"),
    (b'{"body": 12}', "bad-article-json"),
    (b'{"body": "x", "authors": [1, 2]}', "bad-article-json"),
    (b'{"body": "x", "published_at": "soon"}', "bad-date"),
])
def test_article_messages_that_cannot_be_articles(payload, reason):
    with pytest.raises(RejectError) as caught:
        parse_article_message(payload, "pubsub:s#3")
    assert caught.value.reason == reason


# --- the Beam step, on a TestStream standing in for Pub/Sub ------------------------------------

def _streaming_pipeline():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    return beam.Pipeline(runner=local_runner(options, streaming=True), options=options)


def test_messages_to_sources_on_an_unbounded_stream():
    messages = [
        PubsubMessage(b"https://feeds.example.org/rss.xml", {}, message_id="m1"),
        PubsubMessage(json.dumps(ARTICLE).encode(), {"origin": "cms"}, message_id="m2"),
        PubsubMessage(b"not a feed", {}, message_id="m3"),
    ]
    stream = (BeamTestStream()
              .advance_watermark_to(0)
              .add_elements(messages[:2])
              .advance_processing_time(5)
              .add_elements(messages[2:])
              .advance_watermark_to_infinity())
    with _streaming_pipeline() as p:
        out = p | "Messages" >> stream | "ToSources" >> MessagesToSources(SUB)
        sources = out["sources"] | "Uris" >> beam.Map(lambda ref: (ref.uri, ref.kind))
        assert_that(sources, equal_to([("https://feeds.example.org/rss.xml", "url"),
                                       (message_uri(SUB, "m2"), MESSAGE)]), label="sources")
        reasons = out["rejects"] | "Reasons" >> beam.Map(lambda r: (r["source_uri"], r["stage"], r["reason"]))
        assert_that(reasons, equal_to([(message_uri(SUB, "m3"), "message", "bad-message")]), label="rejects")

        # Article messages are read like any source: the front end's ReadSources parses them.
        article_refs = out["sources"] | "OnlyArticles" >> beam.Filter(lambda ref: ref.kind == MESSAGE)
        read_out = article_refs | "Read" >> read.ReadSources()
        titles = read_out[read.ARTICLES] | "Titles" >> beam.Map(lambda a: (a["title"], a["source_type"]))
        assert_that(titles, equal_to([("Council approves budget", MESSAGE)]), label="articles")


def test_a_broken_article_message_is_a_reject_of_that_message_only():
    refs = [message_source(b'{"body": 3}', subscription=SUB, message_id="b1"),
            message_source(json.dumps(ARTICLE).encode(), subscription=SUB, message_id="ok")]
    with _streaming_pipeline() as p:
        stream = BeamTestStream().add_elements(refs).advance_watermark_to_infinity()
        read_out = p | stream | read.ReadSources()
        assert_that(read_out[read.ARTICLES] | beam.Map(lambda a: a["source_uri"]),
                    equal_to([message_uri(SUB, "ok")]), label="articles")
        assert_that(read_out[read.REJECTS] | beam.Map(lambda r: (r["source_uri"], r["reason"], r["source_type"])),
                    equal_to([(message_uri(SUB, "b1"), "bad-article-json", MESSAGE)]), label="rejects")

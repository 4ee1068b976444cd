"""DeduplicateStream under TestStream (BundleBasedDirectRunner): first sightings, event-time TTL, windows kept."""
import datetime as dt

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.testing.test_stream import TestStream as EventStream  # renamed: pytest collects Test*
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms import window

from transforms.dedup import DUPLICATES
from transforms.stream_dedup import DeduplicateStream, first_sighting

TTL = 100


def article(article_id, content=None):
    return {"article_id": article_id, "content_hash": content or f"hash-of-{article_id}",
            "source_uri": f"http://127.0.0.1/feed#{article_id}", "body": "text",
            "ingested_at": dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)}


def streaming_pipeline():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    return beam.Pipeline(runner=BundleBasedDirectRunner(), options=options)


def at(ts, *articles):
    return [window.TimestampedValue(a, ts) for a in articles]


def run_dedup(stream, kept, dropped, window_seconds=None, seen_ids=(), seen_hashes=()):
    """Assert that DeduplicateStream over ``stream`` keeps ``kept`` [(id, window start)] and drops ``dropped``."""
    with streaming_pipeline() as p:
        articles = p | stream
        if window_seconds:
            articles = articles | beam.WindowInto(window.FixedWindows(window_seconds))
        out = articles | DeduplicateStream(
            ttl_seconds=TTL,
            seen_ids=(p | "SeenIds" >> beam.Create(list(seen_ids))) if seen_ids else None,
            seen_hashes=(p | "SeenHashes" >> beam.Create(list(seen_hashes))) if seen_hashes else None)

        def where(a, w=beam.DoFn.WindowParam):
            return a["article_id"], None if isinstance(w, window.GlobalWindow) else w.start

        kept_pc = out["articles"] | "Where" >> beam.Map(where)
        dup_pc = out[DUPLICATES] | "DupKey" >> beam.Map(
            lambda d: (d["article_id"], f"{d['found_in']}:{d['key']}:{d['duplicate_of']}"))
        assert_that(kept_pc, equal_to(kept), label="Kept")
        assert_that(dup_pc, equal_to(dropped), label="Dropped")


def test_first_sighting_reasons():
    assert first_sighting(False, False) is None
    assert first_sighting(True, False) == "stream"
    assert first_sighting(True, True) == "earlier_run"


def test_each_id_and_each_content_is_kept_once_across_polls():
    stream = (EventStream()
              .add_elements(at(10, article("a"), article("b")))
              .advance_watermark_to(20)
              .add_elements(at(25, article("a"), article("c", content="hash-of-b")))  # re-polled; syndicated copy
              .advance_watermark_to_infinity())
    run_dedup(stream, kept=[("a", None), ("b", None)],
              dropped=[("a", "stream:article_id:a"), ("c", "stream:content_hash:b")])


def test_keys_expire_after_the_ttl_in_event_time_and_each_sighting_extends_it():
    stream = (EventStream()
              .add_elements(at(10, article("a"), article("b")))
              .advance_watermark_to(60)
              .add_elements(at(60, article("b")))            # b seen again: its expiry moves to 160
              .advance_watermark_to(130)                     # past a's expiry (110), before b's (160)
              .add_elements(at(130, article("a"), article("b")))
              .advance_watermark_to_infinity())
    # a was forgotten after its TTL and is new again; b was not.
    run_dedup(stream, kept=[("a", None), ("b", None), ("a", None)],
              dropped=[("b", "stream:article_id:b"), ("b", "stream:article_id:b")])


def test_dedup_spans_windows_and_keeps_each_element_in_its_window():
    stream = (EventStream()
              .add_elements(at(5, article("a")))
              .advance_watermark_to(12)
              .add_elements(at(15, article("a"), article("b")))  # a again, in the next window
              .advance_watermark_to_infinity())
    run_dedup(stream, window_seconds=10, kept=[("a", 0), ("b", 10)], dropped=[("a", "stream:article_id:a")])


def test_a_restart_is_seeded_with_what_the_output_already_holds():
    stream = (EventStream()
              .add_elements(at(10, article("old"), article("copy", content="old-hash"), article("new")))
              .advance_watermark_to_infinity())
    run_dedup(stream, seen_ids=["old"], seen_hashes=["old-hash"], kept=[("new", None)],
              dropped=[("copy", "earlier_run:content_hash:None"), ("old", "earlier_run:article_id:old")])


def test_the_output_keeps_the_input_windowing_whole_trigger_and_lateness_included():
    from transforms.stream_sink import streaming_windows

    p = beam.Pipeline()
    windowed = p | beam.Create([article("a")]) | streaming_windows(10, allowed_lateness=30)
    out = windowed | DeduplicateStream(ttl_seconds=TTL)
    for pcoll in (out["articles"], out[DUPLICATES]):
        assert pcoll.windowing == windowed.windowing
        assert pcoll.windowing.allowed_lateness == windowed.windowing.allowed_lateness > 0

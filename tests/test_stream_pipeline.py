"""The streaming pipeline: the local loop bounded by --stop_after_polls, and the Dataflow graph under TestStream."""
import json

import apache_beam as beam
import duckdb
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.testing.test_stream import TestStream as EventStream  # renamed: pytest collects Test*
from apache_beam.transforms import window

from pipelines import stream
from pipelines.options import parse_args
from pipelines.stream_graph import StreamIngest
from tests.conftest import FIXTURES_DIR
from transforms.sources.discover import SourceRef
from transforms.sources.feeds import parse_feed
from transforms.run_days import find_published

pytestmark = pytest.mark.slow

FEED = FIXTURES_DIR / "feeds" / "headlines.rss"


def feed_entries(path) -> int:
    articles, _ = parse_feed(path.read_bytes(), str(path))
    return len({a["guid"] or a["url"] for a in articles})


def test_two_bounded_polls_write_each_entry_once(tmp_path):
    out = tmp_path / "out"
    status = stream.run(["--input", str(FEED), "--output", str(out), "--poll_interval", "1",
                         "--stop_after_polls", "2", "--run_id", "s1"], save_main_session=False)
    assert status == 0
    scan = f"read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true)"
    total, distinct, runs = duckdb.connect().execute(
        f"SELECT count(*), count(DISTINCT article_id), list(DISTINCT run_id) FROM {scan}").fetchone()
    assert total == distinct == feed_entries(FEED)
    assert runs == ["s1-000001"], "the second poll's entries are duplicates and must not be written again"
    first, second = (find_published(str(out), f"s1-00000{n}") for n in (1, 2))
    assert second["balance"] == {"articles_read": total, "articles_written": 0, "deduplicated": total,
                                 "rejected_after_read": 0, "ok": True}
    assert "articles" in second["datasets_without_rows"]


def test_streaming_graph_writes_each_window_with_a_balanced_manifest(tmp_path):
    """Polls at t=1 and t=4 (window [0, 10)) and t=12 ([10, 20)) of the same feed, plus a second feed at t=12."""
    out = tmp_path / "out"
    other = tmp_path / "other.rss"
    other.write_bytes(FEED.read_bytes().replace(b"story-1", b"story-1-updated")
                      .replace(b"First paragraph", b"A different first paragraph"))
    config, _ = parse_args(["--input", str(FEED), "--output", str(out), "--window_seconds", "10",
                            "--run_id", "job"], "stream")
    feed, second = SourceRef(str(FEED), "path"), SourceRef(str(other), "path")
    polls = (EventStream()
             .add_elements([window.TimestampedValue(feed, 1)])
             .add_elements([window.TimestampedValue(feed, 4)])
             .advance_watermark_to(10)
             .add_elements([window.TimestampedValue(feed, 12), window.TimestampedValue(second, 12)])
             .advance_watermark_to_infinity())
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with beam.Pipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        p | polls | StreamIngest(config)

    manifests = {p.stem: json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))}
    assert list(manifests) == ["job-19700101T000000Z", "job-19700101T000010Z"]
    first, later = manifests.values()
    entries = feed_entries(FEED)
    assert first["balance"]["articles_written"] == entries and first["balance"]["deduplicated"] == entries
    assert later["balance"]["articles_written"] == 1, "only the updated story of the second feed is new"
    assert all(m["balance"]["ok"] for m in manifests.values())
    assert first["counts"]["sources"] == 2 and later["counts"]["sources"] == 2
    names = sorted(p.name for p in out.glob("articles/*/*.parquet"))
    assert names == ["part-19700101T000000Z-job-00000.parquet", "part-19700101T000010Z-job-00000.parquet"]
    total, distinct = duckdb.connect().execute(
        f"SELECT count(*), count(DISTINCT article_id) FROM read_parquet('{out}/articles/*/*.parquet')").fetchone()
    assert total == distinct == entries + 1


def test_the_dataflow_job_graph_builds_from_the_command_line(tmp_path):
    """What ``--runner DataflowRunner`` submits: timer polls -> StreamIngest, seeded from DIR (built, not run)."""
    from pipelines.launch import prepare
    from pipelines.stream import build_streaming_job

    launch = prepare(["--input", str(FEED), "--output", str(tmp_path / "out"), "--window_seconds", "60",
                      "--runner", "DataflowRunner"], "stream", save_main_session=False)
    p = beam.Pipeline(options=PipelineOptions(["--streaming"]))
    build_streaming_job(p, launch, start=1000.0)
    labels = {t.unique_name for t in p.to_runner_api().components.transforms.values()}
    assert {"Poll", "Stream/Window", "Stream/Ingest/Deduplicate/ById/First", "Stream/Write/Commit"} <= labels
    assert "PubSub" not in labels


def test_the_dataflow_job_reads_a_subscription_besides_or_instead_of_polling(tmp_path):
    from pipelines.launch import prepare
    from pipelines.stream import build_streaming_job

    subscription = ["--input_subscription", "projects/news-project/subscriptions/news"]
    for inputs, polled in ((["--input", str(FEED)], True), ([], False)):
        launch = prepare(inputs + subscription + ["--output", str(tmp_path / "out"), "--runner", "DataflowRunner"],
                         "stream", save_main_session=False)
        p = beam.Pipeline(options=PipelineOptions(["--streaming"]))
        build_streaming_job(p, launch, start=1000.0)
        proto = p.to_runner_api().components.transforms.values()
        assert "beam:transform:pubsub_read:v1" in {t.spec.urn for t in proto}
        assert ("Poll" in {t.unique_name for t in proto}) is polled


def test_a_restarted_job_is_seeded_with_the_keys_already_in_the_output(tmp_path):
    from pipelines.stream_graph import ingested_keys
    from apache_beam.testing.util import assert_that, equal_to

    test_two_bounded_polls_write_each_entry_once(tmp_path)  # fills tmp_path/out
    ids = duckdb.connect().execute(
        f"SELECT list(article_id) FROM read_parquet('{tmp_path}/out/articles/*/*.parquet')").fetchone()[0]
    with beam.Pipeline() as p:
        assert_that(ingested_keys(p, str(tmp_path / "out"), "article_id", "Ids"), equal_to(ids))
    with beam.Pipeline() as p:
        assert_that(ingested_keys(p, str(tmp_path / "empty"), "article_id", "Ids"), equal_to([]))

"""WriteWindows under TestStream: files and a manifest per window pane, on time and late, stable names."""
import datetime as dt
import json

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.testing.test_stream import TestStream as EventStream  # renamed: pytest collects Test*
from apache_beam.transforms import window
from apache_beam.utils.windowed_value import PaneInfo, PaneInfoTiming

from tests.test_rows_and_sinks import enriched_article
from transforms.rows import article_row, reject_row
from transforms.stream_sink import CommitWindowFn, WriteWindows, plan_files, streaming_windows, tally

UTC = dt.timezone.utc
COUNTED = ("sources", "sources_not_modified", "articles_read", "rejected_normalize", "rejected_nlp", "deduplicated",
           "articles_written", "entity_rows_written", "quote_rows_written", "rejects_written")
DAY = "ingest_date=2026-11-28"


def art(n):
    return {"kind": "article", "n": n}


def rej(n):
    return {"kind": "reject", "n": n}


def at(ts, *elements):
    return [window.TimestampedValue(e, ts) for e in elements]


def article_pair(element):
    row = article_row(enriched_article(article_id=f"{element['n']:032d}", content_hash=f"{element['n']:064d}"), "r")
    return DAY, row


def reject_pair(element):
    reject = {"source_uri": f"http://127.0.0.1/feed/{element['n']}", "item_key": None, "stage": "normalize",
              "reason": "empty-body", "detail": "", "excerpt": None, "source_type": "feed"}
    return DAY, reject_row(reject, "r", dt.datetime(2026, 11, 28, tzinfo=UTC))


def run_sink(stream, out, window_seconds=10, allowed_lateness=20):
    """Elements are read articles (written) or rejects; every count the manifest needs is derived from them."""
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with beam.Pipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        elements = p | stream | streaming_windows(window_seconds, allowed_lateness)
        articles = elements | "Articles" >> beam.Filter(lambda e: e["kind"] == "article")
        rejects = elements | "Rejects" >> beam.Filter(lambda e: e["kind"] == "reject")
        reject_records = rejects | "RejectRecords" >> beam.Map(lambda e: reject_pair(e)[1])
        none = elements | "None" >> beam.Filter(lambda e: False)
        counted = {name: none | f"Zero_{name}" >> beam.Map(lambda e: e) for name in COUNTED}
        counted.update(articles_read=elements, articles_written=articles, rejected_normalize=rejects,
                       rejects_written=rejects)
        parts = {"rows": {"articles": articles | "ArticleRows" >> beam.Map(article_pair),
                          "rejects": rejects | "RejectRows" >> beam.Map(reject_pair)},
                 "counted": counted, "rejects": reject_records, "duplicates": none}
        parts | WriteWindows(str(out), "r")


def manifests(out):
    return {path.name: json.loads(path.read_text()) for path in sorted((out / "_runs").glob("*.json"))}


def rows_in(path):
    return pq.read_table(path).num_rows


def test_each_window_gets_its_files_and_a_balanced_manifest(tmp_path):
    stream = (EventStream()
              .add_elements(at(1, art(1), art(2)) + at(3, rej(3)))
              .advance_watermark_to(12)                     # closes [0, 10)
              .add_elements(at(14, rej(4)))
              .advance_watermark_to_infinity())
    run_sink(stream, tmp_path)
    found = manifests(tmp_path)
    assert list(found) == ["r-19700101T000000Z.json", "r-19700101T000010Z.json"]
    first, second = found.values()
    assert first["balance"] == {"articles_read": 3, "articles_written": 2, "deduplicated": 0,
                                "rejected_after_read": 1, "ok": True}
    assert first["window"]["timing"] == "on_time" and first["datasets_without_rows"] == []
    articles_file = tmp_path / "articles" / DAY / "part-19700101T000000Z-r-00000.parquet"
    assert first["files"]["articles"] == [str(articles_file)] and rows_in(articles_file) == 2
    assert second["datasets_without_rows"] == ["articles"], "no empty file for a dataset without rows"
    assert not list(tmp_path.glob("articles/*/part-19700101T000010Z-*"))
    assert second["rejects_by_stage_reason"] == [{"stage": "normalize", "reason": "empty-body", "count": 1}]
    success = json.loads((tmp_path / "_SUCCESS").read_text())
    assert success["run_id"] == "r-19700101T000010Z"


def test_late_data_gets_its_own_pane_and_data_past_the_allowed_lateness_is_dropped(tmp_path):
    stream = (EventStream()
              .add_elements(at(1, art(1)))
              .advance_watermark_to(15)                     # [0, 10) fires on time
              .add_elements(at(2, art(2)) + at(4, rej(4)))   # late, within the 20 s allowed lateness
              .advance_processing_time(11)                  # the late pane fires one window length later
              .advance_watermark_to(40)                     # [0, 10) is now closed for good
              .add_elements(at(3, art(3)))                  # too late: dropped
              .advance_watermark_to_infinity())
    run_sink(stream, tmp_path)
    found = manifests(tmp_path)
    assert list(found) == ["r-19700101T000000Z-p1.json", "r-19700101T000000Z.json"]
    assert found["r-19700101T000000Z-p1.json"]["window"]["timing"] == "late"
    late = found["r-19700101T000000Z-p1.json"]["balance"]
    assert (late["articles_read"], late["articles_written"], late["rejected_after_read"], late["ok"]) == (2, 1, 1, True)
    names = sorted(p.name for p in tmp_path.glob("articles/*/*.parquet"))
    assert names == ["part-19700101T000000Z-r-00000.parquet", "part-19700101T000000Z-r-p1-00000.parquet"]
    assert sum(rows_in(p) for p in tmp_path.glob("articles/*/*.parquet")) == 2


def test_a_retried_pane_rewrites_its_own_files(tmp_path):
    fn = CommitWindowFn(str(tmp_path), "r", COUNTED, ("articles", "rejects"), {}, [])
    items = [("row", "articles", *article_pair(art(1))), ("count", "articles_read"), ("count", "articles_written")]
    win = window.IntervalWindow(0, 10)
    pane = PaneInfo(True, True, PaneInfoTiming.ON_TIME, 0, 0)
    for _attempt in range(2):
        [manifest] = list(fn.process(("window", items), win=win, pane=pane))
    assert [p.name for p in tmp_path.rglob("*.parquet")] == ["part-19700101T000000Z-r-00000.parquet"]
    assert manifest["balance"]["ok"] and not list(tmp_path.rglob("*.tmp"))


def test_shards_are_a_function_of_the_rows_not_of_their_order():
    rows = [("articles", DAY, {"article_id": f"{n:032d}"}) for n in range(10)]
    forward, backward = plan_files(rows, rows_per_file=4), plan_files(rows[::-1], rows_per_file=4)
    assert {k: sorted(r["article_id"] for r in v) for k, v in forward.items()} == \
        {k: sorted(r["article_id"] for r in v) for k, v in backward.items()}
    assert {shard for _d, _p, shard in forward} <= {0, 1, 2}


def test_tally_counts_markers():
    counts, reasons, dups, validators = tally([("count", "articles_read"), ("count", "articles_read"),
                                               ("reject", ("fetch", "http-404")), ("duplicate", "article_id"),
                                               ("validator", ("u", {"etag": "x"}))])
    assert counts == {"articles_read": 2} and reasons == [(("fetch", "http-404"), 1)]
    assert dups == [("article_id", 1)] and validators == [("u", {"etag": "x"})]

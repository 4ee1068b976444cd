"""Runs with nothing new are committed without starting Beam, with the manifest the pipeline would write."""
import datetime as dt
import json
import shutil

import pytest

from pipelines import batch
from tests.fixtures.growing_feed import GrowingFeed
from tests.fixtures.http_server import LoopbackServer, Reply
from transforms.fetch_types import FetchResult
from transforms.quiet_run import NotQuiet, SourceRead, article_ids, read_for_check, verdict
from transforms.run_days import day_of, find_published
from transforms.run_manifest import build_manifest
from transforms.sources.discover import SourceRef

NOW = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.timezone.utc)


def test_verdict_counts_every_article_read_as_deduplicated_by_id_and_the_books_balance():
    reads = [SourceRead([], unchanged=True, validator_update=("http://127.0.0.1/a", {"etag": '"1"'})),
             SourceRead([{}, {}])]
    quiet = verdict(reads, ["id1", "id2"], {"id1", "id2", "id3"})
    assert quiet.counts["sources"] == 2 and quiet.counts["sources_not_modified"] == 1
    assert quiet.counts["articles_read"] == quiet.counts["deduplicated"] == 2
    assert quiet.duplicates_by_key == [("article_id", 2)]
    assert quiet.validator_updates == [["http://127.0.0.1/a", {"etag": '"1"'}]]
    manifest = build_manifest(run_id="r", mode="batch", started_at=NOW, finished_at=NOW, inputs=[], options={},
                              counts=quiet.counts, rejects_by_reason=[], duplicates_by_key=quiet.duplicates_by_key,
                              files={}, datasets=("articles", "rejects"))
    assert manifest["balance"]["ok"] and manifest["datasets_without_rows"] == ["articles", "rejects"]


@pytest.mark.parametrize("ids, seen, why", [
    (["id1", "new"], {"id1"}, "new articles"),
    (["id1", "id1"], {"id1"}, "twice"),              # the pipeline writes a duplicates row for the copy
])
def test_a_new_or_repeated_id_means_the_pipeline_runs(ids, seen, why):
    with pytest.raises(NotQuiet, match=why):
        verdict([SourceRead([{}] * len(ids))], ids, seen)


def test_what_would_be_a_reject_means_the_pipeline_runs(tmp_path):
    def failed(uri):
        return FetchResult(url=uri, final_url=uri, error_reason="http-500")

    with pytest.raises(NotQuiet, match="http-500"):
        read_for_check(SourceRef("http://127.0.0.1/feed", "url"), failed, 1000)
    big = tmp_path / "big.txt"
    big.write_text("Title\n\n" + "word " * 500)
    with pytest.raises(NotQuiet, match="file-too-large"):
        read_for_check(SourceRef(str(big), "path"), None, 100)
    with pytest.raises(NotQuiet, match="empty-body"):
        article_ids([{"title": "A headline", "body": " ", "source_uri": "f"}], NOW)


def test_a_check_that_fails_leaves_the_run_to_the_pipeline(tmp_path, monkeypatch):
    from pipelines.options import parse_args
    from transforms import quiet_run
    from transforms.sources import read
    from transforms.sources.discover import InputPlan

    article = tmp_path / "a.txt"
    article.write_text("A headline\n\nThe council met on Tuesday and approved the budget.\n")
    config, _ = parse_args(["--input", str(article), "--output", str(tmp_path / "out")], "batch")

    def broken(*_args, **_kwargs):
        raise ValueError("a parser bug")

    monkeypatch.setattr(read, "parse_source_bytes", broken)
    plan = InputPlan([SourceRef(str(article), "path")], [])
    assert quiet_run.check(config, plan, [], {}, str(tmp_path / "out"), NOW) == (None, {})


def test_the_check_and_the_pipeline_read_a_source_with_one_function():
    """read_source: a feed whose body is rejected keeps its validators; the DoFn emits both, the check refuses."""
    import apache_beam as beam

    from transforms.sources.read import ReadSourceFn, read_source

    def not_a_feed(uri):
        return FetchResult(url=uri, final_url=uri, status=200, etag='"8"', body=b"\x00\x01\x02 binary")

    ref = SourceRef("http://127.0.0.1/feed", "url")
    read = read_source(ref, not_a_feed, 1000)
    assert read.error is not None and read.articles == [] and read.validator_update[1]["etag"] == '"8"'
    fn = ReadSourceFn(prefetched={ref.uri: not_a_feed(ref.uri)})
    outputs = {out.tag: out.value for out in fn.process(ref) if isinstance(out, beam.pvalue.TaggedOutput)}
    assert outputs["validators"] == read.validator_update
    assert (outputs["rejects"]["stage"], outputs["rejects"]["reason"]) == (read.error.stage, read.error.reason)
    with pytest.raises(NotQuiet, match=read.error.reason):
        read_for_check(ref, not_a_feed, 1000)


def test_a_304_is_an_unchanged_source_with_its_validators():
    def not_modified(uri):
        return FetchResult(url=uri, final_url=uri, status=304, not_modified=True, etag='"7"')

    read = read_for_check(SourceRef("http://127.0.0.1/feed", "url"), not_modified, 1000)
    assert read.unchanged and read.articles == [] and read.validator_update[1]["etag"] == '"7"'


def test_a_304_repeating_the_validators_sent_has_no_update_in_the_check_and_the_pipeline():
    """Nothing to journal or save: the validators the next request sends are those sent now."""
    import apache_beam as beam

    from transforms.sources.read import ReadSourceFn

    ref = SourceRef("http://127.0.0.1/feed", "url")
    sent = {ref.uri: {"etag": '"7"', "checked_at": "2026-12-03T12:00:00+00:00"}}

    def not_modified(uri):
        return FetchResult(url=uri, final_url=uri, status=304, not_modified=True, etag='"7"')

    read = read_for_check(ref, not_modified, 1000, sent)
    assert read.unchanged and read.validator_update is None
    fn = ReadSourceFn(validators=sent, prefetched={ref.uri: not_modified(ref.uri)})
    tags = [out.tag for out in fn.process(ref) if isinstance(out, beam.pvalue.TaggedOutput)]
    assert tags == ["unchanged"] and fn._validators == sent


@pytest.mark.slow
def test_runs_with_nothing_new_skip_beam_and_runs_with_something_new_do_not(tmp_path, seed_path, monkeypatch):
    """Three sources: a feed answering 304, a feed without validators listing only written items, a seed file."""
    out, inputs = tmp_path / "out", tmp_path / "in"
    inputs.mkdir()
    shutil.copy(seed_path, inputs / seed_path.name)
    feed = GrowingFeed(every_s=3600.0, initial=3)
    plain_items = 2  # other items than the first feed's: guids, links and texts of their own
    plain = (GrowingFeed(every_s=3600.0, initial=plain_items).body(plain_items)
             .replace(b"item-", b"plain-").replace(b"/news/", b"/plain/").replace(b"report number", b"notice"))

    def beam_must_not_start(*_args, **_kwargs):
        raise AssertionError("Beam started")

    def run(run_id):
        status = batch.run(["--input", server.url("/feed.xml"), "--input", server.url("/plain.xml"),
                            "--input", str(inputs), "--output", str(out), "--allow_host", "127.0.0.1",
                            "--run_id", run_id], save_main_session=False)
        assert status == 0
        return find_published(str(out), run_id)

    with LoopbackServer() as server:
        server.route("/feed.xml", feed)
        server.route("/plain.xml", lambda request: Reply(200, plain, {"Content-Type": "application/rss+xml"}))
        first = run("r1")
        assert first["balance"]["articles_written"] == 3 + plain_items + 1
        store = out / "_state" / "http_validators.json"
        store_inode = store.stat().st_ino

        with monkeypatch.context() as patched:
            patched.setattr(batch.beam, "Pipeline", beam_must_not_start)
            quiet = run("r2")
            assert quiet["counts"]["sources"] == 3 and quiet["counts"]["sources_not_modified"] == 1
            read = plain_items + 1
            assert quiet["balance"] == {"articles_read": read, "articles_written": 0, "deduplicated": read,
                                        "rejected_after_read": 0, "ok": True}
            assert quiet["duplicates_by_key"] == [{"key": "article_id", "count": read}]
            assert quiet["datasets_without_rows"] == ["articles", "duplicates", "entities", "quotes", "rejects"]
            # recorded in its day's record, not in a manifest of its own; _SUCCESS moves to it
            record = out / "_runs" / "days" / f"{day_of(quiet)}.json"
            assert not (out / "_runs" / "r2.json").exists() and (out / "_runs" / "r1.json").exists()
            assert json.loads((out / "_SUCCESS").read_text()) == {
                "run_id": "r2", "finished_at": quiet["finished_at"], "manifest": str(record)}
            assert json.loads(record.read_text())["totals"]["quiet_runs"] == 1
            # the 304 repeated the stored ETag: the store is not rewritten (a rewrite renames a new file over it)
            assert store.stat().st_ino == store_inode
            assert not (out / "_staging").exists()

            server.route("/feed.xml", GrowingFeed(every_s=3600.0, initial=4))   # one new item
            with pytest.raises(AssertionError, match="Beam started"):
                run("r3")
            assert not (out / "_runs" / "r3.json").exists() and not (out / "_staging").exists()

        requests_before = len(server.requests_to("/feed.xml"))
        last = run("r4")
        assert last["balance"]["articles_written"] == 1 and last["balance"]["ok"]
        assert len(server.requests_to("/feed.xml")) == requests_before + 1, "the check's response was reused"
    assert len(list(out.glob("articles/*/*.parquet"))) == 2

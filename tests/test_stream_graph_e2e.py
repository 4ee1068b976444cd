"""The streaming (Dataflow) graph as a job runs it: unbounded, windows committing, then a batch run on its output.

The graph runs in its own process on the direct runner with a live timer in place of
``PeriodicImpulse`` (``tests.fixtures.live_stream``), against a loopback feed that gains an
item every second, and is stopped by SIGINT (a drain: open windows commit).  The output
already had a seen-key index from an earlier batch run, so the scheduled batch run that
follows finds the stream's articles only if the windows recorded them in it.
"""
import json
import signal

import pytest

from pipelines import batch
from tests.fixtures.growing_feed import GrowingFeed
from tests.fixtures.http_server import LoopbackServer
from tests.fixtures.stream_process import StreamProcess, readable_rows, wait_until
from tests.test_stream_e2e import assert_nothing_partial, item_numbers

pytestmark = pytest.mark.slow


def batch_run(url, out, run_id):
    status = batch.run(["--input", url, "--output", str(out), "--allow_host", "127.0.0.1", "--http_timeout", "5",
                        "--run_id", run_id], save_main_session=False)
    assert status == 0
    return json.loads((out / "_runs" / f"{run_id}.json").read_text())["balance"]


def window_manifests(out):
    return [json.loads(p.read_text()) for p in out.glob("_runs/*.json") if p.stem.startswith("job-")]


def test_windows_record_their_articles_so_a_later_batch_run_writes_nothing_twice(tmp_path):
    out = tmp_path / "out"
    feed = GrowingFeed(every_s=1.0, initial=2)
    with LoopbackServer() as server:
        server.route("/feed.xml", feed)
        url = server.url("/feed.xml")
        earlier = batch_run(url, out, "batch-1")
        assert earlier["articles_written"] >= 2 and (out / "_state" / "seen" / "INDEX.json").exists()

        args = ["--input", url, "--output", str(out), "--allow_host", "127.0.0.1", "--http_timeout", "5",
                "--poll_interval", "1", "--window_seconds", "2", "--run_id", "job"]
        with StreamProcess(args, tmp_path / "stream.log", command=("tests.fixtures.live_stream",)) as job:
            wait_until(lambda: sum(m["balance"]["articles_written"] for m in window_manifests(out)) >= 2, job)
            status = job.interrupt(signal.SIGINT)
            log = job.log()
        assert status == 0, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
        streamed = item_numbers(readable_rows(out))
        assert streamed == list(range(1, len(streamed) + 1)), "the windows wrote every item once, after batch-1's"
        assert list((out / "_state" / "seen" / "journal").glob("job-*.json")), "each window recorded its keys"

        final = feed.freeze() + 2  # two more items while nothing runs, then a scheduled batch run
        server.route("/feed.xml", GrowingFeed(every_s=3600.0, initial=final))
        later = batch_run(url, out, "batch-2")

    assert (later["articles_read"], later["articles_written"], later["deduplicated"]) == (final, final - len(streamed),
                                                                                         len(streamed))
    assert item_numbers(readable_rows(out)) == list(range(1, final + 1)), "every item exactly once"
    assert list((out / "_state" / "seen" / "journal").glob("*")) == [], "folded into the shards by batch-2"
    assert_nothing_partial(out)

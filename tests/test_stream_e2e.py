"""``news-ingest stream`` as a user runs it: unbounded, against a feed that grows, stopped by a signal.

The feed is served on 127.0.0.1 by the loopback test server and gains an item every two
seconds.  The stream runs in its own process; the test reads the Parquet files a reader
would glob while it runs, stops it with SIGINT, then restarts it on the same DIR.
"""
import json
import re
import signal

import pytest

from pipelines import stream
from tests.fixtures.growing_feed import GrowingFeed
from tests.fixtures.http_server import LoopbackServer
from tests.fixtures.stream_process import StreamProcess, readable_rows, wait_until
from transforms.run_catalog import finished_runs

pytestmark = pytest.mark.slow

ITEM_URL = re.compile(r"/news/(\d+)$")


def item_numbers(rows) -> list[int]:
    return sorted(int(ITEM_URL.search(row["url"]).group(1)) for row in rows)


def stream_args(url, out):
    return ["--input", url, "--output", str(out), "--allow_host", "127.0.0.1",
            "--poll_interval", "2", "--window_seconds", "2", "--http_timeout", "5"]


def assert_nothing_partial(out):
    """Everything a reader globs is a whole Parquet file; no temporary or staging leftovers anywhere."""
    leftovers = [p for p in out.rglob("*") if p.is_file() and (
        ".tmp" in p.name or "beam-temp" in str(p) or "/_staging/" in str(p))]
    assert leftovers == []
    for dataset in ("articles", "entities", "quotes", "rejects"):
        readable_rows(out, dataset, columns=None)  # reads every file whole: raises on a partial one
    for run in finished_runs(str(out)):  # manifests and day records (polls that wrote nothing)
        assert run.manifest["balance"]["ok"], (run.run_id, run.manifest["balance"])


def test_stream_runs_until_sigint_and_a_restart_adds_only_new_items(tmp_path):
    out = tmp_path / "out"
    feed = GrowingFeed(every_s=2.0, initial=2)
    with LoopbackServer() as server:
        server.route("/feed.xml", feed)
        url = server.url("/feed.xml")

        with StreamProcess(stream_args(url, out), tmp_path / "first.log") as first:
            # Rows are readable while the job runs, including items that appeared after it started.
            wait_until(lambda: len(readable_rows(out)) >= 2, first)
            wait_until(lambda: max(item_numbers(readable_rows(out)), default=0) > 3, first)
            assert first.running
            status = first.interrupt(signal.SIGINT)
            log = first.log()
        assert status == 0, log[-3000:]
        assert "stopped by SIGINT" in log and "poll 1 (" in log

        before_restart = readable_rows(out)
        written = item_numbers(before_restart)
        assert written == list(range(1, len(written) + 1)), "every item up to the last poll, each exactly once"
        assert_nothing_partial(out)
        validators = json.loads((out / "_state" / "http_validators.json").read_text())["validators"]
        assert validators[url]["etag"].startswith('"n')

        final = feed.freeze() + 2  # two more items appear while the stream is down, then no more
        feed_while_down = GrowingFeed(every_s=3600.0, initial=final)
        server.route("/feed.xml", feed_while_down)
        requests_before = len(server.requests_to("/feed.xml"))

        with StreamProcess(stream_args(url, out), tmp_path / "second.log") as second:
            wait_until(lambda: item_numbers(readable_rows(out))[-1:] == [final], second)
            status = second.interrupt(signal.SIGTERM)
            log = second.log()
        assert status == 0, log[-3000:]

    rows = readable_rows(out)
    assert item_numbers(rows) == list(range(1, final + 1)), "the restart wrote only the new items, once each"
    new_rows = [row for row in rows if row not in before_restart]
    assert item_numbers(new_rows) == list(range(len(written) + 1, final + 1))
    assert not {row["run_id"] for row in new_rows} & {row["run_id"] for row in before_restart}
    assert_nothing_partial(out)
    # The restart's first request was conditional: it sent the ETag the first run saved last.
    restart_requests = server.requests_to("/feed.xml")[requests_before:]
    assert restart_requests[0].headers.get("if-none-match") == validators[url]["etag"]


def test_a_second_sigint_abandons_the_poll_in_flight_and_leaves_only_committed_polls(tmp_path):
    """Whether the second signal lands mid-poll or between polls, what stays is whole, committed polls."""
    out = tmp_path / "out"
    # 20 new items a second: while poll 1 loads spaCy, a few hundred appear, so poll 2 spends
    # seconds in the NLP, which is when the signals come.
    feed = GrowingFeed(every_s=0.05, initial=5)
    with LoopbackServer() as server:
        server.route("/feed.xml", feed)
        with StreamProcess(stream_args(server.url("/feed.xml"), out), tmp_path / "stream.log") as proc:
            wait_until(lambda: "poll 1 (" in proc.log(), proc, every_s=0.05)
            polled = len(server.requests_to("/feed.xml"))
            wait_until(lambda: len(server.requests_to("/feed.xml")) > polled, proc, every_s=0.05)  # poll 2 read it
            proc.proc.send_signal(signal.SIGINT)
            # Two signals sent at once reach a Python handler as one; the second follows the first's log line.
            wait_until(lambda: "no more polls" in proc.log(), proc, every_s=0.01)
            status = proc.interrupt(signal.SIGINT)
            log = proc.log()
    # Abandoned mid-poll (exit status 130, one line saying so, no traceback), or (on a loaded
    # machine) the poll had committed before the second signal came (exit status 0).
    abandoned = "stopped by a second SIGINT" in log
    assert status == (130 if abandoned else 0), log[-3000:]
    assert abandoned or "stopped by SIGINT" in log
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
    assert_nothing_partial(out)
    committed = {run.run_id for run in finished_runs(str(out))}
    for path in out.glob("*/*/*.parquet"):
        assert any(f"-{run_id}-" in path.name for run_id in committed), f"{path.name} belongs to no committed poll"
    numbers = item_numbers(readable_rows(out))
    assert numbers == sorted(set(numbers)), "no item twice"

    # The next start picks up cleanly: one poll reads what the abandoned poll had not committed.
    final = feed.freeze()
    with LoopbackServer() as server:
        server.route("/feed.xml", GrowingFeed(every_s=3600.0, initial=final))
        assert stream.run(stream_args(server.url("/feed.xml"), out) + ["--stop_after_polls", "1"],
                          save_main_session=False) == 0
    assert item_numbers(readable_rows(out)) == list(range(1, final + 1)), "every item exactly once"
    assert_nothing_partial(out)

"""Streaming latency: from an entry appearing in a feed to its row being readable in Parquet.

Serves a feed on 127.0.0.1 that gains an item every ``--every`` seconds, runs
``news-ingest stream`` on it as a child process (as a user would) for ``--duration``
seconds, and watches the output folder the way a reader does (``articles/*/*.parquet``,
every 0.1 s).  For each item: latency = first moment a reader sees its row - moment it
appeared in the feed.  Then SIGINT, and the exit status and the exactly-once check.

For comparison, in the same run and alternating with the stream's polls (so load from
other processes hits both), the bench does a "plain library" poll itself every poll
interval: HTTP GET + feedparser + one pyarrow Parquet write of the new entries, no Beam
and no NLP.  That is the floor a poll could cost; the stream's extra is Beam's per-run
start-up, dedup against DIR, spaCy and the commit.

The issue's target: latency <= poll interval + window + 15 s (locally one poll is one
window, so poll interval x 2 + 15 s).

    python -m bench.stream_latency [--poll 5] [--every 2] [--duration 60]
"""
from __future__ import annotations

import argparse
import platform
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures.growing_feed import GrowingFeed  # noqa: E402 (after the path set-up)
from tests.fixtures.http_server import LoopbackServer  # noqa: E402
from tests.fixtures.stream_process import StreamProcess, readable_rows, wait_until  # noqa: E402

ITEM = re.compile(r"/news/(\d+)$")
POLL_LINE = re.compile(r"readable in ([0-9.]+) s")


def plain_poll(url: str, out_dir: Path, seen: set[str]) -> float:
    """One poll without Beam: GET, parse, write the new entries as one Parquet file; returns seconds."""
    import feedparser
    import pyarrow as pa
    import pyarrow.parquet as pq
    import urllib3

    started = time.perf_counter()
    body = urllib3.PoolManager().request("GET", url).data
    entries = [e for e in feedparser.parse(body).entries if e.id not in seen]
    if entries:
        seen.update(e.id for e in entries)
        table = pa.Table.from_pylist([{"id": e.id, "title": e.title, "body": e.summary} for e in entries])
        pq.write_table(table, out_dir / f"part-{len(seen):06d}.parquet", compression="zstd")
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(poll: float, every: float, duration: float) -> dict:
    feed = GrowingFeed(every_s=every, initial=1)
    seen_at: dict[int, float] = {}
    plain_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="news-ingest-stream-bench-") as tmp, LoopbackServer() as server:
        tmp = Path(tmp)
        out, plain_out = tmp / "out", tmp / "plain"
        plain_out.mkdir()
        server.route("/feed.xml", feed)
        url = server.url("/feed.xml")
        args = ["--input", url, "--output", str(out), "--allow_host", "127.0.0.1",
                "--poll_interval", str(poll), "--window_seconds", str(int(poll))]
        stop_plain = threading.Event()

        def plain_loop():
            seen: set[str] = set()
            while not stop_plain.wait(poll):
                plain_times.append(plain_poll(url, plain_out, seen))

        with StreamProcess(args, tmp / "stream.log") as proc:
            wait_until(lambda: readable_rows(out), proc)      # first poll done (spaCy loaded)
            feed = GrowingFeed(every_s=every, initial=feed.count())
            server.route("/feed.xml", feed)                     # items from now on are timed
            first_timed = feed.count() + 1
            plain = threading.Thread(target=plain_loop, daemon=True)
            plain.start()
            end = time.monotonic() + duration
            while time.monotonic() < end:
                now = time.monotonic()
                for row in readable_rows(out, columns=("url",)):
                    seen_at.setdefault(int(ITEM.search(row["url"]).group(1)), now)
                time.sleep(0.1)
            stop_plain.set()
            last_listed = feed.freeze()
            status = proc.interrupt(signal.SIGINT)
            log = proc.log()
        rows = readable_rows(out, columns=("url",))
    numbers = sorted(int(ITEM.search(r["url"]).group(1)) for r in rows)
    # Items that appeared at least one target latency before the end must have been seen.
    target = poll * 2 + 15
    due = [n for n in range(first_timed, last_listed + 1) if feed.appeared_at(n) <= end - target]
    missed = [n for n in due if n not in seen_at]
    latencies = [seen_at[n] - feed.appeared_at(n) for n in range(first_timed, last_listed + 1) if n in seen_at]
    poll_times = [float(x) for x in POLL_LINE.findall(log)][1:]   # the first poll loads spaCy
    return {
        "poll_interval_s": poll, "item_every_s": every, "duration_s": duration,
        "exit_status": status, "exactly_once": numbers == list(range(1, len(numbers) + 1)),
        "items_timed": len(latencies), "items_listed": last_listed - first_timed + 1, "missed": missed,
        "latency_s": {"min": round(min(latencies), 2), "median": round(statistics.median(latencies), 2),
                      "p90": round(percentile(latencies, 0.9), 2), "max": round(max(latencies), 2)},
        "target_s": target,
        "poll_s": {"median": round(statistics.median(poll_times), 2), "max": round(max(poll_times), 2)},
        "plain_poll_s": {"median": round(statistics.median(plain_times), 3), "max": round(max(plain_times), 3)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--poll", type=float, default=5.0, help="--poll_interval of the stream (s)")
    parser.add_argument("--every", type=float, default=2.0, help="a new feed item every this many seconds")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of timed streaming")
    args = parser.parse_args(argv)
    result = run(args.poll, args.every, args.duration)
    lat = result["latency_s"]
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
          f"shared with other jobs")
    print(f"stream: --poll_interval {args.poll}, a feed item every {args.every} s, {args.duration:.0f} s timed")
    print(f"  latency (appeared in feed -> readable in Parquet), {result['items_timed']} of "
          f"{result['items_listed']} items: min {lat['min']} s, median {lat['median']} s, p90 {lat['p90']} s, "
          f"max {lat['max']} s (target <= {result['target_s']} s)")
    print(f"  poll run (read -> commit): median {result['poll_s']['median']} s, max {result['poll_s']['max']} s; "
          f"plain-library poll (GET + feedparser + pyarrow, no Beam/NLP): median "
          f"{result['plain_poll_s']['median']} s")
    print(f"  SIGINT exit status {result['exit_status']}, every item exactly once: {result['exactly_once']}, "
          f"items not readable within the target: {result['missed'] or 'none'}")
    ok = (result["exit_status"] == 0 and result["exactly_once"] and not result["missed"]
          and lat["max"] <= result["target_s"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

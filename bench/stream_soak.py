"""A streaming job that runs for days: does ``news-ingest stream`` grow in memory or open files per poll?

Runs ``news-ingest stream --poll_interval 1`` as a child process against a loopback feed that
gains an item every ``--every`` seconds and lists the newest ``--keep_last`` (so most polls
find nothing new and some run the pipeline), for ``--polls`` polls, and samples the process's resident memory (VmRSS) and
open file descriptors from ``/proc`` after every poll line.  Prints the samples at a few
points and the growth between the first and second half (a leak grows linearly with polls;
a cache that fills once does not).

    python -m bench.stream_soak [--polls 150] [--every 5] [--keep_last 20]
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures.growing_feed import GrowingFeed  # noqa: E402 (after the path set-up)
from tests.fixtures.http_server import LoopbackServer  # noqa: E402
from tests.fixtures.stream_process import StreamProcess, wait_until  # noqa: E402

POLL = re.compile(r"poll (\d+) \(")


def sample(pid: int) -> tuple[float, int]:
    """(resident MiB, open file descriptors) of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return rss_kib / 1024, len(os.listdir(f"/proc/{pid}/fd"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=150)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between new feed items")
    parser.add_argument("--keep_last", type=int, default=20, help="items the feed lists (the newest), as real feeds")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="stream-soak-"))
    samples: dict[int, tuple[float, int]] = {}
    feed = GrowingFeed(every_s=args.every, initial=2, keep_last=args.keep_last)
    started = time.monotonic()
    with LoopbackServer() as server:
        server.route("/feed.xml", feed)
        stream_args = ["--input", server.url("/feed.xml"), "--allow_host", "127.0.0.1", "--output", str(work / "out"),
                       "--poll_interval", "1"]
        with StreamProcess(stream_args, work / "stream.log") as proc:
            while len(samples) < args.polls:
                wait_until(lambda: len(POLL.findall(proc.log())) > len(samples), proc, every_s=0.05)
                polls = int(POLL.findall(proc.log())[-1])
                samples[polls] = sample(proc.proc.pid)
            status = proc.interrupt(signal.SIGINT)
    written = feed.freeze()
    minutes = (time.monotonic() - started) / 60
    points = sorted(samples)
    print(f"{len(points)} polls in {minutes:.1f} min, feed grew to {written} items, exit status {status}")
    print("| poll | RSS MiB | open fds |")
    print("|---|---|---|")
    for poll in (points[0], *points[len(points) // 4::len(points) // 4]):
        rss, fds = samples[poll]
        print(f"| {poll} | {rss:.0f} | {fds} |")
    half = len(points) // 2
    first = [samples[p] for p in points[1:half]]  # poll 1 loads spaCy: not part of the steady state
    second = [samples[p] for p in points[half:]]
    print(f"median RSS first half {statistics.median(r for r, _ in first):.0f} MiB, second half "
          f"{statistics.median(r for r, _ in second):.0f} MiB; fds max first half {max(f for _, f in first)}, "
          f"second half {max(f for _, f in second)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

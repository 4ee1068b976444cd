"""Runs with nothing new: what a no-op scheduled batch run and a no-op streaming poll cost.

A 15-minute schedule or a streaming job spends most of its runs finding nothing new. This
measures, as child processes (as cron or a user runs them):

* **batch rerun**: ``news-ingest batch --input seeds`` on an output that already holds the
  seed article (wall seconds of the whole command);
* **no-op polls**: ``news-ingest stream --stop_after_polls 3 --poll_interval 0.1`` on an output
  that already holds two loopback feeds' items, one feed answering 304 (ETag), one without
  validators listing only written items: each poll's "readable in" seconds, and the command's
  wall seconds.

``--before PATH`` names another checkout's ``news-ingest`` (e.g. main before a change); the
two are run alternately, ``--repeat`` times, so load from other processes hits both alike.
The floor, in the same run: one plain poll without news-ingest (GET of both feeds +
feedparser, in this process).

    python -m bench.quiet_runs [--before ../main/.venv/bin/news-ingest] [--repeat 3]
"""
from __future__ import annotations

import argparse
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures.growing_feed import GrowingFeed  # noqa: E402 (after the path set-up)
from tests.fixtures.http_server import LoopbackServer, Reply  # noqa: E402

POLL_LINE = re.compile(r"poll (\d+) \(.*readable in ([0-9.]+) s")
THIS = str(REPO / ".venv" / "bin" / "news-ingest")


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started, proc.stderr


def plain_poll(urls: list[str]) -> float:
    import feedparser
    import urllib3

    started = time.perf_counter()
    pool = urllib3.PoolManager()
    for url in urls:
        feedparser.parse(pool.request("GET", url).data)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another checkout's news-ingest, run alternately with this one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    commands = {"this checkout": THIS}
    if args.before:
        commands = {"before": args.before, **commands}
    work = Path(tempfile.mkdtemp(prefix="quiet-runs-"))
    feed = GrowingFeed(every_s=3600.0, initial=5)
    plain = (GrowingFeed(every_s=3600.0, initial=5).body(5)
             .replace(b"item-", b"plain-").replace(b"/news/", b"/plain/").replace(b"report number", b"notice"))
    batch_s = {name: [] for name in commands}
    poll_s = {name: [] for name in commands}
    stream_s = {name: [] for name in commands}
    floor = []
    try:
        with LoopbackServer() as server:
            server.route("/etag.xml", feed)
            server.route("/plain.xml", lambda request: Reply(200, plain, {"Content-Type": "application/rss+xml"}))
            urls = [server.url("/etag.xml"), server.url("/plain.xml")]
            feeds = [arg for url in urls for arg in ("--input", url)] + ["--allow_host", "127.0.0.1"]
            timed([THIS, "batch", "--input", "seeds", "--output", str(work / "seeded")])
            timed([THIS, "stream", *feeds, "--output", str(work / "polled"), "--stop_after_polls", "1"])
            for _ in range(args.repeat):
                for name, command in commands.items():
                    out = work / "run"
                    shutil.rmtree(out, ignore_errors=True)
                    shutil.copytree(work / "seeded", out)
                    batch_s[name].append(timed([command, "batch", "--input", "seeds", "--output", str(out)])[0])
                    shutil.rmtree(out)
                    shutil.copytree(work / "polled", out)
                    wall, log = timed([command, "stream", *feeds, "--output", str(out), "--stop_after_polls", "3",
                                       "--poll_interval", "0.1"])
                    stream_s[name].append(wall)
                    poll_s[name] += [float(seconds) for _poll, seconds in POLL_LINE.findall(log)]
                    floor.append(plain_poll(urls))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}; "
          f"{args.repeat} alternating repeats; medians")
    print("| news-ingest | no-op batch rerun, wall s | no-op poll, readable in s | 3 no-op polls, wall s |")
    print("|---|---|---|---|")
    for name in commands:
        print(f"| {name} | {statistics.median(batch_s[name]):.2f} | {statistics.median(poll_s[name]):.2f} "
              f"(n={len(poll_s[name])}) | {statistics.median(stream_s[name]):.2f} |")
    print(f"plain poll floor (GET both feeds + feedparser, in-process): {statistics.median(floor) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

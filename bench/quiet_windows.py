"""Files a day of Dataflow streaming windows that find nothing new leaves under ``_runs/`` and ``_state/``.

Commits ``--windows`` quiet panes (default 288: a day of 300 s windows) the way a Dataflow
worker does (``stream_sink.CommitWindowFn``, in this process, no lock): each polled one
feed that answered 304 repeating the ETag the job sent (read by ``ReadSourceFn``, whose
validator update, if any, the pane carries), so it has no article, no file to write, and
balanced books.  Counts the files under ``_runs/`` and ``_state/`` after the day,
then after the daily ``news-ingest compact --keep_days 30`` folding
(``pipelines.compact.fold_records``), and checks that every window's counts are still
found (``run_catalog``: windows and summed ``sources``).  Run it in two checkouts for a
before/after.

    python -m bench.quiet_windows [--windows 288]
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def count_files(out: Path) -> dict[str, int]:
    return {folder: sum(1 for p in (out / folder).rglob("*") if p.is_file()) if (out / folder).exists() else 0
            for folder in ("_runs", "_state")}


FEEDS = [f"http://127.0.0.1/feed/{n}" for n in range(7)]
# What the job read from _state at its start and sends with each poll (If-None-Match).
KNOWN = {url: {"etag": '"unchanged"', "checked_at": "2026-12-02T23:55:00+00:00"} for url in FEEDS}


def quiet_pane(start: int) -> list:
    """A window's pane: it polled one feed, which answered 304, read by the pipeline's ``ReadSourceFn``."""
    import apache_beam as beam

    from transforms.fetch import FetchResult
    from transforms.sources.discover import SourceRef
    from transforms.sources.read import VALIDATORS, ReadSourceFn

    url = FEEDS[start % len(FEEDS)]
    answer = FetchResult(url=url, final_url=url, status=304, not_modified=True, etag='"unchanged"', attempts=1)
    read = ReadSourceFn(validators=KNOWN, prefetched={url: answer})
    updates = [out.value for out in read.process(SourceRef(url, "url"))
               if isinstance(out, beam.pvalue.TaggedOutput) and out.tag == VALIDATORS]
    return [("validator", update) for update in updates] + [("count", "sources"), ("count", "sources_not_modified")]


def main(argv=None) -> int:
    from apache_beam.transforms import window
    from apache_beam.utils.windowed_value import PaneInfo, PaneInfoTiming

    from pipelines.compact import fold_records
    from transforms.run_catalog import finished_runs
    from transforms.run_manifest import COUNTED
    from transforms.stream_sink import CommitWindowFn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=288)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "out"
        fn = CommitWindowFn(str(out), "job", COUNTED, ("articles", "rejects"), {}, [])
        day = int(dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc).timestamp())
        pane = PaneInfo(True, True, PaneInfoTiming.ON_TIME, 0, 0)
        started = time.perf_counter()
        for n in range(args.windows):
            start = day + 300 * n
            list(fn.process(("window", quiet_pane(start)), win=window.IntervalWindow(start, start + 300), pane=pane))
        seconds = time.perf_counter() - started
        after_day = count_files(out)
        fold_records(str(out), dt.datetime(2026, 12, 4, 0, 20, tzinfo=dt.timezone.utc), 30, "compact-bench")
        after_fold = count_files(out)
        runs = finished_runs(str(out))
        sources = sum(run.manifest["counts"]["sources"] for run in runs)
    print(f"{platform.node()} ({platform.machine()}, Python {platform.python_version()}): "
          f"{args.windows} quiet windows committed in {seconds:.1f} s ({seconds / args.windows * 1000:.0f} ms each)")
    print(f"files after the day:          _runs {after_day['_runs']:5d}   _state {after_day['_state']:5d}")
    print(f"files after compact's folding: _runs {after_fold['_runs']:5d}   _state {after_fold['_state']:5d}")
    print(f"windows the run catalog finds: {len(runs)}, sources counted: {sources} (of {args.windows})")
    return 0 if len(runs) == args.windows and sources == args.windows else 1


if __name__ == "__main__":
    raise SystemExit(main())

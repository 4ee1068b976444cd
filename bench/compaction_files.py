"""What ``news-ingest compact`` buys a reader: one query over a week of 15-minute runs.

    python -m bench.compaction_files [--days 7] [--runs_per_day 96] [--rows 40] [--repeats 5]

Synthesises the entities dataset of ``days`` x ``runs_per_day`` runs (one small file per
run, the pipeline's schema and codec), copies it, compacts the copy, then times the same
DuckDB query (top entities over the glob readers use) on both folders, alternating, so
load from other processes on a shared machine hits both alike.  Prints file counts, the
compaction's time and the median query times with their ratio.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from schemas import schema_for
from transforms.compaction import compact
from transforms.storage import write_parquet_atomic

QUERY = """SELECT name, label, sum(mentions) AS mentions, count(DISTINCT article_id) AS articles
FROM read_parquet('{root}/entities/*/*.parquet', hive_partitioning = true)
GROUP BY name, label ORDER BY mentions DESC, name LIMIT 10"""
NAMES = ["Vladimir Putin", "Ministry of Defence", "London", "Wales", "Rishi Sunak", "NHS", "Ukraine", "BBC"]


def synthesise(root: Path, days: int, runs_per_day: int, rows: int) -> int:
    schema = schema_for("entities")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    files = 0
    for day in range(days):
        for run in range(runs_per_day):
            stamp = start + dt.timedelta(days=day, minutes=15 * run)
            run_id = f"{stamp:%Y%m%dT%H%M%SZ}-bench"
            table = pa.Table.from_pylist([{
                "article_id": f"{day:03d}{run:03d}{i // 8:04d}", "name": NAMES[i % len(NAMES)], "label": "PERSON",
                "mentions": 1 + i % 5, "forms": [NAMES[i % len(NAMES)]], "first_char": i, "country_code": None,
                "geo_type": None, "published_at": stamp, "source_name": "bench", "run_id": run_id,
            } for i in range(rows)], schema=schema)
            write_parquet_atomic(str(root / "entities" / f"ingest_date={stamp.date()}"
                                     / f"part-{stamp:%Y%m%dT%H%M%SZ}-{run_id}-00000.parquet"), table)
            files += 1
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compaction_files", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--runs_per_day", type=int, default=96)
    parser.add_argument("--rows", type=int, default=40, help="entity rows per run")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    import duckdb

    with tempfile.TemporaryDirectory(prefix="bench-compact-") as tmp:
        small, compacted = Path(tmp) / "small", Path(tmp) / "compacted"
        files = synthesise(small, args.days, args.runs_per_day, args.rows)
        shutil.copytree(small, compacted)
        began = time.perf_counter()
        manifest = compact(str(compacted), dt.date(2100, 1, 1), dt.datetime.now(dt.timezone.utc))
        compact_s = time.perf_counter() - began
        after = len(list(compacted.glob("entities/*/*.parquet")))
        timings: dict[str, list[float]] = {"small": [], "compacted": []}
        results = {}
        for _ in range(args.repeats):
            for label, root in (("small", small), ("compacted", compacted)):
                con = duckdb.connect()
                began = time.perf_counter()
                results[label] = con.execute(QUERY.format(root=root)).fetchall()
                timings[label].append(time.perf_counter() - began)
                con.close()
        if results["small"] != results["compacted"]:
            print("compacted folder answers differently", file=sys.stderr)
            return 1
    small_s, compacted_s = (statistics.median(timings[k]) for k in ("small", "compacted"))
    print(f"{args.days} days x {args.runs_per_day} runs: {files} files -> {after} after compaction "
          f"({manifest['counts']['rows']} rows, compaction {compact_s:.2f} s)")
    print(f"top-entities query, median of {args.repeats} alternating: {small_s * 1000:.0f} ms on {files} files, "
          f"{compacted_s * 1000:.0f} ms on {after} files ({small_s / compacted_s:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

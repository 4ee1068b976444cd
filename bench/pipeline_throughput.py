"""Batch pipeline throughput and memory on real articles.

Runs ``news-ingest batch`` as a child process (as a scheduled job would) over the 150
BBC articles of the corpus (or any --input), once per worker setting, each into a fresh
output directory, and reports wall time, articles per second and the peak resident
memory of the run (the largest of the launcher and its worker processes, Linux
``ru_maxrss`` of the children of a wrapper process).

    python -m bench.pipeline_throughput [--input DIR] [--workers 1 2] [--repeat 1]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("NEWS_INGEST_CORPUS", REPO.parent / "shared" / "corpus"))


def run_once(input_dir: Path, workers: int) -> dict:
    """One batch run in a child process; returns timings, counts and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="news-ingest-bench-") as out:
        argv = [sys.executable, "-m", "pipelines.cli", "batch", "--input", str(input_dir), "--output", out,
                "--run_id", "bench", "--log_level", "WARNING"]
        if workers > 1:
            argv += ["--direct_num_workers", str(workers), "--direct_running_mode", "multi_processing"]
        # A small wrapper process runs the job and reports RUSAGE_CHILDREN: the peak RSS of the
        # largest of the launcher and its SDK worker processes, for this run alone.
        wrapper = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
                   "sys.exit(code)")
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", wrapper, *argv], cwd=REPO, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"batch run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        peak_kib = int(proc.stderr.strip().splitlines()[-1])
        manifest = json.loads((Path(out) / "_runs" / "bench.json").read_text())
    written = manifest["balance"]["articles_written"]
    dropped = {"deduplicated": manifest["balance"]["deduplicated"],
               "rejected": manifest["counts"]["rejects_written"]}
    return {"workers": workers, "wall_s": round(elapsed, 2), "articles": written,
            "articles_per_s": round(written / elapsed, 2), "pipeline_s": manifest["duration_s"],
            "peak_rss_mib": round(peak_kib / 1024, 1), "balance_ok": manifest["balance"]["ok"], **dropped}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_CORPUS / "text" / "bbc")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if not args.input.exists():
        print(f"SKIPPED: {args.input} not found (set NEWS_INGEST_CORPUS or pass --input)")
        return 0
    results = [run_once(args.input, workers) for workers in args.workers]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {args.input}")
    print(f"{'workers':>7} {'wall s':>8} {'written':>8} {'dedup':>6} {'rejects':>7} {'art/s':>7} "
          f"{'pipeline s':>10} {'peak RSS MiB':>12}")
    for r in results:
        print(f"{r['workers']:>7} {r['wall_s']:>8} {r['articles']:>8} {r['deduplicated']:>6} {r['rejected']:>7} "
              f"{r['articles_per_s']:>7} {r['pipeline_s']:>10} {r['peak_rss_mib']:>12}")
    return 0 if all(r["balance_ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

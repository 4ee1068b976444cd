"""Where a one-worker batch run's memory goes: resident size over time, marked by stage.

Runs ``news-ingest batch`` in this process (one worker: the in-process runner, as
``bench.pipeline_throughput`` measures it) over the 150 BBC articles or N copies of them,
samples the resident size every 0.25 s and marks the start and end of every NLP batch and
every written file, then prints: the level after each NLP batch (what stays between
batches), the peak of each batch, the write stage's peak and the run's.  Growth of the
level with the number of articles is what a run holds per article; growth of the batch
peaks on a flat level is spaCy's working memory.

    python -m bench.memory_timeline [--sizes 150 1500] [--json FILE]

Issue 10, round 4 (docs/benchmarks.md) used it to find what grew from 150 to 1,500 articles.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.pipeline_throughput import DEFAULT_CORPUS, make_copies

_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * _PAGE / 2**20


def summarise(samples: list[tuple[float, float]], marks: list[tuple[float, str, float]]) -> dict:
    """Levels after NLP batches, peaks per batch, write-stage and run peaks (MiB) from
    (time, MiB) samples and (time, event, MiB) marks."""
    def peak(start, end):
        inside = [mib for t, mib in samples if start <= t < end]
        return round(max(inside)) if inside else None

    batch_starts = [t for t, event, _ in marks if event == "nlp_start"]
    batch_ends = [t for t, event, _ in marks if event == "nlp_end"]
    writes = [t for t, event, _ in marks if event == "write_start"]
    return {
        # Read as each batch ends: the next one starts at once, so a later sample is inside it.
        "levels_after_nlp_batches": [round(mib) for _, event, mib in marks if event == "nlp_end"],
        "nlp_batch_peaks": [peak(start, end) for start, end in zip(batch_starts, batch_ends)],
        "write_stage_peak": peak(writes[0], float("inf")) if writes else None,
        "run_peak": round(max(mib for _, mib in samples)),
    }


def measure(input_dir: Path) -> dict:
    """One in-process run over ``input_dir``; the summary of its timeline."""
    from pipelines import cli
    from transforms import sinks
    from transforms.nlp import enrich

    samples, marks, stop = [], [], threading.Event()
    started = time.monotonic()

    def mark(event):
        marks.append((time.monotonic() - started, event, resident_mib()))

    def sample():
        while not stop.is_set():
            samples.append((time.monotonic() - started, resident_mib()))
            stop.wait(0.25)

    real_enrich, real_write = enrich.EnrichBatchFn.process, sinks._WriteGroupFn.process

    def enrich_process(self, batch):
        mark("nlp_start")
        yield from real_enrich(self, batch)
        mark("nlp_end")

    def write_process(self, element, *args, **kwargs):
        mark("write_start")
        yield from real_write(self, element, *args, **kwargs)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    enrich.EnrichBatchFn.process, sinks._WriteGroupFn.process = enrich_process, write_process
    try:
        with tempfile.TemporaryDirectory(prefix="news-ingest-memory-") as out:
            cli.main(["batch", "--input", str(input_dir), "--output", out, "--run_id", "memory",
                      "--log_level", "WARNING"])
    finally:
        enrich.EnrichBatchFn.process, sinks._WriteGroupFn.process = real_enrich, real_write
        stop.set()
        sampler.join()
    return summarise(samples, marks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_CORPUS / "text" / "bbc")
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1500])
    parser.add_argument("--json", type=Path, default=None, help="also write the summaries here")
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)  # one run, JSON out
    args = parser.parse_args(argv)
    if args.single:
        print(json.dumps(measure(args.input)))
        return 0
    if not args.input.exists():
        print(f"SKIPPED: {args.input} not found (set NEWS_INGEST_CORPUS or pass --input)")
        return 0
    base = sum(1 for p in args.input.rglob("*") if p.is_file() and not p.name.startswith("."))
    results = {}
    with tempfile.TemporaryDirectory(prefix="news-ingest-memory-in-") as tmp:
        for size in args.sizes:
            folder = args.input if size == base else Path(tmp) / str(size)
            if size != base:
                make_copies(args.input, max(1, size // base), folder)
            # A fresh process per size: a second run in the same one would start from the first's heap.
            child = subprocess.run([sys.executable, "-m", "bench.memory_timeline", "--single", "--input", str(folder)],
                                   capture_output=True, text=True, check=True)
            results[size] = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"{size} articles: {json.dumps(results[size])}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

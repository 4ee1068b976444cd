"""``make bench``: every benchmark and evaluation, one after the other.

Results go to stdout; the figures recorded in docs/benchmarks.md come from this command.
Each benchmark skips with a message when the corpus it needs is absent.
"""
from __future__ import annotations

import sys

from bench import (compaction_files, eval_nlp, html_f1, near_dup_threshold, pipeline_throughput, quiet_runs,
                   quiet_windows, run_records, seen_index_history, stream_latency, stream_soak)

STEPS = [
    ("HTML main-text extraction, token F1 (target >= 0.96)", html_f1.main, ["--quiet"]),
    ("NLP quality on the development gold set", eval_nlp.main, []),
    ("NLP quality on the held-out gold set", eval_nlp.main, ["--gold", "tests/gold/bbc_heldout.json"]),
    ("NLP quality on the modern-news development sets", eval_nlp.main,
     ["--gold", *(str(path) for path in eval_nlp.MODERN_DEV_GOLDS if path.exists())]),
    ("Batch pipeline throughput and memory", pipeline_throughput.main, []),
    ("Reading a week of 15-minute runs, before and after news-ingest compact", compaction_files.main, []),
    ("Near-duplicate threshold on the BBC texts (no false positives, edited copies found)",
     near_dup_threshold.main, []),
    ("Deduplication cost against 1-3,000 earlier runs", seen_index_history.main, ["--end_to_end"]),
    ("Streaming latency (feed entry -> readable Parquet)", stream_latency.main, []),
    ("Runs with nothing new: a no-op batch rerun and no-op streaming polls", quiet_runs.main, []),
    ("Files a year of 15-minute runs leaves under _runs/ and _state/", run_records.main, []),
    ("Files a day of quiet Dataflow streaming windows leaves under _runs/ and _state/", quiet_windows.main, []),
    ("A stream over 150 polls: memory and open files", stream_soak.main, []),
]


def main() -> int:
    failures = []
    for title, step, argv in STEPS:
        print(f"\n=== {title}", flush=True)
        status = step(argv)
        if status:
            failures.append(title)
    if failures:
        print("\nbelow target: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

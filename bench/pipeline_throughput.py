"""Batch pipeline throughput and memory, side by side with plain spaCy in the same run.

For each input size (the 150 BBC articles, and the same corpus x10 with every copy's text
and so its ids varied: 1,500 articles) and each worker count (1, and 2 with
``--direct_running_mode multi_processing``), this runs, alternately and as child
processes timed from start to exit:

- ``news-ingest batch`` into a fresh output directory, and
- the plain-library baseline ``bench.raw_spacy`` (``spacy.load`` + ``nlp.pipe(batch_size=32)``,
  ``n_process`` = the worker count) over the same files,

``--repeat`` times, and reports the medians and the ratio pipeline articles/s ÷ spaCy
articles/s, which cancels most of the load other jobs put on a shared machine.  Peak
resident memory (Linux ``VmHWM``) is read per process from /proc while the run goes on:
the launcher and each SDK worker process.

    python -m bench.pipeline_throughput [--sizes 150 1500] [--workers 1 2] [--repeat 2]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("NEWS_INGEST_CORPUS", REPO.parent / "shared" / "corpus"))
# Targets of issue 10: (size, workers) -> least pipeline/spaCy throughput ratio.
TARGETS = {(150, 1): 0.8, (150, 2): 0.75, (1500, 1): 0.9, (1500, 2): 0.85}
RSS_LIMIT_MIB = 700


def make_copies(source: Path, copies: int, into: Path) -> int:
    """``copies`` copies of every file under ``source``, each copy's text made unique (and so its ids)."""
    count = 0
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    for k in range(copies):
        for i, path in enumerate(files):
            target = into / f"copy{k:02d}" / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
            # A one-line note varies the body, so neither the id nor the content hash repeats.
            target.write_text(f"{text}\n\nBenchmark copy {k} of item {i}.\n", encoding="utf-8")
            count += 1
    return count


def _children(pid: int) -> list[int]:
    # Per thread: Beam starts its SDK worker processes from a runner thread, not the main one.
    children = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                children.extend(int(p) for p in handle.read().split())
        except OSError:
            continue
    return children


def _peak_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_measured(argv: list[str], env: dict | None = None) -> tuple[float, list[int], str]:
    """Run ``argv``; (wall seconds, peak RSS KiB per process of its tree, stderr tail)."""
    peaks: dict[int, int] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    stderr_lines: list[str] = []
    reader = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True)
    reader.start()
    while proc.poll() is None:
        tree, todo = [], [proc.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(_children(pid))
        for pid in tree:
            peak = _peak_kib(pid)
            if peak:
                peaks[pid] = max(peaks.get(pid, 0), peak)
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    reader.join(timeout=5)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:4]} failed ({proc.returncode}):\n{''.join(stderr_lines)[-3000:]}")
    # The bench's own wrapper-free tree: drop tiny helper processes (shells) from the list.
    return elapsed, sorted((kib for kib in peaks.values() if kib > 50_000), reverse=True), "".join(stderr_lines)


def pipeline_argv(input_dir: Path, out: str, workers: int) -> list[str]:
    argv = [sys.executable, "-m", "pipelines.cli", "batch", "--input", str(input_dir), "--output", out,
            "--run_id", "bench", "--log_level", "WARNING"]
    if workers > 1:
        argv += ["--direct_num_workers", str(workers), "--direct_running_mode", "multi_processing"]
    return argv


def run_pipeline(input_dir: Path, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="news-ingest-bench-") as out:
        wall, peaks, _ = run_measured(pipeline_argv(input_dir, out, workers))
        manifest = json.loads((Path(out) / "_runs" / "bench.json").read_text())
    return {"wall_s": wall, "peaks_kib": peaks, "written": manifest["balance"]["articles_written"],
            "read": manifest["balance"]["articles_read"], "balance_ok": manifest["balance"]["ok"]}


def run_raw(input_dir: Path, workers: int) -> dict:
    wall, peaks, _ = run_measured([sys.executable, "-m", "bench.raw_spacy", "--input", str(input_dir),
                                   "--n_process", str(workers)])
    return {"wall_s": wall, "peaks_kib": peaks}


def measure(inputs: dict[int, Path], workers_list: list[int], repeat: int, log=print) -> list[dict]:
    """Alternate pipeline and spaCy runs for every (size, workers); medians and ratios."""
    results = []
    for size, folder in inputs.items():
        for workers in workers_list:
            pipeline_runs, raw_runs = [], []
            for rep in range(repeat):
                # Alternate which goes first, so a change in machine load hits both alike.
                order = [("pipeline", run_pipeline), ("raw", run_raw)]
                for name, fn in (order if rep % 2 == 0 else order[::-1]):
                    run = fn(folder, workers)
                    (pipeline_runs if name == "pipeline" else raw_runs).append(run)
                    log(f"  {size} articles, {workers} worker(s), {name}: {run['wall_s']:.1f} s")
            pipe_s = statistics.median(r["wall_s"] for r in pipeline_runs)
            raw_s = statistics.median(r["wall_s"] for r in raw_runs)
            worker_peaks = [max(r["peaks_kib"][i] for r in pipeline_runs if len(r["peaks_kib"]) > i)
                            for i in range(max(len(r["peaks_kib"]) for r in pipeline_runs))]
            results.append({
                "articles": size, "workers": workers, "pipeline_s": round(pipe_s, 1), "spacy_s": round(raw_s, 1),
                "pipeline_per_s": round(size / pipe_s, 2), "spacy_per_s": round(size / raw_s, 2),
                "ratio": round(raw_s / pipe_s, 2), "target": TARGETS.get((size, workers)),
                "written": pipeline_runs[0]["written"], "balance_ok": all(r["balance_ok"] for r in pipeline_runs),
                "pipeline_peak_rss_mib": [round(k / 1024) for k in worker_peaks],
                "spacy_peak_rss_mib": round(max(max(r["peaks_kib"]) for r in raw_runs) / 1024),
                "runs": repeat,
            })
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_CORPUS / "text" / "bbc")
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1500],
                        help="150 = the input as is; a multiple of it = that many copies")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if not args.input.exists():
        print(f"SKIPPED: {args.input} not found (set NEWS_INGEST_CORPUS or pass --input)")
        return 0
    base = sum(1 for p in args.input.rglob("*") if p.is_file() and not p.name.startswith("."))
    with tempfile.TemporaryDirectory(prefix="news-ingest-bench-in-") as tmp:
        inputs = {}
        for size in args.sizes:
            if size == base:
                inputs[size] = args.input
            else:
                inputs[size] = Path(tmp) / str(size)
                made = make_copies(args.input, max(1, size // base), inputs[size])
                if made != size:
                    parser.error(f"--sizes must be multiples of {base} (the input's file count), got {size}")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}")
        print(f"input: {args.input}; medians of {args.repeat} alternating runs")
        results = measure(inputs, args.workers, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'articles':>8} {'workers':>7} {'pipeline s':>10} {'spaCy s':>8} {'art/s':>6} {'spaCy art/s':>11} "
              f"{'ratio':>6} {'target':>6}  peak RSS MiB (pipeline procs | spaCy)")
        for r in results:
            print(f"{r['articles']:>8} {r['workers']:>7} {r['pipeline_s']:>10} {r['spacy_s']:>8} "
                  f"{r['pipeline_per_s']:>6} {r['spacy_per_s']:>11} {r['ratio']:>6} {str(r['target'] or '-'):>6}  "
                  f"{r['pipeline_peak_rss_mib']} | {r['spacy_peak_rss_mib']}")
    below = [r for r in results if r["target"] and r["ratio"] < r["target"]]
    heavy = [r for r in results if max(r["pipeline_peak_rss_mib"]) > RSS_LIMIT_MIB]
    for r in below:
        print(f"below target: {r['articles']} articles, {r['workers']} worker(s): {r['ratio']} < {r['target']}")
    for r in heavy:
        print(f"over {RSS_LIMIT_MIB} MiB: {r['articles']} articles, {r['workers']} worker(s)")
    return 0 if all(r["balance_ok"] for r in results) and not below and not heavy else 1


if __name__ == "__main__":
    sys.exit(main())

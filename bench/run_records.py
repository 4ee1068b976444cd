"""Files a year of 15-minute runs leaves under ``_runs/`` and ``_state/``, measured on real runs.

A year at a 15-minute schedule is 35,040 runs; running them all would take a day, so this
runs ``--runs`` real no-op batch runs (``news-ingest batch --input seeds`` on an output
that already holds the seed article, as cron runs it) with each checkout, alternately,
counts the files and bytes each adds under ``_runs/`` and ``_state/`` (seen-key index,
validators, lock), and extrapolates linearly to a year.  ``--before PATH`` names another
checkout's ``news-ingest`` (e.g. main before a change).

For runs that do write something, the manifests stay one per run until
``news-ingest compact --keep_days N`` folds them into day records: the second table
folds a day of 96 copies of a real manifest (distinct run ids) into a day record, as
compact does, and gives the steady state of ``_runs/`` after a year.

    python -m bench.run_records [--before ../main/.venv/bin/news-ingest] [--runs 8]
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

THIS = str(REPO / ".venv" / "bin" / "news-ingest")
RUNS_A_YEAR = 365 * 96


def tree(folder: Path) -> tuple[int, int]:
    """(files, bytes) under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    return len(files), sum(p.stat().st_size for p in files)


def measure(out: Path) -> dict[str, tuple[int, int]]:
    return {"_runs": tree(out / "_runs"), "_runs/days": tree(out / "_runs" / "days"), "_state": tree(out / "_state"),
            "_state/seen": tree(out / "_state" / "seen")}


def a_year(first: dict, last: dict, runs: int) -> dict[str, tuple[float, float]]:
    """(files, bytes) per folder after a year: per-run files grow with runs, day records with days.

    The measured runs all finish on one day (checked), so each day record they added is
    one of a year's 365; every other new file is one of 35,040 runs' files.
    """
    year = {}
    for folder in ("_runs", "_state", "_state/seen"):
        (f0, b0), (f1, b1) = first[folder], last[folder]
        day_files = last["_runs/days"][0] - first["_runs/days"][0] if folder == "_runs" else 0
        per_run = (f1 - f0 - day_files) / runs
        year[folder] = (f0 + per_run * RUNS_A_YEAR + day_files * 365, b0 + (b1 - b0) / runs * RUNS_A_YEAR)
    return year


def run(command: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started


def fold_a_day(manifest: dict, work: Path) -> tuple[int, int, float]:
    """(bytes of 96 manifests, bytes of their day record, seconds to fold them) for one real manifest."""
    from transforms import run_days

    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    manifests = []
    for n in range(96):
        m = copy.deepcopy(manifest)
        finished = start + dt.timedelta(minutes=15 * n, seconds=5)
        m["run_id"] = f"{finished:%Y%m%dT%H%M%SZ}-{n:06x}"
        m["options"]["run_id"] = m["run_id"]
        m["started_at"], m["finished_at"] = (finished - dt.timedelta(seconds=3)).isoformat(), finished.isoformat()
        manifests.append(m)
    folder = work / "fold" / "_runs"
    folder.mkdir(parents=True)
    for m in manifests:
        (folder / f"{m['run_id']}.json").write_text(json.dumps(m, indent=2))
        os.utime(folder / f"{m['run_id']}.json", (start.timestamp() + 86000, start.timestamp() + 86000))
    before = sum(p.stat().st_size for p in folder.glob("*.json"))
    started = time.perf_counter()
    folded = run_days.fold_old_manifests(str(work / "fold"), start + dt.timedelta(days=40), keep_days=30)
    seconds = time.perf_counter() - started
    assert folded["manifests_folded"] == 96 and not list(folder.glob("*.json"))
    record = folder / "days" / "2026-01-01.json"
    assert [m["run_id"] for m in run_days.expand(json.loads(record.read_text()))] == [m["run_id"] for m in manifests]
    return before, record.stat().st_size, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another checkout's news-ingest, run alternately with this one")
    parser.add_argument("--runs", type=int, default=8, help="no-op runs per checkout")
    args = parser.parse_args(argv)
    commands = {"this checkout": THIS}
    if args.before:
        commands = {"before": args.before, **commands}
    work = Path(tempfile.mkdtemp(prefix="run-records-"))
    seconds = {name: [] for name in commands}
    try:
        outs = {name: work / f"out-{i}" for i, name in enumerate(commands)}
        for name, command in commands.items():
            run([command, "batch", "--input", "seeds", "--output", str(outs[name])])
        first = {name: measure(out) for name, out in outs.items()}
        for _ in range(args.runs):
            for name, command in commands.items():
                seconds[name].append(run([command, "batch", "--input", "seeds", "--output", str(outs[name])]))
        last = {name: measure(out) for name, out in outs.items()}
        days = {p.name for out in outs.values() for p in (out / "_runs" / "days").glob("*.json")}
        if len(days) > 1:
            raise SystemExit(f"the runs crossed midnight UTC ({sorted(days)}); run the benchmark again")
        manifest = json.loads(next((outs["this checkout"] / "_runs").glob("*.json")).read_text())
        day = fold_a_day(manifest, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {platform.machine()} {platform.system()}, {os.cpu_count()} cores (shared), "
          f"Python {platform.python_version()}; {args.runs} no-op batch runs per checkout, alternating")
    print("| news-ingest | folder | files after 1st run | files after +N no-op | per no-op run (files / bytes) "
          "| a year of no-op runs (files / MiB) | no-op run wall s (median) |")
    print("|---|---|---|---|---|---|---|")
    for name in commands:
        year = a_year(first[name], last[name], args.runs)
        for folder in ("_runs", "_state", "_state/seen"):
            (f0, b0), (f1, b1) = first[name][folder], last[name][folder]
            files, size = (f1 - f0) / args.runs, (b1 - b0) / args.runs
            print(f"| {name} | {folder} | {f0} | {f1} | {files:.2f} / {size:.0f} | "
                  f"{year[folder][0]:,.0f} / {year[folder][1] / 2**20:.1f} | {statistics.median(seconds[name]):.2f} |")
    before, after, fold_s = day
    print(f"\nruns that write files: 96 real manifests of a day, {before / 1024:.0f} KiB as 96 files -> one day "
          f"record of {after / 1024:.0f} KiB ({before / after:.1f}x smaller), folded in {fold_s * 1000:.0f} ms")
    print(f"a year at --keep_days 30, every run writing: _runs/ holds at most {30 * 96 + 96:,} manifests "
          f"+ 365 day records (~{(30 * 96 + 96) * before / 96 / 2**20 + 365 * after / 2**20:.0f} MiB), "
          f"instead of {RUNS_A_YEAR:,} manifests (~{RUNS_A_YEAR * before / 96 / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

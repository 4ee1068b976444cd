"""Files the seen-key index ``_state/seen`` holds as articles accumulate (a year of scheduled runs).

Each written article adds 2 + ``bands`` rows (its id, its content hash, one per LSH band).
This commits ``--articles`` synthetic articles (distinct bodies), ``--per_run`` per commit,
through ``seen_index.apply_rows`` as runs do, and prints the index's file count and size
every ``--report_every`` commits, and how many bytes the commits wrote (segments and
``INDEX.json``; for a version-1 index, shards).  ``--compact_every N`` also runs the daily
compaction's merge (``apply_rows(merge_limit=None)``, as ``news-ingest compact`` does) every
N commits.  ``--random_signatures`` draws ids, hashes and signatures at random instead of
MinHashing bodies (the index only sees their bytes; 10x faster).

    python -m bench.seen_index_files [--articles 3000] [--per_run 300]
    python -m bench.seen_index_files --articles 36500 --per_run 1 --compact_every 96 --random_signatures
"""
from __future__ import annotations

import argparse
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = "council road repairs budget school river bridge market election hospital".split()


def article(n: int) -> dict:
    body = " ".join(WORDS[(n * 7 + k) % 10] + str((n * 31 + k) % 997) for k in range(80))
    return {"article_id": f"{n:032x}", "content_hash": f"{n:064x}", "duplicate_of": None, "body": body}


def random_rows(first: int, last: int, rng: random.Random) -> list:
    from transforms import dedup_plan, near_dup

    rows = []
    for _n in range(first, last):
        article_id = f"{rng.getrandbits(128):032x}"
        signature = rng.randbytes(4 * near_dup.PARAMS.num_perm)
        rows += dedup_plan.index_rows(article_id, f"{rng.getrandbits(256):064x}", article_id, signature)
    return rows


def written_bytes(folder: Path, before: dict[str, float]) -> int:
    """Bytes of the files under ``folder`` created or rewritten since ``before`` (path -> mtime)."""
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and before.get(str(p)) != p.stat().st_mtime_ns)


def main(argv=None) -> int:
    from bench.run_records import tree
    from transforms import near_dup, seen_index
    from transforms.dedup_plan import written_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--per_run", type=int, default=300)
    parser.add_argument("--report_every", type=int, default=1, help="print a line every N commits (and the last)")
    parser.add_argument("--compact_every", type=int, default=0, help="merge without limit every N commits")
    parser.add_argument("--random_signatures", action="store_true")
    args = parser.parse_args(argv)
    params = near_dup.PARAMS.as_dict()
    rng = random.Random(5)
    out = tempfile.mkdtemp(prefix="seen-files-")
    folder = Path(seen_index.index_dir(out))
    version = getattr(seen_index, "FORMAT_VERSION", 1)
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}; "
          f"bands {params['bands']}, index version {version}")
    print("| articles | index rows | files | MiB | commit wall ms (median / max since last line) | "
          "bytes written per commit (median / max) |")
    print("|---|---|---|---|---|---|")
    try:
        rows, walls, writes = 0, [], []
        commits = range(0, args.articles, args.per_run)
        for number, first in enumerate(commits, start=1):
            last = min(first + args.per_run, args.articles)
            run_rows = (random_rows(first, last, rng) if args.random_signatures
                        else written_rows([article(n) for n in range(first, last)]))
            before = {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}
            started = time.perf_counter()
            seen_index.apply_rows(out, f"run-{first:08d}", run_rows, params)
            if args.compact_every and number % args.compact_every == 0:
                seen_index.apply_rows(out, f"compact-{first:08d}", [], params, merge_limit=None)
            walls.append(time.perf_counter() - started)
            writes.append(written_bytes(folder, before))
            rows += len(run_rows)
            if number % args.report_every == 0 or number == len(commits):
                files, size = tree(folder)
                print(f"| {last:,} | {rows:,} | {files:,} | {size / 2**20:.1f} | "
                      f"{statistics.median(walls) * 1000:.0f} / {max(walls) * 1000:.0f} | "
                      f"{statistics.median(writes):,.0f} / {max(writes):,} |", flush=True)
                walls, writes = [], []
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

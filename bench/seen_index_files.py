"""Files the seen-key index ``_state/seen`` holds as articles accumulate (it grows with articles, not runs).

Each written article adds 2 + ``bands`` rows (its id, its content hash, one per LSH band);
shards split 16 ways past ``MAX_SHARD_ROWS`` rows.  This commits ``--articles`` synthetic
articles (distinct bodies), ``--per_run`` per commit, through ``seen_index.apply_rows`` as
runs do, and prints the index's file count and size after each commit, to extrapolate
what a year of articles leaves.

    python -m bench.seen_index_files [--articles 3000] [--per_run 300]
"""
from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = "council road repairs budget school river bridge market election hospital".split()


def article(n: int) -> dict:
    body = " ".join(WORDS[(n * 7 + k) % 10] + str((n * 31 + k) % 997) for k in range(80))
    return {"article_id": f"{n:032x}", "content_hash": f"{n:064x}", "duplicate_of": None, "body": body}


def main(argv=None) -> int:
    from bench.run_records import tree
    from transforms import near_dup, seen_index
    from transforms.dedup_plan import written_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--per_run", type=int, default=300)
    args = parser.parse_args(argv)
    params = near_dup.PARAMS.as_dict()
    out = tempfile.mkdtemp(prefix="seen-files-")
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}; "
          f"bands {params['bands']}, MAX_SHARD_ROWS {seen_index.MAX_SHARD_ROWS}")
    print("| articles | index rows | files | MiB | rows per file |")
    print("|---|---|---|---|---|")
    try:
        rows = 0
        for first in range(0, args.articles, args.per_run):
            run_rows = written_rows([article(n) for n in range(first, min(first + args.per_run, args.articles))])
            seen_index.apply_rows(out, f"run-{first}", run_rows, params)
            rows += len(run_rows)
            files, size = tree(Path(seen_index.index_dir(out)))
            print(f"| {min(first + args.per_run, args.articles):,} | {rows:,} | {files:,} | {size / 2**20:.1f} | "
                  f"{rows / files:.1f} |")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

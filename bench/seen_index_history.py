"""Does a run's deduplication cost grow with history?  1, 10 and 100 new articles against 1-3,000 earlier runs.

History is synthesised cheaply: for each earlier run, 10 articles with random ids, content
hashes and MinHash signatures go into the seen-key index (one bulk commit), and one small
articles Parquet file per run goes into ``DIR/articles`` (what the old deduplication read).

It times, alternating between the history sizes and the two methods so a shared machine's
load hits every figure alike:

* ``index``: what a run now does: decide the new articles (1, 10 or 100: ``--new``) against
  the index (``dedup_plan.plan`` with ``SeenIndex.lookup``) and commit their rows to it
  (``apply_rows``), with the files opened and created and the bytes read and written
  through Beam's ``FileSystems`` counted (``IOCount``; the same count for any index version);
* ``read all files``: what runs did before the index: read ``article_id`` and ``content_hash``
  from every earlier articles file (pyarrow, one file after another, as ReadFromParquet did).

After synthesising, a version-2 index gets the merge the daily ``news-ingest compact`` does;
the timed runs then add segments as scheduled runs do.

``--end_to_end`` also times whole ``news-ingest batch`` runs of 10 new article files against
each history (Beam, spaCy and the commit included), alternating between the histories.
``python -m bench.seen_index_history [--new 1 100] [--end_to_end]`` (3,000 runs of 10 are 30,000 articles, about
a year at 100 a day).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from apache_beam.io.filesystems import FileSystems

from transforms import dedup_plan, near_dup, seen_index
from transforms.storage import write_parquet_atomic

ARTICLES_PER_RUN = 10
HISTORIES = (1, 100, 1000, 3000)
# Earlier runs committed to the index per bulk commit while synthesising (bounds memory).
SYNTH_CHUNK = 250
WORDS = ("council budget harbour storm library orchard harvest train station school minister election "
         "court ruling hospital doctors nurses strike market shares profit company factory workers union "
         "river flood rescue police inquiry report village festival museum exhibition team match goal "
         "season coach player injury weather forecast energy prices bills households families children").split()


def _hex(text: str, n: int = 32) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _story(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(250)) + "."


def synthesise(out: Path, runs: int, rng: random.Random) -> None:
    """``runs`` earlier runs of 10 articles: index rows in one commit, one articles file per run."""
    params = near_dup.PARAMS
    rows = []
    for run in range(runs):
        if rows and run % SYNTH_CHUNK == 0:
            seen_index.apply_rows(str(out), f"history-{run}", rows, params.as_dict())
            rows = []
        ids = [_hex(f"{run}-{i}") for i in range(ARTICLES_PER_RUN)]
        hashes = [_hex(f"hash-{run}-{i}", 64) for i in range(ARTICLES_PER_RUN)]
        for article_id, content_hash in zip(ids, hashes):
            signature = np.frombuffer(rng.randbytes(4 * params.num_perm), dtype="<u4")
            rows += dedup_plan.index_rows(article_id, content_hash, article_id, near_dup.to_bytes(signature))
        write_parquet_atomic(str(out / "articles" / "ingest_date=2026-01-01" / f"part-{run:05d}.parquet"),
                             pa.table({"article_id": ids, "content_hash": hashes}))
    seen_index.apply_rows(str(out), "history", rows, params.as_dict())
    if getattr(seen_index, "FORMAT_VERSION", 1) >= 2:  # the daily compaction's merge
        seen_index.apply_rows(str(out), "history-compacted", [], params.as_dict(), merge_limit=None)


class _Counted:
    """A file handle that adds what passes through it to an ``IOCount``."""

    def __init__(self, handle, count: "IOCount", field: str):
        self._handle, self._count, self._field = handle, count, field

    def read(self, *args):
        data = self._handle.read(*args)
        self._count.add(self._field, len(data))
        return data

    def write(self, data):
        self._count.add(self._field, len(data))
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


class IOCount:
    """Files opened / created and bytes read / written through ``FileSystems`` while active."""

    def __init__(self):
        self.opened = self.created = self.read = self.written = 0

    def add(self, field: str, n: int) -> None:
        setattr(self, field, getattr(self, field) + n)

    @contextlib.contextmanager
    def active(self):
        original_open, original_create = FileSystems.open, FileSystems.create

        def counted_open(path, *args, **kwargs):
            self.opened += 1
            return _Counted(original_open(path, *args, **kwargs), self, "read")

        def counted_create(path, *args, **kwargs):
            self.created += 1
            return _Counted(original_create(path, *args, **kwargs), self, "written")

        FileSystems.open, FileSystems.create = counted_open, counted_create
        try:
            yield self
        finally:
            FileSystems.open, FileSystems.create = original_open, original_create


def new_articles(rng: random.Random, tag: str, count: int = ARTICLES_PER_RUN) -> list[dict]:
    return [{"article_id": _hex(f"new-{tag}-{i}"), "content_hash": _hex(f"new-hash-{tag}-{i}", 64),
             "body": _story(rng), "source_uri": f"new/{i}.txt", "published_at": None}
            for i in range(count)]


def time_index(out: Path, articles: list[dict], tag: str) -> tuple[float, IOCount]:
    """(wall seconds, files and bytes) of deciding ``articles`` against the index and committing them."""
    signed = [dict(a, near_dup_signature=near_dup.to_bytes(near_dup.signature(a["body"]))) for a in articles]
    started = time.perf_counter()
    with IOCount().active() as count:
        index = seen_index.SeenIndex(str(out), near_dup.PARAMS.as_dict())
        decisions = dedup_plan.plan([dedup_plan.candidate_of(a) for a in signed], index.lookup)
        kept = [a for a in signed if decisions[a["article_id"]].action != dedup_plan.DROP]
        seen_index.apply_rows(str(out), f"bench-{tag}", [row for a in kept for row in dedup_plan.index_rows(
            *dedup_plan.index_entry(a))], near_dup.PARAMS.as_dict())
    return time.perf_counter() - started, count


def time_read_all(out: Path) -> float:
    started = time.perf_counter()
    keys = set()
    for path in sorted((out / "articles").glob("*/*.parquet")):
        table = pq.read_table(path, columns=["article_id", "content_hash"])
        keys.update(table.column("article_id").to_pylist())
        keys.update(table.column("content_hash").to_pylist())
    return time.perf_counter() - started


def end_to_end(out: Path, rng: random.Random, tag: str) -> float:
    inputs = out.parent / f"inputs-{tag}"
    inputs.mkdir()
    for i, article in enumerate(new_articles(rng, tag)):
        (inputs / f"{i}.txt").write_text(f"Story {tag} {i}\n\n{article['body']}\n", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines.cli", "batch", "--input", str(inputs), "--output", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--new", type=int, nargs="+", default=[1, ARTICLES_PER_RUN, 100],
                        help="new articles per timed run")
    parser.add_argument("--histories", type=int, nargs="+", default=list(HISTORIES))
    parser.add_argument("--end_to_end", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(9)
    print(f"index version {getattr(seen_index, 'FORMAT_VERSION', 1)}; medians of {args.repeats} alternating repeats")
    print("| earlier runs | index rows | new articles | index s | files opened | KiB read | files created | "
          "KiB written | read all files s |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        outs = {}
        for runs in args.histories:
            outs[runs] = Path(tmp) / f"h{runs}" / "out"
            synthesise(outs[runs], runs, rng)
        # Every measurement alternates between the histories (and index with read-all), so
        # load from other jobs on the machine hits every column alike.
        index_runs = {(runs, new): [] for runs in args.histories for new in args.new}
        read_times = {runs: [] for runs in args.histories}
        for repeat in range(args.repeats):
            for runs in args.histories:
                for new in args.new:
                    tag = f"{runs}-{new}-{repeat}"
                    index_runs[(runs, new)].append(time_index(outs[runs], new_articles(rng, tag, new), tag))
                read_times[runs].append(time_read_all(outs[runs]))
        for runs in args.histories:
            rows = runs * ARTICLES_PER_RUN * (2 + near_dup.PARAMS.banding[0])
            for new in args.new:
                measured = index_runs[(runs, new)]
                median = {field: statistics.median(getattr(count, field) for _wall, count in measured)
                          for field in ("opened", "read", "created", "written")}
                print(f"| {runs:,} | {rows:,} | {new} | {statistics.median(w for w, _c in measured):.3f} | "
                      f"{median['opened']:,.0f} | {median['read'] / 1024:,.0f} | {median['created']:,.0f} | "
                      f"{median['written'] / 1024:,.0f} | {statistics.median(read_times[runs]):.3f} |", flush=True)
        if args.end_to_end:
            walls: dict[int, list[float]] = {runs: [] for runs in args.histories}
            for repeat in range(3):
                for runs in args.histories:
                    walls[runs].append(end_to_end(outs[runs], rng, f"{runs}-{repeat}"))
            print("whole batch run, median of 3 alternating (s): " + ", ".join(
                f"{runs} earlier runs {statistics.median(w):.1f}" for runs, w in walls.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

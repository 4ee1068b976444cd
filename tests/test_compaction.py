"""``news-ingest compact``: rows unchanged, sizes as planned, atomic for readers, locked, recoverable."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import compact as compact_cli
from transforms import compaction
from transforms.compaction import MAX_FILE_BYTES, MIN_FILE_BYTES, closed_partitions, compact, plan_groups
from transforms.duckdb_load import load
from transforms.output_lock import output_lock

REPO = Path(__file__).resolve().parents[1]
DATASETS = ("articles", "entities", "quotes", "rejects")
MiB = 1024 * 1024
TOMORROW = dt.date.today() + dt.timedelta(days=2)  # every partition of the real runs is closed
NOW = dt.datetime(2030, 1, 1, 3, 0, tzinfo=dt.timezone.utc)


def _rows_checksum(output: Path, dataset: str) -> tuple[int, str]:
    """Row count and a checksum of every row (order-independent) as a reader globbing sees them."""
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM read_parquet('{output}/{dataset}/*/*.parquet', hive_partitioning = true)"
                       ).fetchall()
    digest = hashlib.sha256("\n".join(sorted(repr(row) for row in rows)).encode()).hexdigest()
    return len(rows), digest


def _parquet_files(output: Path) -> list[str]:
    return sorted(str(p.relative_to(output)) for p in output.glob("*/*/*.parquet"))


# --- planning -------------------------------------------------------------------------------

def test_small_files_become_files_of_128_to_512_mib():
    rng = random.Random(7)
    for _ in range(300):
        sizes = [int(rng.choice([0.01, 0.5, 5, 60, 127.9]) * MiB * rng.random()) + 1
                 for _ in range(rng.randint(2, 400))]
        files = [(f"f{i}", size) for i, size in enumerate(sizes)]
        groups = plan_groups(files)
        assert [name for group in groups for name in group] == [name for name, _ in files]  # all, in order
        totals = [sum(sizes[int(name[1:])] for name in group) for group in groups]
        assert all(total <= MAX_FILE_BYTES for total in totals) and MAX_FILE_BYTES == 512 * MiB
        if sum(sizes) >= MIN_FILE_BYTES:
            assert all(total >= MIN_FILE_BYTES for total in totals), totals
        else:
            assert len(groups) == 1


def test_large_files_stay_and_a_lone_small_file_is_not_rewritten():
    assert plan_groups([("big", 200 * MiB), ("small", MiB)]) == []
    assert plan_groups([("big", 200 * MiB), ("a", MiB), ("b", MiB), ("huge", 900 * MiB)]) == [["a", "b"]]
    assert plan_groups([]) == []


def test_only_days_before_the_cut_off_are_closed(tmp_path):
    for name in ("articles/ingest_date=2026-01-01", "articles/ingest_date=2026-01-02",
                 "rejects/ingest_date=2026-01-01", "_state/ingest_date=2026-01-01", "articles/other"):
        (tmp_path / name).mkdir(parents=True)
    assert closed_partitions(str(tmp_path), dt.date(2026, 1, 2)) == [
        ("articles", "ingest_date=2026-01-01"), ("rejects", "ingest_date=2026-01-01")]


# --- on real pipeline output ------------------------------------------------------------------

@pytest.fixture()
def output(two_batch_runs, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(two_batch_runs, copy)
    return copy


@pytest.mark.slow
def test_real_output_keeps_every_row_and_records_the_compaction(output, tmp_path, two_batch_runs):
    before = {name: _rows_checksum(output, name) for name in DATASETS}
    files_before = _parquet_files(output)
    manifest = compact(str(output), TOMORROW, NOW)
    assert {name: _rows_checksum(output, name) for name in DATASETS} == before
    files_after = _parquet_files(output)
    assert len(files_after) == len(DATASETS) and not set(files_after) & set(files_before)  # 2 files -> 1 each
    assert manifest["mode"] == "compact" and manifest["counts"]["files_replaced"] == len(files_before)
    recorded = json.loads((output / "_runs" / f"{manifest['run_id']}.json").read_text())
    assert recorded["replaced_files"] == manifest["replaced_files"]
    assert sorted(str(Path(p).relative_to(output)) for paths in recorded["files"].values() for p in paths) == files_after
    assert not (output / "_compact").exists()
    # schema (with its metadata) unchanged, and the files are zstd like the pipeline's
    new = output / files_after[0]
    assert pq.read_schema(new).equals(pq.read_schema(two_batch_runs / files_before[0]), check_metadata=True)
    assert pq.ParquetFile(new).metadata.row_group(0).column(0).compression == "ZSTD"
    # the warehouse load after compaction gives what it gives without
    plain, compacted = tmp_path / "plain.duckdb", tmp_path / "compacted.duckdb"
    load(str(two_batch_runs), str(plain))
    load(str(output), str(compacted))
    for name in DATASETS:
        query = f"SELECT * EXCLUDE (ingest_date) FROM {name}"
        with duckdb.connect(str(plain), read_only=True) as a, duckdb.connect(str(compacted), read_only=True) as b:
            assert sorted(map(repr, a.execute(query).fetchall())) == sorted(map(repr, b.execute(query).fetchall()))
    # a second compaction finds nothing left to do; today's partitions are left alone
    assert compact(str(output), TOMORROW, NOW + dt.timedelta(days=1)) is None
    assert compact(str(output), dt.date(2000, 1, 1), NOW) is None


# --- synthetic partitions: sizes, schemas, atomic swaps, crashes --------------------------------

SCHEMA = pa.schema([("run_id", pa.string()), ("n", pa.int64()), ("text", pa.string())])


def _write_day(output: Path, dataset: str, day: str, files: int, rows: int = 50, schema=SCHEMA, start=0):
    folder = output / dataset / f"ingest_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + files):
        columns = {"run_id": [f"r{i}"] * rows, "n": list(range(i * rows, (i + 1) * rows)),
                   "text": [f"row {i}-{j} " + "x" * (j % 17) for j in range(rows)]}
        if "extra" in schema.names:
            columns["extra"] = [True] * rows
        pq.write_table(pa.table(columns, schema=schema), folder / f"part-r{i:04d}-00000.parquet")


def test_many_small_files_are_cut_into_sized_files(tmp_path, monkeypatch):
    out = tmp_path / "data"
    _write_day(out, "articles", "2026-01-01", files=40, rows=400)
    size = sum(p.stat().st_size for p in out.glob("articles/*/*.parquet"))
    # scale the thresholds down to the test files: "128 MiB" is a tenth of the day's bytes
    monkeypatch.setattr(compaction, "MIN_FILE_BYTES", size // 10)
    monkeypatch.setattr(compaction, "TARGET_FILE_BYTES", size // 5)
    before = _rows_checksum(out, "articles")
    manifest = compact(str(out), dt.date(2026, 1, 2), NOW)
    new_files = sorted(out.glob("articles/*/*.parquet"))
    assert 3 <= len(new_files) <= 5 and manifest["counts"]["files_replaced"] == 40
    assert _rows_checksum(out, "articles") == before
    # in order: the first file starts with the first input's rows
    assert pq.read_table(new_files[0]).column("n")[0].as_py() == 0


def test_files_with_another_schema_are_merged_apart(tmp_path):
    out = tmp_path / "data"
    _write_day(out, "articles", "2026-01-01", files=3)
    _write_day(out, "articles", "2026-01-01", files=2, start=3, schema=SCHEMA.append(pa.field("extra", pa.bool_())))
    before = _rows_checksum(out, "articles")
    compact(str(out), dt.date(2026, 1, 2), NOW)
    schemas = sorted(len(pq.read_schema(p)) for p in out.glob("articles/*/*.parquet"))
    assert schemas == [3, 4]
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out}/articles/*/*.parquet', union_by_name = true)"
                       ).fetchone()[0] == before[0]


def test_a_compaction_killed_after_its_plan_is_finished_by_the_next(tmp_path, monkeypatch):
    out = tmp_path / "data"
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        _write_day(out, "articles", day, files=4)
    before = _rows_checksum(out, "articles")
    real_exchange = compaction.exchange
    calls = []

    def dies_on_second_swap(a, b):
        calls.append(b)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        real_exchange(a, b)

    monkeypatch.setattr(compaction, "exchange", dies_on_second_swap)
    with pytest.raises(KeyboardInterrupt):
        compact(str(out), dt.date(2026, 2, 1), NOW)
    # mid-way: day 1 compacted, days 2-3 not; a reader sees every row once either way
    assert _rows_checksum(out, "articles") == before
    assert len(list(out.glob("articles/ingest_date=2026-01-01/*.parquet"))) == 1
    assert len(list(out.glob("articles/ingest_date=2026-01-02/*.parquet"))) == 4
    assert not list((out / "_runs").glob("*.json")) if (out / "_runs").exists() else True
    monkeypatch.setattr(compaction, "exchange", real_exchange)
    assert compaction.recover(str(out)) == ["compact-20300101T030000Z"]
    assert _rows_checksum(out, "articles") == before
    assert len(list(out.glob("articles/*/*.parquet"))) == 3 and not (out / "_compact").exists()
    manifest = json.loads((out / "_runs" / "compact-20300101T030000Z.json").read_text())
    assert manifest["counts"] == {"partitions": 3, "files_replaced": 12, "files_written": 3, "rows": 600}


def test_a_compaction_killed_before_its_plan_leaves_the_data_alone(tmp_path, monkeypatch):
    out = tmp_path / "data"
    _write_day(out, "articles", "2026-01-01", files=4)
    files = _parquet_files(out)
    monkeypatch.setattr(compaction, "write_json_atomic", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        compact(str(out), dt.date(2026, 2, 1), NOW)
    assert _parquet_files(out) == files and (out / "_compact").exists()
    monkeypatch.undo()
    compaction.recover(str(out))
    assert _parquet_files(out) == files and not (out / "_compact").exists()


def test_exchange_swaps_two_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "old").write_text("old")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "new").write_text("new")
    compaction.exchange(str(tmp_path / "b"), str(tmp_path / "a"))
    assert os.listdir(tmp_path / "a") == ["new"] and os.listdir(tmp_path / "b") == ["old"]
    with pytest.raises(FileNotFoundError):
        compaction.exchange(str(tmp_path / "missing"), str(tmp_path / "a"))


def test_live_partitions_change_only_by_one_swap_each(tmp_path, monkeypatch):
    """Between any two steps of a compaction a reader sees each day whole: old files or new."""
    out = tmp_path / "data"
    for day in ("2026-01-01", "2026-01-02"):
        _write_day(out, "articles", day, files=3)
        _write_day(out, "rejects", day, files=2)
    _write_day(out, "articles", "2026-01-01", files=1, rows=5000, start=9)
    big = out / "articles" / "ingest_date=2026-01-01" / "part-r0009-00000.parquet"
    monkeypatch.setattr(compaction, "MIN_FILE_BYTES", big.stat().st_size)  # counts as large: kept
    original = {folder: sorted(os.listdir(folder)) for folder in out.glob("*/ingest_date=*")}
    before = {name: _rows_checksum(out, name) for name in ("articles", "rejects")}
    real_exchange = compaction.exchange
    swaps = []

    def checked_exchange(staged, live):
        live = Path(live)
        assert sorted(os.listdir(live)) == original[live]  # nothing touched the live day before its swap
        for other in original:
            if other != live and other not in swaps:
                assert sorted(os.listdir(other)) == original[other]
        assert {name: _rows_checksum(out, name) for name in before} == before
        new_names = sorted(os.listdir(staged))
        real_exchange(staged, str(live))
        assert sorted(os.listdir(live)) == new_names and sorted(os.listdir(staged)) == original[live]
        assert {name: _rows_checksum(out, name) for name in before} == before
        swaps.append(live)

    monkeypatch.setattr(compaction, "exchange", checked_exchange)
    compact(str(out), dt.date(2026, 2, 1), NOW)
    assert len(swaps) == 4
    # the large file kept its name (a reader that listed it can still open it)
    assert big.exists() and len(os.listdir(big.parent)) == 2


READER = textwrap.dedent("""
    import glob, sys, pyarrow.parquet as pq
    pattern, expected, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    import os
    listings = retried = 0
    while not os.path.exists(stop) or listings < 20:
        paths = glob.glob(pattern)
        try:
            rows = sum(pq.ParquetFile(p).metadata.num_rows for p in paths)
        except FileNotFoundError:  # listed before a swap, opened after: documented, retry
            retried += 1
            continue
        listings += 1
        if rows != expected:
            print(f"listing {listings} saw {rows} rows in {len(paths)} files, expected {expected}")
            sys.exit(1)
    print(listings, retried)
""")


def test_a_reader_listing_during_compaction_sees_every_row_exactly_once(tmp_path):
    out = tmp_path / "data"
    for day in range(1, 29):
        _write_day(out, "articles", f"2026-02-{day:02d}", files=6, rows=20)
    expected = 28 * 6 * 20
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, f"{out}/articles/*/*.parquet", str(expected), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        manifest = compact(str(out), dt.date(2026, 3, 1), NOW)
    finally:
        stop.touch()
        stdout, stderr = reader.communicate(timeout=120)
    assert reader.returncode == 0, stdout + stderr
    assert manifest["counts"]["partitions"] == 28
    assert int(stdout.split()[0]) >= 20


# --- the command ---------------------------------------------------------------------------------

def test_command_refuses_while_a_run_holds_the_lock(tmp_path, capsys):
    out = tmp_path / "data"
    _write_day(out, "articles", "2026-01-01", files=3)
    files = _parquet_files(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom transforms.output_lock import output_lock\n"
         "with output_lock(sys.argv[1], 'r9', command='batch'):\n    print('held', flush=True)\n    time.sleep(60)\n",
         str(out)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert compact_cli.run(["--output", str(out), "--before", "2026-02-01"]) == 3
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert "locked by batch run r9" in capsys.readouterr().err
    assert _parquet_files(out) == files
    assert compact_cli.run(["--output", str(out), "--before", "2026-02-01"]) == 0
    assert "compacted 1 partitions before 2026-02-01: 3 files -> 1" in capsys.readouterr().out


def test_command_holds_the_lock_while_it_compacts(tmp_path, monkeypatch):
    out = tmp_path / "data"
    _write_day(out, "articles", "2026-01-01", files=2)
    seen = []

    def check_lock(*args):
        from transforms.output_lock import OutputLocked
        with pytest.raises(OutputLocked):
            with output_lock(str(out), "other"):
                pass
        seen.append(True)
        return None

    monkeypatch.setattr(compaction, "compact", check_lock)
    assert compact_cli.run(["--output", str(out)]) == 0 and seen == [True]


def test_command_refuses_object_stores_and_bad_dates(tmp_path, capsys):
    assert compact_cli.run(["--output", "gs://b/news"]) == 2
    assert "needs a local folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        compact_cli.run(["--output", str(tmp_path), "--before", "yesterday"])
    assert compact_cli.run(["--output", str(tmp_path)]) == 0
    assert "nothing to compact" in capsys.readouterr().out

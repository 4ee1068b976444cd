"""Day records: quiet runs and old manifests kept one file per day, and loaders still load every run once."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from transforms import run_days
from transforms.duckdb_load import load
from transforms.run_catalog import catalog, finished_runs
from transforms.run_manifest import build_manifest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASETS = ("articles", "duplicates", "entities", "quotes", "rejects")


def manifest(run_id: str, finished: str, written: int = 0, read: int = 3, files=None, **options) -> dict:
    finished_at = dt.datetime.fromisoformat(finished)
    counts = {"sources": 1, "sources_not_modified": 0, "articles_read": read, "rejected_normalize": 0,
              "rejected_nlp": 0, "deduplicated": read - written, "articles_written": written,
              "near_duplicates_marked": 0, "entity_rows_written": 0, "quote_rows_written": 0, "rejects_written": 0}
    return build_manifest(run_id=run_id, mode="batch", started_at=finished_at - dt.timedelta(seconds=2),
                          finished_at=finished_at, inputs=["http://127.0.0.1/feed.xml"],
                          options={"run_id": run_id, "output": "out", "reprocess": False, **options},
                          counts=counts, rejects_by_reason=[], duplicates_by_key=[("article_id", read - written)],
                          files=files or {}, datasets=DATASETS)


def test_a_run_is_quiet_when_it_wrote_no_file_and_its_books_balance():
    assert run_days.is_quiet(manifest("q", "2026-12-02T10:00:00+00:00"))
    wrote = manifest("w", "2026-12-02T10:15:00+00:00", written=1,
                     files={"articles": ["out/articles/ingest_date=2026-12-02/part-x-00000.parquet"]})
    assert not run_days.is_quiet(wrote)
    unbalanced = manifest("u", "2026-12-02T10:30:00+00:00")
    unbalanced["balance"]["ok"] = False
    assert not run_days.is_quiet(unbalanced), "a run whose books do not balance keeps its own manifest"
    assert not run_days.is_quiet({"run_id": "compact-x", "mode": "compact", "finished_at": "2026-12-02T00:20:00"})


def test_folding_keeps_every_manifest_exactly_and_the_options_once():
    runs = [manifest(f"20261202T{h:02d}0000Z-a", f"2026-12-02T{h:02d}:00:00+00:00") for h in range(24)]
    runs.append(manifest("20261202T235900Z-b", "2026-12-02T23:59:00+00:00", reprocess=True))
    record = run_days.fold(None, "2026-12-02", runs[:10])
    record = run_days.fold(record, "2026-12-02", runs[5:])  # 5-9 again: replaced, not added
    assert run_days.expand(json.loads(json.dumps(record))) == runs
    assert len(record["settings"]) == 2, "options differing only in run_id are kept once"
    assert record["totals"]["runs"] == 25 and record["totals"]["quiet_runs"] == 25
    assert record["totals"]["balance"] == {"articles_read": 75, "articles_written": 0, "deduplicated": 75,
                                           "rejected_after_read": 0, "ok": True}
    assert record["totals"]["counts"]["sources"] == 25


def test_options_naming_another_run_or_none_come_back_as_they_were():
    pane = manifest("job-20261202T100000Z", "2026-12-02T10:00:30+00:00")
    pane["options"]["run_id"] = "job"  # a streaming window's options name its job
    bare = manifest("r2", "2026-12-02T11:00:00+00:00")
    del bare["options"]["run_id"]
    record = run_days.fold(None, "2026-12-02", [pane, bare])
    assert run_days.expand(json.loads(json.dumps(record))) == [pane, bare]


def test_a_run_files_under_the_utc_day_it_finished():
    assert run_days.day_of(manifest("r", "2026-12-03T00:30:00+01:00")) == "2026-12-02"


def test_manifests_older_than_the_kept_days_are_planned_for_folding():
    now = dt.datetime(2026, 12, 3, 0, 20, tzinfo=dt.timezone.utc)
    cutoff = run_days.fold_cutoff(now, keep_days=2)
    assert cutoff == dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    listing = [("a.json", cutoff.timestamp() - 1), ("b.json", cutoff.timestamp()), ("c.json", now.timestamp())]
    assert run_days.old_manifests(listing, cutoff) == ["a.json"]
    assert run_days.fold_cutoff(now, 0) == dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError):
        run_days.fold_cutoff(now, -1)


def _write(out, doc):
    path = out / "_runs" / f"{doc['run_id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def test_a_fold_interrupted_before_its_deletes_leaves_each_run_listed_once(tmp_path):
    out = tmp_path / "out"
    old = [manifest(f"r{i}", f"2026-11-0{i}T12:00:00+00:00") for i in range(1, 4)]
    paths = [_write(out, m) for m in old]
    recent = _write(out, manifest("r9", "2026-12-03T12:00:00+00:00"))
    written = dt.datetime(2026, 11, 5, tzinfo=dt.timezone.utc).timestamp()
    for path in paths:
        os.utime(path, (written, written))
    kept = {path: path.read_text() for path in paths}
    now = dt.datetime(2026, 12, 3, 13, tzinfo=dt.timezone.utc)
    folded = run_days.fold_old_manifests(str(out), now, keep_days=7)
    assert folded["manifests_folded"] == 3 and folded["days"] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert sorted(p.name for p in (out / "_runs").glob("*.json")) == [recent.name]
    assert [r.run_id for r in finished_runs(str(out))] == ["r1", "r2", "r3", "r9"]
    for path, text in kept.items():  # as if the fold had crashed after the day records, before the deletes
        path.write_text(text)
        os.utime(path, (written, written))
    assert [r.run_id for r in finished_runs(str(out))] == ["r1", "r2", "r3", "r9"]
    assert [r.manifest for r in finished_runs(str(out))][:3] == old
    again = run_days.fold_old_manifests(str(out), now, keep_days=7)  # the next fold finishes it, idempotently
    assert again["manifests_folded"] == 3
    assert [r.manifest for r in finished_runs(str(out))] == old + [json.loads(recent.read_text())]
    assert all(len(json.loads(p.read_text())["runs"]) == 1 for p in (out / "_runs" / "days").glob("*.json"))


def test_day_records_a_loader_has_read_whole_are_not_read_again(tmp_path):
    out = tmp_path / "out"
    record = run_days.fold(None, "2026-11-01", [manifest("r1", "2026-11-01T12:00:00+00:00")])
    path = out / "_runs" / "days" / "2026-11-01.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record))
    first = catalog(str(out))
    assert [r.run_id for r in first.runs] == ["r1"] and len(first.day_records) == 1
    assert catalog(str(out), skip=set(first.day_records)).runs == []
    path.write_text(json.dumps(run_days.fold(record, "2026-11-01", [manifest("r2", "2026-11-01T13:00:00+00:00")])))
    grown = catalog(str(out), skip={"r1", *first.day_records})
    assert [r.run_id for r in grown.runs] == ["r2"], "a record that grew is read again; its new run is found"


def _cli(*args, timeout=600):
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _tables(database):
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("articles", "entities", "quotes", "rejects")}


@pytest.mark.slow
def test_quiet_runs_and_folded_manifests_load_into_duckdb_exactly_once(two_batch_runs, seed_path, tmp_path):
    """Real processes: r1 and r2 loaded, a quiet rerun r3, compact --keep_days folds r1 and r2; loads stay exact."""
    out = tmp_path / "data"
    shutil.copytree(two_batch_runs, out)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(seed_path, inputs / seed_path.name)
    database, fresh = tmp_path / "news.duckdb", tmp_path / "fresh.duckdb"
    assert [run_id for run_id, _ in load(str(out), str(database)).loaded] == ["r1", "r2"]
    before = _tables(database)

    _cli("batch", "--input", str(inputs), "--output", str(out), "--run_id", "r3")
    success = json.loads((out / "_SUCCESS").read_text())
    assert success["run_id"] == "r3" and success["manifest"].startswith(str(out / "_runs" / "days"))
    assert not (out / "_runs" / "r3.json").exists()
    month_ago = dt.datetime.now(dt.timezone.utc).timestamp() - 40 * 86400
    for run_id in ("r1", "r2"):
        os.utime(out / "_runs" / f"{run_id}.json", (month_ago, month_ago))
    printed = _cli("compact", "--output", str(out), "--keep_days", "30").stdout
    assert "folded 2 run manifests" in printed
    assert [p.name for p in (out / "_runs").iterdir()] == ["days"]

    assert [run_id for run_id, _ in load(str(out), str(database)).loaded] == ["r3"]
    assert _tables(database) == before, "r1 and r2 were not loaded again from the day record"
    assert load(str(out), str(database)).loaded == []
    assert [run_id for run_id, _ in load(str(out), str(fresh)).loaded] == ["r1", "r2", "r3"]
    assert _tables(fresh) == before

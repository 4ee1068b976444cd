"""``news-ingest runs``: the finished runs a loader outside Python has still to load (bigquery.sh load-new), or one
run by id wherever its manifest is now (bigquery.sh load RUN_ID), offline."""
from __future__ import annotations

import datetime as dt

import pytest

from pipelines import runs as runs_cli
from pipelines.runs import one_run
from tests.memfs import MemoryFileSystem
from transforms import run_days
from transforms.run_catalog import catalog
from transforms.run_manifest import manifest_path
from transforms.storage import write_json_atomic

DAY = "2026-01-02"


def manifest(run_id: str, minute: int, files: dict | None = None, ok: bool = True) -> dict:
    return {"run_id": run_id, "mode": "batch", "finished_at": f"{DAY}T00:{minute:02d}:00+00:00",
            "files": files or {}, "balance": {"ok": ok}, "counts": {"sources": 1}}


def part(out: str, dataset: str, run_id: str) -> str:
    return f"{out}/{dataset}/ingest_date={DAY}/part-{run_id}-00000.parquet"


def an_output(out: str) -> None:
    """A manifest loaded before (r1), one not (r2), one folded by compact (r3), quiet runs (a day record, a journal)."""
    for run in (manifest("r1", 1, {"articles": [part(out, "articles", "r1")]}),
                manifest("r2", 2, {"articles": [part(out, "articles", "r2")], "rejects": [part(out, "rejects", "r2")]})):
        write_json_atomic(manifest_path(out, run["run_id"]), run)
    folded = [manifest("r3", 0, {"articles": [part(out, "articles", "r3")]}), manifest("q1", 3),
              manifest("bad", 4, ok=False)]  # wrote nothing, books off: still to be recorded by a loader
    run_days.write_record(run_days.day_record_path(out, DAY), run_days.fold(None, DAY, folded))
    run_days.publish_unlocked(out, manifest("job-20260102T000500Z", 5))  # a quiet streaming window


def test_every_run_with_something_to_load_is_listed_once_with_its_files_oldest_first(tmp_path):
    out = str(tmp_path)
    an_output(out)
    lines = runs_cli.listing(catalog(out, skip={"r1"}))
    (record_key,) = [line.split("\t")[1] for line in lines if line.startswith("record\t")]
    assert lines == ["run\tr3", f"file\tarticles\t{part(out, 'articles', 'r3')}",
                     "run\tr2", f"file\tarticles\t{part(out, 'articles', 'r2')}",
                     f"file\trejects\t{part(out, 'rejects', 'r2')}",
                     "run\tbad",
                     f"record\t{record_key}"]
    assert record_key.startswith(f"days/{DAY}.json@")
    assert runs_cli.listing(catalog(out, skip={"r1", "r2", "r3", "bad", record_key})) == []


def test_the_command_reads_its_skip_file_and_prints_the_listing(tmp_path, capsys):
    out = tmp_path / "out"
    an_output(str(out))
    skip = tmp_path / "loaded.txt"
    skip.write_text("r1\nr2\n\n")
    assert runs_cli.run(["--output", str(out) + "/", "--skip", str(skip)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line for line in printed if line.startswith("run\t")] == ["run\tr3", "run\tbad"]


@pytest.fixture()
def folded_on_an_object_store():
    """an_output on an object store, then compact --keep_days 0: r1's and r2's manifests folded into the day record."""
    MemoryFileSystem.clear()
    out = "memfs://b/news"
    an_output(out)
    run_days.fold_old_manifests(out, dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc), 0)
    assert not [path for path in MemoryFileSystem.files if path.endswith("/_runs/r2.json")]
    yield out
    MemoryFileSystem.clear()


def test_on_an_object_store_runs_folded_into_day_records_are_found_too(folded_on_an_object_store):
    runs = [line for line in runs_cli.listing(catalog(folded_on_an_object_store, skip={"r1"}))
            if line.startswith("run\t")]
    assert runs == ["run\tr3", "run\tr2", "run\tbad"]


def test_one_run_by_id_is_found_in_its_manifest_a_day_record_or_the_journal(tmp_path):
    out = str(tmp_path)
    an_output(out)
    write_json_atomic(manifest_path(out, "compact-1"), {"run_id": "compact-1", "mode": "compact", "files": {}})
    assert one_run(out, "r2") == (0, ["run\tr2", f"file\tarticles\t{part(out, 'articles', 'r2')}",
                                      f"file\trejects\t{part(out, 'rejects', 'r2')}"])
    assert one_run(out, "r3") == (0, ["run\tr3", f"file\tarticles\t{part(out, 'articles', 'r3')}"])  # day record
    assert one_run(out, "q1") == (0, ["run\tq1"])  # quiet, in the day record: listed when asked for by id
    assert one_run(out, "job-20260102T000500Z") == (0, ["run\tjob-20260102T000500Z"])  # a quiet window's journal
    assert one_run(out, "compact-1") == (runs_cli.COMPACTION_STATUS, [])
    assert one_run(out, "r9") == (runs_cli.NOT_FOUND_STATUS, [])


def test_the_command_prints_one_run_or_says_there_is_none(tmp_path, capsys):
    out = tmp_path / "out"
    an_output(str(out))
    assert runs_cli.run(["--output", str(out), "--run", "r3"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "run\tr3"
    assert runs_cli.run(["--output", str(out), "--run", "r9"]) == runs_cli.NOT_FOUND_STATUS
    printed = capsys.readouterr()
    assert printed.out == "" and "no finished run r9" in printed.err


def test_on_an_object_store_one_run_folded_into_a_day_record_is_found(folded_on_an_object_store):
    out = folded_on_an_object_store
    assert one_run(out, "r2")[1][0] == "run\tr2" and one_run(out, "r1")[1][0] == "run\tr1"

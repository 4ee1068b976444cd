"""``news-ingest load duckdb``: real pipeline output upserted into a real DuckDB file.

The output (``two_batch_runs``) holds run r1 and run r2, a ``--reprocess`` of the same
article; tests copy it (to another path than the one the manifests record) and hide or
show manifests to play the order in which runs finish.
"""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from pipelines import load as load_cli
from transforms.duckdb_load import load
from transforms.run_catalog import finished_runs, local_path, run_files

TABLES = ("articles", "entities", "quotes", "rejects")
pytestmark = pytest.mark.slow  # two real batch runs (shared by the session)


@pytest.fixture()
def output(two_batch_runs, tmp_path):
    copy = tmp_path / "moved" / "data"
    shutil.copytree(two_batch_runs, copy)
    return copy


def _manifest(output, run_id) -> dict:
    return json.loads((output / "_runs" / f"{run_id}.json").read_text())


def _hide(output, run_id):
    """The run has written its files but not (yet) its manifest: an unfinished run."""
    path = output / "_runs" / f"{run_id}.json"
    hidden = output / f"{run_id}.json.hidden"
    path.rename(hidden)
    return lambda: hidden.rename(path)


def _tables(database) -> dict:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


def _by_run(database, table) -> dict:
    with duckdb.connect(str(database), read_only=True) as con:
        return dict(con.execute(f"SELECT run_id, count(*) FROM {table} GROUP BY 1").fetchall())


def test_loads_only_finished_runs_then_the_reprocessed_version_once(output, tmp_path):
    database = tmp_path / "news.duckdb"
    r1, r2 = _manifest(output, "r1"), _manifest(output, "r2")
    show_r2 = _hide(output, "r2")
    report = load(str(output), str(database))
    assert [run_id for run_id, _ in report.loaded] == ["r1"]
    assert _by_run(database, "articles") == {"r1": 1}
    assert _by_run(database, "entities") == {"r1": r1["counts"]["entity_rows_written"]}

    show_r2()
    report = load(str(output), str(database))
    assert [run_id for run_id, _ in report.loaded] == ["r2"] and report.already_loaded == 1
    # the reprocessed article replaced the old one, with all its entity and quote rows
    assert _by_run(database, "articles") == {"r2": 1}
    assert _by_run(database, "entities") == {"r2": r2["counts"]["entity_rows_written"]}
    assert _by_run(database, "quotes") == {"r2": r2["counts"]["quote_rows_written"]}
    # rejects are a log per run: one empty-file reject from each run
    assert _by_run(database, "rejects") == {"r1": 1, "r2": 1}
    with duckdb.connect(str(database), read_only=True) as con:
        (ingest_date,) = con.execute("SELECT DISTINCT ingest_date FROM articles").fetchone()
        assert str(ingest_date) == r2["started_at"][:10]
        assert con.execute("SELECT count(DISTINCT article_id) = count(*) FROM articles").fetchone()[0]


def test_loading_twice_gives_the_same_tables(output, tmp_path):
    database = tmp_path / "news.duckdb"
    load(str(output), str(database))
    first = _tables(database)
    report = load(str(output), str(database))
    assert report.loaded == [] and report.already_loaded == 2
    assert _tables(database) == first
    # even with the bookkeeping lost, a reload replaces rows instead of adding them
    with duckdb.connect(str(database)) as con:
        con.execute("DELETE FROM _loaded_runs")
    assert len(load(str(output), str(database)).loaded) == 2
    assert _tables(database) == first


def test_an_older_run_loaded_late_does_not_replace_a_newer_version(output, tmp_path):
    database = tmp_path / "news.duckdb"
    show_r1 = _hide(output, "r1")
    load(str(output), str(database))
    show_r1()
    assert [run_id for run_id, _ in load(str(output), str(database)).loaded] == ["r1"]
    assert _by_run(database, "articles") == {"r2": 1}
    assert "r1" not in _by_run(database, "entities")
    assert _by_run(database, "rejects") == {"r1": 1, "r2": 1}


def test_a_run_whose_files_were_merged_is_found_in_its_partition(output, tmp_path):
    """After a compaction the manifest's files are gone; the rows are found by run_id."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for dataset in TABLES:
        folder = next((output / dataset).iterdir())
        parts = sorted(folder.glob("*.parquet"))
        merged = pa.concat_tables([pq.read_table(p, partitioning=None) for p in parts])
        pq.write_table(merged, folder / "part-merged.parquet")
        for part in parts:
            part.unlink()
    run = finished_runs(str(output))[0]
    assert run.run_id == "r1"
    assert [p.rsplit("/", 1)[1] for p in run_files(str(output), run.manifest)["articles"]] == ["part-merged.parquet"]
    database = tmp_path / "news.duckdb"
    load(str(output), str(database))
    assert _by_run(database, "articles") == {"r2": 1}
    assert _by_run(database, "rejects") == {"r1": 1, "r2": 1}


def test_manifests_of_loaded_runs_are_not_read_again(output, tmp_path, monkeypatch):
    database = tmp_path / "news.duckdb"
    load(str(output), str(database))
    from transforms import run_catalog

    read = []
    real = run_catalog.read_manifest
    monkeypatch.setattr(run_catalog, "read_manifest", lambda path: read.append(path) or real(path))
    assert load(str(output), str(database)).loaded == [] and read == []


def test_manifest_paths_resolve_under_the_folder_given():
    assert local_path("/mnt/news", "/old/place/articles/ingest_date=2026-01-02/part-r1-00000.parquet") == (
        "articles", "ingest_date=2026-01-02", "/mnt/news/articles/ingest_date=2026-01-02/part-r1-00000.parquet")
    with pytest.raises(ValueError):
        local_path("/mnt/news", "part.parquet")


def test_cli_loads_and_refuses_what_it_cannot_read(output, tmp_path, capsys):
    database = tmp_path / "news.duckdb"
    assert load_cli.run(["duckdb", "--output", str(output), "--database", str(database)]) == 0
    assert "2 runs loaded" in capsys.readouterr().out
    assert load_cli.run(["duckdb", "--output", "gs://b/news", "--database", str(database)]) == 2
    assert "local folder" in capsys.readouterr().err
    assert load_cli.run(["duckdb", "--output", str(tmp_path / "missing"), "--database", str(database)]) == 2


def test_a_file_moved_while_loading_is_retried_then_found(output, tmp_path, monkeypatch):
    """A compaction between listing a run's files and reading them: the run is rolled back
    and loaded again from where its rows are now."""
    from transforms import duckdb_load

    real = duckdb_load.run_files
    calls = []

    def stale_first(output_dir, manifest):
        calls.append(manifest["run_id"])
        files = real(output_dir, manifest)
        if len(calls) == 1:
            files["rejects"] = [str(output / "rejects" / "gone.parquet")]
        return files

    monkeypatch.setattr(duckdb_load, "run_files", stale_first)
    database = tmp_path / "news.duckdb"
    report = load(str(output), str(database))
    assert calls == ["r1", "r1", "r2"] and len(report.loaded) == 2
    assert _by_run(database, "rejects") == {"r1": 1, "r2": 1}
    assert _by_run(database, "articles") == {"r2": 1}

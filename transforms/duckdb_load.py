"""Upsert finished runs into a DuckDB database, exactly once.

One table per dataset (the dataset's columns plus ``ingest_date``) and ``_loaded_runs``
(one row per run loaded; ``_loaded_day_records`` names the day records, see
``transforms.run_days``, whose runs are all loaded).  Each run is loaded in one transaction, oldest first:

* articles, entities, quotes: the run's articles replace the stored rows of the same
  ``article_id`` (and all their entity and quote rows) unless the stored version is newer;
* rejects, duplicates and any other dataset: the run's rows replace rows with the same
  ``(run_id, ingest_date)``.

So loading twice, loading a run again after ``_loaded_runs`` was lost, or loading after
a ``--reprocess`` all leave every article once, in its newest version.  A load that
fails (a file compacted away mid-read, a crash) rolls back and leaves the run unloaded.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import pyarrow as pa

from schemas import DATASETS, schema_for
from transforms.run_catalog import (
    ARTICLE_KEY,
    ARTICLE_KEYED,
    VERSION_COLUMN,
    FinishedRun,
    catalog,
    replace_key,
    run_files,
)

LOG = logging.getLogger(__name__)

LOADED_RUNS = "_loaded_runs"
# Day records (transforms.run_days) whose every run is loaded, by name and size: not read again.
LOADED_DAY_RECORDS = "_loaded_day_records"
ATTEMPTS = 3  # a compaction may move a run's files between listing and reading them


@dataclass
class LoadReport:
    loaded: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (run_id, rows per dataset)
    already_loaded: int = 0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_tables(con) -> None:
    con.execute(f"""CREATE TABLE IF NOT EXISTS {LOADED_RUNS} (
        run_id VARCHAR PRIMARY KEY, mode VARCHAR, finished_at VARCHAR, loaded_at TIMESTAMPTZ, row_counts JSON)""")
    con.execute(f"CREATE TABLE IF NOT EXISTS {LOADED_DAY_RECORDS} (record VARCHAR PRIMARY KEY, loaded_at TIMESTAMPTZ)")
    for name in DATASETS:
        empty = pa.table({f.name: pa.array([], f.type) for f in schema_for(name)})
        con.register("_empty", empty)
        con.execute(f"CREATE TABLE IF NOT EXISTS {_quote(name)} AS "
                    "SELECT *, CAST(NULL AS DATE) AS ingest_date FROM _empty")
        con.unregister("_empty")


def _columns(con, table: str) -> dict[str, str]:
    return dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = current_schema()", [table]).fetchall())


def _stage(con, dataset: str, files: list[str], run_id: str) -> str:
    """A temp table with the run's rows of ``dataset``; new columns are added to the table."""
    staged = f"_new_{dataset}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_quote(staged)} AS SELECT * FROM read_parquet(?, "
                "hive_partitioning = true, hive_types = {'ingest_date': DATE}, union_by_name = true) "
                "WHERE run_id = ?", [files, run_id])
    con.execute(f"CREATE TABLE IF NOT EXISTS {_quote(dataset)} AS SELECT * FROM {_quote(staged)} LIMIT 0")
    existing = _columns(con, dataset)
    for column, type_ in _columns(con, staged).items():
        if column not in existing:  # a column added to the schema since the table was made
            con.execute(f"ALTER TABLE {_quote(dataset)} ADD COLUMN {_quote(column)} {type_}")
    return staged


def _load_run(con, run: FinishedRun, output_dir: str) -> dict[str, int]:
    files = run_files(output_dir, run.manifest)
    staged = {dataset: _stage(con, dataset, paths, run.run_id) for dataset, paths in files.items() if paths}
    counts = {}
    if "articles" in staged:
        # Articles of this run at least as new as the stored version (equal: a reload).
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _winners AS
            SELECT n.{ARTICLE_KEY} FROM _new_articles AS n
            WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.{ARTICLE_KEY} = n.{ARTICLE_KEY}
                              AND a.{VERSION_COLUMN} > n.{VERSION_COLUMN})""")
        for dataset in ARTICLE_KEYED:
            con.execute(f"DELETE FROM {_quote(dataset)} WHERE {ARTICLE_KEY} IN (SELECT {ARTICLE_KEY} FROM _winners)")
            if dataset in staged:
                counts[dataset] = con.execute(
                    f"INSERT INTO {_quote(dataset)} BY NAME SELECT * FROM {_quote(staged[dataset])} "
                    f"WHERE {ARTICLE_KEY} IN (SELECT {ARTICLE_KEY} FROM _winners)").fetchone()[0]
    for dataset, table in staged.items():
        if dataset in ARTICLE_KEYED:
            continue
        key = " AND ".join(f"t.{c} = n.{c}" for c in replace_key(dataset, _columns(con, table)))
        con.execute(f"DELETE FROM {_quote(dataset)} AS t WHERE EXISTS "
                    f"(SELECT 1 FROM {_quote(table)} AS n WHERE {key})")
        counts[dataset] = con.execute(
            f"INSERT INTO {_quote(dataset)} BY NAME SELECT * FROM {_quote(table)}").fetchone()[0]
    con.execute(f"INSERT OR REPLACE INTO {LOADED_RUNS} VALUES (?, ?, ?, ?, ?)",
                [run.run_id, run.manifest.get("mode"), run.finished_at, dt.datetime.now(dt.timezone.utc),
                 counts])
    return counts


def load(output_dir: str, database: str) -> LoadReport:
    """Load every finished run of ``output_dir`` not yet in ``database``."""
    import duckdb

    report = LoadReport()
    con = duckdb.connect(database)
    try:
        con.execute("SET TimeZone = 'UTC'")
        _create_tables(con)
        loaded = {row[0] for row in con.execute(f"SELECT run_id FROM {LOADED_RUNS}").fetchall()}
        report.already_loaded = len(loaded)
        records = {row[0] for row in con.execute(f"SELECT record FROM {LOADED_DAY_RECORDS}").fetchall()}
        found = catalog(output_dir, skip=loaded | records)
        for run in found.runs:
            for attempt in range(1, ATTEMPTS + 1):
                con.execute("BEGIN TRANSACTION")
                try:
                    counts = _load_run(con, run, output_dir)
                    con.execute("COMMIT")
                    break
                except duckdb.IOException as error:
                    con.execute("ROLLBACK")
                    if attempt == ATTEMPTS:
                        raise
                    LOG.warning("run %s: %s; files moved (compaction?), retrying", run.run_id, error)
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            report.loaded.append((run.run_id, counts))
            LOG.debug("loaded run %s: %s", run.run_id, counts)
        # Every run of these records is loaded now (a failure above raised before this).
        if found.day_records:
            now = dt.datetime.now(dt.timezone.utc)
            con.executemany(f"INSERT OR REPLACE INTO {LOADED_DAY_RECORDS} VALUES (?, ?)",
                            [[key, now] for key in found.day_records])
    finally:
        con.close()
    return report

"""Generate warehouse DDL and load scripts from ``schemas`` (BigQuery, Snowflake, DuckDB).

    python -m deploy.warehouse.generate_ddl          # rewrite the files in deploy/warehouse/
    python -m deploy.warehouse.generate_ddl --check  # fail if any is out of date (tests run this)

Outputs, all derived from ``schemas.DATASETS`` so a new dataset or column reaches every
warehouse by re-running this script:

* ``bq_<dataset>.json`` — BigQuery table schemas (``bq mk --schema``), with descriptions;
* ``bigquery.sh`` — create partitioned tables, load committed runs (Hive partitioning on
  ``ingest_date``), or define external tables;
* ``snowflake.sql`` — file format, stage, tables and idempotent ``COPY INTO``;
* ``duckdb.sql`` — views over the Parquet files and example analyst queries.

Type mapping (the schema conventions in ``schemas/datasets.py`` were chosen for it):
strings, signed integers, doubles, booleans, UTC microsecond timestamps, lists and structs.
A type outside that set raises ``UnsupportedType`` rather than guessing a column type.
Each warehouse has its own module (``bigquery_ddl``, ``snowflake_ddl``, ``duckdb_ddl``);
what they share is in ``columns``.
"""
from __future__ import annotations

import argparse
import json
import sys

from deploy.generated import sync_generated
from deploy.warehouse.bigquery_ddl import bigquery_schema, bigquery_script
from deploy.warehouse.columns import COMMAND, HERE
from deploy.warehouse.duckdb_ddl import duckdb_sql
from deploy.warehouse.snowflake_ddl import snowflake_sql
from schemas import DATASETS


def generated_files() -> dict:
    outputs = {HERE / f"bq_{name}.json": json.dumps(bigquery_schema(schema), indent=2, ensure_ascii=False) + "\n"
               for name, schema in DATASETS.items()}
    outputs[HERE / "bigquery.sh"] = bigquery_script()
    outputs[HERE / "snowflake.sql"] = snowflake_sql()
    outputs[HERE / "duckdb.sql"] = duckdb_sql()
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    args = parser.parse_args(argv)
    status = sync_generated(generated_files(), check=args.check, command=COMMAND,
                            owned_globs=((HERE, "bq_*.json"),))
    if not args.check:
        (HERE / "bigquery.sh").chmod(0o755)
    return status


if __name__ == "__main__":
    sys.exit(main())

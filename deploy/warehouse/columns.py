"""What every warehouse's DDL shares: partition and clustering columns, and scalar column types.

Each scalar pyarrow type the schemas use has one row in ``_SCALAR_TYPES`` with its column
type in every warehouse, so the three dialects cannot disagree on which types they support;
a type outside that set raises ``UnsupportedType`` rather than guessing a column type.
"""
from __future__ import annotations

import pyarrow as pa

from deploy.generated import REPO_ROOT
from schemas import DATASETS, SCHEMA_VERSION
from transforms.run_catalog import ARTICLE_KEYED

HERE = REPO_ROOT / "deploy" / "warehouse"
COMMAND = "python -m deploy.warehouse.generate_ddl"
GENERATED = f"Generated from schemas/datasets.py (schema version {SCHEMA_VERSION}) by `{COMMAND}`; do not edit."

# The Hive partition column: in the folder names (ingest_date=YYYY-MM-DD), not in the files.
PARTITION_COLUMN = "ingest_date"
PARTITION_DOC = "UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition)."

# Columns the warehouses cluster/sort each table by: the usual filters and group-bys.
CLUSTERING = {
    "articles": ("source_name", "language"),
    "entities": ("label", "name"),
    "quotes": ("speaker",),
    "rejects": ("stage", "reason"),
}


class UnsupportedType(TypeError):
    """A pyarrow type with no agreed warehouse mapping yet."""


def doc(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"doc", b"").decode("utf-8")


def clustering(dataset: str, schema: pa.Schema) -> tuple[str, ...]:
    columns = CLUSTERING.get(dataset, ())
    missing = [c for c in columns if c not in schema.names]
    if missing:
        raise KeyError(f"CLUSTERING[{dataset!r}] names columns the schema no longer has: {missing}")
    return columns


# Each scalar pyarrow type the schemas use -> its column type in each warehouse.  One table,
# so the three DDL dialects cannot disagree on which pyarrow types they support.
_WAREHOUSE_NAMES = {"bigquery": "BigQuery", "snowflake": "Snowflake", "duckdb": "DuckDB"}
_SCALAR_TYPES = (
    (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
     {"bigquery": "STRING", "snowflake": "VARCHAR", "duckdb": "VARCHAR"}),
    (pa.types.is_signed_integer, {"bigquery": "INT64", "snowflake": "BIGINT", "duckdb": "BIGINT"}),
    (pa.types.is_floating, {"bigquery": "FLOAT64", "snowflake": "FLOAT", "duckdb": "DOUBLE"}),
    (pa.types.is_boolean, {"bigquery": "BOOL", "snowflake": "BOOLEAN", "duckdb": "BOOLEAN"}),
    (lambda t: pa.types.is_timestamp(t) and bool(t.tz),
     {"bigquery": "TIMESTAMP", "snowflake": "TIMESTAMP_TZ", "duckdb": "TIMESTAMPTZ"}),
    (lambda t: pa.types.is_timestamp(t) and not t.tz,
     {"bigquery": "DATETIME", "snowflake": "TIMESTAMP_NTZ", "duckdb": "TIMESTAMP"}),
    (pa.types.is_date32, {"bigquery": "DATE", "snowflake": "DATE", "duckdb": "DATE"}),
    (pa.types.is_binary, {"bigquery": "BYTES", "snowflake": "BINARY", "duckdb": "BLOB"}),
)


def scalar_type(warehouse: str, type_: pa.DataType, name: str = "") -> str:
    """The ``warehouse``'s column type for a scalar pyarrow type; UnsupportedType otherwise."""
    for matches, names in _SCALAR_TYPES:
        if matches(type_):
            return names[warehouse]
    raise UnsupportedType(f"{name}: no {_WAREHOUSE_NAMES[warehouse]} type for {type_}")


def table_columns(name: str) -> list[str]:
    """A table's columns as the warehouses hold them: the file columns plus the partition."""
    return list(DATASETS[name].names) + [PARTITION_COLUMN]


def article_keyed_datasets() -> list[str]:
    return [name for name in DATASETS if name in ARTICLE_KEYED]

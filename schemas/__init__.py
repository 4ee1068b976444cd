"""Explicit, versioned pyarrow schemas: the single source of truth for every output column.

Each dataset written by the pipeline has one schema here.  Writers convert rows with
these schemas (never by inference), readers and warehouse DDL in ``deploy/warehouse``
are generated from or checked against them, and ``docs/schema.md`` documents them
column by column.  Bump ``SCHEMA_VERSION`` whenever a column is added, removed or
changes meaning; the version is stored in every Parquet file's metadata and in the
run manifest.
"""
from schemas.datasets import (
    ARTICLES,
    DATASETS,
    DUPLICATES,
    ENTITIES,
    QUOTES,
    REJECTS,
    DATASET_DOCS,
    SCHEMA_CHANGES,
    SCHEMA_VERSION,
    schema_for,
)

__all__ = ["ARTICLES", "DATASETS", "DUPLICATES", "DATASET_DOCS", "ENTITIES", "QUOTES", "SCHEMA_CHANGES", "REJECTS", "SCHEMA_VERSION", "schema_for"]

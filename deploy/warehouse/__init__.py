"""Warehouse DDL and load scripts generated from ``schemas`` (BigQuery, Snowflake, DuckDB)."""

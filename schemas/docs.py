"""Render ``docs/schema.md`` from the schemas' field docs, so the docs cannot drift.

    python -m schemas.docs > docs/schema.md      (tests/test_schemas.py checks it is current)
"""
from __future__ import annotations

import pyarrow as pa

from schemas.datasets import DATASET_DOCS, DATASETS, SCHEMA_VERSION, SCHEMA_CHANGES


def _type_name(type_: pa.DataType) -> str:
    if pa.types.is_list(type_):
        return f"list<{_type_name(type_.value_type)}>"
    if pa.types.is_struct(type_):
        return "struct<" + ", ".join(f"{f.name}: {_type_name(f.type)}" for f in type_) + ">"
    if pa.types.is_timestamp(type_):
        return f"timestamp[{type_.unit}, {type_.tz}]"
    return str(type_)


def _doc(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"doc", b"").decode()


def _struct_of(type_: pa.DataType):
    if pa.types.is_list(type_):
        type_ = type_.value_type
    return type_ if pa.types.is_struct(type_) else None


def render() -> str:
    out = [
        "# Output schema",
        "",
        f"Schema version **{SCHEMA_VERSION}** (stored in every Parquet file's metadata under "
        "`news_ingest.schema_version` and in each run manifest). Generated from `schemas/datasets.py` by "
        "`python -m schemas.docs`; do not edit by hand.",
        "",
        "Conventions: timestamps are microseconds in UTC; integers are signed 64-bit; nested lists use "
        "Parquet's standard three-level layout (`element`), which BigQuery reads as REPEATED with "
        "`--parquet_enable_list_inference`; the partition column `ingest_date` (UTC date of the run, "
        "`YYYY-MM-DD`) is in the folder names (`ingest_date=2026-11-28/`), not inside the files.",
        "",
    ]
    for name, schema in DATASETS.items():
        out += [f"## `{name}`", "", DATASET_DOCS[name], "", "| column | type | null | meaning |",
                "|---|---|---|---|"]
        for field in schema:
            out.append(f"| `{field.name}` | `{_type_name(field.type)}` | {'yes' if field.nullable else 'no'} "
                       f"| {_doc(field)} |")
        for field in schema:
            struct = _struct_of(field.type)
            if struct is None:
                continue
            out += ["", f"`{field.name}` elements:", "", "| field | type | null | meaning |", "|---|---|---|---|"]
            for sub in struct:
                out.append(f"| `{sub.name}` | `{_type_name(sub.type)}` | {'yes' if sub.nullable else 'no'} "
                           f"| {_doc(sub)} |")
        out.append("")
    out += ["## Changes", ""] + [f"- **{version}**: {text}" for version, text in SCHEMA_CHANGES] + [""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")

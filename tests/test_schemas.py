"""The schemas follow the warehouse conventions, and docs/schema.md is generated from them."""
import pyarrow as pa

from schemas import DATASETS, SCHEMA_VERSION, schema_for
from schemas.docs import render
from tests.conftest import REPO_ROOT


def _all_types(type_):
    yield type_
    if pa.types.is_list(type_):
        yield from _all_types(type_.value_type)
    elif pa.types.is_struct(type_):
        for field in type_:
            yield from _all_types(field.type)


def test_every_column_follows_the_warehouse_conventions():
    for name, schema in DATASETS.items():
        for field in schema:
            for type_ in _all_types(field.type):
                assert not pa.types.is_unsigned_integer(type_), f"{name}.{field.name}: unsigned"
                if pa.types.is_timestamp(type_):
                    assert (type_.unit, type_.tz) == ("us", "UTC"), f"{name}.{field.name}: {type_}"
            assert (field.metadata or {}).get(b"doc"), f"{name}.{field.name} has no doc"
        assert "ingest_date" not in schema.names, "partition column belongs in folder names"


def test_schema_metadata_carries_the_version():
    assert schema_for("articles").metadata[b"news_ingest.schema_version"] == SCHEMA_VERSION.encode()


def test_docs_schema_md_is_generated_from_the_schemas():
    current = (REPO_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert current == render(), "docs/schema.md is stale: run `python -m schemas.docs > docs/schema.md`"

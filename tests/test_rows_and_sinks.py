"""Rows match the schemas exactly, and the Parquet sink writes warehouse-ready files."""
import datetime as dt
import glob
import os

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline

from schemas import ARTICLES, ENTITIES, QUOTES, REJECTS, SCHEMA_VERSION
from transforms.rows import article_row, entity_rows, quote_rows, reject_row
from transforms.front_end import ShapeRows
from transforms import sinks
from transforms.sinks import PARTS_DIR, WriteDatasets, part_file_name, write_parquet_file

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 28, 5, 0, tzinfo=UTC)


def enriched_article(**overrides):
    article = {
        "article_id": "a" * 32, "source_type": "file", "source_name": "seeds", "source_uri": "seeds/x.txt",
        "url": None, "guid": "internal-only", "feed_language": "en", "title": "Title",
        "authors": [], "tags": [], "subheadings": ["Sub"], "summary": None,
        "published_at": dt.datetime(2021, 12, 23, tzinfo=UTC), "updated_at": None, "ingested_at": NOW,
        "language": "en", "language_score": 0.99, "body": "Body text.", "extraction": "text-file",
        "char_count": 10, "word_count": 2, "sentence_count": 1, "content_hash": "b" * 64,
        "entity_mentions": [{"text": "Mr Putin", "label": "PERSON", "start_char": 0, "end_char": 8,
                             "canonical": "Vladimir Putin"}],
        "entities": [{"name": "Vladimir Putin", "label": "PERSON", "mentions": 2,
                      "forms": ["Mr Putin", "Vladimir Putin"], "first_char": 0, "country_code": None,
                      "geo_type": None}],
        "quotes": [{"text": "We want to ensure our security,", "speaker": "Vladimir Putin", "speaker_label": "PERSON",
                    "cue": "say", "start_char": 0, "end_char": 33, "paragraphs": 1, "is_scare": False,
                    "is_partial": False, "attribution": "explicit"}],
        "keyphrases": ["security guarantees"], "nlp_model": "en_core_web_sm-3.8.0",
    }
    article.update(overrides)
    return article


def test_article_row_has_exactly_the_schema_columns_and_drops_internal_fields():
    row = article_row(enriched_article(), "run-1")
    assert list(row) == ARTICLES.names
    assert row["run_id"] == "run-1" and "guid" not in row and "feed_language" not in row


def test_missing_required_column_is_an_error_not_a_null():
    article = enriched_article()
    del article["content_hash"]
    with pytest.raises(ValueError, match="content_hash"):
        article_row(article, "run-1")


def test_entity_rows_are_derived_from_the_nested_entities():
    rows = entity_rows(enriched_article(), "run-1")
    assert len(rows) == 1 and list(rows[0]) == ENTITIES.names
    assert rows[0]["name"] == "Vladimir Putin" and rows[0]["article_id"] == "a" * 32


def test_quote_rows_are_numbered_and_carry_the_article_id():
    rows = quote_rows(enriched_article(), "run-1")
    assert [list(r) for r in rows] == [QUOTES.names]
    assert rows[0]["quote_index"] == 0 and rows[0]["speaker"] == "Vladimir Putin"


def test_reject_row_gets_run_fields():
    row = reject_row({"source_uri": "x", "stage": "decode", "reason": "empty-file"}, "run-1", NOW)
    assert list(row) == REJECTS.names and row["rejected_at"] == NOW and row["excerpt"] is None


def test_write_datasets_writes_partitioned_zstd_parquet_with_schema(tmp_path):
    out = str(tmp_path)
    with BeamTestPipeline() as p:
        articles = p | "A" >> beam.Create([enriched_article()])
        rejects = p | "R" >> beam.Create([{"source_uri": "bad.bin", "stage": "decode", "reason": "binary-content",
                                            "detail": "NUL bytes", "excerpt": "\ufffd", "source_type": None,
                                            "item_key": None}])
        {"articles": articles, "rejects": rejects} | ShapeRows("run-1") | WriteDatasets(out, "run-1", NOW)
    for dataset, schema, rows in (("articles", ARTICLES, 1), ("entities", ENTITIES, 1), ("quotes", QUOTES, 1),
                                 ("rejects", REJECTS, 1)):
        # Articles are partitioned by their ingestion, rejects by when they were rejected (now).
        files = glob.glob(os.path.join(out, dataset, "ingest_date=*", "*.parquet"))
        assert len(files) == 1, (dataset, files)
        parquet = pq.ParquetFile(files[0])
        table = parquet.read()
        assert table.num_rows == rows
        assert table.schema.names == schema.names
        assert table.schema.equals(schema, check_metadata=False)
        assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
        assert parquet.schema_arrow.metadata[b"news_ingest.schema_version"] == SCHEMA_VERSION.encode()
    article = pq.read_table(glob.glob(os.path.join(out, "articles", "*", "*.parquet"))[0]).to_pylist()[0]
    assert article["published_at"] == dt.datetime(2021, 12, 23, tzinfo=UTC)
    assert article["entities"][0]["forms"] == ["Mr Putin", "Vladimir Putin"]


def test_a_file_of_more_rows_than_an_arrow_chunk_keeps_them_all_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(sinks, "ARROW_CHUNK_ROWS", 2)
    rows = [entity_rows(enriched_article(article_id=f"{n:032d}"), "run-1")[0] for n in range(5)]
    path = str(tmp_path / "part.parquet")
    write_parquet_file(path, iter(rows), "entities")
    table = pq.read_table(path)
    assert table.schema.equals(ENTITIES, check_metadata=False)
    assert [row["article_id"] for row in table.to_pylist()] == [row["article_id"] for row in rows]
    assert pq.ParquetFile(path).metadata.num_row_groups == 1


def test_part_file_names_are_readable_and_stable():
    assert part_file_name(NOW, "run-1", 3) == part_file_name(NOW, "run-1", 3)
    assert part_file_name(NOW, "run-1", 3).startswith("part-20261128T")
    assert part_file_name(NOW, "run-1", 3).endswith("-run-1-00003.parquet")
    assert "-p2-" in part_file_name(NOW, "run-1", 0, pane_index=2)


def test_a_dataset_without_rows_gets_no_file(tmp_path):
    out = str(tmp_path)
    article = dict(enriched_article(), entities=[], quotes=[])
    with BeamTestPipeline() as p:
        shaped = {"articles": p | "A" >> beam.Create([article]),
                  "rejects": p | "R" >> beam.Create([])} | ShapeRows("run-1")
        shaped | WriteDatasets(out, "run-1", NOW)
    assert len(glob.glob(os.path.join(out, "articles", "*", "*.parquet"))) == 1
    for dataset in ("entities", "quotes", "rejects"):
        assert not os.path.exists(os.path.join(out, dataset)), dataset


def test_rows_staged_as_parts_by_several_bundles_become_one_file_per_partition(tmp_path, monkeypatch):
    # Two inputs (so parts from more than one bundle) and row groups of two rows: the same rows,
    # one file per (dataset, partition), cut into row groups; the parts stay for the commit to delete.
    monkeypatch.setattr(sinks, "ARROW_CHUNK_ROWS", 2)
    monkeypatch.setattr(sinks, "ROW_GROUP_BYTES", 1)
    out = str(tmp_path)
    articles = [enriched_article(article_id=f"{n:032d}", source_uri=f"seeds/{n}.txt") for n in range(7)]
    with BeamTestPipeline() as p:
        both = (p | "First" >> beam.Create(articles[:3]), p | "Rest" >> beam.Create(articles[3:])) | beam.Flatten()
        {"articles": both} | ShapeRows("run-1") | WriteDatasets(out, "run-1", NOW)
    for dataset in ("articles", "entities", "quotes"):
        (path,) = glob.glob(os.path.join(out, dataset, "ingest_date=*", "*.parquet"))
        parquet = pq.ParquetFile(path)
        assert sorted(parquet.read().column("article_id").to_pylist()) == [a["article_id"] for a in articles]
        assert parquet.metadata.num_row_groups == 4
        assert glob.glob(os.path.join(out, PARTS_DIR, dataset, "ingest_date=*", "*.rows"))

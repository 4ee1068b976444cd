"""DuckDB: ``duckdb.sql``, views over the Parquet folders and example analyst queries.

For tables kept in a database file, exactly once, see ``news-ingest load duckdb``
(``transforms/duckdb_load.py``); these views read the files as they are.
"""
from __future__ import annotations

import dataclasses

import pyarrow as pa

from deploy.warehouse.columns import GENERATED, PARTITION_COLUMN, scalar_type
from schemas import DATASETS

@dataclasses.dataclass(frozen=True)
class ExampleQuery:
    """An analyst query and the columns it needs, so it appears only when the schemas have them."""

    title: str
    sql: str
    needs: dict[str, tuple[str, ...]]

    def available(self) -> bool:
        return all(name in DATASETS and set(columns) <= set(DATASETS[name].names)
                   for name, columns in self.needs.items())


EXAMPLE_QUERIES = [
    ExampleQuery(
        "Top 10 entities per day of publication",
        """\
SELECT CAST(published_at AS DATE) AS day, name, label,
       sum(mentions) AS mentions, count(DISTINCT article_id) AS articles
FROM entities
WHERE published_at IS NOT NULL
GROUP BY day, name, label
QUALIFY row_number() OVER (PARTITION BY day ORDER BY sum(mentions) DESC, name) <= 10
ORDER BY day DESC, mentions DESC;""",
        {"entities": ("published_at", "name", "label", "mentions", "article_id")}),
    ExampleQuery(
        "Who is quoted most (statements, not scare quotes)",
        """\
SELECT speaker, speaker_label, count(*) AS quotes, count(DISTINCT article_id) AS articles,
       any_value(text) AS example
FROM quotes
WHERE speaker IS NOT NULL AND NOT is_scare
GROUP BY speaker, speaker_label
ORDER BY quotes DESC, speaker
LIMIT 20;""",
        {"quotes": ("speaker", "speaker_label", "article_id", "text", "is_scare")}),
    ExampleQuery(
        "People in the news with the articles they appear in (join articles and entities)",
        """\
SELECT a.published_at, a.source_name, a.title, e.name AS person, e.mentions
FROM articles AS a
JOIN entities AS e USING (article_id)
WHERE e.label = 'PERSON'
ORDER BY a.published_at DESC NULLS LAST, e.mentions DESC
LIMIT 50;""",
        {"articles": ("article_id", "published_at", "source_name", "title"),
         "entities": ("article_id", "name", "label", "mentions")}),
    ExampleQuery(
        "Articles per source and day of ingestion",
        """\
SELECT ingest_date, source_name, count(*) AS articles, sum(word_count) AS words
FROM articles
GROUP BY ALL
ORDER BY ingest_date DESC, articles DESC;""",
        {"articles": ("source_name", "word_count")}),
    ExampleQuery(
        "Entity mentions with their offsets, straight from the nested column",
        """\
SELECT article_id, m.text, m.label, m.canonical, m.start_char
FROM (SELECT article_id, unnest(entity_mentions) AS m FROM articles)
LIMIT 20;""",
        {"articles": ("article_id", "entity_mentions")}),
    ExampleQuery(
        "Why inputs were rejected",
        """\
SELECT stage, reason, count(*) AS rejects, any_value(source_uri) AS example
FROM rejects
GROUP BY stage, reason
ORDER BY rejects DESC;""",
        {"rejects": ("stage", "reason", "source_uri")}),
]


def duckdb_type(type_: pa.DataType, name: str = "") -> str:
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return duckdb_type(type_.value_type, name) + "[]"
    if pa.types.is_struct(type_):
        fields = ", ".join(f"{type_.field(i).name} {duckdb_type(type_.field(i).type, name)}"
                           for i in range(type_.num_fields))
        return f"STRUCT({fields})"
    return scalar_type("duckdb", type_, name)


def duckdb_view(name: str) -> str:
    # A dataset with no rows yet has no files (no empty files are written), and read_parquet
    # cannot type nothing: allow_empty gives a placeholder column `empty`, the typed empty
    # row set supplies the real columns, and COLUMNS drops the placeholder.
    # union_by_name: files written before a column was added read it as NULL.
    typed = ",\n         ".join(f"CAST(NULL AS {duckdb_type(f.type, f.name)}) AS {f.name}" for f in DATASETS[name])
    return (f"CREATE OR REPLACE VIEW {name} AS\n"
            f"SELECT COLUMNS(lambda c: c <> 'empty') FROM (\n"
            f"  SELECT {typed},\n         CAST(NULL AS DATE) AS {PARTITION_COLUMN} WHERE false\n"
            f"  UNION ALL BY NAME\n"
            f"  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/{name}/*/*.parquet',\n"
            f"                             allow_empty = true, hive_partitioning = true,\n"
            f"                             hive_types = {{'{PARTITION_COLUMN}': DATE}}, union_by_name = true));")


def duckdb_sql() -> str:
    views = "\n\n".join(duckdb_view(name) for name in DATASETS)
    examples = "\n\n".join(f"-- {q.title}\n{q.sql}" for q in EXAMPLE_QUERIES if q.available())
    skipped = [q.title for q in EXAMPLE_QUERIES if not q.available()]
    skipped_note = "".join(f"\n-- (skipped until the schemas have its columns: {t})" for t in skipped)
    return f"""\
-- {GENERATED}
--
-- DuckDB views over news-ingest's Parquet datasets, and example analyst queries.
-- The views read the folder in the variable news_ingest_output (the pipeline's --output;
-- default: data, relative to where DuckDB runs), e.g.
--   duckdb -c "SET VARIABLE news_ingest_output = '/srv/news/data'" -c ".read deploy/warehouse/duckdb.sql"
-- The views look the variable up when queried: set it again in each new session.  For
-- tables that stay in a database file, exactly once, use `news-ingest load duckdb`.
-- A dataset with no files yet reads as an empty view.  Needs DuckDB 1.3 or later.
-- gs:// works too with DuckDB's httpfs extension and a GCS secret:
--   CREATE SECRET (TYPE gcs, KEY_ID '...', SECRET '...').
-- The glob dataset/*/*.parquet reads committed part files only: a run's files are written
-- under _staging/ or under temporary names that do not end in .parquet.

SET TimeZone = 'UTC';  -- days below are UTC days, like ingest_date
SET VARIABLE news_ingest_output = COALESCE(getvariable('news_ingest_output'), 'data');

{views}

-- ---- example queries ----

{examples}{skipped_note}
"""

-- Generated from schemas/datasets.py (schema version 2) by `python -m deploy.warehouse.generate_ddl`; do not edit.
--
-- DuckDB views over news-ingest's Parquet datasets, and example analyst queries.
-- The views read the folder in the variable news_ingest_output (the pipeline's --output;
-- default: data, relative to where DuckDB runs), e.g.
--   duckdb -c "SET VARIABLE news_ingest_output = '/srv/news/data'" -c ".read deploy/warehouse/duckdb.sql"
-- The views look the variable up when queried: set it again in each new session.  For
-- tables that stay in a database file, exactly once, use `news-ingest load duckdb`.
-- gs:// works too with DuckDB's httpfs extension and a GCS secret:
--   CREATE SECRET (TYPE gcs, KEY_ID '...', SECRET '...').
-- The glob dataset/*/*.parquet reads committed part files only: a run's files are written
-- under _staging/ or under temporary names that do not end in .parquet.

SET TimeZone = 'UTC';  -- days below are UTC days, like ingest_date
SET VARIABLE news_ingest_output = COALESCE(getvariable('news_ingest_output'), 'data');

CREATE OR REPLACE VIEW articles AS
SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/articles/*/*.parquet',
                           hive_partitioning = true,
                           hive_types = {'ingest_date': DATE}, union_by_name = true);

CREATE OR REPLACE VIEW entities AS
SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/entities/*/*.parquet',
                           hive_partitioning = true,
                           hive_types = {'ingest_date': DATE}, union_by_name = true);

CREATE OR REPLACE VIEW quotes AS
SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/quotes/*/*.parquet',
                           hive_partitioning = true,
                           hive_types = {'ingest_date': DATE}, union_by_name = true);

CREATE OR REPLACE VIEW rejects AS
SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/rejects/*/*.parquet',
                           hive_partitioning = true,
                           hive_types = {'ingest_date': DATE}, union_by_name = true);

-- ---- example queries ----

-- Top 10 entities per day of publication
SELECT CAST(published_at AS DATE) AS day, name, label,
       sum(mentions) AS mentions, count(DISTINCT article_id) AS articles
FROM entities
WHERE published_at IS NOT NULL
GROUP BY day, name, label
QUALIFY row_number() OVER (PARTITION BY day ORDER BY sum(mentions) DESC, name) <= 10
ORDER BY day DESC, mentions DESC;

-- Who is quoted most (statements, not scare quotes)
SELECT speaker, speaker_label, count(*) AS quotes, count(DISTINCT article_id) AS articles,
       any_value(text) AS example
FROM quotes
WHERE speaker IS NOT NULL AND NOT is_scare
GROUP BY speaker, speaker_label
ORDER BY quotes DESC, speaker
LIMIT 20;

-- People in the news with the articles they appear in (join articles and entities)
SELECT a.published_at, a.source_name, a.title, e.name AS person, e.mentions
FROM articles AS a
JOIN entities AS e USING (article_id)
WHERE e.label = 'PERSON'
ORDER BY a.published_at DESC NULLS LAST, e.mentions DESC
LIMIT 50;

-- Articles per source and day of ingestion
SELECT ingest_date, source_name, count(*) AS articles, sum(word_count) AS words
FROM articles
GROUP BY ALL
ORDER BY ingest_date DESC, articles DESC;

-- Entity mentions with their offsets, straight from the nested column
SELECT article_id, m.text, m.label, m.canonical, m.start_char
FROM (SELECT article_id, unnest(entity_mentions) AS m FROM articles)
LIMIT 20;

-- Why inputs were rejected
SELECT stage, reason, count(*) AS rejects, any_value(source_uri) AS example
FROM rejects
GROUP BY stage, reason
ORDER BY rejects DESC;

-- Generated from schemas/datasets.py (schema version 3) by `python -m deploy.warehouse.generate_ddl`; do not edit.
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

CREATE OR REPLACE VIEW articles AS
SELECT COLUMNS(lambda c: c <> 'empty') FROM (
  SELECT CAST(NULL AS VARCHAR) AS article_id,
         CAST(NULL AS VARCHAR) AS source_type,
         CAST(NULL AS VARCHAR) AS source_name,
         CAST(NULL AS VARCHAR) AS source_uri,
         CAST(NULL AS VARCHAR) AS url,
         CAST(NULL AS VARCHAR) AS title,
         CAST(NULL AS VARCHAR[]) AS authors,
         CAST(NULL AS VARCHAR[]) AS tags,
         CAST(NULL AS VARCHAR[]) AS subheadings,
         CAST(NULL AS VARCHAR) AS summary,
         CAST(NULL AS TIMESTAMPTZ) AS published_at,
         CAST(NULL AS TIMESTAMPTZ) AS updated_at,
         CAST(NULL AS TIMESTAMPTZ) AS ingested_at,
         CAST(NULL AS VARCHAR) AS language,
         CAST(NULL AS DOUBLE) AS language_score,
         CAST(NULL AS VARCHAR) AS body,
         CAST(NULL AS VARCHAR) AS extraction,
         CAST(NULL AS BIGINT) AS char_count,
         CAST(NULL AS BIGINT) AS word_count,
         CAST(NULL AS BIGINT) AS sentence_count,
         CAST(NULL AS VARCHAR) AS content_hash,
         CAST(NULL AS STRUCT(text VARCHAR, label VARCHAR, start_char BIGINT, end_char BIGINT, canonical VARCHAR)[]) AS entity_mentions,
         CAST(NULL AS STRUCT(name VARCHAR, label VARCHAR, mentions BIGINT, forms VARCHAR[], first_char BIGINT, country_code VARCHAR, geo_type VARCHAR)[]) AS entities,
         CAST(NULL AS VARCHAR[]) AS keyphrases,
         CAST(NULL AS STRUCT(text VARCHAR, speaker VARCHAR, speaker_label VARCHAR, cue VARCHAR, start_char BIGINT, end_char BIGINT, paragraphs BIGINT, is_scare BOOLEAN, is_partial BOOLEAN, attribution VARCHAR)[]) AS quotes,
         CAST(NULL AS STRUCT(text VARCHAR, kind VARCHAR, value DOUBLE, unit VARCHAR, currency VARCHAR, start_char BIGINT, end_char BIGINT)[]) AS amounts,
         CAST(NULL AS STRUCT(text VARCHAR, resolution VARCHAR, year BIGINT, month BIGINT, day BIGINT, start_char BIGINT, end_char BIGINT)[]) AS dates_mentioned,
         CAST(NULL AS VARCHAR) AS nlp_model,
         CAST(NULL AS VARCHAR) AS duplicate_of,
         CAST(NULL AS DOUBLE) AS duplicate_similarity,
         CAST(NULL AS VARCHAR) AS run_id,
         CAST(NULL AS DATE) AS ingest_date WHERE false
  UNION ALL BY NAME
  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/articles/*/*.parquet',
                             allow_empty = true, hive_partitioning = true,
                             hive_types = {'ingest_date': DATE}, union_by_name = true));

CREATE OR REPLACE VIEW entities AS
SELECT COLUMNS(lambda c: c <> 'empty') FROM (
  SELECT CAST(NULL AS VARCHAR) AS article_id,
         CAST(NULL AS VARCHAR) AS name,
         CAST(NULL AS VARCHAR) AS label,
         CAST(NULL AS BIGINT) AS mentions,
         CAST(NULL AS VARCHAR[]) AS forms,
         CAST(NULL AS BIGINT) AS first_char,
         CAST(NULL AS VARCHAR) AS country_code,
         CAST(NULL AS VARCHAR) AS geo_type,
         CAST(NULL AS TIMESTAMPTZ) AS published_at,
         CAST(NULL AS VARCHAR) AS source_name,
         CAST(NULL AS VARCHAR) AS run_id,
         CAST(NULL AS DATE) AS ingest_date WHERE false
  UNION ALL BY NAME
  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/entities/*/*.parquet',
                             allow_empty = true, hive_partitioning = true,
                             hive_types = {'ingest_date': DATE}, union_by_name = true));

CREATE OR REPLACE VIEW quotes AS
SELECT COLUMNS(lambda c: c <> 'empty') FROM (
  SELECT CAST(NULL AS VARCHAR) AS article_id,
         CAST(NULL AS BIGINT) AS quote_index,
         CAST(NULL AS VARCHAR) AS text,
         CAST(NULL AS VARCHAR) AS speaker,
         CAST(NULL AS VARCHAR) AS speaker_label,
         CAST(NULL AS VARCHAR) AS cue,
         CAST(NULL AS BIGINT) AS start_char,
         CAST(NULL AS BIGINT) AS end_char,
         CAST(NULL AS BIGINT) AS paragraphs,
         CAST(NULL AS BOOLEAN) AS is_scare,
         CAST(NULL AS BOOLEAN) AS is_partial,
         CAST(NULL AS VARCHAR) AS attribution,
         CAST(NULL AS TIMESTAMPTZ) AS published_at,
         CAST(NULL AS VARCHAR) AS source_name,
         CAST(NULL AS VARCHAR) AS run_id,
         CAST(NULL AS DATE) AS ingest_date WHERE false
  UNION ALL BY NAME
  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/quotes/*/*.parquet',
                             allow_empty = true, hive_partitioning = true,
                             hive_types = {'ingest_date': DATE}, union_by_name = true));

CREATE OR REPLACE VIEW rejects AS
SELECT COLUMNS(lambda c: c <> 'empty') FROM (
  SELECT CAST(NULL AS VARCHAR) AS source_uri,
         CAST(NULL AS VARCHAR) AS source_type,
         CAST(NULL AS VARCHAR) AS item_key,
         CAST(NULL AS VARCHAR) AS stage,
         CAST(NULL AS VARCHAR) AS reason,
         CAST(NULL AS VARCHAR) AS detail,
         CAST(NULL AS VARCHAR) AS excerpt,
         CAST(NULL AS TIMESTAMPTZ) AS rejected_at,
         CAST(NULL AS VARCHAR) AS run_id,
         CAST(NULL AS DATE) AS ingest_date WHERE false
  UNION ALL BY NAME
  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/rejects/*/*.parquet',
                             allow_empty = true, hive_partitioning = true,
                             hive_types = {'ingest_date': DATE}, union_by_name = true));

CREATE OR REPLACE VIEW duplicates AS
SELECT COLUMNS(lambda c: c <> 'empty') FROM (
  SELECT CAST(NULL AS VARCHAR) AS article_id,
         CAST(NULL AS VARCHAR) AS source_uri,
         CAST(NULL AS VARCHAR) AS source_type,
         CAST(NULL AS VARCHAR) AS url,
         CAST(NULL AS VARCHAR) AS title,
         CAST(NULL AS VARCHAR) AS content_hash,
         CAST(NULL AS VARCHAR) AS key,
         CAST(NULL AS VARCHAR) AS found_in,
         CAST(NULL AS VARCHAR) AS duplicate_of,
         CAST(NULL AS DOUBLE) AS similarity,
         CAST(NULL AS TIMESTAMPTZ) AS ingested_at,
         CAST(NULL AS VARCHAR) AS run_id,
         CAST(NULL AS DATE) AS ingest_date WHERE false
  UNION ALL BY NAME
  SELECT * FROM read_parquet(getvariable('news_ingest_output') || '/duplicates/*/*.parquet',
                             allow_empty = true, hive_partitioning = true,
                             hive_types = {'ingest_date': DATE}, union_by_name = true));

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

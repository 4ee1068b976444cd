-- Generated from schemas/datasets.py (schema version 3) by `python -m deploy.warehouse.generate_ddl`; do not edit.
--
-- Snowflake: tables for news-ingest's Parquet datasets and an exactly-once load.
-- Replace the two placeholders below (YOUR_BUCKET/PATH = the pipeline's --output,
-- YOUR_GCS_INTEGRATION = a storage integration your account admin created once:
--   CREATE STORAGE INTEGRATION YOUR_GCS_INTEGRATION TYPE = EXTERNAL_STAGE
--     STORAGE_PROVIDER = 'GCS' ENABLED = TRUE STORAGE_ALLOWED_LOCATIONS = ('gcs://YOUR_BUCKET/PATH/');
-- then grant its service account (DESC STORAGE INTEGRATION) read access to the bucket).
-- For S3 or Azure, change the stage URL and integration; nothing else depends on GCS.
--
-- Run the whole file once; afterwards run the LOAD section after every batch run.
-- 1. COPY INTO loads the part files it has not loaded before (it remembers them for 64
--    days) into transient staging tables; the PATTERN takes committed part files only,
--    never temporary files (*.tmp) or a run's _staging/ folder.
-- 2. One transaction upserts the staged rows: an article replaces the stored row with the
--    same article_id unless that one is newer (ingested_at), e.g. after --reprocess, and
--    all its entity and quote rows go with it; rejects replace the rows of the same run
--    and day.  ingest_date comes from each file's path through the _stage_*_dated views,
--    so every row is written once, with its date (no UPDATE afterwards).
-- 3. The same transaction empties the staging tables (DELETE, not TRUNCATE: TRUNCATE
--    would also forget which files COPY loaded).
-- Running the LOAD section twice, or a file loaded twice, rewrites the same rows.

CREATE FILE FORMAT IF NOT EXISTS news_ingest_parquet
  TYPE = PARQUET
  COMPRESSION = AUTO            -- the files are zstd-compressed
  USE_VECTORIZED_SCANNER = TRUE;

CREATE STAGE IF NOT EXISTS news_ingest_stage
  URL = 'gcs://YOUR_BUCKET/PATH/'
  STORAGE_INTEGRATION = YOUR_GCS_INTEGRATION
  FILE_FORMAT = news_ingest_parquet;

CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR NOT NULL COMMENT 'Stable id: sha256 of the canonical URL, feed GUID or file content, 32 hex chars.',
    source_type VARCHAR NOT NULL COMMENT '`file`, `feed` or `html`.',
    source_name VARCHAR COMMENT 'Feed title, site or folder the article came from.',
    source_uri VARCHAR NOT NULL COMMENT 'File path or feed URL the record was read from.',
    url VARCHAR COMMENT 'Canonical article URL (tracking parameters removed).',
    title VARCHAR COMMENT 'Headline.',
    authors ARRAY NOT NULL COMMENT 'Bylines.',
    tags ARRAY NOT NULL COMMENT 'Feed categories / tags.',
    subheadings ARRAY NOT NULL COMMENT 'Cross-heads found between paragraphs, in order.',
    summary VARCHAR COMMENT 'Feed summary or standfirst, as clean text.',
    published_at TIMESTAMP_TZ COMMENT 'Publication time in UTC; null when the source gives none.',
    updated_at TIMESTAMP_TZ COMMENT 'Last update time in UTC, when the source gives one.',
    ingested_at TIMESTAMP_TZ NOT NULL COMMENT 'When this run read the record (UTC).',
    language VARCHAR COMMENT 'ISO 639-1 language of the body.',
    language_score FLOAT COMMENT 'Confidence of the language guess, 0..1.',
    body VARCHAR NOT NULL COMMENT 'Clean article text, paragraphs separated by a blank line.',
    extraction VARCHAR NOT NULL COMMENT 'How the body was obtained (text-file, feed-content, trafilatura, ...).',
    char_count BIGINT NOT NULL COMMENT 'Characters in `body`.',
    word_count BIGINT NOT NULL COMMENT 'Words in `body`.',
    sentence_count BIGINT COMMENT 'Sentences in `body` (null when NLP was skipped).',
    content_hash VARCHAR NOT NULL COMMENT 'sha256 of the normalised body; equal bodies have equal hashes.',
    entity_mentions ARRAY NOT NULL COMMENT 'Every named-entity mention in `body`, with offsets.',
    entities ARRAY NOT NULL COMMENT 'Named entities (people, organisations, places, ...) aggregated by canonical name, most mentioned first; numbers and dates are in `amounts` and `dates_mentioned`.',
    keyphrases ARRAY NOT NULL COMMENT 'Top noun phrases, best first (no stop words).',
    quotes ARRAY NOT NULL COMMENT 'Direct quotations with speakers, in order of appearance.',
    amounts ARRAY NOT NULL COMMENT 'Money, percentages and counted quantities, as GDELT records amounts.',
    dates_mentioned ARRAY NOT NULL COMMENT 'Dates mentioned in the body, resolved where possible.',
    nlp_model VARCHAR COMMENT 'spaCy model and version used (null when NLP was skipped).',
    duplicate_of VARCHAR COMMENT 'For a near-duplicate (a copy of an earlier story with small edits, written because `--near_duplicates mark`): the `article_id` of the story''s first copy. Null for original articles.',
    duplicate_similarity FLOAT COMMENT 'Estimated Jaccard similarity (MinHash, 4-word shingles) to the closest earlier copy, when `duplicate_of` is set.',
    run_id VARCHAR NOT NULL COMMENT 'Run that wrote the row (see `_runs/<run_id>.json`).',
    ingest_date DATE COMMENT 'UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition).',
    source_file VARCHAR COMMENT 'Staged file the row was loaded from (METADATA$FILENAME).'
)
CLUSTER BY (ingest_date, source_name, language)
COMMENT = 'One row per article (deduplicated by `article_id` and `content_hash` across runs).';

CREATE TABLE IF NOT EXISTS entities (
    article_id VARCHAR NOT NULL COMMENT 'Joins to `articles.article_id`.',
    name VARCHAR NOT NULL COMMENT 'Canonical entity name within the article.',
    label VARCHAR NOT NULL COMMENT 'spaCy entity label.',
    mentions BIGINT NOT NULL COMMENT 'Mentions in the article.',
    forms ARRAY NOT NULL COMMENT 'Surface forms seen.',
    first_char BIGINT COMMENT 'Offset of the first mention in the article body.',
    country_code VARCHAR COMMENT 'ISO 3166-1 alpha-2 for places.',
    geo_type VARCHAR COMMENT '`country`, `city`, `region` or `continent` for places.',
    published_at TIMESTAMP_TZ COMMENT 'Article publication time (UTC), for time series without a join.',
    source_name VARCHAR COMMENT 'Article source name.',
    run_id VARCHAR NOT NULL COMMENT 'Run that wrote the row.',
    ingest_date DATE COMMENT 'UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition).',
    source_file VARCHAR COMMENT 'Staged file the row was loaded from (METADATA$FILENAME).'
)
CLUSTER BY (ingest_date, label, name)
COMMENT = 'One row per article and canonical entity: the `articles.entities` list, flat, for joins.';

CREATE TABLE IF NOT EXISTS quotes (
    article_id VARCHAR NOT NULL COMMENT 'Joins to `articles.article_id`.',
    quote_index BIGINT NOT NULL COMMENT 'Position of the quote in the article (0-based).',
    text VARCHAR NOT NULL COMMENT 'The quoted words, without the quote marks (paragraphs joined by a blank line).',
    speaker VARCHAR COMMENT 'Canonical name of the speaker (an entity of the article), null if unknown.',
    speaker_label VARCHAR COMMENT 'Entity label of the speaker (PERSON, ORG, ...).',
    cue VARCHAR COMMENT 'Lemma of the reporting verb (`say`, `warn`, `add`, ...).',
    start_char BIGINT NOT NULL COMMENT 'Offset in `body` of the opening quote mark.',
    end_char BIGINT NOT NULL COMMENT 'Offset in `body` one past the closing quote mark (or the quote''s last character).',
    paragraphs BIGINT NOT NULL COMMENT 'Paragraphs the quotation runs over (1 for most).',
    is_scare BOOLEAN NOT NULL COMMENT 'Under five words: a scare quote or term, not a statement.',
    is_partial BOOLEAN NOT NULL COMMENT 'A fragment quoted inside reported speech rather than a full statement.',
    attribution VARCHAR COMMENT 'How the speaker was found: `explicit`, `follow-on`, `pronoun` or null.',
    published_at TIMESTAMP_TZ COMMENT 'Article publication time (UTC).',
    source_name VARCHAR COMMENT 'Article source name.',
    run_id VARCHAR NOT NULL COMMENT 'Run that wrote the row.',
    ingest_date DATE COMMENT 'UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition).',
    source_file VARCHAR COMMENT 'Staged file the row was loaded from (METADATA$FILENAME).'
)
CLUSTER BY (ingest_date, speaker)
COMMENT = 'One row per direct quotation: the `articles.quotes` list, flat, with the article''s id.';

CREATE TABLE IF NOT EXISTS rejects (
    source_uri VARCHAR NOT NULL COMMENT 'File path or URL that could not be (fully) ingested.',
    source_type VARCHAR COMMENT '`file`, `feed`, `html` or null if unknown.',
    item_key VARCHAR COMMENT 'Entry id / link inside a feed, when one entry was rejected.',
    stage VARCHAR NOT NULL COMMENT 'Pipeline stage: discover, fetch, decode, parse, extract, normalize, nlp, write.',
    reason VARCHAR NOT NULL COMMENT 'Short machine-groupable reason (e.g. `empty-file`, `binary-content`).',
    detail VARCHAR COMMENT 'Human-readable explanation (exception message, HTTP status, ...).',
    excerpt VARCHAR COMMENT 'First characters of the offending input, for eyeballing.',
    rejected_at TIMESTAMP_TZ NOT NULL COMMENT 'When the record was rejected (UTC).',
    run_id VARCHAR NOT NULL COMMENT 'Run that produced the reject.',
    ingest_date DATE COMMENT 'UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition).',
    source_file VARCHAR COMMENT 'Staged file the row was loaded from (METADATA$FILENAME).'
)
CLUSTER BY (ingest_date, stage, reason)
COMMENT = 'One row per input (file, feed, entry, page) that could not be ingested, with the stage and reason. Nothing is dropped silently: every input ends as an article, a duplicate (counted in the run manifest and listed in `duplicates`) or a reject.';

CREATE TABLE IF NOT EXISTS duplicates (
    article_id VARCHAR NOT NULL COMMENT 'Id of the dropped article (as it would have been in `articles`).',
    source_uri VARCHAR NOT NULL COMMENT 'File path or feed URL the dropped copy was read from.',
    source_type VARCHAR COMMENT '`file`, `feed` or `html`.',
    url VARCHAR COMMENT 'Canonical URL of the dropped copy.',
    title VARCHAR COMMENT 'Headline of the dropped copy.',
    content_hash VARCHAR COMMENT 'sha256 of the dropped copy''s normalised body.',
    key VARCHAR NOT NULL COMMENT 'The key it lost on: `article_id` (the same article again), `content_hash` (the same text under another id) or `near_duplicate` (the same story with small edits, dropped because `--near_duplicates skip`).',
    found_in VARCHAR NOT NULL COMMENT 'Where the kept copy is: `this_run`, `earlier_run` (found in the seen-key index) or `stream` (seen earlier by a streaming job).',
    duplicate_of VARCHAR COMMENT '`article_id` of the copy that was kept (the story''s first copy); null when a streaming job only knows the content was seen.',
    similarity FLOAT COMMENT 'Estimated Jaccard similarity for `near_duplicate`, else null.',
    ingested_at TIMESTAMP_TZ NOT NULL COMMENT 'When the run read the dropped copy (UTC).',
    run_id VARCHAR NOT NULL COMMENT 'Run that dropped it.',
    ingest_date DATE COMMENT 'UTC date of the run that wrote the row, from the ingest_date=YYYY-MM-DD folder (partition).',
    source_file VARCHAR COMMENT 'Staged file the row was loaded from (METADATA$FILENAME).'
)
CLUSTER BY (ingest_date)
COMMENT = 'One row per article a run read and did not write because it had been written before: which copy, the key it lost on and the `article_id` it duplicates. Together with `articles` and `rejects` it accounts for everything read.';

CREATE TRANSIENT TABLE IF NOT EXISTS _stage_articles LIKE articles;
CREATE OR REPLACE VIEW _stage_articles_dated AS
SELECT article_id, source_type, source_name, source_uri, url, title, authors, tags, subheadings, summary, published_at, updated_at, ingested_at, language, language_score, body, extraction, char_count, word_count, sentence_count, content_hash, entity_mentions, entities, keyphrases, quotes, amounts, dates_mentioned, nlp_model, duplicate_of, duplicate_similarity, run_id,
       TO_DATE(REGEXP_SUBSTR(source_file, 'ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1, 1, 'e', 1)) AS ingest_date,
       source_file
FROM _stage_articles;

CREATE TRANSIENT TABLE IF NOT EXISTS _stage_entities LIKE entities;
CREATE OR REPLACE VIEW _stage_entities_dated AS
SELECT article_id, name, label, mentions, forms, first_char, country_code, geo_type, published_at, source_name, run_id,
       TO_DATE(REGEXP_SUBSTR(source_file, 'ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1, 1, 'e', 1)) AS ingest_date,
       source_file
FROM _stage_entities;

CREATE TRANSIENT TABLE IF NOT EXISTS _stage_quotes LIKE quotes;
CREATE OR REPLACE VIEW _stage_quotes_dated AS
SELECT article_id, quote_index, text, speaker, speaker_label, cue, start_char, end_char, paragraphs, is_scare, is_partial, attribution, published_at, source_name, run_id,
       TO_DATE(REGEXP_SUBSTR(source_file, 'ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1, 1, 'e', 1)) AS ingest_date,
       source_file
FROM _stage_quotes;

CREATE TRANSIENT TABLE IF NOT EXISTS _stage_rejects LIKE rejects;
CREATE OR REPLACE VIEW _stage_rejects_dated AS
SELECT source_uri, source_type, item_key, stage, reason, detail, excerpt, rejected_at, run_id,
       TO_DATE(REGEXP_SUBSTR(source_file, 'ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1, 1, 'e', 1)) AS ingest_date,
       source_file
FROM _stage_rejects;

CREATE TRANSIENT TABLE IF NOT EXISTS _stage_duplicates LIKE duplicates;
CREATE OR REPLACE VIEW _stage_duplicates_dated AS
SELECT article_id, source_uri, source_type, url, title, content_hash, key, found_in, duplicate_of, similarity, ingested_at, run_id,
       TO_DATE(REGEXP_SUBSTR(source_file, 'ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1, 1, 'e', 1)) AS ingest_date,
       source_file
FROM _stage_duplicates;

-- ---- LOAD (re-run after each batch run) ----

COPY INTO _stage_articles
  FROM @news_ingest_stage/articles/
  PATTERN = '.*ingest_date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[^/]+[.]parquet'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;

COPY INTO _stage_entities
  FROM @news_ingest_stage/entities/
  PATTERN = '.*ingest_date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[^/]+[.]parquet'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;

COPY INTO _stage_quotes
  FROM @news_ingest_stage/quotes/
  PATTERN = '.*ingest_date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[^/]+[.]parquet'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;

COPY INTO _stage_rejects
  FROM @news_ingest_stage/rejects/
  PATTERN = '.*ingest_date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[^/]+[.]parquet'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;

COPY INTO _stage_duplicates
  FROM @news_ingest_stage/duplicates/
  PATTERN = '.*ingest_date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[^/]+[.]parquet'
  FILE_FORMAT = (FORMAT_NAME = 'news_ingest_parquet')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  INCLUDE_METADATA = (source_file = METADATA$FILENAME)
  ON_ERROR = ABORT_STATEMENT;

BEGIN TRANSACTION;

-- articles: the newest staged version of each article, unless the stored one is newer
MERGE INTO articles AS t
USING (SELECT * FROM _stage_articles_dated
       QUALIFY ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY ingested_at DESC, run_id DESC) = 1) AS s
ON t.article_id = s.article_id
WHEN MATCHED AND s.ingested_at >= t.ingested_at THEN UPDATE SET
    source_type = s.source_type,
    source_name = s.source_name,
    source_uri = s.source_uri,
    url = s.url,
    title = s.title,
    authors = s.authors,
    tags = s.tags,
    subheadings = s.subheadings,
    summary = s.summary,
    published_at = s.published_at,
    updated_at = s.updated_at,
    ingested_at = s.ingested_at,
    language = s.language,
    language_score = s.language_score,
    body = s.body,
    extraction = s.extraction,
    char_count = s.char_count,
    word_count = s.word_count,
    sentence_count = s.sentence_count,
    content_hash = s.content_hash,
    entity_mentions = s.entity_mentions,
    entities = s.entities,
    keyphrases = s.keyphrases,
    quotes = s.quotes,
    amounts = s.amounts,
    dates_mentioned = s.dates_mentioned,
    nlp_model = s.nlp_model,
    duplicate_of = s.duplicate_of,
    duplicate_similarity = s.duplicate_similarity,
    run_id = s.run_id,
    ingest_date = s.ingest_date,
    source_file = s.source_file
WHEN NOT MATCHED THEN INSERT (article_id, source_type, source_name, source_uri, url, title, authors, tags, subheadings, summary, published_at, updated_at, ingested_at, language, language_score, body, extraction, char_count, word_count, sentence_count, content_hash, entity_mentions, entities, keyphrases, quotes, amounts, dates_mentioned, nlp_model, duplicate_of, duplicate_similarity, run_id, ingest_date, source_file)
  VALUES (s.article_id, s.source_type, s.source_name, s.source_uri, s.url, s.title, s.authors, s.tags, s.subheadings, s.summary, s.published_at, s.updated_at, s.ingested_at, s.language, s.language_score, s.body, s.extraction, s.char_count, s.word_count, s.sentence_count, s.content_hash, s.entity_mentions, s.entities, s.keyphrases, s.quotes, s.amounts, s.dates_mentioned, s.nlp_model, s.duplicate_of, s.duplicate_similarity, s.run_id, s.ingest_date, s.source_file);

-- entities: all rows of every article whose staged version won, replaced
DELETE FROM entities USING (
    SELECT DISTINCT a.article_id FROM articles AS a
    JOIN _stage_articles AS s ON s.article_id = a.article_id AND s.run_id = a.run_id) AS w
  WHERE entities.article_id = w.article_id;
INSERT INTO entities (article_id, name, label, mentions, forms, first_char, country_code, geo_type, published_at, source_name, run_id, ingest_date, source_file)
SELECT n.article_id, n.name, n.label, n.mentions, n.forms, n.first_char, n.country_code, n.geo_type, n.published_at, n.source_name, n.run_id, n.ingest_date, n.source_file FROM _stage_entities_dated AS n
WHERE EXISTS (SELECT 1 FROM articles AS a WHERE a.article_id = n.article_id AND a.run_id = n.run_id);

-- quotes: all rows of every article whose staged version won, replaced
DELETE FROM quotes USING (
    SELECT DISTINCT a.article_id FROM articles AS a
    JOIN _stage_articles AS s ON s.article_id = a.article_id AND s.run_id = a.run_id) AS w
  WHERE quotes.article_id = w.article_id;
INSERT INTO quotes (article_id, quote_index, text, speaker, speaker_label, cue, start_char, end_char, paragraphs, is_scare, is_partial, attribution, published_at, source_name, run_id, ingest_date, source_file)
SELECT n.article_id, n.quote_index, n.text, n.speaker, n.speaker_label, n.cue, n.start_char, n.end_char, n.paragraphs, n.is_scare, n.is_partial, n.attribution, n.published_at, n.source_name, n.run_id, n.ingest_date, n.source_file FROM _stage_quotes_dated AS n
WHERE EXISTS (SELECT 1 FROM articles AS a WHERE a.article_id = n.article_id AND a.run_id = n.run_id);

-- rejects: a log per run, replaced per (run_id, ingest_date)
DELETE FROM rejects USING (SELECT DISTINCT run_id, ingest_date FROM _stage_rejects_dated) AS r
  WHERE rejects.run_id = r.run_id AND rejects.ingest_date = r.ingest_date;
INSERT INTO rejects (source_uri, source_type, item_key, stage, reason, detail, excerpt, rejected_at, run_id, ingest_date, source_file)
SELECT source_uri, source_type, item_key, stage, reason, detail, excerpt, rejected_at, run_id, ingest_date, source_file FROM _stage_rejects_dated;

-- duplicates: a log per run, replaced per (run_id, ingest_date)
DELETE FROM duplicates USING (SELECT DISTINCT run_id, ingest_date FROM _stage_duplicates_dated) AS r
  WHERE duplicates.run_id = r.run_id AND duplicates.ingest_date = r.ingest_date;
INSERT INTO duplicates (article_id, source_uri, source_type, url, title, content_hash, key, found_in, duplicate_of, similarity, ingested_at, run_id, ingest_date, source_file)
SELECT article_id, source_uri, source_type, url, title, content_hash, key, found_in, duplicate_of, similarity, ingested_at, run_id, ingest_date, source_file FROM _stage_duplicates_dated;

DELETE FROM _stage_articles;
DELETE FROM _stage_entities;
DELETE FROM _stage_quotes;
DELETE FROM _stage_rejects;
DELETE FROM _stage_duplicates;

COMMIT;

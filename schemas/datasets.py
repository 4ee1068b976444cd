"""pyarrow schemas of the datasets news-ingest writes.

Conventions, chosen for warehouses (BigQuery, Snowflake, DuckDB):
* timestamps are ``timestamp[us, UTC]`` (BigQuery and Snowflake have microsecond precision);
* integers are signed ``int64`` (BigQuery has no unsigned types);
* nested data uses ``list<struct<...>>`` that BigQuery loads as ``REPEATED RECORD``;
* partition columns (``ingest_date``) live in the Hive-style folder names, not in the files.
"""
import pyarrow as pa

SCHEMA_VERSION = "1"

TIMESTAMP = pa.timestamp("us", tz="UTC")


def _f(name, type_, nullable=True, doc=""):
    metadata = {"doc": doc} if doc else None
    return pa.field(name, type_, nullable=nullable, metadata=metadata)


ENTITY_MENTION = pa.struct([
    _f("text", pa.string(), False, "The mention as written in the body."),
    _f("label", pa.string(), False, "spaCy entity label (PERSON, ORG, GPE, ...)."),
    _f("start_char", pa.int64(), False, "Offset of the first character in `body`."),
    _f("end_char", pa.int64(), False, "Offset one past the last character in `body`."),
    _f("canonical", pa.string(), False, "Canonical name of the entity this mention belongs to."),
])

ENTITY = pa.struct([
    _f("name", pa.string(), False, "Canonical name within the article (e.g. `Vladimir Putin`)."),
    _f("label", pa.string(), False, "spaCy entity label."),
    _f("mentions", pa.int64(), False, "Number of mentions in the title and body."),
    _f("forms", pa.list_(pa.string()), False, "Distinct surface forms seen, most frequent first."),
    _f("first_char", pa.int64(), True, "Offset of the first mention in `body` (null if only in the title)."),
])

ARTICLES = pa.schema([
    _f("article_id", pa.string(), False, "Stable id: sha256 of the canonical URL, feed GUID or file content, 32 hex chars."),
    _f("source_type", pa.string(), False, "`file`, `feed` or `html`."),
    _f("source_name", pa.string(), True, "Feed title, site or folder the article came from."),
    _f("source_uri", pa.string(), False, "File path or feed URL the record was read from."),
    _f("url", pa.string(), True, "Canonical article URL (tracking parameters removed)."),
    _f("title", pa.string(), True, "Headline."),
    _f("authors", pa.list_(pa.string()), False, "Bylines."),
    _f("tags", pa.list_(pa.string()), False, "Feed categories / tags."),
    _f("subheadings", pa.list_(pa.string()), False, "Cross-heads found between paragraphs, in order."),
    _f("summary", pa.string(), True, "Feed summary or standfirst, as clean text."),
    _f("published_at", TIMESTAMP, True, "Publication time in UTC; null when the source gives none."),
    _f("updated_at", TIMESTAMP, True, "Last update time in UTC, when the source gives one."),
    _f("ingested_at", TIMESTAMP, False, "When this run read the record (UTC)."),
    _f("language", pa.string(), True, "ISO 639-1 language of the body."),
    _f("language_score", pa.float64(), True, "Confidence of the language guess, 0..1."),
    _f("body", pa.string(), False, "Clean article text, paragraphs separated by a blank line."),
    _f("extraction", pa.string(), False, "How the body was obtained (text-file, feed-content, trafilatura, ...)."),
    _f("char_count", pa.int64(), False, "Characters in `body`."),
    _f("word_count", pa.int64(), False, "Words in `body`."),
    _f("sentence_count", pa.int64(), True, "Sentences in `body` (null when NLP was skipped)."),
    _f("content_hash", pa.string(), False, "sha256 of the normalised body; equal bodies have equal hashes."),
    _f("entity_mentions", pa.list_(ENTITY_MENTION), False, "Every named-entity mention in `body`, with offsets."),
    _f("entities", pa.list_(ENTITY), False, "Entities aggregated by canonical name, most mentioned first."),
    _f("keyphrases", pa.list_(pa.string()), False, "Top noun phrases, best first (no stop words)."),
    _f("nlp_model", pa.string(), True, "spaCy model and version used (null when NLP was skipped)."),
    _f("run_id", pa.string(), False, "Run that wrote the row (see `_runs/<run_id>.json`)."),
])

ENTITIES = pa.schema([
    _f("article_id", pa.string(), False, "Joins to `articles.article_id`."),
    _f("name", pa.string(), False, "Canonical entity name within the article."),
    _f("label", pa.string(), False, "spaCy entity label."),
    _f("mentions", pa.int64(), False, "Mentions in the article."),
    _f("forms", pa.list_(pa.string()), False, "Surface forms seen."),
    _f("published_at", TIMESTAMP, True, "Article publication time (UTC), for time series without a join."),
    _f("source_name", pa.string(), True, "Article source name."),
    _f("run_id", pa.string(), False, "Run that wrote the row."),
])

REJECTS = pa.schema([
    _f("source_uri", pa.string(), False, "File path or URL that could not be (fully) ingested."),
    _f("source_type", pa.string(), True, "`file`, `feed`, `html` or null if unknown."),
    _f("item_key", pa.string(), True, "Entry id / link inside a feed, when one entry was rejected."),
    _f("stage", pa.string(), False, "Pipeline stage: discover, fetch, decode, parse, extract, normalize, nlp, write."),
    _f("reason", pa.string(), False, "Short machine-groupable reason (e.g. `empty-file`, `binary-content`)."),
    _f("detail", pa.string(), True, "Human-readable explanation (exception message, HTTP status, ...)."),
    _f("excerpt", pa.string(), True, "First characters of the offending input, for eyeballing."),
    _f("rejected_at", TIMESTAMP, False, "When the record was rejected (UTC)."),
    _f("run_id", pa.string(), False, "Run that produced the reject."),
])

DATASETS = {"articles": ARTICLES, "entities": ENTITIES, "rejects": REJECTS}

DATASET_DOCS = {
    "articles": "One row per article (deduplicated by `article_id` and `content_hash` across runs).",
    "entities": "One row per article and canonical entity: the `articles.entities` list, flat, for joins.",
    "rejects": ("One row per input (file, feed, entry, page) that could not be ingested, with the stage and "
                "reason. Nothing is dropped silently: every input ends as an article, a duplicate (counted "
                "in the run manifest) or a reject."),
}

SCHEMA_CHANGES = [
    ("1", "first version: articles, entities, rejects."),
]


def schema_for(dataset: str) -> pa.Schema:
    """The schema of one dataset, with the schema version in its metadata."""
    schema = DATASETS[dataset]
    return schema.with_metadata({b"news_ingest.schema_version": SCHEMA_VERSION.encode(),
                                 b"news_ingest.dataset": dataset.encode()})

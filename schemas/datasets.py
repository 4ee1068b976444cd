"""pyarrow schemas of the datasets news-ingest writes.

Conventions, chosen for warehouses (BigQuery, Snowflake, DuckDB):
* timestamps are ``timestamp[us, UTC]`` (BigQuery and Snowflake have microsecond precision);
* integers are signed ``int64`` (BigQuery has no unsigned types);
* nested data uses ``list<struct<...>>`` that BigQuery loads as ``REPEATED RECORD``;
* partition columns (``ingest_date``) live in the Hive-style folder names, not in the files.
"""
import pyarrow as pa

SCHEMA_VERSION = "3"

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
    _f("country_code", pa.string(), True, "ISO 3166-1 alpha-2 country of a place (the country itself or the "
                                          "country a city/region is in); null for non-places."),
    _f("geo_type", pa.string(), True, "`country`, `city`, `region` or `continent` for places; null otherwise."),
])

QUOTE = pa.struct([
    _f("text", pa.string(), False, "The quoted words, without the quote marks (paragraphs joined by a blank line)."),
    _f("speaker", pa.string(), True, "Canonical name of the speaker (an entity of the article), null if unknown."),
    _f("speaker_label", pa.string(), True, "Entity label of the speaker (PERSON, ORG, ...)."),
    _f("cue", pa.string(), True, "Lemma of the reporting verb (`say`, `warn`, `add`, ...)."),
    _f("start_char", pa.int64(), False, "Offset in `body` of the opening quote mark."),
    _f("end_char", pa.int64(), False, "Offset in `body` one past the closing quote mark (or the quote's last character)."),
    _f("paragraphs", pa.int64(), False, "Paragraphs the quotation runs over (1 for most)."),
    _f("is_scare", pa.bool_(), False, "Under five words: a scare quote or term, not a statement."),
    _f("is_partial", pa.bool_(), False, "A fragment quoted inside reported speech rather than a full statement."),
    _f("attribution", pa.string(), True, "How the speaker was found: `explicit`, `follow-on`, `pronoun` or null."),
])

AMOUNT = pa.struct([
    _f("text", pa.string(), False, "The amount as written."),
    _f("kind", pa.string(), False, "`MONEY`, `PERCENT`, `QUANTITY` or `CARDINAL`."),
    _f("value", pa.float64(), True, "The number, parsed (`£1.5bn` -> 1500000000.0)."),
    _f("unit", pa.string(), True, "What is counted or measured (`troops`, `km`, `%`)."),
    _f("currency", pa.string(), True, "ISO 4217 code for money."),
    _f("start_char", pa.int64(), False, "Offset in `body`."),
    _f("end_char", pa.int64(), False, "Offset in `body`, exclusive."),
])

DATE_MENTION = pa.struct([
    _f("text", pa.string(), False, "The date expression as written."),
    _f("resolution", pa.string(), True, "`day`, `week`, `month`, `year` or `decade` when resolved, else null "
                                        "(a `week` is given by the date of its Monday)."),
    _f("year", pa.int64(), True, "Resolved year."),
    _f("month", pa.int64(), True, "Resolved month (1-12)."),
    _f("day", pa.int64(), True, "Resolved day of month."),
    _f("start_char", pa.int64(), False, "Offset in `body`."),
    _f("end_char", pa.int64(), False, "Offset in `body`, exclusive."),
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
    _f("entities", pa.list_(ENTITY), False, "Named entities (people, organisations, places, ...) aggregated by "
                                            "canonical name, most mentioned first; numbers and dates are in "
                                            "`amounts` and `dates_mentioned`."),
    _f("keyphrases", pa.list_(pa.string()), False, "Top noun phrases, best first (no stop words)."),
    _f("quotes", pa.list_(QUOTE), False, "Direct quotations with speakers, in order of appearance."),
    _f("amounts", pa.list_(AMOUNT), False, "Money, percentages and counted quantities, as GDELT records amounts."),
    _f("dates_mentioned", pa.list_(DATE_MENTION), False, "Dates mentioned in the body, resolved where possible."),
    _f("nlp_model", pa.string(), True, "spaCy model and version used (null when NLP was skipped)."),
    _f("duplicate_of", pa.string(), True, "For a near-duplicate (a copy of an earlier story with small edits, "
                                          "written because `--near_duplicates mark`): the `article_id` of the "
                                          "story's first copy. Null for original articles."),
    _f("duplicate_similarity", pa.float64(), True, "Estimated Jaccard similarity (MinHash, 4-word shingles) to "
                                                   "the closest earlier copy, when `duplicate_of` is set."),
    _f("run_id", pa.string(), False, "Run that wrote the row (see `_runs/<run_id>.json`)."),
])

ENTITIES = pa.schema([
    _f("article_id", pa.string(), False, "Joins to `articles.article_id`."),
    _f("name", pa.string(), False, "Canonical entity name within the article."),
    _f("label", pa.string(), False, "spaCy entity label."),
    _f("mentions", pa.int64(), False, "Mentions in the article."),
    _f("forms", pa.list_(pa.string()), False, "Surface forms seen."),
    _f("first_char", pa.int64(), True, "Offset of the first mention in the article body."),
    _f("country_code", pa.string(), True, "ISO 3166-1 alpha-2 for places."),
    _f("geo_type", pa.string(), True, "`country`, `city`, `region` or `continent` for places."),
    _f("published_at", TIMESTAMP, True, "Article publication time (UTC), for time series without a join."),
    _f("source_name", pa.string(), True, "Article source name."),
    _f("run_id", pa.string(), False, "Run that wrote the row."),
])

QUOTES = pa.schema([
    _f("article_id", pa.string(), False, "Joins to `articles.article_id`."),
    _f("quote_index", pa.int64(), False, "Position of the quote in the article (0-based)."),
] + [pa.field(f.name, f.type, f.nullable, f.metadata) for f in QUOTE] + [
    _f("published_at", TIMESTAMP, True, "Article publication time (UTC)."),
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

DUPLICATES = pa.schema([
    _f("article_id", pa.string(), False, "Id of the dropped article (as it would have been in `articles`)."),
    _f("source_uri", pa.string(), False, "File path or feed URL the dropped copy was read from."),
    _f("source_type", pa.string(), True, "`file`, `feed` or `html`."),
    _f("url", pa.string(), True, "Canonical URL of the dropped copy."),
    _f("title", pa.string(), True, "Headline of the dropped copy."),
    _f("content_hash", pa.string(), True, "sha256 of the dropped copy's normalised body."),
    _f("key", pa.string(), False, "The key it lost on: `article_id` (the same article again), `content_hash` "
                                  "(the same text under another id) or `near_duplicate` (the same story with "
                                  "small edits, dropped because `--near_duplicates skip`)."),
    _f("found_in", pa.string(), False, "Where the kept copy is: `this_run`, `earlier_run` (found in the seen-key "
                                       "index) or `stream` (seen earlier by a streaming job)."),
    _f("duplicate_of", pa.string(), True, "`article_id` of the copy that was kept (the story's first copy); "
                                          "null when a streaming job only knows the content was seen."),
    _f("similarity", pa.float64(), True, "Estimated Jaccard similarity for `near_duplicate`, else null."),
    _f("ingested_at", TIMESTAMP, False, "When the run read the dropped copy (UTC)."),
    _f("run_id", pa.string(), False, "Run that dropped it."),
])

DATASETS = {"articles": ARTICLES, "entities": ENTITIES, "quotes": QUOTES, "rejects": REJECTS,
            "duplicates": DUPLICATES}

DATASET_DOCS = {
    "articles": "One row per article (deduplicated by `article_id` and `content_hash` across runs).",
    "entities": "One row per article and canonical entity: the `articles.entities` list, flat, for joins.",
    "quotes": "One row per direct quotation: the `articles.quotes` list, flat, with the article's id.",
    "rejects": ("One row per input (file, feed, entry, page) that could not be ingested, with the stage and "
                "reason. Nothing is dropped silently: every input ends as an article, a duplicate (counted "
                "in the run manifest and listed in `duplicates`) or a reject."),
    "duplicates": ("One row per article a run read and did not write because it had been written before: "
                   "which copy, the key it lost on and the `article_id` it duplicates. Together with "
                   "`articles` and `rejects` it accounts for everything read."),
}

SCHEMA_CHANGES = [
    ("1", "first version: articles, entities, rejects."),
    ("2", "quotes with speakers (`articles.quotes` and the `quotes` dataset), amounts and date mentions in "
          "`articles`, `country_code`/`geo_type` on entities, `first_char` in the `entities` dataset."),
    ("3", "near-duplicates: `articles.duplicate_of` and `articles.duplicate_similarity`; the `duplicates` "
          "dataset of dropped copies."),
]


def schema_for(dataset: str) -> pa.Schema:
    """The schema of one dataset, with the schema version in its metadata."""
    schema = DATASETS[dataset]
    return schema.with_metadata({b"news_ingest.schema_version": SCHEMA_VERSION.encode(),
                                 b"news_ingest.dataset": dataset.encode()})

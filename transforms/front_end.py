"""The stages batch and streaming share, as composite transforms, so the two modes cannot drift.

    SourceRefs -> ReadAndNormalize (read -> full text -> normalise)
               -> dedup (the mode's own: index-backed in batch, Beam state when streaming)
               -> Enrich (spaCy)                                  = IngestArticles
    (articles, rejects) -> ShapeRows -> {dataset: (partition, row)}

Only what genuinely differs between the modes is passed in: the deduplication transform,
the ingestion timestamp (a batch run stamps every record with its start; streaming stamps
each record as it passes) and, for streaming, the windowing applied before ``ShapeRows``.
"""
from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.dedup import DUPLICATES, is_listed
from transforms.nlp.enrich import Enrich
from transforms.normalize import Normalize
from transforms.rows import article_row, duplicate_row, entity_rows, quote_rows, reject_row
from transforms.sources import read


def fetch_config_for(config):
    """The HTTP client settings derived from the run's flags (a ``RunConfig``)."""
    from transforms.fetch import FetchConfig

    return FetchConfig(connect_timeout=min(10.0, config.http_timeout), read_timeout=config.http_timeout,
                       total_deadline=config.http_deadline, max_retries=config.http_retries,
                       max_body_bytes=config.max_download_bytes,
                       max_decompressed_bytes=config.max_download_bytes,
                       allowed_hosts=frozenset(config.allow_hosts))


def needs_http(config, refs) -> bool:
    """Whether the run talks HTTP at all (URL sources, or full-text fetches of feed entries)."""
    return config.fetch_articles or any(ref.kind == "url" for ref in refs)


class ReadAndNormalize(beam.PTransform):
    """SourceRefs -> dict of ``articles`` (normalised), ``rejects`` (read and normalise) and the
    tagged read outputs the manifest counts: ``articles_read``, ``unchanged``, ``validators``,
    ``rejected_normalize``.

    ``ingested_at`` is the run's start in batch, None in streaming (each record is stamped
    as it passes).
    """

    def __init__(self, config, fetch_config, validators, ingested_at: dt.datetime | None, prefetched=None):
        super().__init__()
        self._config = config
        self._fetch_config = fetch_config
        self._validators = validators
        self._ingested_at = ingested_at
        self._prefetched = prefetched

    def expand(self, refs):
        config = self._config
        read_out = refs | "Read" >> read.ReadSources(self._fetch_config, self._validators, config.max_file_bytes,
                                                     self._prefetched)
        raw_articles = read_out[read.ARTICLES]
        if config.fetch_articles:
            from transforms.sources.full_text import FetchFullText

            raw_articles = raw_articles | "FullText" >> FetchFullText(self._fetch_config)
        normalized = raw_articles | "Normalize" >> Normalize(self._ingested_at)
        return {
            "articles": normalized.articles,
            "articles_read": read_out[read.ARTICLES],
            "read_rejects": read_out[read.REJECTS],
            "rejected_normalize": normalized.rejects,
            "unchanged": read_out[read.UNCHANGED],
            "validators": read_out[read.VALIDATORS],
        }


class IngestArticles(beam.PTransform):
    """SourceRefs -> enriched articles, every reject, every dropped duplicate, and the counts' inputs.

    ``dedup`` takes normalised articles and returns ``{"articles", "duplicates"}``; it runs
    before the NLP so duplicates never pay for a parse.  ``extra_rejects`` (optional) are
    rejects found before the pipeline started, e.g. bad lines of a feed list; ``prefetched``
    (optional) feed responses the driver already has, by URL (``transforms.quiet_run``).

    The result is a dict whose keys the run manifest counts: ``articles`` (enriched),
    ``rejects`` (all of them), ``duplicates``, ``articles_read``, ``rejected_normalize``,
    ``rejected_nlp``, ``unchanged`` and ``validators``.
    """

    def __init__(self, config, dedup: beam.PTransform, *, fetch_config=None, validators=None,
                 ingested_at: dt.datetime | None = None, extra_rejects=None, prefetched=None):
        super().__init__()
        self._config = config
        self._dedup = dedup
        self._prefetched = prefetched
        self._fetch_config = fetch_config
        self._validators = validators
        self._ingested_at = ingested_at
        self._extra_rejects = extra_rejects

    def expand(self, refs):
        config = self._config
        front = refs | "ReadAndNormalize" >> ReadAndNormalize(
            config, self._fetch_config, self._validators, self._ingested_at, self._prefetched)
        deduped = front["articles"] | "Deduplicate" >> self._dedup
        enriched = deduped["articles"] | "Enrich" >> Enrich(config.spacy_model,
                                                            max_batch_size=config.nlp_batch_size)
        reject_parts = [front["read_rejects"], front["rejected_normalize"], enriched.rejects]
        if self._extra_rejects is not None:
            reject_parts.insert(0, self._extra_rejects)
        rejects = reject_parts | "AllRejects" >> beam.Flatten()
        return {
            "articles": enriched.articles,
            "rejects": rejects,
            "duplicates": deduped[DUPLICATES],
            "articles_read": front["articles_read"],
            "rejected_normalize": front["rejected_normalize"],
            "rejected_nlp": enriched.rejects,
            "unchanged": front["unchanged"],
            "validators": front["validators"],
        }


def ingest_partition(stamp: dt.datetime) -> str:
    """Hive partition folder for a record ingested (or rejected) at ``stamp`` (UTC)."""
    return f"ingest_date={stamp.astimezone(dt.timezone.utc).date().isoformat()}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def article_pairs(article: dict, run_id: str) -> list[tuple[str, dict]]:
    partition = ingest_partition(article["ingested_at"])
    return [(partition, article_row(article, run_id))]


def entity_pairs(article: dict, run_id: str) -> list[tuple[str, dict]]:
    partition = ingest_partition(article["ingested_at"])
    return [(partition, row) for row in entity_rows(article, run_id)]


def quote_pairs(article: dict, run_id: str) -> list[tuple[str, dict]]:
    partition = ingest_partition(article["ingested_at"])
    return [(partition, row) for row in quote_rows(article, run_id)]


def reject_pairs(reject: dict, run_id: str, now=_now) -> list[tuple[str, dict]]:
    rejected_at = now()
    return [(ingest_partition(rejected_at), reject_row(reject, run_id, rejected_at))]


def duplicate_pairs(duplicate: dict, run_id: str) -> list[tuple[str, dict]]:
    if not is_listed(duplicate):
        return []
    return [(ingest_partition(duplicate["ingested_at"]), duplicate_row(duplicate, run_id))]


# dataset -> (which input it is derived from, how one record becomes (partition, row) pairs)
ROW_SHAPERS = {
    "articles": ("articles", article_pairs),
    "entities": ("articles", entity_pairs),
    "quotes": ("articles", quote_pairs),
    "rejects": ("rejects", reject_pairs),
    "duplicates": ("duplicates", duplicate_pairs),
}


class ShapeRows(beam.PTransform):
    """{"articles": enriched articles, "rejects": rejects, "duplicates": dropped copies}
    -> {dataset: (partition, row)}, for the inputs given.

    Rows match ``schemas`` exactly; the partition is ``ingest_date=`` of the record's own
    ingestion (articles, duplicates) or rejection (rejects) time, in both modes.
    """

    def __init__(self, run_id: str):
        super().__init__()
        self._run_id = run_id

    def expand(self, inputs):
        return {dataset: inputs[source] | f"{dataset.capitalize()}Rows" >> beam.FlatMap(shape, self._run_id)
                for dataset, (source, shape) in ROW_SHAPERS.items() if source in inputs}


def manifest_inputs(sources, ingested: dict, shaped: dict) -> dict:
    """The collections a run manifest counts, by count name (batch and each streaming window alike)."""
    return {
        "sources": sources,
        "sources_not_modified": ingested["unchanged"],
        "articles_read": ingested["articles_read"],
        "rejected_normalize": ingested["rejected_normalize"],
        "rejected_nlp": ingested["rejected_nlp"],
        "deduplicated": ingested["duplicates"],
        "articles_written": ingested["articles"],
        "near_duplicates_marked": ingested["articles"] | "Marked" >> beam.Filter(lambda a: bool(a.get("duplicate_of"))),
        "entity_rows_written": shaped["entities"],
        "quote_rows_written": shaped["quotes"],
        "rejects_written": ingested["rejects"],
    }

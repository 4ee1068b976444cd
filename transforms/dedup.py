"""``Deduplicate``: one row per story across the run and across earlier runs.

Batch runs decide against the seen-key index (``transforms.seen_index``) instead of reading
earlier output, so a run's cost does not grow with history:

1. same ``article_id`` twice in the run -> the survivor is chosen by ``pick_survivor``
   (longest text, then earliest date, then source URI: reruns choose the same);
2. the survivors' keys and MinHash signatures are gathered (small records) and one step
   looks them up in the index and decides (``dedup_plan.plan``): dropped for an
   ``article_id`` or ``content_hash`` already written, near-duplicates marked with
   ``duplicate_of`` (or dropped with ``--near_duplicates skip``), the rest kept.

Every dropped record leaves on the ``duplicates`` output (its id, source, the key it lost
on and the article it duplicates): the manifest counts them all, and the ``duplicates``
dataset lists each one a user could not otherwise find (``is_listed``).  Kept articles carry ``near_dup_signature`` for the index update at
commit (an internal field: no dataset has that column).
Streaming jobs use ``transforms.stream_dedup.DeduplicateStream`` (Beam state, no global group).
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import dedup_plan, near_dup

DUPLICATES = "duplicates"


def _survivor_rank(article: dict):
    # Prefer the longest text (a full-text fetch over a feed summary), then the earliest
    # publication, then the smallest source URI: a total order, so the choice is stable.
    published = article.get("published_at")
    return (-len(article.get("body") or ""),
            published is None, published.isoformat() if published else "",
            article.get("source_uri") or "", article.get("article_id") or "")


def pick_survivor(articles: list[dict]) -> tuple[dict, list[dict]]:
    """(kept, dropped) among articles that share a key."""
    ordered = sorted(articles, key=_survivor_rank)
    return ordered[0], ordered[1:]


def duplicate_record(article: dict, key: str, found_in: str, duplicate_of: str | None,
                     similarity: float | None = None) -> dict:
    """A row of the ``duplicates`` dataset for a dropped article (``ingested_at`` sets its partition)."""
    return {"article_id": article["article_id"], "source_uri": article["source_uri"],
            "source_type": article.get("source_type"), "url": article.get("url"), "title": article.get("title"),
            "content_hash": article.get("content_hash"), "key": key, "found_in": found_in,
            "duplicate_of": duplicate_of, "similarity": similarity, "ingested_at": article["ingested_at"]}


def is_listed(duplicate: dict) -> bool:
    """Whether a dropped record gets a row in the ``duplicates`` dataset.

    Not when it is the same article re-read after an earlier run (or an earlier poll)
    wrote it: it is in ``articles`` under the same id, and re-polled feeds return the same
    entries every run, so listing them would add rows and a file to every run that has
    nothing new.  The run manifest still counts them (``duplicates_by_key``).
    """
    return not (duplicate["key"] == "article_id" and duplicate["found_in"] != dedup_plan.THIS_RUN)


def with_signature(article: dict, params: near_dup.NearDupParams = near_dup.PARAMS) -> dict:
    return dict(article, near_dup_signature=near_dup.to_bytes(near_dup.signature(article["body"], params)))


class _PickSurvivorFn(beam.DoFn):
    def __init__(self):
        self.dropped = Metrics.counter("dedup", "dropped_by_article_id")

    def process(self, element):
        _article_id, copies = element
        kept, dropped = pick_survivor(list(copies))
        for article in dropped:
            self.dropped.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate_record(
                article, "article_id", dedup_plan.THIS_RUN, kept["article_id"]))
        yield kept


class _PlanFn(beam.DoFn):
    """All candidates of the run (one list) -> (article_id, Decision) pairs."""

    def __init__(self, output_dir: str | None, reprocess: bool, near_mode: str, threshold: float):
        self._output_dir = output_dir
        self._reprocess = reprocess
        self._near_mode = near_mode
        self._threshold = threshold

    def process(self, candidates):
        lookup = None
        if self._output_dir is not None:
            from transforms.seen_index import SeenIndex

            lookup = SeenIndex(self._output_dir, near_dup.PARAMS.as_dict()).lookup
        decisions = dedup_plan.plan(list(candidates), lookup, threshold=self._threshold,
                                    near_mode=self._near_mode, reprocess=self._reprocess)
        yield from decisions.items()


class _ApplyFn(beam.DoFn):
    def __init__(self):
        self.dropped = Metrics.counter("dedup", "dropped")
        self.marked = Metrics.counter("dedup", "near_duplicates_marked")

    def process(self, article, decisions):
        decision = decisions[article["article_id"]]
        if decision.action == dedup_plan.DROP:
            self.dropped.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate_record(
                article, decision.key, decision.found_in, decision.duplicate_of, decision.similarity))
        elif decision.action == dedup_plan.MARK:
            self.marked.inc()
            yield dict(article, duplicate_of=decision.duplicate_of, duplicate_similarity=decision.similarity)
        else:
            yield article


class Deduplicate(beam.PTransform):
    """Normalised articles -> ``{"articles": new articles, "duplicates": rows of dropped ones}``.

    ``output_dir`` holds the seen-key index of earlier runs (None: compare within the run
    only).  ``near_mode`` is ``mark`` (write near-duplicates with ``duplicate_of``) or
    ``skip`` (drop them); ``threshold`` is the estimated Jaccard similarity from which two
    bodies are near-duplicates.
    """

    def __init__(self, output_dir: str | None = None, *, reprocess: bool = False, near_mode: str = "mark",
                 threshold: float = near_dup.DEFAULT_THRESHOLD):
        super().__init__()
        if near_mode not in dedup_plan.NEAR_MODES:
            raise ValueError(f"near_mode must be one of {dedup_plan.NEAR_MODES}, got {near_mode!r}")
        if not near_dup.LSH_FLOOR <= threshold <= 1:
            raise ValueError(f"the near-duplicate threshold must be between {near_dup.LSH_FLOOR} and 1, got {threshold}")
        self._plan = _PlanFn(output_dir, reprocess, near_mode, threshold)

    def expand(self, articles):
        by_id = (articles
                 | "Sign" >> beam.Map(with_signature)
                 | "KeyById" >> beam.Map(lambda a: (a["article_id"], a))
                 | "GroupById" >> beam.GroupByKey()
                 | "PickSurvivor" >> beam.ParDo(_PickSurvivorFn()).with_outputs(DUPLICATES, main="articles"))
        decisions = (by_id.articles
                     | "Candidates" >> beam.Map(dedup_plan.candidate_of)
                     | "Gather" >> beam.combiners.ToList()
                     | "Decide" >> beam.ParDo(self._plan))
        applied = by_id.articles | "Apply" >> beam.ParDo(
            _ApplyFn(), decisions=beam.pvalue.AsDict(decisions)).with_outputs(DUPLICATES, main="articles")
        duplicates = (by_id[DUPLICATES], applied[DUPLICATES]) | "AllDuplicates" >> beam.Flatten()
        return {"articles": applied.articles, DUPLICATES: duplicates}

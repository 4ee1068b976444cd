"""``Enrich``: articles -> articles with language and NLP fields.

The spaCy model is loaded once per worker process (``DoFn.setup`` through the
process-wide cache in ``model.load_model``), and texts go through ``nlp.pipe`` in
batches built by ``beam.BatchElements``, which is where spaCy is fast.  The pure
``enrich_batch`` does the work; one article that makes spaCy fail is retried alone and
then rejected, so it cannot take its batch down.
"""
from __future__ import annotations

import gc
import logging
import time

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import progress, records
from transforms.crash_points import pause_point
from transforms.nlp.language import detect_language
from transforms.heap import release_free_heap

LOG = logging.getLogger(__name__)
REJECTS = "rejects"

# spaCy's memory grows with document length (the parser is linear, but activations are
# held per doc); articles are rarely longer, and a 2 MB "article" is usually a data dump.
MAX_NLP_CHARS = 200_000


def _texts(article: dict) -> tuple[str, str]:
    return article["body"][:MAX_NLP_CHARS], article.get("title") or ""


# Docs per nlp.pipe minibatch.  Measured on the 150 BBC articles (docs/benchmarks.md, issue 10):
# the same CPU time at 8, 16 and 32 (within the machine's noise), but the minibatch's working
# memory grows with it (peak RSS of a worker +120 MiB at 8, +180 at 16, +310 at 32, +450 at 64).
PIPE_BATCH_SIZE = 16
# Characters per minibatch, at most (a longer article goes alone).  spaCy's working memory
# grows with the tokens of a minibatch, not its docs, so with a count alone a run's peak was
# set by its longest 16 neighbouring articles: the more articles, the higher (issue 10, round
# 3).  16 BBC articles average ~37,000 characters.  Without Beam, batches of 64 of 600
# articles: 40,000 characters peaked 474-486 MiB, 20,000 peaked 410-425 MiB, at the same CPU
# time (issue 10, round 4).
PIPE_BATCH_CHARS = 20_000


def size_bounded_chunks(texts, max_docs: int, max_chars: int):
    """Consecutive runs of ``texts``: at most ``max_docs`` texts and ``max_chars`` characters
    each, except that a text longer than ``max_chars`` is a run of its own."""
    chunk, chars = [], 0
    for text in texts:
        if chunk and (len(chunk) >= max_docs or chars + len(text) > max_chars):
            yield chunk
            chunk, chars = [], 0
        chunk.append(text)
        chars += len(text)
    if chunk:
        yield chunk


def _pipe(nlp, texts, max_docs: int):
    """``nlp.pipe(texts)`` in minibatches bounded by both docs and characters."""
    for chunk in size_bounded_chunks(texts, max_docs, PIPE_BATCH_CHARS):
        yield from nlp.pipe(chunk, batch_size=len(chunk))


def enrich_batch(articles: list[dict], nlp, model_label: str, pipe_batch_size: int = PIPE_BATCH_SIZE):
    """Yield ("ok", article_with_nlp) or ("reject", reject_row) for each article of the batch."""
    # Imported here, not at the top: the analysis imports spaCy (0.7 s), which the launcher
    # of a multi-process run never needs, and its workers only import once the stage starts.
    from transforms.nlp.analyze import NLP_LANGUAGES, empty_nlp_fields

    english, english_idx = [], []
    results: list = [None] * len(articles)
    for i, article in enumerate(articles):
        language, score = detect_language(article["body"], article.get("feed_language"))
        enriched = dict(article, language=language, language_score=score)
        if language in NLP_LANGUAGES:
            english.append(enriched)
            english_idx.append(i)
        else:
            enriched.update(empty_nlp_fields())
            results[i] = ("ok", enriched)
    if english:
        for i, outcome in zip(english_idx, _analyze_all(english, nlp, model_label, pipe_batch_size)):
            results[i] = outcome
    yield from results


def _analyze_all(articles, nlp, model_label, pipe_batch_size):
    # Docs are analysed as nlp.pipe yields them and then dropped, so a worker holds one
    # minibatch of docs, not the whole batch's: memory stays flat whatever --nlp_batch_size.
    bodies = _pipe(nlp, (_texts(a)[0] for a in articles), pipe_batch_size)
    titles = nlp.pipe((_texts(a)[1] for a in articles), batch_size=pipe_batch_size)
    done = 0
    try:
        for article, body_doc, title_doc in zip(articles, bodies, titles):
            outcome = _analyze_one(article, body_doc, title_doc if article.get("title") else None, model_label)
            done += 1
            yield outcome
    except Exception:  # noqa: BLE001 - spaCy failed on a minibatch: find the culprit one by one
        LOG.warning("spaCy failed in a batch of %d; retrying its last %d articles one by one",
                    len(articles), len(articles) - done)
        for article in articles[done:]:
            yield from _analyze_all_one(article, nlp, model_label)


def _analyze_all_one(article, nlp, model_label):
    try:
        body, title = _texts(article)
        yield _analyze_one(article, nlp(body), nlp(title) if title else None, model_label)
    except Exception as error:  # noqa: BLE001
        yield ("reject", _nlp_reject(article, error))


def _analyze_one(article, body_doc, title_doc, model_label):
    from transforms.nlp.analyze import analyze

    try:
        fields = analyze(body_doc, title_doc, article.get("published_at"))
    except Exception as error:  # noqa: BLE001 - a bug in one component must not drop the batch
        LOG.exception("NLP failed on %s", article.get("source_uri"))
        return ("reject", _nlp_reject(article, error))
    fields["nlp_model"] = model_label
    return ("ok", dict(article, **fields))


def _nlp_reject(article, error):
    return records.new_reject(source_uri=article["source_uri"], stage="nlp", reason="nlp-error",
                              detail=f"{type(error).__name__}: {error}", excerpt=article.get("body"),
                              source_type=article.get("source_type"),
                              item_key=article.get("guid") or article.get("url") or article.get("article_id"))


class EnrichBatchFn(beam.DoFn):
    def __init__(self, model_name: str | None, pipe_batch_size: int):
        self._model_name = model_name
        self._pipe_batch_size = pipe_batch_size
        self._nlp = None
        self.articles = Metrics.counter("nlp", "articles")
        self.rejected = Metrics.counter("nlp", "rejected")
        self.batch_ms = Metrics.distribution("nlp", "batch_ms")

    def setup(self):
        from transforms.nlp.model import model_label
        from transforms.nlp.worker_setup import prepare

        self._nlp = prepare(self._model_name)
        self._label = model_label(self._nlp)

    def process(self, batch):
        started = time.monotonic()
        for status, value in enrich_batch(batch, self._nlp, self._label, self._pipe_batch_size):
            progress.add("enriched")
            if status == "ok":
                self.articles.inc()
                yield value
            else:
                self.rejected.inc()
                yield beam.pvalue.TaggedOutput(REJECTS, value)
        # The batch's spaCy docs are garbage now, but a Doc and the Token objects it caches
        # reference each other, so only the cyclic collector frees them, whenever it next
        # runs a full collection.  Collecting here bounds what stays between batches (in a
        # 600-article run, a worker fell back to ~400 MiB after each batch instead of ~490)
        # and, with the long-lived heap frozen (worker_setup), only scans what the batch
        # allocated: a few ms.  Then the freed heap goes back to the system (transforms.heap).
        gc.collect()
        release_free_heap()
        elapsed_ms = int((time.monotonic() - started) * 1000)
        self.batch_ms.update(elapsed_ms)
        LOG.debug("NLP: %d articles in %d ms", len(batch), elapsed_ms)
        pause_point("nlp")  # crash tests kill the run here (transforms.crash_points)

    def finish_bundle(self):
        progress.flush()


class Enrich(beam.PTransform):
    """Articles -> (articles with language and NLP fields, rejects)."""

    def __init__(self, model_name: str | None = None, max_batch_size: int = 64,
                 pipe_batch_size: int = PIPE_BATCH_SIZE):
        super().__init__()
        self._model_name = model_name
        self._max_batch_size = max_batch_size
        self._pipe_batch_size = pipe_batch_size

    def expand(self, articles):
        return (articles
                # Fixed-size batches: BatchElements' adaptive sizing starts at one article and
                # stays at a handful (it aims at ~1 s per batch), where nlp.pipe is 10-20 %
                # slower per article than at 32+.  A bundle's last batch is flushed as is.
                | "Batch" >> beam.BatchElements(min_batch_size=self._max_batch_size,
                                                max_batch_size=self._max_batch_size)
                | "Analyze" >> beam.ParDo(EnrichBatchFn(self._model_name, self._pipe_batch_size))
                .with_outputs(REJECTS, main="articles"))

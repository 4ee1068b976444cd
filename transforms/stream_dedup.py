"""``DeduplicateStream``: the first sighting of each article, for unbounded (streaming) input.

An unbounded pipeline cannot group "every article with this id" as batch does; instead
each key (article id, then content hash) remembers in Beam state that it was seen.  The
memory is bounded by a time to live in *event time*: a key not seen again for
``ttl_seconds`` is forgotten (an event-time timer clears it), and every new sighting
pushes its expiry back, so an entry that a feed keeps listing for weeks is never
forgotten while it is listed.  Event time, not wall-clock time, because the watermark is
what says "no earlier data will come": it makes expiry deterministic and testable with
``TestStream``.

State is per key *and window*, so the dedup runs in the global window whatever windowing
the input has, and restores the input's windowing afterwards (each element keeps its
timestamp, so it lands in the same window as before).

A restarted job starts with empty state; ``seen_ids`` / ``seen_hashes`` (bounded
PCollections of keys already in the output, e.g. read from DIR at start-up) seed it:
articles with those keys are dropped as found in an earlier run, like in batch.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.coders import StrUtf8Coder
from apache_beam.metrics import Metrics
from apache_beam.transforms import window
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer

from transforms.dedup import DUPLICATES, duplicate_record
from transforms.dedup_plan import EARLIER_RUN

IN_STREAM = "stream"  # ``found_in`` of a duplicate of an article this job saw earlier

DEFAULT_TTL_SECONDS = 7 * 24 * 3600


def restore_windowing(windowing) -> beam.WindowInto:
    """A WindowInto that puts elements back into ``windowing`` (a PCollection's ``.windowing``), whole.

    ``beam.WindowInto(windowing)`` alone drops the allowed lateness (Beam 2.77), which would
    make late data behave differently downstream and split Flatten inputs.
    """
    return beam.WindowInto(windowing, allowed_lateness=windowing.allowed_lateness)


def first_sighting(already_seen: bool, already_ingested: bool) -> str | None:
    """None when the article is new; otherwise where its first copy was found (``found_in``)."""
    if already_ingested:
        return EARLIER_RUN
    if already_seen:
        return IN_STREAM
    return None


class _FirstSeenFn(beam.DoFn):
    """(key, article) -> the article the first time ``key`` is seen within the TTL; duplicates tagged."""

    FIRST = ReadModifyWriteStateSpec("first", StrUtf8Coder())  # the article id that had the key first
    EXPIRY = TimerSpec("expiry", TimeDomain.WATERMARK)

    def __init__(self, key_name: str, ttl_seconds: int):
        self._key_name = key_name
        self._ttl_seconds = ttl_seconds
        self.dropped = Metrics.counter("dedup", f"stream_dropped_by_{key_name}")

    def process(self, element, ingested_keys, timestamp=beam.DoFn.TimestampParam,
                first=beam.DoFn.StateParam(FIRST), expiry=beam.DoFn.TimerParam(EXPIRY)):
        key, article = element
        # Every sighting keeps the key for another TTL from now (in event time).
        expiry.set(timestamp + self._ttl_seconds)
        first_id = first.read()
        found_in = first_sighting(first_id is not None, key in ingested_keys)
        if first_id is None:
            first.write(article["article_id"])
        if found_in is None:
            yield article
            return
        self.dropped.inc()
        duplicate_of = article["article_id"] if self._key_name == "article_id" else first_id
        yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate_record(article, self._key_name, found_in, duplicate_of))

    @on_timer(EXPIRY)
    def forget(self, first=beam.DoFn.StateParam(FIRST)):
        first.clear()


class _FirstOnKey(beam.PTransform):
    def __init__(self, key_name: str, ttl_seconds: int, ingested_keys=None):
        super().__init__()
        self._key_name = key_name
        self._ttl_seconds = ttl_seconds
        self._ingested_keys = ingested_keys

    def expand(self, articles):
        key = self._key_name
        ingested = self._ingested_keys
        if ingested is None:
            ingested = articles.pipeline | "NoIngestedKeys" >> beam.Create([])
        ingested = ingested | "AsMarkers" >> beam.Map(lambda k: (k, True))
        return (articles
                | "KeyBy" >> beam.Map(lambda a: (a[key], a))
                | "First" >> beam.ParDo(_FirstSeenFn(key, self._ttl_seconds), beam.pvalue.AsDict(ingested))
                .with_outputs(DUPLICATES, main="articles"))


class DeduplicateStream(beam.PTransform):
    """Articles -> {"articles": first sightings, "duplicates": dropped records}, in the input's windowing.

    ``seen_ids`` / ``seen_hashes``: optional bounded PCollections of article ids and content
    hashes already written (a restart seeds its memory with them).
    """

    def __init__(self, ttl_seconds: int = DEFAULT_TTL_SECONDS, seen_ids=None, seen_hashes=None):
        super().__init__()
        self._ttl_seconds = ttl_seconds
        self._seen_ids = seen_ids
        self._seen_hashes = seen_hashes

    def expand(self, articles):
        windowing = articles.windowing
        unwindowed = articles | "GlobalWindow" >> beam.WindowInto(window.GlobalWindows())
        by_id = unwindowed | "ById" >> _FirstOnKey("article_id", self._ttl_seconds, self._seen_ids)
        by_hash = by_id.articles | "ByContent" >> _FirstOnKey("content_hash", self._ttl_seconds, self._seen_hashes)
        duplicates = (by_id[DUPLICATES], by_hash[DUPLICATES]) | "AllDuplicates" >> beam.Flatten()
        return {"articles": by_hash.articles | "Rewindow" >> restore_windowing(windowing),
                DUPLICATES: duplicates | "RewindowDuplicates" >> restore_windowing(windowing)}

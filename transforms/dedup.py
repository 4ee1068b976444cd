"""``Deduplicate``: one row per article across the run and across earlier runs.

Two keys, in order:
1. ``article_id`` — the same article read twice (a feed entry in two feeds, a rerun).
2. ``content_hash`` — the same text under different ids (syndicated copies, a file copied
   to two folders).

Within a run the survivor is chosen deterministically (``pick_survivor``) so reruns on
the same inputs write the same rows.  Against earlier runs, ids and hashes already in
``DIR/articles`` win: a scheduled batch run only adds what is new.  Every dropped record
is emitted on the ``duplicates`` output with the key it lost on, so the run manifest can
count it (nothing disappears silently).
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Timestamp

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


def duplicate_record(article: dict, key: str, kept_id: str | None) -> dict:
    """What the manifest needs to know about a dropped duplicate."""
    return {"article_id": article["article_id"], "source_uri": article["source_uri"],
            "key": key, "kept_article_id": kept_id}


class _DedupWithinAndAgainstSeen(beam.DoFn):
    """(key, {"new": [articles], "seen": [markers]}) -> survivor, duplicates tagged."""

    def __init__(self, key_name: str):
        self._key_name = key_name
        self.dropped = Metrics.counter("dedup", f"dropped_by_{key_name}")

    def process(self, element):
        _key, grouped = element
        new = list(grouped["new"])
        if not new:
            return
        if list(grouped["seen"]):
            for article in new:
                self.dropped.inc()
                yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate_record(
                    article, f"already-ingested:{self._key_name}", None))
            return
        kept, dropped = pick_survivor(new)
        for article in dropped:
            self.dropped.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate_record(
                article, self._key_name, kept["article_id"]))
        yield kept


class _DedupOnKey(beam.PTransform):
    def __init__(self, key_name: str):
        super().__init__()
        self._key_name = key_name

    def expand(self, inputs):
        articles, seen_keys = inputs
        key = self._key_name
        keyed = articles | "KeyBy" >> beam.Map(lambda a: (a[key], a))
        seen = seen_keys | "MarkSeen" >> beam.Map(lambda k: (k, True))
        return ({"new": keyed, "seen": seen}
                | "Join" >> beam.CoGroupByKey()
                | "Pick" >> beam.ParDo(_DedupWithinAndAgainstSeen(key)).with_outputs(DUPLICATES, main="articles"))


class Deduplicate(beam.PTransform):
    """Articles -> tagged ``articles`` and ``duplicates``, within the run and against earlier runs.

    ``seen_ids`` / ``seen_hashes`` are PCollections of keys already written by earlier
    runs (None or empty on a first run).
    """

    def __init__(self, seen_ids=None, seen_hashes=None):
        super().__init__()
        self._seen_ids = seen_ids
        self._seen_hashes = seen_hashes

    def _seen(self, articles, keys, label):
        return keys if keys is not None else articles.pipeline | label >> beam.Create([])

    def expand(self, articles):
        seen_ids = self._seen(articles, self._seen_ids, "NoSeenIds")
        seen_hashes = self._seen(articles, self._seen_hashes, "NoSeenHashes")
        by_id = (articles, seen_ids) | "ById" >> _DedupOnKey("article_id")
        by_hash = (by_id.articles, seen_hashes) | "ByContent" >> _DedupOnKey("content_hash")
        duplicates = (by_id[DUPLICATES], by_hash[DUPLICATES]) | "AllDuplicates" >> beam.Flatten()
        return {"articles": by_hash.articles, DUPLICATES: duplicates}


# --- Streaming -----------------------------------------------------------------------
# An unbounded pipeline cannot group "all articles with this id"; instead each key
# remembers in Beam state that it was seen, and forgets after ``ttl_seconds`` (a timer)
# so state stays bounded while re-polled feeds keep returning the same entries.


class _FirstSeenFn(beam.DoFn):
    SEEN = ReadModifyWriteStateSpec("seen", BooleanCoder())
    EXPIRY = TimerSpec("expiry", TimeDomain.REAL_TIME)

    def __init__(self, key_name: str, ttl_seconds: int):
        self._key_name = key_name
        self._ttl_seconds = ttl_seconds
        self.dropped = Metrics.counter("dedup", f"stream_dropped_by_{key_name}")

    def process(self, element, seen=beam.DoFn.StateParam(SEEN), expiry=beam.DoFn.TimerParam(EXPIRY)):
        _key, article = element
        if seen.read():
            self.dropped.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, duplicate_record(article, f"seen-in-stream:{self._key_name}", None))
            return
        seen.write(True)
        expiry.set(Timestamp.now() + self._ttl_seconds)
        yield article

    @on_timer(EXPIRY)
    def forget(self, seen=beam.DoFn.StateParam(SEEN)):
        seen.clear()


class DeduplicateStream(beam.PTransform):
    """Articles -> tagged ``articles`` (first sighting of each id and content) and ``duplicates``."""

    def __init__(self, ttl_seconds: int = 7 * 24 * 3600):
        super().__init__()
        self._ttl_seconds = ttl_seconds

    def expand(self, articles):
        by_id = (articles
                 | "KeyById" >> beam.Map(lambda a: (a["article_id"], a))
                 | "FirstById" >> beam.ParDo(_FirstSeenFn("article_id", self._ttl_seconds))
                 .with_outputs(DUPLICATES, main="articles"))
        by_hash = (by_id.articles
                   | "KeyByContent" >> beam.Map(lambda a: (a["content_hash"], a))
                   | "FirstByContent" >> beam.ParDo(_FirstSeenFn("content_hash", self._ttl_seconds))
                   .with_outputs(DUPLICATES, main="articles"))
        duplicates = (by_id[DUPLICATES], by_hash[DUPLICATES]) | "AllDuplicates" >> beam.Flatten()
        return {"articles": by_hash.articles, DUPLICATES: duplicates}

"""``--fetch-articles``: a feed article's body replaced by the full text of its page.

Feeds often carry a headline or a teaser only.  When the pipeline fetched the entry's
page (``transforms/fetch.py``), ``with_full_text`` decides between the page's main text
and the feed's own text.  The page wins only when extraction succeeds, its text is
longer than the feed's and it is about the same thing: a cookie wall, a paywall
notice or a redirect to a home page must not replace a real summary.  Otherwise the
feed text stays and ``extraction`` records why, e.g.
``feed-summary; full-text failed: fetch/http-404``, so the articles table shows how
every body was obtained.  ``with_full_text`` is pure (the page bytes come in); the
``FetchFullText`` PTransform at the end does the polite fetching around it.
"""
from __future__ import annotations

import logging
import re

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.identity import word_count
from transforms.records import FEED, RejectError
from transforms.sources.html_pages import extract_html_article, is_page_extraction

# Share of the feed text's distinct content words the page text must contain.  A teaser
# or headline shares most of its words with its article; an unrelated page (consent
# wall, home page) shares few.  Low on purpose: standfirsts are written apart from the body.
MIN_SHARED_WORDS = 0.3
# Words this short are mostly function words in any Latin-script language.
MIN_CONTENT_WORD_CHARS = 4
_WORD = re.compile(r"\w+")
LOG = logging.getLogger(__name__)


def with_full_text(article: dict, page: bytes | None, fetch_error: str | None, *,
                   content_type: str | None = None) -> dict:
    """A copy of the feed ``article`` with the page's text as body when that is better.

    ``page`` is the fetched HTML (None when the fetch failed), ``fetch_error`` the fetch's
    ``error_reason`` slug (``http-404``, ``timeout``), ``content_type`` the page's
    HTTP header.  The feed's URL, GUID and title are kept (they are the article's
    identity); fields the feed lacks (authors, dates, tags, summary) are filled from
    the page.
    """
    if fetch_error:
        return _kept(article, f"fetch/{fetch_error}")
    if page is None:
        return _kept(article, "fetch/no-page")
    try:
        extracted = extract_html_article(page, article.get("url") or article["source_uri"],
                                         article.get("url"), content_type=content_type)
    except RejectError as error:
        return _kept(article, f"{error.stage}/{error.reason}")

    feed_words, page_words = word_count(article["body"]), word_count(extracted["body"])
    if page_words <= feed_words:
        return _kept(article, f"page text not longer than the feed's ({page_words} <= {feed_words} words)")
    shared = shared_word_share(article["body"], extracted["body"])
    if shared < MIN_SHARED_WORDS:
        return _kept(article, f"page text does not match the entry ({shared:.0%} of the entry's words)")

    merged = dict(article)
    merged["body"] = extracted["body"]
    merged["extraction"] = extracted["extraction"]
    merged["subheadings"] = extracted["subheadings"]
    # The feed's text becomes the standfirst when the feed had no separate summary.
    merged["summary"] = article.get("summary") or article["body"]
    for field in ("title", "published_at", "updated_at", "feed_language"):
        if merged.get(field) is None:
            merged[field] = extracted[field]
    for field in ("authors", "tags"):
        if not merged.get(field):
            merged[field] = list(extracted[field])
    return merged


def shared_word_share(feed_text: str, page_text: str) -> float:
    """Share of the feed text's distinct content words that occur in the page text."""
    feed_words = _content_words(feed_text)
    if not feed_words:
        return 1.0  # nothing to compare (a headline of short words): trust the page
    return len(feed_words & _content_words(page_text)) / len(feed_words)


def _content_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if len(word) >= MIN_CONTENT_WORD_CHARS}


def _kept(article: dict, reason: str) -> dict:
    kept = dict(article)
    kept["extraction"] = f"{article['extraction']}; full-text failed: {reason}"
    return kept


class FetchFullTextFn(beam.DoFn):
    """Fetch each feed entry's page politely and swap in its text (``with_full_text``).

    One ``PoliteFetcher`` per DoFn instance: robots.txt is read once per host and worker,
    and requests to a host are spaced and capped however many threads the worker runs.
    """

    def __init__(self, fetch_config, politeness_config=None):
        self._fetch_config = fetch_config
        self._politeness_config = politeness_config
        self._fetcher = None
        self.replaced = Metrics.counter("full_text", "replaced")
        self.kept_feed_text = Metrics.counter("full_text", "kept_feed_text")

    def setup(self):
        from transforms.fetch import Fetcher
        from transforms.politeness import PoliteFetcher

        self._fetcher = PoliteFetcher(Fetcher(self._fetch_config), self._politeness_config)

    def teardown(self):
        if self._fetcher is not None:
            self._fetcher.fetcher.close()

    def process(self, article):
        url = article.get("url")
        if article.get("source_type") != FEED or not url:
            yield article
            return
        result = self._fetcher.fetch(url)
        content_type = (result.headers or {}).get("content-type")
        updated = with_full_text(article, result.body if result.ok else None,
                                 None if result.ok else result.error_reason, content_type=content_type)
        if is_page_extraction(updated["extraction"]):
            self.replaced.inc()
        else:
            self.kept_feed_text.inc()
            LOG.info("kept feed text for %s: %s", url, updated["extraction"])
        yield updated


class FetchFullText(beam.PTransform):
    """Feed articles -> the same articles with the full page text where it could be fetched.

    A reshuffle first spreads entries of one big feed over workers (each still polite
    per host), instead of fetching them all in the worker that parsed the feed.
    """

    def __init__(self, fetch_config, politeness_config=None):
        super().__init__()
        self._fn = FetchFullTextFn(fetch_config, politeness_config)

    def expand(self, articles):
        return articles | "Spread" >> beam.Reshuffle() | "FetchPages" >> beam.ParDo(self._fn)

"""Where the text of a gold article comes from, read the way the pipeline would read it.

A gold set (``tests/gold/README.md``) names its texts in one of four ways:

* ``"texts": "files"`` (the default): article files under ``<corpus>/<corpus_subdir>``,
  e.g. the BBC News dataset, read with the pipeline's plain-text article reader;
* ``"texts": "html-ground-truth"``: the hand-extracted article bodies of the HTML
  benchmark pages, ``articleBody`` in ``<corpus>/<corpus_subdir>/ground-truth.json``,
  named by the page's file (``pages/<id>.html.gz``).  The body, not the page, is the
  text: the NLP is scored on the article, apart from how well the HTML was extracted;
* ``"texts": "feed-items"``: one item of a feed file under ``<corpus>/<corpus_subdir>``,
  named ``<feed file>#<item guid>``; the text is the item's body as the pipeline's feed
  reader and normaliser produce it (the HTML of ``content:encoded`` turned into paragraphs);
* an article with its own ``text`` (and optional ``title``): written for the gold set and
  stored in it, whatever the set's ``texts``.

A corpus text carries the sha256 it was labelled on (of the file's bytes, of the
``articleBody`` in UTF-8, or of a feed item's body in UTF-8), so a changed text is skipped with the reason, never scored.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Callable

from transforms.html_text import plain_to_text

FILES = "files"
HTML_GROUND_TRUTH = "html-ground-truth"
FEED_ITEMS = "feed-items"
TEXT_SOURCES = frozenset({FILES, HTML_GROUND_TRUTH, FEED_ITEMS})
GROUND_TRUTH_FILE = "ground-truth.json"
PAGE_SUFFIX = ".html.gz"

Reader = Callable[[bytes, str], "tuple[str | None, str]"]


class TextUnavailable(Exception):
    """The article's text is missing or not the one it was labelled on (the reason is the message)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_with_pipeline_reader(data: bytes, source_uri: str) -> tuple[str | None, str]:
    """(title, body) of an article file as the pipeline's reader produces them."""
    from transforms.sources.article_files import parse_article_file

    article = parse_article_file(data, source_uri)
    return article.get("title"), article["body"]


def page_id(path: str) -> str:
    """The benchmark's id of a page named ``pages/<id>.html.gz``."""
    name = PurePosixPath(path).name
    return name[: -len(PAGE_SUFFIX)] if name.endswith(PAGE_SUFFIX) else name


@functools.lru_cache(maxsize=4)
def _ground_truth(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source_of(gold, article) -> tuple[str, str]:
    """(corpus_subdir, texts) the article's corpus text comes from: its own, else its set's."""
    if article.texts is not None:
        return article.corpus_subdir or "", article.texts
    return gold.corpus_subdir, gold.texts


def corpus_uri(gold, article, corpus_dir: Path) -> str:
    return str(corpus_dir / source_of(gold, article)[0] / article.path)


def _checked(data: bytes, article, where) -> bytes:
    digest = sha256_hex(data)
    if digest != article.sha256:
        raise TextUnavailable(f"sha256 of {where} is {digest}, gold was labelled on {article.sha256}")
    return data


def load_article_bytes(gold, article, corpus_dir: Path) -> bytes:
    """An article file's bytes, checked against the digest it was labelled on."""
    path = corpus_dir / source_of(gold, article)[0] / article.path
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TextUnavailable(f"cannot read {path}: {error.strerror or error}") from error
    return _checked(data, article, path)


def load_ground_truth_body(gold, article, corpus_dir: Path) -> str:
    """A benchmark page's hand-extracted article body, checked against its digest."""
    path = corpus_dir / source_of(gold, article)[0] / GROUND_TRUTH_FILE
    try:
        truth = _ground_truth(str(path))
    except (OSError, ValueError) as error:
        raise TextUnavailable(f"cannot read {path}: {error}") from error
    entry = truth.get(page_id(article.path))
    if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
        raise TextUnavailable(f"{path} has no articleBody for {page_id(article.path)}")
    body = entry["articleBody"]
    _checked(body.encode("utf-8"), article, f"the articleBody of {page_id(article.path)}")
    return body


def split_item_path(path: str) -> tuple[str, str]:
    """(feed file, item guid) of a feed item named ``<feed file>#<guid>`` (a guid may hold '#')."""
    feed, hash_mark, guid = path.partition("#")
    if not hash_mark or not feed or not guid:
        raise TextUnavailable(f"{path!r} does not name a feed item as '<feed file>#<item guid>'")
    return feed, guid


def feed_items(data: bytes, source_uri: str) -> dict[str, tuple[str | None, str]]:
    """guid -> (title, body) of every item of a feed, as the pipeline reads and normalises it."""
    import datetime as dt

    from transforms.normalize import normalize_article
    from transforms.records import RejectError
    from transforms.sources.feeds import parse_feed

    items = {}
    for raw in parse_feed(data, source_uri)[0]:
        try:
            article = normalize_article(raw, dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))
        except RejectError:
            continue  # an item without a body has no text to label
        items[article["guid"]] = (article["title"], article["body"])
    return items


@functools.lru_cache(maxsize=8)
def _feed_file_items(path: str) -> dict[str, tuple[str | None, str]]:
    """``feed_items`` of a feed file, parsed once for all the gold articles it holds."""
    return feed_items(Path(path).read_bytes(), path)


def load_feed_item(gold, article, corpus_dir: Path) -> tuple[str | None, str]:
    """(title, body) of one feed item, checked against the digest of the body it was labelled on."""
    feed, guid = split_item_path(article.path)
    path = corpus_dir / source_of(gold, article)[0] / feed
    try:
        items = _feed_file_items(str(path))
    except OSError as error:
        raise TextUnavailable(f"cannot read {path}: {error.strerror or error}") from error
    item = items.get(guid)
    if item is None:
        raise TextUnavailable(f"{path} has no item with guid {guid!r}")
    _checked(item[1].encode("utf-8"), article, f"the body of {article.path}")
    return item


def article_text(gold, article, corpus_dir: Path, read: Reader = read_with_pipeline_reader
                 ) -> tuple[str | None, str]:
    """(title, body) of one gold article, as the NLP is given it.

    Raises ``TextUnavailable`` when a corpus text is missing or changed, and lets the
    reader's ``RejectError`` through (the caller scores that article as missed).
    """
    if article.text is not None:
        return article.title, plain_to_text(article.text)
    texts = source_of(gold, article)[1]
    if texts == FEED_ITEMS:
        return load_feed_item(gold, article, corpus_dir)
    if texts == HTML_GROUND_TRUTH:
        # Paragraphs are separated by blank lines there, as in the pipeline's bodies.
        return None, plain_to_text(load_ground_truth_body(gold, article, corpus_dir))
    data = load_article_bytes(gold, article, corpus_dir)
    return read(data, corpus_uri(gold, article, corpus_dir))


def has_stored_texts(gold) -> bool:
    """True when some article's text is stored in the gold file (it can be scored without the corpus)."""
    return any(article.text is not None for article in gold.articles)

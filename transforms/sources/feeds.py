"""RSS / Atom / RDF feed bytes -> raw articles and reject rows.

feedparser does the parsing.  It is handed the bytes inside a ``BytesIO``: given a
``bytes`` or ``str`` it would first try the value as a file name or URL and could read a
local file or fetch from the network.  Relative links inside HTML content are not
resolved (the text keeps no links) and the SAX parser never loads external entities.

A feed that feedparser flags as ``bozo`` is still used: the flag is set for harmless
things (``CharacterEncodingOverride``, a blank line before the XML declaration) and the
loose parser recovers the entries of most broken feeds.  What is lost is reported:
every entry becomes an article or an entry reject, and a feed without entries becomes a
feed reject that carries feedparser's exception.

Encodings are feedparser's business (BOM, HTTP charset, XML declaration, then UTF-8 and
windows-1252) until it has to guess.  Without chardet its guess for an undeclared or
wrongly declared legacy encoding is windows-1252, which turns KOI8-R, Shift_JIS or
TIS-620 text into mojibake.  When feedparser says it overrode the encoding
(``CharacterEncodingOverride``) the bytes get a second reading: mostly valid UTF-8 with
a few bad bytes stays UTF-8 (the bad bytes become U+FFFD instead of the whole feed
becoming mojibake), anything else goes to ``transforms.encoding``'s detection, and the
feed is parsed again from the re-encoded UTF-8 when that reading differs.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import feedparser
from feedparser.exceptions import CharacterEncodingOverride

from transforms import dates, encoding
from transforms.html_text import distinct, html_to_text, normalize_inline, plain_to_text
from transforms.records import FEED, RejectError, new_article, new_reject, reject_from_error
from transforms.sources.detect import decompress_if_gzip
from transforms.urls import canonicalize_url, host_of, is_http_url

STAGE = "parse"

# How the body of a feed article was obtained (the `extraction` column).
FEED_CONTENT = "feed-content"
FEED_SUMMARY = "feed-summary"
FEED_TITLE_ONLY = "feed-title-only"

# Entry keys holding the publisher's own URL when `link` points at a click tracker
# (FeedBurner's feedproxy, Pheedo).
ORIGINAL_LINK_KEYS = ("feedburner_origlink", "pheedo_origlink")

# Languages dateparser tries for a feed that states none: the common feed languages.
DEFAULT_DATE_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "ru")

# Up to this share of U+FFFD among the non-ASCII characters, bytes that are mostly valid
# UTF-8 are read as UTF-8 with replacements (at least one bad byte is always allowed).
MAX_BAD_UTF8_SHARE = 0.05

_XML_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")
_LANGUAGE_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-_]*)?\s*$")


@dataclass(frozen=True)
class FeedContext:
    """What every entry of one feed shares."""

    source_uri: str
    source_name: str | None
    base_url: str | None
    language: str | None
    authors: tuple[str, ...] = ()  # Atom feed-level authors, inherited by entries without one


def parse_feed(data: bytes, source_uri: str, *, content_type: str | None = None) -> tuple[list[dict], list[dict]]:
    """(articles, rejects) for the feed in ``data``.

    ``source_uri`` is the feed's URL or file path; when it is an http(s) URL it also
    resolves relative links.  ``content_type`` is the HTTP Content-Type header, if any,
    whose charset feedparser weighs against the XML declaration.
    """
    try:
        data = decompress_if_gzip(data)
    except RejectError as error:
        return [], [reject_from_error(error, source_uri=source_uri, source_type=FEED)]
    if not data.strip():
        return [], [_feed_reject(source_uri, "not-a-feed", "the document is empty", data)]

    parsed = run_feedparser(data, source_uri, content_type)
    redecoded = redecode_guessed_encoding(data, parsed)
    if redecoded is not None:
        parsed = run_feedparser(redecoded, source_uri)
    context = feed_context(parsed, source_uri)
    articles: list[dict] = []
    rejects: list[dict] = []
    for position, entry in enumerate(parsed.entries, start=1):
        try:
            articles.append(entry_to_article(entry, context))
        except RejectError as error:
            rejects.append(reject_from_error(error, source_uri=source_uri, source_type=FEED,
                                             item_key=entry_key(entry, position)))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            # feedparser hands back whatever the XML held; one odd entry must not cost
            # the feed its other entries.
            rejects.append(new_reject(source_uri=source_uri, source_type=FEED, stage=STAGE,
                                      reason="bad-entry", detail=f"{type(error).__name__}: {error}",
                                      excerpt=str(entry.get("title") or entry.get("link") or ""),
                                      item_key=entry_key(entry, position)))
    if not parsed.entries:
        rejects.append(_empty_feed_reject(parsed, source_uri, data))
    return articles, rejects


def run_feedparser(data: bytes, source_uri: str, content_type: str | None = None):
    """feedparser's result for ``data``, parsed strictly offline."""
    headers = {}
    if content_type:
        headers["content-type"] = content_type
    if is_http_url(source_uri):
        # feedparser resolves relative entry links against Content-Location.
        headers["content-location"] = source_uri
    return feedparser.parse(io.BytesIO(data), response_headers=headers,
                            resolve_relative_uris=False, sanitize_html=True)


def redecode_guessed_encoding(data: bytes, parsed) -> bytes | None:
    """The feed as UTF-8 bytes when feedparser guessed its encoding and a better reading exists.

    None when feedparser did not have to guess, or when the second reading agrees with it.
    """
    if not isinstance(parsed.get("bozo_exception"), CharacterEncodingOverride) or data.isascii():
        return None
    text = _mostly_utf8(data)
    if text is None:
        try:
            text, detected = encoding.decode_bytes(data)
        except RejectError:
            return None
        if _same_codec(detected, parsed.get("encoding")):
            return None
    text = text.lstrip("\ufeff")
    # The declaration must now say what the bytes are.
    return _XML_DECLARED_ENCODING.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")


def _mostly_utf8(data: bytes) -> str | None:
    """``data`` read as UTF-8 with replacements, if it is UTF-8 with a few bad bytes."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for character in text if ord(character) > 0x7F) - bad
    if good and bad <= max(1, MAX_BAD_UTF8_SHARE * (good + bad)):
        return text
    return None


def _same_codec(first: str | None, second: str | None) -> bool:
    try:
        return codecs.lookup(first or "").name == codecs.lookup(second or "").name
    except LookupError:
        return False


def feed_context(parsed, source_uri: str) -> FeedContext:
    """Source name, base URL, language and inherited authors of a parsed feed."""
    feed = parsed.feed
    base_url = _document_url(feed, source_uri)
    feed_link = canonicalize_url(feed.get("link"), base=base_url)
    title = _text_of(feed.get("title_detail"), feed.get("title"))
    source_name = title or host_of(feed_link) or host_of(base_url) or _file_name(source_uri)
    language = (normalize_language(feed.get("language"))
                or normalize_language((feed.get("title_detail") or {}).get("language"))
                or normalize_language((feed.get("subtitle_detail") or {}).get("language")))
    inherited = _authors_of(feed) if str(parsed.get("version", "")).startswith("atom") else []
    return FeedContext(source_uri=source_uri, source_name=source_name, base_url=feed_link or base_url,
                       language=language, authors=tuple(inherited))


def entry_to_article(entry, context: FeedContext) -> dict:
    """One feed entry as a raw article; RejectError when it holds nothing to read."""
    title = _text_of(entry.get("title_detail"), entry.get("title")) or None
    summary = _text_of(entry.get("summary_detail"), entry.get("summary"))
    content = max((_text_of(part) for part in entry.get("content") or []), key=len, default="")
    url = entry_url(entry, context.base_url)

    if content and len(content) >= len(summary):
        body, extraction = content, FEED_CONTENT
    elif summary:
        body, extraction = summary, FEED_SUMMARY
    elif title:
        # A headline without text is still news; the title is all the text there is.
        body, extraction = title, FEED_TITLE_ONLY
    elif url:
        raise RejectError(STAGE, "no-text", "the entry has a link but no title or text", url)
    elif not entry:
        raise RejectError(STAGE, "empty-entry", "the entry holds no elements (an empty item, "
                          "or one the parser recovered from broken markup)")
    else:
        raise RejectError(STAGE, "empty-entry", "the entry has no title, no text and no link",
                          _entry_excerpt(entry))

    published = entry_datetime(entry, "published", context.language)
    updated = entry_datetime(entry, "updated", context.language)
    return new_article(
        source_type=FEED,
        source_uri=context.source_uri,
        source_name=context.source_name,
        url=url,
        guid=entry_guid(entry, url, title),
        title=title,
        authors=_authors_of(entry) or context.authors,
        tags=_tags_of(entry),
        summary=summary or None,
        # Atom entries without <published> and RSS 1.0 dc:date only give an update time;
        # it is the best publication time the feed states.
        published_at=published or updated,
        updated_at=updated,
        feed_language=context.language,
        body=body,
        extraction=extraction,
    )


def entry_url(entry, base_url: str | None) -> str | None:
    """Canonical URL of the entry's article: the publisher's link behind a tracker when given."""
    for key in (*ORIGINAL_LINK_KEYS, "link"):
        url = canonicalize_url(entry.get(key), base=base_url)
        if url:
            return url
    return None


def entry_guid(entry, url: str | None, title: str | None) -> str:
    """Stable id of an entry: its own id, else its canonical link, else a content hash."""
    entry_id = (entry.get("id") or "").strip()
    if entry_id:
        return entry_id
    if url:
        return url
    # Title and date identify a headline; entries without a title need their text too.
    text = "" if title else _text_of(entry.get("summary_detail"), entry.get("summary"))
    when = entry.get("published") or dict.get(entry, "updated") or ""
    key = "\x1f".join((title or "", when, text))
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def entry_key(entry, position: int) -> str:
    """How a reject row names an entry: its id, its link, else its 1-based position."""
    return (entry.get("id") or "").strip() or (entry.get("link") or "").strip() or f"entry #{position}"


def normalize_language(tag: str | None) -> str | None:
    """Primary language subtag, lower-cased: ``en-US`` -> ``en``, ``IT-it`` -> ``it``."""
    match = _LANGUAGE_TAG.match(tag or "")
    return match.group(1).lower() if match else None


def entry_datetime(entry, field: str, language: str | None = None) -> dt.datetime | None:
    """``published`` or ``updated`` of an entry as an aware UTC datetime, or None.

    The raw string goes through ``dates.parse_datetime`` first: feedparser's own parse
    drops the AM/PM of "Sat, Dec 16 2023 02:02:33 PM".  Then feedparser's ``*_parsed``
    (it reads some formats dateutil does not), then dateparser, which reads day and month
    names in other languages (``Seg, 24 Set 2018``, ``mer, 16 nov 2022``) in the feed's
    language and English, or the common feed languages when the feed states none (all
    200 of its locales cost seconds a string).
    """
    # dict.get: feedparser's own get() answers `updated` with `published` when absent.
    text = dict.get(entry, field)
    return (dates.parse_datetime(text)
            or dates.from_struct_time(dict.get(entry, f"{field}_parsed"))
            or _parse_any_language(text, language))


def _parse_any_language(text: str | None, language: str | None) -> dt.datetime | None:
    if not text or len(text) > dates.MAX_DATE_CHARS:
        return None
    import dateparser  # imported on first use: it loads its language data for about a second

    languages = list(dict.fromkeys((language, "en"))) if language else list(DEFAULT_DATE_LANGUAGES)
    settings = {
        "RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC",
        # Absolute dates only, with every part in the text: "yesterday" or "March"
        # would be filled in from the current time.
        "PARSERS": ["absolute-time"], "REQUIRE_PARTS": ["day", "month", "year"],
    }
    try:
        parsed = dateparser.parse(text, languages=languages, settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    # Through dates.from_struct_time for the same plausibility rules as every other date.
    return dates.from_struct_time(parsed.astimezone(dt.timezone.utc).timetuple()) if parsed else None


def _text_of(detail, fallback: str | None = None) -> str:
    """Clean text of a feedparser text construct (``title_detail``, ``content[i]`` ...)."""
    if detail:
        value = detail.get("value") or ""
        kind = (detail.get("type") or "").lower()
        return html_to_text(value) if "html" in kind else plain_to_text(value)
    return html_to_text(fallback) if fallback else ""


def _authors_of(item) -> list[str]:
    names: list[str] = []
    for author in item.get("authors") or []:
        name = html_to_text(author.get("name") or "") or (author.get("email") or "").strip()
        if name:
            names.append(name)
    if not names and item.get("author"):
        names.append(html_to_text(item["author"]))
    return distinct(names)


def _tags_of(entry) -> list[str]:
    return distinct(normalize_inline(tag.get("label") or tag.get("term") or "")
                   for tag in entry.get("tags") or [])


def _document_url(feed, source_uri: str) -> str | None:
    """Absolute URL of the feed document: where it was fetched, else its self link or id."""
    if is_http_url(source_uri):
        return source_uri
    for link in feed.get("links") or []:
        if link.get("rel") == "self" and is_http_url(link.get("href")):
            return link["href"]
    return feed.get("id") if is_http_url(feed.get("id")) else None


def _file_name(source_uri: str) -> str | None:
    path = urlsplit(source_uri).path if is_http_url(source_uri) else source_uri
    return PurePosixPath(path.replace("\\", "/")).name or None


def _entry_excerpt(entry) -> str:
    return ", ".join(f"{key}={str(value)[:60]!r}" for key, value in entry.items())


def _feed_reject(source_uri: str, reason: str, detail: str, data: bytes) -> dict:
    return new_reject(source_uri=source_uri, source_type=FEED, stage=STAGE, reason=reason,
                      detail=detail, excerpt=data)


def _empty_feed_reject(parsed, source_uri: str, data: bytes) -> dict:
    """Why a document gave no entries: not a feed at all, or a feed without items."""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    cause = f"{type(problem).__name__}: {problem}" if problem else None
    if not parsed.get("version"):
        detail = "feedparser found no RSS, Atom or RDF feed" + (f" ({cause})" if cause else "")
        return _feed_reject(source_uri, "not-a-feed", detail, data)
    detail = f"{parsed.get('version')} feed without entries" + (f" ({cause})" if cause else "")
    return _feed_reject(source_uri, "no-entries", detail, data)

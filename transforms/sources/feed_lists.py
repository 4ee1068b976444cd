"""Feed lists -> feed locations (URLs or local paths) and reject rows.

Two formats, told apart by content:

* a text file, one feed per line: blank lines and ``#`` comment lines are skipped, and
  so is an inline comment that follows whitespace (``https://x.org/rss  # world news``;
  a ``#`` inside a URL is a fragment, not a comment);
* an OPML subscription list (what feed readers export): every ``outline`` with an
  ``xmlUrl`` attribute, at any depth of folders.

Entries are http(s) URLs (``feed://`` is read as ``http://``), ``file://`` URLs, local
paths, or object-store URLs Beam's ``FileSystems`` reads (``gs://bucket/feeds/x.xml``);
relative ones are resolved against the list's own location: its folder (local or
``gs://``), or its URL when the list was fetched.  Like ``parse_feed`` the result is (items, rejects): a
line that names no feed becomes a reject row (stage ``discover``) naming its line and
the problem, so one typo never hides the other feeds.  Repeated entries are kept once.
"""
from __future__ import annotations

import os
import posixpath
import re
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from lxml import etree

from transforms.records import RejectError, new_reject, reject_from_error
from transforms.sources.detect import decompress_if_gzip, decode_prefix, read_prolog, unicode_encoding_of
from transforms.urls import is_http_url

STAGE = "discover"

# Outline types that promise a feed, so an outline of that type without xmlUrl is an error.
FEED_OUTLINE_TYPES = frozenset({"rss", "atom", "rdf", "feed"})

_INLINE_COMMENT = re.compile(r"\s+#.*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# scheme://bucket/key, the form of every Beam filesystem URL (gs://, s3://, ...).
_FILESYSTEM_URL = re.compile(r"^([a-z][a-z0-9+.\-]*)://([^/]+)(/.*)?$")
# Beam's remote filesystems, accepted even where their extra (apache-beam[gcp] ...) is not
# installed: reading then fails for that feed alone, with Beam's "pip install" hint.
BEAM_REMOTE_SCHEMES = frozenset({"gs", "s3", "azfs", "hdfs"})


class ListEntry(NamedTuple):
    """One entry of a list as written, or the reason it cannot be one."""

    item_key: str  # "line 7", "outline 3 (BBC World)"
    text: str
    problem: str | None = None


def parse_feed_list(data: bytes, source_uri: str) -> tuple[list[str], list[dict]]:
    """(feed locations in list order, rejects) for a text or OPML feed list."""
    try:
        data = decompress_if_gzip(data)
        root, _ = read_prolog(decode_prefix(data))
        entries = _opml_entries(data) if root == "opml" else list(_text_entries(data))
    except RejectError as error:
        return [], [reject_from_error(error, source_uri=source_uri)]

    locations: list[str] = []
    rejects: list[dict] = []
    for entry in entries:
        try:
            if entry.problem:
                raise RejectError(STAGE, "bad-feed-list-entry", entry.problem, entry.text)
            location = resolve_location(entry.text, source_uri)
        except RejectError as error:
            rejects.append(reject_from_error(error, source_uri=source_uri, item_key=entry.item_key))
            continue
        if location not in locations:
            locations.append(location)
    if not locations and not rejects:
        rejects.append(new_reject(source_uri=source_uri, stage=STAGE, reason="empty-feed-list",
                                  detail="the list names no feed", excerpt=data))
    return locations, rejects


def resolve_location(entry: str, list_location: str) -> str:
    """An http(s) URL, a filesystem URL (gs://...) or a normalised local path for one list entry.

    Relative entries are resolved against ``list_location``: its folder for a local or
    ``gs://`` list, the URL itself for a fetched one.  RejectError for other schemes and
    for entries that hold spaces (two words on one line).
    """
    entry = entry.strip()
    if not entry:
        raise RejectError(STAGE, "bad-feed-list-entry", "the entry is empty")
    if any(character.isspace() for character in entry):
        raise RejectError(STAGE, "bad-feed-list-entry",
                          "more than one word: put one feed URL or path per line", entry)
    if entry.lower().startswith("feed:"):
        remainder = entry[5:]
        entry = remainder if remainder.lower().startswith("http") else "http:" + remainder
    scheme = _SCHEME.match(entry)
    if scheme and len(scheme.group(1)) > 1:  # one letter is a Windows drive, handled as a path
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            if not is_http_url(entry):
                raise RejectError(STAGE, "bad-feed-list-entry", "the URL has no host", entry)
            return entry
        if name == "file":
            return os.path.normpath(url2pathname(urlsplit(entry).path))
        if name in filesystem_schemes() and _FILESYSTEM_URL.match(entry):
            return entry
        raise RejectError(STAGE, "unsupported-scheme",
                          f"{name}: is not a feed location (use http, https, gs, file or a path)", entry)
    if is_http_url(list_location):
        return urljoin(list_location, entry)
    remote_list = _FILESYSTEM_URL.match(list_location)
    if remote_list:
        return join_filesystem_url(remote_list, entry)
    if os.path.isabs(entry):
        return os.path.normpath(entry)
    return os.path.normpath(os.path.join(os.path.dirname(list_location), entry))


def filesystem_schemes() -> frozenset[str]:
    """URL schemes read through Beam's ``FileSystems``: the registered ones and Beam's remote ones."""
    from apache_beam.io.filesystem import FileSystem

    registered = set()
    for filesystem in FileSystem.get_all_subclasses():
        try:
            registered.add(filesystem.scheme())
        except NotImplementedError:  # an abstract intermediate class
            continue
    return frozenset(registered - {None, "file"}) | BEAM_REMOTE_SCHEMES


def join_filesystem_url(list_url: re.Match, entry: str) -> str:
    """``entry`` relative to the folder of a ``scheme://bucket/key`` list, as a URL of the same bucket.

    ``urljoin`` does not know object-store schemes (it returns the entry unchanged) and
    ``os.path`` would fold ``gs://`` into ``gs:/``; resolve on the key instead.  An entry
    starting with ``/`` is taken from the bucket's root, as a URL path would be.
    """
    scheme, bucket, key = list_url.group(1), list_url.group(2), list_url.group(3) or "/"
    path = posixpath.normpath(posixpath.join(posixpath.dirname(key), entry))
    return f"{scheme}://{bucket}{path if path.startswith('/') else '/' + path}"


def _text_entries(data: bytes):
    """A ListEntry for each meaningful line of a plain-text list."""
    codec, bom_length = unicode_encoding_of(data)
    text = data[bom_length:].decode(codec or "utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        line = _INLINE_COMMENT.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        # Report rather than guess: a URL with a wrong byte would fetch the wrong thing.
        problem = "the line holds bytes that are not UTF-8" if "\ufffd" in line else None
        yield ListEntry(f"line {number}", line, problem)


def _opml_entries(data: bytes) -> list[ListEntry]:
    """A ListEntry for each feed outline of an OPML document, depth first.

    The parser recovers what it can from broken XML; when that leaves no feed at all,
    the XML error is the reason (rather than "empty list").
    """
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise RejectError(STAGE, "bad-opml", f"not readable as XML: {error}", data) from error
    entries = [] if root is None else list(_feed_outlines(root))
    if not entries and parser.error_log:
        raise RejectError(STAGE, "bad-opml", f"not readable as XML: {parser.error_log[0].message}", data)
    return entries


def _feed_outlines(root):
    for number, outline in enumerate(root.iter("{*}outline"), start=1):
        attributes = {name.lower(): value for name, value in outline.attrib.items()}
        label = attributes.get("title") or attributes.get("text") or ""
        item_key = f"outline {number}" + (f" ({label})" if label else "")
        outline_type = (attributes.get("type") or "").lower()
        if "xmlurl" in attributes:
            yield ListEntry(item_key, attributes["xmlurl"])
        elif outline_type in FEED_OUTLINE_TYPES:
            yield ListEntry(item_key, "", f"an outline of type {outline_type} without xmlUrl")
        # Other outlines are folders or links to web pages, not feeds.

"""What kind of input a file (or fetched body) is, decided by its content first.

File extensions lie (``.xml`` pages, feeds saved as ``.txt``, ``.php`` endpoints), so
the first markup element after the prolog decides: ``<rss>``, ``<feed>``, ``<rdf:RDF>``
or ``<channel>`` is a feed, ``<opml>`` a subscription list, ``<html>``/``<body>`` or an
HTML doctype a page.  The prolog may hold a byte order mark, UTF-16/32 encoding, an XML
declaration, processing instructions, comments, a doctype and blank lines.  Only when
the content says nothing does the extension decide.  Gzip input is decompressed first,
with a cap on the decompressed size.
"""
from __future__ import annotations

import re
import zlib
from pathlib import PurePosixPath

from transforms.encoding import BYTE_ORDER_MARKS
from transforms.records import RejectError

FEED, HTML, TEXT, OPML, FEED_LIST = "feed", "html", "text", "opml", "feed-list"

GZIP_MAGIC = b"\x1f\x8b"
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
# How much of the input the sniffer reads: enough for long comment headers and doctypes.
SNIFF_BYTES = 64 * 1024

FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
HTML_ROOTS = frozenset({"html", "body", "head"})

FEED_EXTENSIONS = frozenset({".rss", ".atom", ".rdf", ".xml"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
OPML_EXTENSIONS = frozenset({".opml"})
FEED_LIST_EXTENSIONS = frozenset({".feeds", ".urls"})

# '<' or '<?' in UTF-16/32 without a BOM (XML 1.0 appendix F).
_BOMLESS = (
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
)

_PROLOG_ITEM = re.compile(
    r"""\s+                              # blank lines and indentation
      | <\?.*?\?>                        # XML declaration, xml-stylesheet and other PIs
      | <!--.*?(?:-->|$)                 # comments (an unclosed one runs to the end)
      | <!doctype(?:[^\[>]|\[.*?\])*>    # doctype, possibly with an internal subset
    """, re.IGNORECASE | re.DOTALL | re.VERBOSE)
_ELEMENT_NAME = re.compile(r"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)")
_HTML_DOCTYPE = re.compile(r"<!doctype\s+html", re.IGNORECASE)
_URL_LINE = re.compile(r"^(?:https?|feed)://\S+$", re.IGNORECASE)
_PATH_LINE = re.compile(r"^\S+$")


def is_gzip(data: bytes) -> bool:
    """True for gzip bytes (by magic number, whatever the name says)."""
    return data[:2] == GZIP_MAGIC


def decompress_if_gzip(data: bytes, *, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """``data`` itself, or its decompressed content when it is gzip.

    Decompresses incrementally so a gzip bomb stops at ``limit`` bytes instead of
    filling memory, and reads every member of a multi-member file (``cat a.gz b.gz``).
    Raises RejectError (stage ``decode``) for a corrupt or truncated stream and for
    output over ``limit``.  Non-gzip bytes pass through even when a name ends in
    ``.gz``: an HTTP client may already have undone a ``Content-Encoding: gzip``.
    """
    if not is_gzip(data):
        return data
    output = bytearray()
    remaining = data
    while remaining[:2] == GZIP_MAGIC:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            output += decompressor.decompress(remaining, limit + 1 - len(output))
        except zlib.error as error:
            raise RejectError("decode", "bad-gzip", f"corrupt gzip stream: {error}", data[:64]) from error
        if len(output) > limit or decompressor.unconsumed_tail:
            raise RejectError("decode", "decompressed-too-large",
                              f"gzip content is larger than {limit} bytes once decompressed")
        if not decompressor.eof:
            raise RejectError("decode", "bad-gzip", "gzip stream is truncated", data[:64])
        # Anything after the last member that is not another member (zero padding) is
        # ignored, as gzip(1) does.
        remaining = decompressor.unused_data
    return bytes(output)


def unicode_encoding_of(data: bytes) -> tuple[str | None, int]:
    """(codec, BOM length) when a BOM or the UTF-16/32 byte pattern of '<' gives the encoding."""
    for bom, codec in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return codec, len(bom)
    for pattern, codec in _BOMLESS:
        if data.startswith(pattern):
            return codec, 0
    return None, 0


def decode_prefix(data: bytes, limit: int = SNIFF_BYTES) -> str:
    """The start of ``data`` as text, good enough to read markup names (not for content)."""
    codec, bom_length = unicode_encoding_of(data)
    chunk = data[bom_length: bom_length + limit]
    # Any ASCII-compatible encoding spells markup the same, so UTF-8 with replacement
    # reads the element names of Latin-1, windows-1251 or Shift_JIS documents too.
    return chunk.decode(codec or "utf-8", errors="replace")


def read_prolog(text: str) -> tuple[str | None, bool]:
    """(root element, HTML doctype seen) of a markup document.

    The root is the lower-cased local name of the first element after the prolog
    (``<rdf:RDF>`` gives ``rdf``), or None when there is no element there.  The doctype
    only counts when the root says nothing: feeds exist with an XHTML doctype.
    """
    position = 0
    html_doctype = False
    while True:
        match = _PROLOG_ITEM.match(text, position)
        if not match or match.end() == position:
            break
        html_doctype = html_doctype or bool(_HTML_DOCTYPE.match(match.group(0)))
        position = match.end()
    element = _ELEMENT_NAME.match(text, position)
    root = element.group(1).rsplit(":", 1)[-1].lower() if element else None
    return root, html_doctype


def looks_like_feed_list(text: str) -> bool:
    """True when every meaningful line is one URL or path and at least one is a web URL."""
    has_url = False
    for raw in text.splitlines():
        line = re.split(r"\s#", raw, maxsplit=1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if _URL_LINE.match(line):
            has_url = True
        elif not _PATH_LINE.match(line) or line.startswith("<"):
            return False
    return has_url


def sniff_kind(data: bytes, name: str) -> str:
    """``feed``, ``html``, ``opml``, ``feed-list`` or ``text`` for the input bytes.

    Gzip input (by magic number) is judged on its decompressed content; RejectError
    when it cannot be decompressed or exceeds the size cap.
    """
    data = decompress_if_gzip(data)
    suffix = _content_suffix(name)
    text = decode_prefix(data)
    root, html_doctype = read_prolog(text)
    if root in FEED_ROOTS:
        return FEED
    if root == "opml":
        return OPML
    if root in HTML_ROOTS or html_doctype:
        return HTML
    if suffix in OPML_EXTENSIONS:
        return OPML
    if suffix in FEED_EXTENSIONS:
        return FEED  # the feed parser reports what is wrong with it
    if suffix in HTML_EXTENSIONS:
        return HTML
    if suffix in FEED_LIST_EXTENSIONS or (root is None and looks_like_feed_list(text)):
        return FEED_LIST
    return TEXT


def _content_suffix(name: str) -> str:
    """The extension that names the content: ``page.html.gz`` -> ``.html``."""
    path = PurePosixPath(name.replace("\\", "/").split("?", 1)[0].lower())
    if path.suffix == ".gz":
        path = path.with_suffix("")
    return path.suffix

"""HTML article pages -> raw articles: main text and metadata through trafilatura.

Settings, chosen by measurement (``bench/html_f1.py``, 60 pages of the scrapinghub
article-extraction benchmark, token-level F1 against the ground truth):

=========================================================  =======
trafilatura settings                                       mean F1
=========================================================  =======
defaults (comments and tables included)                     0.9652
favor_recall                                                0.9642
favor_precision                                             0.9741
favor_precision, no comments, no tables                     0.9747
the same, first line dropped when it repeats the title      0.9755
=========================================================  =======

Issue 11 split the pages (``bench/html_f1.py``): 40 for tuning, 20 held out.  On the
tuning part, removing page furniture with the shared rules of ``transforms/clean.py``
(credits, "You may also like", "Related: <headline>" links) raises the mean from 0.9737
to 0.9751, and joining an article body split over several containers first
(``html_split_body``) to 0.9838; both are used here.  ``docs/benchmarks.md`` has both parts.

Taking the defaults' text when the precise one is much shorter does not pay: even an
oracle picking the better of the two per page reaches only 0.9752.

Those settings skip tables, so a page laid out in a ``<table>`` has no main text for them.
Before a page is rejected as ``no-main-text`` the looser settings of ``EXTRACTION_CHAIN``
are tried in turn (tables kept; then trafilatura's defaults; then ``favor_recall``), and
``extraction`` names the step that found the text.  No benchmark page needs them, so the
figures above are unchanged; ``tests/fixtures/html/`` holds the pages that do.

The bytes are decoded here rather than by trafilatura, which ignores the page's
declared charset (it tries UTF-8, then charset-normalizer's guess).  Order: byte order
mark, the HTTP charset when the caller has one, valid UTF-8 (a page labelled latin-1
whose bytes are valid UTF-8 is UTF-8: real latin-1 text almost never is), the
``<meta>`` charset, then ``transforms.encoding``'s detection.
"""
from __future__ import annotations

import codecs
import copy
import re

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from transforms import dates, encoding
from transforms.clean import strip_boilerplate
from transforms.html_text import distinct, html_to_text, normalize_inline
from transforms.records import HTML, RejectError, new_article
from transforms.sources.detect import decompress_if_gzip, unicode_encoding_of
from transforms.sources.feeds import normalize_language
from transforms.sources.html_split_body import join_split_body
from transforms.urls import canonicalize_url, host_of

STAGE = "extract"
EXTRACTION = "trafilatura"

# trafilatura options; see the module docstring for the measurements behind them.
EXTRACT_OPTIONS = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
# trafilatura falls back to whatever text a page has; less than this (a menu label, the
# heading of a cookie notice) is not an article.  No benchmark page comes near it.
MIN_BODY_CHARS = 50
# (extraction label, options), tried in order until one finds MIN_BODY_CHARS of text: the
# measured best first, then looser settings, so a page the precise settings miss is kept
# rather than lost.  Every later step keeps tables (an old layout puts the article in one),
# as trafilatura's defaults do; comments stay out, they are not the article.
EXTRACTION_CHAIN = (
    (EXTRACTION, EXTRACT_OPTIONS),
    (f"{EXTRACTION}/tables", {**EXTRACT_OPTIONS, "include_tables": True}),
    (f"{EXTRACTION}/defaults", {**EXTRACT_OPTIONS, "favor_precision": False, "include_tables": True}),
    (f"{EXTRACTION}/recall", {**EXTRACT_OPTIONS, "favor_precision": False, "favor_recall": True,
                              "include_tables": True}),
)
# trafilatura's output elements that are blocks of text, as the HTML tags html_to_text knows.
_BLOCK_ELEMENTS = {"p": "p", "head": "h2", "list": "ul", "item": "li", "quote": "blockquote",
                   "table": "table", "row": "tr", "cell": "td", "lb": "br"}

# htmldate (inside trafilatura) returns the time and offset too when the page states them.
DATE_OPTIONS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

# Where a charset declaration may sit: HTML5 requires it in the first 1024 bytes; real
# pages put long <head> scripts first, so look a little further.
CHARSET_SCAN_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)""", re.IGNORECASE)
# WHATWG: these labels are decoded as windows-1252, their superset.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1", "l1"})


def extract_html_article(data: bytes, source_uri: str, url: str | None = None, *,
                         content_type: str | None = None) -> dict:
    """A raw article (source_type ``html``) from the bytes of an HTML page.

    ``url`` is where the page lives, for relative links and as the article URL when the
    page names no canonical one; ``content_type`` is the HTTP header, whose charset
    outranks the page's own declaration.  Gzip bytes are decompressed first.  Raises
    RejectError: stage ``decode`` for unreadable bytes, stage ``extract`` with reason
    ``no-main-text`` when trafilatura finds no article text.
    """
    data = decompress_if_gzip(data)
    html = decode_html(data, content_type)
    if not html.strip():
        raise RejectError(STAGE, "no-main-text", "the page is empty", data)
    document, body, extraction = extract_main_text(html, url)
    title = normalize_inline(document.title) or None

    page_url = canonicalize_url(document.url, base=url) or canonicalize_url(url)
    return new_article(
        source_type=HTML,
        source_uri=source_uri,
        source_name=normalize_inline(document.sitename) or host_of(page_url) or None,
        url=page_url,
        title=title,
        authors=split_authors(document.author),
        tags=_tags(document),
        subheadings=_subheadings(document),
        summary=normalize_inline(document.description) or None,
        published_at=dates.parse_datetime(document.date),
        feed_language=_declared_language(html),
        body=body,
        extraction=extraction,
    )


def extract_main_text(html: str, url: str | None = None):
    """(trafilatura document, body, extraction label) from the first step of
    ``EXTRACTION_CHAIN`` that finds at least ``MIN_BODY_CHARS`` of text.

    RejectError ``no-main-text`` saying what every step found when none finds enough.
    """
    found = []
    # A body split over several containers is joined first (trafilatura copies the tree
    # it is given, so one joined tree serves every step); other pages go in as they came.
    tree = load_html(html)
    page = tree if tree is not None and join_split_body(tree) else html
    for extraction, options in EXTRACTION_CHAIN:
        document = trafilatura.bare_extraction(page, url=url, with_metadata=True,
                                               date_extraction_params=DATE_OPTIONS, **options)
        if document is None:
            found.append(f"{extraction}: nothing")
            continue
        title = normalize_inline(document.title) or None
        if extraction == EXTRACTION:
            body = _paragraphs(document.text, title)
        else:
            body = _paragraphs_of_tree(document.body, title)
        # What trafilatura keeps of the page around the article (credits, "You may also
        # like", "Related: <headline>" links, and for the looser steps menus and copyright
        # lines) goes by the shared furniture rules.
        body = "\n\n".join(strip_boilerplate(body.split("\n\n")))
        if len(body) >= MIN_BODY_CHARS:
            return document, body, extraction
        found.append(f"{extraction}: {len(body)} characters {body[:60]!r}")
    raise RejectError(STAGE, "no-main-text", f"no setting of trafilatura found {MIN_BODY_CHARS} characters "
                      f"of text ({'; '.join(found)})", html)


def is_page_extraction(extraction: str) -> bool:
    """Whether an ``extraction`` value says the body came from a page (any step of the chain)."""
    return any(extraction == label for label, _ in EXTRACTION_CHAIN)


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """The text of an HTML page; see the module docstring for the order of evidence.

    RejectError (stage ``decode``) for binary data that is not a page at all.
    """
    codec, bom_length = unicode_encoding_of(data)
    if codec and bom_length:
        return data[bom_length:].decode(codec, errors="replace")
    http_charset = _HTTP_CHARSET.search(content_type or "")
    declared = _codec(http_charset.group(1)) if http_charset else None
    if declared:
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared:
        return data.decode(declared, errors="replace")
    # Undeclared legacy encoding: detection, which also rejects binary data.
    return encoding.decode_bytes(data)[0]


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the page's ``<meta>`` charset or XML declaration, if known."""
    head = data[:CHARSET_SCAN_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return _codec(match.group(1).decode("ascii")) if match else None


def split_authors(byline: str | None) -> list[str]:
    """trafilatura joins several authors with "; "."""
    return distinct(normalize_inline(name) for name in (byline or "").split(";"))


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _paragraphs(text: str | None, title: str | None) -> str:
    """trafilatura puts one block per line; the body separates paragraphs by a blank line.

    A first line that repeats the title (the page's <h1>) is dropped: the headline has
    its own column.  On the benchmark this raises the mean F1 from 0.9747 to 0.9755.
    """
    lines = [line for line in (normalize_inline(raw) for raw in (text or "").splitlines()) if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def _paragraphs_of_tree(body, title: str | None) -> str:
    """Paragraphs of trafilatura's output tree, each table cell's blocks on their own.

    Its plain text flattens a table into one ``| cell | cell |`` line per row, which turns
    an article laid out in a table cell into one run-on paragraph with the menu beside it.
    """
    if body is None:
        return ""
    tree = copy.deepcopy(body)
    for element in tree.iter():
        if isinstance(element.tag, str):
            element.tag = _BLOCK_ELEMENTS.get(element.tag, "div" if element is tree else "span")
    return _paragraphs(html_to_text(etree.tostring(tree, encoding="unicode")), title)


def _subheadings(document) -> list[str]:
    body = getattr(document, "body", None)
    if body is None:
        return []
    headings = (normalize_inline("".join(head.itertext())) for head in body.iter("head"))
    return [heading for heading in headings if heading]


def _tags(document) -> list[str]:
    """Page categories and keywords (trafilatura gives each as a list of comma-joined strings)."""
    values = [*(document.categories or []), *(document.tags or [])]
    return distinct(normalize_inline(name) for value in values for name in value.split(","))


def _declared_language(html: str) -> str | None:
    match = _HTML_LANG.search(html[:CHARSET_SCAN_BYTES * 4])
    return normalize_language(match.group(1)) if match else None

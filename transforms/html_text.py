"""HTML fragments (feed titles, summaries, content) to clean text.

The text keeps the structure a reader sees: each block element (paragraph, heading,
list item, quote, table row ...) becomes a paragraph, paragraphs are separated by one
blank line, a single ``<br>`` is a line break inside a paragraph and two or more in a
row start a new paragraph.  Scripts, styles, embedded objects and comments are dropped,
entities are unescaped and runs of whitespace inside a line become one space.
"""
from __future__ import annotations

import html as _html
import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

# Elements that start and end a paragraph.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# Elements whose content is never reader text.
DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "svg",
    "math", "canvas", "audio", "video", "head", "title", "meta", "link", "select", "option",
    "button", "input", "textarea",
})

# Invisible characters that only split words for a machine: zero-width space / joiner /
# non-joiner, word joiner, soft hyphen, byte order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u00ad\ufeff"))
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_DROPPED_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


# Markers in the token stream built while walking the tree.
_LINE_BREAK = object()
_PARAGRAPH_BREAK = object()


def html_to_text(html: str | None) -> str:
    """Clean text of an HTML fragment or document; plain text passes through normalised.

    Returns "" for None, empty input and markup without text.
    """
    if not html or not html.strip():
        return ""
    if "<" not in html:
        return plain_to_text(_html.unescape(html))
    root = _parse(html)
    text = _assemble(_walk(root)) if root is not None else ""
    if not text:
        # libxml2 drops what sits deeper than 2048 elements, and gives up on some broken
        # markup; the text between the tags must not be lost with it.
        text = plain_to_text(_html.unescape(_TAG.sub(" ", _DROPPED_BLOCKS.sub(" ", html))))
    return text


def normalize_inline(text: str | None) -> str:
    """One line of text: NFC, invisible characters removed, runs of whitespace as one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return " ".join(text.split())


def distinct(values) -> list[str]:
    """Non-empty strings in first-seen order, without case-insensitive repeats (tags, bylines)."""
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            result.append(value)
    return result


def plain_to_text(text: str | None) -> str:
    """Plain text in the same shape: blank lines separate paragraphs, single newlines are soft wraps."""
    if not text:
        return ""
    paragraphs = (normalize_inline(block) for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")))
    return "\n\n".join(p for p in paragraphs if p)


def _parse(html: str):
    # lxml refuses str input that carries an encoding declaration.
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        # A parser per call: lxml parsers must not be shared between threads.  huge_tree
        # lifts libxml2's nesting limit from 256 to 2048 elements; feed markup nests deeply.
        parser = lxml_html.HTMLParser(huge_tree=True)
        return lxml_html.fragment_fromstring(html, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _walk(root) -> list:
    """Text pieces and break markers in document order, without recursion (deep markup is common)."""
    tokens: list = []
    skipped = None  # the dropped element we are inside, if any
    pre_depth = 0  # inside <pre>, newlines are line breaks rather than wrapping

    def emit(text: str | None):
        if not text:
            return
        if not pre_depth:
            tokens.append(text)
            return
        for index, line in enumerate(text.split("\n")):
            if index:
                tokens.append(_LINE_BREAK)
            tokens.append(line)

    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):
            # Comments and processing instructions carry no text, but their tail does.
            if skipped is None:
                emit(element.tail)
            continue
        name = element.tag.rsplit("}", 1)[-1].lower()
        if event == "start":
            if skipped is not None:
                continue
            if name in DROPPED_TAGS:
                skipped = element
                continue
            if name in BLOCK_TAGS:
                tokens.append(_PARAGRAPH_BREAK)
            elif name == "br":
                tokens.append(_LINE_BREAK)
            if name == "pre":
                pre_depth += 1
            emit(element.text)
        else:
            if skipped is not None and element is not skipped:
                continue
            if skipped is None:
                if name == "pre":
                    pre_depth -= 1
                if name in BLOCK_TAGS:
                    tokens.append(_PARAGRAPH_BREAK)
            skipped = None
            if element is not root:
                emit(element.tail)
    return tokens


def _assemble(tokens: list) -> str:
    paragraphs: list[str] = []
    lines: list[str] = []
    current: list[str] = []
    pending_breaks = 0

    def close_line():
        line = normalize_inline("".join(current))
        current.clear()
        if line:
            lines.append(line)

    def close_paragraph():
        close_line()
        if lines:
            paragraphs.append("\n".join(lines))
            lines.clear()

    for token in tokens:
        if token is _PARAGRAPH_BREAK:
            close_paragraph()
            pending_breaks = 0
        elif token is _LINE_BREAK:
            pending_breaks += 1
            if pending_breaks >= 2:
                close_paragraph()
            else:
                close_line()
        else:
            if token.strip():
                pending_breaks = 0
            current.append(token)
    close_paragraph()
    return "\n\n".join(paragraphs)

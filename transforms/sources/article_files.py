"""Plain-text article files -> raw article records.

The file format is the one of the seed and of the BBC corpus::

    <title>
    <blank line>
    [<date line, e.g. "December 23, 2021" or "Published: 23 Dec 2021 10:00 GMT">
    <blank line>]
    <paragraph>
    <blank line>
    <paragraph> ...

Scraped files add page furniture before the title and around the body (cookie notices,
share bars, rating widgets, "listen on" lists); ``transforms.clean`` removes it by shape.
Crossheads between paragraphs go to ``subheadings``.

Everything here is a pure function of the bytes; bad input raises ``RejectError``:
``decode`` stage (``empty-file``, ``binary-content``, ``undecodable``) or ``parse`` stage
(``no-body``).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath
from urllib.parse import urlparse

from transforms import clean
from transforms.dates import find_date_line
from transforms.encoding import decode_bytes
from transforms.records import FILE, RejectError, new_article

EXTRACTION = "text-file"
STAGE = "parse"
# A first line longer than this is a paragraph of a file that has no title line; a
# headline is one or two dozen words.
MAX_TITLE_CHARS = 300
# How many header lines (after the title, furniture not counted) may be date lines: a
# publication date and an "Updated:" date.
MAX_DATE_LINES = 2
_UPDATED_LABEL = re.compile(r"^(last\s+)?(updated|modified)\b", re.IGNORECASE)


def parse_article_file(data: bytes, source_uri: str, source_name: str | None = None, *,
                       now: dt.datetime | None = None) -> dict:
    """Decode a plain-text article file and parse it into a raw article record.

    ``source_name`` defaults to the name of the folder holding the file (``bbc`` for
    ``.../bbc/001.txt``).  ``now`` is the reference for rejecting future dates (default:
    the current time).  Raises ``RejectError`` for empty, binary or undecodable files and
    for files with no body once furniture is removed.
    """
    text, _encoding = decode_bytes(data)
    return parse_article_text(text, source_uri, source_name, now=now)


def parse_article_text(text: str, source_uri: str, source_name: str | None = None, *,
                       now: dt.datetime | None = None) -> dict:
    """``parse_article_file`` for text that is already decoded."""
    blocks = _drop_furniture_before_title(clean.split_blocks(text))
    if not blocks:
        raise RejectError(STAGE, "no-body", "the file holds only page furniture", excerpt=text)

    title: str | None = blocks[0][0]
    if len(title) > MAX_TITLE_CHARS:
        title = None  # no title line: the first line is already body text
    else:
        blocks = _without_first_line(blocks)

    published_at, updated_at, blocks = _take_date_lines(blocks, now)

    paragraphs = [clean.join_lines(block) for block in blocks]
    found = len(paragraphs)
    paragraphs = clean.strip_boilerplate(paragraphs)
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # scrapers often repeat the headline as the first line
    paragraphs, subheadings = clean.split_subheadings(paragraphs)
    if not paragraphs:
        if found == 0:
            detail = f"the file has a title ({title!r}) but no body paragraphs"
        else:
            detail = (f"none of the {found} paragraphs after the title is body text "
                      f"({len(subheadings)} subheadings; the rest page furniture or a repeated title)")
        raise RejectError(STAGE, "no-body", detail, excerpt=text)

    return new_article(
        source_type=FILE,
        source_uri=source_uri,
        source_name=source_name if source_name is not None else folder_name(source_uri),
        extraction=EXTRACTION,
        title=title,
        published_at=published_at,
        updated_at=updated_at,
        subheadings=subheadings,
        body="\n\n".join(paragraphs),
    )


def folder_name(source_uri: str) -> str | None:
    """Name of the folder holding the file, for a path or a URI (``gs://b/news/bbc/1.txt`` -> ``bbc``)."""
    path = urlparse(source_uri).path if "://" in source_uri else source_uri
    return PurePosixPath(path.replace("\\", "/")).parent.name or None


def _drop_furniture_before_title(blocks: list[list[str]]) -> list[list[str]]:
    """Cookie notices, menus and skip links above the headline.

    Only paragraphs and lines that are furniture themselves are dropped here (never a
    fragment next to them, as ``clean.strip_boilerplate`` does), because the first
    fragment is the title we are looking for.
    """
    blocks = list(blocks)
    while blocks and clean.is_furniture(clean.join_lines(blocks[0])):
        blocks.pop(0)
    while blocks and clean.is_furniture(blocks[0][0]):
        blocks = _without_first_line(blocks)
    return blocks


def _take_date_lines(blocks: list[list[str]], now: dt.datetime | None
                     ) -> tuple[dt.datetime | None, dt.datetime | None, list[list[str]]]:
    """Read the date lines right after the title: ``(published_at, updated_at, rest)``.

    Furniture between the title and the date (a share bar) is skipped while looking and
    left in place for ``strip_boilerplate``.  A line labelled "Updated"/"Modified" gives
    ``updated_at``; the first other date line gives ``published_at``.  Only lines that
    are just a date count (``find_date_line``), so a first paragraph that mentions a date
    stays in the body.
    """
    published_at = updated_at = None
    date_lines: set[tuple[int, int]] = set()
    for position, line in _lines_with_positions(blocks):
        if len(date_lines) == MAX_DATE_LINES:
            break
        if clean.is_furniture(line):
            continue
        value = find_date_line(line, now=now)
        if value is None:
            break
        is_update = bool(_UPDATED_LABEL.match(line))
        if is_update and updated_at is None:
            updated_at = value
        elif not is_update and published_at is None:
            published_at = value
        else:
            break
        date_lines.add(position)
    rest = [[line for line_index, line in enumerate(block) if (block_index, line_index) not in date_lines]
            for block_index, block in enumerate(blocks)]
    return published_at, updated_at, [block for block in rest if block]


def _lines_with_positions(blocks: list[list[str]]):
    for block_index, block in enumerate(blocks):
        for line_index, line in enumerate(block):
            yield (block_index, line_index), line


def _without_first_line(blocks: list[list[str]]) -> list[list[str]]:
    first, *rest = blocks
    return [first[1:], *rest] if len(first) > 1 else rest

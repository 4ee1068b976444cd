"""Step 1 of quote extraction: quotations found by their marks on the raw text.

Pure string functions, no model: pairs of straight and curly double quotes (and
``„...“``/``«...»``), single-quoted quotations outside double quotes, apostrophes told
apart from quote marks, and the news conventions for quotations that run over several
paragraphs.  The conventions, with examples, are in ``docs/quotes.md``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NamedTuple

from transforms.nlp.lexicon import EDITORIAL_LABELS


SCARE_MAX_WORDS = 4  # "under five words" is a scare quote or a short phrase, not a statement


_OPEN, _CLOSE = "open", "close"


_OPENING_PUNCTUATION = "([{—–-/"


_CLOSING_PUNCTUATION = ".,;:!?)]}—–-…/"


SENTENCE_END = ".!?…"


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


# Apostrophes that stand at a word's start and look like an opening single quote.
_LEADING_ELISION = re.compile(r"['‘’](?:\d0s|n['’]|em\b|til\b|cause\b|tis\b|twas\b)", re.IGNORECASE)


@dataclass(frozen=True)
class _MarkFamily:
    """One kind of quote mark: glyphs that only open, only close, or may do either."""

    openers: str
    closers: str
    ambiguous: str
    keep_unterminated: bool   # an unclosed quotation is kept (double) or dropped (single)

    @property
    def glyphs(self) -> str:
        return self.openers + self.closers + self.ambiguous


DOUBLE_MARKS = _MarkFamily(openers="“„‟«", closers="”»", ambiguous='"', keep_unterminated=True)


SINGLE_MARKS = _MarkFamily(openers="‘‹", closers="’›", ambiguous="'", keep_unterminated=False)


class QuoteSpan(NamedTuple):
    """One quotation on the raw text.

    ``start``/``end`` cover the quotation including its outer marks (``end`` is the end of
    the last quoted word when the closing mark is missing); ``parts`` are the quoted text
    ranges, one per paragraph (or per merged-paragraph piece), without any mark.
    ``speaker_label`` is set on a line of a transcript: the label before its colon ("Q",
    "A", "CASTELLANOS"); such a quotation has no marks and covers the line after the label.
    """

    start: int
    end: int
    parts: tuple[tuple[int, int], ...]
    terminated: bool
    speaker_label: str | None = None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty paragraph; paragraphs are separated by blank lines."""
    spans, position = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed


def _is_left_flanking(before: str, after: str) -> bool:
    """Placed like an opening mark: after a space or opening punctuation, before a word."""
    return (before == "" or before.isspace() or before in _OPENING_PUNCTUATION) and after != "" \
        and not after.isspace()


def _is_right_flanking(before: str, after: str) -> bool:
    """Placed like a closing mark: after a word or punctuation, before a space or punctuation."""
    return before != "" and not before.isspace() and (after == "" or after.isspace()
                                                      or after in _CLOSING_PUNCTUATION)


def _mark_role(text: str, i: int, family: _MarkFamily, is_open: bool) -> str | None:
    """Whether the mark at ``text[i]`` opens or closes a quotation (None: it is an apostrophe)."""
    glyph = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    left, right = _is_left_flanking(before, after), _is_right_flanking(before, after)
    if family is SINGLE_MARKS:
        if before.isalnum() and after.isalnum():
            return None                              # doesn't, O'Brien, rock'n'roll
        if left and _LEADING_ELISION.match(text, i):
            return None                              # '90s, 'em, 'til, rock 'n' roll
    if glyph in family.openers:
        return _CLOSE if is_open and right and not left else _OPEN
    if glyph in family.closers:
        return _OPEN if left and not right and not is_open else _CLOSE
    if left and not right:
        return _OPEN
    if right and not left:
        return _CLOSE
    return _CLOSE if is_open else _OPEN


def _last_non_space(text: str, end: int, floor: int) -> int:
    """Position just after the last non-space character of text[floor:end]."""
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _follows_finished_sentence(text: str, i: int, floor: int) -> bool:
    """Whether the mark at i comes after whitespace that follows sentence-final punctuation."""
    j = i
    while j > floor and text[j - 1].isspace():
        j -= 1
    return j < i and j > floor and text[j - 1] in SENTENCE_END


class _OpenQuote:
    """A quotation being scanned: where it opened and its finished parts."""

    def __init__(self, mark: int):
        self.start = mark
        self.part_start = mark + 1
        self.parts: list[tuple[int, int]] = []

    def end_part(self, end: int) -> None:
        self.parts.append((self.part_start, end))

    def span(self, end: int, terminated: bool) -> QuoteSpan:
        return QuoteSpan(self.start, end, tuple(self.parts), terminated)


def _scan_family(text: str, paragraphs: list[tuple[int, int]], family: _MarkFamily,
                 masked: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Quotations delimited by one family of marks, ignoring marks inside ``masked`` ranges."""
    found: list[QuoteSpan] = []
    masked_starts = [start for start, _ in masked]

    def is_masked(i: int) -> bool:
        k = bisect.bisect_right(masked_starts, i) - 1
        return k >= 0 and masked[k][0] <= i < masked[k][1]

    def finish_unterminated(quote: _OpenQuote, end: int) -> None:
        quote.end_part(end)
        if family.keep_unterminated and any(e > s for s, e in quote.parts):
            found.append(quote.span(end, terminated=False))

    # Jump from mark to mark: testing every character in Python was a fifth of the analysis.
    glyphs = family.glyphs
    marks = re.compile(f"[{re.escape(glyphs)}]")
    current: _OpenQuote | None = None
    previous_end = 0
    for p_start, p_end in paragraphs:
        first = p_start
        if current is not None:
            opens_again = text[p_start] in glyphs and not is_masked(p_start) and \
                _mark_role(text, p_start, family, is_open=False) == _OPEN
            if opens_again:                          # convention: opening mark repeated
                current.end_part(previous_end)
                current.part_start = p_start + 1
                first = p_start + 1
            else:
                finish_unterminated(current, previous_end)
                current = None
        for mark in marks.finditer(text, first, p_end):
            i = mark.start()
            if is_masked(i):
                continue
            role = _mark_role(text, i, family, current is not None)
            if role is None:
                continue
            if current is None:
                if role == _OPEN:
                    current = _OpenQuote(i)
                continue                             # a stray closing mark opens nothing
            if role == _CLOSE:
                current.end_part(i)
                found.append(current.span(i + 1, terminated=True))
                current = None
            elif family is DOUBLE_MARKS and _follows_finished_sentence(text, i, p_start):
                current.end_part(_last_non_space(text, i, p_start))   # merged paragraphs
                current.part_start = i + 1
            else:                                    # the previous quotation was never closed
                finish_unterminated(current, _last_non_space(text, i, p_start))
                current = _OpenQuote(i)
        previous_end = p_end
    if current is not None:
        finish_unterminated(current, previous_end)
    return found


# A transcript line: "Q:", "A:" or a speaker's name in capitals ("CASTELLANOS:", "MARY
# O'NEILL:", "JEAN-LUC DUPRÉ:", "DE LA CRUZ:") at the start of a paragraph, then the words
# spoken.  Letters of any alphabet ([^\W\d_]); that they are capitals is checked on the
# match (``_is_speaker_label``), since ``re`` has no class for upper-case letters beyond ASCII.
_LABEL_WORD = r"[^\W\d_](?:[^\W\d_]|['’-])*"
_TRANSCRIPT_LINE = re.compile(rf"(?P<label>{_LABEL_WORD}(?: {_LABEL_WORD}){{0,3}}):[ \t]+(?=\S)")


def _is_speaker_label(label: str) -> bool:
    """"Q", "PÄRNPUU", "JEAN-LUC DUPRÉ": a label in capitals (one letter only for Q and A)
    that is not an editor's ("NOTE", :data:`~transforms.nlp.lexicon.EDITORIAL_LABELS`)."""
    if not (label in ("Q", "A") or (label.isupper() and len(label) > 1)):
        return False
    return not set(label.casefold().replace("’", "'").split()) & EDITORIAL_LABELS


def find_transcript_spans(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[QuoteSpan]:
    """Lines of an interview or hearing transcript, each one quotation without marks.

    Only when the text has at least two such paragraphs with two different labels (a
    question and an answer, two speakers), so that a lone "UPDATE: ..." is no transcript;
    an editor's label ("NOTE:", :data:`~transforms.nlp.lexicon.EDITORIAL_LABELS`) is no speaker.
    """
    lines = []
    for start, end in paragraphs if paragraphs is not None else paragraph_spans(text):
        match = _TRANSCRIPT_LINE.match(text, start, end)
        if match and _is_speaker_label(match["label"]):
            lines.append(QuoteSpan(match.end(), end, ((match.end(), end),), True, match["label"]))
    if len(lines) < 2 or len({line.speaker_label for line in lines}) < 2:
        return []
    return lines


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """All quotations in ``text``, in text order.

    Transcript lines are found first (``find_transcript_spans``), then double-quoted
    quotations outside them, then single-quoted ones outside both: single quotes nested
    inside a double-quoted quotation belong to it, and a double-quoted span inside a
    single-quoted one (single quotes as the house style) is dropped as nested.
    """
    paragraphs = paragraph_spans(text)
    transcript = find_transcript_spans(text, paragraphs)
    lines = [(span.start, span.end) for span in transcript]
    doubles = _scan_family(text, paragraphs, DOUBLE_MARKS, masked=lines)
    singles = _scan_family(text, paragraphs, SINGLE_MARKS,
                           masked=sorted(lines + [(span.start, span.end) for span in doubles]))
    doubles = [d for d in doubles if not any(s.start < d.start and d.end <= s.end for s in singles)]
    return sorted(transcript + doubles + singles)


def quote_text(text: str, span: QuoteSpan) -> str:
    """The quoted words: parts joined by a blank line across paragraphs, by a space within one."""
    pieces = []
    for k, (start, end) in enumerate(span.parts):
        if k:
            gap = text[span.parts[k - 1][1]: start]
            pieces.append("\n\n" if "\n" in gap else " ")
        pieces.append(text[start:end].strip())
    return "".join(pieces).strip()


def word_count(text: str) -> int:
    """Words separated by whitespace ("military-technical response" is two words)."""
    return len(text.split())


def is_scare_quote(text: str) -> bool:
    """Under five words: a scare quote or a short phrase rather than a statement."""
    return word_count(text) <= SCARE_MAX_WORDS

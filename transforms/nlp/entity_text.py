"""Cleaning an entity span's text: what the model included that is not the name.

A leading "the", a possessive "'s" (except in names such as ``McDonald's``), surrounding
quotes and punctuation, text run on after a dash or comma, a trailing score; offsets move
with the trim (``transforms.nlp.entities`` step 1).
"""
from __future__ import annotations

import re

from transforms.nlp.labels import NUMERIC_LABELS, PERSON
from transforms.nlp.lexicon import POSSESSIVE_NAMES


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_EDGE_PUNCTUATION = "\"'“”‘’`«»()[]{}<>,;:!?*|/\\-–—•·"
# "Vladimir Putin - who ..." / "John Prescott - were" / "Lloyd, Broster": the model runs
# a name into the clause after a dash or the next name of a list.
_PERSON_BREAK = re.compile(r"\s+[-–—]+\s+|\s*--\s*|,\s")
_TRAILING_SCORE = re.compile(r"(?:\s+\(?\d+-\d+\)?)+\s*$")
_POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$", re.IGNORECASE)
# Names whose final 's is part of the name, not a possessive.
_POSSESSIVE_NAMES = frozenset(name.casefold() for name in POSSESSIVE_NAMES)


def trim_entity_text(text: str, label: str) -> tuple[int, int] | None:
    """The ``(start, end)`` slice of an entity span's text worth keeping, or None for junk.

    Junk: a span across a paragraph break, or a name (non-numeric label) without a
    capital letter or a word starting with a letter ("--", "800bn", "striker").
    What is trimmed is described in :func:`trim_span`.
    """
    if _PARAGRAPH_BREAK.search(text):
        return None
    start, end = trim_span(text, label)
    if start >= end:
        return None
    if label not in NUMERIC_LABELS and not _looks_like_a_name(text[start:end]):
        return None
    return start, end


def trim_span(text: str, label: str) -> tuple[int, int]:
    """``(start, end)`` of ``text`` without the parts that are not the entity.

    Surrounding whitespace and punctuation, a leading "the", a possessive ending
    (except in names such as ``McDonald's``), a trailing sports score, and for PERSON
    anything after a spaced dash or a comma.  A trailing full stop is kept after
    abbreviations (``U.S.``, ``Inc.``).
    """
    start, end = 0, len(text)
    if label == PERSON:
        # "Lloyd, Broster" (a list) and "John Prescott - were" (a clause): keep the first name.
        cut = _PERSON_BREAK.search(text)
        if cut and cut.start() > 0:
            end = cut.start()
    if label not in NUMERIC_LABELS:
        # "Peter Luczak 7-6", "Czech Republic 7-5 6-3": a score after a name in results.
        score = _TRAILING_SCORE.search(text, start, end)
        if score and score.start() > start:
            end = score.start()
    changed = True
    while changed and start < end:
        changed = False
        while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCTUATION):
            start, changed = start + 1, True
        while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_PUNCTUATION):
            end, changed = end - 1, True
        if end > start and text[end - 1] == "." and not _is_abbreviation_end(text[start:end]):
            end, changed = end - 1, True
        if text[start:start + 4].casefold() == "the " and end - start > 4:
            start, changed = start + 4, True
        piece = text[start:end]
        possessive = _POSSESSIVE.search(piece)
        if possessive and piece.casefold() not in _POSSESSIVE_NAMES and len(piece) > 2:
            end, changed = end - (1 if possessive.group().casefold() in ("s'", "s’") else 2), True
    return start, max(start, end)


def _looks_like_a_name(text: str) -> bool:
    """A name has a capital letter and a word that starts with a letter ("800bn", "striker" do not)."""
    return any(ch.isupper() for ch in text) and any(word[:1].isalpha() for word in text.split())


def _is_abbreviation_end(piece: str) -> bool:
    """``U.S.``, ``Inc.``, ``St.``: a full stop that belongs to the name."""
    last_word = piece.rsplit(None, 1)[-1]
    return last_word.count(".") > 1 or len(last_word) <= 4


def normalize_space(text: str) -> str:
    return " ".join(text.split())

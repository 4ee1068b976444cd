"""Organisations known by the shape of their name: capitalised words ending in a head word.

A run of capitalised words that ends in a word heading an organisation's name
(:data:`~transforms.nlp.lexicon.ORG_HEAD_WORDS`: "London Metal Exchange", "Tequila Works",
"Mid-American Conference", "Canterbury Institute of Marine Studies") is an ORG, whether the
model left it untagged, tagged only its place words ("London") or tagged the whole as a
person or a work.  The run may go on after the head word with "of" and more capitalised
words.  Left alone: a run that is a known place ("West Bank"), a span the model tagged as a
place with exactly these words, a run after a quotation mark (a title), a run opening with a
title or courtesy title ("President", "Mr"), and sentences written in title case
(headlines kept in the text, where every word is capitalised).
"""
from __future__ import annotations

from spacy.attrs import LOWER
from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import known_place_by_its_own_name
from transforms.nlp.entity_spans import token_indexes
from transforms.nlp.labels import ORG, PLACE_LABELS
from transforms.nlp.lexicon import (CALENDAR_WORDS, COURTESY_TITLES, DISTINGUISHING_MODIFIERS, ORG_HEAD_WORDS,
                                    TITLE_WORDS)

_MAX_WORDS_BEFORE_HEAD = 4
_MAX_WORDS_AFTER_OF = 4
# A sentence with at least this share of capitalised words (and enough words) is a headline.
_TITLE_CASE_SHARE = 0.6
_TITLE_CASE_MIN_WORDS = 5


def _name_token(token) -> bool:
    """A capitalised word or an acronym that can stand in an organisation's name."""
    text = token.text
    return text[:1].isupper() and any(ch.isalpha() for ch in text) and token.pos_ in ("PROPN", "NOUN", "X", "ADJ")


def _joined_by_hyphen(doc: Doc, i: int) -> bool:
    """Token ``i`` is a hyphen written inside a word ("Mid-American")."""
    return doc[i].text == "-" and i > 0 and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _run_start(doc: Doc, head: int) -> int:
    """First token of the capitalised run that ends at ``head``."""
    start, words = head, 0
    while start > 0 and words < _MAX_WORDS_BEFORE_HEAD:
        before = doc[start - 1]
        if _name_token(before) and not before.is_sent_start:
            start, words = start - 1, words + 1
        elif _name_token(before) and before.pos_ == "PROPN":   # a name opening the sentence
            return start - 1
        elif start > 1 and _joined_by_hyphen(doc, start - 1) and _name_token(doc[start - 2]):
            start -= 2
        else:
            break
    return start


def _run_end(doc: Doc, head: int) -> int:
    """End of the name after its head word: "Institute" + "of Marine Studies"."""
    end = head + 1
    if end + 1 < len(doc) and doc[end].lower_ == "of" and _name_token(doc[end + 1]):
        stop = end + 1
        while stop < len(doc) and stop - end <= _MAX_WORDS_AFTER_OF and _name_token(doc[stop]):
            stop += 1
        end = stop
    return end


def _in_title_case(doc: Doc, i: int) -> bool:
    """Token ``i`` stands in a sentence whose words are nearly all capitalised (a headline)."""
    sent = doc[i].sent
    words = [t for t in sent if t.is_alpha]
    if len(words) < _TITLE_CASE_MIN_WORDS:
        return False
    return sum(t.text[:1].isupper() for t in words) >= _TITLE_CASE_SHARE * len(words)


def organisation_shape_spans(doc: Doc, label_at: dict[int, str]) -> list[Span]:
    """ORG spans of capitalised runs ending in an organisation head word (module docstring)."""
    spans = []
    for head in token_indexes(doc, LOWER, ORG_HEAD_WORDS):
        token = doc[head]
        if not token.text[:1].isupper() or (label_at.get(head) == ORG and label_at.get(head - 1) == ORG):
            continue
        start = _run_start(doc, head)
        if start == head:
            continue                               # the head word alone ("Congress", "Police")
        first = doc[start].text.rstrip(".").casefold()
        if first in TITLE_WORDS or first in COURTESY_TITLES or first in CALENDAR_WORDS or first == "the" \
                or first in DISTINGUISHING_MODIFIERS:
            continue
        if start > 0 and doc[start - 1].is_quote and not doc[start - 1].is_right_punct:
            continue                               # "Hard Times Group": a title
        end = _run_end(doc, head)
        text = doc[start:end].text
        if known_place_by_its_own_name(text) is not None:
            continue
        if label_at.get(start) in PLACE_LABELS and all(label_at.get(k) == label_at.get(start)
                                                      for k in range(start, end)) \
                and (start == 0 or label_at.get(start - 1) != label_at.get(start)) \
                and (end >= len(doc) or label_at.get(end) != label_at.get(start)):
            continue                               # the model's own place of these very words
        if _in_title_case(doc, head):
            continue
        spans.append(Span(doc, start, end, label=ORG))
    return spans

"""Organisations the model missed or mislabelled (rules 2 and 3 of :mod:`transforms.nlp.entity_rules`).

**Well-known organisations** (:data:`~transforms.nlp.gazetteers.KNOWN_ORGANISATIONS`),
matched as written (case-sensitive) wherever they stand, tagged or not: an untagged
"SpaceX", or "The Hollywood Reporter" where the model tagged only "Hollywood".  A match
replaces the model's spans inside it, never a longer span around it ("Amazon Web
Services"), and is skipped for names that are places (the model knows those better).
3. **An organisation after the noun that says what it is**: a capitalised name right after
a lower-case word for a company, outlet or other organisation ("research firm IDC",
"the record label Big Machine", "the journal Nature Astronomy";
:data:`~transforms.nlp.lexicon.ORG_DESCRIPTOR_NOUNS`).  The entity index also makes the
name's other mentions organisations (``entities.described_organisations``).

Newspapers named after places ("the Argus Leader"), institutions of a place or an
organisation ("India's Supreme Court") and names opening with a word that makes an
organisation's name ("Air Astana", "FC Porto") are found by their shape too.
"""
from __future__ import annotations

import threading

from spacy.attrs import LOWER, ORTH
from spacy.lang.en import English
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import known_place_by_its_own_name
from transforms.nlp.entity_spans import POSSESSIVE_MARKS, token_indexes
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS
from transforms.nlp.labels import GPE, ORG
from transforms.nlp.lexicon import (CALENDAR_WORDS, COURTESY_TITLES, NEWSPAPER_FINAL_WORDS, ORG_DESCRIPTOR_NOUNS,
                                    ORG_INSTITUTION_WORDS, ORG_NAME_FIRST_WORDS, ORGANISATION_WORDS, TITLE_WORDS)

_MAX_DESCRIBED_NAME_WORDS = 5


_MATCHERS: dict[int, PhraseMatcher] = {}
_MATCHERS_LOCK = threading.Lock()


def _organisation_matcher(vocab) -> PhraseMatcher:
    """One PhraseMatcher of the gazetteer per vocabulary (built once, thread-safe)."""
    matcher = _MATCHERS.get(id(vocab))
    if matcher is None:
        with _MATCHERS_LOCK:
            matcher = _MATCHERS.get(id(vocab))
            if matcher is None:
                # English's tokenizer rules, as the model's pipeline tokenizes the text.
                make_doc = English(vocab=vocab).make_doc
                matcher = PhraseMatcher(vocab, attr="ORTH")
                names = sorted(name for name in KNOWN_ORGANISATIONS
                               if known_place_by_its_own_name(name.removeprefix("The ")) is None)
                matcher.add(ORG, [make_doc(name) for name in names])
                _MATCHERS[id(vocab)] = matcher
    return matcher


def known_organisation_spans(doc: Doc) -> list[Span]:
    """spans of the gazetteer's organisations, longest first where they overlap."""
    matches = _organisation_matcher(doc.vocab)(doc, as_spans=True)
    spans = []
    taken: set[int] = set()
    for span in sorted(matches, key=lambda s: (-(s.end - s.start), s.start)):
        if any(i in taken for i in range(span.start, span.end)):
            continue
        if span.start > 0 and doc[span.start - 1].text == "The":
            span = doc[span.start - 1:span.end]   # "The Guardian" written with its article
        taken.update(range(span.start, span.end))
        spans.append(Span(doc, span.start, span.end, label=ORG))
    return sorted(spans, key=lambda s: s.start)


def is_org_name_token(token) -> bool:
    """A capitalised word or an acronym that can be part of an organisation's name."""
    text = token.text
    return text[:1].isupper() and any(ch.isalpha() for ch in text) and token.pos_ in ("PROPN", "NOUN", "X")


# Hyphenated descriptors as the tokenizer splits them: "start-up" is "start", "-", "up".
_HYPHENATED_DESCRIPTORS = {tuple(word.split("-")) for word in ORG_DESCRIPTOR_NOUNS if "-" in word}


def _descriptor_ends(doc: Doc) -> list[int]:
    """Indexes of the last token of every organisation descriptor
    (:data:`~transforms.nlp.lexicon.ORG_DESCRIPTOR_NOUNS`), hyphenated ones included."""
    found = token_indexes(doc, LOWER, ORG_DESCRIPTOR_NOUNS)
    for first, last in _HYPHENATED_DESCRIPTORS:
        for i in token_indexes(doc, LOWER, (last,)):
            if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == first \
                    and not doc[i - 2].whitespace_ and not doc[i - 1].whitespace_:
                found.append(i)
    return sorted(found)


def organisation_after_descriptor_spans(doc: Doc) -> list[Span]:
    """"research firm IDC", "the record label Big Machine" -> ORG spans."""
    spans = []
    for i in _descriptor_ends(doc):
        token = doc[i]
        if not token.is_lower or token.i + 1 >= len(doc):
            continue
        start = end = token.i + 1
        while end < len(doc) and end - start < _MAX_DESCRIBED_NAME_WORDS and (
                is_org_name_token(doc[end]) or (doc[end].text in ("&", "-") and end > start)):
            end += 1
        while end > start and not is_org_name_token(doc[end - 1]):
            end -= 1
        if end == start or (end < len(doc) and is_org_name_token(doc[end])):
            continue  # no name, or a longer run than a name
        first = doc[start].text.rstrip(".").casefold()
        if first in TITLE_WORDS or first in COURTESY_TITLES or first in CALENDAR_WORDS:
            continue  # "the company Chief Executive", "the firm Monday"
        spans.append(Span(doc, start, end, label=ORG))
    return spans


def _capitalised_run(doc: Doc, start: int, joiners=frozenset({"of", "for", "and", "&", "the"})) -> int:
    """End of the run of capitalised words from ``start`` (with "of", "for", "and" inside it)."""
    end = start
    while end < len(doc) and end - start < _MAX_DESCRIBED_NAME_WORDS + 2:
        token = doc[end]
        if is_org_name_token(token) and token.lower_ not in CALENDAR_WORDS:   # "the Argus Leader Monday"
            end += 1
        elif token.lower_ in joiners and token.is_lower and end + 1 < len(doc) and is_org_name_token(doc[end + 1]):
            end += 1
        else:
            break
    return end


def newspaper_spans(doc: Doc, label_at: dict[int, str]) -> list[Span]:
    """"the Argus Leader", "The North Otago Leader" (untagged, or only their place words
    tagged): capitalised words after "the" ending in a newspaper word
    (:data:`~transforms.nlp.lexicon.NEWSPAPER_FINAL_WORDS`) and with no title or organisation
    word before it."""
    spans = []
    for i in token_indexes(doc, LOWER, ("the",)):
        start = i + 1
        end = _capitalised_run(doc, start, joiners=frozenset())
        if not 2 <= end - start <= 4 or doc[end - 1].lower_ not in NEWSPAPER_FINAL_WORDS:
            continue
        if any(label_at.get(k) == ORG for k in range(start, end)) \
                or any(t.lower_ in TITLE_WORDS or t.lower_ in ORGANISATION_WORDS for t in doc[start:end - 1]):
            continue  # tagged already, or "the Labour Leader", "the House Majority Leader"
        # The model may have tagged the place words of the name with the article ("The North Otago").
        spans.append(Span(doc, i if i in label_at else start, end, label=ORG))
    return spans


def owned_institution_spans(doc: Doc, label_at: dict[int, str]) -> list[Span]:
    """"India's Supreme Court", "NASA's Science Mission Directorate" untagged: an
    institution (:data:`~transforms.nlp.lexicon.ORG_INSTITUTION_WORDS`) of a place or an
    organisation, written after its possessive."""
    spans = []
    for i in token_indexes(doc, ORTH, POSSESSIVE_MARKS):
        if i == 0 or label_at.get(i - 1) not in (GPE, ORG) or i + 1 >= len(doc) or i + 1 in label_at:
            continue
        end = _capitalised_run(doc, i + 1)
        if end > i + 1 and doc[end - 1].lower_ in ORG_INSTITUTION_WORDS \
                and not any(k in label_at for k in range(i + 1, end)):
            spans.append(Span(doc, i + 1, end, label=ORG))
    return spans


def first_word_spans(doc: Doc, label_at: dict[int, str]) -> list[Span]:
    """"Passengers of Air Astana", "FC Vlietdam": a word that makes an organisation's
    name (``lexicon.ORG_NAME_FIRST_WORDS``, not opening a sentence) and the capitalised words
    after it, whatever the model tagged them (not an organisation of its own)."""
    spans = []
    for i in token_indexes(doc, ORTH, ORG_NAME_FIRST_WORDS):
        if doc[i].is_sent_start or i in label_at:
            continue
        end = _capitalised_run(doc, i + 1, joiners=frozenset())
        if i + 1 < end <= i + 4 and not any(label_at.get(k) == ORG for k in range(i + 1, end)):
            spans.append(Span(doc, i, end, label=ORG))
    return spans

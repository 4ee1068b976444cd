"""Full names that open with a given name of any country are persons (NLP round 4).

The small English model tags names it has not seen by their shape, and non-English full
names often come out as organisations, places or nothing ("Sjoerd Veldkamp" GPE,
"Rayén Quispe Mamani" ORG, "Olumide Adeyinka" untagged).  A run of two to four
capitalised words whose first word is a known given name of some country
(:mod:`transforms.nlp.given_names`, from names-dataset) is a person's full name,
whatever the model said, unless the text shows something else:

* a word of the run is an organisation, title or calendar word, or a place on its own,
  or the run is a known place or organisation ("Aston Villa"): not a person;
* the run is part of a longer name (an entity sticking out of it, a name word or
  "&" right before or after it, a legal suffix after it: "Kora Partners Inc");
* a span another entity rule labelled (a known organisation, an organisation by its
  shape or descriptor) is left as it is;
* the run is a modifier joined by a hyphen ("a Janet Jackson-style show") or opens
  with an interjection ("Hey Jude");
* it follows "the" or "of" ("the Anja Frank Foundation" has an organisation word anyway;
  "the Seung-woo Nam case") or opens a quotation (a title).

Given names that are English words ("Jordan", "Chase", "Victoria", "Grace") are not in
the table, so this rule never makes "Chase Bank" or "Victoria Park" a person.
"""
from __future__ import annotations

import bisect
import re

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import has_word_of_no_name, known_place_by_its_own_name
from transforms.nlp.entity_spans import entity_at
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS
from transforms.nlp.given_names import stored
from transforms.nlp.labels import NUMERIC_LABELS, PERSON
from transforms.nlp.lexicon import CALENDAR_WORDS, NAME_PARTICLES, ORG_LEGAL_SUFFIXES

# A capitalised word of any alphabet's letters ("Veldkamp", "Ñúñez", "O'Neill" is three tokens).
_CAPITALISED = re.compile(r"[^\W\d_][^\W\d_]*")
_JOINERS = ("-", "‐", "‑", "'", "’")
_MAX_WORDS = 4
_BEFORE_NOT_A_PERSON = frozenset({"the", "of"})


def _capitalised(token) -> bool:
    return _capitalised_text(token.text)


def _capitalised_text(text: str) -> bool:
    return text[:1].isupper() and _CAPITALISED.fullmatch(text) is not None and not text.isupper()


def _capitalised_indexes(doc: Doc) -> list[int]:
    """Indexes of the tokens ``_capitalised`` holds for, in order, read from the Doc's word
    column (the test is made once per distinct word)."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    found = []
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):
        capitalised = _CAPITALISED_IDS.get(orth)
        if capitalised is None:
            capitalised = _capitalised_text(strings[orth])
            if len(_CAPITALISED_IDS) < 200_000:  # bounded: a worker sees words without end
                _CAPITALISED_IDS[orth] = capitalised
        if capitalised:
            found.append(i)
    return found


# Word id (a hash of the word, the same in every StringStore) -> whether it is capitalised.
_CAPITALISED_IDS: dict[int, bool] = {}


def _word_end(doc: Doc, i: int, first: bool) -> int:
    """End (exclusive) of the word starting at token ``i``: tokens joined by a hyphen or
    apostrophe with no space ("O'Neill", "Thornbury-Vance"); in a given name the later parts
    may be lower case ("Hye-jin")."""
    end = i + 1
    while end + 1 < len(doc) and doc[end].text in _JOINERS and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and _CAPITALISED.fullmatch(doc[end + 1].text) \
            and (first or doc[end + 1].text[:1].isupper()):
        end += 2
    return end


def _name_words(doc: Doc, start: int) -> list[tuple[int, int]]:
    """(start, end) of the capitalised words in a run from ``start``, particles allowed
    inside ("Pieter van der Berg"); one past the longest name, so a longer run shows."""
    words = []
    i = start
    while i < len(doc) and len(words) <= _MAX_WORDS:
        if _capitalised(doc[i]):
            end = _word_end(doc, i, first=not words)
            words.append((i, end))
            i = end
            continue
        j = i
        while j < len(doc) and doc[j].lower_ in NAME_PARTICLES and doc[j].is_lower:
            j += 1
        if j == i or not words or j >= len(doc) or not _capitalised(doc[j]):
            break
        i = j
    return words


def given_name_person_spans(doc: Doc, ents: list[Span], protected: list[Span]) -> list[Span]:
    """PERSON spans for full names that open with a given name (module docstring); ``ents``
    are the spans so far, ``protected`` the ones other rules labelled on purpose."""
    names = stored()
    label_at = entity_at(ents)
    kept_off = {i for span in protected for i in range(span.start, span.end)}
    spans = []
    # Only capitalised tokens can open a name: jump from one to the next instead of making a
    # Token of every word (that was ~1/3 of the entity repairs' time; issue 10, round 4).
    capitalised = _capitalised_indexes(doc)
    capitalised_set = set(capitalised)
    i = k = 0
    while (k := bisect.bisect_left(capitalised, i, k)) < len(capitalised):
        i = capitalised[k]
        if i > 0 and (i - 1 in capitalised_set or doc[i - 1].text in _JOINERS):
            i += 1
            continue
        words = _name_words(doc, i)
        first_end = words[0][1]
        span = _person_span(doc, words, names, label_at, kept_off)
        if span is not None:
            spans.append(span)
            i = span.end
        else:
            i = first_end
    return spans


def _person_span(doc: Doc, words, names, label_at, kept_off) -> Span | None:
    if not 2 <= len(words) <= _MAX_WORDS:
        return None
    start, end = words[0][0], words[-1][1]
    if not names.is_given_name(doc[start:words[0][1]].text):
        return None
    if any(k in kept_off for k in range(start, end)):
        return None
    texts = [doc[a:b].text for a, b in words]
    if any(text.casefold() in CALENDAR_WORDS for text in texts) or has_word_of_no_name(texts):
        return None
    span_text = doc[start:end].text
    if span_text in KNOWN_ORGANISATIONS or known_place_by_its_own_name(span_text) is not None:
        return None
    if start > 0 and (doc[start - 1].lower_ in _BEFORE_NOT_A_PERSON or doc[start - 1].text == "&"
                      or (doc[start - 1].is_quote and not doc[start - 1].is_right_punct)):
        return None
    if end < len(doc) and (doc[end].text in ("&",) + _JOINERS and not doc[end - 1].whitespace_
                           or doc[end].text == "&" or doc[end].text.rstrip(".").casefold() in ORG_LEGAL_SUFFIXES):
        return None  # "Kora Partners Inc", "a Janet Jackson-style show"
    if doc[start].pos_ == "INTJ":
        return None  # "Hey Jude"
    current = {label_at[k] for k in range(start, end) if k in label_at}
    if any(ent.start < start or ent.end > end or ent.label_ in NUMERIC_LABELS for ent in current):
        return None
    if len(current) == 1 and next(iter(current)).label_ == PERSON and \
            (next(iter(current)).start, next(iter(current)).end) == (start, end):
        return None
    return Span(doc, start, end, label=PERSON)

"""Entity spans the model ran together, split (rule 1 of :mod:`transforms.nlp.entity_rules`).

**Splits of spans the model ran together.**  A PERSON or ORG span with a possessive
inside, before more capitalised words, is the owner and what it owns ("Jeff Bezos's
Blue Origin" -> PERSON + ORG; "NASA's Office of the Inspector General" -> ORG + ORG),
when the owner reads as a person's full name (PERSON) or is an acronym or a well-known
organisation (ORG), and what it owns is two words or more; not when the owner is a title
("Governor's Office"), the possessive is part of a name (``McDonald's``) or the whole is
a title ("Dawson's Creek").  A span of capitalised words opening with a word that makes
an organisation's name ("Air Astana" tagged FAC; ``lexicon.ORG_NAME_FIRST_WORDS``) is an ORG.  A span that starts with a known place and goes on with a person's name
("envoy to Ukraine Kurt Volker" as one ORG) is the place and the person.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import is_name_word, known_place_by_its_own_name, reads_as_person_name
from transforms.nlp.entity_spans import POSSESSIVE_MARKS
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS
from transforms.nlp.labels import GPE, ORG, PERSON
from transforms.nlp.lexicon import CALENDAR_WORDS, ORG_INSTITUTION_WORDS, ORG_NAME_FIRST_WORDS, POSSESSIVE_NAMES, TITLE_WORDS
from transforms.nlp.person_names import is_acronym
from transforms.nlp.places import CITY

_POSSESSIVE_NAME_KEYS = frozenset(name.casefold() for name in POSSESSIVE_NAMES)


def split_span(doc: Doc, ent: Span) -> list[Span]:
    ent = _without_ticker(doc, _without_lower_case_start(doc, ent))
    if ent.label_ != ORG and len(ent) >= 2 and ent[0].text in ORG_NAME_FIRST_WORDS \
            and all(t.text[:1].isupper() for t in ent):
        return [Span(doc, ent.start, ent.end, label=ORG)]   # "Air Astana" tagged FAC
    return _split_possessive(doc, ent) or _split_place_and_person(doc, ent) or [ent]


# A market code written after a name in financial news ("CMAL3", "AAPL.O", "7203.T"):
# capitals and digits, with a letter and a digit or a dot in it.
_TICKER = re.compile(r"(?=[0-9.]*[A-Z])(?=[A-Z.]*[0-9.])[A-Z0-9]+(?:\.[A-Z]{1,2})?")


def _without_ticker(doc: Doc, ent: Span) -> Span:
    """"London Metal Exchange CMAL3" as one ORG: the market code after the name is no part of it."""
    if ent.label_ != ORG or len(ent) < 3 or not _TICKER.fullmatch(ent[-1].text):
        return ent
    return Span(doc, ent.start, ent.end - 1, label=ORG)


def _without_lower_case_start(doc: Doc, ent: Span) -> Span:
    """"the state Department of Public Safety": an organisation's name starts at its first
    capitalised word (words such as "eBay" keep their capital inside)."""
    if ent.label_ != ORG:
        return ent
    start = ent.start
    while start < ent.end - 1 and (doc[start].is_lower or doc[start].lower_ == "the") and doc[start].is_alpha:
        start += 1
    if start == ent.start or not doc[start].text[:1].isupper():
        return ent
    return Span(doc, start, ent.end, label=ORG)


def _split_possessive(doc: Doc, ent: Span) -> list[Span] | None:
    """"Jeff Bezos's Blue Origin" -> "Jeff Bezos" (PERSON) + "Blue Origin" (ORG)."""
    if ent.label_ not in (PERSON, ORG):
        return None
    for i in range(ent.start + 1, ent.end - 1):
        if doc[i].tag_ != "POS" or doc[i].text not in POSSESSIVE_MARKS:
            continue
        owner, owned = doc[ent.start:i], doc[i + 1:ent.end]
        last = doc[i - 1]
        if last.pos_ != "PROPN" or last.lower_ in TITLE_WORDS:
            return None
        if doc[ent.start:i + 1].text.casefold() in _POSSESSIVE_NAME_KEYS or not owned[0].text[:1].isupper():
            return None
        if owned[0].lower_ in CALENDAR_WORDS:
            return None   # "Trump's July 25"
        if len(owned) < 2:
            # "FX's Legion" as one ORG: a well-known organisation or an acronym owning one word
            # (a show, a product) is the organisation alone.  Other one-word possessions are
            # titles ("Dawson's Creek", "Founder's Edition").
            if ent.label_ == ORG and _is_organisation_name(owner) and len(owner) == 1:
                return [Span(doc, owner.start, owner.end, label=ORG)]
            return None
        if not (reads_as_person_name([t.text for t in owner]) if ent.label_ == PERSON else _is_organisation_name(owner)):
            return None   # "People's Liberation Army": the owner must be a person or an organisation
        return [Span(doc, owner.start, owner.end, label=ent.label_), Span(doc, owned.start, owned.end, label=ORG)]
    return None


def _is_organisation_name(span) -> bool:
    """An acronym ("NASA"), a well-known organisation, or a name of two words or more ending in
    a word for an institution ("the Washington Healthcare Authority")."""
    text = span.text.removeprefix("the ").removeprefix("The ")
    return (is_acronym(text) or text in KNOWN_ORGANISATIONS
            or (len(text.split()) >= 2 and span[-1].lower_ in ORG_INSTITUTION_WORDS))


def _split_place_and_person(doc: Doc, ent: Span) -> list[Span] | None:
    """"Ukraine Kurt Volker" as one span -> GPE "Ukraine" + PERSON "Kurt Volker"."""
    if ent.label_ in (PERSON, GPE) or not 3 <= len(ent) <= 5:
        return None
    for cut in (1, 2):
        place, person = ent[:cut], ent[cut:]
        if not 2 <= len(person) <= 3 or not all(is_name_word(token) for token in ent):
            continue
        found = known_place_by_its_own_name(place.text)
        if found is not None and found.geo_type != CITY and reads_as_person_name([t.text for t in person]):
            return [Span(doc, place.start, place.end, label=GPE),
                    Span(doc, person.start, person.end, label=PERSON)]
    return None

"""Place rules for modern web news (issue 11, round 2), applied by :mod:`transforms.nlp.entity_rules`.

Each rule needs a strong sign in the text or the gazetteer (:mod:`transforms.nlp.places`),
because a false place costs as much as a missed one ("Reading" the club, "Nice" the
adjective, "Chelsea" the club stay what the model said):

1. **Names the text shows to be places**, whatever the model tagged them (PERSON, ORG, NORP,
   FAC...): a name in apposition with a word for a kind of place ("Contin, a village at the
   foot of the hill": :data:`~transforms.nlp.lexicon.PLACE_NOUNS`), after a compass word and
   *of* ("a fishing village south of Oamaru"), a NORP span that is by its own name a country,
   a region (inside one country or not) or a city of 100,000 people ("the Punjab province",
   "BUFFALO" in a dateline; nationality words are never places), and a name of two words or more tagged
   PERSON that is by its own name a city of 100,000 people ("the Argus Leader of Sioux
   Falls"; one word is too often a surname: "Jackson").
2. **Well-known places the model missed**: an untagged capitalised name that is, by its own
   name, a country or a city of a million people or more ("talks in Vienna" with "Vienna"
   untagged), standing alone (no capitalised word before or after it, so "Paris Hilton" and
   "Vienna Philharmonic" are left alone) and not a word of a person's name in the article
   ("Jordan" next to "Michael Jordan").  Smaller towns are too often other things.  A
   **dateline** -- the body opening with a place in capitals before a comma or a dash
   ("BUFFALO, N.Y. --") -- is a place too; so is an untagged name after a compass word and
   *of*, or in apposition with a word for a kind of place, as in rule 1.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from transforms.nlp.doc_access import tokens_where
from transforms.nlp.entity_spans import entity_at
from transforms.nlp.entity_repairs import (is_country_or_inside_one, is_name_word, known_place_by_its_own_name,
                                           name_run)
from transforms.nlp.labels import GPE, LOC, NORP, PERSON
from transforms.nlp.lexicon import COMPASS_WORDS, NATIONALITY_WORDS, PLACE_NOUNS
from transforms.nlp.person_names import is_courtesy_title
from transforms.nlp.places import CITY, COUNTRY, lookup_place, place_key

# Cities this big are places wherever the model left them untagged (rule 2).
WELL_KNOWN_CITY_MIN_POPULATION = 1_000_000
# Cities this big are places when the model took them for a people or a person (rule 1).
MISLABELLED_CITY_MIN_POPULATION = 100_000
_DATELINE_ENDS = (",", "—", "–", "-", "--", "(")
_ARTICLES = frozenset({"a", "an", "the"})
_MAX_PLACE_NOUN_MODIFIERS = 3


def relabelled_place(doc: Doc, ent: Span) -> Span:
    """Rule 1 for one span: the span as a GPE when the text shows it is a place, else as it was."""
    if ent.label_ in (GPE, LOC):
        return ent
    if ent.label_ == NORP and _is_place_by_its_name(ent.text, MISLABELLED_CITY_MIN_POPULATION, any_region=True) \
            and ent.text.casefold() not in NATIONALITY_WORDS:
        return Span(doc, ent.start, ent.end, label=GPE)
    if ent.label_ == PERSON and len(ent.text.split()) >= 2 \
            and _is_place_by_its_name(ent.text, MISLABELLED_CITY_MIN_POPULATION):
        return Span(doc, ent.start, ent.end, label=GPE)
    if (_after_compass_of(doc, ent.start) or _before_place_noun(doc, ent.end)) and not _ends_longer_name(doc, ent.start):
        return Span(doc, ent.start, ent.end, label=GPE)
    return ent


def _ends_longer_name(doc: Doc, start: int) -> bool:
    """The words from ``start`` end a longer name joined by a short lower-case word ("Braunau
    am Inn", "Newcastle upon Tyne"): not a place of their own."""
    return start > 1 and doc[start - 1].is_lower and len(doc[start - 1]) <= 4 \
        and doc[start - 2].pos_ == "PROPN" and doc[start - 2].text[:1].isupper()


def _is_place_by_its_name(text: str, min_population: int, any_region: bool = False) -> bool:
    """A country, a region inside one (or any region), or a city of ``min_population``, by its own name."""
    place = known_place_by_its_own_name(text)
    if place is None or not (is_country_or_inside_one(place) or (any_region and place.geo_type != CITY)):
        return False
    return place.geo_type != CITY or place.population >= min_population


def _after_compass_of(doc: Doc, start: int) -> bool:
    """"south of Oamaru": a compass word and *of* right before ``start``."""
    return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in COMPASS_WORDS


def _before_place_noun(doc: Doc, end: int) -> bool:
    """"Contin, a village ...": a comma, an article, up to three lower-case modifiers and a
    word for a kind of place right after ``end``."""
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in _ARTICLES:
        return False
    for k in range(end + 2, min(len(doc), end + 3 + _MAX_PLACE_NOUN_MODIFIERS)):
        token = doc[k]
        if token.lower_ in PLACE_NOUNS and token.is_lower:
            return token.pos_ == "NOUN"
        if not token.is_lower or token.is_punct:
            return False
    return False


def untagged_place_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """Rule 2: untagged places -- a dateline's, well-known ones standing alone, and names the
    text shows to be places."""
    tagged = set(entity_at(ents))
    person_words = {token.text for ent in ents if ent.label_ == PERSON for token in ent}
    spans = _dateline_place(doc)
    for token in tokens_where(doc, pos=("PROPN",)):
        i = token.i
        if i in tagged or not is_name_word(token) or token.text in person_words:
            continue
        if i > 0 and doc[i - 1].text[:1].isupper() and not doc[i - 1].is_sent_start:
            continue                       # inside a longer name
        if _ends_longer_name(doc, i):
            continue
        if i > 0 and is_courtesy_title(doc[i - 1].text):
            continue
        end, words = name_run(doc, i)
        if not words or len(words) > 3 or any(k in tagged for k in range(i, end)):
            continue
        if (_after_compass_of(doc, i) or _before_place_noun(doc, end)) and not token.is_sent_start:
            spans.append(Span(doc, i, end, label=GPE))
            continue
        end = i + 1
        if end < len(doc) and is_name_word(doc[end]) and end not in tagged:
            end += 1                       # "New Delhi", "Sao Paulo"
        if end < len(doc) and (doc[end].text[:1].isupper() and doc[end].pos_ == "PROPN"):
            continue                       # "Paris Hilton", "Vienna Philharmonic"
        if any(k in tagged for k in range(i, end)):
            continue
        if _is_well_known_place(doc[i:end].text):
            spans.append(Span(doc, i, end, label=GPE))
    return spans


def _is_well_known_place(text: str) -> bool:
    place = lookup_place(text)
    if place is None or place_key(place.name) != place_key(text):
        return False
    return place.geo_type == COUNTRY or (place.geo_type == CITY and place.population >= WELL_KNOWN_CITY_MIN_POPULATION)


def _dateline_place(doc: Doc) -> list[Span]:
    """"BUFFALO, N.Y. --": the place in capitals a wire story opens with."""
    end = 0
    while end < min(len(doc), 3) and doc[end].is_alpha and doc[end].is_upper and len(doc[end]) > 1:
        end += 1
    if end == 0 or end >= len(doc) or doc[end].text not in _DATELINE_ENDS:
        return []
    place = lookup_place(doc[:end].text)
    if place is None or place.geo_type not in (CITY, COUNTRY) or place_key(place.name) != place_key(doc[:end].text):
        return []
    return [Span(doc, 0, end, label=GPE)]

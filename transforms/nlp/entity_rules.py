"""Entity rules for modern web news (issue 11, round 2): gazetteers, name shapes, consistency.

Called by :func:`transforms.nlp.entity_repairs.repair_entities` on the repaired spans, so
every later step sees the same entities.  Each rule needs a strong sign, because a wrong
span costs as much as a missed one; the rules, in the order they are applied:

1. **Splits of spans the model ran together.**  A PERSON or ORG span with a possessive
   inside, before more capitalised words, is the owner and what it owns ("Jeff Bezos's
   Blue Origin" -> PERSON + ORG; "NASA's Office of the Inspector General" -> ORG + ORG),
   when the owner reads as a person's full name (PERSON) or is an acronym or a well-known
   organisation (ORG), and what it owns is two words or more; not when the owner is a title
   ("Governor's Office"), the possessive is part of a name (``McDonald's``) or the whole is
   a title ("Dawson's Creek").  A span that starts with a known place and goes on with a person's name
   ("envoy to Ukraine Kurt Volker" as one ORG) is the place and the person.
2. **Well-known organisations** (:data:`~transforms.nlp.gazetteers.KNOWN_ORGANISATIONS`),
   matched as written (case-sensitive) wherever they stand, tagged or not: an untagged
   "SpaceX", or "The Hollywood Reporter" where the model tagged only "Hollywood".  A match
   replaces the model's spans inside it, never a longer span around it ("Amazon Web
   Services"), and is skipped for names that are places (the model knows those better).
3. **An organisation after the noun that says what it is**: a capitalised name right after
   a lower-case word for a company, outlet or other organisation ("research firm IDC",
   "the record label Big Machine", "the journal Nature Astronomy";
   :data:`~transforms.nlp.lexicon.ORG_DESCRIPTOR_NOUNS`).  The entity index also makes the
   name's other mentions organisations (``entities.described_organisations``).
4. **Sports teams by nickname** (:data:`~transforms.nlp.gazetteers.TEAM_NICKNAMES`): a
   nickname is a team in an article that shows it as one at least once -- after a place
   ("Buffalo Sabres", one ORG span with the place) or before a sports role ("Wild coach
   Bruce Boudreau", "Sabres center") -- and then every capitalised mention of it is an ORG
   ("the Wild", "a dagger for the Sabres").  Without such a sign a nickname stays a word
   ("the Heat wave", "Senators voted").
5. **Full names that stay whole**: an untagged first name and surname ("Hours before Zach
   Parise's goals") whose surname the article tags PERSON, or writes after a courtesy title,
   elsewhere is a PERSON (not at a sentence's start or after a quotation mark), so the
   person is found by the full name the article gives.
6. **Well-known places the model missed**: an untagged capitalised name that is, by its own
   name, a country or a city of a million people or more ("talks in Vienna" with "Vienna"
   untagged), standing alone (no capitalised word before or after it, so "Paris Hilton" and
   "Vienna Philharmonic" are left alone) and not a word of a person's name in the article
   ("Jordan" next to "Michael Jordan").  Smaller towns are too often other things
   ("Reading", "Nice", "Chelsea").  A **dateline** -- the body opening with a place in
   capitals before a comma or a dash ("BUFFALO, N.Y. --") -- is a place too.
"""
from __future__ import annotations

import re
import threading

import numpy
from spacy.attrs import LOWER, ORTH

from spacy.lang.en import English
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import (is_name_word, known_place_by_its_own_name, reads_as_first_name,
                                          reads_as_person_name)
from transforms.nlp.doc_access import tokens_where
from transforms.nlp.entities import is_acronym
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS, TEAM_NICKNAMES
from transforms.nlp.labels import GPE, ORG, PERSON
from transforms.nlp.lexicon import (CALENDAR_WORDS, COURTESY_TITLES, ORG_DESCRIPTOR_NOUNS, ORGANISATION_WORDS,
                                    POSSESSIVE_NAMES, SPORTS_ROLE_NOUNS, TITLE_WORDS)
from transforms.nlp.places import CITY, COUNTRY, lookup_place, place_key

# Cities this big are places wherever the model left them untagged (rule 6).
WELL_KNOWN_CITY_MIN_POPULATION = 1_000_000
_POSSESSIVE_MARKS = ("'s", "’s", "'", "’")
_POSSESSIVE_NAME_KEYS = frozenset(name.casefold() for name in POSSESSIVE_NAMES)
_MAX_DESCRIBED_NAME_WORDS = 5
_NAME_SHAPE = re.compile(r"[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*")
_DATELINE_ENDS = (",", "—", "–", "-", "--", "(")


def apply_rules(doc: Doc, ents: list[Span]) -> list[Span]:
    """The entity spans after the rules of the module docstring (``ents`` as repaired so far)."""
    ents = [piece for ent in ents for piece in _split_span(doc, ent)]
    added = known_organisation_spans(doc)
    added += organisation_after_descriptor_spans(doc)
    added += team_spans(doc)
    ents = overlay(ents, added)
    ents = overlay(ents, completed_person_spans(doc, ents) + well_known_place_spans(doc, ents))
    return ents


def token_indexes(doc: Doc, attr: int, texts) -> list[int]:
    """Indexes of the tokens whose ``attr`` (ORTH, LOWER) is one of ``texts``, read from the
    Doc's arrays: creating a Token per token for rules that look at a few was most of their time."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    wanted = numpy.array([strings.add(text) for text in texts], dtype="uint64")
    return numpy.flatnonzero(numpy.isin(doc.to_array(attr), wanted)).tolist()


def overlay(ents: list[Span], added: list[Span]) -> list[Span]:
    """``ents`` with each added span in, replacing the spans it covers; an added span that
    would cut a span sticking out of it (or an earlier added one) is dropped."""
    kept = list(ents)
    for span in added:
        overlapping = [ent for ent in kept if ent.start < span.end and span.start < ent.end]
        if any(ent.start < span.start or ent.end > span.end for ent in overlapping):
            continue
        if len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end, overlapping[0].label_) == \
                (span.start, span.end, span.label_):
            continue
        kept = [ent for ent in kept if ent not in overlapping] + [span]
    return sorted(kept, key=lambda ent: ent.start)


# ---------------------------------------------------------------------------------------
# 1. Splits
# ---------------------------------------------------------------------------------------

def _split_span(doc: Doc, ent: Span) -> list[Span]:
    return _split_possessive(doc, ent) or _split_place_and_person(doc, ent) or [ent]


def _split_possessive(doc: Doc, ent: Span) -> list[Span] | None:
    """Rule 1: "Jeff Bezos's Blue Origin" -> "Jeff Bezos" (PERSON) + "Blue Origin" (ORG)."""
    if ent.label_ not in (PERSON, ORG):
        return None
    for i in range(ent.start + 1, ent.end - 1):
        if doc[i].tag_ != "POS" or doc[i].text not in _POSSESSIVE_MARKS:
            continue
        owner, owned = doc[ent.start:i], doc[i + 1:ent.end]
        last = doc[i - 1]
        if last.pos_ != "PROPN" or last.lower_ in TITLE_WORDS or last.lower_ in ORGANISATION_WORDS:
            return None
        if doc[ent.start:i + 1].text.casefold() in _POSSESSIVE_NAME_KEYS or not owned[0].text[:1].isupper():
            return None
        if len(owned) < 2 or owned[0].lower_ in CALENDAR_WORDS:
            return None   # "Dawson's Creek", "Founder's Edition" are titles; "Trump's July 25"
        owner_words = [t.text for t in owner]
        if not (reads_as_person_name(owner_words) if ent.label_ == PERSON
                else is_acronym(owner.text) or owner.text in KNOWN_ORGANISATIONS):
            return None   # "People's Liberation Army": the owner must be a person or an organisation
        return [Span(doc, owner.start, owner.end, label=ent.label_), Span(doc, owned.start, owned.end, label=ORG)]
    return None


def _split_place_and_person(doc: Doc, ent: Span) -> list[Span] | None:
    """Rule 1: "Ukraine Kurt Volker" as one span -> GPE "Ukraine" + PERSON "Kurt Volker"."""
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


# ---------------------------------------------------------------------------------------
# 2. Well-known organisations
# ---------------------------------------------------------------------------------------

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
    """Rule 2: spans of the gazetteer's organisations, longest first where they overlap."""
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


# ---------------------------------------------------------------------------------------
# 3. An organisation after its descriptor
# ---------------------------------------------------------------------------------------

def _is_name_token(token) -> bool:
    """A capitalised word or an acronym that can be part of an organisation's name."""
    text = token.text
    return text[:1].isupper() and any(ch.isalpha() for ch in text) and token.pos_ in ("PROPN", "NOUN", "X")


def organisation_after_descriptor_spans(doc: Doc) -> list[Span]:
    """Rule 3: "research firm IDC", "the record label Big Machine" -> ORG spans."""
    spans = []
    for i in token_indexes(doc, LOWER, ORG_DESCRIPTOR_NOUNS):
        token = doc[i]
        if not token.is_lower or token.i + 1 >= len(doc):
            continue
        start = end = token.i + 1
        while end < len(doc) and end - start < _MAX_DESCRIBED_NAME_WORDS and (
                _is_name_token(doc[end]) or (doc[end].text in ("&", "-") and end > start)):
            end += 1
        while end > start and not _is_name_token(doc[end - 1]):
            end -= 1
        if end == start or (end < len(doc) and _is_name_token(doc[end])):
            continue  # no name, or a longer run than a name
        first = doc[start].text.rstrip(".").casefold()
        if first in TITLE_WORDS or first in COURTESY_TITLES or first in CALENDAR_WORDS:
            continue  # "the company Chief Executive", "the firm Monday"
        spans.append(Span(doc, start, end, label=ORG))
    return spans


# ---------------------------------------------------------------------------------------
# 4. Sports teams
# ---------------------------------------------------------------------------------------

_MAX_NICKNAME_TOKENS = max(len(name.split()) for name in TEAM_NICKNAMES)
_NICKNAME_FIRST_WORDS = frozenset(name.split()[0] for name in TEAM_NICKNAMES)


def _nickname_at(doc: Doc, i: int) -> int | None:
    """End of a team nickname starting at token ``i``, or None."""
    for length in range(_MAX_NICKNAME_TOKENS, 0, -1):
        if i + length <= len(doc) and doc[i:i + length].text in TEAM_NICKNAMES:
            return i + length
    return None


def _place_before(doc: Doc, i: int) -> int | None:
    """Start of a known place written right before token ``i`` ("Buffalo", "New York"), or None."""
    for length in (3, 2, 1):
        start = i - length
        if start < 0 or not all(t.text[:1].isupper() for t in doc[start:i]):
            continue
        if known_place_by_its_own_name(doc[start:i].text) is not None:
            return start
    return None


def team_spans(doc: Doc) -> list[Span]:
    """Rule 4: every capitalised mention of a nickname the article shows as a team's."""
    found = []                       # (start of the span, start of the nickname, end, nickname)
    for i in token_indexes(doc, ORTH, _NICKNAME_FIRST_WORDS):
        token = doc[i]
        end = _nickname_at(doc, token.i)
        if end is not None:
            found.append((_place_before(doc, token.i), token.i, end, doc[token.i:end].text))
    teams = {name for place, _, end, name in found
             if place is not None or (end < len(doc) and doc[end].lower_ in SPORTS_ROLE_NOUNS)}
    spans = []
    for place, start, end, name in found:
        if name not in teams:
            continue
        if start > 0 and doc[start].is_sent_start and place is None and doc[start - 1].text != "The" \
                and not (end < len(doc) and doc[end].lower_ in SPORTS_ROLE_NOUNS):
            continue  # "Heat rose": a nickname opening a sentence on its own may be the word
        spans.append(Span(doc, place if place is not None else start, end, label=ORG))
    return spans


# ---------------------------------------------------------------------------------------
# 5. Full names
# ---------------------------------------------------------------------------------------

def completed_person_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """Rule 5: untagged "Zach Parise" when "Parise" is tagged PERSON (or written after a
    courtesy title, "Mr Parise", whatever its label) elsewhere."""
    surnames = {ent[-1].text for ent in ents if _NAME_SHAPE.fullmatch(ent[-1].text) and (
        ent.label_ == PERSON or (ent.start > 0 and doc[ent.start - 1].text.rstrip(".").casefold() in COURTESY_TITLES))}
    if not surnames:
        return []
    tagged = {i for ent in ents for i in range(ent.start, ent.end)}
    spans = []
    for after in token_indexes(doc, ORTH, surnames):
        i = after - 1
        if i < 0 or i in tagged or after in tagged:
            continue
        token = doc[i]
        if not is_name_word(token) or token.text.casefold() in COURTESY_TITLES \
                or token.lower_ in CALENDAR_WORDS or not reads_as_first_name(token.text):
            continue
        if i > 0 and (is_name_word(doc[i - 1]) or doc[i - 1].is_quote):
            continue  # a longer run of names, or a title or caption ("Welcome Jose")
        if token.is_sent_start:
            continue  # a capitalised word opening a sentence may be no name at all
        spans.append(Span(doc, i, i + 2, label=PERSON))
    return spans


# ---------------------------------------------------------------------------------------
# 6. Places
# ---------------------------------------------------------------------------------------

def _is_well_known_place(text: str) -> bool:
    place = lookup_place(text)
    if place is None or place_key(place.name) != place_key(text):
        return False
    return place.geo_type == COUNTRY or (place.geo_type == CITY and place.population >= WELL_KNOWN_CITY_MIN_POPULATION)


def well_known_place_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """Rule 6: untagged countries and big cities standing alone, and a dateline's place."""
    tagged = {i for ent in ents for i in range(ent.start, ent.end)}
    person_words = {token.text for ent in ents if ent.label_ == PERSON for token in ent}
    spans = _dateline_place(doc)
    for token in tokens_where(doc, pos=("PROPN",)):
        i = token.i
        if i in tagged or not is_name_word(token) or token.text in person_words:
            continue
        if (i > 0 and doc[i - 1].text[:1].isupper() and not doc[i - 1].is_sent_start) \
                or (i > 0 and doc[i - 1].text.rstrip(".").casefold() in COURTESY_TITLES):
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

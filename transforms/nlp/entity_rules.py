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
   a title ("Dawson's Creek").  A span of capitalised words opening with a word that makes
   an organisation's name ("Air Astana" tagged FAC; ``lexicon.ORG_NAME_FIRST_WORDS``) is an ORG.  A span that starts with a known place and goes on with a person's name
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
   elsewhere is a PERSON (not after a quotation mark), so the person is found by the full
   name the article gives; so is an untagged full name that is the subject of a speech verb
   ("said Alasdair Kinnear-Mowbray"), and the untagged surname of a full name of the
   article standing alone as a proper noun ("Adeyemi, a baker, ...") or next to a speech
   verb ('"...," says Early', where "Early" reads as an adverb).
6. **Places** (:mod:`transforms.nlp.place_rules`): well-known places the model missed,
   datelines, and names the text shows to be places.
"""
from __future__ import annotations

import threading

import numpy
from spacy.attrs import LOWER, ORTH

from spacy.lang.en import English
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from transforms.nlp import place_rules
from transforms.nlp.doc_access import tokens_where
from transforms.nlp.entity_repairs import (is_name_word, known_place_by_its_own_name, name_run,
                                           reads_as_first_name, reads_as_person_name)
from transforms.nlp.person_names import NAME_SHAPE, is_acronym
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS, TEAM_NICKNAMES
from transforms.nlp.labels import GPE, ORG, PERSON
from transforms.nlp.lexicon import (CALENDAR_WORDS, COURTESY_TITLES, NEWSPAPER_FINAL_WORDS, ORG_DESCRIPTOR_NOUNS,
                                    ORG_NAME_FIRST_WORDS,
                                    ORG_INSTITUTION_WORDS, ORGANISATION_WORDS,
                                    PERSON_SUBJECT_VERBS, POSSESSIVE_NAMES, SPORTS_ROLE_NOUNS,
                                    TITLE_WORDS)
from transforms.nlp.places import CITY

_POSSESSIVE_MARKS = ("'s", "’s", "'", "’")
_POSSESSIVE_NAME_KEYS = frozenset(name.casefold() for name in POSSESSIVE_NAMES)
_MAX_DESCRIBED_NAME_WORDS = 5


def apply_rules(doc: Doc, ents: list[Span]) -> list[Span]:
    """The entity spans after the rules of the module docstring (``ents`` as repaired so far)."""
    ents = [piece for ent in ents for piece in _split_span(doc, ent)]
    added = known_organisation_spans(doc)
    added += organisation_after_descriptor_spans(doc)
    added += team_spans(doc)
    label_at = {i: ent.label_ for ent in ents for i in range(ent.start, ent.end)}
    added += newspaper_spans(doc, label_at)
    added += owned_institution_spans(doc, label_at)
    added += first_word_spans(doc, label_at)
    ents = overlay(ents, added)
    ents = overlay(ents, completed_person_spans(doc, ents))
    ents = [place_rules.relabelled_place(doc, ent) for ent in ents]
    return overlay(ents, place_rules.untagged_place_spans(doc, ents))


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
    ent = _without_lower_case_start(doc, ent)
    if ent.label_ != ORG and len(ent) >= 2 and ent[0].text in ORG_NAME_FIRST_WORDS \
            and all(t.text[:1].isupper() for t in ent):
        return [Span(doc, ent.start, ent.end, label=ORG)]   # "Air Astana" tagged FAC
    return _split_possessive(doc, ent) or _split_place_and_person(doc, ent) or [ent]


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
    """Rule 1: "Jeff Bezos's Blue Origin" -> "Jeff Bezos" (PERSON) + "Blue Origin" (ORG)."""
    if ent.label_ not in (PERSON, ORG):
        return None
    for i in range(ent.start + 1, ent.end - 1):
        if doc[i].tag_ != "POS" or doc[i].text not in _POSSESSIVE_MARKS:
            continue
        owner, owned = doc[ent.start:i], doc[i + 1:ent.end]
        last = doc[i - 1]
        if last.pos_ != "PROPN" or last.lower_ in TITLE_WORDS:
            return None
        if doc[ent.start:i + 1].text.casefold() in _POSSESSIVE_NAME_KEYS or not owned[0].text[:1].isupper():
            return None
        if len(owned) < 2 or owned[0].lower_ in CALENDAR_WORDS:
            return None   # "Dawson's Creek", "Founder's Edition" are titles; "Trump's July 25"
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


def _capitalised_run(doc: Doc, start: int, joiners=frozenset({"of", "for", "and", "&", "the"})) -> int:
    """End of the run of capitalised words from ``start`` (with "of", "for", "and" inside it)."""
    end = start
    while end < len(doc) and end - start < _MAX_DESCRIBED_NAME_WORDS + 2:
        token = doc[end]
        if _is_name_token(token):
            end += 1
        elif token.lower_ in joiners and token.is_lower and end + 1 < len(doc) and _is_name_token(doc[end + 1]):
            end += 1
        else:
            break
    return end


def newspaper_spans(doc: Doc, label_at: dict[int, str]) -> list[Span]:
    """Rule 3: "the Argus Leader", "The North Otago Leader" (untagged, or only their place words
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
    """Rule 3: "India's Supreme Court", "NASA's Science Mission Directorate" untagged: an
    institution (:data:`~transforms.nlp.lexicon.ORG_INSTITUTION_WORDS`) of a place or an
    organisation, written after its possessive."""
    spans = []
    for i in token_indexes(doc, ORTH, _POSSESSIVE_MARKS):
        if i == 0 or label_at.get(i - 1) not in (GPE, ORG) or i + 1 >= len(doc) or i + 1 in label_at:
            continue
        end = _capitalised_run(doc, i + 1)
        if end > i + 1 and doc[end - 1].lower_ in ORG_INSTITUTION_WORDS \
                and not any(k in label_at for k in range(i + 1, end)):
            spans.append(Span(doc, i + 1, end, label=ORG))
    return spans


def first_word_spans(doc: Doc, label_at: dict[int, str]) -> list[Span]:
    """Rule 3: "Passengers of Air Astana", "FC Vlietdam": a word that makes an organisation's
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
    courtesy title, "Mr Parise", whatever its label) elsewhere; an untagged full name that
    says something ("said Alasdair Kinnear-Mowbray"); and the untagged surname of a full
    name of the article standing alone as a proper noun, or next to a speech verb ('says
    Early', which the parser may read as an adverb)."""
    tagged = {i for ent in ents for i in range(ent.start, ent.end)}
    spans = _speaking_full_names(doc, tagged)
    for span in spans:
        tagged.update(range(span.start, span.end))
    surnames = {ent[-1].text for ent in list(ents) + spans if NAME_SHAPE.fullmatch(ent[-1].text) and (
        ent.label_ == PERSON or (ent.start > 0 and doc[ent.start - 1].text.rstrip(".").casefold() in COURTESY_TITLES))}
    if not surnames:
        return spans
    full_name_surnames = {ent[-1].text for ent in list(ents) + spans if ent.label_ == PERSON and len(ent) >= 2}
    for i in token_indexes(doc, ORTH, full_name_surnames):
        if i in tagged or (i > 0 and is_name_word(doc[i - 1])) or (i + 1 < len(doc) and is_name_word(doc[i + 1])):
            continue
        # "Adeyemi, a baker from Ayr, ..." after "Ruth Adeyemi"; '"...," says Early.' (Early as an adverb)
        if (is_name_word(doc[i]) and (i == 0 or doc[i - 1].lower_ != "the")) or _next_to_speech_verb(doc, i):
            spans.append(Span(doc, i, i + 1, label=PERSON))
            tagged.add(i)
    for after in token_indexes(doc, ORTH, surnames):
        surname = _word_start(doc, after)
        i = surname - 1
        if i < 0 or any(k in tagged for k in range(i, after + 1)):
            continue
        token = doc[i]
        if not is_name_word(token) or token.text.casefold() in COURTESY_TITLES \
                or token.lower_ in CALENDAR_WORDS or not reads_as_first_name(token.text):
            continue
        if i > 0 and (is_name_word(doc[i - 1]) or doc[i - 1].is_quote):
            continue  # a longer run of names, or a title or caption ("Welcome Jose")
        spans.append(Span(doc, i, after + 1, label=PERSON))
    return spans


def _next_to_speech_verb(doc: Doc, i: int) -> bool:
    """Token ``i`` stands right after or right before a speech or thinking verb ("says Early",
    "Early says")."""
    return any(0 <= k < len(doc) and doc[k].pos_ == "VERB" and doc[k].lemma_.casefold() in PERSON_SUBJECT_VERBS
               for k in (i - 1, i + 1))


def _word_start(doc: Doc, i: int) -> int:
    """First token of the hyphenated word token ``i`` ends ("Kinnear-Mowbray" is three tokens)."""
    while i >= 2 and doc[i - 1].text in "-'’" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_ \
            and is_name_word(doc[i - 2]):
        i -= 2
    return i


def _speaking_full_names(doc: Doc, tagged: set[int]) -> list[Span]:
    """Untagged two or three name words that are the subject of a speech or thinking verb
    ("said Alasdair Kinnear-Mowbray", "Ishbel Quarrington explained"), read as a person's
    name (no title, organisation word or place) and not a known place."""
    spans = []
    for token in tokens_where(doc, deps=("nsubj",)):
        if token.i in tagged or not is_name_word(token) or token.head.lemma_.casefold() not in PERSON_SUBJECT_VERBS:
            continue
        start = token.i
        while start > 0 and (is_name_word(doc[start - 1]) or (doc[start - 1].text in "-'’" and start > 1
                                                                and not doc[start - 1].whitespace_)):
            start -= 1
        end, words = name_run(doc, start)
        if not start < token.i + 1 <= end or any(k in tagged for k in range(start, end)):
            continue
        if doc[start].is_quote or (start > 0 and doc[start - 1].is_quote and not doc[start - 1].is_right_punct):
            continue
        if reads_as_person_name(words) and known_place_by_its_own_name(doc[start:end].text) is None:
            spans.append(Span(doc, start, end, label=PERSON))
    return spans

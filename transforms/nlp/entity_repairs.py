"""Repairs to the small model's entity spans, as a spaCy pipeline component.

``news_entity_repairs`` runs right after ``ner`` and rewrites ``doc.ents``, so that every
later step (the entity index, quote speakers) sees the same corrected entities.  Each
repair targets a pattern of news writing that ``en_core_web_sm`` gets wrong, and each
needs a strong sign in the text, because a wrong repair costs as much as a missed one:

1. **A name after a courtesy title that the model did not tag** ("Ms Detakats said",
   "a finding by Lord Justice May"): a PERSON span over the capitalised words after
   ``Mr``, ``Ms``, ``Dr``, ``Sir``, ``Lord``...  (the entity index puts the title back
   into the mention's form).
2. **A full name after a lower-case role noun** ("said Standard Chartered chief
   executive Mervyn Davies" tagged ORG, "Top of the Pops presenter Fearne Cotton" not
   tagged, "BBC Radio 1 DJ Trevor Nelson" tagged "Nelson" only): two or three
   capitalised proper nouns right after a role noun (:data:`ROLE_NOUNS_BEFORE_NAMES`,
   in lower case or opening a sentence: "Founder Stelios Haji-Ioannou"), or after a role
   noun and a comma when a comma or full stop closes them ("the company's chief executive,
   Benedetta Sforzini, told"), are a person, unless they name a place or read as an organisation
   (:data:`ORGANISATION_WORDS`).
3. **A first name left out of a PERSON span**: a capitalised proper noun with no entity
   that the parser attaches to a one-word PERSON as a compound ("Otis" before "Ferry")
   joins the span when the two words read as a name (not "Chief Justice", "Real
   Madrid").
4. **Places tagged as something else**: an ORG, WORK_OF_ART, PRODUCT or FAC span whose
   whole text is a country or a region inside one ("Wales" as ORG, "Gloucestershire"
   as WORK_OF_ART) becomes a GPE; so does a place known by that very name coordinated with
   a GPE ("in Hamburg and Lyon", "Lyon" tagged PERSON) or after *in*,
   *near* or (unless the model said ORG: "data from Halifax") *from* ("patients in
   Powys"), and any name after those prepositions that is followed by a comma and a
   known place ("from Hartpury, Gloucestershire").  *at* is no sign: "at Google", "at
   Chelsea" name firms and clubs.  A span the model made of a town and its
   county, state or country ("Upper Slaughter, Gloucestershire" as one ORG or GPE) is
   split into the two places.
5. **Places the model left untagged** after *in*, *near* or *from*: a country, a region
   inside one, or a city of 100,000 people or more, by its own name ("a win in Cardiff").

6. **Organisations by the shape of their name**: a span of two to five capitalised words
   that ends in a word naming a kind of company, a newspaper or a sports club
   (:data:`~transforms.nlp.lexicon.ORG_NAME_FINAL_WORDS`: "Acme Records", "the Westport
   Gazette", "Kingsbridge United") is an ORG whatever the model tagged it, unless it is a
   known place ("Kansas City") or stands right after a quotation mark (a title: "Hard
   Times").  "FC"/"AFC" right before a span joins it ("FC Porto").  So is a well-known
   organisation of :data:`~transforms.nlp.gazetteers.KNOWN_ORGANISATIONS` ("Netflix" tagged
   GPE, "Instagram" tagged PERSON) that is no known place.

7. **A name after a family noun** ("his wife, Kimberly,", "my son Tom"): one capitalised
   word that is no title, organisation word or place is a PERSON.
8. **A first name in brackets** ("coach (Frank) Dalloway", the model tagging "Frank"
   alone): the brackets, the first name and the surname are one PERSON span, which the
   entity index reads as "Frank Dalloway".

9. **The rules for modern web news** of :mod:`transforms.nlp.entity_rules` and
   :mod:`transforms.nlp.place_rules` (gazetteers, name shapes, splits, places the text
   shows) run last, on the spans repaired above.

One-word PERSON mentions that are places are handled later by the entity index, which
can see the whole article (a surname of a person in it stays a person).
"""
from __future__ import annotations

import re

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.nlp.entity_spans import token_indexes
from transforms.nlp.labels import GPE, ORG, PERSON, PLACE_MISLABELS
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS
from transforms.nlp.lexicon import (CALENDAR_WORDS, COURTESY_TITLES, FAMILY_NOUNS,
                                    LOCATIVE_PREPOSITIONS,
                                    ORG_NAME_FINAL_WORDS, ORG_NAME_FIRST_WORDS, ORGANISATION_WORDS,
                                    ROLE_NOUNS_BEFORE_NAMES, TITLE_WORDS, UPPER_CASE_ROLES)
from transforms.nlp.person_names import is_courtesy_title
from transforms.nlp.places import (CITY, COUNTRY, is_broad_place, lookup_place, place_key,
                                   strip_leading_the)

COMPONENT_NAME = "news_entity_repairs"

_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*")
MAX_NAME_WORDS = 3


def is_name_word(token) -> bool:
    """A capitalised proper noun that can be part of a person's name ("Davies", "O'Neill")."""
    return token.pos_ == "PROPN" and _NAME_WORD.fullmatch(token.text) is not None


def is_role_noun(token) -> bool:
    """A role noun written as news writes it before a name: lower case, or DJ/MP/CEO."""
    if token.text in UPPER_CASE_ROLES:
        return True
    # Lower case, or capitalised at the start of a sentence ("Founder Stelios ...").
    written_as_role = token.is_lower or (token.is_sent_start and token.text[1:].islower())
    return written_as_role and token.pos_ in ("NOUN", "PROPN") and token.lower_ in ROLE_NOUNS_BEFORE_NAMES


def reads_as_person_name(words: list[str]) -> bool:
    """Whether capitalised words after a role noun can be a person's name.

    Two or three words, none of them a title, an organisation word ("Party", "Bank",
    "Foods") or
    a place on its own, and the whole not a known place ("New Zealand").
    """
    if not 2 <= len(words) <= MAX_NAME_WORDS or has_word_of_no_name(words):
        return False
    return lookup_place(" ".join(words)) is None


def has_word_of_no_name(words: list[str]) -> bool:
    """Whether one of a run's words is a title, an organisation word ("Party", "Bank",
    "Foods") or a place on its own: the run is then no person's name."""
    if any(key in ORGANISATION_WORDS or key in ORG_NAME_FINAL_WORDS or key in TITLE_WORDS
           for key in (word.casefold() for word in words)):
        return True
    return any(is_broad_place(word) for word in words)


def full_name_words(ents, *, with_initials: bool = False) -> set[str]:
    """The words of the article's persons named in full: a one-word name that is one of them
    is a person, not a company or club.

    A full name has two name words or more ("Rafael Nadal"); ``with_initials`` also counts a
    PERSON span of a surname after an initial and its words ("I Balshaw" in a team sheet, so
    that a list of such surnames stays persons).  The two readings were measured apart: the
    list rule needs the initials (without them a BBC team sheet's eleven surnames became
    organisations), the statement rule must not have them (with them a club's one-word name
    stayed a place on modern_dev4b).
    """
    if with_initials:
        return {word for ent in ents if ent.label_ == PERSON and len(ent) >= 2 for word in ent.text.split()}
    return {t.text for ent in ents if ent.label_ == PERSON and sum(is_name_word(t) for t in ent) >= 2
            for t in ent if is_name_word(t)}


def name_run(doc: Doc, start: int) -> tuple[int, list[str]]:
    """End (exclusive) and words of the run of name words starting at ``start``.

    A word may span several tokens when joined by a hyphen or apostrophe without spaces
    ("Haji-Ioannou", "O'Neill" as the tokenizer splits them).  The run stops one word
    past :data:`MAX_NAME_WORDS`, so callers can tell a long run from a full one.
    """
    end, words = start, []
    while end < len(doc) and len(words) <= MAX_NAME_WORDS and is_name_word(doc[end]):
        word_start = end
        end += 1
        while (end + 1 < len(doc) and doc[end].text in "-'’" and not doc[end - 1].whitespace_
               and not doc[end].whitespace_ and is_name_word(doc[end + 1])):
            end += 2
        words.append(doc[word_start:end].text)
    return end, words


def _courtesy_title_at(doc: Doc, i: int) -> int | None:
    """Index of the first name word after a courtesy title at ``i`` ("Mr", "Dr."), or None."""
    if not is_courtesy_title(doc[i].text) or not doc[i].text[:1].isupper():
        return None
    j = i + 1
    if j < len(doc) and doc[j].text == ".":
        j += 1
    return j if j < len(doc) and is_name_word(doc[j]) else None


def reads_as_first_name(word: str) -> bool:
    """One word after a family noun that can be a person's name: no title, organisation
    word or place."""
    key = word.casefold()
    return key not in ORGANISATION_WORDS and key not in TITLE_WORDS and not is_broad_place(word) \
        and lookup_place(word) is None


def _name_after_role(doc: Doc, i: int) -> int | None:
    """Where a name starts right after the role noun at ``i`` ("chief executive Ann Lee"), or
    after it and a comma, as an apposition ("the company's chief executive, Ann Lee,");
    None when no name word follows."""
    j = i + 1
    if j < len(doc) and doc[j].text == ",":
        j += 1
    return j if j < len(doc) and is_name_word(doc[j]) else None


def _parenthetical_first_name(doc: Doc, i: int) -> int | None:
    """End of a name written with its first name in brackets, "(Frank) Dalloway", whose
    opening bracket is at ``i``; None when there is none."""
    if doc[i].text != "(" or i + 3 >= len(doc) or doc[i + 2].text != ")":
        return None
    if not is_name_word(doc[i + 1]) or not is_name_word(doc[i + 3]):
        return None
    end, words = name_run(doc, i + 3)
    return end if len(words) <= 2 and reads_as_person_name([doc[i + 1].text, *words]) else None


def _may_open_person_repair(text: str) -> bool:
    """Whether a token with this text can start one of person_spans' repairs: an opening
    bracket, a courtesy title, a family noun or a role noun (a superset of their tests)."""
    lower = text.lower()
    return (text == "(" or is_courtesy_title(text) or lower in FAMILY_NOUNS
            or text in UPPER_CASE_ROLES or lower in ROLE_NOUNS_BEFORE_NAMES)


# Token text (by its string-store hash) -> whether it may open a repair; texts repeat
# across articles, so each is tested once.  Bounded for long-running workers.
_OPENER_MEMO: dict[int, bool] = {}
_OPENER_MEMO_MAX = 100_000


def _repair_openers(doc: Doc) -> list[int]:
    """Indexes of the tokens that may open a repair, read from the Doc's ORTH array."""
    strings, memo = doc.vocab.strings, _OPENER_MEMO
    if len(memo) > _OPENER_MEMO_MAX:
        memo.clear()
    openers = []
    for i, key in enumerate(doc.to_array(ORTH).tolist() if len(doc) else ()):
        opens = memo.get(key)
        if opens is None:
            opens = memo[key] = _may_open_person_repair(strings[key])
        if opens:
            openers.append(i)
    return openers


def person_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of people the model missed or mislabelled (repairs 1, 2, 7 and 8)."""
    found = []
    # Only tokens that can open a repair are looked at; checking every token of the doc
    # was most of the repairs' time (docs/benchmarks.md).
    candidates = _repair_openers(doc)
    next_candidate = 0
    i = 0
    while i < len(doc):
        while next_candidate < len(candidates) and candidates[next_candidate] < i:
            next_candidate += 1
        if next_candidate == len(candidates):
            break
        i = candidates[next_candidate]
        token = doc[i]
        end = _parenthetical_first_name(doc, i)
        if end is not None:
            found.append((i, end))
            i = end
            continue
        start = _courtesy_title_at(doc, i)
        if start is not None:
            end, words = name_run(doc, start)
            if (len(words) <= MAX_NAME_WORDS and not any(doc[k].ent_type_ for k in range(start, end))
                    and not all(word.casefold() in TITLE_WORDS for word in words)):  # "Lord Chief Justice"
                found.append((start, end))
                i = end
                continue
        if token.lower_ in FAMILY_NOUNS and i + 1 < len(doc):
            start = _name_after_role(doc, i)
            end = name_run(doc, start)[0] if start is not None else None
            if start is not None and end - start == 1 and doc[start].ent_type_ != PERSON \
                    and reads_as_first_name(doc[start].text):
                found.append((start, end))          # "his wife, Kimberly,"
                i = end
                continue
        name_start = _name_after_role(doc, i) if is_role_noun(token) else None
        if name_start is not None:
            end, words = name_run(doc, name_start)
            already_person = all(doc[k].ent_type_ == PERSON for k in range(name_start, end)) \
                and doc[name_start].ent_iob_ == "B"
            closed = name_start == i + 1 or end == len(doc) or doc[end].text in (",", ".", ";")
            if reads_as_person_name(words) and not already_person and closed:
                found.append((name_start, end))
                i = end
                continue
        i += 1
    return found


def _widened_person(doc: Doc, ent: Span) -> Span:
    """Repair 3: "Otis" + PERSON "Ferry" -> PERSON "Otis Ferry".

    Only for a capitalised proper noun with no entity that the parser attaches to the
    one-word PERSON as a compound, and only when the two words read as a person's name
    (no title, organisation word or place: not "Chief Justice", "Real Madrid").
    """
    if ent.label_ != PERSON or " " in ent.text or ent.start == 0:
        return ent  # one word, maybe of several tokens ("Haji-Ioannou")
    before = doc[ent.start - 1]
    if (is_name_word(before) and not before.ent_type_ and before.dep_ == "compound"
            and ent.start <= before.head.i < ent.end and before.text.casefold() not in COURTESY_TITLES
            and reads_as_person_name([before.text, ent.text])):
        return Span(doc, ent.start - 1, ent.end, label=PERSON)
    return ent


def known_place_by_its_own_name(text: str):
    """The gazetteer's place for ``text`` when ``text`` is its primary name, else None.

    Alternate names are too loose to overrule the model: geonames lists "Google" as a
    name of Topeka, Kansas.
    """
    place = lookup_place(text)
    if place is None or place_key(place.name) != place_key(text):
        return None
    return place


def is_country_or_inside_one(place) -> bool:
    """A country, or a place with a country code ("Wales", "Cardiff"); not a continent or a
    multi-country region, whose names are also companies and brands ("Amazon")."""
    return place.geo_type == COUNTRY or place.country_code is not None


def _is_place_after_preposition(doc: Doc, ent: Span) -> bool:
    """A known place after *in/near* (also *from* unless the model said ORG: "data from
    Halifax" is the bank), or any name after *in/from/near* that a known place follows
    after a comma ("from Hartpury, Gloucestershire")."""
    if ent.start == 0:
        return False
    preposition = doc[ent.start - 1].lower_
    if preposition not in LOCATIVE_PREPOSITIONS:
        return False
    if ent.end + 1 < len(doc) and doc[ent.end].text == ",":
        follower = doc[ent.end + 1: name_run(doc, ent.end + 1)[0]]
        if len(follower) > 0 and known_place_by_its_own_name(follower.text) is not None:
            return True
    if ent.label_ == "ORG" and preposition == "from":
        return False
    return known_place_by_its_own_name(ent.text) is not None


def _split_place_and_region(doc: Doc, ent: Span) -> list[Span] | None:
    """"Upper Slaughter, Gloucestershire" as one span: the town and its county (or state,
    or country), both places; None when the span is not of that shape."""
    commas = [t.i for t in ent if t.text == ","]
    if len(commas) != 1 or commas[0] == ent.start or commas[0] == ent.end - 1:
        return None
    town, region = doc[ent.start: commas[0]], doc[commas[0] + 1: ent.end]
    place = lookup_place(region.text)
    if place is None or place.geo_type == CITY or not all(is_name_word(t) for t in town):
        return None
    return [Span(doc, town.start, town.end, label=GPE), Span(doc, region.start, region.end, label=GPE)]


def _repaired_place_spans(doc: Doc, ent: Span) -> list[Span]:
    """Repair 4 for one span: it is returned relabelled, split or as it was."""
    # Not PERSON: "Gareth Thomas, Wales" in a team sheet is a player and his country.
    split = _split_place_and_region(doc, ent) if ent.label_ in ("GPE", "LOC", "ORG", "FAC") else None
    return split if split is not None else [_relabelled_place(doc, ent)]


def _relabelled_place(doc: Doc, ent: Span) -> Span:
    """Repair 4: a place the model labelled ORG, WORK_OF_ART..."""
    if ent.label_ not in PLACE_MISLABELS:
        return ent
    text = strip_leading_the(ent.text)
    if ent.label_ != PERSON and is_broad_place(text) and is_country_or_inside_one(lookup_place(text)):
        return Span(doc, ent.start, ent.end, label=GPE)
    if _is_place_after_preposition(doc, ent) or _is_place_in_a_list_of_places(doc, ent):
        return Span(doc, ent.start, ent.end, label=GPE)
    return ent


def _is_place_in_a_list_of_places(doc: Doc, ent: Span) -> bool:
    """"fans in Hamburg and Lyon" with "Lyon" tagged PERSON: a known place by its own name,
    in a country, coordinated with a span the model tagged GPE."""
    root = ent.root
    if root.dep_ != "conj" or root.head.ent_type_ != GPE:
        return False
    place = known_place_by_its_own_name(ent.text)
    return place is not None and is_country_or_inside_one(place)


_QUOTE_MARKS = "\"'“”‘’«»"
_MAX_ORG_NAME_WORDS = 5


def _is_known_organisation(text: str) -> bool:
    """A name of :data:`~transforms.nlp.gazetteers.KNOWN_ORGANISATIONS`, with or without "the",
    that is no known place."""
    bare = strip_leading_the(text)
    if bare not in KNOWN_ORGANISATIONS and f"The {bare}" not in KNOWN_ORGANISATIONS:
        return False
    return known_place_by_its_own_name(bare) is None


def _organisation_by_its_name(doc: Doc, ent: Span) -> Span:
    """Repair 6: "Acme Records" tagged PERSON or WORK_OF_ART, "FC" + "Vlietdam" -> ORG."""
    if ent.label_ not in PLACE_MISLABELS and ent.label_ not in (GPE, "LOC", "NORP", "EVENT"):
        return ent
    if ent.label_ != ORG and _is_known_organisation(ent.text):
        return Span(doc, ent.start, ent.end, label=ORG)
    start = ent.start
    if start > 0 and doc[start - 1].text in ORG_NAME_FIRST_WORDS:
        start -= 1
    words = [t for t in doc[start:ent.end] if not t.is_punct]
    if start == ent.start:
        if ent.label_ == ORG or not 2 <= len(words) <= _MAX_ORG_NAME_WORDS:
            return ent
        if words[-1].lower_ not in ORG_NAME_FINAL_WORDS or not all(t.text[:1].isupper() for t in words):
            return ent
        if start > 0 and doc[start - 1].text in _QUOTE_MARKS and ent.end < len(doc) \
                and doc[ent.end].text in _QUOTE_MARKS:
            return ent                                   # a title in quotation marks
        if known_place_by_its_own_name(strip_leading_the(ent.text)) is not None:
            return ent
    return Span(doc, start, ent.end, label=ORG)


def repair_entities(doc: Doc) -> Doc:
    """Apply the repairs of the module docstring to ``doc.ents`` (in place) and return ``doc``."""
    ents = [_organisation_by_its_name(doc, span) for ent in doc.ents
            for span in _repaired_place_spans(doc, _widened_person(doc, ent))]
    people = [Span(doc, start, end, label=PERSON) for start, end in person_spans(doc)]
    if people:
        taken = set()
        for span in people:
            taken.update(range(span.start, span.end))
        kept = []
        for ent in ents:
            overlap = [i for i in range(ent.start, ent.end) if i in taken]
            if not overlap:
                kept.append(ent)
            elif overlap[0] > ent.start:
                # "Standard Chartered chief executive Mervyn Davies" as one ORG: keep the
                # organisation before the role words.
                end = overlap[0]
                while end > ent.start and (not doc[end - 1].text[:1].isupper() or is_role_noun(doc[end - 1])):
                    end -= 1  # the role words go, "Model" of "Model Anna Nicole Smith" too
                if end > ent.start:
                    kept.append(Span(doc, ent.start, end, label=ent.label_))
        ents = kept + people
    ents = _without_overlaps(ents + untagged_place_spans(doc))
    from transforms.nlp.entity_rules import apply_rules  # it builds on this module's helpers

    doc.ents = apply_rules(doc, sorted(ents, key=lambda span: span.start))
    return doc


# Cities this big are places when written after "in", "near" or "from" even when the model
# tagged nothing ("an 11-9 win in Cardiff"); smaller towns are too often other things.
UNTAGGED_CITY_MIN_POPULATION = 100_000


def untagged_place_spans(doc: Doc) -> list[Span]:
    """Repair 5: a known place the model left untagged after *in/near/from*.

    One or two capitalised proper nouns that are, by their own name, a country, a region
    inside one, or a city of :data:`UNTAGGED_CITY_MIN_POPULATION` people ("in Cardiff",
    "near Powys").  Months and days ("in May") are never places.
    """
    found = []
    for i in token_indexes(doc, LOWER, LOCATIVE_PREPOSITIONS):  # not a Token per word
        if i + 1 >= len(doc):
            continue
        start = i + 1
        end, words = name_run(doc, start)
        if not 1 <= len(words) <= 2 or any(doc[k].ent_type_ for k in range(start, end)):
            continue
        if words[0].casefold() in CALENDAR_WORDS:
            continue
        place = known_place_by_its_own_name(doc[start:end].text)
        if place is None:
            continue
        if not is_country_or_inside_one(place):
            continue
        if place.geo_type == CITY and place.population < UNTAGGED_CITY_MIN_POPULATION:
            continue
        found.append(Span(doc, start, end, label=GPE))
    return found



def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Earlier spans win over later ones that overlap them (widening can touch a neighbour)."""
    taken: set[int] = set()
    kept = []
    for span in spans:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        kept.append(span)
    return kept


@Language.component(COMPONENT_NAME)
def news_entity_repairs(doc: Doc) -> Doc:
    """spaCy component: see :func:`repair_entities`."""
    return repair_entities(doc)


def add_to_pipeline(nlp) -> None:
    """Put the repairs right after ``ner`` (once), when the pipeline has one."""
    if "ner" in nlp.pipe_names and COMPONENT_NAME not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT_NAME, after="ner")

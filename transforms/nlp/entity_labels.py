"""One label per name across an article: the label repairs of the entity index.

Applied by :func:`transforms.nlp.entities.index_mentions` in this order:

**Label repairs** for errors of the small English model: a PERSON that is an
all-caps acronym is an ORG (or a GPE when it names a country: ``GB``); a courtesy
title and one word (``Mr Pande`` tagged ORG) is a PERSON; an ORG that names a country
(``UK``) is a GPE.  One label per name across the article: a name the text describes
as an organisation once (``Kestrel, the drone maker``; ``Dunmore, which makes seats``
for a name tagged PERSON: :func:`described_organisations`) is an ORG in every mention
not tagged as a place; a name the text describes as a person once (``Nielsen, a former
security official``: :func:`described_persons`) is a PERSON in every mention the model
tagged as an organisation, building or unknown place; a full name of two or three name-shaped words under another
label whose surname or first name the article tags PERSON on its own is a PERSON
(``Tomasz Wierzbicki`` as ORG next to ``Wierzbicki``; :func:`persons_by_their_parts`).

**Surnames under other labels.**  A mention labelled ORG, GPE, LOC, FAC or NORP that is
a known person's full name or unambiguous surname joins that person (the model tags
"Putin" as ORG in some sentences) -- unless the article uses the word with another
label at least twice without a sign of a person and more often than with one, which
keeps the company ``Dell`` apart from ``Michael Dell``.  Signs of a person are a
PERSON tag on the bare surname, being the subject of a speech or thinking verb
(``said Campbell``, ``Nair explained``: :data:`PERSON_SUBJECT_VERBS`) and a place tag
on a word that is no known place (``Menendez`` tagged GPE next to ``Bob Menendez``).  A one-word
WORK_OF_ART, PRODUCT or EVENT joins only with such a verb (``Nair told`` tagged
WORK_OF_ART).

**Label votes.**  Among the remaining mentions, one written form gets the label the
model gave it most often in the article (``Gazprom`` tagged GPE once and ORG five
times is an ORG); a tie goes to the first label seen, or to PERSON for a full name
("Otis Ferry" tagged PRODUCT and PERSON once each), or to GPE for a known place
("Bristol" tagged ORG and GPE once each); a courtesy title settles the vote (``Lord Voldemort`` makes every
``Voldemort`` a person).  A lone one-word PERSON that is a country, continent or
region (``the West``) becomes a place, and so does a one-word PERSON that is nobody's
name part and is only ever written after *in*, *from* or *near* ("a joiner from
Dingwall": :func:`places_by_their_preposition`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from transforms.nlp import given_names
from transforms.nlp.doc_access import appositions
from transforms.nlp.entity_mentions import MentionItem
from transforms.nlp.entity_org_rules import organisation_after_descriptor_spans
from transforms.nlp.entity_people import PersonGroups
from transforms.nlp.entity_text import normalize_space
from transforms.nlp.labels import (EVENT, FAC, GPE, INDEX_SURNAME_MISLABELS, INDEX_SURNAME_MISLABELS_WITH_SIGN,
                                   LOC, NORP, NUMERIC_LABELS, ORG, PERSON, PLACE_LABELS, PRODUCT, WORK_OF_ART)
from transforms.nlp.lexicon import (ORG_DESIGNATOR_WORDS, ORG_NAME_FINAL_WORDS, ORG_NOUNS, ORGANISATION_WORDS,
                                    ORG_LEGAL_SUFFIXES, PERSON_APPOSITION_NOUNS, PERSON_SUBJECT_VERBS, TITLE_WORDS)
from transforms.nlp.person_names import (NAME_SHAPE, is_acronym, person_key, person_name, starts_with_courtesy_title,
                                         strip_titles, word_key)
from transforms.nlp.places import is_broad_place, is_country, lookup_place, strip_leading_the


def repair_label(item: MentionItem) -> None:
    """The label of one mention repaired on its own text (acronyms, courtesy titles, countries)."""
    if item.label == PERSON:
        name = person_name(item.text)
        if is_acronym(name):
            item.label = GPE if is_country(name) else ORG
        elif not person_key(name):
            item.text = ""
    elif item.label not in NUMERIC_LABELS and starts_with_courtesy_title(item.text):
        item.label = PERSON  # "Mr Campbell" tagged ORG, "Mr Iliaronov" tagged GPE
    elif item.label == ORG and is_country(item.text):
        item.label = GPE


def organisations_by_description(items: list[MentionItem], described: set[str]) -> None:
    """One label per name: a name the text describes as an organisation once ("Kestrel,
    the drone maker") is an organisation in all its mentions, whatever the model tagged
    them, unless a courtesy title makes it a person ("Mr Kestrel"); mentions the model
    tagged as places keep their label when the gazetteer knows the place ("Hawaii, which
    ..."), not otherwise ("Codelco, the state copper company", tagged GPE)."""
    for item in items:
        if item.text.casefold() in described and item.label not in NUMERIC_LABELS \
                and (item.label not in PLACE_LABELS or lookup_place(item.text) is None) \
                and not starts_with_courtesy_title(item.text):
            item.label = ORG


def described_organisations(doc, ents=None) -> set[str]:
    """Names the text describes as organisations, case-folded: a proper noun (with its
    compounds) in apposition with a word for an organisation ("Kestrel, the Bristol drone
    maker", "the promoter, Corvid Live"), or a name tagged PERSON followed by a relative
    clause with *which* ("Dunmore, which makes seats"), or a name right after a word that
    says what kind of organisation it is ("research firm IDC":
    :func:`~transforms.nlp.entity_org_rules.organisation_after_descriptor_spans`).  Tagged or not: the model often
    tags only some mentions of a company.  ``ents`` is ``doc.ents`` when the caller has it already."""
    found = set()
    for i, related in appositions(doc).items():
        token = doc[i]
        if token.pos_ != "PROPN":
            continue
        if any(t.pos_ == "NOUN" and t.lemma_.lower() in ORG_NOUNS for t in (doc[r] for r in related)):
            start = min([token.i] + [c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"])
            found.add(normalize_space(strip_leading_the(doc[start:token.i + 1].text)).casefold())
    for ent in doc.ents if ents is None else ents:
        if ent.label_ == PERSON and ent.end + 1 < len(doc) and doc[ent.end].text == "," \
                and doc[ent.end + 1].lower_ == "which":
            found.add(normalize_space(ent.text).casefold())
    for span in organisation_after_descriptor_spans(doc):  # "research firm IDC"
        found.add(normalize_space(span.text).casefold())
    return found


def described_persons(doc) -> set[str]:
    """Names the text describes as persons, case-folded: a proper noun (with its compounds)
    in apposition with a noun only a person is described by
    (:data:`~transforms.nlp.lexicon.PERSON_APPOSITION_NOUNS`: "Nielsen, a former security
    official", "Ortega, the judge's daughter").  Tagged or not."""
    found = set()
    for i, related in appositions(doc).items():
        token = doc[i]
        if token.pos_ != "PROPN":
            continue
        # Written in lower case: "Senators 4, Red Wings 3" pairs two teams.
        if any(t.pos_ == "NOUN" and t.is_lower and t.lemma_ in PERSON_APPOSITION_NOUNS
               for t in (doc[r] for r in related)):
            start = min([token.i] + [c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"])
            found.add(normalize_space(doc[start:token.i + 1].text).casefold())
    return found


def persons_by_description(items: list[MentionItem], described: set[str]) -> None:
    """One label per name: a name the text describes as a person once ("Nielsen, a former
    security official") is a person in all its mentions the model tagged as an
    organisation, building or unknown place, when it is shaped like a name of one to three
    words, none of them an organisation or title word, and is no known place.  Its full
    name then joins it (:func:`persons_by_their_parts`)."""
    for item in items:
        if item.label not in _FULL_NAME_MISLABELS or item.text.casefold() not in described:
            continue
        words = item.text.split()
        if not 1 <= len(words) <= 3 or not all(NAME_SHAPE.fullmatch(word) for word in words):
            continue
        if any(word_key(word) in TITLE_WORDS or word_key(word) in ORGANISATION_WORDS
               or word_key(word) in ORG_NAME_FINAL_WORDS for word in words):
            continue
        if lookup_place(item.text) is not None:
            continue
        item.label = PERSON


# Labels a person's full name gets by mistake when the model knows the person's surname or
# first name elsewhere in the article ("Tomasz Wierzbicki" as ORG, "Wierzbicki" as PERSON).
_FULL_NAME_MISLABELS = frozenset({ORG, GPE, LOC, FAC, NORP, PRODUCT, WORK_OF_ART, EVENT})


def persons_by_their_parts(items: list[MentionItem]) -> None:
    """One label per person: a full name under another label whose surname or first name
    the article tags PERSON on its own is that person ("Anne-Marie Lindqvist" tagged ORG
    next to "Lindqvist" tagged PERSON; "Odell Fairbanks" tagged ORG next to "Odell").

    Only two or three words shaped like a name (capitalised, letters, hyphens and
    apostrophes), none of them a title or a word that makes an organisation ("Acme
    Records"), and not a known place ("Jersey City").
    """
    singles = set()
    for item in items:
        if item.label == PERSON:
            key = person_key(person_name(item.text))
            if len(key) == 1:
                singles.add(key[0])
    if not singles:
        return
    for item in items:
        if item.label not in _FULL_NAME_MISLABELS:
            continue
        words = item.text.split()
        if not 2 <= len(words) <= 3 or not all(NAME_SHAPE.fullmatch(word) for word in words):
            continue
        keys = [word_key(word) for word in words]
        if keys[0] not in singles and keys[-1] not in singles:
            continue
        if any(key in TITLE_WORDS or key in ORG_NAME_FINAL_WORDS or key in ORG_DESIGNATOR_WORDS
               or key in ORGANISATION_WORDS or key in ORG_LEGAL_SUFFIXES for key in keys):
            continue
        if lookup_place(item.text) is not None or any(is_broad_place(word) for word in words):
            continue
        item.label = PERSON


def join_surnames_under_other_labels(items: list[MentionItem], people: PersonGroups) -> None:
    """"Putin" tagged ORG (or GPE, NORP...) joins Vladimir Putin; the company Dell does not join Michael Dell.

    A full name or a title ("President Putin") always joins.  A bare surname joins unless
    the article uses the word as something else: at least twice without a sign of a
    person, and more often than with one.  Signs of a person are a PERSON tag, being
    the subject of a speech or thinking verb ("said Campbell") and a place tag on a word
    no gazetteer knows (``_placed_nowhere``); a mention of a label that
    is rarely a surname by mistake (WORK_OF_ART, PRODUCT, EVENT) takes part only with
    such a sign ("Nair told ...").
    """
    candidates = []
    for item in items:
        if item.label not in INDEX_SURNAME_MISLABELS_WITH_SIGN:
            continue
        # Titles only: the lower-case-role rule of person_name would turn "Bank of
        # England" into "England".
        name = strip_titles(item.text)
        gid = people.group_for_full_name_or_surname(name)
        if gid is None:
            continue
        key = person_key(name)
        decided = len(key) >= 2 or len(key) < len(person_key(item.text))  # full name or titled
        spoke = not decided and _speaks_as_a_person(item)
        if decided or spoke or item.label in INDEX_SURNAME_MISLABELS:
            candidates.append((item, gid, " ".join(key), decided, spoke))
    # Uses of the bare word as a person's: PERSON-tagged "Dell", "Mr Dell".  A full name
    # ("Michael Dell") shows that the person exists, not what the bare word refers to.
    person_uses = Counter(" ".join(person_key(person_name(item.text))) for item in items
                          if item.label == PERSON)
    other_uses = Counter()
    for item, gid, word, decided, spoke in candidates:
        if not decided:
            sign = spoke or (_placed_nowhere(item) and _opens_with_a_given_name(people.canonical[gid]))
            (person_uses if sign else other_uses)[word] += 1
    for item, gid, word, decided, _ in candidates:
        if decided or not (other_uses[word] >= 2 and other_uses[word] > person_uses[word]):
            item.label = PERSON
            item.group = ("PERSON", gid)


def _placed_nowhere(item: MentionItem) -> bool:
    """A mention tagged as a place or building that no gazetteer knows ("Menendez" tagged GPE
    next to "Bob Menendez"): the model's guess for a surname it does not know, so a sign of
    the person when the person's full name opens with a given name (a company named like its
    founder is tagged ORG; a real place such as "Fairfax" is in the gazetteer and no sign;
    "Stadia" tagged GPE next to "Google Stadia" tagged PERSON is not joined)."""
    return item.label in (GPE, LOC, FAC) and lookup_place(item.text) is None


def _opens_with_a_given_name(full_name: str) -> bool:
    names = given_names.stored()
    first = full_name.split()[0]
    return names.is_given_name(first) or first.casefold() in names.also_words


def _speaks_as_a_person(item: MentionItem) -> bool:
    """A one-word capitalised mention that says or thinks something, and is not a country or region."""
    text = item.text
    return (item.raw.subject_of in PERSON_SUBJECT_VERBS and " " not in text and text[:1].isupper()
            and not is_broad_place(text))


def vote_labels(items: list[MentionItem]) -> None:
    """One written form, one label: the one the model gave it most often in the article.

    A courtesy title settles the vote: after "Lord Voldemort", a bare "Voldemort" the
    model tagged PRODUCT is the same person.
    """
    by_text: dict[str, Counter] = defaultdict(Counter)
    titled = set()
    for item in items:
        key = _vote_key(item.text)
        by_text[key][item.label] += 1
        if starts_with_courtesy_title(item.text):
            titled.add(key)
    for item in items:
        key = _vote_key(item.text)
        votes = by_text[key]
        if key in titled:
            item.label = PERSON
        elif len(votes) > 1:
            # Ties go to the first seen, except that a full name the model once tagged
            # PERSON stays a person ("Otis Ferry" tagged PRODUCT once and PERSON once)
            # and a known place the model once tagged GPE stays a place.
            top = max(votes.values())
            if votes.get(PERSON) == top and len(person_key(person_name(item.text))) >= 2:
                item.label = PERSON
            elif votes.get(GPE) == top and lookup_place(item.text) is not None:
                item.label = GPE                 # "the Bristol drone maker" (ORG), "jobs in Bristol"
            else:
                item.label = max(votes, key=lambda label: votes[label])
        if item.label == PERSON and len(person_key(item.text)) == 1 and is_broad_place(item.text):
            place = lookup_place(item.text)
            item.label = LOC if place.country_code is None else GPE
            item.group = None


def _vote_key(text: str) -> str:
    """The written form a label vote is about: "Mr Pande" votes with "Pande"."""
    return (text.split()[1] if starts_with_courtesy_title(text) else text).casefold()


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|from|near)[^\S\n]+$")


def places_by_their_preposition(items: list[MentionItem], body_text: str) -> None:
    """A one-word name tagged PERSON that is nobody's name part and is only ever written after
    *in*, *from* or *near* ("a joiner from Dingwall", "the square in Strathpeffer") is a place
    the gazetteer does not know: people are rarely only "in" or "from"."""
    by_word: dict[str, list[MentionItem]] = defaultdict(list)
    for item in items:
        if item.label == PERSON and item.group is None and " " not in item.text:
            by_word[item.text].append(item)
    for word, mentions in by_word.items():
        if any(m.raw.in_title or m.raw.subject_of is not None
               or not _LOCATIVE_BEFORE.search(body_text, max(0, m.raw.start_char - 8), m.raw.start_char)
               for m in mentions):
            continue
        for m in mentions:
            m.label = GPE

"""Named entities of one article: cleaned mentions grouped under one canonical name each.

``build_entity_index(body_doc, title_doc)`` is the thin spaCy part: it reads ``doc.ents``,
trims every span (:func:`trim_entity_text`) and hands plain :class:`RawMention` values to
:func:`index_mentions`, which does all the reasoning on strings and can be tested
without a model.  The string functions it uses live apart: span cleaning in
:mod:`transforms.nlp.entity_text`, people's names in :mod:`transforms.nlp.person_names`,
organisation names in :mod:`transforms.nlp.org_names`.  The rules, in the order they are
applied:

1. **Cleaning.**  A leading "the", a possessive "'s" (except in names such as
   ``McDonald's``), surrounding quotes and punctuation are trimmed and whitespace is
   collapsed; the mention's offsets move with the trim.  Spans that cross a paragraph
   break and spans of a name label with no letter in them are dropped as junk.  A
   courtesy title written right before a name (``Mr``, ``Ms``, ``Dr``, ``Sir``,
   ``Lord``...), which the model leaves out of the span, is put back into the mention
   (:func:`title_before`), so that forms show how the article refers to a person.
2. **Label repairs** for errors of the small English model: a PERSON that is an
   all-caps acronym is an ORG (or a GPE when it names a country: ``GB``); a courtesy
   title and one word (``Mr Pande`` tagged ORG) is a PERSON; an ORG that names a country
   (``UK``) is a GPE.  One label per name across the article: a name the text describes
   as an organisation once (``Kestrel, the drone maker``; ``Dunmore, which makes seats``
   for a name tagged PERSON: :func:`described_organisations`) is an ORG in every mention
   not tagged as a place; a full name of two or three name-shaped words under another
   label whose surname or first name the article tags PERSON on its own is a PERSON
   (``Tomasz Wierzbicki`` as ORG next to ``Wierzbicki``; :func:`_persons_by_their_parts`).
3. **People.**  Titles and roles (``Mr``, ``President``, ``Foreign Secretary``, ``Admiral
   Sir``, ``Broadcaster``...), a nationality before a full name (``Kenyan Bernard Lagat``)
   and lower-case role words before a name (``Wales physio Mark Davies``) are stripped.
   Full names (two or more words) are grouped when one is a word-suffix of the other or
   they share first and last word (first names one edit apart count as one: "Viktor" /
   "Victor").  A one-word mention (``Putin``, ``Mr Putin``) joins the
   one full name with that surname; when two full names share the surname it stays
   apart.  A one-word mention that is nobody's surname joins the one full name with that
   first name (``Gordon`` -> ``Gordon Brown``).  Failing both, it joins the one full name
   whose surname it misspells (``Mr Iliaronov`` -> ``Andrei Illarionov``): same first
   letter and a Damerau-Levenshtein distance of at most 2 for surnames of 7+ letters, 1
   for 5-6 letters, none for shorter ones (:func:`is_misspelt_surname`).  A common short
   first name joins its full form ("Josh Apte" / "Joshua Apte").  The canonical name is the
   fullest form that ends with the most frequent full form ("Joel Eriksson Ek" over a more
   frequent "Eriksson Ek"); a surname that starts with a particle ("Van Der Beek") is no
   full form when one with the first name exists.
4. **Surnames under other labels.**  A mention labelled ORG, GPE, LOC, FAC or NORP that is
   a known person's full name or unambiguous surname joins that person (the model tags
   "Putin" as ORG in some sentences) -- unless the article uses the word with another
   label at least twice without a sign of a person and more often than with one, which
   keeps the company ``Dell`` apart from ``Michael Dell``.  Signs of a person are a
   PERSON tag on the bare surname and being the subject of a speech or thinking verb
   (``said Campbell``, ``Nair explained``: :data:`PERSON_SUBJECT_VERBS`).  A one-word
   WORK_OF_ART, PRODUCT or EVENT joins only with such a verb (``Nair told`` tagged
   WORK_OF_ART).
5. **Label votes.**  Among the remaining mentions, one written form gets the label the
   model gave it most often in the article (``Gazprom`` tagged GPE once and ORG five
   times is an ORG); a tie goes to the first label seen, or to PERSON for a full name
   ("Otis Ferry" tagged PRODUCT and PERSON once each), or to GPE for a known place
   ("Bristol" tagged ORG and GPE once each); a courtesy title settles the vote (``Lord Voldemort`` makes every
   ``Voldemort`` a person).  A lone one-word PERSON that is a country, continent or
   region (``the West``) becomes a place, and so does a one-word PERSON that is nobody's
   name part and is only ever written after *in*, *from* or *near* ("a joiner from
   Dingwall": :func:`_places_by_their_preposition`).
6. **Places** (GPE, LOC) are named by :func:`transforms.nlp.places.canonical_place`, which
   also gives the ISO 3166-1 alpha-2 country code and geo type.  A place it does not
   know that is written with its county, state or country after a comma ("Ledbury,
   Herefordshire") is a town of that country.
7. **Organisations** fold case, ``&``/``and`` and legal suffixes (``plc``, ``Inc``); an
   acronym joins the long name it abbreviates when the article defines it
   ("Mobile Data Association (MDA)") or its letters are the initials of exactly one
   long name in the article (``MoD`` = Ministry of Defence, ``Apec``).  A one-word name
   joins the one multi-word organisation of the article that starts with it, when the
   rest of that name only says what kind of company it is (``Cairn`` -> ``Cairn
   Energy``, ``Deutsche`` -> ``Deutsche Bank``, but not ``Apple`` -> ``Apple Mac`` nor
   ``National`` -> ``National Grid``: :func:`is_org_short_name`).  The long name is the
   canonical name.
8. Every other label groups by folded text.

``entities`` lists named entities only: groups labelled DATE, TIME, PERCENT, MONEY,
QUANTITY, ORDINAL or CARDINAL (:data:`NUMERIC_LABELS`) are left out, because the
article's ``amounts`` and ``dates_mentioned`` describe them better; their mentions stay
in ``mentions`` with offsets.

Mentions in the title count towards an entity's ``mentions`` and can carry the
canonical name, but only body mentions are listed in ``mentions`` (offsets are into
the body).  A mention's ``text`` and an entity's ``forms`` are as written, honorific
included (``Mr Putin``), while the canonical name is decided without titles.  A
mention's ``label`` is its entity's label after the repairs above.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from transforms.nlp.doc_access import doc_text, tokens_where
from transforms.nlp.labels import (EVENT, FAC, GPE, INDEX_SURNAME_MISLABELS, INDEX_SURNAME_MISLABELS_WITH_SIGN,
                                   LOC, NORP, NUMERIC_LABELS, ORG, PERSON, PLACE_LABELS, PRODUCT, WORK_OF_ART)
from transforms.nlp.lexicon import (NAME_PARTICLES, ORG_DESIGNATOR_WORDS, ORG_NAME_FINAL_WORDS, ORG_NOUNS,
                                    ORGANISATION_WORDS, ORG_LEGAL_SUFFIXES, PERSON_SUBJECT_VERBS, TITLE_WORDS)
from transforms.nlp.entity_text import normalize_space, trim_entity_text, trim_span
from transforms.nlp.org_names import acronym_definitions, initials_variants, is_org_short_name, org_key
from transforms.nlp.person_names import (NAME_SHAPE, is_acronym, is_misspelt_surname, is_suffix_name, person_key,
                                         person_name, same_person_full_names, starts_with_courtesy_title,
                                         strip_titles, surname_of, title_before, word_key)
from transforms.nlp.places import (CITY, COUNTRY, REGION, canonical_place, is_broad_place, is_country,
                                   lookup_place, strip_leading_the)


# ---------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RawMention:
    """One cleaned entity mention, before grouping.

    ``start_char``/``end_char`` are offsets of the cleaned text in the body (or in the
    title when ``in_title``); ``span_start``/``span_end`` are the model's original span
    offsets, kept so :meth:`EntityIndex.canonical_for_span` finds untrimmed spans.
    ``subject_of`` is the lemma of the verb the mention is the nominal subject of
    ("said Campbell" -> "say"), or None.
    """
    text: str
    label: str
    start_char: int
    end_char: int
    in_title: bool = False
    span_start: int | None = None
    span_end: int | None = None
    subject_of: str | None = None


@dataclass
class EntityIndex:
    """Mentions and entities of one article, with name lookups for the other NLP steps.

    ``mentions`` holds every kept mention of the body, numeric ones (DATE, MONEY...)
    included; ``entities`` holds the named entities only, most mentioned first.
    """
    mentions: list[dict]
    entities: list[dict]
    people: list[str]
    _span_canonical: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    _mention_starts: list[int] = field(default_factory=list, repr=False)
    _person_lookup: dict[str, str] = field(default_factory=dict, repr=False)

    def canonical_for_span(self, span) -> str | None:
        """Canonical name for an entity span of the body doc (or a span containing one mention).

        An exact entity span (as the model gave it or as trimmed) answers directly; a
        wider span ("the Russian leader Vladimir Putin") answers when the mentions inside
        it all belong to one entity.
        """
        start, end = span.start_char, span.end_char
        exact = self._span_canonical.get((start, end))
        if exact is not None:
            return exact
        inside = set()
        for i in range(bisect.bisect_left(self._mention_starts, start), len(self.mentions)):
            mention = self.mentions[i]
            if mention["start_char"] >= end:
                break
            if mention["end_char"] <= end:
                inside.add(mention["canonical"])
        return inside.pop() if len(inside) == 1 else None

    def resolve_person(self, text: str) -> str | None:
        """Canonical name of the article's person that ``text`` refers to, or None.

        ``Mr Putin``, ``Putin``, ``President Putin``, ``Putin's`` and ``Vladimir Putin`` all
        give ``Vladimir Putin`` when he is in the article.  A surname two people share
        gives the entity of the bare surname (``Clinton``) when the article has one, else None.
        """
        start, end = trim_span(text, PERSON)
        key = person_key(person_name(text[start:end]))
        return self._person_lookup.get(" ".join(key)) if key else None


@dataclass
class _Item:
    """Working state of one mention while :func:`index_mentions` groups them."""
    raw: RawMention
    text: str
    label: str
    group: tuple | None = None


def build_entity_index(body_doc, title_doc=None) -> EntityIndex:
    """The entity index of an article from its spaCy docs (see the module docstring)."""
    raw = list(_raw_mentions(title_doc, in_title=True)) if title_doc is not None else []
    raw.extend(_raw_mentions(body_doc, in_title=False))
    return index_mentions(raw, doc_text(body_doc), described_organisations(body_doc))


def _raw_mentions(doc, in_title: bool):
    text = doc_text(doc)  # Doc.text is built from the tokens on every access
    for ent in doc.ents:
        kept = trim_entity_text(ent.text, ent.label_)
        if kept is None:
            continue
        start, end = ent.start_char + kept[0], ent.start_char + kept[1]
        if ent.label_ == PERSON or (ent.label_ not in NUMERIC_LABELS and " " not in text[start:end]):
            start = title_before(text, start)  # the model leaves "Mr" out of "Mr Putin"
        root = ent.root
        subject_of = root.head.lemma_.casefold() if root.dep_ == "nsubj" and root.head is not root else None
        written = text[start:end]
        if ent.label_ == PERSON and ")" in written:
            written = written.replace("(", "").replace(")", "")  # "(Frank) Dalloway"
        yield RawMention(normalize_space(written), ent.label_, start, end, in_title,
                         ent.start_char, ent.end_char, subject_of)


def described_organisations(doc) -> set[str]:
    """Names the text describes as organisations, case-folded: a proper noun (with its
    compounds) in apposition with a word for an organisation ("Kestrel, the Bristol drone
    maker", "the promoter, Corvid Live"), or a name tagged PERSON followed by a relative
    clause with *which* ("Dunmore, which makes seats"), or a name right after a word that
    says what kind of organisation it is ("research firm IDC":
    :func:`~transforms.nlp.entity_rules.organisation_after_descriptor_spans`).  Tagged or not: the model often
    tags only some mentions of a company."""
    found = set()
    for token in tokens_where(doc, pos=("PROPN",)):
        related = [c for c in token.children if c.dep_ == "appos"]
        if token.dep_ == "appos":
            related.append(token.head)
        if any(t.pos_ == "NOUN" and t.lemma_.lower() in ORG_NOUNS for t in related):
            start = min([token.i] + [c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"])
            found.add(normalize_space(strip_leading_the(doc[start:token.i + 1].text)).casefold())
    for ent in doc.ents:
        if ent.label_ == PERSON and ent.end + 1 < len(doc) and doc[ent.end].text == "," \
                and doc[ent.end + 1].lower_ == "which":
            found.add(normalize_space(ent.text).casefold())
    from transforms.nlp.entity_rules import organisation_after_descriptor_spans  # it imports this module

    for span in organisation_after_descriptor_spans(doc):  # "research firm IDC"
        found.add(normalize_space(span.text).casefold())
    return found


def index_mentions(raw_mentions: list[RawMention], body_text: str = "",
                   organisations: set[str] = frozenset()) -> EntityIndex:
    """Group cleaned mentions into entities (pure: no spaCy objects needed).

    ``raw_mentions`` must be in reading order (title first, then body); ``body_text`` is
    used only to find acronym definitions such as "Ministry of Defence (MoD)";
    ``organisations`` are names (case-folded) the text describes as organisations
    (:func:`described_organisations`).
    """
    items = [_Item(m, m.text, m.label) for m in raw_mentions]
    for item in items:
        _repair_label(item)
    items = [item for item in items if item.text]
    _organisations_by_description(items, organisations)
    _persons_by_their_parts(items)
    people = _PersonGroups([item for item in items if item.label == PERSON])
    _join_surnames_under_other_labels(items, people)
    _vote_labels([item for item in items if item.group is None and item.label not in NUMERIC_LABELS])
    _places_by_their_preposition(items, body_text)
    place_info = {}
    for item in items:
        if item.group is None:
            item.group = _group_key(item, place_info)
    _locate_places_by_their_region(items, place_info, body_text)
    _merge_acronyms(items, body_text)
    _merge_short_org_names(items)
    return _assemble(items, people, place_info)


# Labels a person's full name gets by mistake when the model knows the person's surname or
# first name elsewhere in the article ("Tomasz Wierzbicki" as ORG, "Wierzbicki" as PERSON).
_FULL_NAME_MISLABELS = frozenset({ORG, GPE, LOC, FAC, NORP, PRODUCT, WORK_OF_ART, EVENT})


def _persons_by_their_parts(items: list[_Item]) -> None:
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


def _organisations_by_description(items: list[_Item], described: set[str]) -> None:
    """One label per name: a name the text describes as an organisation once ("Kestrel,
    the drone maker") is an organisation in all its mentions, whatever the model tagged
    them, unless a courtesy title makes it a person ("Mr Kestrel"); mentions the model
    tagged as places keep their label ("Hawaii, which ...")."""
    for item in items:
        if item.text.casefold() in described and item.label not in NUMERIC_LABELS \
                and item.label not in PLACE_LABELS and not starts_with_courtesy_title(item.text):
            item.label = ORG


def _repair_label(item: _Item) -> None:
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


class _PersonGroups:
    """People of the article: full names grouped, then one-word mentions attached."""

    def __init__(self, person_items: list[_Item]):
        self.forms: dict[tuple[str, ...], int] = {}     # full-name key -> group id
        self.lookup: dict[str, str] = {}                # "putin" / "vladimir putin" -> canonical
        full_counts: list[Counter] = []                 # group id -> full-name form counts
        singles = []
        for item in person_items:
            name = person_name(item.text)
            key = person_key(name)
            if len(key) >= 2:
                gid = self._full_group(key, full_counts)
                full_counts[gid][name] += 1
                item.group = ("PERSON", gid)
            else:
                singles.append((item, key))
        self.canonical = [_canonical_full_name(counts) for counts in full_counts]  # by group id
        self.by_surname: dict[str, set[int]] = defaultdict(set)
        self.by_first_name: dict[str, set[int]] = defaultdict(set)
        for key, gid in self.forms.items():
            self.by_surname[surname_of(key)].add(gid)
            self.by_first_name[key[0]].add(gid)
        for key, gid in self.forms.items():
            self.lookup[" ".join(key)] = self.canonical[gid]
        for word in set(self.by_surname) | set(self.by_first_name):
            gid = self.group_for_word(word)
            if gid is not None:
                self.lookup[word] = self.canonical[gid]
        for item, key in singles:
            gid = self.group_for_word(key[0])
            if gid is None:
                gid = self.group_for_misspelt_surname(key[0])
                if gid is not None:
                    self.lookup.setdefault(key[0], self.canonical[gid])
            if gid is not None:
                item.group = ("PERSON", gid)
            # else: a person known by one name only, or an ambiguous surname; such
            # mentions take part in the label vote before they are grouped.

    def _full_group(self, key, full_counts) -> int:
        gid = self.forms.get(key)
        if gid is None:
            gid = next((g for k, g in self.forms.items() if same_person_full_names(k, key)), None)
            if gid is None:
                gid = len(full_counts)
                full_counts.append(Counter())
            self.forms[key] = gid
        return gid

    def group_for_word(self, word: str) -> int | None:
        """The one full-name group this single word names (surname first, then first name)."""
        by_surname = self.by_surname.get(word, set())
        if len(by_surname) == 1:
            return next(iter(by_surname))
        if by_surname:
            return None  # two people share the surname: ambiguous
        by_first = self.by_first_name.get(word, set())
        return next(iter(by_first)) if len(by_first) == 1 else None

    def group_for_misspelt_surname(self, word: str) -> int | None:
        """The one full-name group whose surname ``word`` misspells ("Iliaronov" -> Andrei Illarionov).

        Only for a word that is nobody's surname or first name here, and only when one
        person's surname is close enough (:func:`is_misspelt_surname`); two candidates
        leave the word alone.
        """
        if word in self.by_surname or word in self.by_first_name:
            return None
        groups = {gid for surname, gids in self.by_surname.items()
                  if is_misspelt_surname(word, surname) for gid in gids}
        return next(iter(groups)) if len(groups) == 1 else None

    def group_for_full_name_or_surname(self, name: str) -> int | None:
        """The group ``name`` is a full-name form of, or the one group with that surname.

        First names do not count here: this serves mentions under other labels, where
        "Jordan" next to "Jordan Henderson" is more likely the country.
        """
        key = person_key(name)
        if len(key) >= 2:
            return self.forms.get(key)
        by_surname = self.by_surname.get(key[0], set()) if key else set()
        return next(iter(by_surname)) if len(by_surname) == 1 else None


def _canonical_full_name(counts: Counter) -> str:
    """The canonical name of a person: the most frequent full form, or the fullest form that
    ends with it, where a surname that
    starts with a particle ("Van Der Beek", "de Gaulle") is no full form when the article
    also gives one with the first name ("James Van Der Beek")."""
    with_first_name = Counter({form: n for form, n in counts.items()
                               if form.split()[0].casefold() not in NAME_PARTICLES})
    pool = with_first_name or counts
    best = _most_frequent_longest(pool)
    # The fullest name the article gives wins over a shorter form written more often:
    # "Joel Eriksson Ek" once and "Eriksson Ek" twice is Joel Eriksson Ek.
    best_key = person_key(best)
    fuller = [form for form in pool if is_suffix_name(best_key, person_key(form))]
    return max(fuller, key=lambda form: (len(form.split()), pool[form])) if fuller else best


def _most_frequent_longest(counts: Counter) -> str:
    """Most frequent form; ties go to the longer, then to the first seen."""
    order = {form: i for i, form in enumerate(counts)}
    return max(counts, key=lambda form: (counts[form], len(form.split()), -order[form]))


def _join_surnames_under_other_labels(items: list[_Item], people: _PersonGroups) -> None:
    """"Putin" tagged ORG (or GPE, NORP...) joins Vladimir Putin; the company Dell does not join Michael Dell.

    A full name or a title ("President Putin") always joins.  A bare surname joins unless
    the article uses the word as something else: at least twice without a sign of a
    person, and more often than with one.  Signs of a person are a PERSON tag and being
    the subject of a speech or thinking verb ("said Campbell"); a mention of a label that
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
    for _, _, word, decided, spoke in candidates:
        if not decided:
            (person_uses if spoke else other_uses)[word] += 1
    for item, gid, word, decided, _ in candidates:
        if decided or not (other_uses[word] >= 2 and other_uses[word] > person_uses[word]):
            item.label = PERSON
            item.group = ("PERSON", gid)


def _speaks_as_a_person(item: _Item) -> bool:
    """A one-word capitalised mention that says or thinks something, and is not a country or region."""
    text = item.text
    return (item.raw.subject_of in PERSON_SUBJECT_VERBS and " " not in text and text[:1].isupper()
            and not is_broad_place(text))


def _vote_labels(items: list[_Item]) -> None:
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


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|from|near)[^\S\n]+$")


def _places_by_their_preposition(items: list[_Item], body_text: str) -> None:
    """A one-word name tagged PERSON that is nobody's name part and is only ever written after
    *in*, *from* or *near* ("a joiner from Dingwall", "the square in Strathpeffer") is a place
    the gazetteer does not know: people are rarely only "in" or "from"."""
    by_word: dict[str, list[_Item]] = defaultdict(list)
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


def _vote_key(text: str) -> str:
    """The written form a label vote is about: "Mr Pande" votes with "Pande"."""
    return (text.split()[1] if starts_with_courtesy_title(text) else text).casefold()


def _group_key(item: _Item, place_info: dict) -> tuple:
    if item.label == PERSON:  # a person known by one word here, or an ambiguous surname
        return ("PERSON-1", " ".join(person_key(person_name(item.text))))
    if item.label in PLACE_LABELS:
        name, code, geo_type = canonical_place(item.text)
        key = ("PLACE", name.casefold())
        place_info[key] = (name, code, geo_type)
        return key
    if item.label == ORG:
        return (ORG, org_key(item.text))
    return (item.label, item.text.casefold())


_PLACE_QUALIFIER_GAP = re.compile(r",[^\S\n]*")
_LIST_GOES_ON = re.compile(r"\s*(?:and\b|or\b|&)")


def _locate_places_by_their_region(items: list[_Item], place_info: dict, body_text: str) -> None:
    """A place the gazetteer does not know, written "Ledbury, Herefordshire": a town in
    the country of the county, state or country named after the comma."""
    places_at = {item.raw.start_char: item for item in items
                 if not item.raw.in_title and item.group in place_info}
    for item in items:
        info = place_info.get(item.group)
        if item.raw.in_title or info is None or info[2] is not None:
            continue  # a known place (a continent has no code but is known)
        gap = _PLACE_QUALIFIER_GAP.match(body_text, item.raw.end_char)
        qualifier = places_at.get(gap.end()) if gap else None
        if qualifier is None or _LIST_GOES_ON.match(body_text, qualifier.raw.end_char):
            continue  # "Hexham, Hull and York" is a list, not a town and its county
        _, code, geo_type = place_info[qualifier.group]
        if code is not None and geo_type in (REGION, COUNTRY):
            place_info[item.group] = (info[0], code, CITY)


def _merge_acronyms(items: list[_Item], body_text: str) -> None:
    """Fold an organisation's acronym into its long name (see rule 7 of the module docstring)."""
    org_items = [item for item in items if item.group and item.group[0] == ORG]
    long_groups: dict[tuple, str] = {}
    for item in org_items:
        if len(item.text.split()) >= 2:
            long_groups.setdefault(item.group, item.text)
    if not long_groups:
        return
    spans = [(item.raw.start_char, item.raw.end_char) for item in org_items
             if not item.raw.in_title and item.group in long_groups]
    group_at = {(item.raw.start_char, item.raw.end_char): item.group for item in org_items
                if not item.raw.in_title}
    defined = {acronym: group_at[span] for acronym, span in acronym_definitions(body_text, spans).items()}
    by_initials: dict[str, set] = defaultdict(set)
    for group, text in long_groups.items():
        for variant in initials_variants(text):
            if len(variant) >= 2:
                by_initials[variant].add(group)
    for item in org_items:
        if not _may_be_acronym(item.text):
            continue
        acronym = item.text.replace(".", "").casefold()
        target = defined.get(acronym)
        if target is None and len(by_initials.get(acronym, ())) == 1:
            target = next(iter(by_initials[acronym]))
        if target is not None:
            item.group = target


def _merge_short_org_names(items: list[_Item]) -> None:
    """``Cairn`` joins ``Cairn Energy`` when that is the one organisation it shortens (:func:`is_org_short_name`)."""
    long_names: dict[tuple, list[str]] = defaultdict(list)
    for item in items:
        if item.group and item.group[0] == ORG and " " in item.text:
            long_names[item.group].append(item.text)
    if not long_names:
        return
    for item in items:
        if not (item.group and item.group[0] == ORG) or " " in item.text:
            continue
        word = item.text.casefold()
        starting = [group for group, texts in long_names.items()
                    if any(text.split()[0].casefold() == word for text in texts)]
        # "Cairn" next to "Cairn Energy" and "Cairn India" could be either: left alone.
        if len(starting) == 1 and any(is_org_short_name(item.text, text) for text in long_names[starting[0]]):
            item.group = starting[0]


def _may_be_acronym(text: str) -> bool:
    """One word that could abbreviate a long name: ``NATO``, ``MoD``, ``Apec``."""
    if " " in text or not text[:1].isupper() or len(text) > 10:
        return False
    return len(text) <= 6 or sum(ch.isupper() for ch in text) >= 2


def _assemble(items: list[_Item], people: _PersonGroups, place_info: dict) -> EntityIndex:
    groups: dict[tuple, list[_Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    entities, canonical_of = [], {}
    for position, (group, members) in enumerate(groups.items()):
        forms = Counter(item.text for item in members)
        labels = Counter(item.label for item in members)
        label = max(labels, key=lambda lab: labels[lab])
        code = geo_type = None
        if group[0] == "PERSON":
            name = people.canonical[group[1]]
        elif group[0] == "PERSON-1":
            name = _most_frequent_longest(Counter(person_name(item.text) for item in members))
        elif group in place_info:
            name, code, geo_type = place_info[group]
        elif group[0] == ORG:
            long_forms = Counter({form: n for form, n in forms.items() if len(form.split()) >= 2})
            name = _most_frequent_longest(long_forms or forms)
        else:
            name = _most_frequent_longest(forms)
        canonical_of[group] = (name, label)
        if label in NUMERIC_LABELS:
            continue  # amounts and dates have their own columns; the mentions keep them
        body_starts = [item.raw.start_char for item in members if not item.raw.in_title]
        entities.append((position, {
            "name": name,
            "label": label,
            "mentions": len(members),
            "forms": [form for form, _ in _ordered_by_count(forms)],
            "first_char": min(body_starts) if body_starts else None,
            "country_code": code,
            "geo_type": geo_type,
        }))
    entities.sort(key=lambda pair: (-pair[1]["mentions"], pair[0]))

    mentions, span_canonical = [], {}
    for item in sorted((i for i in items if not i.raw.in_title), key=lambda i: i.raw.start_char):
        name, label = canonical_of[item.group]
        raw = item.raw
        mentions.append({"text": item.text, "label": label, "start_char": raw.start_char,
                         "end_char": raw.end_char, "canonical": name})
        span_canonical[(raw.start_char, raw.end_char)] = name
        if raw.span_start is not None:
            span_canonical[(raw.span_start, raw.span_end)] = name

    person_names = []
    for item in items:  # reading order: title, then body
        name, label = canonical_of[item.group]
        if label == PERSON and name not in person_names:
            person_names.append(name)
    lookup = dict(people.lookup)
    for name in person_names:
        lookup.setdefault(" ".join(person_key(name)), name)
    return EntityIndex(mentions=mentions, entities=[entity for _, entity in entities],
                       people=person_names, _span_canonical=span_canonical,
                       _mention_starts=[m["start_char"] for m in mentions],
                       _person_lookup=lookup)


def _ordered_by_count(counts: Counter):
    """Items most frequent first, ties in first-seen order (Counter keeps insertion order)."""
    order = {key: i for i, key in enumerate(counts)}
    return sorted(counts.items(), key=lambda pair: (-pair[1], order[pair[0]]))

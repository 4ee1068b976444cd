"""Named entities of one article: cleaned mentions grouped under one canonical name each.

``build_entity_index(body_doc, title_doc)`` is the thin spaCy part: it reads ``doc.ents``
into plain :class:`RawMention` values and hands them to :func:`index_mentions`, which does
all the reasoning on strings and can be tested without a model.  Its steps, in order, each
in its own module:

1. **Cleaning** (:mod:`transforms.nlp.entity_mentions`, :mod:`transforms.nlp.entity_text`):
   spans trimmed, junk dropped, a courtesy title put back into the mention.
2. **Label repairs** (:mod:`transforms.nlp.entity_labels`): acronyms, courtesy titles and
   countries under the wrong label; a name described as an organisation once is one
   everywhere, and so is a name described as a person; a full name under another label whose surname or first name is a PERSON
   here is that person.
3. **People** (:mod:`transforms.nlp.entity_people`): full names grouped, one-word mentions
   joined to their full name, the canonical name chosen.
4. **Surnames under other labels** (:mod:`transforms.nlp.entity_labels`): "Putin" tagged
   ORG joins Vladimir Putin, the company Dell stays apart from Michael Dell.
5. **Label votes** (:mod:`transforms.nlp.entity_labels`): one label per written form.
6. **Places** (:mod:`transforms.nlp.entity_groups`, :mod:`transforms.nlp.places`):
   canonical name, country code and geo type; towns located by the region after them.
7. **Organisations** (:mod:`transforms.nlp.entity_groups`, :mod:`transforms.nlp.org_names`):
   folded names, acronyms and short names joined to their long name.
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
from collections import Counter
from dataclasses import dataclass, field

from transforms.nlp.doc_access import doc_text
from transforms.nlp.entity_groups import (group_key, locate_places_by_their_region, merge_acronyms,
                                          merge_short_org_names)
from transforms.nlp.entity_labels import (described_organisations, described_persons, join_surnames_under_other_labels,
                                          organisations_by_description, persons_by_description, persons_by_their_parts,
                                          places_by_their_preposition, repair_label, vote_labels)
from transforms.nlp.entity_mentions import MentionItem, RawMention, raw_mentions
from transforms.nlp.entity_people import PersonGroups, most_frequent_longest
from transforms.nlp.entity_text import trim_span
from transforms.nlp.labels import NUMERIC_LABELS, ORG, PERSON
from transforms.nlp.person_names import person_key, person_name

__all__ = ["EntityIndex", "RawMention", "build_entity_index", "index_mentions"]


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


def build_entity_index(body_doc, title_doc=None, *, body_ents=None) -> EntityIndex:
    """The entity index of an article from its spaCy docs (see the module docstring);
    ``body_ents`` is ``body_doc.ents`` when the caller has it already."""
    if body_ents is None:
        body_ents = body_doc.ents
    raw = list(raw_mentions(title_doc, in_title=True)) if title_doc is not None else []
    raw.extend(raw_mentions(body_doc, in_title=False, ents=body_ents))
    return index_mentions(raw, doc_text(body_doc), described_organisations(body_doc, body_ents),
                          described_persons(body_doc))


def index_mentions(raw_mentions: list[RawMention], body_text: str = "",
                   organisations: set[str] = frozenset(), persons: set[str] = frozenset()) -> EntityIndex:
    """Group cleaned mentions into entities (pure: no spaCy objects needed).

    ``raw_mentions`` must be in reading order (title first, then body); ``body_text`` is
    used only to find acronym definitions such as "Ministry of Defence (MoD)";
    ``organisations`` are names (case-folded) the text describes as organisations
    (:func:`described_organisations`), ``persons`` those it describes as persons
    (:func:`described_persons`).
    """
    items = [MentionItem(m, m.text, m.label) for m in raw_mentions]
    for item in items:
        repair_label(item)
    items = [item for item in items if item.text]
    organisations_by_description(items, organisations)
    persons_by_description(items, persons)
    persons_by_their_parts(items)
    people = PersonGroups([item for item in items if item.label == PERSON])
    join_surnames_under_other_labels(items, people)
    vote_labels([item for item in items if item.group is None and item.label not in NUMERIC_LABELS])
    places_by_their_preposition(items, body_text)
    place_info = {}
    for item in items:
        if item.group is None:
            item.group = group_key(item, place_info)
    locate_places_by_their_region(items, place_info, body_text)
    merge_acronyms(items, body_text)
    merge_short_org_names(items)
    return _assemble(items, people, place_info)


def _assemble(items: list[MentionItem], people: PersonGroups, place_info: dict) -> EntityIndex:
    groups: dict[tuple, list[MentionItem]] = {}
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
            name = most_frequent_longest(Counter(person_name(item.text) for item in members))
        elif group in place_info:
            name, code, geo_type = place_info[group]
        elif group[0] == ORG:
            long_forms = Counter({form: n for form, n in forms.items() if len(form.split()) >= 2})
            name = most_frequent_longest(long_forms or forms)
        else:
            name = most_frequent_longest(forms)
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

"""Groups of an article's places, organisations and other named entities (people: :mod:`entity_people`).

**Places** (GPE, LOC) are named by :func:`transforms.nlp.places.canonical_place`, which
also gives the ISO 3166-1 alpha-2 country code and geo type.  A place it does not
know that is written with its county, state or country after a comma ("Ledbury,
Herefordshire") is a town of that country.

**Organisations** fold case, ``&``/``and`` and legal suffixes (``plc``, ``Inc``); an
acronym joins the long name it abbreviates when the article defines it
("Mobile Data Association (MDA)") or its letters are the initials of exactly one
long name in the article (``MoD`` = Ministry of Defence, ``Apec``).  A one-word name
joins the one multi-word organisation of the article that starts with it, when the
rest of that name only says what kind of company it is (``Cairn`` -> ``Cairn
Energy``, ``Deutsche`` -> ``Deutsche Bank``, but not ``Apple`` -> ``Apple Mac`` nor
``National`` -> ``National Grid``: :func:`is_org_short_name`).  The long name is the
canonical name.

Every other label groups by folded text.
"""
from __future__ import annotations

import re
from collections import defaultdict

from transforms.nlp.entity_mentions import MentionItem
from transforms.nlp.labels import ORG, PERSON, PLACE_LABELS
from transforms.nlp.org_names import acronym_definitions, initials_variants, is_org_short_name, org_key
from transforms.nlp.person_names import person_key, person_name
from transforms.nlp.places import CITY, COUNTRY, REGION, canonical_place


def group_key(item: MentionItem, place_info: dict) -> tuple:
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


def locate_places_by_their_region(items: list[MentionItem], place_info: dict, body_text: str) -> None:
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


def merge_acronyms(items: list[MentionItem], body_text: str) -> None:
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


def merge_short_org_names(items: list[MentionItem]) -> None:
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

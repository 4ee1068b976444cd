"""A speaker's canonical name, label and gender, from an entity span of the article.

Used by speaker resolution (``resolution.py``, ``references.py``) and by the quote
extraction that assembles rows (``extract.py``).  Conventions: ``docs/quotes.md``.
"""
from __future__ import annotations

from transforms.nlp.labels import SPEAKER_SURNAME_MISLABELS
from transforms.nlp.quotes.doc_view import DocView
from transforms.nlp.quotes.names import clean_surface, honorific_before, looks_like_person, strip_honorifics


def canonical(view: DocView, ent) -> tuple[str, str]:
    """(canonical name, label) of an entity span, through the entity index.

    A name after an honorific is a person whatever the NER said ("Lord Butler" as ORG).
    A PERSON span without one takes the label the article groups it under when that is
    not PERSON (``grouped_as_non_person``).  A name the index does not know keeps its
    surface form (without "the" or "'s").
    """
    key = (ent.start, ent.end, ent.label_)
    found = view.canonical_of.get(key)
    if found is None:
        found = view.canonical_of[key] = _canonical(view, ent)
    return found


def _canonical(view: DocView, ent) -> tuple[str, str]:
    index = view.index
    grouped = grouped_as_non_person(view, ent)
    if grouped is not None:
        return grouped
    if ent.label_ == "PERSON" or honorific_before(view.doc, ent) is not None or looks_like_person(ent):
        name = (index.canonical_for_span(ent) if ent.label_ == "PERSON" else None) \
            or index.resolve_person(ent.text) or index.resolve_person(strip_honorifics(ent.text))
        if name is None and ent.label_ == "PERSON":
            name = index.canonical_for_span(ent)
        return name or strip_honorifics(clean_surface(ent.text)), "PERSON"
    if ent.label_ in SPEAKER_SURNAME_MISLABELS and len(ent) == 1:
        # The small model tags surnames as organisations ("Nair told the BBC", "said
        # Campbell"); a one-word name that is the surname of a person in the article is
        # that person here, where it is who speaks or is spoken of.
        person = index.resolve_person(clean_surface(ent.text))
        if person is not None:
            return person, "PERSON"
    name = index.canonical_for_span(ent)
    if name is not None:
        return name, view.labels.get(name, ent.label_)
    person = index.resolve_person(ent.text)
    if person is not None:
        return person, "PERSON"
    return clean_surface(ent.text), ent.label_


def grouped_as_non_person(view: DocView, ent) -> tuple[str, str] | None:
    """(name, label) of a PERSON-tagged span that the article's entity index groups as no person.

    The small model tags an organisation PERSON in one sentence ("Acme is sure of its
    case, and "...," he said", after its lawyer spoke) while the index, which weighs all
    the article's mentions, knows it as an organisation; the article's label wins, so the
    span is no candidate for *he*/*she*.  A name after an honorific stays a person.
    """
    if ent.label_ != "PERSON" or honorific_before(view.doc, ent) is not None:
        return None
    name = view.index.canonical_for_span(ent)
    label = view.labels.get(name) if name else None
    if label is None or label == "PERSON":
        return None
    return name, label


def gender_of(view: DocView, name: str | None) -> str | None:
    return view.genders.get(name) if name else None

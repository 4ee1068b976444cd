"""Organisations named before a role only a company has (NLP round 4).

"Quillbay CEO Dana Moor", "Quillbay co-founder Dana Moor", "Quillbay's shareholders": a run of
capitalised words right before a company role word
(:data:`~transforms.nlp.lexicon.COMPANY_ROLE_WORDS`), with or without a possessive, is an
organisation, whatever the model tagged it, unless it is a person's name the article gives in
full elsewhere, follows a courtesy title, is a known place (a country has no CEO, but "US
shareholders" are shareholders in the US) or the model tagged it as a place, date or number.
"""
from __future__ import annotations

from spacy.attrs import LOWER
from spacy.tokens import Doc, Span

from transforms.nlp.entity_spans import POSSESSIVE_MARKS, entity_at, token_indexes
from transforms.nlp.entity_repairs import known_place_by_its_own_name
from transforms.nlp.entity_org_rules import is_org_name_token
from transforms.nlp.labels import NUMERIC_LABELS, ORG, PERSON, PLACE_LABELS, NORP
from transforms.nlp.lexicon import COMPANY_ROLE_WORDS, TITLE_WORDS
from transforms.nlp.person_names import is_courtesy_title

_MAX_WORDS = 4


def _name_word(token) -> bool:
    """A word of an organisation's name that is no title ("Quillbay", not "Chief")."""
    return is_org_name_token(token) and token.text.casefold() not in TITLE_WORDS


def company_role_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """ORG spans for the names before company role words (module docstring)."""
    ent_at = entity_at(ents)
    full_names = {ent.text for ent in ents if ent.label_ == PERSON and len(ent) >= 2}
    spans = []
    for role in token_indexes(doc, LOWER, COMPANY_ROLE_WORDS):
        if not doc[role].is_lower and not doc[role].text.isupper():
            continue                  # "Founder" opening a sentence or a title
        end = role
        if end > 0 and doc[end - 1].text in POSSESSIVE_MARKS:
            end -= 1
        start = end
        while start > 0 and end - start < _MAX_WORDS and _name_word(doc[start - 1]):
            start -= 1
        if start == end or (start > 0 and _name_word(doc[start - 1])):
            continue                  # no name, or a longer run than a name
        if start > 0 and is_courtesy_title(doc[start - 1].text):
            continue
        span = Span(doc, start, end, label=ORG)
        if span.text in full_names or known_place_by_its_own_name(span.text) is not None:
            continue
        labels = {ent_at[k].label_ for k in range(start, end) if k in ent_at}
        if labels & (PLACE_LABELS | NUMERIC_LABELS | {NORP}) or labels == {ORG}:
            continue
        if any(ent_at[k].start < start or ent_at[k].end > end for k in range(start, end) if k in ent_at):
            continue
        spans.append(span)
    return spans

"""Members of a list of organisations are organisations (NLP round 4).

Business and technology news name companies in lists ("Enter Lugg, Instacart, DoorDash and
Homejoy"; "driving for Uber or Lyft or Postmates"), and the small model tags the names it
knows as ORG and leaves the others untagged or calls them persons.  A list is one kind of
thing, so in a coordination (the parser's ``conj`` chain) with at least
:data:`MIN_ORG_MEMBERS` members labelled ORG and no member labelled otherwise, except what
this rule may change, the other members are organisations too:

* an untagged capitalised proper noun (with the proper nouns compounded to it), not an
  acronym, not after a determiner or possessive ("The Full Monty", "Apple's Safari");
* a one-word PERSON that is no part of a person's full name in the article and has no
  courtesy title ("Lugg", not "Rooney" next to "Wayne Rooney"), under the same conditions.

A member tagged as a place, a date, a number, a work or a full name keeps its label and makes
the list mixed, so nothing changes in it ("Apple, Google and Seattle").
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from transforms.nlp.doc_access import tokens_where
from transforms.nlp.entity_repairs import full_name_words
from transforms.nlp.entity_spans import entity_at
from transforms.nlp.labels import ORG, PERSON
from transforms.nlp.person_names import is_courtesy_title

MIN_ORG_MEMBERS = 2


def _list_roots(doc: Doc) -> list[int]:
    """Heads of the article's coordinations: climbing from each ``conj`` token (found in the
    Doc's arrays, a few per article) to the first head that is no conj itself."""
    roots = set()
    for token in tokens_where(doc, deps=("conj",)):
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        roots.add(token.i)
    return sorted(roots)


def _members(doc: Doc, root: int) -> list[int]:
    """Token indexes of the coordination rooted at ``root`` (the head and its conj chain)."""
    found, todo = [], [root]
    while todo:
        i = todo.pop()
        found.append(i)
        todo.extend(child.i for child in doc[i].children if child.dep_ == "conj")
    return sorted(found)


def _could_be_a_company(token) -> bool:
    """Capitalised, no acronym (in a list as often a format or product: "XML, JSON"), with no
    determiner or possessive (a title, "The Full Monty"; what a company owns, "Apple's Safari")."""
    return token.text[:1].isupper() and not token.text.isupper() \
        and not any(child.dep_ in ("det", "poss") for child in token.children)


def _untagged_name(doc: Doc, i: int, tagged: set[int]) -> Span | None:
    """The untagged proper name around token ``i``: the token and its proper-noun compounds."""
    token = doc[i]
    if token.pos_ != "PROPN" or i in tagged or not _could_be_a_company(token):
        return None
    start = min([i] + [c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"])
    if any(k in tagged or not doc[k].text[:1].isupper() for k in range(start, i + 1)):
        return None
    return Span(doc, start, i + 1, label=ORG)


def list_member_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """ORG spans for the members of lists of organisations (module docstring)."""
    ent_at = entity_at(ents)
    tagged = set(ent_at)
    person_words = full_name_words(ents, with_initials=True)
    spans = []
    for root in _list_roots(doc):
        orgs, changes, mixed = 0, [], False
        for i in _members(doc, root):
            ent = ent_at.get(i)
            if ent is None:
                span = _untagged_name(doc, i, tagged)
                if span is None:
                    continue          # a common noun in the list ("DoorDash and its drivers")
                changes.append(span)
            elif ent.label_ == ORG:
                orgs += 1
            elif ent.label_ == PERSON and len(ent) == 1 and ent.text not in person_words \
                    and _could_be_a_company(doc[ent.start]) \
                    and not (ent.start > 0 and is_courtesy_title(doc[ent.start - 1].text)):
                changes.append(Span(doc, ent.start, ent.end, label=ORG))
            else:
                mixed = True
        if orgs >= MIN_ORG_MEMBERS and not mixed:
            spans.extend(changes)
    return spans

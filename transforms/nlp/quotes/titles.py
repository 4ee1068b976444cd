"""Titles and role descriptions attached to people: "US President X", "the Russian leader".

A ``Title`` is a title's words with its place/party qualifiers; ``Title.fulfils`` says
whether a person's title answers a definite description ("the Russian president").
"""
from __future__ import annotations

from dataclasses import dataclass

from transforms.nlp.lexicon import (DISTINGUISHING_MODIFIERS, INCIDENTAL_MODIFIERS, OFFICE_NOUNS,
                                    QUALIFIER_ALIASES, TITLE_LINK_WORDS, TWO_WORD_OFFICES)
from transforms.nlp.quotes.names import read_honorific


def _qualifiers_compatible(one: str, other: str) -> bool:
    """Whether two place/party qualifiers can name the same thing (Russia/Russian, US/American)."""
    one, other = one.lower(), other.lower()
    if one == other or (len(one) >= 4 and len(other) >= 4 and one[:4] == other[:4]):
        return True
    return any(one in group and other in group for group in QUALIFIER_ALIASES)


def _role_key(words: list[str]) -> set[str]:
    """Office names in a list of lower-cased title words, including two-word offices."""
    keys = set(words)
    joined = " ".join(words)
    for office in TWO_WORD_OFFICES:
        if office in joined:
            keys.add(office)
    return keys


@dataclass
class Title:
    """A title or description attached to a person: its words and place/party qualifiers."""

    words: list[str]
    qualifiers: list[str]
    required: tuple[str, ...] = ()     # a description's modifiers the title must also have


    def offices(self) -> set[str]:
        return _role_key(self.words)

    def fulfils(self, wanted: frozenset[str], description: Title) -> bool:
        if not (self.offices() & wanted):
            return False
        if not set(description.required) <= set(self.words):
            return False                 # "the foreign secretary" is not "Home Secretary X"
        mine = set(self.words) & DISTINGUISHING_MODIFIERS
        theirs = set(description.words) & DISTINGUISHING_MODIFIERS
        if mine != theirs:
            return False
        if self.qualifiers and description.qualifiers:
            return any(_qualifiers_compatible(a, b) for a in self.qualifiers for b in description.qualifiers)
        return True


def description_of(token) -> Title:
    """Words, place/party qualifiers and required modifiers of a description headed by ``token``."""
    words, qualifiers, required = [token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_], [], []
    for child in token.children:
        if child.dep_ in ("amod", "compound", "nmod", "poss") and child.i < token.i:
            if child.ent_type_ or child.pos_ == "PROPN":
                qualifiers.append(child.text.rstrip("'’s") if child.dep_ == "poss" else child.text)
            elif child.lower_ not in INCIDENTAL_MODIFIERS:
                required.append(child.lower_)
            words.append(child.lower_)
    return Title(words=words, qualifiers=qualifiers, required=tuple(required))


def title_before(doc, ent) -> Title | None:
    """Title words written just before a name: 'US President Joe Biden', 'Foreign Secretary Liz Truss'."""
    words, qualifiers = [], []
    i = ent.start - 1
    while i >= 0 and ent.start - i <= 6:
        token = doc[i]
        low = token.lower_.rstrip(".")
        if read_honorific(low) is not None and low not in OFFICE_NOUNS:
            i -= 1
            continue
        if token.pos_ in ("PROPN", "NOUN", "ADJ") and not token.is_space:
            if token.ent_type_ in ("GPE", "NORP", "LOC", "ORG") and token.ent_type_ != "PERSON":
                qualifiers.append(token.text)
            words.append(token.lemma_.lower() if token.pos_ == "NOUN" else low)
        elif low not in TITLE_LINK_WORDS:
            break
        i -= 1
    words.reverse()
    qualifiers.reverse()
    return Title(words, qualifiers) if words else None


def appositive_titles(ent) -> list[Title]:
    """'Admiral Sir Tony Radakin, the head of ...' and 'The Shadow Secretary ..., Theresa May,'."""
    root, titles = ent.root, []
    related = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        related.append(root.head)
    for token in related:
        if token.pos_ in ("NOUN", "PROPN") and token.ent_type_ != "PERSON":
            titles.append(description_of(token))
    return titles

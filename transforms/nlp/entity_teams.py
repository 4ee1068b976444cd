"""Sports teams by nickname (rule 4 of :mod:`transforms.nlp.entity_rules`).

**Sports teams by nickname** (:data:`~transforms.nlp.gazetteers.TEAM_NICKNAMES`): a
nickname is a team in an article that shows it as one at least once -- after a place
("Buffalo Sabres", one ORG span with the place) or before a sports role ("Wild coach
Bruce Boudreau", "Sabres center") -- and then every capitalised mention of it is an ORG
("the Wild", "a dagger for the Sabres").  Without such a sign a nickname stays a word
("the Heat wave", "Senators voted").
"""
from __future__ import annotations

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import known_place_by_its_own_name
from transforms.nlp.entity_spans import token_indexes
from transforms.nlp.gazetteers import TEAM_NICKNAMES
from transforms.nlp.labels import ORG
from transforms.nlp.lexicon import SPORTS_ROLE_NOUNS


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
    """every capitalised mention of a nickname the article shows as a team's."""
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

"""Interviews and hearings written up as alternating turns (NLP round 5).

A broadcast interview or a hearing is often written up as paragraphs that alternate between
the one asking and the one answering, without a reporting verb in every paragraph:

    Pollard told the station's Ingrid Vance that ...
    "If you look at the numbers, ...," Vance pressed.
    "On the man," Vance said.
    "I don't think it is ever a matter of personality."        <- Pollard answers

The *exchange* is read from the narration: pairs of one person asking and one answering
(:func:`exchange_pairs`) -- the subject and object of a verb of asking (``Quayle asked
Pollard``, ``Vance pressed Pollard``), the object and subject of *tell* (``Pollard told
CNN's Ingrid Vance``), or *in an interview with* (``Pollard, in an interview with Vance,
said``: Vance asks).  A quotation paragraph with no frame of its own that comes right after
the asker's turn, in the next paragraph, and is no question (it does not end in "?") is the
answerer's turn (:func:`answer_turn_speaker`).  Anything else stays with the follow-on rule
(the speaker continuing), so a quotation that goes on in the same paragraph, or a question
the asker adds in a paragraph of its own, remains the asker's.
"""
from __future__ import annotations

from spacy.attrs import LEMMA

from transforms.nlp.entity_spans import token_indexes
from transforms.nlp.lexicon import ASKING_VERBS, INTERVIEW_NOUNS
from transforms.nlp.quotes.cue_subjects import cue_subject
from transforms.nlp.quotes.doc_view import DocView, Quote, Speaker
from transforms.nlp.quotes.resolution import resolve_token

# Dependencies of a verb's objects: the one asked, or the one told ("told him", "told CNN's X").
_OBJECT_DEPS = ("dobj", "dative")
# The marks that may close a question turn after its question mark.
_CLOSING = "\"'”’»"


def _conjuncts(token) -> list:
    """A token and the tokens coordinated with it ("John Berman and Poppy Harlow")."""
    found, todo = [], [token]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(c for c in current.children if c.dep_ == "conj")
    return found


def _person(view: DocView, token) -> Speaker | None:
    speaker = resolve_token(view, token)
    return speaker if speaker is not None and speaker.name and speaker.label == "PERSON" else None


def exchange_pairs(view: DocView) -> dict[str, Speaker]:
    """Asker's name -> the person they question, read from the narration outside quotations
    (module docstring); the latest pair wins.  Computed once per article, when a quotation
    first asks for it."""
    if view.exchanges is not None:
        return view.exchanges
    pairs: dict[str, Speaker] = {}
    doc = view.doc
    for i in token_indexes(doc, LEMMA, ASKING_VERBS | {"tell"} | INTERVIEW_NOUNS):
        token = doc[i]
        if view.owner[i] >= 0:
            continue
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and (lemma in ASKING_VERBS or lemma == "tell"):
            subject = cue_subject(view, token)
            first = _person(view, subject) if subject is not None else None
            if first is None:
                continue
            for obj in (c for c in token.children if c.dep_ in _OBJECT_DEPS):
                for other in _conjuncts(obj):
                    second = _person(view, other)
                    if second is None or second.name == first.name:
                        continue
                    asker, answerer = (first, second) if lemma in ASKING_VERBS else (second, first)
                    pairs[asker.name] = answerer
        elif token.pos_ == "NOUN" and lemma in INTERVIEW_NOUNS:
            _interview_with(view, token, pairs)
    view.exchanges = pairs
    return pairs


def _interview_with(view: DocView, noun, pairs: dict[str, Speaker]) -> None:
    """``Pollard said in an interview with Vance``: Vance asks, the subject of the verb the
    interview belongs to answers."""
    verb = noun
    while verb.pos_ != "VERB" and verb.head is not verb:
        verb = verb.head
    if verb.pos_ != "VERB":
        return
    subject = cue_subject(view, verb)
    answerer = _person(view, subject) if subject is not None else None
    if answerer is None:
        return
    for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "with"):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            for other in _conjuncts(obj):
                asker = _person(view, other)
                if asker is not None and asker.name != answerer.name:
                    pairs[asker.name] = answerer


def answer_turn_speaker(view: DocView, quote: Quote) -> Speaker | None:
    """Who answers in a frameless quotation paragraph right after an asker's turn (module
    docstring), else None."""
    if quote.text.rstrip(_CLOSING)[-1:] == "?" or quote.paragraph == 0 or not view.opens_paragraph(quote):
        return None
    number = view.quotes.index(quote)
    if number == 0:
        return None
    previous = view.quotes[number - 1]
    if previous.paragraph != quote.paragraph - 1 or previous.speaker is None or not previous.speaker.name:
        return None
    answerer = exchange_pairs(view).get(previous.speaker.name)
    if answerer is None or answerer.name == previous.speaker.name:
        return None
    return Speaker(answerer.name, answerer.label, "follow-on", answerer.gender)

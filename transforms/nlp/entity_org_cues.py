"""Organisations known by what the text has them do, named the same way in every mention.

Two cues make a name an organisation's, whatever the model tagged it:

* **A sports result**: the two sides around a result verb and before a score ("Vale
  Formoso beat Estrela do Norte 2-1"; :data:`~transforms.nlp.lexicon.RESULT_VERBS`), the
  winner also as the subject of the clause ("Arroyo reached the final, beating Salto 4-3",
  "Zumarra, who beat Lira 2-0").  A side is a run of capitalised words (with lower-case name
  particles inside: "do", "de", "la").  Sides that read as people (tennis, boxing) are left
  alone: full names, words of the article's full names, names after a title, set scores.
* **A written statement**: a name that says something "in a statement" or "in a release", or
  that a statement is "from" ("Etxeberria said in a statement", "a statement from Corvo Azul"),
  when it does not read as a person: one word that is no part of a person's name in the
  article, has no courtesy title and is no known place, or a name the model already tagged ORG.

One label per name: every other mention of a name found this way, written the same and not
part of a longer name, is an ORG too -- except after *in* or *near*, where a side named after
its town is the town.
"""
from __future__ import annotations

import re

from spacy.attrs import LOWER, ORTH
from spacy.tokens import Doc, Span

from transforms.nlp.entity_repairs import full_name_words, is_name_word, known_place_by_its_own_name, name_run, reads_as_person_name
from transforms.nlp.entity_spans import entity_at, token_indexes
from transforms.nlp.labels import ORG, PERSON
from transforms.nlp.lexicon import (CLUB_NAME_PARTICLES, PERSON_SUBJECT_VERBS, RESULT_VERBS,
                                    STATEMENT_NOUNS)
from transforms.nlp.person_names import is_courtesy_title

# A score after the losing side; set scores after it ("6-4, 6-3") are an individual sport's.
_SCORE_AFTER = re.compile(r"[^\S\n]*\d{1,3}[-–]\d{1,3}\b(?![^\S\n]*,[^\S\n]*\d{1,3}[-–]\d)")
_MAX_SIDE_WORDS = 4
_PLACE_PREPOSITIONS = frozenset({"in", "near"})


def _side_token(token) -> bool:
    return token.text[:1].isupper() and token.is_alpha and token.pos_ in ("PROPN", "NOUN", "ADJ")


def _side_after(doc: Doc, start: int) -> int | None:
    """End of the side's name that starts at ``start``, or None."""
    end = start
    while end < len(doc) and end - start < _MAX_SIDE_WORDS:
        if _side_token(doc[end]):
            end += 1
        elif doc[end].lower_ in CLUB_NAME_PARTICLES and doc[end].is_lower and end > start \
                and end + 1 < len(doc) and _side_token(doc[end + 1]):
            end += 1
        else:
            break
    return end if end > start else None


def _side_before(doc: Doc, end: int) -> int | None:
    """Start of the side's name that ends at ``end``, or None."""
    start = end
    while start > 0 and end - start < _MAX_SIDE_WORDS:
        before = doc[start - 1]
        if _side_token(before):
            start -= 1
        elif before.lower_ in CLUB_NAME_PARTICLES and before.is_lower and start < end \
                and start > 1 and _side_token(doc[start - 2]):
            start -= 1
        else:
            break
    return start if start < end else None


def _subject_side(doc: Doc, verb) -> tuple[int, int] | None:
    """The winning side when it is not written right before the verb: the subject of the clause
    the verb's participle hangs on ("X reached the final, beating Y 4-3") or the name a relative
    clause is about ("Z, who beat W 2-0")."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects and subjects[0].lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
        subject = verb.head
    elif not subjects and verb.dep_ in ("advcl", "conj", "xcomp"):
        subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
        subject = subjects[0] if subjects else None
    else:
        return None
    if subject is None or not _side_token(subject):
        return None
    start = _side_before(doc, subject.i + 1)
    return (start, subject.i + 1) if start is not None else None


def _score_after(doc: Doc, end: int) -> bool:
    """A score follows the side that ends at ``end`` (read from the few tokens after it, not
    from the whole text, which the repairs would otherwise build for every article)."""
    return _SCORE_AFTER.match(doc[end - 1].whitespace_ + doc[end:end + 8].text) is not None


def _result_sides(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of both sides of every "X beat Y 2-1" in the doc."""
    sides = []
    for i in token_indexes(doc, LOWER, RESULT_VERBS):
        if not doc[i].is_lower or i + 1 >= len(doc):
            continue
        end = _side_after(doc, i + 1)
        if end is None or end >= len(doc) or not _score_after(doc, end):
            continue
        sides.append((i + 1, end))
        start = _side_before(doc, i)
        if start is not None:
            sides.append((start, i))
        else:
            side = _subject_side(doc, doc[i])
            if side is not None:
                sides.append(side)
    return sides


def _reads_as_person(doc: Doc, start: int, end: int, ents: list[Span], person_words: set[str]) -> bool:
    """A side that is a person (tennis, boxing, snooker): inside a full name the model tagged
    PERSON, two or three untagged words that read as a person's name, one word of a full name
    of the article, or a name after a courtesy title."""
    touching = [ent for ent in ents if ent.start < end and start < ent.end]
    if any(ent.label_ == PERSON and sum(is_name_word(t) for t in ent) >= 2 for ent in touching):
        return True
    if not touching and end - start >= 2 and reads_as_person_name([t.text for t in doc[start:end]]):
        return True
    if end - start == 1 and (doc[start].text in person_words or _after_a_first_name_elsewhere(doc, start)):
        return True
    return start > 0 and is_courtesy_title(doc[start - 1].text)


def _after_a_first_name_elsewhere(doc: Doc, i: int) -> bool:
    """The word at ``i`` is written elsewhere right after a name word, the two reading as a
    person's name ("Rafael Nadal" before "Nadal beat ...")."""
    word = doc[i].text
    return any(k != i and k > 0 and is_name_word(doc[k - 1]) and reads_as_person_name([doc[k - 1].text, word])
               for k in token_indexes(doc, ORTH, (word,)))


def _statement_makers(doc: Doc, ents: list[Span], person_words: set[str]) -> list[tuple[int, int]]:
    """(start, end) of names that speak "in a statement" or that a statement is "from"."""
    ent_at = entity_at(ents)
    found = []
    for i in token_indexes(doc, LOWER, STATEMENT_NOUNS):
        noun = doc[i]
        prep = noun.head
        if prep.lower_ == "in" and prep.head.lemma_.casefold() in PERSON_SUBJECT_VERBS:
            subjects = [c for c in prep.head.children if c.dep_ == "nsubj"]
        else:
            subjects = [c for c in noun.children if c.lower_ == "from" and c.dep_ == "prep"]
            subjects = [g for c in subjects for g in c.children if g.dep_ == "pobj"]
        for subject in subjects:
            if not is_name_word(subject):
                continue
            ent = ent_at.get(subject.i)
            start, end = (ent.start, ent.end) if ent is not None else (subject.i, subject.i + 1)
            if doc[start].lower_ == "the":
                start += 1
            if start > 0 and is_courtesy_title(doc[start - 1].text):
                continue
            run_start = start
            while run_start > 0 and is_name_word(doc[run_start - 1]):
                run_start -= 1
            run_end, words = name_run(doc, run_start)
            if run_end - run_start >= 2 and reads_as_person_name(words):
                continue                      # "Ana Souza said in a statement": a person
            one_word = end - start == 1
            if one_word and known_place_by_its_own_name(doc[start].text) is not None:
                continue                      # "Tottenham said": the model knows places better
            if (one_word and doc[start].text not in person_words) or (ent is not None and ent.label_ == ORG):
                found.append((start, end))
    return found


def organisation_cue_spans(doc: Doc, ents: list[Span]) -> tuple[list[Span], list[Span]]:
    """ORG spans of the names the cues of the module docstring show, and of their other mentions.

    The first list replaces every span it touches (the model often runs a side into the score:
    "Norte 2-1" as a PERSON); the second, the other mentions, only spans inside it."""
    person_words = full_name_words(ents)
    shown = [(start, end) for start, end in _result_sides(doc)
             if not _reads_as_person(doc, start, end, ents, person_words)]
    shown += _statement_makers(doc, ents, person_words)
    if not shown:
        return [], []
    names = {tuple(t.text for t in doc[start:end]) for start, end in shown}
    cued = sorted({Span(doc, start, end, label=ORG) for start, end in shown}, key=lambda span: span.start)
    spans = []
    for first in token_indexes(doc, ORTH, {name[0] for name in names}):
        for name in names:
            end = first + len(name)
            if end > len(doc) or tuple(t.text for t in doc[first:end]) != name:
                continue
            if (first > 0 and (is_name_word(doc[first - 1]) or doc[first - 1].lower_ in _PLACE_PREPOSITIONS)) \
                    or (end < len(doc) and is_name_word(doc[end])):
                continue
            spans.append(Span(doc, first, end, label=ORG))
    return cued, sorted(set(spans) - set(cued), key=lambda span: (span.start, -span.end))

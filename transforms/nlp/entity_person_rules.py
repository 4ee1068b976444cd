"""Full names that stay whole (rule 5 of :mod:`transforms.nlp.entity_rules`).

A full name the model tagged ORG is a person's when the text gives a person's cue: ", who"
or an age in apposition (:func:`cued_person_spans`).

**Full names that stay whole**: an untagged first name and surname ("Hours before Zach
Parise's goals") whose surname the article tags PERSON, or writes after a courtesy title,
elsewhere is a PERSON (not after a quotation mark), so the person is found by the full
name the article gives; so is an untagged full name that is the subject of a speech verb
("said Alasdair Kinnear-Mowbray"), and the untagged surname of a full name of the
article standing alone as a proper noun ("Adeyemi, a baker, ...") or next to a speech
verb ('"...," says Early', where "Early" reads as an adverb).
"""
from __future__ import annotations

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from transforms.nlp.doc_access import tokens_where
from transforms.nlp.entity_repairs import (is_name_word, known_place_by_its_own_name, name_run,
                                           reads_as_first_name, reads_as_person_name)
from transforms.nlp.entity_spans import entity_at, token_indexes
from transforms.nlp.gazetteers import KNOWN_ORGANISATIONS
from transforms.nlp.labels import ORG, PERSON
from transforms.nlp.lexicon import CALENDAR_WORDS, COURTESY_TITLES, PERSON_SUBJECT_VERBS
from transforms.nlp.person_names import NAME_SHAPE, is_courtesy_title


def completed_person_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """untagged "Zach Parise" when "Parise" is tagged PERSON (or written after a
    courtesy title, "Mr Parise", whatever its label) elsewhere; an untagged full name that
    says something ("said Alasdair Kinnear-Mowbray"); and the untagged surname of a full
    name of the article standing alone as a proper noun, or next to a speech verb ('says
    Early', which the parser may read as an adverb)."""
    tagged = set(entity_at(ents))
    spans = _speaking_full_names(doc, tagged)
    for span in spans:
        tagged.update(range(span.start, span.end))
    surnames = {ent[-1].text for ent in list(ents) + spans if NAME_SHAPE.fullmatch(ent[-1].text) and (
        ent.label_ == PERSON or (ent.start > 0 and is_courtesy_title(doc[ent.start - 1].text)))}
    if not surnames:
        return spans
    full_name_surnames = {ent[-1].text for ent in list(ents) + spans if ent.label_ == PERSON and len(ent) >= 2}
    for i in token_indexes(doc, ORTH, full_name_surnames):
        if i in tagged or (i > 0 and is_name_word(doc[i - 1])) or (i + 1 < len(doc) and is_name_word(doc[i + 1])):
            continue
        # "Adeyemi, a baker from Ayr, ..." after "Ruth Adeyemi"; '"...," says Early.' (Early as an adverb)
        if (is_name_word(doc[i]) and (i == 0 or doc[i - 1].lower_ != "the")) or _next_to_speech_verb(doc, i):
            spans.append(Span(doc, i, i + 1, label=PERSON))
            tagged.add(i)
    for after in token_indexes(doc, ORTH, surnames):
        surname = _word_start(doc, after)
        i = surname - 1
        if i < 0 or any(k in tagged for k in range(i, after + 1)):
            continue
        token = doc[i]
        if not is_name_word(token) or token.text.casefold() in COURTESY_TITLES \
                or token.lower_ in CALENDAR_WORDS or not reads_as_first_name(token.text):
            continue
        if i > 0 and (is_name_word(doc[i - 1]) or doc[i - 1].is_quote):
            continue  # a longer run of names, or a title or caption ("Welcome Jose")
        spans.append(Span(doc, i, after + 1, label=PERSON))
    return spans


def _next_to_speech_verb(doc: Doc, i: int) -> bool:
    """Token ``i`` stands right after or right before a speech or thinking verb ("says Early",
    "Early says")."""
    return any(0 <= k < len(doc) and doc[k].pos_ == "VERB" and doc[k].lemma_.casefold() in PERSON_SUBJECT_VERBS
               for k in (i - 1, i + 1))


def _word_start(doc: Doc, i: int) -> int:
    """First token of the hyphenated word token ``i`` ends ("Kinnear-Mowbray" is three tokens)."""
    while i >= 2 and doc[i - 1].text in "-'’" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_ \
            and is_name_word(doc[i - 2]):
        i -= 2
    return i


def _speaking_full_names(doc: Doc, tagged: set[int]) -> list[Span]:
    """Untagged two or three name words that are the subject of a speech or thinking verb
    ("said Alasdair Kinnear-Mowbray", "Ishbel Quarrington explained"), read as a person's
    name (no title, organisation word or place) and not a known place."""
    spans = []
    for token in tokens_where(doc, deps=("nsubj",)):
        if token.i in tagged or not is_name_word(token) or token.head.lemma_.casefold() not in PERSON_SUBJECT_VERBS:
            continue
        start = token.i
        while start > 0 and (is_name_word(doc[start - 1]) or (doc[start - 1].text in "-'’" and start > 1
                                                                and not doc[start - 1].whitespace_)):
            start -= 1
        end, words = name_run(doc, start)
        if not start < token.i + 1 <= end or any(k in tagged for k in range(start, end)):
            continue
        if doc[start].is_quote or (start > 0 and doc[start - 1].is_quote and not doc[start - 1].is_right_punct):
            continue
        if reads_as_person_name(words) and known_place_by_its_own_name(doc[start:end].text) is None:
            spans.append(Span(doc, start, end, label=PERSON))
    return spans


_MAX_AGE = 120


def _person_cue_after(doc: Doc, end: int) -> bool:
    """A person's cue right after a name: ", who ..." (organisations take "which") or an age
    in apposition (", 45,")."""
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    after = doc[end + 1]
    if after.lower_ == "who":
        return True
    return after.like_num and after.text.isdigit() and 0 < int(after.text) <= _MAX_AGE \
        and end + 2 < len(doc) and doc[end + 2].text == ","


def cued_person_spans(doc: Doc, ents: list[Span]) -> list[Span]:
    """A full name the model tagged ORG that the text shows to be a person's: two or three name
    words, no organisation word, no known place and no well-known organisation, followed by
    ", who" or an age (", 45,"): 'said Kofi Boateng, who produced ...'.  Speaking is no cue:
    organisations say things too ("The Nordic Ice Survey said")."""
    spans = []
    for ent in ents:
        if ent.label_ != ORG or not 2 <= len(ent) <= 3 or not all(is_name_word(t) for t in ent):
            continue
        words = [t.text for t in ent]
        if ent.text in KNOWN_ORGANISATIONS or not reads_as_person_name(words) \
                or known_place_by_its_own_name(ent.text) is not None:
            continue
        if _person_cue_after(doc, ent.end):
            spans.append(Span(doc, ent.start, ent.end, label=PERSON))
    return spans

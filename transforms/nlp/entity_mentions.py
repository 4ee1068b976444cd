"""Entity mentions as the entity index reads them from a spaCy Doc, before grouping.

**Cleaning.**  A leading "the", a possessive "'s" (except in names such as
``McDonald's``), surrounding quotes and punctuation are trimmed and whitespace is
collapsed; the mention's offsets move with the trim.  Spans that cross a paragraph
break and spans of a name label with no letter in them are dropped as junk.  A
courtesy title written right before a name (``Mr``, ``Ms``, ``Dr``, ``Sir``,
``Lord``...), which the model leaves out of the span, is put back into the mention
(:func:`title_before`), so that forms show how the article refers to a person.
(The trimming itself is :func:`transforms.nlp.entity_text.trim_entity_text`.)
"""
from __future__ import annotations

from dataclasses import dataclass

from transforms.nlp.doc_access import doc_text
from transforms.nlp.entity_text import normalize_space, trim_entity_text
from transforms.nlp.labels import NUMERIC_LABELS, PERSON
from transforms.nlp.person_names import title_before


@dataclass(frozen=True)
class RawMention:
    """One cleaned entity mention, before grouping.

    ``start_char``/``end_char`` are offsets of the cleaned text in the body (or in the
    title when ``in_title``); ``span_start``/``span_end`` are the model's original span
    offsets, kept so :meth:`EntityIndex.canonical_for_span` finds untrimmed spans.
    ``subject_of`` is the lemma of the verb the mention is the nominal subject of
    ("said Campbell" -> "say"), or None.
    """
    text: str
    label: str
    start_char: int
    end_char: int
    in_title: bool = False
    span_start: int | None = None
    span_end: int | None = None
    subject_of: str | None = None


@dataclass
class MentionItem:
    """Working state of one mention while :func:`index_mentions` groups them."""
    raw: RawMention
    text: str
    label: str
    group: tuple | None = None


def raw_mentions(doc, in_title: bool, ents=None):
    """The mentions of ``doc``'s entity spans (``ents``: ``doc.ents`` when the caller has it already)."""
    text = doc_text(doc)  # Doc.text is built from the tokens on every access
    for ent in doc.ents if ents is None else ents:
        label = ent.label_
        kept = trim_entity_text(text[ent.start_char:ent.end_char], label)  # ent.text, without a Token per word
        if kept is None:
            continue
        start, end = ent.start_char + kept[0], ent.start_char + kept[1]
        if label == PERSON or (label not in NUMERIC_LABELS and " " not in text[start:end]):
            start = title_before(text, start)  # the model leaves "Mr" out of "Mr Putin"
        root = ent.root
        subject_of = root.head.lemma_.casefold() if root.dep_ == "nsubj" and root.head is not root else None
        written = text[start:end]
        if label == PERSON and ")" in written:
            written = written.replace("(", "").replace(")", "")  # "(Frank) Dalloway"
        yield RawMention(normalize_space(written), label, start, end, in_title,
                         ent.start_char, ent.end_char, subject_of)

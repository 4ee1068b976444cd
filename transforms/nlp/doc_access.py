"""Cheap reads of a spaCy Doc for the analysis after the parse.

Profiling the analysis (docs/benchmarks.md) showed most of its time was not our rules but
spaCy re-creating Python objects: ``Doc.text`` joins every token's text on each access
(entities, amounts and quotes each read it), and every ``for token in doc`` creates a
Token object per token, in loops that only care about a few of them.  These helpers read
the same information from the Doc's arrays instead.
"""
from __future__ import annotations

import numpy
from spacy.attrs import DEP, ENT_TYPE, IDX, POS
from spacy.parts_of_speech import IDS as POS_IDS

_TEXT_KEY = "news_ingest.text"


def doc_text(doc) -> str:
    """``doc.text``, built once per Doc (kept in ``doc.user_data``)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def token_starts(doc) -> list[int]:
    """Character offset of every token (``[t.idx for t in doc]``)."""
    return doc.to_array(IDX).tolist() if len(doc) else []


def tokens_where(doc, *, deps=(), ent_types=(), pos=()):
    """The tokens whose dependency label, entity type or coarse POS is one of those given, in order."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    # DEP and ENT_TYPE columns hold string hashes, POS the part-of-speech enum.
    wanted = [(column, [strings.add(value) for value in values]) for column, values in ((0, deps), (1, ent_types))
              if values] + ([(2, [POS_IDS[value] for value in pos])] if pos else [])
    columns = doc.to_array([DEP, ENT_TYPE, POS])
    keep = numpy.zeros(len(doc), dtype=bool)
    for column, ids in wanted:
        for value in ids:  # a few values: cheaper than numpy.isin's set-up
            keep |= columns[:, column] == value
    return [doc[i] for i in numpy.flatnonzero(keep).tolist()]


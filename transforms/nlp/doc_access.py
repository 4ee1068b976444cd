"""Cheap reads of a spaCy Doc for the analysis after the parse.

Profiling the analysis (docs/benchmarks.md) showed most of its time was not our rules but
spaCy re-creating Python objects: ``Doc.text`` joins every token's text on each access
(entities, amounts and quotes each read it), and every ``for token in doc`` creates a
Token object per token, in loops that only care about a few of them.  These helpers read
the same information from the Doc's arrays instead.
"""
from __future__ import annotations

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, POS
from spacy.lang.en.syntax_iterators import noun_chunks as english_noun_chunks
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


def appositions(doc) -> dict[int, list[int]]:
    """Token index -> the tokens in apposition with it: its ``appos`` dependents and, when it
    is an ``appos`` itself, its head.  A few tokens per article, found in the Doc's arrays
    instead of through every token's ``children``."""
    if not len(doc):
        return {}
    found: dict[int, list[int]] = {}
    for i in numpy.flatnonzero(doc.to_array(DEP) == doc.vocab.strings.add("appos")).tolist():
        head = doc[i].head.i
        if head != i:
            found.setdefault(head, []).append(i)
        found.setdefault(i, []).append(head)
    return found


def left_edges(heads: list[int]) -> list[int]:
    """``[t.left_edge.i for t in doc]`` from the absolute head of every token (a root heads itself).

    A token's left edge is the first token of its subtree.  Tokens are visited in order and
    each one marks itself as the left edge of its ancestors up to the first one already
    marked (an earlier token of that subtree marked it and all of its ancestors): each token
    is marked once.
    """
    edges = [-1] * len(heads)
    for j in range(len(heads)):
        node = j
        while edges[node] < 0:
            edges[node] = j
            head = heads[node]
            if head == node:
                break
            node = head
    return edges


# The dependency labels of a base noun phrase's head in spaCy's English noun-chunk rule
# (spacy/lang/en/syntax_iterators.py, spaCy 3.8), which noun_chunk_bounds reads from arrays.
_NP_LABELS = ("oprd", "nsubj", "dobj", "nsubjpass", "pcomp", "pobj", "dative", "appos", "attr", "ROOT")
_NOMINAL_POS = frozenset(POS_IDS[pos] for pos in ("NOUN", "PROPN", "PRON"))


def noun_chunk_bounds(doc) -> list[tuple[int, int]]:
    """``[(chunk.start, chunk.end) for chunk in doc.noun_chunks]``.

    For English, spaCy's rule runs on Token objects (a Token for every word, its head and
    its left edge); here the same rule runs on the Doc's arrays.  Other languages, and docs
    without a parse (where spaCy raises), go through ``doc.noun_chunks``.
    """
    n = len(doc)
    if doc.noun_chunks_iterator is not english_noun_chunks or not n or not doc.has_annotation("DEP"):
        return [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
    strings = doc.vocab.strings
    np_deps = {strings.add(label) for label in _NP_LABELS}
    conj = strings.add("conj")
    pos_dep = doc.to_array([POS, DEP]).tolist()
    heads = (doc.to_array(HEAD).astype("int64") + numpy.arange(n)).tolist()  # HEAD is relative
    edges = left_edges(heads)
    bounds, prev_end = [], -1
    for i, (pos, dep) in enumerate(pos_dep):
        if pos not in _NOMINAL_POS or edges[i] <= prev_end:  # no nested chunks
            continue
        if dep not in np_deps:
            if dep != conj:
                continue
            head = heads[i]
            while pos_dep[head][1] == conj and heads[head] < head:
                head = heads[head]
            if pos_dep[head][1] not in np_deps:  # coordinated to a noun phrase: one too
                continue
        prev_end = i
        bounds.append((edges[i], i + 1))
    return bounds

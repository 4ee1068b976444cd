"""Cheap reads of a spaCy Doc for the analysis after the parse.

Profiling the analysis (docs/benchmarks.md) showed most of its time was not our rules but
spaCy re-creating Python objects: ``Doc.text`` joins every token's text on each access
(entities, amounts and quotes each read it), and every ``for token in doc`` creates a
Token object per token, in loops that only care about a few of them.  These helpers read
the same information from the Doc's arrays instead.
"""
from __future__ import annotations

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, ORTH, POS, SENT_START, SPACY
from spacy.lang.en.syntax_iterators import noun_chunks as english_noun_chunks
from spacy.parts_of_speech import IDS as POS_IDS

_TEXT_KEY = "news_ingest.text"
_WORDS_KEY = "news_ingest.words"


def token_texts(doc) -> list[str]:
    """Every token's text (``[t.text for t in doc]``), built once per Doc (kept in ``doc.user_data``).

    Read from the ORTH column, each distinct string looked up once: a Token object per
    word, or a ``StringStore`` lookup per word, cost about twice as much.
    """
    words = doc.user_data.get(_WORDS_KEY)
    if words is None:
        if not len(doc):
            words = []
        else:
            distinct, which = numpy.unique(doc.to_array(ORTH), return_inverse=True)
            strings = doc.vocab.strings
            table = [strings[value] for value in distinct.tolist()]
            words = [table[k] for k in which.tolist()]
        doc.user_data[_WORDS_KEY] = words
    return words


def doc_text(doc) -> str:
    """``doc.text``, built once per Doc (kept in ``doc.user_data``): every token's text and,
    when a space follows it, that space (``Token.text_with_ws``)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        spaced = doc.to_array(SPACY).tolist() if len(doc) else []
        text = doc.user_data[_TEXT_KEY] = "".join([word + " " if space else word
                                                    for word, space in zip(token_texts(doc), spaced)])
    return text


def token_starts(doc) -> list[int]:
    """Character offset of every token (``[t.idx for t in doc]``)."""
    return doc.to_array(IDX).tolist() if len(doc) else []


def sentence_starts(doc) -> list[int]:
    """For every token, the index of the first token of its sentence (``token.sent.start``).

    As spaCy's ``Span.sent`` does without a sentence hook: the nearest token at or before
    it marked as a sentence start, else the first token.
    """
    if not len(doc):
        return []
    if doc.user_hooks or doc.user_token_hooks or doc.user_span_hooks or not doc.has_annotation("SENT_START"):
        return [token.sent.start for token in doc]    # spaCy's own answer (or its error)
    starts, current = [], 0
    for i, flag in enumerate(doc.to_array(SENT_START).tolist()):
        if flag == 1:
            current = i
        starts.append(current)
    return starts


def absolute_heads(doc) -> list[int]:
    """The index of every token's head (a root heads itself); the HEAD column is relative."""
    return (doc.to_array(HEAD).astype("int64") + numpy.arange(len(doc))).tolist() if len(doc) else []


def ancestor_count(heads: list[int], i: int) -> int:
    """How many ancestors token ``i`` has (``sum(1 for _ in token.ancestors)``), from
    ``absolute_heads``; bounded by the number of tokens, as spaCy bounds it."""
    steps, node = 0, i
    while heads[node] != node and steps < len(heads):
        node = heads[node]
        steps += 1
    return steps


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
    heads = absolute_heads(doc)
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

"""Span helpers shared by the entity rules (:mod:`transforms.nlp.entity_rules`)."""
from __future__ import annotations

import numpy
from spacy.tokens import Doc, Span

# A possessive written as its own token: "'s" after a name, "'" after one ending in s.
POSSESSIVE_MARKS = ("'s", "’s", "'", "’")


def token_indexes(doc: Doc, attr: int, texts) -> list[int]:
    """Indexes of the tokens whose ``attr`` (ORTH, LOWER) is one of ``texts``, in order, read
    from the Doc's arrays: creating a Token per token for rules that look at a few was most
    of their time."""
    if not len(doc):
        return []
    wanted = _string_ids(doc.vocab.strings, texts)
    values, order = _sorted_column(doc, attr)
    # Binary searches in the column sorted once per Doc: the rules ask ~10 times per article,
    # and a pass over every token per question was ~7 % of the analysis after the parse
    # (issue 10, round 4).
    starts = numpy.searchsorted(values, wanted, side="left")
    ends = numpy.searchsorted(values, wanted, side="right")
    found = [order[start:end] for start, end in zip(starts.tolist(), ends.tolist()) if end > start]
    if not found:
        return []
    return sorted(numpy.concatenate(found).tolist())


_SORTED_KEY = "news_ingest.sorted_column"


def _sorted_column(doc: Doc, attr: int):
    """(the column ``attr`` sorted, the token index of each sorted value), built once per Doc
    and attribute (kept in ``doc.user_data``).  Word attributes do not change after the
    tokenizer (the analysis never retokenizes), so the cache cannot go stale."""
    key = f"{_SORTED_KEY}.{attr}.{len(doc)}"
    cached = doc.user_data.get(key)
    if cached is None:
        column = doc.to_array(attr)
        order = numpy.argsort(column, kind="stable")
        cached = doc.user_data[key] = (column[order], order)
    return cached


# Word list (a constant frozenset or tuple) -> the string ids of its words, sorted, computed
# once: a string's id is a hash of the string, the same in every StringStore.
_STRING_IDS: dict = {}


def _string_ids(strings, texts):
    if not isinstance(texts, (frozenset, tuple)):
        return _id_array(strings, texts)
    ids = _STRING_IDS.get(texts)
    if ids is None:
        ids = _id_array(strings, texts)
        if len(_STRING_IDS) < 256:  # module word lists; a caller's per-article tuples are not kept
            _STRING_IDS[texts] = ids
    return ids


def _id_array(strings, texts):
    return numpy.unique(numpy.fromiter((strings.add(text) for text in texts), dtype=numpy.uint64))


def entity_at(ents: list[Span]) -> dict[int, Span]:
    """Token index -> the entity span covering it: the map every entity rule reads its
    spans through (its keys are the tagged tokens)."""
    return {i: ent for ent in ents for i in range(ent.start, ent.end)}


def overlay(ents: list[Span], added: list[Span], replace_overlapping: bool = False) -> list[Span]:
    """``ents`` with each added span in, replacing the spans it covers; an added span that
    would cut a span sticking out of it (or an earlier added one) is dropped, unless
    ``replace_overlapping``, when every span it touches goes."""
    kept = list(ents)
    for span in added:
        overlapping = [ent for ent in kept if ent.start < span.end and span.start < ent.end]
        if not replace_overlapping and any(ent.start < span.start or ent.end > span.end for ent in overlapping):
            continue
        if len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end, overlapping[0].label_) == \
                (span.start, span.end, span.label_):
            continue
        kept = [ent for ent in kept if ent not in overlapping] + [span]
    return sorted(kept, key=lambda ent: ent.start)

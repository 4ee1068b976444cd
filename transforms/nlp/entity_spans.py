"""Span helpers shared by the entity rules (:mod:`transforms.nlp.entity_rules`)."""
from __future__ import annotations

from spacy.tokens import Doc, Span

# A possessive written as its own token: "'s" after a name, "'" after one ending in s.
POSSESSIVE_MARKS = ("'s", "’s", "'", "’")


def token_indexes(doc: Doc, attr: int, texts) -> list[int]:
    """Indexes of the tokens whose ``attr`` (ORTH, LOWER) is one of ``texts``, read from the
    Doc's arrays: creating a Token per token for rules that look at a few was most of their time."""
    if not len(doc):
        return []
    wanted = _string_ids(doc.vocab.strings, texts)
    # A set lookup per token: numpy.isin's set-up (it sorts both arrays) cost ~0.6 ms a call,
    # ~30 % of the entity repairs (docs/benchmarks.md, issue 10 round 3).
    return [i for i, value in enumerate(doc.to_array(attr).tolist()) if value in wanted]


# Word list (a constant frozenset or tuple) -> the string ids of its words, computed once:
# a string's id is a hash of the string, the same in every StringStore.
_STRING_IDS: dict = {}


def _string_ids(strings, texts) -> frozenset[int]:
    if not isinstance(texts, (frozenset, tuple)):
        return frozenset(strings.add(text) for text in texts)
    ids = _STRING_IDS.get(texts)
    if ids is None:
        ids = frozenset(strings.add(text) for text in texts)
        if len(_STRING_IDS) < 256:  # module word lists; a caller's per-article tuples are not kept
            _STRING_IDS[texts] = ids
    return ids


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

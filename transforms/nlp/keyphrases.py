"""Keyphrases: the article's most salient noun phrases.

A simple, explainable ranking that works on one article at a time (no corpus
statistics needed, so it runs the same in batch and streaming): candidates are
spaCy noun chunks with leading determiners, pronouns and stop words trimmed;
a phrase scores by how often its normalised form occurs, boosted for multi-word
phrases and for phrases that also appear in the title.  Phrases made only of stop
words, numbers, pronouns or names (names are entities, reported separately) are
never candidates, and a one-word phrase that is the head of a better-ranked longer
phrase is not repeated ("guarantees" after "security guarantees").
"""
from __future__ import annotations

from collections import Counter

from spacy.attrs import IDX, IS_STOP, LEMMA, POS
from spacy.parts_of_speech import IDS as POS_IDS

from transforms.nlp.doc_access import doc_text, noun_chunk_bounds, token_texts

MAX_KEYPHRASES = 10
MAX_PHRASE_TOKENS = 5
# Parts of speech that may not open or close a keyphrase.
_EDGE_POS = {"DET", "PRON", "ADP", "CCONJ", "PART", "PUNCT", "NUM", "SYM", "SPACE", "AUX"}
_EDGE_POS_IDS = frozenset(POS_IDS[pos] for pos in _EDGE_POS)
_NOUN = POS_IDS["NOUN"]


def keyphrase_candidates(doc):
    """Yield (key, surface) for every usable noun chunk in ``doc``.

    A chunk loses determiners, pronouns, stop words and punctuation at both edges; its key
    is its lower-cased words with nouns as lemmas (so 'missiles' = 'missile').  Read from
    the Doc's arrays: a Token object per word was most of the keyphrases' time.
    """
    bounds = noun_chunk_bounds(doc)
    if not bounds:
        return
    strings = doc.vocab.strings
    rows = doc.to_array([POS, IS_STOP, LEMMA, IDX]).tolist()
    texts, text = token_texts(doc), doc_text(doc)
    for start, end in bounds:
        while start < end and (rows[start][0] in _EDGE_POS_IDS or rows[start][1]):
            start += 1
        while end > start and (rows[end - 1][0] in _EDGE_POS_IDS or rows[end - 1][1]):
            end -= 1
        if start == end or end - start > MAX_PHRASE_TOKENS:
            continue
        chunk = rows[start:end]
        # Names alone are entities (reported in `entities`); a keyphrase needs a common noun.
        if not any(row[0] == _NOUN for row in chunk):
            continue
        words = texts[start:end]
        if any("\n" in word for word in words):
            continue
        surface = text[chunk[0][3]:chunk[-1][3] + len(words[-1])]
        if len(surface) < 3:
            continue
        yield " ".join(strings[row[2]].lower() if row[0] == _NOUN else word.lower()
                       for row, word in zip(chunk, words)), surface


def extract_keyphrases(body_doc, title_doc=None, limit: int = MAX_KEYPHRASES) -> list[str]:
    """The ``limit`` best keyphrases of the article, best first, each in its most common surface form."""
    counts: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for key, surface in keyphrase_candidates(body_doc):
        counts[key] += 1
        forms = surfaces.get(key)
        if forms is None:  # not setdefault: it would build a Counter for every candidate
            forms = surfaces[key] = Counter()
        forms[surface] += 1
    title_keys = {key for key, _ in keyphrase_candidates(title_doc)} if title_doc is not None else set()

    def score(key: str) -> float:
        n_words = key.count(" ") + 1
        return counts[key] * (1.0 + 0.5 * (n_words - 1)) * (2.0 if key in title_keys else 1.0)

    # Ties break on first appearance (dict order), so output is deterministic.
    ranked = sorted(counts, key=score, reverse=True)
    multi_word = [key for key in ranked[: limit * 2] if " " in key]
    phrases: list[str] = []
    seen_lower: set[str] = set()
    for key in ranked:
        if " " not in key and any(other.endswith(" " + key) for other in multi_word):
            continue
        surface = surfaces[key].most_common(1)[0][0]
        if surface.lower() in seen_lower:
            continue
        seen_lower.add(surface.lower())
        phrases.append(surface)
        if len(phrases) >= limit:
            break
    return phrases

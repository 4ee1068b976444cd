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

MAX_KEYPHRASES = 10
MAX_PHRASE_TOKENS = 5
# Parts of speech that may not open or close a keyphrase.
_EDGE_POS = {"DET", "PRON", "ADP", "CCONJ", "PART", "PUNCT", "NUM", "SYM", "SPACE", "AUX"}


def _trim(tokens):
    """Drop determiners, pronouns, stop words and punctuation at both edges of a chunk."""
    start, end = 0, len(tokens)
    while start < end and (tokens[start].pos_ in _EDGE_POS or tokens[start].is_stop):
        start += 1
    while end > start and (tokens[end - 1].pos_ in _EDGE_POS or tokens[end - 1].is_stop):
        end -= 1
    return tokens[start:end]


def phrase_key(tokens) -> str:
    """Normalised form used to count a phrase: lower-cased lemmas (so 'missiles' = 'missile')."""
    return " ".join(t.lemma_.lower() if t.pos_ == "NOUN" else t.text.lower() for t in tokens)


def keyphrase_candidates(doc):
    """Yield (key, surface) for every usable noun chunk in ``doc``."""
    for chunk in doc.noun_chunks:
        tokens = _trim(list(chunk))
        if not tokens or len(tokens) > MAX_PHRASE_TOKENS:
            continue
        # Names alone are entities (reported in `entities`); a keyphrase needs a common noun.
        if not any(t.pos_ == "NOUN" for t in tokens):
            continue
        if any("\n" in t.text for t in tokens):
            continue
        surface = doc[tokens[0].i: tokens[-1].i + 1].text
        if len(surface) < 3:
            continue
        yield phrase_key(tokens), surface


def extract_keyphrases(body_doc, title_doc=None, limit: int = MAX_KEYPHRASES) -> list[str]:
    """The ``limit`` best keyphrases of the article, best first, each in its most common surface form."""
    counts: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for key, surface in keyphrase_candidates(body_doc):
        counts[key] += 1
        surfaces.setdefault(key, Counter())[surface] += 1
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

"""Language identification of article text, before any English-only NLP runs.

We use py3langid (langid.py's model, shipped inside the package, so nothing is fetched)
with normalised probabilities.  Short texts are unreliable; ``detect_language`` reports
``None`` instead of guessing when there is too little text, and the feed's declared
language is used as a tie-breaker by the caller.
"""
from __future__ import annotations

import threading

# Below this many letters langid's guesses are close to noise (headline-only entries).
MIN_LETTERS = 20
# Only the first part of long bodies is needed for a confident guess; bounds the cost.
SAMPLE_CHARS = 5000

_IDENTIFIER = None
_LOCK = threading.Lock()


def load_identifier():
    """The langid model, loaded once per process (thread-safe; its LZMA unpacking releases the GIL)."""
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _IDENTIFIER


def detect_language(text: str, declared: str | None = None) -> tuple[str | None, float | None]:
    """Return ``(iso639_1, probability)`` for ``text``, or ``(declared, None)`` when the text is too short.

    ``declared`` is a language the source states (a feed's ``<language>``); it is only
    used when the text itself is too short to tell.
    """
    sample = (text or "")[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return (normalize_language_tag(declared), None)
    lang, prob = load_identifier().classify(sample)
    return lang, round(float(prob), 4)


def normalize_language_tag(tag: str | None) -> str | None:
    """``en-US`` / ``EN_gb`` / ``en`` -> ``en``; empty -> None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None

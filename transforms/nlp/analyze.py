"""One article's NLP fields from its spaCy docs: the composition of the NLP components.

Each component has one job and its own module (entities, quotes, keyphrases, amounts);
this module only wires them in the order their inputs require (quotes need the
entity index to name speakers) and shapes the result into the columns of
``schemas.ARTICLES``.  ``analyze_text`` is the convenience entry point for tests and
evaluation; the Beam stage batches texts through ``nlp.pipe`` and calls ``analyze``.
"""
from __future__ import annotations

import datetime as dt

from transforms.nlp.amounts import extract_amounts
from transforms.nlp.date_mentions import extract_dates
from transforms.nlp.entities import build_entity_index
from transforms.nlp.keyphrases import extract_keyphrases
from transforms.nlp.language import detect_language
from transforms.nlp.quotes import extract_quotes

# Languages the English model is run on.  Other languages keep language, counts and
# body, with empty NLP fields, rather than getting nonsense entities from the English NER.
NLP_LANGUAGES = frozenset({"en"})


def empty_nlp_fields() -> dict:
    """NLP columns for an article that was not put through the model (non-English, too short)."""
    return {
        "sentence_count": None,
        "entity_mentions": [],
        "entities": [],
        "keyphrases": [],
        "quotes": [],
        "amounts": [],
        "dates_mentioned": [],
        "nlp_model": None,
    }


def analyze(body_doc, title_doc=None, published_at: dt.datetime | None = None) -> dict:
    """NLP columns for one English article (``model`` label is added by the caller)."""
    # The body's entity spans, built once: every ``doc.ents`` read builds them all anew.
    ents = body_doc.ents
    index = build_entity_index(body_doc, title_doc, body_ents=ents)
    return {
        "sentence_count": sum(1 for _ in body_doc.sents),
        "entity_mentions": index.mentions,
        "entities": index.entities,
        "keyphrases": extract_keyphrases(body_doc, title_doc),
        "quotes": extract_quotes(body_doc, index, ents=ents),
        "amounts": extract_amounts(body_doc, ents),
        "dates_mentioned": extract_dates(body_doc, published_at, ents),
    }


def analyze_text(title: str | None, body: str, published_at: dt.datetime | None = None,
                 nlp=None, declared_language: str | None = None) -> dict:
    """Language plus all NLP fields for one article given as text (loads the default model if needed)."""
    from transforms.nlp.model import load_model, model_label

    language, score = detect_language(body, declared_language)
    fields = {"language": language, "language_score": score}
    if language not in NLP_LANGUAGES:
        fields.update(empty_nlp_fields())
        return fields
    nlp = nlp or load_model()
    fields.update(analyze(nlp(body), nlp(title) if title else None, published_at))
    fields["nlp_model"] = model_label(nlp)
    return fields

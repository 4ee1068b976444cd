"""Direct quotations in news text, with who said them and how we know.

Three steps, each in modules of its own, every step a pure function of its inputs:

1. ``marks`` -- quotations found by their quote marks on the raw text;
2. attribution -- the cue of each quotation (``cues``, ``frames``, ``cue_choice``) and the
   token naming who spoke (``speaker_tokens``, with ``cue_subjects``);
3. ``resolution`` -- that token resolved to a canonical name and label (with ``references``
   and ``speaker_names``).

``extract`` puts them together, with the ordered attribution rules; ``names``,
``titles`` and ``doc_view`` hold what steps 2 and 3 share.  The conventions, with
examples, are in ``docs/quotes.md``.
"""
from transforms.nlp.quotes.extract import extract_quotes
from transforms.nlp.quotes.marks import (QuoteSpan, find_quote_spans, is_scare_quote, paragraph_spans,
                                         quote_text, word_count)

__all__ = ["QuoteSpan", "extract_quotes", "find_quote_spans", "is_scare_quote", "paragraph_spans",
           "quote_text", "word_count"]

"""The frame of a quotation: the words of its sentence outside any quotation, before and
after it, in which its cue and speaker are looked for (``cue_choice``, ``speaker_tokens``).
"""
from __future__ import annotations

from transforms.nlp.quotes.doc_view import DocView, Quote, is_paragraph_break, is_terminator


# Parts of speech that start a new clause: a frame with one of these is not just a speaker.
CLAUSE_POS = frozenset({"VERB", "AUX", "SCONJ"})


def before_window(view: DocView, quote: Quote) -> list:
    """Tokens of the quotation's sentence before it, outside any quotation, in text order."""
    doc, window, i = view.doc, [], quote.first - 1
    while i >= 0:
        token = doc[i]
        other = view.owner[i]
        if other >= 0:
            if view.quotes[other].ends_sentence:
                break
            i = view.quotes[other].first - 1          # a quotation inside the sentence
            continue
        if is_paragraph_break(token) or is_terminator(view, token):
            break
        window.append(token)
        i -= 1
    window.reverse()
    return [t for t in window if not t.is_space]


def after_window(view: DocView, quote: Quote) -> list:
    """Tokens after the quotation up to the end of its sentence or the next quotation.

    Empty when the quotation itself ends the sentence ("... eastward." Mr Putin later ...).
    """
    doc, window = view.doc, []
    if quote.ends_sentence:
        return window
    for i in range(quote.last + 1, len(doc)):
        token = doc[i]
        if is_paragraph_break(token) or view.owner[i] >= 0 or is_terminator(view, token):
            break
        if not token.is_space:
            window.append(token)
    return window

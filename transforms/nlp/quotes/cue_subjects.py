"""Who a cue's clause says spoke, read from the parse: the cue's subject (``cue_subject``).

The subject is inherited through 'went on to say' and 'and added', taken from the noun
opening the clause when the parser hung a quoted word on the cue, and narrowed to the
first person of a coordinated subject; for *quoted X as saying* it is X.  This is one of
the ordered rules of ``speaker_tokens``.  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

from transforms.nlp.quotes.cues import quoting_verb
from transforms.nlp.quotes.doc_view import DocView, is_paragraph_break
from transforms.nlp.quotes.frames import CLAUSE_POS
from transforms.nlp.quotes.names import is_age_description


def _quoted_source(view: DocView, quote_verb):
    """Who is quoted: the object of ``X quoted Y as saying`` or the subject of ``Y was quoted as saying``.

    The subject of *quote* (a newspaper, an agency) only passes the words on; an unnamed
    object ("an insider", "a source") leaves the speaker None like any unnamed source.
    """
    for dep in ("dobj", "nsubjpass"):
        source = next((c for c in quote_verb.children if c.dep_ == dep and view.owner[c.i] < 0), None)
        if source is not None:
            return source
    return None


def _subject_token(cue_token, owner: list[int]):
    """The cue's grammatical subject, inherited through 'went on to say', 'and added', 'adding'.

    Words inside quotations are never the subject of the frame around them (the parser
    sometimes hangs the quoted clause's subject on the cue).
    """
    token = cue_token
    if any(c.dep_ == "nsubj" and owner[c.i] >= 0 for c in cue_token.children) \
            and not any(c.dep_ == "nsubj" and owner[c.i] < 0 for c in cue_token.children):
        return _clause_opening_noun(cue_token, owner)
    for _ in range(4):
        subjects = [c for c in token.children if c.dep_ == "nsubj" and owner[c.i] < 0]
        if subjects:
            # Two subjects are an apposition the parser split ("The chairman ..., Guy Mansfield
            # QC warned"): the name is the better one.
            named = [c for c in subjects if c.ent_type_ or c.pos_ == "PROPN"]
            return (named or subjects)[-1] if len(subjects) > 1 else subjects[0]
        if token.dep_ in ("xcomp", "conj", "advcl") and token.head is not token and owner[token.head.i] < 0:
            token = token.head
            continue
        break
    return None


def _clause_opening_noun(cue_token, owner: list[int]):
    """The subject of a cue whose parse took a word of the quotation before it as the
    subject: the small model runs a paragraph ending in a quotation into the next one
    ("... The difference matters."" ¶ "Hietanen, 34, told the paper ..."), hanging the name
    on the quotation.  The noun phrase that opens the cue's clause (after the quotation, a
    sentence end or the paragraph start) is the subject, when no other verb stands in it."""
    doc, stretch = cue_token.doc, []
    i = cue_token.i - 1
    while i >= 0 and owner[i] < 0 and not is_paragraph_break(doc[i]) and doc[i].text not in (".", "!", "?"):
        stretch.append(doc[i])
        i -= 1
    inside = {t.i for t in stretch}
    if any(t.pos_ in CLAUSE_POS for t in stretch):
        return None
    heads = [t for t in reversed(stretch) if t.head.i not in inside and t.pos_ in ("NOUN", "PROPN", "PRON")]
    return heads[0] if heads else None


def _is_title_word(view: DocView, token) -> bool:
    """A word of a title written before a name: 'chief operating officer', 'Acme Foods chairman'."""
    if view.owner[token.i] >= 0:
        return False
    if token.pos_ in ("NOUN", "ADJ"):
        return token.is_lower
    return token.pos_ == "PROPN" and token.ent_type_ != "PERSON"


def first_coordinated_person(view: DocView, subject):
    """The first-named person of a coordinated subject, which is who we report as speaking.

    In '"...," Acme chief executive Ann Lee and chief operating officer Bob Hale said' the
    small model makes the last name the subject and the second title a conjunct of the
    first name.  From a person subject, title words are skipped leftwards;
    an *and* right after another person's name makes that earlier person the speaker (and
    so on back along *A and B and C*).  A correct parse already gives the first conjunct,
    which has no such *and* before it and is kept.
    """
    ent = view.entity_of.get(subject.i)
    if ent is None or ent.label_ != "PERSON":
        return subject
    doc, first = view.doc, None
    while True:
        i = ent.start - 1
        while i >= 0 and _is_title_word(view, doc[i]):
            i -= 1
        if i < 1 or doc[i].lower_ != "and" or doc[i].pos_ != "CCONJ" or view.owner[i] >= 0:
            break
        previous = view.entity_of.get(i - 1)
        if previous is None or previous.label_ != "PERSON" or previous.end != i:
            break
        ent = first = previous
    return first.root if first is not None else subject


def cue_subject(view: DocView, cue_token):
    """Who a cue's clause says spoke: the quoted person of *quoted X as saying*, else the
    cue's subject (the first person of a coordinated subject)."""
    quoting = quoting_verb(cue_token)
    if quoting is not None:
        return _quoted_source(view, quoting)
    subject = _subject_token(cue_token, view.owner)
    if subject is None and cue_token.i > 0 and is_age_description(cue_token.doc[cue_token.i - 1]):
        return cue_token.doc[cue_token.i - 1]        # "the 48-year-old said", with *old* parsed as a modifier
    return first_coordinated_person(view, subject) if subject is not None else None

"""Quote extraction put together: quotations, their cues and speakers, as output rows.

``extract_quotes`` finds the quotations (``marks``), builds the article's lookups
(``build_view``) and attributes every quotation in text order by the first rule of
:data:`ATTRIBUTION_RULES` that decides it.
"""
from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from transforms.nlp.doc_access import doc_text, token_starts
from transforms.nlp.labels import PERSON
from transforms.nlp.places import is_country
from transforms.nlp.lexicon import PRONOUN_GENDER
from transforms.nlp.quotes.doc_view import (DocView, Quote, Speaker, entity_index, is_paragraph_break,
                                            is_terminator)
from transforms.nlp.quotes.marks import (SENTENCE_END, find_quote_spans, is_scare_quote, paragraph_spans,
                                         quote_text)
from transforms.nlp.quotes.cues import cue_of
from transforms.nlp.quotes.exchanges import answer_turn_speaker
from transforms.nlp.quotes.frames import CLAUSE_POS, after_window, before_window
from transforms.nlp.quotes.cue_choice import choose_cues
from transforms.nlp.quotes.cue_subjects import cue_subject
from transforms.nlp.quotes.speaker_tokens import find_speaker_token
from transforms.nlp.quotes.titles import appositive_titles, title_before
from transforms.nlp.quotes.references import latest_named_subject
from transforms.nlp.quotes.resolution import collect_subjects, resolve_token
from transforms.nlp.quotes.speaker_names import canonical, gender_of, grouped_as_non_person
from transforms.nlp.quotes.names import honorific_gender, is_person_noun, kind_of_organisation


# How many sentences back a quotation without a frame may look for whose speech it continues.
FOLLOW_ON_SENTENCES = 3


def _build_view(body_doc, index, ents) -> DocView:
    text = doc_text(body_doc)
    spans = find_quote_spans(text)
    view = DocView(doc=body_doc, index=index, paragraphs=paragraph_spans(text),
                    token_starts=token_starts(body_doc), owner=[-1] * len(body_doc))
    view.entity_of = entity_index(ents)
    view.labels = {e["name"]: e["label"] for e in getattr(index, "entities", None) or () if e.get("name")}
    for entity in getattr(index, "entities", None) or ():
        for form in [entity.get("name")] + list(entity.get("forms") or ()):
            if form:
                view.forms.setdefault(form, entity["name"])
    for number, span in enumerate(spans):
        first = bisect.bisect_left(view.token_starts, span.start)
        last = bisect.bisect_left(view.token_starts, span.end) - 1
        if last < first:
            continue
        for i in range(first, last + 1):
            view.owner[i] = len(view.quotes)
        words = quote_text(text, span)
        after = text[span.end: span.end + 3].lstrip()
        ends_sentence = words[-1:] in tuple(SENTENCE_END) and not (after[:1].islower() or after[:1] == ",")
        view.quotes.append(Quote(span=span, text=words, first=first, last=last,
                                  paragraph=view.paragraph_of(span.start), ends_sentence=ends_sentence))
    for quote in view.quotes:
        if quote.ends_sentence and _speaker_and_cue_follow(view, quote):
            quote.ends_sentence = False
    for ent in ents:
        grouped = grouped_as_non_person(view, ent)     # a company the model tagged PERSON
        if ent.label_ == "PERSON" and view.owner[ent.start] < 0 and grouped is None:
            name, _ = canonical(view, ent)
            gender = honorific_gender(body_doc, ent)
            if gender and name not in view.genders:
                view.genders[name] = gender
            title = title_before(body_doc, ent)
            titles = ([title] if title else []) + appositive_titles(ent)
            view.titles.setdefault(name, []).extend(titles)
        elif ent.label_ == "ORG" or (grouped is not None and grouped[1] == "ORG"):
            name = canonical(view, ent)[0]
            view.org_names.append(name)
            kind = kind_of_organisation(body_doc, ent)
            if kind is not None:
                view.org_kinds.setdefault(kind, set()).add(name)
    collect_subjects(view)
    return view


# Question and exclamation marks that end a quotation but not always its sentence.
_OPEN_ENDINGS = ("?", "!")
# How many words a speaker's noun phrase between a quotation and its cue may have
# ("Fox News host Brian Kilmeade asked").
_MAX_SUBJECT_WORDS = 8


def _speaker_and_cue_follow(view: DocView, quote: Quote) -> bool:
    """``"...?" Fox News host Dermot Quayle asked Pollard``: a quotation ending in a question
    or exclamation mark goes on into its frame when only the cue's subject, whatever its
    case, stands between it and a reporting verb (a comma cannot follow those marks)."""
    if quote.text[-1:] not in _OPEN_ENDINGS:
        return False
    doc = view.doc
    for i in range(quote.last + 1, min(len(doc), quote.last + 2 + _MAX_SUBJECT_WORDS)):
        token = doc[i]
        if is_paragraph_break(token) or view.owner[i] >= 0 or token.is_punct:
            return False
        if token.pos_ in CLAUSE_POS:
            return bool(cue_of(token)) and any(c.dep_ == "nsubj" and quote.last < c.i < i for c in token.children)
    return False


def _previous_speaker(view: DocView, quote: Quote, before: list) -> Speaker | None:
    """Whose speech a frameless quotation continues, looking back over the last few sentences.

    Walking back from the quotation, the first of these wins: a quotation with a known
    speaker, a reporting verb with a nameable subject, or a named person the text narrates
    about (``_is_narrated_person``: "Mr Herren says ... He is in negotiations ... "All
    books ...""; not the subject of a relative clause about someone else).
    A quotation without a speaker stops the search, as does the limit of
    ``FOLLOW_ON_SENTENCES`` sentences or the start of the paragraph before.
    """
    doc = view.doc
    i = (before[0].i if before else quote.first) - 1
    sentences, paragraph_breaks = 0, 0
    while i >= 0:
        token = doc[i]
        other = view.owner[i]
        if other >= 0:
            previous = view.quotes[other]
            if previous.speaker is not None and previous.speaker.name:
                return previous.speaker
            if not previous.is_partial:
                return None                          # the speech just before has no known speaker
            i = previous.first - 1
            continue
        if is_paragraph_break(token) or is_terminator(view, token):
            paragraph_breaks += is_paragraph_break(token)
            while i > 0 and (doc[i - 1].is_space or is_terminator(view, doc[i - 1])):
                i -= 1
                paragraph_breaks += is_paragraph_break(doc[i])
            sentences += 1
            if sentences > FOLLOW_ON_SENTENCES or paragraph_breaks > 1:
                return None
            i -= 1
            continue
        if cue_of(token):
            subject = cue_subject(view, token)
            speaker = resolve_token(view, subject) if subject is not None else None
            if speaker is not None and speaker.name:
                return speaker
        elif token.i in view.subject_speaker and _is_narrated_person(token):
            speaker = view.subject_speaker[token.i]
            if speaker.label == "PERSON" and speaker.name:
                return speaker
        i -= 1
    return None


def _is_narrated_person(token) -> bool:
    """A subject the text is narrating about: the subject of a clause, or the agent of a
    main-clause passive ("Tributes were paid by X"), but not the subject of a relative clause
    about someone else ("X paid tribute to Y, who died in the spring": X, not Y)."""
    if token.dep_ == "nsubj":
        return token.head.dep_ != "relcl"
    return token.dep_ == "pobj" and token.head.dep_ == "agent" and token.head.head.dep_ == "ROOT"


def _colon_frame_speaker(view: DocView, before: list) -> Speaker | None:
    """``Mr Dean is confident though: "..."``: the named subject of the clause before a colon."""
    inside = {t.i for t in before}
    roots = [t for t in before if t.head.i not in inside or t.head.i == t.i]
    for root in roots:
        subject = next((c for c in root.children if c.dep_ == "nsubj" and c.i in inside), None)
        speaker = resolve_token(view, subject) if subject is not None else None
        if speaker is not None and speaker.name and speaker.label in ("PERSON", "ORG"):
            return speaker
    return None


class Frame(NamedTuple):
    """What surrounds a quotation in its sentence, computed once for all attribution rules."""

    before: list                 # tokens of the sentence before it, outside quotations
    after: list                  # tokens after it up to the sentence end or next quotation
    cues: list                   # candidate cue tokens, best first (cue_choice.choose_cues)
    introduced: bool             # introduced by a colon or a cue
    starts_sentence: bool        # nothing but punctuation before it


class Decision(NamedTuple):
    """An attribution rule's decision: the cue and speaker (either may be None)."""

    cue: str | None
    speaker: Speaker | None


# Transcript labels of the unnamed questioner and of the one answering.
_QUESTION, _ANSWER = "Q", "A"


def _rule_transcript(view: DocView, quote: Quote, frame: Frame) -> Decision | None:
    """A transcript line: "NAME:" names its speaker; "Q:" is the unnamed questioner;
    "A:" is whoever answers, the named person the text introduced just before the
    transcript ("Dalloway took questions after the match.")."""
    label = quote.span.speaker_label
    if label is None:
        return None
    if label == _QUESTION:
        return Decision(None, None)
    if label == _ANSWER:
        earlier = [q.speaker for q in view.quotes if q.span.speaker_label == _ANSWER and q.speaker is not None
                   and q.span.start < quote.span.start]
        if earlier:
            return Decision(None, earlier[-1])
        first = next(q for q in view.quotes if q.span.speaker_label is not None)
        return Decision(None, latest_named_subject(view, first.span.start, PERSON, None))
    name = view.index.resolve_person(label.title()) or _person_ending_in(view, label)
    return Decision(None, Speaker(name or label.title(), PERSON, "explicit", gender_of(view, name)))


def _person_ending_in(view: DocView, label: str) -> str | None:
    """The one person of the article whose name ends in a transcript label the index does
    not resolve ("VAN DER BERG" for "Pieter van der Berg": particles are no surname there)."""
    ending = " " + label.casefold()
    named = {name for name, kind in view.labels.items() if kind == PERSON and (" " + name.casefold()).endswith(ending)}
    return named.pop() if len(named) == 1 else None


def _rule_cue(view: DocView, quote: Quote, frame: Frame) -> Decision | None:
    """A quotation with a cue: the first cue whose speaker can be named; else the best
    cue with no speaker (an unnamed person or source: "a spokesman said")."""
    if not frame.cues:
        return None
    for cue_token in frame.cues:
        speaker_token = find_speaker_token(view, cue_token, frame.after)
        speaker = resolve_token(view, speaker_token) if speaker_token is not None else None
        if speaker is not None and speaker.name:
            return Decision(cue_of(cue_token), speaker)
        if speaker_token is not None and (is_person_noun(speaker_token) or speaker_token.lower_ in PRONOUN_GENDER):
            break                                # an unnamed person spoke ("the man claimed he was "..."")
    return Decision(cue_of(frame.cues[0]), None)


def _rule_colon_frame(view: DocView, quote: Quote, frame: Frame) -> Decision | None:
    """``Mr Dean is confident though: "..."``: the named subject of the clause before a colon."""
    if not (frame.introduced and frame.before[-1].text == ":"):
        return None
    speaker = _colon_frame_speaker(view, frame.before)
    return Decision(None, speaker) if speaker is not None else None


# The signature line of an embedded social-media post as news pages print it:
# "— Tottenham Hotspur (@SpursOfficial) November 20, 2019".
_POST_SIGNATURE = re.compile(r"^[—–-]+\s*(?P<name>[^()\n]{2,80}?)\s*\(@\w{1,30}\)")


def _rule_after_embedded_post(view: DocView, quote: Quote, frame: Frame) -> Decision | None:
    """A quotation with no frame opening the paragraph right after an embedded post's
    signature ("— Tottenham Hotspur (@SpursOfficial) November 20, 2019") continues the
    post: its author speaks (the article's entity of that name, else the name as written)."""
    if not frame.starts_sentence or frame.cues or quote.paragraph == 0 or not view.opens_paragraph(quote):
        return None   # a later quotation of the paragraph belongs to its own frame ("...," X told Y. "...")
    start, end = view.paragraphs[quote.paragraph - 1]
    match = _POST_SIGNATURE.match(doc_text(view.doc)[start:end])
    if match is None:
        return None
    written = match["name"].strip()
    name = view.forms.get(written, written)
    label = view.labels.get(name) or ("PERSON" if view.index.resolve_person(written) else "ORG")
    return Decision(None, Speaker(name, label, "explicit", gender_of(view, name)))


def _rule_exchange_answer(view: DocView, quote: Quote, frame: Frame) -> Decision | None:
    """A frameless quotation paragraph right after an interviewer's turn is the answer of
    the one they question (``exchanges``: interviews and hearings in alternating turns)."""
    if not frame.starts_sentence or frame.cues:
        return None
    speaker = answer_turn_speaker(view, quote)
    return Decision(None, speaker) if speaker is not None else None


def _rule_follow_on(view: DocView, quote: Quote, frame: Frame) -> Decision | None:
    """A quotation with no frame at all continues the speech of whoever was just speaking."""
    if not frame.starts_sentence:
        return None
    previous = _previous_speaker(view, quote, frame.before)
    if previous is None:
        return None
    return Decision(None, Speaker(previous.name, previous.label, "follow-on", previous.gender))


# How a quotation gets its speaker, in the order the rules are tried: the first that
# decides (returns a Decision) wins; when none does, the quotation has no cue and no
# speaker.  A cue in the quotation's own sentence always decides, even when its speaker
# cannot be named, so that an unnamed source is never replaced by a guess.
ATTRIBUTION_RULES = (
    _rule_transcript,
    _rule_cue,
    _rule_colon_frame,
    _rule_after_embedded_post,
    _rule_exchange_answer,
    _rule_follow_on,
)


def _attribute(view: DocView, quote: Quote) -> None:
    """Set the quotation's cue, speaker and is_partial (see :data:`ATTRIBUTION_RULES`)."""
    before, after = before_window(view, quote), after_window(view, quote)
    cues, introduced = choose_cues(quote, before, after)
    starts_sentence = not any(not t.is_punct for t in before)
    quote.is_partial = not starts_sentence and not introduced
    frame = Frame(before, after, cues, introduced, starts_sentence)
    for rule in ATTRIBUTION_RULES:
        decision = rule(view, quote, frame)
        if decision is not None:
            quote.cue, quote.speaker = decision.cue, _as_speaker(decision.speaker)
            return


def _as_speaker(speaker: Speaker | None) -> Speaker | None:
    """A country that "said" or "urged" is no speaker: the words are its government's, whom
    the text does not name ("The UK has urged ..."); a place named as an organisation
    ("Tottenham said", next to "Tottenham Hotspur") was resolved to that organisation before."""
    if speaker is not None and speaker.label == "GPE" and speaker.name and is_country(speaker.name):
        return None
    return speaker


def extract_quotes(body_doc, index, *, ents=None) -> list[dict]:
    """Direct quotations of an article with speakers, cues and offsets into the body.

    ``index`` is the article's entity index (``canonical_for_span(span)`` and
    ``resolve_person(text)`` are used); ``ents`` is ``body_doc.ents`` when the caller has it
    already.  The conventions, with examples, are in ``docs/quotes.md``.
    """
    if len(body_doc) == 0:
        return []
    view = _build_view(body_doc, index, body_doc.ents if ents is None else ents)
    rows = []
    for quote in view.quotes:
        _attribute(view, quote)
        if not quote.text:
            continue
        speaker = quote.speaker
        first_paragraph = view.paragraph_of(quote.span.start)
        last_paragraph = view.paragraph_of(max(quote.span.start, quote.span.end - 1))
        rows.append({
            "text": quote.text,
            "speaker": speaker.name if speaker else None,
            "speaker_label": speaker.label if speaker and speaker.name else None,
            "cue": quote.cue,
            "start_char": quote.span.start,
            "end_char": quote.span.end,
            "paragraphs": last_paragraph - first_paragraph + 1,
            "is_scare": is_scare_quote(quote.text),
            "is_partial": quote.is_partial,
            "attribution": speaker.attribution if speaker else None,
        })
    return rows

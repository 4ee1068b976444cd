"""The per-article working state shared by quote attribution and speaker resolution.

``DocView`` holds lookups built once per article (which quotation owns each token, the
entity of each token, canonical names, titles, antecedent candidates); ``Quote``,
``Speaker`` and ``Subject`` are the values the steps pass between them.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from transforms.nlp.doc_access import doc_text
from transforms.nlp.quotes.marks import QuoteSpan
from transforms.nlp.quotes.titles import Title

@dataclass
class Speaker:
    name: str | None
    label: str | None
    attribution: str | None
    gender: str | None = None


@dataclass
class Subject:
    """A subject mention outside quotations, a candidate antecedent for pronouns.

    ``speaker`` is who it names (None for an unnamed person: "the spokesman"), and
    ``is_person`` says whether *he*/*she* can refer to it ("a spokeswoman for Human Rights
    Watch" is a person whose words we give to the organisation).
    """

    char: int
    paragraph: int             # DocView.narrative_paragraph_of: quotation-only paragraphs not counted
    speaker: Speaker | None
    is_person: bool
    gender: str | None
    plural: bool = False
    sentence: int = 0          # start of its sentence (for preferring main-clause subjects)
    main_clause: bool = False
    depth: int = 0             # how deep its verb sits in the sentence's parse (0: the root)


@dataclass
class Quote:
    span: QuoteSpan
    text: str
    first: int                  # first token inside the quotation (its opening mark)
    last: int                   # last token inside the quotation
    paragraph: int
    ends_sentence: bool
    speaker: Speaker | None = None
    cue: str | None = None
    is_partial: bool = False


@dataclass
class DocView:
    """Per-document lookups shared by all quotations of one article."""

    doc: object
    index: object
    paragraphs: list[tuple[int, int]]
    token_starts: list[int]
    owner: list[int]                            # token -> quotation number, -1 outside
    quotes: list[Quote] = field(default_factory=list)
    entity_of: dict[int, object] = field(default_factory=dict)   # token -> entity span
    labels: dict[str, str] = field(default_factory=dict)         # canonical name -> index label
    forms: dict[str, str] = field(default_factory=dict)          # surface form -> canonical name
    genders: dict[str, str] = field(default_factory=dict)        # canonical name -> m/f
    titles: dict[str, list[Title]] = field(default_factory=dict)
    org_names: list[str] = field(default_factory=list)
    # organisation noun -> organisations introduced with it ("the accounting firm X": firm -> X)
    org_kinds: dict[str, set[str]] = field(default_factory=dict)
    subjects: list[Subject] = field(default_factory=list)
    subject_speaker: dict[int, Speaker] = field(default_factory=dict)
    # description noun -> (char, organisation) of each use that referred to one ("the airline" -> Air Latvia)
    described_orgs: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # Memo of resolution.canonical per entity span: it reads only the index, labels and doc.
    canonical_of: dict[tuple[int, int, str], tuple[str, str]] = field(default_factory=dict)
    # asker's name -> the person they question (exchanges.exchange_pairs), built on first use
    exchanges: dict[str, Speaker] | None = None
    _paragraph_starts: list[int] | None = field(default=None, repr=False)
    _narrative_ranks: list[int] | None = field(default=None, repr=False)

    def paragraph_of(self, char: int) -> int:
        if self._paragraph_starts is None:  # paragraphs are fixed when the view is built
            self._paragraph_starts = [s for s, _ in self.paragraphs]
        return max(0, bisect.bisect_right(self._paragraph_starts, char) - 1)

    def opens_paragraph(self, quote: "Quote") -> bool:
        """Whether the quotation is the first thing in its paragraph."""
        return self.paragraphs[quote.paragraph][0] == quote.span.start

    def narrative_paragraph_of(self, char: int) -> int:
        """The paragraph of ``char`` counting only paragraphs with words outside quotation
        marks: a paragraph that only continues a quotation ("They said ... "..."" ¶ ""..."" ¶
        "Now they have ...") puts no distance between the narration around it.  Read once
        all quotations are known (the subjects are collected after them)."""
        if self._narrative_ranks is None:
            quoted = []
            for quote in self.quotes:
                if quote.span.speaker_label is not None:    # a transcript line, its label too
                    quoted.append((self.paragraphs[self.paragraph_of(quote.span.start)][0], quote.span.end))
                else:
                    quoted.extend(quote.span.parts)
            self._narrative_ranks = narrative_ranks(doc_text(self.doc), self.paragraphs, quoted)
        return self._narrative_ranks[self.paragraph_of(char)]


def narrative_ranks(text: str, paragraphs: list[tuple[int, int]], quoted: list[tuple[int, int]]) -> list[int]:
    """For each paragraph, its number counting only paragraphs with a letter or digit
    outside the ``quoted`` ranges; a quotation-only paragraph shares the number before it."""
    quoted = sorted(quoted)
    starts = [start for start, _ in quoted]
    ranks, rank = [], -1
    for start, end in paragraphs:
        k = max(0, bisect.bisect_left(starts, start) - 1)
        position, narrated = start, False
        while k < len(quoted) and quoted[k][0] < end and not narrated:
            quote_start, quote_end = quoted[k]
            if quote_end > position:
                narrated = any(ch.isalnum() for ch in text[position:quote_start])
                position = max(position, quote_end)
            k += 1
        narrated = narrated or any(ch.isalnum() for ch in text[position:end])
        rank += 1 if narrated or rank < 0 else 0
        ranks.append(rank)
    return ranks


def is_paragraph_break(token) -> bool:
    return token.is_space and "\n" in token.text


def is_terminator(view: DocView, token) -> bool:
    return view.owner[token.i] < 0 and token.text in (".", "!", "?", "…", "...")


def entity_index(ents) -> dict[int, object]:
    """Token index -> the entity span (of ``doc.ents``) that covers it."""
    return {i: ent for ent in ents for i in range(ent.start, ent.end)}  # no Token objects

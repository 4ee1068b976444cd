"""Entity rules for modern web news (issue 11): gazetteers, name shapes, consistency.

Called by :func:`transforms.nlp.entity_repairs.repair_entities` on the repaired spans, so
every later step sees the same entities.  Each rule needs a strong sign, because a wrong
span costs as much as a missed one; the rules, in the order they are applied, each in its
own module:

1. **Splits of spans the model ran together** (:mod:`transforms.nlp.entity_splits`):
   "Jeff Bezos's Blue Origin" -> PERSON + ORG, "envoy to Ukraine Kurt Volker" -> GPE + PERSON.
2. **Well-known organisations** (:mod:`transforms.nlp.entity_org_rules`, from
   :data:`~transforms.nlp.gazetteers.KNOWN_ORGANISATIONS`), matched as written, tagged or not.
3. **Organisations by their shape** (:mod:`transforms.nlp.entity_org_rules`): a name after
   the noun that says what it is ("research firm IDC"), newspapers named after places,
   institutions of a place or an organisation, names opening with an organisation word.
4. **Sports teams by nickname** (:mod:`transforms.nlp.entity_teams`), in an article that
   shows the nickname as a team.
5. **Full names that open with a given name** of any country (:mod:`transforms.nlp.entity_given_names`),
   unless a rule above labelled the span; then the organisations the text cues ("X said in a
   statement", :mod:`transforms.nlp.entity_org_cues`) win over them.
6. **Full names that stay whole** (:mod:`transforms.nlp.entity_person_rules`).
7. **Members of a list of organisations** (:mod:`transforms.nlp.entity_lists`): "Enter
   Lugg, Instacart and DoorDash" makes "Lugg" an organisation; so does a role only a company
   has after a name ("Quillbay CEO Dana Moor", :mod:`transforms.nlp.entity_org_contexts`).
8. **Places** (:mod:`transforms.nlp.place_rules`): well-known places the model missed,
   datelines, and names the text shows to be places.

An added span replaces the spans it covers, never one sticking out of it
(:func:`transforms.nlp.entity_spans.overlay`).
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from transforms.nlp import place_rules
from transforms.nlp.entity_org_rules import (first_word_spans, known_organisation_spans, newspaper_spans,
                                             organisation_after_descriptor_spans, owned_institution_spans)
from transforms.nlp.entity_org_cues import organisation_cue_spans
from transforms.nlp.entity_given_names import given_name_person_spans
from transforms.nlp.entity_lists import list_member_spans
from transforms.nlp.entity_org_contexts import company_role_spans
from transforms.nlp.entity_org_shapes import organisation_shape_spans
from transforms.nlp.entity_person_rules import completed_person_spans, cued_person_spans
from transforms.nlp.entity_spans import entity_at, overlay
from transforms.nlp.entity_splits import split_span
from transforms.nlp.entity_teams import team_spans


def apply_rules(doc: Doc, ents: list[Span]) -> list[Span]:
    """The entity spans after the rules of the module docstring (``ents`` as repaired so far)."""
    ents = [piece for ent in ents for piece in split_span(doc, ent)]
    added = known_organisation_spans(doc)
    added += organisation_after_descriptor_spans(doc)
    added += team_spans(doc)
    label_at = {i: ent.label_ for i, ent in entity_at(ents).items()}
    added += newspaper_spans(doc, label_at)
    added += owned_institution_spans(doc, label_at)
    added += first_word_spans(doc, label_at)
    added += organisation_shape_spans(doc, label_at)
    ents = overlay(ents, added)
    ents = overlay(ents, cued_person_spans(doc, ents))
    ents = overlay(ents, given_name_person_spans(doc, ents, added))
    cued, named_again = organisation_cue_spans(doc, ents)
    ents = overlay(overlay(ents, cued, replace_overlapping=True), named_again)
    ents = overlay(ents, completed_person_spans(doc, ents))
    ents = overlay(ents, list_member_spans(doc, ents))
    ents = overlay(ents, company_role_spans(doc, ents))
    ents = [place_rules.relabelled_place(doc, ent) for ent in ents]
    return overlay(ents, place_rules.untagged_place_spans(doc, ents))

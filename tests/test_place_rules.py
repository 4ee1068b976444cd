"""Place rules (transforms/nlp/place_rules.py) on sentences written for these tests.

None of the sentences comes from an evaluation article; each checks one rule and, where it
matters, what it must leave alone (no false places).
"""
import pytest


@pytest.fixture(scope="module")
def nlp():
    from transforms.nlp.model import load_model

    return load_model()


def ents(nlp, text):
    return [(e.text, e.label_) for e in nlp(text).ents]


# Well-known places and datelines --------------------------------------------------------------------------------

def untagged(nlp, text):
    """The text parsed without any entity, as when the model tags nothing."""
    doc = nlp(text)
    doc.ents = []
    return doc


def test_a_well_known_place_the_model_missed_is_a_place(nlp):
    from transforms.nlp.place_rules import untagged_place_spans

    doc = untagged(nlp, "The talks moved to Vienna after a week.")
    assert [(s.text, s.label_) for s in untagged_place_spans(doc, [])] == [("Vienna", "GPE")]


def test_small_towns_people_and_longer_names_are_no_untagged_places(nlp):
    found = ents(nlp, "Reading won at home. Paris Hilton arrived. The Vienna Philharmonic played.")
    assert ("Reading", "GPE") not in found
    assert ("Paris", "GPE") not in found
    assert ("Vienna", "GPE") not in found


def test_a_dateline_is_a_place(nlp):
    found = ents(nlp, "TOLEDO, Ohio — The council met on Monday to discuss the bridge.")
    assert ("TOLEDO", "GPE") in found


def test_a_name_in_apposition_with_a_kind_of_place_is_a_place(nlp):
    found = ents(nlp, "The path above Kilbrannoch, a village at the foot of the hill, was closed.")
    assert ("Kilbrannoch", "GPE") in found


def test_a_name_after_a_compass_word_and_of_is_a_place(nlp):
    from spacy.tokens import Span

    from transforms.nlp.place_rules import relabelled_place, untagged_place_spans

    doc = untagged(nlp, "The colony lives on cliffs south of Tarrowdene, near the harbour.")
    assert [(s.text, s.label_) for s in untagged_place_spans(doc, [])] == [("Tarrowdene", "GPE")]
    as_org = Span(doc, 7, 8, label="ORG")
    assert as_org.text == "Tarrowdene" and relabelled_place(doc, as_org).label_ == "GPE"


def test_the_end_of_a_longer_place_name_is_no_place_of_its_own(nlp):
    found = ents(nlp, "They bought a house in Kirchdorf am Lenn, a town on the border.")
    assert ("Lenn", "GPE") not in found


def test_a_region_the_model_took_for_a_people_is_a_place(nlp):
    found = ents(nlp, "Farmers in the Punjab province burn stubble, and Punjabi officials are worried.")
    assert ("Punjab", "GPE") in found
    assert ("Punjabi", "GPE") not in found


def test_a_city_of_two_words_tagged_person_is_a_place(nlp):
    doc = nlp("According to a report in the Corran Herald of Sioux Falls, the vote was close.")
    assert [(e.text, e.label_) for e in doc.ents if "Sioux" in e.text] == [("Sioux Falls", "GPE")]


def test_a_one_word_person_only_ever_after_in_or_from_is_a_place():
    from transforms.nlp.entities import RawMention, index_mentions

    body = "Nessa Orrin, a joiner from Balnacraig, won. She trained in Balnacraig. Mr Tavish was second."
    raw = [RawMention(text, "PERSON", body.index(text), body.index(text) + len(text))
           for text in ("Nessa Orrin", "Balnacraig", "Mr Tavish")]
    raw.append(RawMention("Balnacraig", "PERSON", body.rindex("Balnacraig"), body.rindex("Balnacraig") + 10))
    labels = {e["name"]: e["label"] for e in index_mentions(raw, body).entities}
    assert labels == {"Nessa Orrin": "PERSON", "Balnacraig": "GPE", "Tavish": "PERSON"}


def test_a_one_word_person_also_written_elsewhere_stays_a_person():
    from transforms.nlp.entities import RawMention, index_mentions

    body = "A call from Halloran came late. Halloran said it was urgent."
    raw = [RawMention("Halloran", "PERSON", 12, 20), RawMention("Halloran", "PERSON", 32, 40, subject_of="say")]
    assert [e["label"] for e in index_mentions(raw, body).entities] == ["PERSON"]

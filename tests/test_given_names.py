"""Given names of many countries (transforms/nlp/given_names.py) and the rule that reads them
(transforms/nlp/entity_given_names.py), on sentences written for these tests."""
import pytest
from spacy.tokens import Span

from transforms.nlp import given_names
from transforms.nlp.entity_given_names import given_name_person_spans


@pytest.fixture(scope="module")
def nlp():
    from transforms.nlp.model import load_model

    return load_model()


def test_stored_table_equals_a_fresh_build():
    # Fails when names-dataset's data, the model's word index or the rules changed: run `make generate`.
    assert given_names.DATA_FILE.read_bytes() == given_names.encode(given_names.build())


def _entry(**ranks):
    return {"rank": ranks, "country": {}, "gender": {}}


def test_frequent_latin_one_word_names_that_are_no_english_word_are_kept():
    table = given_names.build({
        "Sjoerd": _entry(NL=199), "Rayén": _entry(CL=2438), "Billboard": _entry(GH=10583),
        "Chase": _entry(US=597), "Woo": _entry(KR=367), "Anne Marie": _entry(FR=40),
        "Иван": _entry(RU=1), "A1": _entry(US=5), "Zed": _entry(GB=None, US=None),
    }, english=frozenset({"chase", "woo"}))
    assert table["given_names"] == ["rayén", "sjoerd"]
    assert table["also_words"] == ["chase", "woo"]


def test_compound_given_names_are_read_by_their_parts():
    names = given_names.GivenNames({"given_names": ["anne", "marie", "hyejin", "seung"], "also_words": ["woo"]})
    assert names.is_given_name("Anne-Marie") and names.is_given_name("Hye-jin")
    assert names.is_given_name("Seung-woo")           # "woo" is also a word, "seung" is no word
    assert not names.is_given_name("Woo-Woo") and not names.is_given_name("Woo")
    assert not names.is_given_name("Marie-Claims")


def test_the_stored_table_knows_names_of_many_countries_and_no_english_words():
    for name in ("Sjoerd", "Olumide", "Rayén", "Wojciech", "Hye-jin", "Anne-Marie", "Sheryl"):
        assert given_names.is_given_name(name), name
    for word in ("Apple", "Chase", "Jordan", "Victoria", "Paris", "Said", "Current", "The", "De"):
        assert not given_names.is_given_name(word), word


def persons(nlp, text):
    return [e.text for e in nlp(text).ents if e.label_ == "PERSON"]


def test_full_names_of_many_countries_are_persons_whatever_the_model_said(nlp):
    found = persons(nlp, "Sjoerd Bakhuizen scored twice. Olumide Fashanu-Eze, a producer in Lagos, "
                         "met Rayén Huenchumilla Coña and Wojciech Grzelak at the studio.")
    for name in ("Sjoerd Bakhuizen", "Olumide Fashanu-Eze", "Rayén Huenchumilla Coña", "Wojciech Grzelak"):
        assert name in found


def test_a_korean_given_name_with_a_lower_case_part_stays_whole(nlp):
    assert "Eun-ji Seo" in persons(nlp, "Eun-ji Seo said the label would not return to the service.")


def test_the_rule_on_spans_the_model_tagged_otherwise(nlp):
    doc = nlp("Sjoerd Bakhuizen scored twice.")
    doc.ents = [Span(doc, 0, 2, label="GPE")]       # as the model tags such names at times
    assert [(s.text, s.label_) for s in given_name_person_spans(doc, list(doc.ents), [])] == \
        [("Sjoerd Bakhuizen", "PERSON")]


def test_names_that_are_organisations_places_or_modifiers_are_left_alone(nlp):
    doc = nlp("Shares of Wojciech Grzelak Holdings rose. Fans of Aston Villa sang. "
              "They played a Sheryl Lambe-style ballad and Hey Jude. The Sjoerd Bakhuizen Foundation paid. "
              "Jordan Chase flew to Sierra Leone. Olumide Fashanu Inc. was sold.")
    spans = [s.text for s in given_name_person_spans(doc, list(doc.ents), [])]
    assert spans == []


def test_a_span_another_rule_labelled_is_kept(nlp):
    doc = nlp("Analysts at Sjoerd Bakhuizen expect growth.")
    protected = [Span(doc, 2, 4, label="ORG")]
    assert given_name_person_spans(doc, list(doc.ents), protected) == []


def test_capitalised_tokens_are_found_from_the_word_column_as_token_by_token(nlp):
    from transforms.nlp.entity_given_names import _capitalised, _capitalised_indexes

    doc = nlp("Sjoerd Veldkamp met O'Neill and NATO's Hye-jin Kim in Ñúñez on 3 May; the BBC said "
              "iPhone sales rose. Thornbury-Vance, 42, left.")
    assert _capitalised_indexes(doc) == [token.i for token in doc if _capitalised(token)]
    assert _capitalised_indexes(doc) == _capitalised_indexes(doc)  # again, from the memo
    assert _capitalised_indexes(nlp("")) == []


def test_a_compound_given_name_used_alone_is_the_full_name():
    from transforms.nlp.entities import RawMention, index_mentions
    from transforms.nlp.person_names import is_given_names_prefix

    assert is_given_names_prefix(("josé", "luis"), ("josé", "luis", "zubiaurre"))
    assert not is_given_names_prefix(("josé", "zubiaurre"), ("josé", "zubiaurre", "ruiz"))   # a surname, not a given name
    assert not is_given_names_prefix(("chase", "jordan"), ("chase", "jordan", "hale"))  # English words only
    for texts in (["José Luis Zubiaurre", "José Luis", "Zubiaurre"], ["José Luis", "José Luis Zubiaurre", "José Luis"]):
        raw = [RawMention(text, "PERSON", i * 40, i * 40 + len(text)) for i, text in enumerate(texts)]
        assert [e["name"] for e in index_mentions(raw).entities] == ["José Luis Zubiaurre"]


def test_a_first_family_name_used_alone_is_the_full_name():
    from transforms.nlp.entities import RawMention, index_mentions

    texts = ["Ximena Huaylla Condori", "Huaylla", "Condori"]
    raw = [RawMention(text, "PERSON", i * 40, i * 40 + len(text)) for i, text in enumerate(texts)]
    assert [e["name"] for e in index_mentions(raw).entities] == ["Ximena Huaylla Condori"]
    # Two people with that inner name: the lone word stays apart.
    texts = ["Ximena Huaylla Condori", "Rubén Huaylla Mamani", "Huaylla"]
    raw = [RawMention(text, "PERSON", i * 40, i * 40 + len(text)) for i, text in enumerate(texts)]
    assert len(index_mentions(raw).entities) == 3

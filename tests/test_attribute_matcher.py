"""The fast attribute-ruler matcher gives exactly what spaCy's Matcher gives, on real and tricky text."""
import spacy
from spacy.pipeline import AttributeRuler

from transforms.nlp.attribute_matcher import FastAttributeMatcher, speed_up
from transforms.nlp.model import load_model

# Exceptions of en_core_web_sm's ruler: contractions, two-word patterns, dependency- and
# regex-based rules, spaces; invented sentences, not article text.
TRICKY = ("I ain't gonna pay, y'all. Let's go! C'mon, we gotta leave now. There are two cats and there's a dog. "
          "He gets the joke; she got it too. It isn't fair, they don't know. Nothin' works here. "
          "Give it to me, and I will give you that which you asked for.\n\n  She has had enough, hasn't she? "
          "Whether or not he wins, that is what he does.")


def test_fast_matcher_equals_the_rulers_matcher(seed_path):
    nlp = load_model()
    ruler = nlp.get_pipe("attribute_ruler")
    texts = [TRICKY, seed_path.read_text(encoding="utf-8"), "", "   "]
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner", "news_entity_repairs"]):
        docs = list(nlp.pipe(texts))
    fast = FastAttributeMatcher(ruler)
    for doc in docs:
        assert fast.match(doc) == AttributeRuler.match(ruler, doc)
    # The loaded model uses it.
    assert ruler.match.__self__.__class__ is FastAttributeMatcher


def test_annotations_are_unchanged_end_to_end(seed_path):
    nlp = load_model()
    text = TRICKY + "\n\n" + seed_path.read_text(encoding="utf-8")
    fast_doc = nlp(text)
    ruler = nlp.get_pipe("attribute_ruler")
    fast_match = ruler.match
    try:
        del ruler.match  # back to AttributeRuler.match (the Matcher)
        slow_doc = nlp(text)
    finally:
        ruler.match = fast_match
    assert [(t.pos_, t.tag_, t.dep_, str(t.morph), t.lemma_) for t in fast_doc] == \
           [(t.pos_, t.tag_, t.dep_, str(t.morph), t.lemma_) for t in slow_doc]


def test_patterns_it_cannot_evaluate_leave_the_ruler_alone():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    assert speed_up(nlp) is False
    assert "match" not in vars(ruler)

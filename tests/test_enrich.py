"""The NLP stage: English goes through spaCy, other languages are recorded but not analysed,
and an article that breaks an NLP component becomes a reject without taking its batch down."""
import subprocess
import sys

import pytest

from transforms.nlp import analyze, enrich
from transforms.nlp.model import load_model, model_label

ENGLISH = ("Prime Minister Tony Blair met German Chancellor Gerhard Schroeder in Berlin on Monday. "
           "\"We agreed on the budget,\" Mr Blair said after the talks.")
GERMAN = ("Bundeskanzler Gerhard Schröder hat am Montag in Berlin den britischen Premierminister getroffen. "
          "Die beiden Regierungschefs sprachen über den Haushalt der Europäischen Union.")


def _article(body, title="Title", uri="a.txt"):
    return {"body": body, "title": title, "source_uri": uri, "source_type": "file", "published_at": None}


@pytest.fixture(scope="module")
def nlp():
    return load_model()


def test_english_is_analysed_and_other_languages_are_only_recorded(nlp):
    outcomes = list(enrich.enrich_batch([_article(ENGLISH), _article(GERMAN, uri="de.txt")], nlp, model_label(nlp)))
    assert [status for status, _ in outcomes] == ["ok", "ok"]
    english, german = outcomes[0][1], outcomes[1][1]
    assert english["language"] == "en" and english["nlp_model"] == model_label(nlp)
    people = {e["name"] for e in english["entities"] if e["label"] == "PERSON"}
    assert "Tony Blair" in people
    assert [q["speaker"] for q in english["quotes"]] == ["Tony Blair"]
    assert german["language"] == "de"
    assert german["entities"] == [] and german["quotes"] == [] and german["nlp_model"] is None
    assert german["sentence_count"] is None


def test_a_failing_component_rejects_only_its_article(nlp, monkeypatch):
    real = analyze.analyze

    def flaky(body_doc, title_doc, published_at):
        if "Berlin" in body_doc.text and "budget" in body_doc.text and "Blair" not in body_doc.text:
            raise RuntimeError("component bug")
        return real(body_doc, title_doc, published_at)

    monkeypatch.setattr(analyze, "analyze", flaky)
    broken = _article("The mayor of Berlin presented the city budget to journalists on Friday morning.", uri="bad.txt")
    outcomes = list(enrich.enrich_batch([_article(ENGLISH), broken], nlp, model_label(nlp)))
    assert outcomes[0][0] == "ok"
    status, reject = outcomes[1]
    assert status == "reject"
    assert (reject["source_uri"], reject["stage"], reject["reason"]) == ("bad.txt", "nlp", "nlp-error")
    assert "component bug" in reject["detail"]


class _FailsOn:
    """A spaCy pipeline stand-in that breaks on one text, in nlp.pipe as in nlp(text)."""

    def __init__(self, nlp, marker):
        self.nlp, self.marker = nlp, marker

    def __call__(self, text):
        if self.marker in text:
            raise ValueError("spaCy broke")
        return self.nlp(text)

    def pipe(self, texts, batch_size=32):
        for text in texts:
            yield self(text)


def test_spacy_failing_mid_batch_rejects_only_that_article(nlp):
    articles = [_article(ENGLISH, uri="1.txt"), _article(ENGLISH + " BREAK", uri="2.txt"),
                _article(ENGLISH.replace("Berlin", "Paris"), uri="3.txt")]
    outcomes = list(enrich.enrich_batch(articles, _FailsOn(nlp, "BREAK"), model_label(nlp)))
    assert [status for status, _ in outcomes] == ["ok", "reject", "ok"]
    assert outcomes[1][1]["source_uri"] == "2.txt" and "spaCy broke" in outcomes[1][1]["detail"]
    assert [q["speaker"] for q in outcomes[2][1]["quotes"]] == ["Tony Blair"]


def test_the_pipeline_modules_do_not_import_spacy():
    # A multi-process run's launcher never parses: spaCy (0.7 s to import) loads in the workers.
    code = "import sys, pipelines.batch, pipelines.stream; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_minibatches_are_bounded_by_docs_and_characters():
    texts = ["a" * 10, "b" * 10, "c" * 30, "d" * 5, "e" * 100, "f", "g", "h"]
    chunks = list(enrich.size_bounded_chunks(texts, max_docs=3, max_chars=40))
    # 10+10 fit, +30 would pass 40; 30+5 fit; 100 alone (longer than the bound); then 3 docs at most.
    assert chunks == [texts[0:2], texts[2:4], texts[4:5], texts[5:8]]
    assert list(enrich.size_bounded_chunks([], 3, 40)) == []


def test_bounded_minibatches_give_every_article_its_own_doc(nlp, monkeypatch):
    monkeypatch.setattr(enrich, "PIPE_BATCH_CHARS", 60)  # several minibatches, one article alone
    bodies = ["Short one about Paris.", "A much longer text about London and the city of Manchester today.",
              "Tiny.", "Another about Berlin."]
    docs = list(enrich._pipe(nlp, iter(bodies), 16))
    assert [doc.text for doc in docs] == bodies and all(doc.has_annotation("DEP") for doc in docs)


def test_each_batch_gives_its_freed_heap_back_once_its_articles_are_out(nlp, monkeypatch):
    events = []
    monkeypatch.setattr(enrich, "release_free_heap", lambda: events.append("released"))
    fn = enrich.EnrichBatchFn(None, enrich.PIPE_BATCH_SIZE)
    fn._nlp, fn._label = nlp, model_label(nlp)
    for _ in fn.process([_article(ENGLISH), _article(GERMAN, uri="de.txt")]):
        events.append("article")
    assert events == ["article", "article", "released"]

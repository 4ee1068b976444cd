"""The NLP evaluation: its metric functions on hand-made predictions, and the quality
targets of the issue "NLP for news analytics" measured on the hand-labelled BBC gold sets
(the development set and the held-out set).

The hand-made article below was written for these tests (it is not corpus text).
"""
import hashlib
import json

import pytest

from bench import eval_nlp as ev
from bench import gold_scoring as sc
from bench import gold_set as gs
from transforms.records import RejectError

# A small article of our own, in the BBC files' shape: one quotation continues after a
# merged paragraph break, one is a follow-on, one is a scare quote, one has no named speaker.
BODY = (
    'Ms Jane Doe said: "We will cut the toll on the bridge by half. '
    '"Drivers have waited long enough for this change." '
    'Bob Smith, the council leader, disagreed. "This plan will cost the city far too much money," he said. '
    '"It is simply a promise before an election." '
    'A spokesman said the idea was "not costed". '
    'A spokeswoman said: "Nobody asked us about the new toll plan."\n\n'
    'Mr Smith flew to Paris and then to Lyon in France.'
)


def _span(text: str, start_words: str, end_words: str) -> tuple[int, int]:
    """Offsets (incl. quote marks) of the quotation that runs from start_words to end_words."""
    start = BODY.index(start_words) - 1
    end = BODY.index(end_words, start) + len(end_words) + 1
    return start, end


def _quote(start_words, end_words, speaker, **extra):
    start, end = _span(BODY, start_words, end_words)
    return {"text": BODY[start + 1:end - 1], "speaker": speaker, "start_char": start, "end_char": end,
            "is_scare": False, **extra}


PERSONS = (
    gs.GoldPerson("Jane Doe", ("Jane Doe", "Ms Jane Doe")),
    gs.GoldPerson("Bob Smith", ("Bob Smith", "Mr Smith")),
)
PLACES = (
    gs.GoldPlace("Paris", "FR", "city", ("Paris",)),
    gs.GoldPlace("Lyon", "FR", "city", ("Lyon",)),
    gs.GoldPlace("France", "FR", "country", ("France",)),
)
Q_DOE = gs.GoldQuote("We will cut the toll on the", "waited long enough for this change.", "Jane Doe",
                     paragraphs_joined=True)
Q_SMITH = gs.GoldQuote("This plan will cost the city far", "far too much money,", "Bob Smith")
Q_FOLLOW = gs.GoldQuote("It is simply a promise before", "promise before an election.", "Bob Smith")
Q_NOBODY = gs.GoldQuote("Nobody asked us about the new", "about the new toll plan.", None,
                        also_accept=("Council",))
ARTICLE = gs.GoldArticle("politics/900.txt", "0" * 64, PERSONS, PLACES, (Q_DOE, Q_SMITH, Q_FOLLOW, Q_NOBODY))


# ------------------------------------------------------------------ name keys


@pytest.mark.parametrize("text, key", [
    ("Ms Hewitt", "hewitt"), ("Ms Hewitt's", "hewitt"), ("Lord Nicholls of Birkenhead", "nicholls of birkenhead"),
    ("Guy Mansfield QC", "guy mansfield"), ("President  Vladimir Putin", "vladimir putin"),
    ("Sir Alex Ferguson", "alex ferguson"), ("O\u2019Gara", "o'gara"), ("Mr", "mr"),
])
def test_person_key_drops_titles_possessives_and_postnominals(text, key):
    assert sc.person_key(text) == key


@pytest.mark.parametrize("text, key", [
    ("the Orkneys", "orkneys"), ("U.S.", "us"), ("Britain's", "britain"), ("Washington DC", "washington dc"),
])
def test_place_key_drops_article_dots_and_possessive(text, key):
    assert sc.place_key(text) == key


def test_same_name_is_exact_apart_from_case_and_spacing():
    assert sc.same_name("Patricia  Hewitt", "patricia hewitt")
    assert not sc.same_name("Hewitt", "Patricia Hewitt")
    assert sc.same_name(None, None)
    assert not sc.same_name(None, "Patricia Hewitt")


# ------------------------------------------------------------------ locating gold quotations


def test_locate_quote_spans_a_continuing_quotation():
    start, end = sc.locate_quote(BODY, Q_DOE)
    assert BODY[start - 1] == '"' and BODY[start:].startswith("We will cut")
    assert BODY[start:end].endswith("for this change.") and BODY[end] == '"'


def test_locate_quote_prefers_the_occurrence_after_an_opening_mark():
    body = 'He wanted "to do whatever it likes - and more." Later: "to do whatever it likes" again.'
    quote = gs.GoldQuote("to do whatever it likes", "to do whatever it likes", "X")
    start, end = sc.locate_quote(body, quote)
    assert start == body.index('"to do') + 1 and body[end] == '"'


def test_locate_quote_tolerates_reflowed_whitespace_and_unclosed_quotes():
    body = 'He said: "Indefinite imprisonment\nwithout charge is anathema in law.\n\nNext paragraph.'
    quote = gs.GoldQuote("Indefinite imprisonment without charge", "anathema in law.", "X")
    start, end = sc.locate_quote(body, quote)
    assert body[end] == "\n" and body[start:end].startswith("Indefinite")


def test_locate_quote_returns_none_when_words_are_absent():
    assert sc.locate_quote(BODY, gs.GoldQuote("Words not in the body", "body", None)) is None


# ------------------------------------------------------------------ quote matching


def test_match_quotes_counts_found_missed_and_wrong_speaker():
    predicted = [
        _quote("We will cut the toll", "for this change.", "Jane Doe"),          # whole, right speaker
        _quote("This plan will cost", "far too much money,", "Jane Doe"),        # wrong speaker
        _quote("Nobody asked us", "new toll plan.", None),                        # null speaker, right
        {"text": "not costed", "speaker": None, "start_char": BODY.index('"not costed"'),
         "end_char": BODY.index('"not costed"') + 12, "is_scare": True},          # scare quote, not gold
    ]
    outcomes, unmatched = sc.match_quotes(BODY, ARTICLE.quotes, predicted, PERSONS)
    found = {o.gold.starts_with: o for o in outcomes}
    assert found[Q_DOE.starts_with].found and found[Q_DOE.starts_with].speaker_ok
    assert found[Q_DOE.starts_with].whole
    assert found[Q_SMITH.starts_with].found and not found[Q_SMITH.starts_with].speaker_ok
    assert not found[Q_FOLLOW.starts_with].found            # the follow-on quote was missed
    assert found[Q_NOBODY.starts_with].speaker_ok
    assert [q["text"] for q in unmatched] == ["not costed"]


def test_a_continuing_quotation_split_in_two_is_found_but_not_whole():
    first = _quote("We will cut the toll", "bridge by half. ", "Jane Doe")
    first["end_char"] = BODY.index('"Drivers')                                  # stops at the repeated mark
    second = _quote("Drivers have waited", "for this change.", "Jane Doe")
    outcomes, unmatched = sc.match_quotes(BODY, [Q_DOE], [first, second], PERSONS)
    assert outcomes[0].found and not outcomes[0].whole
    assert unmatched == [second]


def test_match_quotes_falls_back_to_text_when_offsets_disagree():
    quote = _quote("This plan will cost", "far too much money,", "Bob Smith")
    quote["start_char"] += 500                                                   # offsets into another text
    quote["end_char"] += 500
    outcomes, _ = sc.match_quotes(BODY, [Q_SMITH], [quote], PERSONS)
    assert outcomes[0].found and outcomes[0].speaker_ok and not outcomes[0].whole


def test_each_prediction_matches_one_gold_quotation_only():
    same_start = gs.GoldQuote(Q_SMITH.starts_with, Q_SMITH.ends_with, "Bob Smith")
    outcomes, _ = sc.match_quotes(BODY, [Q_SMITH, same_start],
                                  [_quote("This plan will cost", "far too much money,", "Bob Smith")], PERSONS)
    assert [o.found for o in outcomes] == [True, False]


def test_lenient_speaker_accepts_surface_forms_and_also_accept():
    predicted = [_quote("This plan will cost", "far too much money,", "Mr Smith"),
                 _quote("Nobody asked us", "new toll plan.", "Council")]
    outcomes, _ = sc.match_quotes(BODY, [Q_SMITH, Q_NOBODY], predicted, PERSONS)
    assert [(o.speaker_ok, o.speaker_ok_lenient) for o in outcomes] == [(False, True), (False, True)]


def test_lenient_speaker_rejects_another_person():
    predicted = [_quote("This plan will cost", "far too much money,", "Jane Doe")]
    outcomes, _ = sc.match_quotes(BODY, [Q_SMITH], predicted, PERSONS)
    assert outcomes[0].speaker_ok_lenient is False


# ------------------------------------------------------------------ persons and places


def _entity(name, label, forms=None, code=None, geo_type=None):
    return {"name": name, "label": label, "mentions": 1, "forms": forms or [name], "first_char": 0,
            "country_code": code, "geo_type": geo_type}


def test_score_persons_reports_canonical_any_form_and_split():
    entities = [
        _entity("Jane Doe", "PERSON", ["Jane Doe", "Doe"]),
        _entity("Smith", "PERSON", ["Smith"]),            # found by form only ...
        _entity("Bob Smith", "PERSON", ["Bob Smith"]),    # ... and split from the full name
    ]
    outcomes, merged = sc.score_persons(PERSONS, entities)
    doe, smith = outcomes
    assert doe.canonical_found and doe.form_found and not doe.split
    assert smith.canonical_found and smith.split and smith.predicted_names == ["Smith", "Bob Smith"]
    assert merged == []


def test_score_persons_form_only_match_and_other_label():
    entities = [_entity("Doe", "PERSON", ["Ms Jane Doe"]), _entity("Bob Smith", "ORG")]
    (doe, smith), _ = sc.score_persons(PERSONS, entities)
    assert not doe.canonical_found and doe.form_found
    assert not smith.form_found and smith.other_labels == ["ORG"]


def test_score_persons_detects_one_entity_merging_two_people():
    persons = (gs.GoldPerson("Gordon Brown", ("Gordon Brown", "Mr Brown")),
               gs.GoldPerson("Nick Brown", ("Nick Brown", "Mr Brown")))
    entities = [_entity("Gordon Brown", "PERSON", ["Gordon Brown", "Nick Brown"])]
    outcomes, merged = sc.score_persons(persons, entities)
    assert merged == ["Gordon Brown"]
    # "Mr Brown" is ambiguous between the two, so a lone "Brown" entity maps to neither.
    outcomes, _ = sc.score_persons(persons, [_entity("Brown", "PERSON")])
    assert not any(o.form_found for o in outcomes)


def test_score_places_matches_forms_and_checks_country_codes():
    entities = [
        _entity("Paris", "GPE", code="FR", geo_type="city"),
        _entity("Lyon", "GPE", code="US", geo_type="city"),        # wrong country
        _entity("France", "ORG"),                                   # wrong label: missed
    ]
    paris, lyon, france = sc.score_places(PLACES, entities)
    assert paris.found and paris.canonical_found and paris.code_ok and paris.geo_type_ok
    assert lyon.found and lyon.code_ok is False
    assert not france.found and france.code_ok is None and france.other_labels == ["ORG"]


def test_score_places_by_form_when_canonical_names_differ():
    uk = gs.GoldPlace("United Kingdom", "GB", "country", ("United Kingdom", "Britain"))
    (outcome,) = sc.score_places([uk], [_entity("Britain", "GPE", ["Britain"], "GB", "country")])
    assert outcome.found and not outcome.canonical_found and outcome.code_ok


# ------------------------------------------------------------------ article score and summary


def _prediction(**overrides):
    result = {
        "language": "en",
        "entities": [_entity("Jane Doe", "PERSON", ["Jane Doe"]), _entity("Smith", "PERSON"),
                     _entity("Bob Smith", "PERSON"), _entity("Paris", "GPE", code="FR", geo_type="city"),
                     _entity("France", "GPE", code="FR", geo_type="country")],
        "quotes": [_quote("We will cut the toll", "for this change.", "Jane Doe"),
                   _quote("This plan will cost", "far too much money,", "Jane Doe"),
                   _quote("Nobody asked us", "new toll plan.", None)],
    }
    result.update(overrides)
    return result


def test_summarize_gives_the_expected_figures():
    score = sc.score_article(ARTICLE, BODY, _prediction())
    summary = sc.summarize([score])
    assert summary["quote_recall"] == pytest.approx(3 / 4)
    assert summary["speaker_accuracy"] == pytest.approx(2 / 3)
    assert summary["person_recall"] == 1.0 and summary["person_recall_any_form"] == 1.0
    assert summary["place_recall"] == pytest.approx(2 / 3)
    assert summary["country_code_agreement"] == 1.0
    assert summary["articles_with_split_person"] == 1
    assert summary["quote_precision"] == 1.0
    assert summary["counts"]["joined_whole"] == 1


def test_failed_article_counts_every_gold_item_as_missed():
    summary = sc.summarize([sc.failed_article(ARTICLE, "reader rejected it")])
    assert summary["quote_recall"] == 0 and summary["person_recall"] == 0 and summary["place_recall"] == 0
    assert summary["speaker_accuracy"] is None and summary["articles_failed"] == 1


def test_check_thresholds_names_each_missed_target():
    summary = sc.summarize([sc.score_article(ARTICLE, BODY, _prediction())])
    failures = sc.check_thresholds(summary, sc.Thresholds(0.8, 0.85, 0.85, 0.5, 0))
    assert [f.split(" ")[0] for f in failures] == ["quote_recall", "speaker_accuracy", "articles_with_split_person"]
    assert sc.check_thresholds(summary, sc.Thresholds()) == []


def test_report_formats_list_the_misses():
    score = sc.score_article(ARTICLE, BODY, _prediction())
    evaluation = ev.Evaluation("gold.json", "/corpus", "test-model", [score], [("x.txt", "changed")], 0.1)
    table = ev.format_table(evaluation)
    assert "politics/900.txt" in table and "SKIPPED x.txt: changed" in table and "quote recall" in table
    details = ev.format_details(evaluation)
    assert "missed quote (Bob Smith)" in details and "split person Bob Smith" in details
    assert "speaker 'Jane Doe' should be 'Bob Smith'" in details and "missed place Lyon" in details
    report = ev.to_json(evaluation, ["quote_recall = 0.750 < 0.8"])
    assert json.loads(json.dumps(report))["overall"]["quote_recall"] == pytest.approx(0.75)


# ------------------------------------------------------------------ gold file parsing


def _gold_dict(**article_overrides):
    article = {"path": "politics/900.txt", "sha256": "a" * 64, "persons": [{"name": "Jane Doe"}],
               "places": [{"name": "France", "country_code": "FR", "geo_type": "country"}],
               "quotes": [{"starts_with": "We will cut", "ends_with": "change.", "speaker": "Jane Doe"}]}
    article.update(article_overrides)
    return {"corpus_subdir": "text/bbc", "articles": [article]}


def test_parse_gold_fills_defaults():
    gold = gs.parse_gold(_gold_dict())
    (article,) = gold.articles
    assert article.persons[0].forms == ("Jane Doe",)
    assert article.quotes[0].paragraphs_joined is False and article.quotes[0].also_accept == ()


@pytest.mark.parametrize("overrides, message", [
    ({"sha256": "not-a-digest"}, "sha256"),
    ({"places": [{"name": "France", "country_code": "France"}]}, "alpha-2"),
    ({"quotes": [{"starts_with": " ", "ends_with": "x", "speaker": None}]}, "blank"),
    ({"quotes": [{"ends_with": "x", "speaker": None}]}, "starts_with"),
    ({"persons": [{"name": "Jane Doe", "forms": "Ms Doe"}]}, "forms"),
])
def test_parse_gold_rejects_malformed_labels(overrides, message):
    with pytest.raises(gs.GoldError, match=message):
        gs.parse_gold(_gold_dict(**overrides))


def test_parse_gold_rejects_a_path_listed_twice():
    data = _gold_dict()
    data["articles"].append(dict(data["articles"][0]))
    with pytest.raises(gs.GoldError, match="twice"):
        gs.parse_gold(data)


# ------------------------------------------------------------------ evaluate() with a corpus of our own


def _write_corpus(tmp_path, files: dict[str, bytes]):
    for relative, data in files.items():
        path = tmp_path / "text" / "bbc" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


def _plain_reader(data: bytes, uri: str):
    title, _, body = data.decode("utf-8").partition("\n\n")
    return title, body


def _article_bytes():
    return ("Toll plan row\n\n" + BODY).encode("utf-8")


def _gold_for(*paths_and_digests):
    return gs.GoldSet("text/bbc", tuple(
        gs.GoldArticle(path, digest, PERSONS, PLACES, ARTICLE.quotes) for path, digest in paths_and_digests))


def test_evaluate_skips_changed_and_missing_files_and_scores_the_rest(tmp_path):
    data = _article_bytes()
    corpus = _write_corpus(tmp_path, {"politics/900.txt": data, "politics/901.txt": data})
    digest = hashlib.sha256(data).hexdigest()
    gold = _gold_for(("politics/900.txt", digest), ("politics/901.txt", "b" * 64), ("politics/902.txt", digest))
    seen = []

    def analyze(title, body):
        seen.append(title)
        return _prediction()

    evaluation = ev.evaluate(gold, corpus, analyze, read=_plain_reader)
    assert [s.path for s in evaluation.scores] == ["politics/900.txt"] and seen == ["Toll plan row"]
    reasons = dict(evaluation.skipped)
    assert "sha256" in reasons["politics/901.txt"] and "cannot read" in reasons["politics/902.txt"]
    assert evaluation.summary["quote_recall"] == pytest.approx(3 / 4)


def test_evaluate_scores_reader_rejects_and_nlp_errors_as_missed(tmp_path):
    data = _article_bytes()
    corpus = _write_corpus(tmp_path, {"politics/900.txt": data})
    gold = _gold_for(("politics/900.txt", hashlib.sha256(data).hexdigest()))

    def rejecting_reader(data, uri):
        raise RejectError("read", "empty-file", "no text")

    def broken_nlp(title, body):
        raise ValueError("boom")

    rejected = ev.evaluate(gold, corpus, lambda t, b: _prediction(), read=rejecting_reader)
    assert "reader rejected it" in rejected.scores[0].error
    failed = ev.evaluate(gold, corpus, broken_nlp, read=_plain_reader)
    assert failed.scores[0].error == "NLP failed: ValueError: boom"
    assert failed.summary["quote_recall"] == 0


def test_check_gold_locations_reports_unfindable_labels(tmp_path):
    data = _article_bytes()
    corpus = _write_corpus(tmp_path, {"politics/900.txt": data})
    bad = gs.GoldQuote("These words are not there", "nowhere.", None)
    gold = gs.GoldSet("text/bbc", (gs.GoldArticle("politics/900.txt", hashlib.sha256(data).hexdigest(),
                                                  PERSONS, PLACES, ARTICLE.quotes + (bad,)),))
    problems = ev.check_gold_locations(gold, corpus, read=_plain_reader)
    assert len(problems) == 1 and "These words are not there" in problems[0]


def test_main_skips_with_a_message_when_the_corpus_is_absent(tmp_path, capsys):
    assert ev.main(["--corpus", str(tmp_path / "nowhere")]) == ev.EXIT_OK
    assert "SKIPPED: corpus not found" in capsys.readouterr().err


def test_main_refuses_a_malformed_gold_file(tmp_path, capsys):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"articles": [{"path": "x.txt"}]}))
    assert ev.main(["--gold", str(gold)]) == ev.EXIT_BAD_INPUT
    assert "sha256" in capsys.readouterr().err


# ------------------------------------------------------------------ the real gold sets


# The development set (visible while the NLP was tuned) and the held-out set (labelled by
# reading only, never tuned on: README), with the least number of articles each must keep
# and the speakers in it that are organisations rather than persons (README: "An
# organisation that speaks as itself"); any other speaker must be a listed person.
GOLD_SETS = {
    "development": (ev.DEFAULT_GOLD, 20, {"Federal Natural Resources Agency", "Cairn Energy"}),
    "held-out": (ev.HELDOUT_GOLD, 15, {"Welsh Assembly Government", "Standard Chartered", "JP Morgan Chase",
                                       "Deutsche Bank"}),
}


@pytest.mark.parametrize("which", GOLD_SETS)
def test_gold_set_is_well_formed(which):
    path, min_articles, organisation_speakers = GOLD_SETS[which]
    gold = gs.load_gold(path)
    assert len(gold.articles) >= min_articles
    for article in gold.articles:
        names = [p.name for p in article.persons]
        assert len(names) == len(set(names)), article.path
        speakers = {q.speaker for q in article.quotes} - {None}
        assert speakers <= set(names) | organisation_speakers, (article.path, speakers - set(names))
        for quote in article.quotes:
            assert quote.starts_with[0] not in sc.QUOTE_MARKS, (article.path, quote.starts_with)
            assert all(a is None or a not in names or a != quote.speaker for a in quote.also_accept)


def test_held_out_set_shares_no_article_with_the_development_set():
    development = {a.path for a in gs.load_gold(ev.DEFAULT_GOLD).articles}
    held_out = {a.path for a in gs.load_gold(ev.HELDOUT_GOLD).articles}
    assert not development & held_out


@pytest.mark.parametrize("which", GOLD_SETS)
def test_gold_labels_are_found_in_the_bodies_the_pipeline_reads(which, corpus_dir):
    gold = gs.load_gold(GOLD_SETS[which][0])
    assert ev.check_gold_locations(gold, corpus_dir) == []


@pytest.fixture(scope="module")
def analyzer():
    return ev.default_analyzer()


@pytest.fixture(scope="module")
def gold_evaluation(corpus_dir, analyzer):
    path = GOLD_SETS["development"][0]
    analyze, label = analyzer
    return ev.evaluate(gs.load_gold(path), corpus_dir, analyze, gold_path=str(path), model=label)


# The quality targets; no article may have a person split into two canonical names.
# They gate the suite on the development set only.  The held-out set is measured by
# `make bench` and reported in docs/benchmarks.md, not asserted here: a red test on it would
# push whoever fixes it to read its misses and tune on them, and then it would no longer
# be held out (tests/gold/README.md).
TARGETS = sc.Thresholds(min_quote_recall=0.8, min_speaker_accuracy=0.85, min_person_recall=0.85,
                        min_place_recall=0.85, max_split_persons=0)


def test_nlp_meets_the_quality_targets_on_the_development_gold_set(gold_evaluation):
    assert not gold_evaluation.skipped, gold_evaluation.skipped
    failures = sc.check_thresholds(gold_evaluation.summary, TARGETS)
    # The message carries the whole report, so a failing run shows every figure and miss.
    assert not failures, ("\n".join(failures) + "\n\n" + ev.format_table(gold_evaluation)
                          + "\n\n" + ev.format_details(gold_evaluation))

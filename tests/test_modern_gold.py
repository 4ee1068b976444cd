"""The modern-news gold sets (tests/gold/modern_*.json) are well formed.

They are checked without running the NLP: every label must point at words that are in the
text it was made for, every speaker must be a labelled person or organisation of the
article, and the held-out sets must stay apart from the development sets.  The 2019 pages'
bodies come from the shared corpus; without it those articles are skipped with the reason
and only the articles written for the set (stored in the gold file) are checked.
"""
import json
import re

import pytest

from bench import eval_nlp as ev
from bench import gold_scoring as sc
from bench import gold_set as gs
from bench import gold_texts
from tests.conftest import CORPUS_DIR

DEVELOPMENT, HELD_OUT = "development", "held-out"
SETS = {**{path.stem: (DEVELOPMENT, path) for path in ev.MODERN_DEV_GOLDS},
        **{path.stem: (HELD_OUT, path) for path in ev.MODERN_HELDOUT_GOLDS}}
# The issue asks for at least 15 corpus pages over all sets.
MIN_PAGES = 15
# The held-out part holds at least 8 of them (issue 11, item 1).
MIN_HELD_OUT_PAGES = 8


def _load(name):
    path = SETS[name][1]
    if not path.exists():
        pytest.skip(f"{path.name} is not in this checkout yet")
    return gs.load_gold(path)


def _present(kind):
    """The sets of one kind that are in this checkout, pooled (articles of every file)."""
    paths = [path for k, path in SETS.values() if k == kind and path.exists()]
    if not paths:
        pytest.skip(f"no {kind} modern set in this checkout yet")
    return gs.load_golds(paths)


def _occurs(form: str, body: str) -> bool:
    """The form is in the body, ignoring case and line wrapping."""
    return re.search(r"\s+".join(map(re.escape, form.split())), body, re.IGNORECASE) is not None


def _bodies(gold):
    """(article, body) for every article whose text is at hand; skips name what is missing."""
    found, missing = [], []
    for article in gold.articles:
        try:
            found.append((article, gold_texts.article_text(gold, article, CORPUS_DIR)[1]))
        except gold_texts.TextUnavailable as error:
            missing.append(f"{article.path}: {error}")
    return found, missing


@pytest.mark.parametrize("which", sorted(SETS))
def test_modern_set_labels_every_kind_and_names_only_its_own_speakers(which):
    gold = _load(which)
    assert gold.texts in {gold_texts.HTML_GROUND_TRUTH, gold_texts.FEED_ITEMS}
    for article in gold.articles:
        assert article.organisations is not None, f"{article.path}: organisations must be labelled"
        names = [p.name for p in article.persons]
        organisations = [o.name for o in article.organisations]
        assert len(names) == len(set(names)) and len(organisations) == len(set(organisations)), article.path
        forms = {f for item in (*article.persons, *article.organisations) for f in item.forms}
        for quote in article.quotes:
            assert quote.speaker is None or quote.speaker in names + organisations, (article.path, quote.speaker)
            assert quote.starts_with[0] not in sc.QUOTE_MARKS, (article.path, quote.starts_with)
            assert all(a is None or a in forms for a in quote.also_accept), (article.path, quote.also_accept)
        for place in article.places:
            assert place.geo_type in {"country", "city", "region", "continent"}, (article.path, place.name)


@pytest.mark.parametrize("which", sorted(SETS))
def test_modern_set_labels_are_in_the_texts(which):
    gold = _load(which)
    found, missing = _bodies(gold)
    for article, body in found:
        for item in (*article.persons, *article.places, *article.organisations):
            # Every surface form is in the text; a canonical name need not be: a place's is its
            # usual English name ("United States" for "U.S."), a person's may be put together
            # from the text ("coach (Frank) Dalloway"), so only its words must be there.
            assert all(_occurs(f, body) for f in item.forms if f != item.name), (article.path, item.forms)
            if not isinstance(item, gs.GoldPlace):
                assert all(_occurs(w, body) for w in item.name.split()), (article.path, item.name)
    checked = gs.GoldSet(gold.corpus_subdir, tuple(a for a, _ in found), gold.texts)
    assert ev.check_gold_locations(checked, CORPUS_DIR) == []
    if missing:
        pytest.skip(f"{len(missing)} corpus texts not checked (shared corpus absent or changed): {missing[0]}")


def test_held_out_sets_share_no_article_with_the_development_sets():
    development, held_out = _present(DEVELOPMENT), _present(HELD_OUT)
    dev_paths = {a.path for a in development.articles}
    assert not dev_paths & {a.path for a in held_out.articles}
    # Written articles are compared by text too, so a renamed copy cannot slip in.
    dev_texts = {a.text for a in development.articles if a.text is not None}
    assert not dev_texts & {a.text for a in held_out.articles if a.text is not None}
    pages = [a for a in (*development.articles, *held_out.articles) if a.text is None]
    assert len(pages) >= MIN_PAGES
    assert sum(1 for a in development.articles if a.text is not None) >= 5, "the written articles live in dev"
    # The held-out pair is labelled in parallel and scored as one set, so its minimum holds for
    # the pair: while one part is not yet in this checkout, the count is not checked.
    absent = [path.name for kind, path in SETS.values() if kind == HELD_OUT and not path.exists()]
    if absent:
        pytest.skip(f"held-out page count waits for {', '.join(absent)}")
    assert sum(1 for a in held_out.articles if a.text is None) >= MIN_HELD_OUT_PAGES


def _written_names(gold):
    written = [a for a in gold.articles if a.text is not None]
    person_words = {w.lower() for a in written for p in a.persons for w in re.split(r"[\s-]+", p.name)}
    return person_words, {o.name.lower() for a in written for o in a.organisations}


def test_held_out_written_articles_use_names_no_other_set_uses():
    """A rule tuned on dev's invented names must not score on held-out text by accident.

    Person names are compared word by word (a shared surname would do it); organisations
    by whole name, since words like "Records" or "Media" are what general rules key on.
    Each held-out file is compared with the development sets and with the other held-out
    files, which were written apart.
    """
    names = {name: _written_names(gs.load_gold(path)) for name, (_, path) in SETS.items() if path.exists()}
    for name, (kind, _) in SETS.items():
        if kind != HELD_OUT or name not in names:
            continue
        words, organisations = names[name]
        for other, (other_words, other_organisations) in names.items():
            if other != name:
                assert not words & other_words, (name, other, words & other_words)
                assert not organisations & other_organisations, (name, other)


def test_gold_files_are_scored_together_and_an_article_counts_once(tmp_path):
    page = {"path": "pages/a.html.gz", "sha256": "0" * 64, "persons": [], "places": [], "organisations": [],
            "quotes": []}
    for name, articles in (("one", [page]), ("two", [{**page, "path": "pages/b.html.gz"}]), ("dup", [page])):
        (tmp_path / f"{name}.json").write_text(json.dumps(
            {"name": name, "version": 1, "corpus_subdir": "html", "texts": gold_texts.HTML_GROUND_TRUTH,
             "articles": articles}))
    pooled = gs.load_golds([tmp_path / "one.json", tmp_path / "two.json"])
    assert [a.path for a in pooled.articles] == ["pages/a.html.gz", "pages/b.html.gz"]
    (tmp_path / "feed.json").write_text(json.dumps(
        {"name": "feed", "version": 1, "corpus_subdir": "feeds", "texts": gold_texts.FEED_ITEMS,
         "articles": [{**page, "path": "wire.rss#g1"}]}))
    mixed = gs.load_golds([tmp_path / "one.json", tmp_path / "feed.json"])
    assert [gold_texts.source_of(mixed, a) for a in mixed.articles] == [
        ("html", gold_texts.HTML_GROUND_TRUTH), ("feeds", gold_texts.FEED_ITEMS)]
    with pytest.raises(gs.GoldError, match="more than one gold file: pages/a.html.gz"):
        gs.load_golds([tmp_path / "one.json", tmp_path / "dup.json"])


def test_ground_truth_text_is_refused_when_it_changed(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "ground-truth.json").write_text('{"abc": {"articleBody": "One.\\n\\nTwo."}}')
    article = gs.GoldArticle("pages/abc.html.gz", "0" * 64, (), (), ())
    gold = gs.GoldSet("html", (article,), gold_texts.HTML_GROUND_TRUTH)
    with pytest.raises(gold_texts.TextUnavailable, match="sha256"):
        gold_texts.article_text(gold, article, tmp_path)
    good = gs.GoldArticle("pages/abc.html.gz", gold_texts.sha256_hex(b"One.\n\nTwo."), (), (), ())
    assert gold_texts.article_text(gs.GoldSet("html", (good,), gold_texts.HTML_GROUND_TRUTH), good,
                                   tmp_path) == (None, "One.\n\nTwo.")


FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>http://127.0.0.1/</link>
<item><title>Vote today</title><guid>http://127.0.0.1/?p=1#top</guid>
<description>&lt;p&gt;Ann Lee said &amp;ldquo;Yes.&amp;rdquo;&lt;/p&gt;&lt;p&gt;Then she left.&lt;/p&gt;</description></item>
<item><title>Headline only</title><guid>http://127.0.0.1/?p=2</guid></item>
</channel></rss>"""


def _feed_gold(tmp_path, path, sha256="0" * 64):
    (tmp_path / "feeds").mkdir(exist_ok=True)
    (tmp_path / "feeds" / "wire.rss").write_bytes(FEED)
    article = gs.GoldArticle(path, sha256, (), (), ())
    return gs.GoldSet("feeds", (article,), gold_texts.FEED_ITEMS), article


def test_a_feed_item_is_read_as_the_pipeline_reads_it_and_found_by_guid(tmp_path):
    body = "Ann Lee said \u201cYes.\u201d\n\nThen she left."
    gold, article = _feed_gold(tmp_path, "wire.rss#http://127.0.0.1/?p=1#top", gold_texts.sha256_hex(body.encode()))
    assert gold_texts.article_text(gold, article, tmp_path) == ("Vote today", body)


@pytest.mark.parametrize("path, sha, error", [
    ("wire.rss#http://127.0.0.1/?p=1#top", "0" * 64, "sha256 of the body of wire.rss#"),
    ("wire.rss#http://127.0.0.1/?p=9", "0" * 64, "has no item with guid 'http://127.0.0.1/"),
    ("wire.rss", "0" * 64, "does not name a feed item"),
    ("gone.rss#x", "0" * 64, "cannot read"),
])
def test_a_feed_item_that_changed_or_is_missing_is_refused_with_the_reason(tmp_path, path, sha, error):
    gold, article = _feed_gold(tmp_path, path, sha)
    with pytest.raises(gold_texts.TextUnavailable, match=re.escape(error)):
        gold_texts.article_text(gold, article, tmp_path)


def test_a_stored_text_is_scored_without_the_corpus(tmp_path):
    article = gs.GoldArticle("own/x.txt", None, (gs.GoldPerson("Ann Lee", ("Ann Lee",)),), (), (),
                             (gs.GoldOrganisation("Acme Records", ("Acme Records",)),),
                             text="Ann Lee left Acme Records.", title="Exit")
    gold = gs.GoldSet("html", (article,), gold_texts.HTML_GROUND_TRUTH)
    seen = []
    prediction = {"entities": [{"label": "PERSON", "name": "Ann Lee"}, {"label": "ORG", "name": "Acme Records"}],
                  "quotes": []}
    evaluation = ev.evaluate(gold, tmp_path / "absent", lambda t, b: seen.append((t, b)) or prediction)
    assert seen == [("Exit", "Ann Lee left Acme Records.")]
    assert evaluation.summary["organisation_recall"] == 1.0 and evaluation.summary["person_recall"] == 1.0


def test_organisations_are_found_by_form_and_other_labels_are_reported():
    gold = (gs.GoldOrganisation("Tottenham Hotspur", ("Tottenham Hotspur", "Spurs")),
            gs.GoldOrganisation("Big Machine", ("Big Machine",)))
    entities = [{"label": "ORG", "name": "Spurs"}, {"label": "PERSON", "name": "Big Machine's"}]
    found, missed = sc.score_organisations(gold, entities)
    assert found.found and found.predicted == ["Spurs"]
    assert not missed.found and missed.other_labels == ["PERSON"]


def test_quote_precision_and_organisation_recall_have_targets():
    summary = {"quote_precision": 0.9, "organisation_recall": 0.9}
    assert sc.check_thresholds(summary, sc.Thresholds(min_quote_precision=0.95, min_organisation_recall=0.85)) \
        == ["quote_precision = 0.900 < 0.95"]

"""An article body split over several containers is read whole (transforms/sources/html_split_body.py).

trafilatura reads only the first container its body expressions find; the pages in
tests/fixtures/html/ were written for these tests.
"""
from pathlib import Path

import trafilatura
from lxml import html as lxml_html

from transforms.sources.html_pages import EXTRACT_OPTIONS, extract_html_article
from transforms.sources.html_split_body import join_split_body

FIXTURES = Path(__file__).parent / "fixtures" / "html"
LAST_PARAGRAPH = "The last programme, chosen by a vote among regular customers"
NEXT_ARTICLE = "Opening hours at the central library"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_a_body_split_by_an_advert_is_read_whole():
    page = _fixture("split_body_article.html")
    # trafilatura alone stops at the advert
    assert LAST_PARAGRAPH not in trafilatura.extract(page, **EXTRACT_OPTIONS)
    article = extract_html_article(page.encode("utf-8"), "split.html")
    paragraphs = article["body"].split("\n\n")
    assert len(paragraphs) == 6 and paragraphs[-1].startswith(LAST_PARAGRAPH)
    assert article["extraction"] == "trafilatura"
    assert "Advertisement" not in article["body"]


def test_the_next_article_below_is_not_joined():
    article = extract_html_article(_fixture("next_article_below.html").encode("utf-8"), "next.html")
    assert article["body"].split("\n\n")[-1].startswith(LAST_PARAGRAPH)
    assert NEXT_ARTICLE not in article["body"]


def _tree(body: str):
    return lxml_html.document_fromstring(f"<html><body>{body}</body></html>")


def test_join_moves_text_and_children_in_order_and_keeps_the_text_between():
    tree = _tree('<div class="article-body"><p>One.</p></div>between'
                 '<div class="article-body">Loose text.<p>Two.</p>tail</div>after')
    assert join_split_body(tree) == 1
    parts = tree.xpath('//div[@class="article-body"]')
    assert len(parts) == 1
    assert [p.text for p in parts[0].iter("p")] == ["One.", "Loose text.", "Two."]
    assert "tail" in parts[0].text_content()
    assert "between" in tree.text_content() and "after" in tree.text_content()


def test_only_containers_of_the_same_kind_are_joined():
    different_class = _tree('<div class="article-body"><p>One.</p></div><div class="article-body wide"><p>Two.</p></div>')
    nested = _tree('<div class="article-body"><p>One.</p><div class="article-body"><p>Two.</p></div></div>')
    single = _tree('<div class="article-body"><p>One.</p></div><aside><p>Two.</p></aside>')
    for tree in (different_class, nested, single):
        before = lxml_html.tostring(tree)
        assert join_split_body(tree) == 0
        assert lxml_html.tostring(tree) == before


def test_a_headline_between_two_containers_stops_the_join():
    tree = _tree('<div class="article-body"><p>One.</p></div><h1>Next story</h1>'
                 '<div class="article-body"><p>Two.</p></div><div class="article-body"><p>Three.</p></div>')
    assert join_split_body(tree) == 0
    assert len(tree.xpath('//div[@class="article-body"]')) == 3

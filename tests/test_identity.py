from transforms import identity


def test_content_hash_ignores_case_and_whitespace_only():
    assert identity.content_hash("Hello  World\n\nAgain") == identity.content_hash("hello world again")
    assert identity.content_hash("Hello world") != identity.content_hash("Hello world!")


def test_article_id_prefers_url_then_guid_then_text():
    by_url = identity.article_id(url="https://x.test/a", guid="g1", source_uri="f", title="T", body="B")
    same_url_other_text = identity.article_id(url="https://x.test/a", guid="g2", source_uri="f2", title="U", body="C")
    assert by_url == same_url_other_text and len(by_url) == identity.ID_HEX_CHARS

    by_guid = identity.article_id(url=None, guid="g1", source_uri="feed-a", title="T", body="B")
    assert by_guid != identity.article_id(url=None, guid="g1", source_uri="feed-b", title="T", body="B")

    by_text = identity.article_id(url=None, guid=None, source_uri="a.txt", title="T", body="B  b")
    assert by_text == identity.article_id(url=None, guid=None, source_uri="copy/a.txt", title="t", body="b B")
    assert by_text != identity.article_id(url=None, guid=None, source_uri="a.txt", title="T", body="B c")


def test_word_count_treats_contractions_and_hyphenation_as_one_word():
    assert identity.word_count("Russia doesn't want a Russia-Ukraine war.") == 6
    assert identity.word_count("") == 0

"""Array reads of a Doc give what spaCy's Token-based properties give."""
from transforms.nlp.doc_access import ancestor_count, left_edges, noun_chunk_bounds, sentence_starts
from transforms.nlp.keyphrases import extract_keyphrases, keyphrase_candidates
from transforms.nlp.model import load_model

# Coordination ("talks and deals"), appositions, pronouns and a paragraph break: the cases of
# spaCy's English noun-chunk rule; invented text.
TRICKY = ("The new defence minister and her deputies signed security guarantees, trade deals and "
          "a ten-year pact with Norway's largest shipping firm, Vessel Group.\n\nThey said it "
          "would help. What the committee wanted, the board refused: fresh elections.")


def _docs(seed_path):
    nlp = load_model()
    return list(nlp.pipe([TRICKY, seed_path.read_text(encoding="utf-8"), "", "Ok."]))


def test_noun_chunks_and_left_edges_equal_spacys(seed_path):
    for doc in _docs(seed_path):
        assert noun_chunk_bounds(doc) == [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
        heads = [token.head.i for token in doc]
        assert left_edges(heads) == [token.left_edge.i for token in doc]


def test_left_edges_of_a_hand_made_tree():
    # 1 heads 0 and 3, 3 heads 2; 4 is a second root, heading 5 (whose subtree is itself)
    assert left_edges([1, 1, 3, 1, 4, 4]) == [0, 0, 2, 2, 4, 5]


def test_keyphrase_candidates_trim_edges_and_key_nouns_by_lemma(seed_path):
    doc = _docs(seed_path)[0]
    candidates = list(keyphrase_candidates(doc))
    assert ("security guarantee", "security guarantees") in candidates   # noun as lemma
    assert ("new defence minister", "new defence minister") in candidates  # "The" trimmed
    assert not any(key.startswith(("the ", "her ", "they")) for key, _ in candidates)
    assert all("\n" not in surface for _, surface in candidates)
    assert "security guarantees" in extract_keyphrases(doc)


def test_token_indexes_equal_a_scan_of_every_token(seed_path):
    from spacy.attrs import LOWER, ORTH

    from transforms.nlp.entity_spans import token_indexes

    for doc in _docs(seed_path):
        for attr, name, texts in ((LOWER, "lower_", ("the", "and", "said")), (ORTH, "text", frozenset({"The", ","})),
                                  (ORTH, "text", {"Norway", "missing-word"}), (LOWER, "lower_", ())):
            expected = [token.i for token in doc if getattr(token, name) in texts]
            assert token_indexes(doc, attr, texts) == expected
            assert token_indexes(doc, attr, texts) == expected  # again, from the Doc's cached column


def test_texts_sentences_and_depths_equal_spacys(seed_path):
    from transforms.nlp.doc_access import absolute_heads, doc_text, token_texts

    for doc in _docs(seed_path):
        assert token_texts(doc) == [token.text for token in doc]
        assert doc_text(doc) == doc.text
        assert sentence_starts(doc) == [token.sent.start for token in doc]
        heads = absolute_heads(doc)
        assert heads == [token.head.i for token in doc]
        assert [ancestor_count(heads, i) for i in range(len(doc))] == [sum(1 for _ in t.ancestors) for t in doc]


def test_ancestor_count_of_a_hand_made_tree():
    # 1 heads 0 and 3, 3 heads 2; 4 is a second root, heading 5
    assert [ancestor_count([1, 1, 3, 1, 4, 4], i) for i in range(6)] == [1, 0, 2, 1, 0, 1]


def test_sentence_starts_without_a_parse_raise_like_spacy():
    import pytest
    import spacy

    doc = spacy.blank("en")("Two words")
    with pytest.raises(ValueError):
        sentence_starts(doc)

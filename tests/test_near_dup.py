"""Near-duplicates: MinHash signatures, LSH band keys and the dedup decisions built on them."""
import datetime as dt
import hashlib
import random

import pyarrow as pa
import pytest

from transforms import near_dup
from transforms.identity import content_hash as near_dup_hash
from transforms.dedup_plan import (DROP, EARLIER_RUN, KEEP, MARK, THIS_RUN, Candidate, first_copy_order,
                                   index_entry, index_rows, plan)
from transforms.seen_index import SeenIndex, apply_rows
from transforms.seen_rebuild import ensure_index
from transforms.storage import write_parquet_atomic

UTC = dt.timezone.utc
PARAMS = near_dup.PARAMS.as_dict()

STORY = ("The city council approved a new budget on Tuesday after months of debate over spending on "
         "roads, schools and parks. The mayor said the plan would cut waiting lists for school places "
         "and repair the worst roads within two years. Opposition members argued that the rise in "
         "council tax was too steep for families already struggling with energy bills. The budget "
         "passed by 31 votes to 18 and takes effect in April.")
EDITED = STORY.replace("Tuesday", "Wednesday") + " A spokesman declined to comment further."
OTHER = ("Heavy rain flooded dozens of homes in the valley overnight, and the fire service rescued "
         "a family of four from the roof of their car. Forecasters warned that more rain was expected "
         "at the weekend and urged drivers to avoid the main road through the town. The council has "
         "opened a rest centre in the school hall for people who cannot return home.")


@pytest.mark.parametrize("text", [STORY, EDITED, OTHER, "Just three words", "", "Ünïcode façade, naïve café. " * 9])
def test_signatures_equal_datasketchs_minhash(text):
    # near_dup computes datasketch's MinHash itself (no scipy import in workers); the stored
    # signatures must stay exactly what datasketch gives.
    from datasketch import MinHash

    minhash = MinHash(num_perm=near_dup.NUM_PERM, seed=near_dup.SEED)
    minhash.update_batch(sorted(near_dup.shingles(text)))
    assert near_dup.signature(text).tolist() == minhash.hashvalues.astype("uint32").tolist()


def test_default_banding_is_datasketchs_optimum_for_the_floor():
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=near_dup.LSH_FLOOR, num_perm=near_dup.NUM_PERM)
    assert near_dup.PARAMS.banding == near_dup.DEFAULT_BANDING == (lsh.b, lsh.r)
    # Other floors are still datasketch's choice.
    other = near_dup.NearDupParams(lsh_floor=0.8)
    assert other.banding == (MinHashLSH(threshold=0.8, num_perm=near_dup.NUM_PERM).b,
                             MinHashLSH(threshold=0.8, num_perm=near_dup.NUM_PERM).r)


def test_shingles_fold_case_and_space_and_short_texts_are_one_shingle():
    assert near_dup.shingles("One two  THREE four five", 4) == {b"one two three four", b"two three four five"}
    assert near_dup.shingles("Just three words", 4) == {b"just three words"}
    assert near_dup.shingles("", 4) == set()


def test_edited_copy_is_similar_and_a_different_story_is_not():
    story, edited, other = (near_dup.signature(t) for t in (STORY, EDITED, OTHER))
    assert near_dup.similarity(story, edited) >= near_dup.DEFAULT_THRESHOLD
    assert near_dup.similarity(story, other) < 0.2
    assert near_dup.similarity(story, near_dup.signature(STORY.upper())) == 1.0
    assert set(near_dup.band_keys(story)) & set(near_dup.band_keys(edited))
    assert not set(near_dup.band_keys(story)) & set(near_dup.band_keys(other))
    assert near_dup.from_bytes(near_dup.to_bytes(story)).tolist() == story.tolist()


def _candidate(article_id, body, content_hash=None, published=None, source_uri="s"):
    article = {"article_id": article_id, "content_hash": content_hash or f"h-{article_id}",
               "near_dup_signature": near_dup.to_bytes(near_dup.signature(body)),
               "published_at": published, "source_uri": source_uri}
    return Candidate(article["article_id"], article["content_hash"], article["near_dup_signature"],
                     first_copy_order(article)), article


def test_within_a_run_the_earliest_copy_is_kept_and_later_ones_point_at_it():
    day = dt.datetime(2024, 5, 1, tzinfo=UTC)
    first, _ = _candidate("a", STORY, published=day)
    copy, _ = _candidate("b", EDITED, published=day + dt.timedelta(hours=2))
    same_text, _ = _candidate("c", STORY, content_hash="h-a", published=day + dt.timedelta(hours=3))
    other, _ = _candidate("d", OTHER)
    decisions = plan([same_text, other, copy, first], None)
    assert decisions["a"].action == KEEP and decisions["d"].action == KEEP
    assert (decisions["b"].action, decisions["b"].key, decisions["b"].found_in, decisions["b"].duplicate_of) == (
        MARK, "near_duplicate", THIS_RUN, "a")
    assert decisions["b"].similarity >= near_dup.DEFAULT_THRESHOLD
    assert (decisions["c"].action, decisions["c"].key, decisions["c"].duplicate_of) == (DROP, "content_hash", "a")
    skipped = plan([copy, first], None, near_mode="skip")
    assert skipped["b"].action == DROP and skipped["b"].duplicate_of == "a"
    with pytest.raises(ValueError):
        plan([first], None, near_mode="sometimes")


def test_against_the_index_ids_hashes_and_near_duplicates_of_earlier_runs_are_found(tmp_path):
    out = str(tmp_path)
    _, first = _candidate("a", STORY)
    _, marked = _candidate("b", EDITED)
    apply_rows(out, "run-1", index_rows(*index_entry(first)), PARAMS)
    apply_rows(out, "run-2", index_rows(*index_entry(dict(marked, duplicate_of="a"))), PARAMS)

    again, _ = _candidate("a", STORY)
    same_text, _ = _candidate("z", STORY, content_hash="h-a")
    third_copy, _ = _candidate("c", EDITED + " Another line was added by a second site.")
    new, _ = _candidate("d", OTHER)
    index = SeenIndex(out, PARAMS)
    decisions = plan([again, same_text, third_copy, new], index.lookup)
    assert (decisions["a"].action, decisions["a"].key, decisions["a"].found_in) == (DROP, "article_id", EARLIER_RUN)
    assert (decisions["z"].action, decisions["z"].key, decisions["z"].duplicate_of) == (DROP, "content_hash", "a")
    # The closest earlier copy is b, but the story's first copy is a.
    assert (decisions["c"].action, decisions["c"].found_in, decisions["c"].duplicate_of) == (MARK, EARLIER_RUN, "a")
    assert decisions["d"].action == KEEP
    # --reprocess writes an article again, but still not another article's text.
    reprocessed = plan([again, same_text], index.lookup, reprocess=True)
    assert reprocessed["a"].action == KEEP and reprocessed["z"].action == DROP


def test_index_lookup_reads_only_the_blocks_of_the_keys_asked_for(tmp_path, monkeypatch):
    from transforms import seen_segments

    out = str(tmp_path)
    ids = [hashlib.sha256(str(i).encode()).hexdigest()[:32] for i in range(400)]
    rows = [row for i in ids for row in index_rows(*index_entry(_candidate(i, f"{OTHER} {i}")[1]))]
    apply_rows(out, "run-1", rows, PARAMS)
    index = SeenIndex(out, PARAMS)
    (segment,) = index.segments                          # 13,600 rows: one segment of 512 blocks
    assert segment["bits"] == 9
    read = []
    original = seen_segments._read_ranges
    monkeypatch.setattr(seen_segments, "_read_ranges",
                        lambda path, ranges: read.extend(end - start for start, end in ranges) or original(path, ranges))
    found = index.lookup([("id", ids[7])])
    assert found[("id", ids[7])][0].signature is not None
    assert len(read) == 2 and sum(read) < segment["size"] / 20   # the offsets, then the one block


def test_an_output_without_an_index_gets_one_built_from_its_articles_once(tmp_path):
    out = str(tmp_path)
    rows = [{"article_id": "a", "content_hash": "h-a", "duplicate_of": None, "body": STORY},
            {"article_id": "b", "content_hash": "h-b", "duplicate_of": "a", "body": EDITED}]
    write_parquet_atomic(f"{out}/articles/ingest_date=2026-01-01/part-1.parquet", pa.Table.from_pylist(rows))
    assert ensure_index(out) == 2
    assert ensure_index(out) == 0                      # there is an index now: nothing to do
    copy, _ = _candidate("c", EDITED + " One more sentence from a third site.")
    decision = plan([copy], SeenIndex(out, PARAMS).lookup)["c"]
    assert (decision.action, decision.duplicate_of) == (MARK, "a")


def test_on_the_bbc_texts_no_distinct_stories_match_and_edited_copies_do(corpus_dir):
    from bench.near_dup_threshold import edits, load_bodies

    bodies = [body for _, body in load_bodies(corpus_dir / "text" / "bbc")]
    candidates = [_candidate(f"{i:04d}", body, content_hash=near_dup_hash(body))[0] for i, body in enumerate(bodies)]
    decisions = plan(candidates, None)
    near = [d for d in decisions.values() if d.key == "near_duplicate"]
    assert near == []                                   # 150 stories, none a near-duplicate of another
    rng = random.Random(3)
    copies = [_candidate(f"copy-{i:04d}", edits(body, rng)["one word changed + one sentence added"])[0]
              for i, body in enumerate(bodies)]
    marked = plan(candidates + copies, None)
    # The set has one story twice (same text): a copy of the second names the first.
    first_copy = {c.article_id: decisions[c.article_id].root_id for c in candidates}
    assert [marked[c.article_id].duplicate_of for c in copies] == [first_copy[c.article_id] for c in candidates]

"""Three scheduled runs over one folder, as issue 9 describes them, end to end.

Run 1 reads five articles; run 2 finds nothing new; run 3 reads one new article and a
lightly edited copy of an earlier one (one word changed, one sentence added).
"""
import glob
import json
import os

import pyarrow.parquet as pq
import pytest

from pipelines import batch
from tests.test_crash_safety import STORIES
from transforms.run_days import find_published

pytestmark = pytest.mark.slow

EXTRA = {"bridge.txt": ("Bridge closes for a week of repairs",
                        "The old road bridge over the river will close for a week from Monday while engineers "
                        "replace worn bearings. Drivers will be sent on a signed detour through the industrial "
                        "estate, and a free shuttle bus will carry pedestrians across the railway bridge.")}
NEW = ("Museum opens a gallery of local photographs",
       "The town museum has opened a gallery of photographs taken by residents over the last century. "
       "The curator said more than four hundred pictures had been lent by families, and the most popular "
       "so far shows the high street flooded in 1953. Entry is free on Saturdays until the end of March.")


def _write(folder, name, title, body):
    (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def _run(inputs, out, run_id, *flags):
    assert batch.run(["--input", str(inputs), "--output", str(out), "--run_id", run_id, *flags],
                     save_main_session=False) == 0
    return find_published(str(out), run_id)


def _parquet_files(out):
    return sorted(glob.glob(os.path.join(out, "*", "*", "*.parquet")))


def test_nothing_new_writes_no_file_and_an_edited_copy_names_the_first(tmp_path, seed_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / seed_path.name).write_bytes(seed_path.read_bytes())
    for name, (title, body) in {**STORIES, **EXTRA}.items():
        _write(inputs, name, title, body)

    first = _run(inputs, out, "r1")
    assert first["counts"]["articles_written"] == 5 and first["balance"]["ok"]
    assert "duplicates" in first["datasets_without_rows"] and "rejects" in first["datasets_without_rows"]
    assert json.loads((out / "_SUCCESS").read_text())["run_id"] == "r1"
    files_after_first = _parquet_files(out)

    second = _run(inputs, out, "r2")
    assert second["balance"]["articles_read"] == second["balance"]["deduplicated"] == 5
    assert _parquet_files(out) == files_after_first                      # no empty files
    assert sorted(second["datasets_without_rows"]) == ["articles", "duplicates", "entities", "quotes", "rejects"]
    assert json.loads((out / "_SUCCESS").read_text())["run_id"] == "r2"

    title, body = STORIES["harbour.txt"]
    edited = body.replace("six weeks", "seven weeks") + " The harbour master thanked the fishermen for their patience."
    _write(inputs, "harbour-syndicated.txt", "Harbour repairs start", edited)
    _write(inputs, "museum.txt", *NEW)
    third = _run(inputs, out, "r3")
    assert third["counts"]["articles_written"] == 2 and third["counts"]["near_duplicates_marked"] == 1
    articles = pq.read_table(str(out / "articles"), columns=["article_id", "source_uri", "duplicate_of",
                                                              "duplicate_similarity", "run_id"]).to_pylist()
    by_source = {os.path.basename(a["source_uri"]): a for a in articles}
    assert by_source["harbour-syndicated.txt"]["duplicate_of"] == by_source["harbour.txt"]["article_id"]
    assert by_source["harbour-syndicated.txt"]["duplicate_similarity"] >= 0.6
    assert by_source["museum.txt"]["duplicate_of"] is None
    assert len(articles) == len({a["article_id"] for a in articles}) == 7

    # The same copy under --near_duplicates skip is dropped, and the duplicates dataset says why.
    _write(inputs, "harbour-again.txt", "Harbour wall work begins",
           body + " Reporting by a news agency. The quay reopens in spring.")
    fourth = _run(inputs, out, "r4", "--near_duplicates", "skip")
    assert fourth["counts"]["articles_written"] == 0
    (dropped,) = pq.read_table(str(out / "duplicates")).to_pylist()
    assert (os.path.basename(dropped["source_uri"]), dropped["key"], dropped["found_in"], dropped["duplicate_of"]) == (
        "harbour-again.txt", "near_duplicate", "earlier_run", by_source["harbour.txt"]["article_id"])

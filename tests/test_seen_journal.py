"""The seen-index journal: commits without the output lock (streaming windows) lose no keys."""
import concurrent.futures
import threading

import pytest
from apache_beam.transforms import window
from apache_beam.utils.windowed_value import PaneInfo, PaneInfoTiming

from tests.test_rows_and_sinks import enriched_article
from transforms import near_dup, seen_journal
from transforms.dedup_plan import written_rows
from transforms.rows import article_row
from transforms.seen_index import IndexMismatch, SeenIndex, apply_rows, record_unlocked
from transforms.stream_sink import CommitWindowFn

PARAMS = near_dup.PARAMS.as_dict()
BODY = "The council of Riverton published report number {n} on road repairs on Tuesday."


def row(n, duplicate_of=None):
    return {"article_id": f"{n:032x}", "content_hash": f"{n:064x}", "duplicate_of": duplicate_of,
            "body": BODY.format(n=n)}


def ids_found(out, ns):
    found = SeenIndex(out, PARAMS).lookup([("id", f"{n:032x}") for n in ns])
    return sorted(int(key, 16) for _kind, key in found)


def journal_files(out):
    return sorted(p.name for p in (out / "_state" / "seen" / seen_journal.JOURNAL_DIR).glob("*"))


def test_written_rows_are_what_the_index_keeps_of_an_articles_row():
    first, copy = row(1), row(2, duplicate_of=f"{1:032x}")
    rows = written_rows([first, copy])
    ids = [r for r in rows if r.kind == "id"]
    assert [(r.key, r.root_id) for r in ids] == [(first["article_id"], first["article_id"]),
                                                 (copy["article_id"], first["article_id"])]
    assert ids[0].signature == near_dup.to_bytes(near_dup.signature(first["body"]))
    assert [r.key for r in rows if r.kind == "hash"] == [first["content_hash"], copy["content_hash"]]
    bands = [r for r in rows if r.kind == "band"]
    assert bands and {r.article_id for r in bands} == {first["article_id"], copy["article_id"]}


def test_windows_committing_at_once_lose_no_keys_and_the_next_locked_commit_folds_them(tmp_path):
    out = str(tmp_path)
    apply_rows(out, "batch-1", written_rows([row(0)]), PARAMS)          # an index from an earlier batch run
    windows = 12
    start = threading.Barrier(windows)

    def commit_window(w):
        start.wait()                                                     # every window writes at the same moment
        record_unlocked(out, f"job-w{w:02d}", written_rows([row(10 * w + 1), row(10 * w + 2)]), PARAMS)

    with concurrent.futures.ThreadPoolExecutor(windows) as pool:
        list(pool.map(commit_window, range(windows)))
    every = [0] + [10 * w + k for w in range(windows) for k in (1, 2)]
    assert ids_found(out, every) == sorted(every)
    assert len(journal_files(tmp_path)) == windows

    apply_rows(out, "batch-2", written_rows([row(999)]), PARAMS)
    assert journal_files(tmp_path) == [], "folded into the shards, then deleted"
    assert ids_found(out, every + [999]) == sorted(every + [999])


def test_a_window_committing_during_a_fold_keeps_its_file(tmp_path, monkeypatch):
    out = str(tmp_path)
    record_unlocked(out, "job-w1", written_rows([row(1)]), PARAMS)
    listed = seen_journal.read_journal

    def listing_then_a_window_commits(directory, threads):
        found = listed(directory, threads)
        record_unlocked(out, "job-w2", written_rows([row(2)]), PARAMS)
        return found

    monkeypatch.setattr(seen_journal, "read_journal", listing_then_a_window_commits)
    apply_rows(out, "batch-1", written_rows([row(3)]), PARAMS)
    monkeypatch.undo()
    assert journal_files(tmp_path) == ["job-w2.json"]
    assert ids_found(out, [1, 2, 3]) == [1, 2, 3]


def test_a_journal_from_other_near_duplicate_parameters_is_refused(tmp_path):
    out = str(tmp_path)
    record_unlocked(out, "job-w1", written_rows([row(1)]), dict(PARAMS, num_perm=1))
    with pytest.raises(IndexMismatch, match="journal/job-w1.json"):
        SeenIndex(out, PARAMS)


def test_a_committed_window_and_its_retry_record_the_articles_once(tmp_path):
    from tests.test_stream_sink import COUNTED

    fn = CommitWindowFn(str(tmp_path), "job", COUNTED, ("articles",), {}, [])
    article = article_row(enriched_article(article_id=f"{7:032x}", content_hash=f"{7:064x}"), "job")
    items = [("row", "articles", "ingest_date=2026-12-03", article), ("count", "articles_read"),
             ("count", "articles_written")]
    pane = PaneInfo(True, True, PaneInfoTiming.ON_TIME, 0, 0)
    for _attempt in range(2):
        list(fn.process(("window", items), win=window.IntervalWindow(0, 10), pane=pane))
    assert journal_files(tmp_path) == ["job-19700101T000000Z.json"]
    assert ids_found(str(tmp_path), [7]) == [7]
    hashes = SeenIndex(str(tmp_path), PARAMS).lookup([("hash", f"{7:064x}")])
    assert [r.article_id for r in hashes[("hash", f"{7:064x}")]] == [f"{7:032x}"]

"""Paths through Beam's FileSystems: feed lists, their relative entries, inputs and summary on a
non-local scheme (``memfs://``, an in-memory filesystem registered with Beam, standing in for gs://).
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import summary
from schemas import schema_for
from tests.memfs import MemoryFileSystem
from transforms.sources.discover import expand_inputs, read_feed_list
from transforms.sources.feed_lists import parse_feed_list, resolve_location


@pytest.fixture()
def memfs():
    MemoryFileSystem.clear()
    yield MemoryFileSystem
    MemoryFileSystem.clear()


# --- feed-list entries (pure) -------------------------------------------------------------

@pytest.mark.parametrize("entry, expected", [
    ("x.xml", "gs://b/l/x.xml"),
    ("sub/x.xml", "gs://b/l/sub/x.xml"),
    ("../other/x.xml", "gs://b/other/x.xml"),
    ("../../../x.xml", "gs://b/x.xml"),          # never climbs out of the bucket
    ("/top/x.xml", "gs://b/top/x.xml"),          # from the bucket's root, as a URL path would be
    ("gs://c/feeds/y.xml", "gs://c/feeds/y.xml"),
    ("https://example.org/rss", "https://example.org/rss"),
])
def test_entries_of_a_gs_list_resolve_in_its_bucket(entry, expected):
    assert resolve_location(entry, "gs://b/l/feeds.txt") == expected


def test_gs_entries_are_feed_locations_in_a_local_list():
    locations, rejects = parse_feed_list(b"gs://b/feeds/world.xml\nmemfs://m/x.rss\nftp://h/x.xml\n",
                                         "/srv/lists/feeds.txt")
    assert locations == ["gs://b/feeds/world.xml", "memfs://m/x.rss"]
    assert [(r["item_key"], r["reason"]) for r in rejects] == [("line 3", "unsupported-scheme")]


def test_a_scheme_without_a_bucket_is_refused():
    locations, rejects = parse_feed_list(b"gs:feeds.xml\n", "/srv/feeds.txt")
    assert locations == [] and rejects[0]["reason"] == "unsupported-scheme"


# --- reading lists and inputs through FileSystems ------------------------------------------

def test_feed_list_on_a_remote_filesystem(memfs):
    memfs.put("memfs://b/lists/feeds.txt", b"# ours\nheadlines.rss\n../shared/latin1.rss\ngs://c/x.xml\n")
    locations, rejects = read_feed_list("memfs://b/lists/feeds.txt")
    assert rejects == []
    assert locations == ["memfs://b/lists/headlines.rss", "memfs://b/shared/latin1.rss", "gs://c/x.xml"]
    refs = expand_inputs([], locations)
    assert {(r.uri, r.kind) for r in refs} == {(loc, "path") for loc in locations}


def test_remote_inputs_folder_and_glob(memfs):
    for name in ("inbox/a.txt", "inbox/deep/b.txt", "inbox/.hidden.txt", "inbox/c.xml"):
        memfs.put(f"memfs://b/{name}", b"x")
    assert [r.uri for r in expand_inputs(["memfs://b/inbox"])] == [
        "memfs://b/inbox/a.txt", "memfs://b/inbox/c.xml", "memfs://b/inbox/deep/b.txt"]
    assert [r.uri for r in expand_inputs(["memfs://b/inbox/*.txt"])] == ["memfs://b/inbox/a.txt"]


# --- summary -------------------------------------------------------------------------------

ROWS = {
    "articles": [{"source_type": "feed", "language": "en", "published_at": dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)},
                 {"source_type": "file", "language": "en", "published_at": None},
                 {"source_type": "feed", "language": "de", "published_at": dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)}],
    "entities": [{"name": "Ada Lovelace", "label": "PERSON", "mentions": 3, "article_id": "a1"},
                 {"name": "Ada Lovelace", "label": "PERSON", "mentions": 2, "article_id": "a2"},
                 {"name": "Wales", "label": "GPE", "mentions": 1, "article_id": "a1"}],
    "quotes": [{"speaker": "Ada Lovelace", "is_scare": False, "is_partial": False},
               {"speaker": "Wales", "is_scare": True, "is_partial": False}],
    "rejects": [{"stage": "read", "reason": "file-too-large"}],
}


def _parquet(dataset: str, rows: list[dict]) -> bytes:
    fields = [schema_for(dataset).field(name) for name in summary.COLUMNS[dataset]]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema(fields)), buffer)
    return buffer.getvalue()


def _write_datasets(put, root: str):
    for dataset, rows in ROWS.items():
        # Two partitions, so the readers' glob has to span folders.
        put(f"{root}/{dataset}/ingest_date=2026-01-02/part-r1-00000.parquet", _parquet(dataset, rows[:1]))
        if rows[1:]:
            put(f"{root}/{dataset}/ingest_date=2026-01-03/part-r2-00000.parquet", _parquet(dataset, rows[1:]))
    manifest = {"run_id": "r2", "balance": {"articles_written": 2}, "counts": {"rejects_written": 0},
                "duration_s": 1.5}
    put(f"{root}/_runs/r1.json", json.dumps({**manifest, "run_id": "r1"}).encode())
    put(f"{root}/_runs/r2.json", json.dumps(manifest).encode())
    # Not data: temporary and staged files are never globbed by readers.
    put(f"{root}/articles/ingest_date=2026-01-03/part-r3-00000.parquet.tmp", b"partial")
    put(f"{root}/_staging/r3/articles/ingest_date=2026-01-03/part-r3-00000.parquet", b"partial")


def test_summary_reads_a_remote_output_like_a_local_one(memfs, tmp_path, capsys):
    def put_local(path, data):
        target = tmp_path.joinpath(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    _write_datasets(memfs.put, "memfs://b/news")
    _write_datasets(lambda path, data: put_local(path.removeprefix(str(tmp_path) + "/"), data), str(tmp_path))
    remote, local = summary.summarize("memfs://b/news"), summary.summarize(str(tmp_path))
    assert {**remote, "output": None} == {**local, "output": None}
    assert remote["articles"] == 3 and remote["runs"] == 2 and remote["last_run"]["run_id"] == "r2"
    assert remote["top_entities"][0] == ("Ada Lovelace", "PERSON", 5, 2)
    assert remote["top_speakers"] == [("Ada Lovelace", 1)]
    assert remote["rejects"] == [("read", "file-too-large", 1)]

    assert summary.run(["--output", "memfs://b/news/"]) == 0
    out = capsys.readouterr().out
    assert "news-ingest datasets in memfs://b/news" in out and "articles: 3 (2 feed, 1 file" in out


def test_summary_of_an_empty_remote_output(memfs, capsys):
    assert summary.run(["--output", "memfs://b/nothing"]) == 0
    assert "no articles under memfs://b/nothing yet" in capsys.readouterr().out


def test_summary_names_an_unreadable_scheme(capsys):
    assert summary.run(["--output", "nosuchfs://b/news"]) == 2
    assert "nosuchfs://b/news" in capsys.readouterr().err


# --- a whole batch run on a non-local filesystem ---------------------------------------------

@pytest.mark.slow
def test_batch_run_with_feed_list_and_output_on_a_remote_filesystem(memfs, capsys):
    """A gs://-style feed list with relative entries, read and written through FileSystems only."""
    from pipelines import batch
    from tests.conftest import FIXTURES_DIR

    memfs.put("memfs://b/lists/feeds.txt", b"headlines.rss\n../shared/latin1.rss\n")
    memfs.put("memfs://b/lists/headlines.rss", (FIXTURES_DIR / "feeds" / "headlines.rss").read_bytes())
    memfs.put("memfs://b/shared/latin1.rss", (FIXTURES_DIR / "feeds" / "latin1.rss").read_bytes())
    assert batch.run(["--feeds", "memfs://b/lists/feeds.txt", "--output", "memfs://out/news", "--run_id", "r1"]) == 0
    manifest = json.loads(memfs.files["memfs://out/news/_runs/r1.json"][0])
    assert manifest["balance"]["ok"] and manifest["counts"]["sources"] == 2
    assert manifest["counts"]["articles_written"] > 0
    written = [p for p in memfs.files if p.startswith("memfs://out/news/articles/") and p.endswith(".parquet")]
    assert written
    assert [p for p in memfs.files if "/_staging/" in p] == []  # the commit deleted its staged run, parts and all
    capsys.readouterr()
    assert summary.run(["--output", "memfs://out/news"]) == 0
    assert f"articles: {manifest['counts']['articles_written']} (" in capsys.readouterr().out

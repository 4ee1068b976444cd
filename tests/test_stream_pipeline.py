"""The streaming pipeline, bounded by --stop_after_polls: re-polled feeds are deduplicated by state."""
import duckdb
import pytest

from pipelines import stream
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.slow


def test_two_polls_of_a_feed_write_each_entry_once(tmp_path):
    feed = FIXTURES_DIR / "feeds" / "headlines.rss"
    out = tmp_path / "out"
    status = stream.run(["--input", str(feed), "--output", str(out), "--poll_interval", "1",
                         "--stop_after_polls", "2", "--window_seconds", "60", "--run_id", "s1"],
                        save_main_session=False)
    assert status == 0
    con = duckdb.connect()
    scan = f"read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true)"
    total, distinct, runs = con.execute(f"SELECT count(*), count(DISTINCT article_id), any_value(run_id) "
                                        f"FROM {scan}").fetchone()
    assert total == distinct > 0, "the second poll's entries are duplicates and must not be written again"
    assert runs == "s1"
    names = [p.name for p in (out / "articles").glob("ingest_date=*/*.parquet")]
    assert names and all(n.startswith("part-") and "-s1-" in n for n in names)
    # The same feed parsed in batch gives the same number of articles.
    from transforms.sources.feeds import parse_feed

    articles, _ = parse_feed(feed.read_bytes(), str(feed))
    assert total == len({a["guid"] or a["url"] for a in articles})

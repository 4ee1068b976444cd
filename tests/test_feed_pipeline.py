"""The batch pipeline on feeds served over loopback HTTP: conditional GET state, full text, rejects."""
import json
import textwrap

import duckdb
import pytest

from pipelines import batch
from tests.fixtures.http_server import LoopbackServer, Reply, only_loopback  # noqa: F401 (autouse fixture)
from transforms.run_days import find_published

pytestmark = pytest.mark.slow

STORY = ("The city council of Springfield approved a new budget on Tuesday after a long debate about "
         "road repairs, school funding and the future of the public library.")


def feed_xml(base: str) -> bytes:
    return textwrap.dedent(f"""\
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel>
          <title>Springfield Gazette</title><link>{base}/</link><language>en</language>
          <item><title>Council approves budget</title><link>{base}/story/budget?utm_source=rss</link>
            <guid>budget-1</guid><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
            <description>{STORY}</description></item>
          <item><title>Library hours extended</title><link>{base}/story/missing</link>
            <guid>library-2</guid><pubDate>Tue, 05 Mar 2024 11:00:00 GMT</pubDate>
            <description>The public library will open on Sundays from April, the council said.</description></item>
          <item><guid>nothing-3</guid></item>
        </channel></rss>""").encode()


def story_page() -> bytes:
    paragraphs = "".join(f"<p>{text}</p>" for text in [
        STORY,
        "Mayor Jane Quimby said the budget was \"the best compromise we could reach\" and thanked residents "
        "who had written to the council with their views over the past three months of consultation.",
        "The largest single item is a programme of road repairs across the east side of the city, which "
        "engineers say has been delayed for almost a decade because of earlier spending cuts.",
        "School funding rises by four percent, while the library keeps its current opening hours until a "
        "review of its future is finished next year, officials told reporters after the vote.",
    ])
    return (f"<html><head><title>Council approves budget</title>"
            f"<meta name=\"author\" content=\"Sam Reporter\"></head><body><nav>Home | News | Sport</nav>"
            f"<article><h1>Council approves budget</h1>{paragraphs}</article>"
            f"<footer>Copyright 2024 Springfield Gazette</footer></body></html>").encode()


@pytest.fixture()
def server():
    with LoopbackServer() as srv:
        base = srv.url("").rstrip("/")

        def feed(request):
            if request.headers.get("if-none-match") == '"v1"':
                return Reply(304, b"", {"ETag": '"v1"'})
            return Reply(200, feed_xml(base), {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

        srv.route("/feed.xml", feed)
        srv.route("/broken.xml", Reply(500, b"oops"))
        srv.route("/story/budget", Reply(200, story_page(), {"Content-Type": "text/html; charset=utf-8"}))
        srv.route("/robots.txt", Reply(404, b""))
        yield srv


def _run(server, out, run_id, *extra):
    argv = ["--input", server.url("/feed.xml"), "--input", server.url("/broken.xml"), "--output", str(out),
            "--run_id", run_id, "--allow_host", "127.0.0.1", "--http_retries", "1", "--http_timeout", "2",
            "--http_deadline", "10", *extra]
    assert batch.run(argv, save_main_session=False) == 0
    return find_published(str(out), run_id)


def test_feed_run_fetches_full_text_keeps_state_and_then_gets_304(server, tmp_path):
    out = tmp_path / "out"
    first = _run(server, out, "run-1", "--fetch_articles")
    assert first["balance"]["ok"] and first["balance"]["articles_written"] == 2

    con = duckdb.connect()
    rows = dict(con.execute(
        f"SELECT title, struct_pack(url, extraction, source_type, source_name, body) "
        f"FROM read_parquet('{out}/articles/*/*.parquet')").fetchall())
    budget, library = rows["Council approves budget"], rows["Library hours extended"]
    assert budget["extraction"] == "trafilatura" and "road repairs across the east side" in budget["body"]
    assert budget["url"].endswith("/story/budget"), "tracking parameters are dropped"
    assert budget["source_type"] == "feed" and budget["source_name"] == "Springfield Gazette"
    assert "full-text failed" in library["extraction"] and "http-404" in library["extraction"]
    assert library["body"].startswith("The public library will open on Sundays")

    rejects = con.execute(f"SELECT source_uri, stage, reason, item_key FROM read_parquet('{out}/rejects/*/*.parquet') "
                          f"ORDER BY stage").fetchall()
    assert (server.url("/broken.xml"), "fetch", "http-500", None) in rejects
    # An entry with nothing but a GUID (which RSS makes a permalink) is no article: a reject says why.
    assert any(stage == "parse" and reason == "no-text" and key.endswith("nothing-3")
               for _, stage, reason, key in rejects), rejects
    assert len(server.requests_to("/broken.xml")) == 2, "one retry on 500"

    state = json.loads((out / "_state" / "http_validators.json").read_text())
    assert state["validators"][server.url("/feed.xml")]["etag"] == '"v1"'

    second = _run(server, out, "run-2")
    assert second["counts"]["sources_not_modified"] == 1
    assert second["balance"]["articles_read"] == 0 and second["balance"]["ok"]
    assert server.requests_to("/feed.xml")[-1].headers.get("if-none-match") == '"v1"'


def test_misbehaving_servers_end_as_reject_rows_and_other_sources_survive(tmp_path):
    """Every hostile response ends, bounded in time, as a reject row; the good feed is still ingested."""
    import gzip

    bomb = gzip.compress(b"\0" * (30 * 1024 * 1024))
    with LoopbackServer() as srv:
        base = srv.url("").rstrip("/")
        srv.route("/good.xml", Reply(200, feed_xml(base)))
        srv.route("/page.html", Reply(200, story_page(), {"Content-Type": "text/html"}))
        srv.route("/stall.xml", Reply(200, feed_xml(base), stall_s=5))
        srv.route("/huge.xml", Reply(200, b"<rss>" + b"x" * (3 * 1024 * 1024) + b"</rss>"))
        srv.route("/bomb.xml", Reply(200, bomb, {"Content-Encoding": "gzip"}))
        srv.route("/loop-a", Reply(301, b"", {"Location": "/loop-b"}))
        srv.route("/loop-b", Reply(301, b"", {"Location": "/loop-a"}))
        srv.route("/moved.xml", Reply(301, b"", {"Location": "/good.xml"}))
        feeds = tmp_path / "feeds.txt"
        feeds.write_text("# the newsroom's feeds\n" + "\n".join(
            srv.url(p) for p in ("/stall.xml", "/huge.xml", "/bomb.xml", "/loop-a", "/moved.xml")) +
            "\nftp://example.invalid/feed.xml\n", encoding="utf-8")
        out = tmp_path / "out"
        status = batch.run(["--input", srv.url("/good.xml"), "--input", srv.url("/page.html"),
                            "--feeds", str(feeds), "--output", str(out), "--run_id", "r",
                            "--allow_host", "127.0.0.1", "--http_retries", "0", "--http_timeout", "1",
                            "--http_deadline", "3", "--max_download_bytes", str(1024 * 1024)],
                           save_main_session=False)
    assert status == 0
    manifest = json.loads((out / "_runs" / "r.json").read_text())
    assert manifest["balance"]["ok"]
    con = duckdb.connect()
    rejects = {(uri.rsplit("/", 1)[-1], reason) for uri, reason in con.execute(
        f"SELECT source_uri, reason FROM read_parquet('{out}/rejects/*/*.parquet') WHERE stage IN ('fetch', 'discover')"
    ).fetchall()}
    assert ("stall.xml", "timeout") in rejects or ("stall.xml", "deadline-exceeded") in rejects, rejects
    assert ("huge.xml", "body-too-large") in rejects, rejects
    assert ("bomb.xml", "decompressed-too-large") in rejects, rejects
    assert ("loop-a", "too-many-redirects") in rejects, rejects
    assert any(reason == "unsupported-scheme" for _, reason in rejects), rejects
    kinds = dict(con.execute(f"SELECT source_type, count(*) FROM read_parquet('{out}/articles/*/*.parquet') "
                             f"GROUP BY 1").fetchall())
    # good.xml and moved.xml (a redirect to it) carry the same two entries: deduplicated, not doubled.
    assert kinds == {"feed": 2, "html": 1}, kinds
    assert manifest["balance"]["deduplicated"] == 2

"""Fetcher against a loopback server: every case ends with a result, within a small deadline.

No test connects anywhere but 127.0.0.1: the ``only_loopback`` fixture wraps the one function
the fetcher connects through and fails the test on any other address.  Names such as
``internal.example`` are "resolved" by a fake resolver to private addresses, which the guard
must refuse before connecting.
"""
import datetime as dt
import email.utils
import gzip
import importlib.metadata
import random
import re
import threading
import tracemalloc
import zlib

import pytest

from tests.fixtures.http_server import LoopbackServer, Reply, fake_resolver, make_test_tls
from tests.fixtures.http_server import only_loopback  # noqa: F401  (autouse: no connection beyond 127.0.0.1)
from transforms.fetch import Fetcher
from transforms.fetch_policy import (BodyDecoder, backoff_delay, conditional_headers, is_retryable_status,
                                     parse_retry_after)
from transforms.fetch_types import FetchConfig, FetchFailure, FetchResult, default_user_agent

MIB = 1024 * 1024
ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


def make_config(**overrides) -> FetchConfig:
    # Timeouts generous enough that a loaded CI machine never turns a plain reply into a
    # timeout (and a retry); the stall tests set their own short ones.
    settings = dict(connect_timeout=2.0, read_timeout=2.0, total_deadline=5.0, max_body_bytes=MIB,
                    max_decompressed_bytes=MIB, max_redirects=3, max_retries=2, backoff_base=0.2,
                    backoff_max=5.0, allowed_hosts=frozenset({"127.0.0.1"}))
    settings.update(overrides)
    return FetchConfig(**settings)


class RecordingSleep:
    """Stands in for time.sleep: remembers the waits, does not wait."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def sleep():
    return RecordingSleep()


@pytest.fixture
def fetcher(sleep):
    with Fetcher(make_config(), sleep=sleep, rng=random.Random(7)) as instance:
        yield instance


def gzip_bomb(uncompressed_bytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MIB)
    parts = [compressor.compress(block) for _ in range(uncompressed_bytes // MIB)]
    return b"".join(parts) + compressor.flush()


@pytest.fixture(scope="module")
def bomb_50mb():
    return gzip_bomb(50 * MIB)


# --- identity -------------------------------------------------------------------------------


def test_user_agent_names_the_project_its_version_and_url():
    agent = default_user_agent()
    assert re.fullmatch(r"news-ingest/\S+ \(\+https://github\.com/news-ingest/news-ingest\)", agent)
    assert importlib.metadata.version("news-ingest") in agent


def test_config_rejects_nonsense_limits():
    with pytest.raises(ValueError):
        FetchConfig(read_timeout=0)
    with pytest.raises(ValueError):
        FetchConfig(max_body_bytes=0)
    with pytest.raises(ValueError):
        FetchConfig(max_retries=-1)
    assert FetchConfig(allowed_hosts=["a"]).allowed_hosts == frozenset({"a"})


# --- plain success, conditional GET ----------------------------------------------------------


def test_200_returns_body_headers_and_validators(server, fetcher):
    server.route("/feed.xml", Reply(200, b"<rss/>", {"ETag": ETAG, "Last-Modified": LAST_MODIFIED,
                                                     "Content-Type": "application/rss+xml"}))
    result = fetcher.fetch(server.url("/feed.xml"))
    assert result.ok and result.error_reason is None
    assert (result.status, result.body, result.not_modified, result.attempts) == (200, b"<rss/>", False, 1)
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.url == result.final_url == server.url("/feed.xml")
    sent = server.requests[-1].headers
    assert sent["user-agent"] == default_user_agent()
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def _conditional(request):
    if request.headers.get("if-none-match") == ETAG:
        return Reply(304, headers={"ETag": ETAG})
    return Reply(200, b"<rss>new</rss>", {"ETag": ETAG})


def test_conditional_get_sends_validators_and_304_means_nothing_new(server, fetcher):
    server.route("/feed.xml", _conditional)
    result = fetcher.fetch(server.url("/feed.xml"), {"etag": ETAG, "last_modified": LAST_MODIFIED})
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == ETAG and sent["if-modified-since"] == LAST_MODIFIED
    assert result.ok and result.not_modified and result.status == 304 and result.body is None
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)  # kept for the next run


def test_changed_resource_answers_200_despite_old_validators(server, fetcher):
    server.route("/feed.xml", _conditional)
    result = fetcher.fetch(server.url("/feed.xml"), {"etag": '"old"'})
    assert result.ok and not result.not_modified and result.body == b"<rss>new</rss>"


def test_connections_are_reused_after_304_redirects_and_small_error_pages(server, fetcher, only_loopback):
    server.route("/feed.xml", _conditional)
    server.route("/moved", Reply(301, b"see /feed.xml", {"Location": "/feed.xml"}))
    server.route("/gone", Reply(410, b"gone"))
    fetcher.fetch(server.url("/feed.xml"))
    fetcher.fetch(server.url("/feed.xml"), {"etag": ETAG})
    fetcher.fetch(server.url("/moved"), {"etag": ETAG})
    fetcher.fetch(server.url("/gone"))
    fetcher.fetch(server.url("/feed.xml"))
    assert len(server.requests) == 6 and len(only_loopback) == 1  # one TCP connection for all


def test_validators_that_could_inject_headers_are_not_sent():
    assert conditional_headers({"etag": '"a"\r\nX-Evil: 1', "last_modified": LAST_MODIFIED}) == {
        "If-Modified-Since": LAST_MODIFIED}
    assert conditional_headers({"etag": "", "last_modified": None}) == {}
    assert conditional_headers(None) == {}


# --- redirects -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_then_200(server, fetcher, status):
    server.route("/old", Reply(status, headers={"Location": "/new"}))
    server.route("/new", Reply(200, b"moved here"))
    result = fetcher.fetch(server.url("/old"))
    assert result.ok and result.body == b"moved here"
    assert result.url == server.url("/old") and result.final_url == server.url("/new")
    assert [request.path for request in server.requests] == ["/old", "/new"]


def test_redirect_loop_ends_as_too_many_redirects(server, fetcher):
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": server.url("/a")}))
    result = fetcher.fetch(server.url("/a"))
    assert result.error_reason == "too-many-redirects" and result.attempts == 1
    assert len(server.requests) == fetcher.config.max_redirects + 1


def test_utf8_location_is_followed_to_the_right_path(server, fetcher):
    server.route("/old", Reply(302, headers={"Location": "/été".encode("utf-8").decode("latin-1")}))
    server.route("/%C3%A9t%C3%A9", Reply(200, b"summer"))
    result = fetcher.fetch(server.url("/old"))
    assert result.ok and result.body == b"summer" and result.final_url == server.url("/été")


@pytest.mark.parametrize("location", ["/\xe9t\xe9", "http://[bad/"])
def test_unusable_location_is_a_result_not_an_exception(server, fetcher, location):
    server.route("/old", Reply(302, headers={"Location": location}))  # Latin-1 bytes, or a broken URL
    result = fetcher.fetch(server.url("/old"))
    assert result.error_reason in ("bad-response", "bad-redirect") and result.attempts == 1


def test_redirect_without_location(server, fetcher):
    server.route("/a", Reply(302))
    assert fetcher.fetch(server.url("/a")).error_reason == "bad-redirect"


def test_redirect_to_a_private_host_is_refused_without_connecting(server, sleep, only_loopback):
    server.route("/go", Reply(302, headers={"Location": "http://internal.example/admin"}))
    resolver = fake_resolver({"internal.example": ["10.0.0.1"]})
    with Fetcher(make_config(), resolve=resolver, sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/go"))
    assert result.error_reason == "blocked-host" and "10.0.0.1" in result.error_detail
    assert result.final_url == "http://internal.example/admin"
    assert result.attempts == 1 and sleep.waits == []
    assert set(only_loopback) == {"127.0.0.1"}


@pytest.mark.parametrize("location, reason", [("http://169.254.169.254/latest/meta-data/", "blocked-host"),
                                              ("http://[::1]/", "blocked-host"),
                                              ("file:///etc/passwd", "bad-scheme"),
                                              ("ftp://files.example/x", "bad-scheme")])
def test_redirect_targets_pass_the_guard(server, fetcher, location, reason):
    server.route("/go", Reply(301, headers={"Location": location}))
    result = fetcher.fetch(server.url("/go"))
    assert result.error_reason == reason and result.final_url == location


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ftp.example/pub/feed.xml", "mailto:a@b.example"])
def test_bad_scheme_is_refused_before_any_connection(fetcher, only_loopback, url):
    result = fetcher.fetch(url)
    assert result.error_reason == "bad-scheme" and result.status is None and result.body is None
    assert only_loopback == []


def test_loopback_is_blocked_unless_allowed(server, sleep):
    server.route("/x", Reply(200, b"ok"))
    with Fetcher(make_config(allowed_hosts=frozenset()), sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/x"))
    assert result.error_reason == "blocked-host" and server.requests == []


# --- pinning -------------------------------------------------------------------------------


def test_connection_goes_to_the_vetted_address_with_the_original_host_header(server, sleep, only_loopback):
    server.route("/feed", Reply(200, b"pinned"))
    # The system resolver does not know feed.test: success proves the vetted address was used.
    with Fetcher(make_config(), resolve=fake_resolver({"feed.test": ["127.0.0.1"]}), sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/feed", host="feed.test"))
    assert result.ok and result.body == b"pinned"
    assert server.requests[-1].headers["host"] == f"feed.test:{server.port}"
    assert only_loopback == ["127.0.0.1"]


def test_dns_rebinding_to_a_private_address_is_caught_on_the_next_request(server, sleep, only_loopback):
    server.route("/feed", Reply(200, b"ok"))
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    resolver_calls = []

    def rebinding(host, port, *args, **kwargs):
        resolver_calls.append(host)
        return fake_resolver({"feed.test": next(answers)})(host, port)

    with Fetcher(make_config(), resolve=rebinding, sleep=sleep) as fetcher:
        first = fetcher.fetch(server.url("/feed", host="feed.test"))
        second = fetcher.fetch(server.url("/feed", host="feed.test"))
    assert first.ok and second.error_reason == "blocked-host"
    assert resolver_calls == ["feed.test", "feed.test"] and set(only_loopback) == {"127.0.0.1"}
    assert len(server.requests) == 1


def test_environment_proxies_are_ignored(server, fetcher, monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://10.9.9.9:3128")
    server.route("/x", Reply(200, b"direct"))
    assert fetcher.fetch(server.url("/x")).body == b"direct"


# --- retries -------------------------------------------------------------------------------


def test_500_then_200_is_retried_with_backoff(server, fetcher, sleep):
    server.route("/flaky", [Reply(500), Reply(200, b"recovered")])
    result = fetcher.fetch(server.url("/flaky"))
    assert result.ok and result.body == b"recovered" and result.attempts == 2
    assert len(sleep.waits) == 1 and 0.1 <= sleep.waits[0] <= 0.2  # equal jitter on base 0.2


def test_persistent_503_gives_up_after_max_retries(server, fetcher, sleep):
    server.route("/down", Reply(503))
    result = fetcher.fetch(server.url("/down"))
    assert (result.error_reason, result.status, result.attempts) == ("http-503", 503, 3)
    assert len(server.requests) == 3
    assert 0.1 <= sleep.waits[0] <= 0.2 and 0.2 <= sleep.waits[1] <= 0.4  # doubles each time


@pytest.mark.parametrize("status", [400, 403, 404, 410, 501])
def test_permanent_errors_are_not_retried(server, fetcher, sleep, status):
    server.route("/x", Reply(status))
    result = fetcher.fetch(server.url("/x"))
    assert (result.error_reason, result.status, result.attempts) == (f"http-{status}", status, 1)
    assert sleep.waits == [] and result.body is None


def test_429_honours_retry_after_seconds(server, fetcher, sleep):
    server.route("/busy", [Reply(429, headers={"Retry-After": "2"}), Reply(200, b"ok")])
    result = fetcher.fetch(server.url("/busy"))
    assert result.ok and result.attempts == 2 and sleep.waits == [2.0]


def test_429_honours_retry_after_http_date(server, sleep):
    now = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=3), usegmt=True)
    server.route("/busy", [Reply(429, headers={"Retry-After": later}), Reply(200, b"ok")])
    with Fetcher(make_config(), sleep=sleep, now=lambda: now) as fetcher:
        result = fetcher.fetch(server.url("/busy"))
    assert result.ok and sleep.waits == [3.0]


def test_retry_after_longer_than_backoff_max_gives_up_instead_of_retrying_early(server, fetcher, sleep):
    server.route("/busy", Reply(503, headers={"Retry-After": "3600"}))
    result = fetcher.fetch(server.url("/busy"))
    assert result.error_reason == "http-503" and result.attempts == 1 and sleep.waits == []
    assert "Retry-After" in result.error_detail


def test_no_retry_when_the_wait_would_pass_the_deadline(server, sleep):
    server.route("/busy", Reply(429, headers={"Retry-After": "4"}))
    with Fetcher(make_config(total_deadline=1.0), sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/busy"))
    assert result.error_reason == "http-429" and result.attempts == 1 and sleep.waits == []
    assert "deadline" in result.error_detail


def test_connection_refused_is_retried_then_reported(fetcher, sleep):
    import socket
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert result.error_reason == "connection-error" and result.attempts == 3 and len(sleep.waits) == 2
    assert result.status is None


# --- time limits ---------------------------------------------------------------------------


def test_stall_past_the_read_timeout_is_a_timeout_and_retried(server, sleep):
    server.route("/stall", Reply(200, b"late", stall_s=30))
    with Fetcher(make_config(max_retries=1, read_timeout=0.5), sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/stall"))
    assert result.error_reason == "timeout" and result.attempts == 2 and len(sleep.waits) == 1


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_trickling_body_ends_at_the_total_deadline(server, sleep, framing):
    # 400 bytes at one per 50 ms would take 20 s; no single read ever waits 0.5 s.
    server.route("/trickle", Reply(200, b"x" * 400, framing=framing, trickle_s=0.05, trickle_bytes=1))
    with Fetcher(make_config(total_deadline=0.6), sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/trickle"))
    assert result.error_reason == "deadline-exceeded" and result.body is None
    assert result.attempts == 1 and sleep.waits == []
    assert server.completed == []  # the fetch ended while the server was still trickling


@pytest.mark.parametrize("status, headers", [(200, {"X-Pad": "p" * 400}),
                                             (302, {"Location": "/elsewhere", "X-Pad": "p" * 400})])
def test_trickling_headers_end_at_the_total_deadline(server, sleep, status, headers):
    server.route("/trickle", Reply(status, b"body", headers, trickle_s=0.05, trickle_headers=True))
    with Fetcher(make_config(total_deadline=0.6), sleep=sleep) as fetcher:
        result = fetcher.fetch(server.url("/trickle"))
    assert result.error_reason == "deadline-exceeded" and server.completed == []
    assert [request.path for request in server.requests] == ["/trickle"]  # no truncated Location followed


# --- size limits ---------------------------------------------------------------------------


def test_declared_oversized_body_is_refused_from_content_length(server, fetcher):
    server.route("/big", Reply(200, b"x" * (2 * MIB)))
    result = fetcher.fetch(server.url("/big"))
    assert result.error_reason == "body-too-large" and "Content-Length" in result.error_detail
    assert result.body is None and result.attempts == 1


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_undeclared_oversized_body_stops_while_streaming(server, fetcher, framing):
    server.route("/big", Reply(200, b"x" * (3 * MIB), framing=framing))
    result = fetcher.fetch(server.url("/big"))
    assert result.error_reason == "body-too-large" and "streaming" in result.error_detail


def test_body_exactly_at_the_cap_is_accepted(server, fetcher):
    server.route("/edge", Reply(200, b"e" * MIB, framing="chunked"))
    assert len(fetcher.fetch(server.url("/edge")).body) == MIB


def test_gzip_bomb_ends_as_decompressed_too_large(server, fetcher, bomb_50mb):
    assert len(bomb_50mb) < MIB  # so it passes the wire cap and only the inflate cap can stop it
    server.route("/bomb", Reply(200, bomb_50mb, {"Content-Encoding": "gzip"}))
    result = fetcher.fetch(server.url("/bomb"))
    assert result.error_reason == "decompressed-too-large" and result.body is None


# --- content codings -------------------------------------------------------------------------

TEXT = b"<rss><channel><title>News</title></channel></rss>" * 200


@pytest.mark.parametrize("coding, body", [
    ("gzip", gzip.compress(TEXT)),
    ("x-gzip", gzip.compress(TEXT)),
    ("deflate", zlib.compress(TEXT)),  # zlib-wrapped, as RFC 9110 says
    ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send
    ("identity", TEXT),
    ("gzip", gzip.compress(TEXT[:5000]) + gzip.compress(TEXT[5000:])),  # two gzip members
])
def test_content_codings_are_decoded(server, fetcher, coding, body):
    server.route("/coded", Reply(200, body, {"Content-Encoding": coding}, framing="chunked"))
    result = fetcher.fetch(server.url("/coded"))
    assert result.ok and result.body == TEXT


@pytest.mark.parametrize("coding, body, reason", [
    ("gzip", b"definitely not gzip", "bad-content-encoding"),
    ("gzip", gzip.compress(TEXT)[:-20], "bad-content-encoding"),  # truncated
    ("br", b"\x0b\x02\x80hello\x03", "unsupported-content-encoding"),
    ("gzip, gzip", gzip.compress(gzip.compress(TEXT)), "unsupported-content-encoding"),
])
def test_broken_or_unrequested_codings_are_errors(server, fetcher, coding, body, reason):
    server.route("/coded", Reply(200, body, {"Content-Encoding": coding}))
    result = fetcher.fetch(server.url("/coded"))
    assert result.error_reason == reason and result.attempts == 1


def test_decoder_never_holds_the_inflated_bomb(bomb_50mb):
    decoder = BodyDecoder("gzip", MIB)
    tracemalloc.start()
    try:
        with pytest.raises(FetchFailure) as info:
            for start in range(0, len(bomb_50mb), 64 * 1024):
                decoder.feed(bomb_50mb[start:start + 64 * 1024])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.reason == "decompressed-too-large"
    assert peak < 4 * MIB  # the cap plus a chunk, not 50 MiB


def test_decoder_copes_with_one_byte_pieces():
    for coding, body in (("deflate", zlib.compress(TEXT)), ("deflate", zlib.compress(TEXT)[2:-4]),
                         ("gzip", gzip.compress(TEXT))):
        decoder = BodyDecoder(coding, MIB)
        for index in range(len(body)):
            decoder.feed(body[index:index + 1])
        assert decoder.finish() == TEXT


def test_decoder_limit_is_inclusive():
    decoder = BodyDecoder("gzip", len(TEXT))
    decoder.feed(gzip.compress(TEXT))
    assert decoder.finish() == TEXT
    with pytest.raises(FetchFailure):
        BodyDecoder("gzip", len(TEXT) - 1).feed(gzip.compress(TEXT))


# --- HTTPS ---------------------------------------------------------------------------------


@pytest.fixture
def tls(tmp_path):
    pytest.importorskip("cryptography")
    return make_test_tls(tmp_path, "feed.test")


def test_https_is_pinned_and_verifies_the_certificate_name(tls, sleep, only_loopback):
    context, ca_path = tls
    resolver = fake_resolver({"feed.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    with LoopbackServer(ssl_context=context) as server:
        server.route("/feed", Reply(200, b"secure"))
        with Fetcher(make_config(ca_bundle=ca_path, max_retries=0), resolve=resolver, sleep=sleep) as fetcher:
            good = fetcher.fetch(server.url("/feed", host="feed.test"))
            wrong_name = fetcher.fetch(server.url("/feed", host="other.test"))
        with Fetcher(make_config(max_retries=0), resolve=resolver, sleep=sleep) as default_trust:
            untrusted = default_trust.fetch(server.url("/feed", host="feed.test"))
    assert good.ok and good.body == b"secure" and good.final_url.startswith("https://feed.test:")
    assert wrong_name.error_reason == "tls-error" and untrusted.error_reason == "tls-error"
    assert set(only_loopback) == {"127.0.0.1"}


# --- threads -------------------------------------------------------------------------------


def test_one_fetcher_serves_many_threads(server, fetcher):
    for index in range(8):
        server.route(f"/item/{index}", Reply(200, f"item {index}".encode()))
    results, errors = {}, []

    def worker(index):
        try:
            for _ in range(5):
                results.setdefault(index, []).append(fetcher.fetch(server.url(f"/item/{index}")))
        except Exception as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert all(result.body == f"item {index}".encode() for index, items in results.items() for result in items)
    assert sum(len(items) for items in results.values()) == 40


# --- pure helpers --------------------------------------------------------------------------


def test_parse_retry_after():
    now = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(" 7 ", now) == 7.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0.0  # in the past: no wait
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after(None, now) is None


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rng = random.Random(1)
    for retry in range(1, 8):
        delay = backoff_delay(retry, base=1.0, cap=10.0, rng=rng)
        ceiling = min(10.0, 2 ** (retry - 1))
        assert ceiling / 2 <= delay <= ceiling
    delays = {backoff_delay(3, 1.0, 10.0, rng) for _ in range(20)}
    assert len(delays) > 1  # jittered


@pytest.mark.parametrize("status, retry", [(408, True), (429, True), (500, True), (502, True), (503, True),
                                           (504, True), (501, False), (505, False), (404, False), (400, False)])
def test_retryable_statuses(status, retry):
    assert is_retryable_status(status) is retry


def test_failure_result_for_refusals_made_before_any_request():
    result = FetchResult.failure("https://a.example/x", "robots-disallowed", "Disallow: /x")
    assert not result.ok and result.final_url == result.url and result.attempts == 0

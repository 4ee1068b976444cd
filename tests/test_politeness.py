"""PoliteFetcher: robots.txt (RFC 9309 outcomes), per-host concurrency and spacing."""
import threading

import pytest

from tests.fixtures.http_server import LoopbackServer, Reply, fake_resolver
from tests.fixtures.http_server import only_loopback  # noqa: F401  (autouse: no connection beyond 127.0.0.1)
from transforms.fetch import FetchConfig, Fetcher, FetchResult
from transforms.politeness import (PARSED, REFUSED, UNAVAILABLE, UNREACHABLE, PoliteFetcher, PolitenessConfig,
                                   robots_policy_from_result, robots_url_for)

ROBOTS = "https://news.example/robots.txt"
AGENT = "news-ingest/1.0 (+https://github.com/news-ingest/news-ingest)"


class FakeTime:
    """A clock that only moves when someone sleeps; records the sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.waits = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


def make_fetcher(**overrides):
    settings = dict(connect_timeout=1.0, read_timeout=1.0, total_deadline=5.0, max_retries=1,
                    backoff_base=0.01, allowed_hosts=frozenset({"127.0.0.1"}))
    settings.update(overrides)
    # Two names for the one loopback server, so "different hosts" can be tested.
    return Fetcher(FetchConfig(**settings), resolve=fake_resolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]}),
                   sleep=lambda seconds: None)


def polite(fake_time=None, **config):
    fake_time = fake_time or FakeTime()
    return PoliteFetcher(make_fetcher(), PolitenessConfig(**config), clock=fake_time.clock, sleep=fake_time.sleep)


def _robots_result(**fields):
    defaults = dict(url=ROBOTS, final_url=ROBOTS, attempts=1)
    defaults.update(fields)
    return FetchResult(**defaults)


# --- robots.txt outcomes (pure) --------------------------------------------------------------


def test_robots_rules_are_applied_for_our_product_token():
    body = (b"User-agent: *\nDisallow: /private\n\n"
            b"User-agent: news-ingest\nDisallow: /no-bots\nCrawl-delay: 4\n")
    policy = robots_policy_from_result(ROBOTS, _robots_result(status=200, body=body))
    assert policy.state == PARSED
    assert not policy.allows("https://news.example/no-bots/1", AGENT)
    assert policy.allows("https://news.example/private/1", AGENT)  # our own group replaces the * group
    assert policy.allows("https://news.example/private/1", "OtherBot/2") is False
    assert policy.crawl_delay(AGENT) == 4.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_4xx_robots_means_allow_all(status):
    policy = robots_policy_from_result(ROBOTS, _robots_result(status=status, error_reason=f"http-{status}"))
    assert policy.state == UNAVAILABLE and policy.allows("https://news.example/anything", AGENT)


@pytest.mark.parametrize("status, reason", [(500, "http-500"), (503, "http-503"), (429, "http-429"),
                                            (None, "timeout"), (None, "connection-error"),
                                            (None, "deadline-exceeded"), (200, "body-too-large")])
def test_unreachable_robots_means_disallow_all(status, reason):
    policy = robots_policy_from_result(ROBOTS, _robots_result(status=status, error_reason=reason, error_detail="x"))
    assert policy.state == UNREACHABLE and not policy.allows("https://news.example/", AGENT)


def test_too_many_robots_redirects_count_as_unavailable():
    policy = robots_policy_from_result(ROBOTS, _robots_result(status=302, error_reason="too-many-redirects"))
    assert policy.state == UNAVAILABLE


def test_guard_refusals_are_passed_through():
    policy = robots_policy_from_result(ROBOTS, _robots_result(error_reason="blocked-host", error_detail="10.0.0.1"))
    assert policy.state == REFUSED and policy.reason == "blocked-host"


def test_robots_url_is_per_origin():
    assert robots_url_for("https://User:pw@News.Example:8443/a/b?c=1#d") == "https://news.example:8443/robots.txt"
    assert robots_url_for("http://news.example/x") == "http://news.example/robots.txt"


# --- robots.txt through the loopback server ------------------------------------------------------


def test_disallowed_page_is_never_requested_and_robots_is_fetched_once(server):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private\n"))
    server.route("/public", Reply(200, b"hello"))
    fetcher = polite(min_delay_s=0)
    denied = fetcher.fetch(server.url("/private/story"))
    allowed = [fetcher.fetch(server.url("/public")) for _ in range(2)]
    assert denied.error_reason == "robots-disallowed" and denied.attempts == 0
    assert all(result.ok and result.body == b"hello" for result in allowed)
    assert [request.path for request in server.requests] == ["/robots.txt", "/public", "/public"]
    assert server.requests[0].headers["user-agent"].startswith("news-ingest/")


def test_missing_robots_allows_everything(server):
    server.route("/story", Reply(200, b"story"))
    assert polite(min_delay_s=0).fetch(server.url("/story")).ok  # /robots.txt answers 404


def test_failing_robots_disallows_the_host_for_the_run(server):
    server.route("/robots.txt", Reply(503))
    server.route("/story", Reply(200, b"story"))
    fetcher = polite(min_delay_s=0)
    results = [fetcher.fetch(server.url("/story")), fetcher.fetch(server.url("/story?page=2"))]
    assert [result.error_reason for result in results] == ["robots-unreachable"] * 2
    assert "http-503" in results[0].error_detail
    assert {request.path for request in server.requests} == {"/robots.txt"}
    assert len(server.requests) == 2  # one fetch of robots.txt, retried once by the Fetcher; then cached


def test_robots_can_be_ignored_when_the_operator_says_so(server):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /\n"))
    server.route("/story", Reply(200, b"story"))
    assert polite(min_delay_s=0, respect_robots=False).fetch(server.url("/story")).ok
    assert [request.path for request in server.requests] == ["/story"]


def test_blocked_host_is_reported_as_such_not_as_a_robots_problem():
    fetcher = PoliteFetcher(Fetcher(FetchConfig(), resolve=fake_resolver({"internal.example": ["10.0.0.1"]})))
    result = fetcher.fetch("http://internal.example/story")
    assert result.error_reason == "blocked-host" and "10.0.0.1" in result.error_detail


def test_bad_scheme_goes_straight_to_the_guard():
    assert polite().fetch("file:///etc/passwd").error_reason == "bad-scheme"


# --- spacing ---------------------------------------------------------------------------------


def test_requests_to_one_host_are_spaced_and_other_hosts_do_not_wait(server):
    server.route("/story", Reply(200, b"story"))
    fake_time = FakeTime()
    fetcher = polite(fake_time, min_delay_s=2.0, respect_robots=False)
    for host in ("a.test", "b.test", "a.test", "b.test", "a.test"):
        assert fetcher.fetch(server.url("/story", host=host)).ok
    # a, b start at once; the second a waits 2 s, after which b's turn has come; the third a waits again.
    assert fake_time.waits == [2.0, 2.0]
    assert [request.headers["host"].split(":")[0] for request in server.requests] == \
        ["a.test", "b.test", "a.test", "b.test", "a.test"]


def test_crawl_delay_widens_the_spacing_up_to_the_cap(server):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 60\n"))
    server.route("/story", Reply(200, b"story"))
    fake_time = FakeTime()
    fetcher = polite(fake_time, min_delay_s=1.0, max_crawl_delay_s=5.0)
    for _ in range(3):
        assert fetcher.fetch(server.url("/story")).ok
    # robots.txt itself is spaced by min_delay (the Crawl-delay is not known yet), then 5 s apart.
    assert fake_time.waits == [1.0, 5.0, 5.0]


# --- concurrency -----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2])
def test_concurrency_per_host_is_limited(server, limit):
    in_flight, peak, lock = [0], [0], threading.Lock()
    meet = threading.Barrier(limit, timeout=5)

    def handler(request):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            meet.wait()  # only releases when `limit` requests are in flight together
            threading.Event().wait(0.05)  # leave room for a request beyond the limit to overlap
        finally:
            with lock:
                in_flight[0] -= 1
        return Reply(200, b"ok")

    server.route("/story", handler)
    fetcher = PoliteFetcher(make_fetcher(read_timeout=8.0, total_deadline=10.0),
                            PolitenessConfig(max_concurrent_per_host=limit, min_delay_s=0, respect_robots=False))
    results = []
    threads = [threading.Thread(target=lambda: results.append(fetcher.fetch(server.url("/story"))))
               for _ in range(2 * limit + 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == len(threads) and all(result.ok for result in results)
    assert peak[0] == limit


def test_robots_is_fetched_once_when_threads_race_for_it(server):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", stall_s=0.2))
    server.route("/story", Reply(200, b"story"))
    fetcher = PoliteFetcher(make_fetcher(), PolitenessConfig(max_concurrent_per_host=4, min_delay_s=0))
    threads = [threading.Thread(target=fetcher.fetch, args=(server.url("/story"),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(server.requests_to("/robots.txt")) == 1 and len(server.requests_to("/story")) == 4


def test_config_validation():
    with pytest.raises(ValueError):
        PolitenessConfig(max_concurrent_per_host=0)
    with pytest.raises(ValueError):
        PolitenessConfig(min_delay_s=-1)

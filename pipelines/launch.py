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
from pipelines.runners import wants_direct_runner
from transforms.nlp import model
from transforms.sources.discover import (
    InputError,
    InputPlan,
    SourceRef,
    expand_inputs,
    plan_inputs,
    read_feed_list,
)

LOG = logging.getLogger("news_ingest")


@dataclasses.dataclass
class Launch:
    config: RunConfig
    options: PipelineOptions
    refs: list[SourceRef]           # explicit sources (every source when not matched on workers)
    discovery_rejects: list[dict]
    plan: InputPlan | None = None   # refs + folder/glob patterns matched on the workers


def discover_sources(config: RunConfig, match_on_workers: bool = False) -> tuple[InputPlan, list[dict]]:
    """(sources, rejects) from --input and --feeds; raises InputError with a one-line explanation.

    The rejects are feed-list lines that name no feed; they go to the rejects dataset.
    ``match_on_workers`` leaves folders and globs as patterns for the pipeline to match
    (``transforms.sources.match``); otherwise every file is listed here.
    """
    feed_entries: list[str] = []
    rejects: list[dict] = []
    for list_path in config.feeds:
        feeds, list_rejects = read_feed_list(list_path)
        feed_entries.extend(feeds)
        rejects.extend(list_rejects)
    if match_on_workers:
        return plan_inputs(list(config.inputs), feed_entries), rejects
    return InputPlan(expand_inputs(list(config.inputs), feed_entries), []), rejects


def prepare(argv, mode: str, save_main_session: bool, match_on_workers: bool = False) -> Launch | None:
    """A ready-to-build launch, or None after reporting why not (the caller exits with 2)."""
    config, beam_args = parse_args(argv, mode)
    logs.set_level(config.log_level)
    try:
        plan, discovery_rejects = discover_sources(config, match_on_workers)
    except (InputError, OSError, ValueError) as error:  # ValueError: a scheme Beam cannot read here
        sys.stderr.write(f"news-ingest {mode}: error: {error}\n")
        return None
    for reject in discovery_rejects:
        LOG.warning("feed list %s: %s %s (%s)", reject["source_uri"], reject["item_key"], reject["reason"],
                    reject["detail"])
    subscription = getattr(config, "input_subscription", None)
    if not plan.refs and not plan.patterns and not subscription:
        sys.stderr.write(f"news-ingest {mode}: error: the inputs name no files or feeds\n")
        return None
    options = PipelineOptions(beam_args)
    if subscription and wants_direct_runner(options):
        # Pub/Sub is a Google Cloud service; the local runners would need its emulator.
        sys.stderr.write(f"news-ingest {mode}: error: --input_subscription needs --runner DataflowRunner\n")
        return None
    if wants_direct_runner(options) and not model.is_installed(config.spacy_model):
        # Checked here, not in the workers: there it would end the run in a Beam traceback.
        # A remote runner's workers have their own packages (deploy/dataflow), so not there.
        sys.stderr.write(f"news-ingest {mode}: error: {model.not_installed_message(config.spacy_model)}\n")
        return None
    options.view_as(SetupOptions).save_main_session = save_main_session
    return Launch(config, options, plan.refs, discovery_rejects, plan)

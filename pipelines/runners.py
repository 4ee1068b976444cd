"""Choosing the local runner without a run-time download.

Beam 2.77's ``DirectRunner`` first tries the Prism runner, a Go binary it downloads from
GitHub on first use.  news-ingest never downloads anything at run time (and a scheduled
job on a locked-down machine would stall on that download), so when the user asks for
the direct runner (or no runner) we pick what ``DirectRunner`` itself falls back to:
the ``FnApiRunner`` for batch, which honours ``--direct_num_workers`` and
``--direct_running_mode multi_processing``, and the ``BundleBasedDirectRunner`` for
streaming.  Any other ``--runner`` (``DataflowRunner``, ``PrismRunner``, ...) is used as given.

Multi-process workers run ``pipelines.sdk_worker`` (Beam's worker behind our logging set-up)
instead of Beam's bare worker module; see ``pipelines.logs``.
"""
from __future__ import annotations

import sys

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.portability.fn_api_runner import fn_runner
from apache_beam.transforms import environments

from pipelines import logs

DIRECT_NAMES = {None, "", "direct", "directrunner", "switchingdirectrunner"}
_BEAM_WORKER_MODULE = "apache_beam.runners.worker.sdk_worker_main"


def wants_direct_runner(options: PipelineOptions) -> bool:
    runner = options.view_as(StandardOptions).runner
    return runner is None or (isinstance(runner, str) and runner.lower() in DIRECT_NAMES)


def worker_command(level: str | None = None) -> str:
    """The command line of one SDK worker process: our entry point, at the launcher's log level."""
    return f"{sys.executable} -m pipelines.sdk_worker {level or logs.level_name()}"


def _ours(environment):
    """Beam's multi-processing worker environment with our worker command; others unchanged."""
    if (isinstance(environment, environments.SubprocessSDKEnvironment)
            and environment.command_string.endswith(_BEAM_WORKER_MODULE)):
        return environments.SubprocessSDKEnvironment.from_command_string(worker_command())
    return environment


class LocalFnApiRunner(fn_runner.FnApiRunner):
    """``FnApiRunner`` whose multi-process workers start through ``pipelines.sdk_worker``.

    ``FnApiRunner.run_pipeline`` assigns ``_default_environment`` from
    ``--direct_running_mode`` right before translating the pipeline; the property below
    swaps Beam's worker command for ours at that moment.
    """

    @property
    def _default_environment(self):
        return self.__environment

    @_default_environment.setter
    def _default_environment(self, environment):
        self.__environment = _ours(environment)


def local_runner(options: PipelineOptions, *, streaming: bool):
    """A runner instance for local runs, or None to let Beam build the one named by ``--runner``."""
    if not wants_direct_runner(options):
        return None
    if streaming:
        from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner

        return BundleBasedDirectRunner()
    from apache_beam.portability.api import beam_provision_api_pb2
    from apache_beam.runners.portability.portable_runner import JobServiceHandle

    # As DirectRunner does: multi-processing SDK workers read the options from provision info.
    encoded = JobServiceHandle.encode_pipeline_options(options.get_all_options())
    provision_info = fn_runner.ExtendedProvisionInfo(
        beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded))
    return LocalFnApiRunner(provision_info=provision_info)

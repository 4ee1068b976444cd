"""Entry point of the SDK worker processes of multi-process local runs.

Beam's ``FnApiRunner`` starts ``python -m apache_beam.runners.worker.sdk_worker_main`` for
``--direct_running_mode multi_processing``; ``pipelines.runners`` starts this module
instead, which sets up logging as the launcher does (same format, Beam's noise filtered,
the launcher's ``--log_level``) *before* Beam's worker code runs and then hands over to it.
Without this, the first import-time warning in the worker installs Python's bare
``INFO:name:msg`` handler and every Beam start-up line is printed.

    python -m pipelines.sdk_worker [LEVEL]
"""
from __future__ import annotations

import sys

from pipelines import logs


def main(argv: list[str]) -> None:
    logs.configure(argv[1] if len(argv) > 1 else "INFO")
    from apache_beam.runners.worker import sdk_worker_main

    sdk_worker_main.main(argv)


if __name__ == "__main__":
    main(sys.argv)

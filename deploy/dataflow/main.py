"""Flex template entry point: the launcher runs ``python main.py --name=value ...``.

Dataflow's Python template launcher (FLEX_TEMPLATE_PYTHON_PY_FILE in the Dockerfile)
runs this file with one ``--name=value`` argument per template parameter, plus the
Dataflow options of the launch request (``--runner``, ``--project``, ``--region``,
``--temp_location`` ...).  The parameters are translated back into a news-ingest command
line and handed to the same ``pipelines.batch.run`` (or ``pipelines.stream.run``) that
``news-ingest batch`` (``stream``) uses, so a template run and a command-line run are one
code path.  Which pipeline is the image's choice (``NEWS_INGEST_PIPELINE``: the ``worker``
target launches batch, the ``stream`` target streaming).

Workers run the image this launcher runs in (``NEWS_INGEST_IMAGE``, baked in at build time)
unless the launch names another ``sdk_container_image``: the custom SDK container is the
default, whoever starts the job.

``save_main_session`` is off: every DoFn lives in the installed ``pipelines``/``transforms``
packages, and pickling this script's globals would make workers import ``template_params``
from a path they do not have.

Run it locally the way the launcher does (DirectRunner, local paths):
    python deploy/dataflow/main.py --input=seeds --output=/tmp/out --fetch_articles=false
"""
import logging
import os
import sys

# The launcher runs this file as a script, so its folder is on sys.path.
from template_params import TemplateParamError, template_args_to_cli_args

PIPELINES = ("batch", "stream")


def worker_image_args(argv: list[str], image: str | None) -> list[str]:
    """``--sdk_container_image IMAGE`` when the launch names no image of its own."""
    named = any(arg.split("=", 1)[0] in ("--sdk_container_image", "--worker_harness_container_image")
                for arg in argv)
    return [f"--sdk_container_image={image}"] if image and not named else []


def main(argv: list[str], environ=os.environ) -> int:
    pipeline = environ.get("NEWS_INGEST_PIPELINE", "batch")
    if pipeline not in PIPELINES:
        sys.stderr.write(f"news-ingest template: error: NEWS_INGEST_PIPELINE={pipeline!r}, expected batch or stream\n")
        return 2
    try:
        cli_args = template_args_to_cli_args(argv, pipeline)
    except TemplateParamError as error:
        sys.stderr.write(f"news-ingest template: error: {error}\n")
        return 2
    cli_args += worker_image_args(cli_args, environ.get("NEWS_INGEST_IMAGE"))
    logging.getLogger(__name__).info("news-ingest %s %s", pipeline, " ".join(cli_args))
    if pipeline == "stream":
        from pipelines import stream

        return stream.run(cli_args, save_main_session=False)
    from pipelines import batch

    return batch.run(cli_args, save_main_session=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(main(sys.argv[1:]))

"""Flex template entry point: the launcher runs ``python main.py --name=value ...``.

Dataflow's Python template launcher (FLEX_TEMPLATE_PYTHON_PY_FILE in the Dockerfile)
runs this file with one ``--name=value`` argument per template parameter, plus the
Dataflow options of the launch request (``--runner``, ``--project``, ``--region``,
``--temp_location``, ``--setup_file`` ...).  The parameters are translated back into a
news-ingest command line and handed to the same ``pipelines.batch.run`` that
``news-ingest batch`` uses, so a template run and a command-line run are one code path.

``save_main_session`` is off: every DoFn lives in the installed ``pipelines``/``transforms``
packages, and pickling this script's globals would make workers import ``template_params``,
which is not installed on them.

Run it locally the way the launcher does (DirectRunner, local paths):
    python deploy/dataflow/main.py --input=seeds --output=/tmp/out --fetch_articles=false
"""
import logging
import sys

# The launcher runs this file as a script, so its folder is on sys.path.
from template_params import TemplateParamError, template_args_to_cli_args


def main(argv: list[str]) -> int:
    try:
        cli_args = template_args_to_cli_args(argv)
    except TemplateParamError as error:
        sys.stderr.write(f"news-ingest template: error: {error}\n")
        return 2
    logging.getLogger(__name__).info("news-ingest batch %s", " ".join(cli_args))
    from pipelines import batch

    return batch.run(cli_args, save_main_session=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(main(sys.argv[1:]))

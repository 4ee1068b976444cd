"""``news-ingest``: one command, six subcommands.

    news-ingest batch   --input SRC ... --output DIR [beam options]   scheduled batch run
    news-ingest stream  --input URL ... --output DIR [beam options]   continuous polling
    news-ingest summary --output DIR                                  what the datasets hold
    news-ingest compact --output DIR [--before DATE]                  merge closed days' small files
    news-ingest load duckdb --output DIR --database FILE              upsert finished runs into DuckDB
    news-ingest runs --output DIR [--skip FILE | --run RUN_ID]         finished runs not loaded yet (or one), with their files
"""
from __future__ import annotations

import logging
import sys

COMMANDS = {
    "batch": ("pipelines.batch", "read sources once and add what is new to the datasets"),
    "stream": ("pipelines.stream", "poll feeds continuously and write windowed datasets"),
    "summary": ("pipelines.summary", "print a summary of the datasets under --output (DuckDB)"),
    "compact": ("pipelines.compact", "rewrite closed partitions' small files into warehouse-sized ones"),
    "load": ("pipelines.load", "upsert finished runs into a warehouse (duckdb), exactly once"),
    "runs": ("pipelines.runs", "list the finished runs a warehouse has still to load, with their files"),
}


def usage() -> str:
    lines = ["usage: news-ingest {" + ",".join(COMMANDS) + "} [options]   (news-ingest COMMAND --help for details)", ""]
    lines += [f"  {name:<8} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        sys.stderr.write(f"news-ingest: error: unknown command {command!r}; choose from {', '.join(COMMANDS)}\n")
        return 2
    import importlib

    from pipelines import logs

    logs.configure(logging.INFO)

    module = importlib.import_module(COMMANDS[command][0])
    return module.run(rest)


if __name__ == "__main__":
    sys.exit(main())

"""Generate the flex templates' metadata from the pipelines' own parsers.

    python -m deploy.dataflow.generate_metadata          # rewrite metadata.json and metadata-stream.json
    python -m deploy.dataflow.generate_metadata --check  # fail if either is out of date (tests run this)

``metadata.json`` describes the batch template, ``metadata-stream.json`` the streaming one
(``"streaming": true``).  One parameter per flag of ``pipelines.options.build_parser(mode)``,
named by its underscore spelling, with the flag's help text, whether it is required, and validation
regexes.  Dataflow checks the regexes when a job is launched, so a local path or a typo
fails at once instead of on a launcher VM.  The regexes come from the flag's type, its
choices, or, for flags whose values must be reachable from Google Cloud (``input``,
``output`` ...), from ``DATAFLOW_VALUES`` below.
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from deploy.dataflow.template_params import TemplateFlag, TemplateParamError, template_flags
from deploy.generated import REPO_ROOT, sync_generated
from pipelines.options import build_parser

METADATA_PATHS = {"batch": REPO_ROOT / "deploy" / "dataflow" / "metadata.json",
                  "stream": REPO_ROOT / "deploy" / "dataflow" / "metadata-stream.json"}
COMMAND = "python -m deploy.dataflow.generate_metadata"

_GS = r"gs://[^,\s]+"
_REMOTE = r"(gs|https?)://[^,\s]+"


def _list_of(item: str) -> str:
    return rf"^{item}(,{item})*,?$"


# What a value must look like when the pipeline runs on Dataflow: the launcher VM and the
# workers see Cloud Storage and the web, never the machine the job was started from.
DATAFLOW_VALUES = {
    "input": (_list_of(_REMOTE), "On Dataflow: gs:// files, folders or globs and http(s) feed URLs."),
    "feeds": (_list_of(_GS), "On Dataflow: gs:// feed-list files."),
    "output": (rf"^{_GS}$", "On Dataflow: a gs:// folder, e.g. gs://my-bucket/news."),
    "allow_host": (_list_of(r"[A-Za-z0-9.-]+"), ""),
    "run_id": (r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "Letters, digits, '.', '_' and '-' (it is part of file names)."),
    "spacy_model": (r"^[A-Za-z0-9_.-]+$", "The model must be installed in the image (a pip package)."),
    "input_subscription": (r"^projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/subscriptions/[A-Za-z][-A-Za-z0-9._~%+]{2,254}$",
                           "projects/PROJECT/subscriptions/NAME."),
}

# Regexes by the parser's type converter, named by function name (options.py keeps them private).
TYPE_REGEXES = {
    "_positive_int": r"^[1-9][0-9]*$",
    "_positive_float": r"^(0*[1-9][0-9]*(\.[0-9]+)?|0*\.[0-9]*[1-9][0-9]*)$",
    "_non_negative_float": r"^[0-9]+(\.[0-9]+)?$",
    # 0.4 .. 1, as pipelines.options._threshold accepts (near_dup.LSH_FLOOR is 0.4).
    "_threshold": r"^(0?\.[4-9][0-9]*|1(\.0*)?)$",
    "int": r"^[0-9]+$",
    "float": r"^[0-9]+(\.[0-9]+)?$",
}
SWITCH_REGEX = r"^(true|false)$"
ACRONYMS = {"http": "HTTP", "nlp": "NLP", "id": "ID", "spacy": "spaCy"}
# How the command line says "give this flag several times"; a template parameter takes commas instead.
_REPEAT_NOTE = re.compile(r"\s*(\(repeatable\)|repeatable\.|repeat for several\.)", re.IGNORECASE)


def label(name: str) -> str:
    words = name.split("_")
    first = ACRONYMS.get(words[0], words[0][:1].upper() + words[0][1:])
    return " ".join([first] + [ACRONYMS.get(word, word) for word in words[1:]])


def _value_regex(flag: TemplateFlag) -> list[str]:
    action = flag.action
    if flag.kind == "switch":
        return [SWITCH_REGEX]
    if flag.name in DATAFLOW_VALUES:
        return [DATAFLOW_VALUES[flag.name][0]]
    if action.choices:
        return ["^(" + "|".join(map(str, action.choices)) + ")$"]
    if action.type is None:
        return []
    type_name = getattr(action.type, "__name__", repr(action.type))
    if type_name not in TYPE_REGEXES:
        raise TemplateParamError(f"--{flag.name} has type {type_name}: add its template regex to TYPE_REGEXES")
    return [TYPE_REGEXES[type_name]]


def help_text(flag: TemplateFlag) -> str:
    """The flag's --help, plus how the value is written as a template parameter."""
    text = flag.action.help
    if flag.kind == "list":
        text = _REPEAT_NOTE.sub("", text)
    parts = [text.rstrip(".") + "."]
    if flag.name in DATAFLOW_VALUES and DATAFLOW_VALUES[flag.name][1]:
        parts.append(DATAFLOW_VALUES[flag.name][1])
    if flag.kind == "switch":
        parts.append("true or false (default false).")
    elif flag.kind == "list":
        parts.append("Several values: separate them with commas.")
    elif flag.action.default is not None:
        parts.append(f"Default: {flag.action.default}.")
    return " ".join(parts)


def parameter(flag: TemplateFlag) -> dict:
    entry = {"name": flag.name, "label": label(flag.name), "helpText": help_text(flag),
             "isOptional": not flag.action.required}
    regexes = _value_regex(flag)
    if regexes:
        entry["regexes"] = regexes
    return entry


DESCRIPTIONS = {
    "batch": ("Reads article files, HTML pages and RSS/Atom feeds once, runs spaCy NLP and adds what is "
              "new to the Parquet datasets ({datasets}) under `output`. Give at least one of `input` or `feeds`."),
    "stream": ("Runs until drained: polls the feeds of `input` and `feeds` every `poll_interval` seconds and/or "
               "reads the Pub/Sub subscription `input_subscription` (each message a feed URL or an article as "
               "JSON), runs spaCy NLP and writes what is new to the Parquet datasets ({datasets}) under "
               "`output`, one file per window, partition and shard."),
}


def build_metadata(parser: argparse.ArgumentParser, mode: str = "batch") -> dict:
    from schemas import DATASETS

    metadata = {
        "_comment": f"Generated from pipelines/options.py by `{COMMAND}`; do not edit.",
        "name": f"news-ingest {mode}",
        "description": DESCRIPTIONS[mode].format(datasets=", ".join(DATASETS)),
        "streaming": mode == "stream",
    }
    if mode == "stream":
        # Deduplication keeps Beam state; at-least-once mode could write an article twice.
        metadata.update(supportsExactlyOnce=True, supportsAtLeastOnce=False)
    metadata["parameters"] = [parameter(flag) for flag in template_flags(parser)]
    return metadata


def render(metadata: dict) -> str:
    return json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if metadata.json is out of date")
    args = parser.parse_args(argv)
    outputs = {path: render(build_metadata(build_parser(mode), mode)) for mode, path in METADATA_PATHS.items()}
    return sync_generated(outputs, check=args.check, command=COMMAND)


if __name__ == "__main__":
    sys.exit(main())

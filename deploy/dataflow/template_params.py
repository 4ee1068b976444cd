"""news-ingest flags <-> Dataflow flex template parameters, both ways, by the pipeline's own parser.

A flex template hands each parameter to the launcher as one ``--name=value`` argument
whose value is a string.  Two kinds of news-ingest flag cannot travel like that as they are:

* switches (``--fetch_articles``, ``--reprocess``) take no value, and argparse rejects
  ``--fetch_articles=true``; a template parameter is ``true`` or ``false`` instead;
* repeatable flags (``--input``, ``--feeds``, ``--allow_host``) are given once per value on
  a command line, but a template parameter has a single value: several values are joined
  with commas.

``template_args_to_cli_args`` turns the launcher's arguments back into a command line
(``deploy/dataflow/main.py`` runs it in the template image).  ``cli_args_to_template_params``
goes the other way for ``run_template.sh`` and the Cloud Scheduler request body, so a
mistyped flag fails on the laptop, by the same parser the pipeline uses, instead of on
a launcher VM minutes later.

Everything is derived from ``pipelines.options.build_parser``: a flag added there becomes
a template parameter without an edit here, and a flag of a new *kind* (an argparse action
this module does not know) raises ``TemplateParamError`` so someone decides how it travels.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys

from pipelines.options import build_parser, parse_args

LIST_SEPARATOR = ","
SWITCH_VALUES = {"true": True, "false": False}
# gcloud's --parameters is a comma-separated dict; values that contain commas (our lists)
# need gcloud's alternate-delimiter syntax "^D^k=v1,v2Dk2=v" with a D that no value contains.
_GCLOUD_DELIMITERS = "~|#@%;"


class TemplateParamError(ValueError):
    """A value that cannot be expressed as (or parsed from) a template parameter."""


@dataclasses.dataclass(frozen=True)
class TemplateFlag:
    """One news-ingest flag as a template parameter."""

    name: str                       # parameter name: the underscore spelling, e.g. "allow_host"
    option_strings: tuple[str, ...]  # every spelling the parser accepts
    kind: str                       # "switch", "list" or "value"
    action: argparse.Action


def parameter_name(action: argparse.Action) -> str:
    """The underscore spelling of a flag (``--allow-host``/``--allow_host`` -> ``allow_host``)."""
    for option in action.option_strings:
        if option.startswith("--") and "-" not in option[2:]:
            return option[2:]
    raise TemplateParamError(f"flag {action.option_strings} has no --underscore_spelling for a template parameter")


def _kind(action: argparse.Action) -> str:
    # argparse exposes no public way to ask what an action does; its action classes are
    # private by name but have been stable since Python 3.2.
    if isinstance(action, argparse._StoreTrueAction):
        return "switch"
    if isinstance(action, argparse._AppendAction):
        return "list"
    if type(action) is argparse._StoreAction and action.nargs is None:
        return "value"
    raise TemplateParamError(
        f"flag {action.option_strings[0]} uses {type(action).__name__}, which template parameters cannot carry yet; "
        "teach deploy/dataflow/template_params.py how it travels")


def template_flags(parser: argparse.ArgumentParser) -> list[TemplateFlag]:
    """Every flag of ``parser`` except --help, in the parser's order."""
    return [TemplateFlag(parameter_name(action), tuple(action.option_strings), _kind(action), action)
            for action in parser._actions if not isinstance(action, argparse._HelpAction)]


def parse_switch(name: str, value: str) -> bool:
    try:
        return SWITCH_VALUES[value]
    except KeyError:
        raise TemplateParamError(f"parameter {name}={value!r}: expected true or false") from None


def split_list(value: str) -> list[str]:
    """Comma-separated values, blanks dropped (so a trailing comma is harmless)."""
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def template_args_to_cli_args(argv: list[str], mode: str = "batch") -> list[str]:
    """The launcher's ``--name=value`` arguments as a news-ingest command line.

    Arguments that are not news-ingest flags (Beam and Dataflow options the launcher adds,
    such as ``--runner``, ``--project`` or ``--temp_location``) pass through untouched.
    """
    flags = {option: flag for flag in template_flags(build_parser(mode)) for option in flag.option_strings}
    cli_args: list[str] = []
    for arg in argv:
        option, has_value, value = arg.partition("=")
        flag = flags.get(option) if has_value else None
        if flag is None:
            cli_args.append(arg)
        elif flag.kind == "switch":
            if parse_switch(flag.name, value):
                cli_args.append(option)
        elif flag.kind == "list":
            cli_args.extend(f"{option}={item}" for item in split_list(value))
        else:
            cli_args.append(arg)
    return cli_args


def cli_args_to_template_params(argv: list[str], mode: str = "batch") -> dict[str, str]:
    """A news-ingest command line as template parameters (only flags that differ from their default).

    Raises ``SystemExit(2)`` with the pipeline's own one-line message for a bad flag, and
    ``TemplateParamError`` for values a template cannot carry or non-news-ingest arguments.
    """
    parse_args(argv, mode)  # the pipeline's own validation, including "at least one --input or --feeds"
    namespace, extra = build_parser(mode).parse_known_args(argv)
    if extra:
        raise TemplateParamError(
            f"not news-ingest flags: {' '.join(extra)} (Dataflow settings go in environment variables; see --help)")
    params: dict[str, str] = {}
    for flag in template_flags(build_parser(mode)):
        value = getattr(namespace, flag.action.dest)
        if value == flag.action.default:
            continue
        if flag.kind == "switch":
            params[flag.name] = "true"
        elif flag.kind == "list":
            for item in value:
                if LIST_SEPARATOR in item:
                    raise TemplateParamError(
                        f"--{flag.name} {item!r}: a template parameter joins values with commas, "
                        "so a value cannot contain one")
            params[flag.name] = LIST_SEPARATOR.join(value)
        else:
            params[flag.name] = str(value)
    return params


def metadata_problems(params: dict[str, str], metadata: dict) -> list[str]:
    """Values the template would refuse (the regexes of ``metadata.json``), checked before launching."""
    declared = {p["name"]: p for p in metadata["parameters"]}
    problems = []
    for name, value in params.items():
        if name not in declared:
            problems.append(f"{name}: not a parameter of the template (regenerate metadata.json?)")
            continue
        for pattern in declared[name].get("regexes", []):
            if not re.fullmatch(pattern, value):
                problems.append(f"{name}={value!r}: the template accepts only {pattern}")
    missing = [p["name"] for p in metadata["parameters"] if not p.get("isOptional") and p["name"] not in params]
    problems += [f"{name}: required" for name in missing]
    return problems


def gcloud_parameters_arg(params: dict[str, str]) -> str:
    """``params`` as one ``--parameters`` value for ``gcloud dataflow flex-template run``."""
    text = "".join(f"{k}{v}" for k, v in params.items())
    delimiter = next((d for d in _GCLOUD_DELIMITERS if d not in text), None)
    if delimiter is None:
        raise TemplateParamError(f"every delimiter gcloud could use ({_GCLOUD_DELIMITERS}) occurs in the values")
    return f"^{delimiter}^" + delimiter.join(f"{k}={v}" for k, v in params.items())


# FlexTemplateRuntimeEnvironment fields a launch request may set, by command-line spelling.
ENVIRONMENT_FIELDS = {
    "temp_location": ("tempLocation", str),
    "staging_location": ("stagingLocation", str),
    "max_workers": ("maxWorkers", int),
    "num_workers": ("numWorkers", int),
    "machine_type": ("machineType", str),
    "service_account_email": ("serviceAccountEmail", str),
    "sdk_container_image": ("sdkContainerImage", str),
    "subnetwork": ("subnetwork", str),
}


def launch_request_body(*, job_name: str, template: str, params: dict[str, str],
                        environment: dict[str, object]) -> dict:
    """The JSON body of ``POST .../locations/REGION/flexTemplates:launch`` (what Cloud Scheduler sends)."""
    if not re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", job_name):
        raise TemplateParamError(f"job name {job_name!r}: Dataflow needs lower-case letters, digits and hyphens")
    return {"launchParameter": {"jobName": job_name, "containerSpecGcsPath": template,
                                "parameters": params, "environment": environment}}


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.dataflow.template_params",
        usage="%(prog)s {gcloud,json,launch-body} [options] -- NEWS_INGEST_FLAGS...",
        description="Turn news-ingest batch (or, with --mode stream, stream) flags (after --) into flex template "
                    "parameters, validated by the pipeline's parser and the template's metadata.")
    parser.add_argument("format", choices=["gcloud", "json", "launch-body"],
                        help="gcloud: one --parameters value; json: a JSON object; launch-body: the "
                             "flexTemplates:launch request body")
    parser.add_argument("--mode", choices=["batch", "stream"], default="batch",
                        help="whose flags: news-ingest batch (default) or stream")
    parser.add_argument("--metadata", help="metadata.json to validate the values against")
    parser.add_argument("--job-name", default="news-ingest-batch", help="launch-body: Dataflow job name")
    parser.add_argument("--template", help="launch-body: gs:// path of the template spec file")
    for name in ENVIRONMENT_FIELDS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help="launch-body: runtime environment")
    if "--" not in argv:
        parser.error("put the news-ingest flags after --")
    split = argv.index("--")
    args, flags = parser.parse_args(argv[:split]), argv[split + 1:]
    try:
        params = cli_args_to_template_params(flags, args.mode)
        if args.metadata:
            with open(args.metadata, encoding="utf-8") as handle:
                problems = metadata_problems(params, json.load(handle))
            if problems:
                raise TemplateParamError("; ".join(problems))
        if args.format == "gcloud":
            print(gcloud_parameters_arg(params))
        elif args.format == "json":
            print(json.dumps(params, indent=2))
        else:
            if not args.template:
                raise TemplateParamError("launch-body needs --template gs://.../template.json")
            environment = {field: convert(getattr(args, name)) for name, (field, convert) in ENVIRONMENT_FIELDS.items()
                           if getattr(args, name) not in (None, "")}
            print(json.dumps(launch_request_body(job_name=args.job_name, template=args.template, params=params,
                                                 environment=environment), indent=2))
    except (TemplateParamError, ValueError) as error:
        sys.stderr.write(f"template parameters: error: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))

"""The workers' pins, constrained by the Beam SDK image's own: what the worker image installs.

    python deploy/dataflow/image_pins.py SDK_IMAGE_FREEZE CONSTRAINTS REQUIREMENTS > worker-requirements.txt

Runs inside ``deploy/dataflow/Dockerfile`` (standard library only, the image's Python):

* ``SDK_IMAGE_FREEZE`` is ``pip freeze`` of ``apache/beam_python3.11_sdk:<beam version>``
  before anything is added: apache-beam and every package Beam's image ships (its
  ``base_image_requirements.txt``), at the versions Beam tested that image with;
* ``CONSTRAINTS`` is ``constraints-gcp.txt`` and ``REQUIREMENTS`` is
  ``requirements-workers.txt``, news-ingest's own dependency closure.

The result pins every package of the image at the image's version, and every other
package of ``REQUIREMENTS`` at ours: installing it adds news-ingest's dependencies and
cannot swap numpy, pyarrow, protobuf ... under Beam (pip fails the build instead, should a
dependency ever need another version of one of them).  Each package where the image overrides our pin is reported on stderr, so the
build log says exactly where workers differ from the laptop (``constraints.txt``); a
package whose image version is outside what news-ingest accepts then fails ``pip check``
in the build, never on a worker.
"""
from __future__ import annotations

import re
import sys

BEAM = "apache-beam"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str) -> dict[str, tuple[str, str]]:
    """``name==version`` lines -> {canonical name: (name as written, version)}; other lines are skipped."""
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        name, separator, version = line.partition("==")
        if separator and name and version:  # `pip freeze` also prints "pkg @ file://..." lines
            pins[canonical(name)] = (name.strip(), version.strip())
    return pins


def worker_pins(image: dict, ours: dict, wanted: dict) -> tuple[dict, list[str]]:
    """(the image's pins plus ours for what ``wanted`` adds, notes on every pin the image overrides)."""
    pins, notes = dict(image), []
    for key in sorted(wanted):
        if key in image:
            if key in ours and ours[key][1] != image[key][1]:
                notes.append(f"{ours[key][0]}: the SDK image has {image[key][1]}, constraints pin {ours[key][1]}; "
                             f"workers keep the image's")
        elif key in ours:
            pins[key] = ours[key]
        else:
            raise ValueError(f"{wanted[key][0]} is in the requirements but pinned nowhere")
    return pins, notes


def beam_problem(image: dict, ours: dict) -> str | None:
    """Beam itself must be the version the pipeline was built with (the image tag says which)."""
    if BEAM not in image:
        return "the SDK image has no apache-beam: is it apache/beam_python3.11_sdk?"
    if BEAM in ours and ours[BEAM][1] != image[BEAM][1]:
        return f"the SDK image has apache-beam {image[BEAM][1]}, constraints pin {ours[BEAM][1]}"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    image, ours, wanted = (read_pins(open(path, encoding="utf-8").read()) for path in argv)
    problem = beam_problem(image, ours)
    if problem:
        sys.stderr.write(f"image_pins: error: {problem}\n")
        return 1
    pins, notes = worker_pins(image, ours, wanted)
    for note in notes:
        sys.stderr.write(f"image_pins: {note}\n")
    sys.stdout.write("".join(f"{name}=={version}\n" for _, (name, version) in sorted(pins.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

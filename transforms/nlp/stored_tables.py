"""Tables derived from pinned packages at ``make generate`` and stored beside the code as
gzipped JSON (the gazetteer's cities, :mod:`transforms.nlp.city_index`; the given names,
:mod:`transforms.nlp.given_names`): the same table always gives the same bytes, so each
module's staleness test can compare the stored file with a fresh build."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Callable


def encode(table: dict) -> bytes:
    # mtime=0 and sorted keys: the same table always gives the same bytes.
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def read(path: Path) -> dict:
    """The stored table (raises FileNotFoundError when the package was installed without it)."""
    with gzip.open(path, "rb") as handle:
        return json.loads(handle.read())


def generate(argv: list[str], default_path: Path, build: Callable[[], dict]) -> int:
    """The ``python -m`` entry point of a table module: build it and write it atomically to
    ``argv[1]`` or ``default_path``."""
    from transforms.storage import write_bytes_atomic

    path = Path(argv[1]) if len(argv) > 1 else default_path
    write_bytes_atomic(str(path), encode(build()))
    print(f"wrote {path}")
    return 0

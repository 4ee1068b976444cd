"""The plain-library baseline of the throughput benchmark: ``spacy.load`` + ``nlp.pipe`` over files.

What a data scientist would write without news-ingest: read every text file under
``--input``, load the model with all its components, and run ``nlp.pipe(texts,
batch_size=32, n_process=N)``, consuming the docs.  Run as its own process by
``bench.pipeline_throughput`` so its wall time includes start-up and model load, like the
pipeline's.

    python -m bench.raw_spacy --input DIR [--n_process 2] [--model NAME]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def read_texts(folder: Path) -> list[str]:
    return [path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.name.startswith(".")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--n_process", type=int, default=1)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    import spacy

    from transforms.nlp.model import default_model_name

    nlp = spacy.load(args.model or default_model_name())
    texts = read_texts(args.input)
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=args.batch_size, n_process=args.n_process))
    print(f"{len(texts)} texts, {tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())

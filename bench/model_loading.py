"""How the spaCy model reaches the workers: our loader against Beam's RunInference, measured.

Issue 10 asks to compare Beam's ``RunInference`` with a spaCy ``ModelHandler`` (with and
without ``share_model_across_processes``) against the current loader (``Enrich``: the
model loaded once per worker process in ``DoFn.setup``, batches through ``nlp.pipe``), and
keep the better.  Each variant runs the same work, the project's ``enrich_batch`` over the
BBC articles in batches of 64, in a small Beam pipeline with ``--direct_num_workers N
--direct_running_mode multi_processing``, as a child process timed from start to exit, the
variants alternating.

- ``enrich``: the pipeline's ``Enrich`` transform.
- ``runinference``: ``RunInference(SpacyEnrichHandler())``: Beam loads the model once per
  process (its ``Shared`` handle) and calls ``run_inference`` per batch.
- ``runinference-shared``: the same with ``share_model_across_processes() == True``: one
  model in one process for the whole machine (``multi_process_shared``); workers send it
  batches and get results back.

    python -m bench.model_loading [--workers 2] [--repeat 1]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import apache_beam as beam
from apache_beam.ml.inference.base import ModelHandler, RunInference

from bench.pipeline_throughput import DEFAULT_CORPUS, run_measured

VARIANTS = ("enrich", "runinference", "runinference-shared")
BATCH = 64


class _Enricher:
    """What the shared model process holds: the model and the one call workers make on it."""

    def __init__(self):
        from transforms.nlp.model import load_model, model_label

        self.nlp = load_model()
        self.label = model_label(self.nlp)

    def enrich(self, articles):
        from transforms.nlp.enrich import enrich_batch

        return list(enrich_batch(articles, self.nlp, self.label))


class SpacyEnrichHandler(ModelHandler):
    """A spaCy ModelHandler: articles in, ``enrich_batch`` results out."""

    def __init__(self, share: bool):
        super().__init__()
        self._share = share

    def load_model(self):
        return _Enricher()

    def run_inference(self, batch, model, inference_args=None):
        return model.enrich(list(batch))

    def share_model_across_processes(self) -> bool:
        return self._share

    def batch_elements_kwargs(self):
        return {"min_batch_size": BATCH, "max_batch_size": BATCH}


def _articles(folder: Path) -> list[dict]:
    articles = []
    for i, path in enumerate(sorted(p for p in folder.rglob("*.txt"))):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        articles.append({"article_id": str(i), "source_uri": str(path), "title": title.strip(),
                         "body": body.strip(), "published_at": None})
    return articles


def run_variant(variant: str, folder: Path, workers: int) -> int:
    """The child process: one small pipeline with ``variant``; prints how many articles came out."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.runners import local_runner
    from transforms.nlp.enrich import Enrich

    options = PipelineOptions(["--direct_num_workers", str(workers), "--direct_running_mode", "multi_processing"])
    with beam.Pipeline(runner=local_runner(options, streaming=False), options=options) as p:
        articles = p | beam.Create(_articles(folder)) | "Spread" >> beam.Reshuffle()
        if variant == "enrich":
            out = (articles | Enrich(max_batch_size=BATCH))["articles"]
        else:
            out = (articles | RunInference(SpacyEnrichHandler(share=variant.endswith("shared")))
                   | beam.Filter(lambda outcome: outcome[0] == "ok"))
        _ = out | beam.combiners.Count.Globally() | beam.Map(lambda n: print(f"{n} articles enriched"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_CORPUS / "text" / "bbc")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.variant:
        return run_variant(args.variant, args.input, args.workers)
    if not args.input.exists():
        print(f"SKIPPED: {args.input} not found")
        return 0
    variants = tuple(args.variants)
    walls: dict[str, list[float]] = {v: [] for v in variants}
    peaks: dict[str, list[int]] = {}
    for rep in range(args.repeat):
        for variant in (variants if rep % 2 == 0 else variants[::-1]):
            wall, tree_peaks, _ = run_measured([sys.executable, "-m", "bench.model_loading", "--variant", variant,
                                                "--input", str(args.input), "--workers", str(args.workers)],
                                               env=dict(os.environ))
            walls[variant].append(wall)
            peaks[variant] = [round(k / 1024) for k in tree_peaks]
            print(f"  {variant}: {wall:.1f} s, peak RSS MiB per process {peaks[variant]}", flush=True)
    print(f"{'variant':<22} {'median s':>8} {'vs first':>9}")
    base = statistics.median(walls[variants[0]])
    for variant in variants:
        median = statistics.median(walls[variant])
        print(f"{variant:<22} {median:>8.1f} {base / median:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

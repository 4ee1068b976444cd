"""CPU cost of our analysis after the parse: the entity repairs and ``analyze``.

The 150 BBC articles (``corpus/text/bbc``, read with the pipeline's reader) are parsed once
without the entity-repairs component; then, ``--rounds`` times, the repairs run on copies
of the docs and ``analyze`` (entities, quotes, keyphrases, amounts, dates) on the repaired
docs.  CPU time per article, the least of the rounds (other jobs on a shared machine only
ever add time).  Compare code versions by running this alternately in each checkout.

    python -m bench.analysis_cost [--rounds 4] [--corpus DIR] [--profile FILE]

``--profile FILE`` writes a cProfile of two more rounds (repairs and analyze) to FILE.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import time

from bench.eval_nlp import corpus_dir_from
from bench.gold_texts import read_with_pipeline_reader


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--corpus", default=None, help="corpus folder (default: ../shared/corpus)")
    parser.add_argument("--profile", default=None, metavar="FILE")
    args = parser.parse_args(argv)

    from transforms.nlp.analyze import analyze
    from transforms.nlp.entity_repairs import COMPONENT_NAME, news_entity_repairs
    from transforms.nlp.model import load_model

    folder = corpus_dir_from(args.corpus) / "text" / "bbc"
    files = sorted(folder.rglob("*.txt"))
    if not files:
        print(f"SKIPPED: no articles in {folder} (set NEWS_INGEST_CORPUS or pass --corpus)")
        return 0
    nlp = load_model()
    pairs = [read_with_pipeline_reader(path.read_bytes(), path.resolve().as_uri()) for path in files]
    with nlp.select_pipes(disable=[COMPONENT_NAME]):
        raw = [list(nlp.pipe(texts, batch_size=16)) for texts in ([b for _, b in pairs], [t or "" for t, _ in pairs])]

    def repairs():
        return [[news_entity_repairs(doc.copy()) for doc in docs] for docs in raw]

    bodies, titles = repairs()

    def analysis():
        for body, title, (title_text, _) in zip(bodies, titles, pairs):
            analyze(body, title if title_text else None, None)

    steps = {"copies of the docs": lambda: [[doc.copy() for doc in docs] for docs in raw],
             "entity repairs (with the copies)": repairs, "analyze": analysis}
    gc.collect()
    gc.freeze()  # as in a worker (transforms/nlp/worker_setup.py)
    best = {name: float("inf") for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            started = time.process_time()
            step()
            best[name] = min(best[name], time.process_time() - started)
            gc.collect()
    for name, seconds in best.items():
        print(f"{name}: {seconds / len(files) * 1000:.2f} ms/article")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(2):
            repairs()
            analysis()
        profile.disable()
        profile.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Deduplication decisions of a multi-run scenario, to compare two versions of the seen-key index.

150 runs of 1-20 synthetic articles each: new stories, near-copies of earlier ones (words
added), same-text copies under new ids, and articles of the previous run again.  Each run
decides against the index (``dedup_plan.plan`` with ``SeenIndex.lookup``) and commits what
it keeps (``apply_rows``), as batch runs do.  Prints every decision as JSON: run it with two
checkouts' code and compare the outputs byte for byte.

    python -m bench.seen_index_decisions [SEED] > after.json
    (cd OTHER_CHECKOUT && PYTHONPATH=. python PATH/TO/bench/seen_index_decisions.py [SEED]) > before.json
    cmp before.json after.json
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
import tempfile

WORDS = ("council budget harbour storm library orchard harvest train station school minister election court "
         "ruling hospital doctors nurses strike market shares profit company factory workers union river flood").split()
RUNS = 150


def scenario(rng: random.Random):
    """Yield each run's articles."""
    stories, previous = [], None
    for run in range(RUNS):
        batch = []
        for i in range(rng.choice([1, 1, 2, 5, 20])):
            roll = rng.random()
            if stories and roll < 0.2:
                body = rng.choice(stories) + " " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
            elif stories and roll < 0.3:
                body = rng.choice(stories)
            else:
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 150))) + "."
                stories.append(body)
            batch.append({"article_id": hashlib.sha256(f"{run}-{i}".encode()).hexdigest()[:32],
                          "content_hash": hashlib.sha256(body.encode()).hexdigest(), "body": body,
                          "source_uri": f"s/{run}/{i}", "published_at": None})
        if previous and rng.random() < 0.2:
            batch.append(dict(previous[0]))
        yield batch
        previous = batch


def main(argv=None) -> int:
    from transforms import near_dup, seen_index
    from transforms.dedup_plan import DROP, candidate_of, index_entry, index_rows, plan

    argv = sys.argv[1:] if argv is None else argv
    rng = random.Random(int(argv[0]) if argv else 1)
    params = near_dup.PARAMS.as_dict()
    out = tempfile.mkdtemp(prefix="seen-decisions-")
    decided = []
    for run, batch in enumerate(scenario(rng)):
        signed = {a["article_id"]: dict(a, near_dup_signature=near_dup.to_bytes(near_dup.signature(a["body"])))
                  for a in batch}
        decisions = plan([candidate_of(a) for a in signed.values()], seen_index.SeenIndex(out, params).lookup)
        decided.append({article_id: list(vars(d).values()) for article_id, d in sorted(decisions.items())})
        kept = [dict(signed[i], duplicate_of=d.duplicate_of) for i, d in decisions.items() if d.action != DROP]
        seen_index.apply_rows(out, f"run-{run:04d}", [r for a in kept for r in index_rows(*index_entry(a))], params)
    shutil.rmtree(out, ignore_errors=True)
    print(json.dumps(decided, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

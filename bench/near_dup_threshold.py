"""Choose the near-duplicate threshold on real text.

False positives: every pair of the BBC articles in ``../shared/corpus/text/bbc`` (150
distinct stories, several on the same topic) must stay below the threshold.
True positives: edited copies of each article, made by general edits a syndicating site
makes (a changed word, an added sentence, a rewritten first paragraph, a dropped last
paragraph, a credit line), must reach it.

Prints the highest similarity between distinct stories, the lowest per kind of edit (both
as MinHash estimates and exact Jaccard of the shingle sets), and whether the configured
threshold separates them.  ``python -m bench.near_dup_threshold``.
"""
from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from pathlib import Path

from tests.conftest import CORPUS_DIR
from transforms import near_dup
from transforms.identity import content_hash
from transforms.sources.article_files import parse_article_file

# A sentence ends at . ! or ? (or one followed by a closing quote) before a capital or an opening quote.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”]))\s+(?=[A-Z\"“])")
_ADDED = ("The company did not respond to a request for comment on Tuesday.",
          "Analysts said further details were expected later in the week.")


def load_bodies(folder: Path) -> list[tuple[str, str]]:
    """(relative path, cleaned body) of every article file, parsed like the pipeline does."""
    out = []
    for path in sorted(folder.rglob("*.txt")):
        article = parse_article_file(path.read_bytes(), str(path))
        out.append((str(path.relative_to(folder)), article["body"]))
    return out


def _paragraphs(body):
    return body.split("\n\n")


def _change_words(body, rng, n):
    words = body.split(" ")
    for i in rng.sample(range(len(words)), min(n, len(words))):
        words[i] = "altered"
    return " ".join(words)


def edits(body: str, rng: random.Random) -> dict[str, str]:
    """Edited copies of ``body``, one per kind of edit, each a general rule."""
    paragraphs = _paragraphs(body)
    sentences = _SENTENCE_END.split(paragraphs[0])
    last_sentence = _SENTENCE_END.split(paragraphs[-1])[-1]
    return {
        "one word changed + one sentence added": _change_words(body, rng, 1) + " " + _ADDED[0],
        "five words changed": _change_words(body, rng, 5),
        "first paragraph rewritten": "\n\n".join(
            [" ".join(reversed(sentences)) + " " + _ADDED[1]] + paragraphs[1:]),
        "last sentence dropped": body[:body.rstrip().rfind(last_sentence)].rstrip() or body,
        "credit line + two sentences added": body + "\n\n" + " ".join(_ADDED) + "\n\nReporting by a news agency.",
    }


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS_DIR / "text" / "bbc"))
    parser.add_argument("--threshold", type=float, default=near_dup.DEFAULT_THRESHOLD)
    parser.add_argument("--shingle_words", type=int, default=near_dup.SHINGLE_WORDS)
    args = parser.parse_args(argv)
    params = near_dup.NearDupParams(shingle_words=args.shingle_words)
    folder = Path(args.corpus)
    if not folder.is_dir():
        print(f"skipped: corpus not found at {folder}")
        return 0
    bodies = load_bodies(folder)
    shingle_sets = [near_dup.shingles(body, params.shingle_words) for _, body in bodies]
    sigs = [near_dup.signature(body, params) for _, body in bodies]

    distinct, identical = [], []
    for i, j in itertools.combinations(range(len(bodies)), 2):
        if content_hash(bodies[i][1]) == content_hash(bodies[j][1]):
            identical.append(f"{bodies[i][0]} = {bodies[j][0]}")  # one story twice: content_hash catches it
            continue
        distinct.append((near_dup.similarity(sigs[i], sigs[j]), jaccard(shingle_sets[i], shingle_sets[j]),
                         bodies[i][0], bodies[j][0]))
    distinct.sort(reverse=True)
    print(f"{len(bodies)} articles, {len(distinct)} distinct pairs; "
          f"shingles of {params.shingle_words} words, {near_dup.NUM_PERM} permutations, "
          f"LSH bands x rows = {near_dup.PARAMS.banding}")
    print(f"identical bodies (exact duplicates, not distinct stories): {', '.join(identical) or 'none'}")
    print("most similar distinct stories (MinHash estimate, exact Jaccard):")
    for est, exact, a, b in distinct[:5]:
        print(f"  {est:.3f}  {exact:.3f}  {a} ~ {b}")

    rng = random.Random(9)
    by_edit: dict[str, list[tuple[float, float, str]]] = {}
    lsh_missed: list[str] = []
    for (name, body), sig, shingle_set in zip(bodies, sigs, shingle_sets):
        for edit, copy in edits(body, rng).items():
            copy_sig = near_dup.signature(copy, params)
            by_edit.setdefault(edit, []).append((near_dup.similarity(sig, copy_sig),
                                                 jaccard(shingle_set, near_dup.shingles(copy, params.shingle_words)), name))
            # The pipeline only compares pairs that share an LSH band key.
            if not set(near_dup.band_keys(sig, params)) & set(near_dup.band_keys(copy_sig, params)):
                lsh_missed.append(f"{name} ({edit})")
    print("edited copies, lowest similarity per kind of edit (MinHash estimate, exact Jaccard, article):")
    lowest_edited = 1.0
    for edit, values in by_edit.items():
        est, exact, name = min(values)
        missed = sum(1 for v in values if v[0] < args.threshold)
        lowest_edited = min(lowest_edited, est)
        print(f"  {edit:<38} {est:.3f}  {exact:.3f}  {name}   below threshold: {missed}/{len(values)}")
    highest_distinct = distinct[0][0]
    false_positives = sum(1 for d in distinct if d[0] >= args.threshold)
    print(f"threshold {args.threshold}: {false_positives} false positives among distinct stories "
          f"(highest {highest_distinct:.3f}); lowest edited copy {lowest_edited:.3f}")
    print(f"edited copies that share no LSH band with the original (never compared): {len(lsh_missed)}"
          + (f": {', '.join(lsh_missed[:5])}" if lsh_missed else ""))
    return 0 if false_positives == 0 and lowest_edited >= args.threshold and not lsh_missed else 1


if __name__ == "__main__":
    sys.exit(main())

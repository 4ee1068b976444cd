"""Score the project's NLP against hand-made gold labels for real news articles.

The gold set (``tests/gold/bbc_gold.json``, rules in ``tests/gold/README.md``) names
articles of the BBC News dataset by path and sha256; the text itself stays outside the
repository, in the shared corpus (``../shared/corpus`` or ``$NEWS_INGEST_CORPUS``).  Each
article is read with the pipeline's own reader (so the body is what the pipeline sees),
analysed with ``transforms.nlp.analyze.analyze_text``, and scored:

* quote recall: gold quotations found, a found quotation being a predicted quote that
  starts where the gold quotation starts (its offsets, or failing that its text);
* speaker accuracy: found quotations whose predicted speaker equals the gold speaker
  (strict), and a lenient figure that also accepts the label's ``also_accept`` names and
  any surface form of the gold speaker;
* person recall: gold persons whose canonical name is a predicted PERSON entity's name
  (case-insensitive), and separately those matched by any surface form;
* place recall: gold places found among GPE/LOC entities by name or form, with the rate
  at which the matched entity carries the gold ISO country code;
* split persons: a gold person whose forms map to two or more predicted PERSON names;
* organisation recall: gold organisations found among ORG entities by name or form;
* quote precision: found quotations over all predicted non-scare quotes.

A gold set takes its texts from one of three places (``bench/gold_texts.py``): BBC-style
article files under the corpus, the ground-truth article bodies of the HTML benchmark
pages (``html/ground-truth.json``), or texts written for the set and stored in it.

The gold files are parsed in ``bench/gold_set.py``; scoring is pure, in
``bench/gold_scoring.py`` (``score_article`` and the functions it uses), so the tests can
feed it hand-made predictions.  This module reads the texts, runs the NLP and reports.  Run ``python -m bench.eval_nlp --help`` for the command line.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable

from bench import gold_texts
from bench.gold_scoring import (
    MIN_QUOTE_WORDS,
    ArticleScore,
    QuoteOutcome,
    Thresholds,
    article_counts,
    check_thresholds,
    failed_article,
    locate_quote,
    rates,
    score_article,
    summarize,
)
from bench.gold_set import GoldError, GoldSet, load_golds
from transforms.records import RejectError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO_ROOT / "tests" / "gold" / "bbc_gold.json"
# Labelled by reading only and never used for tuning (README there): the honest figure.
HELDOUT_GOLD = REPO_ROOT / "tests" / "gold" / "bbc_heldout.json"
# Modern (2019) web news and articles written for the set; the held-out one is looked at once.
# A held-out set that has been looked at is retired into development (tests/gold/README.md):
# modern_dev2 was the first modern held-out set, modern_dev4a/4b the second, modern_dev5a/5b the
# third, modern_dev6a/6b (feed items) the fourth and modern_dev7a/7b the fifth (first looks
# 2026-12-03); modern_heldout6a/6b are the slot for a sixth pair, to be labelled apart from all of
# them before any tuning on it (the shared corpus has no unused news text left).
MODERN_DEV_GOLDS = tuple(REPO_ROOT / "tests" / "gold" / f"modern_{name}.json"
                         for name in ("dev", "dev2", "dev3", "dev4a", "dev4b", "dev5a", "dev5b", "dev6a", "dev6b",
                                      "dev7a", "dev7b"))
MODERN_DEV_GOLD = MODERN_DEV_GOLDS[0]
MODERN_HELDOUT_GOLDS = tuple(REPO_ROOT / "tests" / "gold" / f"modern_{name}.json"
                             for name in ("heldout6a", "heldout6b"))
CORPUS_ENV = "NEWS_INGEST_CORPUS"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


# Exit statuses of the command line.
EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2


# --------------------------------------------------------------------------- reading and running


@dataclasses.dataclass
class Evaluation:
    gold_path: str
    corpus_dir: str
    model: str | None
    scores: list[ArticleScore]
    skipped: list[tuple[str, str]]   # (path, reason) of gold articles not evaluated
    seconds: float

    @property
    def summary(self) -> dict:
        return summarize(self.scores)


def corpus_dir_from(explicit: str | None = None) -> Path:
    """The corpus directory: --corpus, else $NEWS_INGEST_CORPUS, else ../shared/corpus."""
    return Path(explicit or os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS)


# Kept here for callers of this module; the reading itself lives in bench/gold_texts.py.
sha256_hex = gold_texts.sha256_hex
read_with_pipeline_reader = gold_texts.read_with_pipeline_reader


Reader = Callable[[bytes, str], "tuple[str | None, str]"]
Analyzer = Callable[[str | None, str], dict]


def evaluate(gold: GoldSet, corpus_dir: Path, analyze: Analyzer, read: Reader = read_with_pipeline_reader,
             *, gold_path: str = "", model: str | None = None) -> Evaluation:
    """Read, analyse and score every gold article found unchanged in ``corpus_dir``.

    Missing or changed files are skipped (listed in ``skipped``); an article the reader
    rejects or the NLP fails on is scored as all-missed with its error, never dropped.
    """
    began = time.perf_counter()
    scores, skipped = [], []
    for article in gold.articles:
        try:
            title, body = gold_texts.article_text(gold, article, corpus_dir, read)
        except gold_texts.TextUnavailable as error:
            skipped.append((article.path, str(error)))
            continue
        except RejectError as error:
            scores.append(failed_article(article, f"reader rejected it: {error}"))
            continue
        try:
            result = analyze(title, body)
        except Exception as error:  # noqa: BLE001 - one failing article is a finding, not a crash
            scores.append(failed_article(article, f"NLP failed: {type(error).__name__}: {error}"))
            continue
        scores.append(score_article(article, body, result))
    return Evaluation(gold_path, str(corpus_dir), model, scores, skipped, time.perf_counter() - began)


def check_gold_locations(gold: GoldSet, corpus_dir: Path, read: Reader = read_with_pipeline_reader) -> list[str]:
    """Problems with the labels themselves: quotations not found in the body, or too short to label."""
    problems = []
    for article in gold.articles:
        try:
            _, body = gold_texts.article_text(gold, article, corpus_dir, read)
        except gold_texts.TextUnavailable as error:
            problems.append(f"{article.path}: {error}")
            continue
        for quote in article.quotes:
            span = locate_quote(body, quote)
            if span is None:
                problems.append(f"{article.path}: quote {quote.starts_with!r} ... {quote.ends_with!r} not found")
            elif len(body[span[0]:span[1]].split()) < MIN_QUOTE_WORDS:
                problems.append(f"{article.path}: quote {quote.starts_with!r} is under {MIN_QUOTE_WORDS} words")
    return problems


# --------------------------------------------------------------------------- reporting


def _pct(value: float | None) -> str:
    return "  -  " if value is None else f"{value * 100:5.1f}"


def _frac(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}"


def _short_path(path: str, width: int = 24) -> str:
    """A path that fits the table's first column (benchmark page ids are 64 hex digits)."""
    return path if len(path) <= width else path[: width - 3] + "..."


def format_table(evaluation: Evaluation) -> str:
    """A plain-text report: one row per article, the overall figures, and what was skipped."""
    header = (f"{'article':<24} {'quotes':>7} {'speaker':>7} {'persons':>7} {'any':>6} "
              f"{'places':>7} {'code':>6} {'orgs':>6} {'split':>5} {'extra':>5}")
    lines = [header, "-" * len(header)]
    for score in evaluation.scores:
        c = article_counts(score)
        lines.append(
            f"{_short_path(score.path):<24} {_frac(c['quotes_found'], c['gold_quotes']):>7} "
            f"{_frac(c['speaker_correct'], c['quotes_found']):>7} "
            f"{_frac(c['persons_canonical'], c['gold_persons']):>7} "
            f"{_frac(c['persons_any_form'], c['gold_persons']):>6} "
            f"{_frac(c['places_found'], c['gold_places']):>7} "
            f"{_frac(c['country_code_agree'], c['places_found']):>6} "
            f"{_frac(c['organisations_found'], c['gold_organisations']):>6} "
            f"{c['split_persons']:>5} {c['extra_quotes']:>5}"
            + (f"  ERROR {score.error}" if score.error else ""))
    summary = evaluation.summary
    lines.append("-" * len(header))
    figures = [
        ("quote recall", "quote_recall"), ("speaker accuracy", "speaker_accuracy"),
        ("speaker accuracy (lenient)", "speaker_accuracy_lenient"),
        ("quote span exact", "quote_span_exact"), ("joined quotes kept whole", "joined_quotes_whole"),
        ("quote precision (non-scare)", "quote_precision"),
        ("person recall (canonical)", "person_recall"), ("person recall (any form)", "person_recall_any_form"),
        ("place recall", "place_recall"), ("place recall (canonical)", "place_recall_canonical"),
        ("country code agreement", "country_code_agreement"), ("geo type agreement", "geo_type_agreement"),
        ("organisation recall", "organisation_recall"),
    ]
    for label, key in figures:
        lines.append(f"{label:<30} {_pct(summary.get(key))} %")
    counts = summary["counts"]
    lines.append(f"{'articles with a split person':<30} {summary['articles_with_split_person']}"
                 f" (persons split: {counts.get('split_persons', 0)}, merged: {counts.get('merged_persons', 0)})")
    lines.append(f"{len(evaluation.scores)} articles scored in {evaluation.seconds:.1f} s"
                 + (f" with {evaluation.model}" if evaluation.model else ""))
    for path, reason in evaluation.skipped:
        lines.append(f"SKIPPED {path}: {reason}")
    return "\n".join(lines)


def format_details(evaluation: Evaluation) -> str:
    """Every miss, for someone improving the NLP: missed and mis-attributed quotes, persons, places."""
    lines = []
    for score in evaluation.scores:
        items = []
        for q in score.quotes:
            if not q.found:
                items.append(f"  missed quote ({q.gold.speaker}): {q.gold.starts_with!r}"
                             + ("" if q.span or score.error else "  [gold words not found in body]"))
            elif not q.speaker_ok:
                items.append(f"  speaker {q.predicted.get('speaker')!r} should be {q.gold.speaker!r}: "
                             f"{q.gold.starts_with!r}")
            elif not q.whole:
                items.append(f"  quote span ends at {q.predicted.get('end_char')}, gold ends at "
                             f"{q.span[1] if q.span else '?'}: {q.gold.starts_with!r}")
        for quote in score.unmatched_quotes:
            items.append(f"  extra quote ({quote.get('speaker')}): {(quote.get('text') or '')[:60]!r}")
        for p in score.persons:
            if p.split:
                items.append(f"  split person {p.gold.name}: {p.predicted_names}")
            if not p.form_found:
                seen = f" (labelled {p.other_labels})" if p.other_labels else ""
                items.append(f"  missed person {p.gold.name}{seen}")
            elif not p.canonical_found:
                items.append(f"  person {p.gold.name} found only as {p.predicted_names}")
        for name in score.merged_persons:
            items.append(f"  merged persons under {name!r}")
        for p in score.places:
            if not p.found:
                seen = f" (labelled {p.other_labels})" if p.other_labels else ""
                items.append(f"  missed place {p.gold.name}{seen}")
            elif not p.code_ok:
                codes = sorted({str(e.get('country_code')) for e in p.predicted})
                items.append(f"  place {p.gold.name}: country code {codes}, gold {p.gold.country_code}")
        for o in score.organisations:
            if not o.found:
                seen = f" (labelled {o.other_labels})" if o.other_labels else ""
                items.append(f"  missed organisation {o.gold.name}{seen}")
        if items:
            lines.append(score.path)
            lines.extend(items)
    return "\n".join(lines)


def _quote_json(outcome: QuoteOutcome) -> dict:
    return {"starts_with": outcome.gold.starts_with, "gold_speaker": outcome.gold.speaker,
            "found": outcome.found, "located": outcome.span is not None,
            "predicted_speaker": outcome.predicted.get("speaker") if outcome.predicted else None,
            "speaker_ok": outcome.speaker_ok, "speaker_ok_lenient": outcome.speaker_ok_lenient,
            "whole": outcome.whole}


def to_json(evaluation: Evaluation, failures: list[str]) -> dict:
    """Machine-readable report (figures, counts, and per-article outcomes)."""
    articles = []
    for score in evaluation.scores:
        articles.append({
            "path": score.path,
            "error": score.error,
            "figures": rates(article_counts(score)),
            "counts": article_counts(score),
            "quotes": [_quote_json(q) for q in score.quotes],
            "extra_quotes": [{"text": q.get("text"), "speaker": q.get("speaker")} for q in score.unmatched_quotes],
            "persons": [{"name": p.gold.name, "canonical_found": p.canonical_found, "form_found": p.form_found,
                         "predicted_names": p.predicted_names, "other_labels": p.other_labels}
                        for p in score.persons],
            "merged_persons": score.merged_persons,
            "places": [{"name": p.gold.name, "found": p.found, "canonical_found": p.canonical_found,
                        "country_code": p.gold.country_code, "code_ok": p.code_ok,
                        "predicted": [e.get("name") for e in p.predicted], "other_labels": p.other_labels}
                       for p in score.places],
            "organisations": [{"name": o.gold.name, "found": o.found, "predicted": o.predicted,
                               "other_labels": o.other_labels} for o in score.organisations],
        })
    return {"gold": evaluation.gold_path, "corpus": evaluation.corpus_dir, "model": evaluation.model,
            "seconds": round(evaluation.seconds, 2), "overall": evaluation.summary,
            "skipped": [{"path": p, "reason": r} for p, r in evaluation.skipped],
            "failures": failures, "articles": articles}


# --------------------------------------------------------------------------- command line


def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.eval_nlp",
        description="Score the NLP (quotes, speakers, persons, places, organisations) against hand-made gold labels.")
    parser.add_argument("--gold", nargs="+", default=[str(DEFAULT_GOLD)],
                        help=f"gold labels; several files are scored as one set "
                             f"(default: %(default)s; the held-out set is {HELDOUT_GOLD})")
    parser.add_argument("--corpus", default=None,
                        help=f"corpus directory (default: ${CORPUS_ENV}, else {DEFAULT_CORPUS})")
    parser.add_argument("--model", default=None, help="spaCy model name (default: the project's default)")
    parser.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    parser.add_argument("--details", action="store_true", help="after the table, list every miss")
    parser.add_argument("--check-gold", action="store_true",
                        help="only check that every gold quotation is found in its article body (no model)")
    parser.add_argument("--min-quote-recall", type=float, default=None)
    parser.add_argument("--min-speaker-accuracy", type=float, default=None)
    parser.add_argument("--min-person-recall", type=float, default=None)
    parser.add_argument("--min-place-recall", type=float, default=None)
    parser.add_argument("--max-split-persons", type=int, default=None,
                        help="most articles allowed to have a person split into two canonical names")
    parser.add_argument("--min-quote-precision", type=float, default=None)
    parser.add_argument("--min-organisation-recall", type=float, default=None)
    return parser


def default_analyzer(model: str | None = None) -> tuple[Analyzer, str]:
    """The project's analyze_text bound to a loaded model, and the model's label."""
    from transforms.nlp.analyze import analyze_text
    from transforms.nlp.model import load_model, model_label

    nlp = load_model(model)
    return (lambda title, body: analyze_text(title, body, nlp=nlp)), model_label(nlp)


def main(argv: list[str] | None = None) -> int:
    args = build_arg_parser().parse_args(argv)
    try:
        gold = load_golds(args.gold)
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    corpus_dir = corpus_dir_from(args.corpus)
    if not (corpus_dir / gold.corpus_subdir).is_dir() and not gold_texts.has_stored_texts(gold):
        print(f"SKIPPED: corpus not found at {corpus_dir / gold.corpus_subdir} "
              f"(pass --corpus or set {CORPUS_ENV})", file=sys.stderr)
        return EXIT_OK
    if args.check_gold:
        problems = check_gold_locations(gold, corpus_dir)
        for problem in problems:
            print(problem)
        print(f"{len(gold.articles)} articles, {sum(len(a.quotes) for a in gold.articles)} quotations checked, "
              f"{len(problems)} problems")
        return EXIT_BAD_INPUT if problems else EXIT_OK

    analyzer, label = default_analyzer(args.model)
    evaluation = evaluate(gold, corpus_dir, analyzer, gold_path=" + ".join(args.gold), model=label)
    if not evaluation.scores:
        print("SKIPPED: no gold article could be evaluated:", file=sys.stderr)
        for path, reason in evaluation.skipped:
            print(f"  {path}: {reason}", file=sys.stderr)
        return EXIT_OK
    thresholds = Thresholds(args.min_quote_recall, args.min_speaker_accuracy, args.min_person_recall,
                            args.min_place_recall, args.max_split_persons, args.min_quote_precision,
                            args.min_organisation_recall)
    failures = check_thresholds(evaluation.summary, thresholds)
    if args.json:
        print(json.dumps(to_json(evaluation, failures), indent=2, ensure_ascii=False))
    else:
        print(format_table(evaluation))
        if args.details:
            print()
            print(format_details(evaluation))
        for failure in failures:
            print(f"BELOW TARGET: {failure}")
    return EXIT_BELOW_THRESHOLD if failures else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

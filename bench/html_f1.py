"""Main-text extraction quality on the scrapinghub article-extraction benchmark pages.

For each ``pages/<id>.html.gz`` of the corpus, compares the extracted text with the
``articleBody`` of ``ground-truth.json`` by token-level F1, as the benchmark does:
tokens are ``\\w+`` runs, lower-cased, compared as bags of words (a token counts as
many times as it occurs in both).  The score of a system is the mean F1 over pages.

Two systems: the project's HTML path (``extract_html_article(...)["body"]``) and plain
``trafilatura.extract`` with its defaults, for comparison.  Exit status 1 when the
project's mean is below ``THRESHOLD``.

    python -m bench.html_f1 [--corpus PATH] [--quiet]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

THRESHOLD = 0.96
DEFAULT_CORPUS = Path(os.environ.get("NEWS_INGEST_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> Counter:
    """Bag of lower-cased ``\\w+`` tokens."""
    return Counter(_TOKEN.findall((text or "").lower()))


def token_f1(predicted: str | None, truth: str | None) -> float:
    """Bag-of-words F1 of ``predicted`` against ``truth`` (1.0 when both are empty)."""
    predicted_tokens, truth_tokens = tokens(predicted), tokens(truth)
    if not predicted_tokens and not truth_tokens:
        return 1.0
    common = sum((predicted_tokens & truth_tokens).values())
    if common == 0:
        return 0.0
    precision = common / sum(predicted_tokens.values())
    recall = common / sum(truth_tokens.values())
    return 2 * precision * recall / (precision + recall)


def benchmark_pages(corpus: Path) -> list[tuple[str, bytes, str]]:
    """(page id, gzip bytes, ground-truth body) for every page that has a ground truth."""
    html_dir = corpus / "html"
    truth = json.loads((html_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((html_dir / "pages").glob("*.html.gz")):
        page_id = path.name[: -len(".html.gz")]
        if page_id in truth:
            pages.append((page_id, path.read_bytes(), truth[page_id]["articleBody"]))
    return pages


def project_text(page_id: str, data: bytes) -> str:
    """The body the project's HTML path produces ("" when it rejects the page)."""
    from transforms.records import RejectError
    from transforms.sources.html_pages import extract_html_article

    try:
        return extract_html_article(data, f"{page_id}.html.gz")["body"]
    except RejectError:
        return ""


def trafilatura_default_text(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(gzip.decompress(data)) or ""


def score_pages(pages, *, with_baseline: bool = True) -> list[dict]:
    """One row per page: id, project F1 and (optionally) plain trafilatura F1."""
    rows = []
    for page_id, data, truth in pages:
        row = {"id": page_id, "project": token_f1(project_text(page_id, data), truth)}
        if with_baseline:
            row["trafilatura"] = token_f1(trafilatura_default_text(data), truth)
        rows.append(row)
    return rows


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder holding html/")
    parser.add_argument("--quiet", action="store_true", help="print only the means")
    args = parser.parse_args(argv)
    if not (args.corpus / "html" / "ground-truth.json").is_file():
        print(f"no benchmark pages under {args.corpus / 'html'}", file=sys.stderr)
        return 2

    rows = score_pages(benchmark_pages(args.corpus))
    if not args.quiet:
        print(f"{'page':<16} {'project':>8} {'trafilatura':>12}")
        for row in sorted(rows, key=lambda r: r["project"]):
            print(f"{row['id'][:16]:<16} {row['project']:>8.3f} {row['trafilatura']:>12.3f}")
    project_mean = mean(row["project"] for row in rows)
    baseline_mean = mean(row["trafilatura"] for row in rows)
    print(f"pages: {len(rows)}")
    print(f"mean token F1, project HTML path (extract_html_article): {project_mean:.4f}")
    print(f"mean token F1, trafilatura.extract defaults:             {baseline_mean:.4f}")
    if project_mean < THRESHOLD:
        print(f"FAIL: project mean {project_mean:.4f} < {THRESHOLD}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

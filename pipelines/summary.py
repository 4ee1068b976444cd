"""``news-ingest summary --output DIR``: what the datasets under DIR hold, via DuckDB.

Reads the Parquet datasets the way an analyst would (DuckDB, Hive partitioning) and
prints article counts, the most mentioned entities and the rejects by reason; this is
also a smoke test that the files are readable by a warehouse engine.

``DIR`` is a local folder or any URL Beam's ``FileSystems`` reads (``gs://bucket/news``):
files are listed with ``FileSystems.match``.  DuckDB reads local files itself; files on
other filesystems are read through ``FileSystems.open`` (only the columns the summary
needs) and handed to DuckDB as Arrow tables, so no cloud credentials or DuckDB
extensions are involved beyond what Beam already uses.
"""
from __future__ import annotations

import argparse
import os
import sys

from apache_beam.io.filesystems import FileSystems

from transforms.run_catalog import finished_runs

TOP_ENTITIES = 10
# The columns each query below reads (a remote file is fetched for these alone).
COLUMNS = {
    "articles": ["source_type", "language", "published_at"],
    "entities": ["name", "label", "mentions", "article_id"],
    "quotes": ["speaker", "is_scare", "is_partial"],
    "rejects": ["stage", "reason"],
}


def is_local(output: str) -> bool:
    return FileSystems.get_scheme(output) in (None, "file")


def dataset_pattern(output: str, dataset: str) -> str:
    """The readers' glob of a dataset's part files: ``DIR/<dataset>/*/*.parquet``."""
    return FileSystems.join(output, dataset, "*", "*.parquet")


def dataset_files(output: str, dataset: str) -> list[str]:
    return sorted(m.path for m in FileSystems.match([dataset_pattern(output, dataset)])[0].metadata_list)


def _read_remote(paths: list[str], columns: list[str]):
    """One Arrow table of ``columns`` from Parquet files on any Beam filesystem."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for path in paths:
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            tables.append(pq.read_table(handle, columns=columns))
    return pa.concat_tables(tables, promote_options="default")


def _relation(con, output: str, dataset: str) -> str | None:
    """A DuckDB relation name over the dataset's files, or None when it has none."""
    paths = dataset_files(output, dataset)
    if not paths:
        return None
    if is_local(output):  # DuckDB globs the same pattern itself, in parallel
        pattern = dataset_pattern(output, dataset).replace("'", "''")
        return f"read_parquet('{pattern}')"
    con.register(f"remote_{dataset}", _read_remote(paths, COLUMNS[dataset]))
    return f"remote_{dataset}"


def summarize(output: str, top: int = TOP_ENTITIES) -> dict:
    """Summary figures as a dict (what ``run`` prints)."""
    import duckdb

    con = duckdb.connect()
    result: dict = {"output": output}
    relations = {dataset: _relation(con, output, dataset) for dataset in COLUMNS}

    def scan(dataset):
        return relations[dataset]

    if relations["articles"]:
        result["articles"] = con.execute(f"SELECT count(*) FROM {scan('articles')}").fetchone()[0]
        result["by_source_type"] = con.execute(
            f"SELECT source_type, count(*) FROM {scan('articles')} GROUP BY 1 ORDER BY 2 DESC").fetchall()
        result["by_language"] = con.execute(
            f"SELECT coalesce(language, '?'), count(*) FROM {scan('articles')} GROUP BY 1 ORDER BY 2 DESC").fetchall()
        result["published"] = con.execute(
            f"SELECT min(published_at), max(published_at), count(published_at) FROM {scan('articles')}").fetchone()
    if relations["entities"]:
        result["top_entities"] = con.execute(f"""
            SELECT name, label, sum(mentions) AS mentions, count(DISTINCT article_id) AS articles
            FROM {scan('entities')} GROUP BY name, label ORDER BY mentions DESC, name LIMIT {int(top)}""").fetchall()
    if relations["quotes"]:
        result["top_speakers"] = con.execute(f"""
            SELECT speaker, count(*) AS quotes FROM {scan('quotes')}
            WHERE speaker IS NOT NULL AND NOT is_scare AND NOT is_partial GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {int(top)}""").fetchall()
    if relations["rejects"]:
        result["rejects"] = con.execute(
            f"SELECT stage, reason, count(*) FROM {scan('rejects')} GROUP BY 1, 2 ORDER BY 3 DESC").fetchall()
    runs = finished_runs(output)  # compactions also leave a manifest in _runs/: not runs
    if runs:
        result["last_run"] = runs[-1].manifest
        result["runs"] = len(runs)
    return result


def format_report(s: dict) -> str:
    if "articles" not in s:
        return f"no articles under {s['output']} yet"
    lines = [f"news-ingest datasets in {s['output']}"]
    if "runs" in s:
        last = s["last_run"]
        lines.append(f"  runs: {s['runs']} (last {last['run_id']}: {last['balance']['articles_written']} articles "
                     f"written, {last['counts']['rejects_written']} rejects, {last['duration_s']} s)")
    lines.append(f"  articles: {s['articles']} ("
                 + ", ".join(f"{n} {kind}" for kind, n in s["by_source_type"]) + "; languages: "
                 + ", ".join(f"{lang} {n}" for lang, n in s["by_language"]) + ")")
    first, last, dated = s["published"]
    if dated:
        lines.append(f"  published: {first:%Y-%m-%d} .. {last:%Y-%m-%d} ({dated} dated)")
    if s.get("top_entities"):
        lines.append("  top entities (mentions / articles):")
        lines += [f"    {name:<32} {label:<8} {mentions:>5} / {articles}"
                  for name, label, mentions, articles in s["top_entities"]]
    if s.get("top_speakers"):
        lines.append("  most quoted:")
        lines += [f"    {speaker:<32} {n:>5} quotes" for speaker, n in s["top_speakers"]]
    if s.get("rejects"):
        lines.append("  rejects:")
        lines += [f"    {n:>5} {stage}: {reason}" for stage, reason, n in s["rejects"]]
    return "\n".join(lines)


def run(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="news-ingest summary", description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, metavar="DIR",
                        help="The --output of earlier runs: a local folder or a gs:// (any Beam filesystem) URL.")
    parser.add_argument("--top", type=int, default=TOP_ENTITIES, help="How many entities/speakers to list.")
    args = parser.parse_args(argv)
    output = args.output.rstrip("/") or "/"
    if is_local(output):
        if not os.path.isdir(output):
            sys.stderr.write(f"news-ingest summary: error: {output!r} is not a directory\n")
            return 2
    else:
        try:
            FileSystems.get_filesystem(output)
        except ValueError as error:  # an unknown scheme, or its extra (apache-beam[gcp]) is not installed
            sys.stderr.write(f"news-ingest summary: error: {output!r}: {error}\n")
            return 2
    print(format_report(summarize(output, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(run())

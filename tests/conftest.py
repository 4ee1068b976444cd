"""Shared fixtures.

The real-world corpus lives outside the repository (``../shared/corpus``, test data only,
never copied in).  Tests that need it take the ``corpus_dir`` fixture, which skips with
the reason when the corpus is absent.
"""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
CORPUS_DIR = Path(os.environ.get("NEWS_INGEST_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"real-world corpus not found at {CORPUS_DIR} (set NEWS_INGEST_CORPUS to its path)")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def seed_path() -> Path:
    paths = sorted(SEEDS_DIR.glob("*.txt"))
    assert paths, "seeds/ must hold the seed article"
    return paths[0]

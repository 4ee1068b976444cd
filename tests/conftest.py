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


@pytest.fixture(scope="session")
def two_batch_runs(tmp_path_factory, seed_path) -> Path:
    """A real output folder: run r1 (the seed article and an empty file, which is rejected),
    then r2 with --reprocess (a new version of the same article).  Read-only: copy it first.
    The batch pipeline takes a while, so every test that needs real output shares this one."""
    import shutil
    import subprocess
    import sys

    inputs = tmp_path_factory.mktemp("two-runs-input")
    shutil.copy(seed_path, inputs / seed_path.name)
    (inputs / "empty.txt").write_text("")
    out = tmp_path_factory.mktemp("two-runs") / "data"
    for run_id, extra in (("r1", []), ("r2", ["--reprocess"])):
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "batch", "--input", str(inputs), "--output", str(out),
             "--run_id", run_id, *extra], capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
    return out

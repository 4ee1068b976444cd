"""The seen-key index (version 2): segments, merges, bounded files, migration from version 1."""
import hashlib
import json
import random

import pytest

from transforms import near_dup, seen_index, seen_segments, seen_v1
from transforms.dedup_plan import DROP, candidate_of, index_entry, index_rows, plan, written_rows
from transforms.seen_index import SeenIndex, SeenRow, apply_rows, merge_plan, record_unlocked
from transforms.seen_rebuild import ensure_index

PARAMS = near_dup.PARAMS.as_dict()
WORDS = ("council budget harbour storm library orchard harvest train station school minister election court "
         "ruling hospital doctors nurses strike market shares profit company factory workers union river flood "
         "rescue police inquiry report village festival museum exhibition team match goal season coach").split()


def _raws(n, seed=0):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        article_id = f"{rng.getrandbits(128):032x}"
        signature = bytes(rng.getrandbits(8) for _ in range(4 * near_dup.NUM_PERM))
        rows += [seen_index._raw(row) for row in index_rows(article_id, f"{rng.getrandbits(256):064x}",
                                                             article_id, signature)]
    return rows


def _by_key(raws):
    found = {}
    for raw in raws:
        found.setdefault((raw[0], raw[1]), {})[raw[2]] = raw
    return {key: list(rows.values()) for key, rows in found.items()}


def _index_files(out):
    folder = out / "_state" / "seen"
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_a_segment_gives_back_the_rows_of_the_blocks_asked_for(tmp_path):
    raws = _raws(40)                                                   # 1,360 rows: 64 blocks
    entry = seen_segments.write_segment(str(tmp_path / "s.seen"), raws)
    assert (entry["rows"], entry["bits"]) == (len(raws), 6)
    assert entry["size"] == (tmp_path / "s.seen").stat().st_size
    offsets = seen_segments.read_offsets(str(tmp_path / "s.seen"), entry)
    key = raws[40][1]
    block = seen_segments.block_of(key, entry["bits"])
    rows = [raw for read in seen_segments.block_reads(str(tmp_path / "s.seen"), entry, {block}, offsets) for raw in read()]
    assert [raw for raw in rows if raw[1] == key] == [raw for raw in raws if raw[1] == key]
    assert all(seen_segments.block_of(raw[1], entry["bits"]) == block for raw in rows)
    every = [raw for rows in seen_segments.iter_blocks(str(tmp_path / "s.seen"), entry) for raw in rows]
    assert sorted(map(json.dumps, every)) == sorted(map(json.dumps, raws))


def test_a_merge_keeps_each_keys_rows_in_order_and_replaces_the_same_article_in_place(tmp_path):
    old, middle = _raws(60, seed=1), _raws(3, seed=2)
    shared = old[0][1]                                                 # an id key of the oldest segment
    later = [["hash", old[1][1], "another-article"], ["id", shared, shared, "new-root", None]]
    inputs = []
    for name, raws in (("a", old), ("b", middle)):
        entry = seen_segments.write_segment(str(tmp_path / f"{name}.seen"), raws)
        inputs.append((str(tmp_path / f"{name}.seen"), entry))
    assert inputs[0][1]["bits"] != inputs[1][1]["bits"]
    merged = seen_segments.write_merged(str(tmp_path / "m.seen"), inputs, later)
    every = [raw for rows in seen_segments.iter_blocks(str(tmp_path / "m.seen"), merged) for raw in rows]
    assert merged["rows"] == len(every) == len(old) + len(middle) + 1
    assert _by_key(every) == _by_key(old + middle + later)
    assert _by_key(every)[("id", shared)] == [["id", shared, shared, "new-root", None]]
    assert [raw[2] for raw in _by_key(every)[("hash", old[1][1])]] == [old[1][2], "another-article"]


def test_merge_plan_keeps_each_segment_eight_times_all_newer_ones():
    assert merge_plan([100], None) is None
    assert merge_plan([800, 100], None) is None
    assert merge_plan([800, 100, 1], None) == 0                       # 800 < 8 x 101
    assert merge_plan([8000, 100, 20], None) == 1
    assert merge_plan([800_000, 100_001], None) == 0
    assert merge_plan([800_000, 100_001], 50_000) is None              # too large for a run's commit
    assert merge_plan([800_000, 40, 10], 50_000) == 1


def test_a_year_of_commits_leaves_a_bounded_number_of_files(tmp_path):
    out = tmp_path
    commits = 300
    for run in range(commits):
        apply_rows(str(out), f"run-{run:04d}", [seen_index._row(raw) for raw in _raws(1, seed=run)], PARAMS)
    root = json.loads((out / "_state" / "seen" / "INDEX.json").read_text())
    sizes = [entry["rows"] for entry in root["segments"]]
    assert sum(sizes) == commits * 34
    assert all(older >= 8 * sum(sizes[i + 1:]) for i, older in enumerate(sizes))
    assert len(sizes) <= 4                                             # log_8(300) + 1
    assert _index_files(out) == sorted(["INDEX.json"] + [entry["file"] for entry in root["segments"]])


def test_the_same_commit_twice_changes_nothing_and_its_rows_under_another_id_change_no_lookup(tmp_path):
    out = str(tmp_path)
    apply_rows(out, "run-1", [seen_index._row(raw) for raw in _raws(20, seed=4)], PARAMS)
    rows = [seen_index._row(raw) for raw in _raws(5, seed=5)]
    assert apply_rows(out, "run-2", rows, PARAMS)
    keys = [(row.kind, row.key) for row in rows]
    before = SeenIndex(out, PARAMS).lookup(keys)
    assert apply_rows(out, "run-2", rows, PARAMS) is False
    apply_rows(out, "run-3", rows, PARAMS)                             # the same rows again, as a roll-forward redoes
    assert SeenIndex(out, PARAMS).lookup(keys) == before


def test_files_of_an_attempt_that_crashed_before_its_switch_are_deleted_by_the_next_commit(tmp_path):
    out = str(tmp_path)
    apply_rows(out, "run-1", [seen_index._row(raw) for raw in _raws(3, seed=6)], PARAMS)
    orphan = tmp_path / "_state" / "seen" / seen_index.segment_file(7)
    orphan.write_bytes(b"a segment no root names")
    (tmp_path / "_state" / "seen" / "seg-00000009.seen.123-abcd.tmp").write_bytes(b"half")
    apply_rows(out, "run-2", [seen_index._row(raw) for raw in _raws(3, seed=7)], PARAMS)
    root = json.loads((tmp_path / "_state" / "seen" / "INDEX.json").read_text())
    assert _index_files(tmp_path) == sorted(["INDEX.json"] + [entry["file"] for entry in root["segments"]])


def test_a_reader_whose_segments_were_merged_away_reads_the_new_index(tmp_path):
    out = str(tmp_path)
    first = _raws(1, seed=8)
    apply_rows(out, "run-1", [seen_index._row(raw) for raw in first], PARAMS)
    reader = SeenIndex(out, PARAMS)                                    # an unlocked reader (a streaming job)
    apply_rows(out, "run-2", [seen_index._row(raw) for raw in _raws(1, seed=9)], PARAMS)  # merges run-1 away
    assert reader.segments[0]["file"] not in _index_files(tmp_path)
    assert reader.lookup([("id", first[0][1])])[("id", first[0][1])][0].article_id == first[0][2]


# A version-1 index, as its code wrote it: shards by key prefix; the root's was split into
# 16 (its stale file is still there, named in "garbage"), and shard "a" was split again.
def _write_version_1(out, raws, journal=()):
    folder = out / "_state" / "seen"
    folder.mkdir(parents=True)
    split = {"", "a"}
    shards = {}
    for raw in raws:
        shards.setdefault(seen_v1.shard_of(raw[1], split), []).append(raw + [None] * (5 - len(raw)))
    for prefix, rows in shards.items():
        (folder / seen_v1.shard_file(prefix)).write_text(json.dumps(rows))
    (folder / "shard-root.json").write_text(json.dumps(raws[:3]))
    (folder / "INDEX.json").write_text(json.dumps({"version": 1, "params": PARAMS, "split": sorted(split),
                                                   "last_run": "old-run", "garbage": ["shard-root.json"]}))
    for name, rows in journal:
        (folder / "journal").mkdir(exist_ok=True)
        (folder / "journal" / f"{name}.json").write_text(json.dumps({"run_id": name, "params": PARAMS, "rows": rows}))


def test_a_version_1_index_is_read_as_it_is_then_migrated_by_the_next_run_with_the_same_answers(tmp_path):
    raws, windows = _raws(30, seed=10), _raws(2, seed=11)
    _write_version_1(tmp_path, raws, journal=[("job-w1", windows)])
    keys = {(raw[0], raw[1]) for raw in raws + windows} | {("id", "never-written")}
    before = SeenIndex(str(tmp_path), PARAMS).lookup(keys)
    assert len(before) == len(keys) - 1
    assert ensure_index(str(tmp_path)) == 0
    root = json.loads((tmp_path / "_state" / "seen" / "INDEX.json").read_text())
    assert root["version"] == seen_index.FORMAT_VERSION == 2
    assert _index_files(tmp_path) == sorted(["INDEX.json"] + [entry["file"] for entry in root["segments"]])
    assert not (tmp_path / "_state" / "seen" / "journal" / "job-w1.json").exists()
    assert SeenIndex(str(tmp_path), PARAMS).lookup(keys) == before


class _MemoryIndex:
    """What the index must answer: every committed row, a same-article row replaced in place."""

    def __init__(self):
        self.rows: dict[tuple[str, str], dict[str, SeenRow]] = {}

    def add(self, rows):
        for row in rows:
            self.rows.setdefault((row.kind, row.key), {})[row.article_id] = row

    def lookup(self, keys):
        return {key: list(self.rows[key].values()) for key in set(keys) if key in self.rows}


def _story(rng, words=120):
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _scenario_runs(runs=40, per_run=6):
    """Runs of new stories, near-copies and same-text copies of earlier runs' stories, and repeats."""
    rng = random.Random(12)
    stories, batches = [], []
    for run in range(runs):
        batch = []
        for i in range(per_run):
            roll = rng.random()
            if stories and roll < 0.2:
                body = rng.choice(stories) + " A line added by another site."      # a near-duplicate
            elif stories and roll < 0.3:
                body = rng.choice(stories)                                           # same text, new id
            else:
                body = _story(rng)
                stories.append(body)
            batch.append({"article_id": f"{run:04d}{i:02d}", "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                          "body": body, "source_uri": f"s/{run}/{i}", "published_at": None})
        if run % 7 == 3 and batches:
            batch.append(dict(batches[-1][0]))                                       # the same article again
        batches.append(batch)
    return batches


def test_a_multi_run_scenario_decides_as_an_index_holding_every_row_in_memory(tmp_path):
    out = str(tmp_path)
    memory = _MemoryIndex()
    segment_counts, outcomes = set(), set()
    for run, batch in enumerate(_scenario_runs()):
        signed = {a["article_id"]: dict(a, near_dup_signature=near_dup.to_bytes(near_dup.signature(a["body"])))
                  for a in batch}
        candidates = [candidate_of(a) for a in signed.values()]
        decisions = plan(candidates, SeenIndex(out, PARAMS).lookup)
        assert decisions == plan(candidates, memory.lookup)
        outcomes |= {(d.action, d.key, d.found_in) for d in decisions.values()}
        kept = [dict(signed[i], duplicate_of=d.duplicate_of) for i, d in decisions.items() if d.action != DROP]
        rows = [row for a in kept for row in index_rows(*index_entry(a))]
        apply_rows(out, f"run-{run:03d}", rows, PARAMS)
        memory.add(rows)
        segment_counts.add(len(SeenIndex(out, PARAMS).segments))
    assert len(segment_counts) > 1                                     # segments were merged along the way
    assert {("drop", "article_id", "earlier_run"), ("drop", "content_hash", "earlier_run"),
            ("mark", "near_duplicate", "earlier_run"), ("keep", None, None)} <= outcomes


def test_journal_rows_and_segments_answer_together(tmp_path):
    out = str(tmp_path)
    apply_rows(out, "batch-1", written_rows([{"article_id": "a" * 32, "content_hash": "1" * 64,
                                              "duplicate_of": None, "body": "one story"}]), PARAMS)
    record_unlocked(out, "job-w1", written_rows([{"article_id": "b" * 32, "content_hash": "1" * 64,
                                                  "duplicate_of": None, "body": "one story"}]), PARAMS)
    found = SeenIndex(out, PARAMS).lookup([("hash", "1" * 64)])
    assert [row.article_id for row in found[("hash", "1" * 64)]] == ["a" * 32, "b" * 32]


@pytest.mark.parametrize("bits", [0, 3])
def test_block_of_takes_the_top_bits_of_the_key_hash(bits):
    key = "f" + "0" * 15
    assert seen_segments.block_of(key, bits) == (1 << bits) - 1


def test_a_migration_killed_before_its_switch_leaves_version_1_whole_and_the_next_run_migrates(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO_ROOT

    raws = _raws(30, seed=13)
    _write_version_1(tmp_path, raws)
    keys = {(raw[0], raw[1]) for raw in raws}
    before = SeenIndex(str(tmp_path), PARAMS).lookup(keys)
    marker = tmp_path / "paused"
    env = dict(os.environ, NEWS_INGEST_PAUSE_AT="seen:segments_written", NEWS_INGEST_PAUSE_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from transforms.seen_rebuild import ensure_index; "
                             "ensure_index(sys.argv[1])", str(tmp_path)], cwd=REPO_ROOT, env=env)
    while not marker.exists():
        assert proc.poll() is None, "the migration ended before its pause point"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    root = json.loads((tmp_path / "_state" / "seen" / "INDEX.json").read_text())
    assert root["version"] == 1 and list((tmp_path / "_state" / "seen").glob("seg-*.seen"))
    assert SeenIndex(str(tmp_path), PARAMS).lookup(keys) == before
    ensure_index(str(tmp_path))
    root = json.loads((tmp_path / "_state" / "seen" / "INDEX.json").read_text())
    assert root["version"] == 2
    assert _index_files(tmp_path) == sorted(["INDEX.json"] + [entry["file"] for entry in root["segments"]])
    assert SeenIndex(str(tmp_path), PARAMS).lookup(keys) == before


def test_compact_does_the_merges_commits_leave_past_their_limit(tmp_path):
    from pipelines import compact as compact_cli

    out = tmp_path / "out"
    out.mkdir()
    for run in range(3):                                               # commits that may merge nothing
        apply_rows(str(out), f"run-{run}", [seen_index._row(raw) for raw in _raws(2, seed=20 + run)], PARAMS,
                   merge_limit=0)
    assert len(SeenIndex(str(out), PARAMS).segments) == 3 and seen_index.merge_due(str(out))
    keys = [("id", raw[1]) for run in range(3) for raw in _raws(2, seed=20 + run) if raw[0] == "id"]
    before = SeenIndex(str(out), PARAMS).lookup(keys)
    assert compact_cli.run(["--output", str(out)]) == 0
    assert len(SeenIndex(str(out), PARAMS).segments) == 1 and not seen_index.merge_due(str(out))
    assert _index_files(out) == ["INDEX.json", SeenIndex(str(out), PARAMS).segments[0]["file"]]
    assert SeenIndex(str(out), PARAMS).lookup(keys) == before

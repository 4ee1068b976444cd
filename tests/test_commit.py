"""The commit protocol: staged files, COMMIT.json, roll-forward and recovery (without Beam)."""
import glob
import json
import os

import pyarrow as pa
import pytest

from transforms import commit, near_dup
from transforms.seen_index import SeenIndex, encode_entry
from transforms.storage import read_json, write_json_atomic, write_parquet_atomic

RUN = "20261203T080000Z-abcdef"
SIG = near_dup.to_bytes(near_dup.signature("a story about the council budget and the roads in town"))


def _stage(out, run_id=RUN, datasets=("articles", "entities")):
    staged = {}
    for name in datasets:
        path = f"{commit.staging_dir(out, run_id)}/{name}/ingest_date=2026-12-03/part-x-{run_id}-00000.parquet"
        write_parquet_atomic(path, pa.table({"article_id": ["a1"]}))
        staged[name] = [path]
    manifest = {"run_id": run_id, "finished_at": "2026-12-03T08:00:05+00:00", "files": staged,
                "datasets_without_rows": []}
    commit.write_draft(out, run_id, {"manifest": manifest,
                                     "seen_articles": [encode_entry("a1", "h1", "a1", SIG)],
                                     "validator_updates": [["https://example.org/feed", {"etag": "\"v1\""}]]})
    return staged


def _data_files(out):
    return sorted(os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "*", "*", "*.parquet")))


def test_commit_moves_files_then_index_state_manifest_and_success_last(tmp_path):
    out = str(tmp_path)
    _stage(out)
    manifest = commit.commit_staged(out, RUN)
    assert _data_files(out) == [f"articles/ingest_date=2026-12-03/part-x-{RUN}-00000.parquet",
                                f"entities/ingest_date=2026-12-03/part-x-{RUN}-00000.parquet"]
    assert manifest["files"]["articles"] == [os.path.join(out, _data_files(out)[0])]
    assert json.load(open(os.path.join(out, "_runs", f"{RUN}.json")))["files"] == manifest["files"]
    success = json.load(open(os.path.join(out, "_SUCCESS")))
    assert success["run_id"] == RUN and success["manifest"].endswith(f"_runs/{RUN}.json")
    assert not os.path.exists(os.path.join(out, "_staging"))  # nor an empty _staging/ left behind
    assert SeenIndex(out, near_dup.PARAMS.as_dict()).lookup([("hash", "h1")])[("hash", "h1")][0].article_id == "a1"
    assert "example.org" in open(os.path.join(out, "_state", "http_validators.json")).read()


def test_recover_finishes_a_commit_killed_halfway_and_discards_an_uncommitted_run(tmp_path):
    out = str(tmp_path)
    staged = _stage(out)
    document = commit.commit_document(out, RUN, json.load(open(os.path.join(commit.staging_dir(out, RUN), "DRAFT.json"))))
    open(os.path.join(commit.staging_dir(out, RUN), "COMMIT.json"), "w").write(json.dumps(document))
    # The crashed commit had moved the first file only.
    source, target = document["moves"][0]
    os.makedirs(os.path.dirname(target))
    os.rename(source, target)
    _stage(out, run_id="20261203T081500Z-000000")            # killed before its commit
    os.makedirs(commit.staging_dir(out, "20261203T083000Z-111111"))  # killed right after it started

    actions = commit.recover(out)
    assert actions == [(RUN, "rolled forward"), ("20261203T081500Z-000000", "discarded"),
                       ("20261203T083000Z-111111", "discarded")]
    assert len(_data_files(out)) == len(staged) == 2
    assert json.load(open(os.path.join(out, "_SUCCESS")))["run_id"] == RUN
    assert not os.path.exists(os.path.join(out, "_staging"))  # no empty folder left behind
    assert commit.recover(out) == []


def test_a_staged_file_lost_from_both_places_stops_the_commit(tmp_path):
    out = str(tmp_path)
    staged = _stage(out)
    os.remove(staged["entities"][0])
    with pytest.raises(commit.CommitError, match="missing"):
        commit.commit_staged(out, RUN)
    assert not os.path.exists(os.path.join(out, "_SUCCESS"))


def test_final_path_only_maps_files_of_the_runs_own_staging_folder(tmp_path):
    out = str(tmp_path)
    assert commit.final_path(out, RUN, f"{out}/_staging/{RUN}/quotes/d=1/f.parquet") == f"{out}/quotes/d=1/f.parquet"
    with pytest.raises(ValueError):
        commit.final_path(out, RUN, f"{out}/_staging/other-run/quotes/d=1/f.parquet")


# --- on an object store (memfs://, standing in for gs://: a folder is only a key prefix) ------

@pytest.fixture()
def memfs():
    from tests.memfs import MemoryFileSystem

    MemoryFileSystem.clear()
    yield MemoryFileSystem
    MemoryFileSystem.clear()


BUCKET_OUT = "memfs://b/out"


def _staged_objects(memfs):
    return sorted(path for path in memfs.files if path.startswith(f"{BUCKET_OUT}/_staging/"))


def _bucket_data_files(memfs):
    return sorted(path[len(BUCKET_OUT) + 1:] for path in memfs.files
                  if path.endswith(".parquet") and "/_staging/" not in path)


def test_on_an_object_store_a_commit_leaves_no_staged_object(memfs):
    _stage(BUCKET_OUT)
    memfs.put(f"{commit.staging_dir(BUCKET_OUT, RUN)}/_parts/articles/ingest_date=2026-12-03/b-00000.rows", b"rows")
    commit.commit_staged(BUCKET_OUT, RUN)
    assert _staged_objects(memfs) == []  # not the draft, COMMIT.json nor the rows' parts
    assert _bucket_data_files(memfs) == [f"articles/ingest_date=2026-12-03/part-x-{RUN}-00000.parquet",
                                         f"entities/ingest_date=2026-12-03/part-x-{RUN}-00000.parquet"]
    assert read_json(commit.success_path(BUCKET_OUT))["run_id"] == RUN


def test_on_an_object_store_recover_rolls_a_committed_run_forward_and_discards_an_uncommitted_one(memfs):
    from apache_beam.io.filesystems import FileSystems

    staged = _stage(BUCKET_OUT)
    draft = read_json(f"{commit.staging_dir(BUCKET_OUT, RUN)}/DRAFT.json")
    document = commit.commit_document(BUCKET_OUT, RUN, draft)
    write_json_atomic(f"{commit.staging_dir(BUCKET_OUT, RUN)}/COMMIT.json", document)
    FileSystems.rename(*map(list, zip(document["moves"][0])))  # the crashed commit had moved the first file
    uncommitted = "20261203T081500Z-000000"
    _stage(BUCKET_OUT, run_id=uncommitted)

    assert commit.recover(BUCKET_OUT) == [(RUN, "rolled forward"), (uncommitted, "discarded")]
    assert len(_bucket_data_files(memfs)) == len(staged) == 2
    assert read_json(commit.success_path(BUCKET_OUT))["run_id"] == RUN
    assert _staged_objects(memfs) == []
    assert commit.recover(BUCKET_OUT) == []


def test_on_an_object_store_a_lock_free_recovery_keeps_a_fresh_folder_and_deletes_a_stale_one(memfs):
    import time

    run_id = "20261203T081500Z-000000"
    _stage(BUCKET_OUT, run_id=run_id)
    assert commit.recover(BUCKET_OUT, locked=False, stale_after_seconds=3600) == [(run_id, "kept")]
    assert _staged_objects(memfs)
    later = time.time() + 2 * 3600
    assert commit.recover(BUCKET_OUT, locked=False, stale_after_seconds=3600, now=later) == [(run_id, "discarded")]
    assert _staged_objects(memfs) == []
    assert _bucket_data_files(memfs) == []

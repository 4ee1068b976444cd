"""transforms.storage: files appear whole or not at all, and a failed write leaves nothing behind."""
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.storage import atomic_create, read_json, write_bytes_atomic, write_json_atomic, write_parquet_atomic


def test_json_round_trip_creates_folders(tmp_path):
    path = str(tmp_path / "a" / "b" / "doc.json")
    write_json_atomic(path, {"n": 1})
    assert read_json(path) == {"n": 1}
    assert read_json(str(tmp_path / "missing.json")) is None


def test_overwrite_replaces_the_whole_file_and_leaves_no_temp(tmp_path):
    path = str(tmp_path / "f.bin")
    write_bytes_atomic(path, b"old content that is longer")
    write_bytes_atomic(path, b"new")
    assert open(path, "rb").read() == b"new"
    assert os.listdir(tmp_path) == ["f.bin"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temp(tmp_path):
    path = str(tmp_path / "f.bin")
    write_bytes_atomic(path, b"old")
    with pytest.raises(RuntimeError):
        with atomic_create(path) as handle:
            handle.write(b"half")
            raise RuntimeError("writer died")
    assert open(path, "rb").read() == b"old"
    assert os.listdir(tmp_path) == ["f.bin"]


def test_parquet_is_zstd_with_the_schema(tmp_path):
    path = str(tmp_path / "p" / "x.parquet")
    schema = pa.schema([pa.field("a", pa.int64()), pa.field("tags", pa.list_(pa.string()))])
    write_parquet_atomic(path, pa.Table.from_pylist([{"a": 1, "tags": ["x"]}], schema=schema))
    parquet = pq.ParquetFile(path)
    assert parquet.read().to_pylist() == [{"a": 1, "tags": ["x"]}]
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"


def test_read_json_of_a_file_removed_after_the_existence_check_is_none_and_other_errors_raise(tmp_path, monkeypatch):
    from apache_beam.io.filesystems import FileSystems

    path = str(tmp_path / "folded.json")
    checks = iter([True])  # the first check sees the file; it is gone when opened (a fold deleted it)
    real_exists = FileSystems.exists
    monkeypatch.setattr(FileSystems, "exists", staticmethod(lambda p: next(checks, None) or real_exists(p)))
    assert read_json(path) is None

    folder = tmp_path / "a-folder.json"
    folder.mkdir()  # exists, but cannot be opened as a file: raised, not taken for absent
    with pytest.raises(OSError):
        read_json(str(folder))


# --- folders: a directory on a local disk, a key prefix on an object store -------------------

@pytest.fixture()
def memfs():
    from tests.memfs import MemoryFileSystem

    MemoryFileSystem.clear()
    yield MemoryFileSystem
    MemoryFileSystem.clear()


def test_a_folder_on_an_object_store_exists_while_an_object_is_under_it_and_is_deleted_whole(memfs):
    """memfs:// answers as gs:// does: no object is named after a folder, so only the helpers see it."""
    from apache_beam.io.filesystems import FileSystems

    from transforms.storage import delete_folder, folder_exists

    for name in ("run/DRAFT.json", "run/_parts/a/d=1/b-00000.rows", "run2/DRAFT.json", "run"):
        memfs.put(f"memfs://b/_staging/{name}", b"x")
    assert not FileSystems.exists("memfs://b/_staging/run2")  # why the helpers exist
    assert folder_exists("memfs://b/_staging") and folder_exists("memfs://b/_staging/run/")
    assert not folder_exists("memfs://b/_staging/ru") and not folder_exists("memfs://b/nothing")
    delete_folder("memfs://b/_staging/run")
    assert sorted(memfs.files) == ["memfs://b/_staging/run", "memfs://b/_staging/run2/DRAFT.json"]
    delete_folder("memfs://b/_staging/run")  # already gone: no error (a redone commit step)
    assert not folder_exists("memfs://b/_staging/run")


def test_a_local_folder_exists_even_empty_and_is_deleted_whole(tmp_path):
    from transforms.storage import delete_folder, folder_exists

    (tmp_path / "run" / "_parts").mkdir(parents=True)
    (tmp_path / "run" / "_parts" / "x.rows").write_bytes(b"x")
    (tmp_path / "empty").mkdir()
    assert folder_exists(str(tmp_path / "run")) and folder_exists(f"file://{tmp_path}/empty")
    assert not folder_exists(str(tmp_path / "missing"))
    delete_folder(str(tmp_path / "run"))
    delete_folder(str(tmp_path / "run"))
    assert sorted(os.listdir(tmp_path)) == ["empty"]

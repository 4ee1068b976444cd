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

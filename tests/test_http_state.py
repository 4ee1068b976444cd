"""The validator store: pure merge logic, and atomic I/O through Beam's FileSystems."""
import datetime as dt
import io
import json
import logging

import pytest
from apache_beam.io.filesystem import FileMetadata, FileSystem
from apache_beam.io.filesystems import FileSystems

from transforms.fetch import FetchResult
from transforms.http_state import (load_validators, merge_validators, parse_store, save_validators, state_path,
                                   validator_update)

URL = "https://news.example/feed.xml"
WHEN = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


class _ObjectWriter(io.BytesIO):
    """Like a GCS upload: the object becomes visible only when the writer is closed."""

    def __init__(self, store, path):
        super().__init__()
        self._store, self._path = store, path

    def close(self):
        if not self.closed:
            self._store.objects[self._path] = self.getvalue()
            self._store.log.append(("create", self._path))
        super().close()


class MemoryObjectStore(FileSystem):
    """An in-memory object store registered for ``memstore://`` paths (rename = copy + delete, as on GCS)."""

    objects: dict = {}
    log: list = []
    fail_rename = False

    @classmethod
    def scheme(cls):
        return "memstore"

    def join(self, basepath, *paths):
        return "/".join([basepath.rstrip("/"), *(p.strip("/") for p in paths)])

    def split(self, path):
        head, _, tail = path.rpartition("/")
        return head, tail

    def mkdirs(self, path):
        pass

    def has_dirs(self):
        return False

    def _list(self, dir_or_prefix):
        for path, data in self.objects.items():
            if path.startswith(dir_or_prefix):
                yield FileMetadata(path, len(data))

    def create(self, path, mime_type="application/octet-stream", compression_type=None):
        return _ObjectWriter(type(self), path)

    def open(self, path, mime_type="application/octet-stream", compression_type=None):
        return io.BytesIO(self.objects[path])

    def copy(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names):
            self.objects[destination] = self.objects[source]

    def rename(self, source_file_names, destination_file_names):
        if type(self).fail_rename:
            raise OSError("rename refused")
        self.copy(source_file_names, destination_file_names)
        self.delete(source_file_names)
        self.log.append(("rename", destination_file_names[0]))

    def exists(self, path):
        return path in self.objects

    def size(self, path):
        return len(self.objects[path])

    def last_updated(self, path):
        return 0.0

    def checksum(self, path):
        return str(hash(self.objects[path]))

    def metadata(self, path):
        return FileMetadata(path, len(self.objects[path]))

    def delete(self, paths):
        for path in paths:
            self.objects.pop(path, None)


@pytest.fixture
def memstore():
    MemoryObjectStore.objects, MemoryObjectStore.log, MemoryObjectStore.fail_rename = {}, [], False
    return MemoryObjectStore


def _result(**fields):
    defaults = dict(url=URL, final_url=URL, status=200, body=b"<rss/>", attempts=1)
    defaults.update(fields)
    return FetchResult(**defaults)


# --- paths and I/O -------------------------------------------------------------------------


def test_state_lives_with_the_output(tmp_path, memstore):
    assert state_path(str(tmp_path)) == str(tmp_path / "_state" / "http_validators.json")
    assert state_path("memstore://bucket/out/") == "memstore://bucket/out/_state/http_validators.json"


def test_missing_store_is_empty(tmp_path):
    assert load_validators(state_path(str(tmp_path))) == {}


def test_local_round_trip_creates_the_folder_and_leaves_no_temporary_file(tmp_path):
    path = state_path(str(tmp_path / "out"))
    store = {URL: {"etag": '"a"', "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT", "checked_at": "x"},
             "https://b.example/rss": {"etag": 'W/"b"'}}
    save_validators(path, store)
    assert load_validators(path) == store
    assert [p.name for p in (tmp_path / "out" / "_state").iterdir()] == ["http_validators.json"]
    document = json.loads((tmp_path / "out" / "_state" / "http_validators.json").read_text())
    assert document["version"] == 1 and list(document["validators"]) == sorted(store)


def test_save_replaces_the_previous_store(tmp_path):
    path = state_path(str(tmp_path))
    save_validators(path, {URL: {"etag": '"old"'}})
    save_validators(path, {URL: {"etag": '"new"'}})
    assert load_validators(path) == {URL: {"etag": '"new"'}}
    assert len(list((tmp_path / "_state").iterdir())) == 1


def test_object_store_sees_only_complete_files(memstore):
    path = state_path("memstore://bucket/out")
    save_validators(path, {URL: {"etag": '"a"'}})
    save_validators(path, {URL: {"etag": '"b"'}})
    assert load_validators(path) == {URL: {"etag": '"b"'}}
    assert list(memstore.objects) == [path]  # temporaries removed
    # The final name is only ever written by a rename of a complete temporary object.
    assert [op for op, target in memstore.log if target == path] == ["rename", "rename"]


def test_failed_save_keeps_the_old_store_and_cleans_up(memstore):
    path = state_path("memstore://bucket/out")
    save_validators(path, {URL: {"etag": '"a"'}})
    memstore.fail_rename = True
    with pytest.raises(OSError):
        save_validators(path, {URL: {"etag": '"b"'}})
    memstore.fail_rename = False
    assert load_validators(path) == {URL: {"etag": '"a"'}} and list(memstore.objects) == [path]


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b'{"version": 99, "validators": {}}', b"[]"])
def test_unreadable_store_is_ignored_with_a_warning(tmp_path, caplog, content):
    path = state_path(str(tmp_path))
    FileSystems.mkdirs(str(tmp_path / "_state"))
    (tmp_path / "_state" / "http_validators.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="transforms.http_state"):
        assert load_validators(path) == {}
    assert "ignoring" in caplog.text


def test_parse_store_keeps_only_well_formed_entries():
    document = {"version": 1, "validators": {
        URL: {"etag": '"a"', "checked_at": "t", "junk": 5},
        "https://no-validators.example/": {"checked_at": "t"},
        "https://not-a-dict.example/": "etag",
    }}
    assert parse_store(document) == {URL: {"etag": '"a"', "checked_at": "t"}}


# --- what a fetch result changes -------------------------------------------------------------


def test_success_with_validators_is_stored():
    update = validator_update(_result(etag='"a"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT"), WHEN)
    assert update == (URL, {"etag": '"a"', "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT",
                            "checked_at": "2025-03-01T12:00:00+00:00"})


def test_not_modified_keeps_the_validators_it_carries():
    update = validator_update(_result(status=304, body=None, not_modified=True, etag='"a"'), WHEN)
    assert update[1]["etag"] == '"a"'


def test_success_without_validators_forgets_the_url():
    assert validator_update(_result(), WHEN) == (URL, None)


def test_failure_changes_nothing():
    assert validator_update(_result(status=503, body=None, error_reason="http-503", error_detail="x")) is None


def test_a_response_repeating_the_known_validators_is_no_update():
    """Only checked_at would change, which nothing reads: no journal file, no store rewrite."""
    known = {URL: {"etag": '"a"', "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT", "checked_at": "earlier"}}
    repeated = dict(etag='"a"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
    assert validator_update(_result(status=304, body=None, not_modified=True, **repeated), WHEN, known=known) is None
    assert validator_update(_result(**repeated), WHEN, known=known) is None
    assert validator_update(_result(), WHEN, known={}) is None  # nothing known to forget


@pytest.mark.parametrize("fields", [dict(etag='"b"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT"),
                                    dict(etag='"a"'),  # Last-Modified no longer sent
                                    dict(etag='"a"', last_modified="Thu, 22 Oct 2015 07:28:00 GMT")])
def test_a_response_changing_a_known_validator_is_an_update(fields):
    known = {URL: {"etag": '"a"', "last_modified": "Wed, 21 Oct 2015 07:28:00 GMT"}}
    assert validator_update(_result(**fields), WHEN, known=known) == (URL, dict(fields, checked_at=WHEN.isoformat()))


def test_known_validators_still_let_a_new_url_be_stored_and_a_known_one_forgotten():
    known = {URL: {"etag": '"a"'}}
    assert validator_update(_result(url="https://other.example/rss", etag='"x"'), WHEN, known=known)[1]["etag"] == '"x"'
    assert validator_update(_result(), WHEN, known=known) == (URL, None)


def test_merge_sets_replaces_forgets_and_keeps():
    previous = {URL: {"etag": '"old"'}, "https://keep.example/": {"etag": '"k"'},
                "https://gone.example/": {"etag": '"g"'}}
    merged = merge_validators(previous, [
        (URL, {"etag": '"new"'}),
        ("https://gone.example/", None),
        None,
        ("https://added.example/", {"last_modified": "Wed, 21 Oct 2015 07:28:00 GMT"}),
    ])
    assert merged == {URL: {"etag": '"new"'}, "https://keep.example/": {"etag": '"k"'},
                      "https://added.example/": {"last_modified": "Wed, 21 Oct 2015 07:28:00 GMT"}}
    assert previous[URL] == {"etag": '"old"'}  # the input is not modified


def test_a_run_end_to_end(tmp_path):
    """Load, fetch results, merge, save: the next run sends what this one learned."""
    path = state_path(str(tmp_path))
    store = load_validators(path)
    results = [_result(etag='"v1"'), _result(url="https://down.example/", error_reason="timeout", status=None)]
    save_validators(path, merge_validators(store, (validator_update(r, WHEN) for r in results)))
    assert load_validators(path)[URL]["etag"] == '"v1"'
    assert "https://down.example/" not in load_validators(path)

"""``news-ingest compact`` folds what streaming windows leave: journals into the index and validators, old manifests into day records."""
from __future__ import annotations

import json

import pytest
from apache_beam.transforms import window
from apache_beam.utils.windowed_value import PaneInfo, PaneInfoTiming

from pipelines import compact as compact_cli
from tests.fixtures.window_committer import COUNTED, pane_items
from tests.memfs import MemoryFileSystem
from transforms import http_state, near_dup
from transforms.run_catalog import finished_runs
from transforms.run_days import day_of
from transforms.seen_index import SeenIndex
from transforms.stream_sink import CommitWindowFn

PARAMS = near_dup.PARAMS.as_dict()


def commit_panes(out: str, starts) -> list[dict]:
    fn = CommitWindowFn(out, "job", COUNTED, ("articles",), {}, [])
    pane = PaneInfo(True, True, PaneInfoTiming.ON_TIME, 0, 0)
    return [manifest for start in starts
            for manifest in fn.process(("window", pane_items(start, start + 1)), win=window.IntervalWindow(start, start + 10),
                                       pane=pane)]


def seen(out, ns):
    found = SeenIndex(out, PARAMS).lookup([("id", f"{n:032x}") for n in ns])
    return sorted(int(key, 16) for _kind, key in found)


def test_compact_folds_the_journals_streaming_windows_leave(tmp_path, capsys):
    out = tmp_path / "out"
    commit_panes(str(out), [0, 10])
    assert len(list((out / "_state" / "seen" / "journal").glob("*.json"))) == 2
    assert len(list((out / "_state" / http_state.JOURNAL_SUBDIR).glob("*.json"))) == 2
    assert compact_cli.run(["--output", str(out)]) == 0
    assert "folded 2 seen-index and 2 validator journal files" in capsys.readouterr().out
    assert not list((out / "_state" / "seen" / "journal").glob("*.json"))
    assert not list((out / "_state" / http_state.JOURNAL_SUBDIR).glob("*.json"))
    assert seen(str(out), [1, 11]) == [1, 11]
    store = http_state.load_validators(http_state.state_path(str(out)))
    assert set(store) == {"http://127.0.0.1/feed/0", "http://127.0.0.1/feed/10"}


@pytest.fixture()
def memfs():
    MemoryFileSystem.clear()
    yield MemoryFileSystem
    MemoryFileSystem.clear()


def test_on_an_object_store_compact_folds_records_only(memfs, capsys):
    out = "memfs://b/news"
    manifests = commit_panes(out, [0])
    assert compact_cli.run(["--output", out]) == 2, "data compaction needs a local folder"
    assert "--keep_days N alone" in capsys.readouterr().err
    manifest = f"{out}/_runs/{manifests[0]['run_id']}.json"
    data, _written = memfs.files[manifest]
    memfs.files[manifest] = (data, 0.0)  # written long ago
    assert compact_cli.run(["--output", out, "--keep_days", "7"]) == 0
    printed = capsys.readouterr().out
    assert "folded 1 seen-index and 1 validator journal files" in printed and "folded 1 run manifests" in printed
    assert manifest not in memfs.files and f"{out}/_runs/days/{day_of(manifests[0])}.json" in memfs.files
    assert [run.manifest for run in finished_runs(out)] == [json.loads(data)]
    assert seen(out, [1]) == [1]
    assert not [path for path in memfs.files if "journal" in path]


def test_on_an_object_store_compact_reads_each_journal_file_once(memfs, monkeypatch):
    """Each read is a request to the store: the folding reads every journal file once (it used to read them twice)."""
    out = "memfs://b/news"
    commit_panes(out, [0, 10])
    opened = []
    real_open = memfs.open

    def counting_open(self, path, *args, **kwargs):
        opened.append(path)
        return real_open(self, path, *args, **kwargs)

    monkeypatch.setattr(memfs, "open", counting_open)
    assert compact_cli.run(["--output", out, "--keep_days", "7"]) == 0
    journal_reads = sorted(path for path in opened if "journal/" in path)
    assert len(journal_reads) == 4 and len(set(journal_reads)) == 4, journal_reads

"""Streaming windows that wrote nothing: a journal file each, not a manifest, folded into the day record by compact."""
from __future__ import annotations

import json

from apache_beam.transforms import window
from apache_beam.utils.windowed_value import PaneInfo, PaneInfoTiming

from pipelines import compact as compact_cli
from tests.fixtures.window_committer import COUNTED, pane_items
from tests.memfs import MemoryFileSystem
from transforms import run_days
from transforms.run_catalog import finished_runs
from transforms.stream_sink import CommitWindowFn

DAY_START = 1_764_720_000  # 2025-12-03T00:00:00Z


def commit_panes(out: str, starts, article=None) -> list[dict]:
    fn = CommitWindowFn(out, "job", COUNTED, ("articles",), {}, [])
    pane = PaneInfo(True, True, PaneInfoTiming.ON_TIME, 0, 0)
    return [manifest for start in starts
            for manifest in fn.process(("window", pane_items(start, article)), win=window.IntervalWindow(start, start + 10),
                                       pane=pane)]


def test_a_quiet_window_goes_to_the_day_records_journal_and_is_found_there(tmp_path):
    out = tmp_path / "out"
    quiet = commit_panes(str(out), [DAY_START, DAY_START + 10])
    busy = commit_panes(str(out), [DAY_START - 10], article=7)  # wrote a file: a manifest of its own
    assert [m["counts"]["sources"] for m in quiet] == [1, 1] and all(m["balance"]["ok"] for m in quiet)
    assert sorted(p.name for p in (out / "_runs").glob("*.json")) == [f"{busy[0]['run_id']}.json"]
    journal = out / "_runs" / "days" / "journal"
    assert sorted(p.stem for p in journal.glob("*.json")) == [m["run_id"] for m in quiet]
    assert not list((out / "_runs" / "days").glob("*.json")), "no day record rewritten without the lock"
    success = json.loads((out / "_SUCCESS").read_text())
    assert success["run_id"] == quiet[-1]["run_id"], "the newest window, quiet or not"
    assert success["manifest"] == run_days.day_record_path(str(out), run_days.day_of(quiet[-1]))
    assert run_days.find_published(str(out), quiet[0]["run_id"]) == quiet[0]
    assert {run.run_id: run.manifest for run in finished_runs(str(out))} == {m["run_id"]: m for m in busy + quiet}


def test_compact_folds_quiet_windows_into_their_day_record_and_every_count_stays(tmp_path, capsys):
    out = tmp_path / "out"
    quiet = commit_panes(str(out), [DAY_START + 10 * n for n in range(5)])
    assert compact_cli.run(["--output", str(out)]) == 0
    assert "folded 5 manifests of streaming windows that wrote nothing into 1 day records" in capsys.readouterr().out
    assert not list((out / "_runs").rglob("journal/*.json"))
    (record,) = (out / "_runs" / "days").glob("*.json")
    folded = json.loads(record.read_text())
    assert folded["totals"]["runs"] == folded["totals"]["quiet_runs"] == 5
    assert folded["totals"]["counts"]["sources"] == 5
    assert [run.manifest for run in finished_runs(str(out))] == quiet, "each window once, as it was written"
    assert run_days.find_published(str(out), quiet[-1]["run_id"]) == quiet[-1]


def test_a_fold_deletes_only_the_journal_files_it_read(tmp_path, monkeypatch):
    """A window committing while compact folds keeps its file for the next fold."""
    from transforms import seen_journal

    out = tmp_path / "out"
    commit_panes(str(out), [DAY_START])
    read = seen_journal.read_journal

    def read_then_a_window_commits(*args, **kwargs):
        found = read(*args, **kwargs)
        commit_panes(str(out), [DAY_START + 10])
        return found

    monkeypatch.setattr(seen_journal, "read_journal", read_then_a_window_commits)
    assert run_days.fold_journal(str(out))["manifests_folded"] == 1
    monkeypatch.undo()
    assert [p.stem for p in (out / "_runs" / "days" / "journal").glob("*.json")] == ["job-20251203T000010Z"]
    assert run_days.fold_journal(str(out))["manifests_folded"] == 1
    assert len(finished_runs(str(out))) == 2


def test_on_an_object_store_the_quiet_windows_fold_too():
    MemoryFileSystem.clear()
    try:
        out = "memfs://b/news"
        quiet = commit_panes(out, [DAY_START])
        assert [path for path in MemoryFileSystem.files if "/_runs/" in path] == \
            [run_days.journal_path(out, quiet[0]["run_id"])]
        assert compact_cli.run(["--output", out, "--keep_days", "30"]) == 0
        assert [path for path in MemoryFileSystem.files if "/_runs/" in path] == \
            [run_days.day_record_path(out, run_days.day_of(quiet[0]))]
        assert [run.manifest for run in finished_runs(out)] == quiet
    finally:
        MemoryFileSystem.clear()

"""Folders matched on the workers, and the Dataflow job graph, built and serialised offline.

The graphs are built exactly as ``news-ingest batch|stream --runner DataflowRunner ...``
builds them (Dataflow options, the custom container, nothing submitted) and serialised to
the portable pipeline proto a Runner v2 job carries.  Inputs live on ``memfs://``, an
in-memory Beam filesystem standing in for gs:// (the gcs client is not installed here).
"""
from __future__ import annotations

import os

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipelines import batch
from pipelines.launch import prepare
from tests.memfs import MemoryFileSystem
from transforms.sources.discover import (
    FilePattern,
    InputError,
    SourceRef,
    is_hidden_below,
    literal_root,
    plan_inputs,
)
from transforms.sources.match import visible_refs

DATAFLOW_ARGS = ["--runner", "DataflowRunner", "--project", "news-project", "--region", "europe-west1",
                 "--temp_location", "gs://news-bkt/temp", "--experiments=use_runner_v2",
                 "--sdk_container_image", "europe-west1-docker.pkg.dev/news-project/news-ingest/news-ingest:abc123"]
# Dataflow refuses a job whose request is larger than this.
DATAFLOW_GRAPH_LIMIT = 10 * 1024 * 1024


@pytest.fixture()
def memfs():
    MemoryFileSystem.clear()
    yield MemoryFileSystem
    MemoryFileSystem.clear()


# --- planning (launcher side) ---------------------------------------------------------------

@pytest.mark.parametrize("path, root, hidden", [
    ("gs://b/in/a.txt", "gs://b/in/", False),
    ("gs://b/in/deep/er/a.txt", "gs://b/in/", False),
    ("gs://b/in/.DS_Store", "gs://b/in/", True),
    ("gs://b/in/.git/config", "gs://b/in/", True),
    ("gs://b/in/_staging/r1/a.txt", "gs://b/in/", True),
    ("gs://b/_inbox/a.txt", "gs://b/_inbox/", False),   # the user named that folder
    ("gs://b/in/_notes.txt", "gs://b/in/", False),      # only folders starting with _ are skipped
])
def test_hidden_names_below_the_root(path, root, hidden):
    assert is_hidden_below(path, root) is hidden


def test_literal_root_of_a_glob():
    assert literal_root("gs://b/in/2026-*/x*.txt") == "gs://b/in/"
    assert literal_root("memfs://b/*.txt") == "memfs://b/"


def test_folders_and_globs_become_patterns_files_and_urls_stay(memfs, tmp_path):
    for name in ("inbox/a.txt", "inbox/sub/b.txt", "inbox/.hidden", "one.txt"):
        memfs.put(f"memfs://b/{name}", b"x")
    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    (local / "sub" / "c.txt").write_text("x")
    plan = plan_inputs(["memfs://b/inbox", "memfs://b/one.txt", "memfs://b/inbox/*.txt", str(local),
                        "https://example.org/rss"], ["memfs://b/feeds/x.xml"])
    assert plan.refs == sorted([SourceRef("https://example.org/rss", "url"), SourceRef("memfs://b/one.txt", "path"),
                                SourceRef("memfs://b/feeds/x.xml", "path")])
    assert plan.patterns == [FilePattern("memfs://b/inbox/**", "memfs://b/inbox/"),
                             FilePattern("memfs://b/inbox/*.txt", "memfs://b/inbox/"),
                             FilePattern(os.path.join(str(local), "**"), str(local) + os.sep)]
    assert plan.describe()[-3:] == [p.glob for p in plan.patterns]


@pytest.mark.parametrize("value, message", [
    ("memfs://b/nothing", "no such file, and no files under it"),
    ("memfs://b/hidden-only", "no such file, and no files under it"),
    ("memfs://b/inbox/*.xml", "matches no files"),
])
def test_a_pattern_that_matches_nothing_fails_in_the_launcher(memfs, value, message):
    memfs.put("memfs://b/inbox/a.txt", b"x")
    memfs.put("memfs://b/hidden-only/.keep", b"x")
    with pytest.raises(InputError, match=message):
        plan_inputs([value])


def test_visible_refs_judge_by_the_most_specific_pattern():
    patterns = (FilePattern("gs://b/**", "gs://b/"), FilePattern("gs://b/_in/**", "gs://b/_in/"))
    assert visible_refs("gs://b/_in/a.txt", patterns) == [SourceRef("gs://b/_in/a.txt", "path")]
    assert visible_refs("gs://b/x/.a.txt", patterns) == []


# --- a whole batch run matching a remote folder on the workers --------------------------------

@pytest.mark.slow
def test_batch_reads_a_folder_matched_in_the_pipeline(memfs, seed_path):
    article = seed_path.read_bytes()
    for name in ("a.txt", "deep/b.txt", ".c.txt", "_staging/d.txt"):
        memfs.put(f"memfs://b/inbox/{name}", article.replace(b"\n", f"\n{name}\n".encode(), 1) if "b" in name else article)
    assert batch.run(["--input", "memfs://b/inbox", "--output", "memfs://b/news", "--run_id", "m1"]) == 0
    manifest = __import__("json").loads(memfs.files["memfs://b/news/_runs/m1.json"][0])
    assert manifest["inputs"] == ["memfs://b/inbox/**"]  # the pattern, not the files
    assert manifest["counts"]["sources"] == 2 and manifest["balance"]["ok"]


# --- the Dataflow job graph, built and serialised offline --------------------------------------

def _batch_graph(argv):
    launch = prepare(argv + DATAFLOW_ARGS, "batch", save_main_session=False, match_on_workers=True)
    assert launch is not None
    import datetime as dt

    p = beam.Pipeline(options=launch.options)
    batch.build(p, launch.config, launch.refs, dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc),
                patterns=launch.plan.patterns, discovery_rejects=launch.discovery_rejects)
    return p


def _environment(options):
    """The workers' environment as DataflowRunner makes it: the SDK container plus staged artifacts."""
    from apache_beam.options.pipeline_options import WorkerOptions
    from apache_beam.transforms.environments import DockerEnvironment, python_sdk_dependencies

    return DockerEnvironment.from_container_image(options.view_as(WorkerOptions).sdk_container_image,
                                                  artifacts=python_sdk_dependencies(options))


def _proto(p):
    return p.to_runner_api(default_environment=_environment(p._options))


def _serialised(p) -> bytes:
    proto = _proto(p)
    data = proto.SerializeToString()
    # Round trip: every transform and DoFn payload of the graph deserialises again.
    beam.Pipeline.from_runner_api(proto, p.runner, p._options)
    return data


def test_batch_graph_size_does_not_depend_on_the_number_of_files(memfs):
    for i in range(2000):
        memfs.put(f"memfs://b/big/{i:05d}.txt", b"x")
    for i in range(3):
        memfs.put(f"memfs://b/small/{i:05d}.txt", b"x")
    big = _serialised(_batch_graph(["--input", "memfs://b/big", "--output", "memfs://b/news", "--run_id", "r"]))
    small = _serialised(_batch_graph(["--input", "memfs://b/small", "--output", "memfs://b/news", "--run_id", "r"]))
    # 2,000 listed paths would add ~50 kB; what differs is pickling noise of a few bytes.
    assert abs(len(big) - len(small)) < 1000
    assert len(big) < DATAFLOW_GRAPH_LIMIT / 10
    assert b"memfs://b/big/00000.txt" not in big


def test_batch_graph_runs_on_dataflow_with_the_custom_container(memfs):
    memfs.put("memfs://b/in/a.txt", b"x")
    p = _batch_graph(["--input", "memfs://b/in", "--output", "memfs://b/news"])
    assert type(p.runner).__name__ == "DataflowRunner"
    options = p._options.get_all_options()
    assert options["sdk_container_image"].endswith("news-ingest:abc123") and options["project"] == "news-project"
    proto = _proto(p)
    urns = {t.spec.urn for t in proto.components.transforms.values()}
    assert "beam:transform:impulse:v1" in urns
    environments = list(proto.components.environments.values())
    assert any(b"news-ingest:abc123" in env.payload for env in environments)
    # Nothing is staged for the workers to install (no requirements file, no sdist of the package);
    # Beam always stages the submitting environment's `pip freeze`, as information only.
    from apache_beam.portability.api import beam_runner_api_pb2

    staged = set()
    for env in environments:
        for artifact in env.dependencies:
            payload = beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(artifact.role_payload)
            staged.add(payload.staged_name)
    assert staged <= {"submission_environment_dependencies.txt"}


def test_pubsub_source_in_a_dataflow_streaming_graph(memfs):
    """The Pub/Sub source as the streaming job uses it: messages -> sources -> ReadSources."""
    from transforms.sources import read
    from transforms.sources.messages import ReadPubSubSources

    memfs.put("memfs://b/feeds.txt", b"https://example.org/rss\n")
    argv = ["--input_subscription", "projects/news-project/subscriptions/news", "--feeds", "memfs://b/feeds.txt",
            "--output", "memfs://b/news", "--run_id", "s1"] + DATAFLOW_ARGS
    launch = prepare(argv, "stream", save_main_session=False)
    assert launch is not None and launch.config.input_subscription == "projects/news-project/subscriptions/news"
    launch.options.view_as(StandardOptions).streaming = True
    p = beam.Pipeline(options=launch.options)
    messages = p | "PubSub" >> ReadPubSubSources(launch.config.input_subscription)
    sources = (messages["sources"], p | "Polled" >> beam.Create(launch.refs)) | "AllSources" >> beam.Flatten()
    sources | "Read" >> read.ReadSources()
    data = _serialised(p)
    assert len(data) < DATAFLOW_GRAPH_LIMIT
    urns = {t.spec.urn for t in _proto(p).components.transforms.values()}
    assert "beam:transform:pubsub_read:v1" in urns
    assert b"projects/news-project/subscriptions/news" in data


def test_a_subscription_needs_dataflow(capsys):
    argv = ["--input_subscription", "projects/news-project/subscriptions/news", "--output", "/tmp/x"]
    assert prepare(argv, "stream", save_main_session=False) is None
    assert "--input_subscription needs --runner DataflowRunner" in capsys.readouterr().err


def test_dataflow_options_pass_through_unchanged():
    options = PipelineOptions(DATAFLOW_ARGS)
    assert options.view_as(StandardOptions).runner == "DataflowRunner"


def test_an_unreadable_scheme_is_one_line_in_the_launcher(capsys):
    assert prepare(["--input", "nosuchfs://b/inbox", "--output", "/tmp/x"], "batch", False, match_on_workers=True) is None
    err = capsys.readouterr().err
    assert err.startswith("news-ingest batch: error: ") and "nosuchfs://b/inbox" in err and err.count("\n") == 1

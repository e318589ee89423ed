"""The GitHub Actions workflows, checked as far as possible without GitHub, and the script they
call to commit transcripts, run for real in temporary git repositories."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from chathub.cli import build_parser

WORKFLOWS = REPO / ".github" / "workflows"
# The first major of each action that runs on Node 24: GitHub's runners dropped Node 20 on
# 2026-09-16, so older majors no longer run.
NODE24_MAJORS = {"actions/checkout": 5, "actions/setup-python": 6, "actions/configure-pages": 6,
                 "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5}
COMMIT_TRANSCRIPTS = REPO / "scripts" / "commit-transcripts"
BOT = "github-actions[bot]"


def load_workflow(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(doc, dict), name
    # YAML 1.1 (PyYAML) reads the key `on` as True; GitHub reads it as "on".
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


def steps(doc: dict, job: str | None = None) -> list[dict]:
    jobs = [doc["jobs"][job]] if job else doc["jobs"].values()
    return [step for j in jobs for step in j.get("steps", [])]


def runs(doc: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(doc))


def uses(doc: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(doc) if "uses" in step]


def walk(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every scalar of a workflow with the keys leading to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))
    else:
        yield path, node


def deploy_job(doc: dict) -> dict:
    jobs = [j for j in doc["jobs"].values()
            if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in j.get("steps", []))]
    assert len(jobs) == 1
    return jobs[0]


ALL = sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def test_the_three_workflows_ship():
    assert {"publish.yml", "fetch.yml", "comply.yml"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_workflow_is_valid_yaml_with_jobs_and_triggers(name):
    doc = load_workflow(name)
    assert doc.get("name") and doc.get("on") and doc.get("jobs")
    for job_id, job in doc["jobs"].items():
        assert job.get("runs-on") == "ubuntu-latest", job_id
        needs = job.get("needs", [])
        for other in [needs] if isinstance(needs, str) else needs:
            assert other in doc["jobs"], f"{job_id} needs unknown job {other}"


@pytest.mark.parametrize("name", ALL)
def test_runs_never_overlap(name):
    doc = load_workflow(name)
    assert doc["concurrency"] == {"group": "chathub-site", "cancel-in-progress": False}
    # A reusable workflow called with the caller's group would deadlock: we call none.
    assert not any(str(u).startswith("./.github/workflows/") for u in
                   [j.get("uses", "") for j in doc["jobs"].values()])


@pytest.mark.parametrize("name", ALL)
def test_secrets_reach_commands_only_through_env(name):
    for path, value in walk(load_workflow(name)):
        if isinstance(value, str) and "secrets." in value:
            assert len(path) >= 2 and path[-2] == "env", f"{name}: a secret used at {path}"
            assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", value), f"{name}: {value}"


@pytest.mark.parametrize("name", ALL)
def test_actions_are_pinned_and_expressions_name_real_steps_and_jobs(name):
    doc = load_workflow(name)
    for step in steps(doc):
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]
            action, major = step["uses"].split("@v")
            assert int(major) >= NODE24_MAJORS.get(action, 0), f"{step['uses']} runs on Node 20"
    for job_id, job in doc["jobs"].items():
        step_ids = {s["id"] for s in job.get("steps", []) if "id" in s}
        needs = job.get("needs", [])
        needs = {needs} if isinstance(needs, str) else set(needs)
        text = yaml.safe_dump(job)
        for ref in re.findall(r"\bsteps\.([\w-]+)\.", text):
            assert ref in step_ids, f"{name}: job {job_id} refers to unknown step {ref}"
        for ref in re.findall(r"\bneeds\.([\w-]+)\.", text):
            assert ref in needs, f"{name}: job {job_id} refers to job {ref} it does not need"


@pytest.mark.parametrize("name", ALL)
def test_run_scripts_are_valid_bash_and_call_scripts_that_exist(name, tmp_path):
    for index, step in enumerate(steps(load_workflow(name))):
        script = step.get("run")
        if not script:
            continue
        plain = re.sub(r"\$\{\{.*?\}\}", "x", script)
        path = tmp_path / f"step{index}.sh"
        path.write_text(plain, encoding="utf-8")
        checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"{name} step {index}: {checked.stderr}"
        for called in re.findall(r"(?<![\w/])(scripts/[\w.-]+)", script):
            assert os.access(REPO / called, os.X_OK), f"{name} calls {called}, which is not an executable"


@pytest.mark.parametrize("name", ALL)
def test_only_the_jobs_that_push_may_write_contents(name):
    doc = load_workflow(name)
    assert doc["permissions"] == {"contents": "read"}
    for job_id, job in doc["jobs"].items():
        pushes = "--push" in "\n".join(s.get("run", "") for s in job.get("steps", []))
        writes = job.get("permissions", {}).get("contents") == "write"
        assert pushes == writes, f"{name}: job {job_id}"


def _crons(doc: dict) -> list[list[str]]:
    fields = [entry["cron"].split() for entry in doc["on"]["schedule"]]
    for cron in fields:
        assert len(cron) == 5 and all(re.fullmatch(r"[\d*/,-]+", f) for f in cron), cron
    return fields


@pytest.mark.parametrize("name", ALL)
def test_every_workflow_builds_strictly_and_deploys_to_pages(name):
    doc = load_workflow(name)
    assert "mkdocs build --strict" in runs(doc)
    assert {"actions/configure-pages", "actions/upload-pages-artifact"} <= set(uses(doc))
    deploy = deploy_job(doc)
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    upload = next(s for s in steps(doc) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"


def test_publish_runs_on_every_push_to_main_and_by_hand():
    triggers = load_workflow("publish.yml")["on"]
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_fetch_runs_on_a_schedule_and_by_hand_with_the_token_from_the_secret():
    doc = load_workflow("fetch.yml")
    assert "workflow_dispatch" in doc["on"]
    assert _crons(doc)
    fetch = next(s for s in steps(doc) if "chathub fetch --due" in s.get("run", ""))
    assert fetch["env"]["X_BEARER_TOKEN"] == "${{ secrets.X_BEARER_TOKEN }}"
    assert fetch.get("continue-on-error") is True  # what was fetched is still committed
    order = [s.get("run", s.get("uses", "")) for s in steps(doc, "fetch")]
    at = {key: next(i for i, s in enumerate(order) if key in s)
          for key in ("chathub fetch", "scripts/commit-transcripts --push", "mkdocs build")}
    assert at["chathub fetch"] < at["scripts/commit-transcripts --push"] < at["mkdocs build"]


def test_comply_runs_weekly_and_republishes_when_posts_changed():
    doc = load_workflow("comply.yml")
    assert "workflow_dispatch" in doc["on"]
    [cron] = _crons(doc)
    minute, hour, day, month, weekday = cron
    assert minute.isdigit() and hour.isdigit() and day == "*" and month == "*" and weekday.isdigit()
    comply = next(s for s in steps(doc) if "chathub comply" in s.get("run", ""))
    assert comply["env"]["X_BEARER_TOKEN"] == "${{ secrets.X_BEARER_TOKEN }}"
    assert "scripts/commit-transcripts --push" in runs(doc)
    assert "changed" in str(deploy_job(doc).get("if", ""))


# --- the steps that call chathub, run by bash with a stand-in chathub -----------------------

def run_step(script: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess, list[str] | None]:
    """Run a step's script as GitHub does (bash -eo pipefail); return what chathub was called with."""
    calls = tmp_path / "chathub-args"
    calls.unlink(missing_ok=True)
    stand_in = 'chathub() { printf "%s\\n" "$@" > "$CHATHUB_ARGS"; }\n'
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", stand_in + script],
        env={"PATH": os.environ["PATH"], "CHATHUB_ARGS": str(calls), **env},
        capture_output=True, text=True, check=False,
    )
    return done, calls.read_text().splitlines() if calls.exists() else None


def chathub_step(name: str, command: str) -> dict:
    return next(s for s in steps(load_workflow(name)) if f"chathub {command}" in s.get("run", ""))


NETWORK_SECRETS = {"X_BEARER_TOKEN": "token", "BSKY_HANDLE": "hub.bsky.social",
                   "BSKY_APP_PASSWORD": "app-pass-word"}


@pytest.mark.parametrize(("max_posts", "expected"), [
    ("", ["fetch", "--due", "--network", "mastodon", "--network", "x", "--network", "bluesky"]),
    ("250", ["fetch", "--due", "--network", "mastodon", "--network", "x", "--network", "bluesky",
             "--max-posts", "250"]),
])
def test_fetch_step_calls_chathub_as_the_cli_expects(tmp_path, max_posts, expected):
    done, argv = run_step(chathub_step("fetch.yml", "fetch")["run"], tmp_path,
                          MAX_POSTS=max_posts, **NETWORK_SECRETS)
    assert done.returncode == 0, done.stderr
    assert argv == expected
    args = build_parser().parse_args(argv)
    assert args.due and args.max_posts == (int(max_posts) if max_posts else None)
    assert sorted(n for group in args.networks for n in group) == ["bluesky", "mastodon", "x"]


def test_comply_step_calls_chathub_as_the_cli_expects(tmp_path):
    done, argv = run_step(chathub_step("comply.yml", "comply")["run"], tmp_path, **NETWORK_SECRETS)
    assert done.returncode == 0, done.stderr
    assert argv == ["comply", "--network", "mastodon", "--network", "x", "--network", "bluesky"]
    assert build_parser().parse_args(argv).command == "comply"


@pytest.mark.parametrize(("name", "command"), [("fetch.yml", "fetch"), ("comply.yml", "comply")])
def test_without_a_secret_the_step_warns_and_leaves_that_network_out(tmp_path, name, command):
    done, argv = run_step(chathub_step(name, command)["run"], tmp_path, X_BEARER_TOKEN="",
                          BSKY_HANDLE="hub.bsky.social", BSKY_APP_PASSWORD="")
    assert done.returncode == 0, done.stderr
    assert "::warning::" in done.stdout and "X_BEARER_TOKEN" in done.stdout
    assert "BSKY_APP_PASSWORD" in done.stdout
    assert argv is not None and "x" not in argv and "bluesky" not in argv and "mastodon" in argv


@pytest.mark.parametrize("name", ["fetch.yml", "comply.yml"])
def test_every_networks_secrets_reach_the_chathub_step(name):
    step = chathub_step(name, name.removesuffix(".yml"))
    for secret in ("X_BEARER_TOKEN", "BSKY_HANDLE", "BSKY_APP_PASSWORD", "MASTODON_TOKEN_MASTODON_SOCIAL"):
        assert step["env"][secret] == f"${{{{ secrets.{secret} }}}}"


# --- scripts/commit-transcripts, in real git repositories -----------------------------------

def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.rstrip("\n")


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No user or system git config: the script must name its own author."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path / "home"
    home.mkdir()
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    return dict(os.environ)


def _as_someone(env: dict[str, str]) -> dict[str, str]:
    return {**env, "GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "someone@example.org",
            "GIT_COMMITTER_NAME": "Someone", "GIT_COMMITTER_EMAIL": "someone@example.org"}


@pytest.fixture
def hub_repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A clone of a bare 'origin' holding a hub with one chat and its transcript."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    repo = tmp_path / "hub"
    git(tmp_path, "clone", "--quiet", str(origin), str(repo))
    git(repo, "checkout", "--quiet", "-B", "main")
    (repo / "chats").mkdir()
    (repo / "chats" / "a.yml").write_text("title: A\n")
    (repo / "chats" / "a.tweets.json").write_text('{"data": []}\n')
    (repo / "README.md").write_text("hub\n")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "hub", env=_as_someone(git_env))
    git(repo, "push", "--quiet", "-u", "origin", "main")
    return repo


def commit_transcripts(repo: Path, *args: str, outputs: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    if outputs is not None:
        env["GITHUB_OUTPUT"] = str(outputs)
    return subprocess.run([str(COMMIT_TRANSCRIPTS), *args], cwd=repo, env=env, capture_output=True,
                          text=True, check=False)


def committed_files(repo: Path) -> set[str]:
    return set(git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").splitlines())


def test_commit_transcripts_does_nothing_when_nothing_changed(hub_repo, tmp_path):
    (hub_repo / "README.md").write_text("edited, but not a transcript\n")
    head = git(hub_repo, "rev-parse", "HEAD")
    outputs = tmp_path / "outputs"
    done = commit_transcripts(hub_repo, "--push", outputs=outputs)
    assert done.returncode == 0, done.stderr
    assert "no transcript changed" in done.stdout
    assert git(hub_repo, "rev-parse", "HEAD") == head
    assert outputs.read_text() == "changed=false\n"
    assert git(hub_repo, "status", "--porcelain") == " M README.md"


def test_commit_transcripts_commits_only_transcripts(hub_repo, tmp_path):
    chats = hub_repo / "chats"
    (chats / "a.tweets.json").write_text('{"data": [{"id": "1"}]}\n')
    (chats / "b.tweets.json").write_text('{"data": [{"id": "2"}]}\n')
    (chats / "b.bsky.json").write_text('{"posts": []}\n')
    (chats / "b.mastodon.json").write_text('{"statuses": []}\n')
    (chats / "b.yml").write_text("title: B\n")
    git(hub_repo, "add", "chats/b.yml")  # staged by someone else: must stay out of the commit
    (hub_repo / "README.md").write_text("edited\n")
    (hub_repo / "stray.tweets.json").write_text("{}\n")
    (chats / "old").mkdir()
    (chats / "old" / "c.tweets.json").write_text("{}\n")
    outputs = tmp_path / "outputs"
    done = commit_transcripts(hub_repo, "Fetch chat transcripts", outputs=outputs)
    assert done.returncode == 0, done.stderr
    assert committed_files(hub_repo) == {"chats/a.tweets.json", "chats/b.tweets.json", "chats/b.bsky.json",
                                         "chats/b.mastodon.json"}
    assert git(hub_repo, "log", "-1", "--format=%an|%s") == f"{BOT}|Fetch chat transcripts"
    assert outputs.read_text() == "changed=true\n"
    status = set(git(hub_repo, "status", "--porcelain").splitlines())
    assert {"A  chats/b.yml", " M README.md", "?? stray.tweets.json", "?? chats/old/"} == status
    # Without --push nothing leaves the machine.
    assert git(hub_repo, "rev-parse", "origin/main") != git(hub_repo, "rev-parse", "HEAD")


def test_commit_transcripts_pushes(hub_repo):
    (hub_repo / "chats" / "a.tweets.json").write_text('{"data": [{"id": "1"}]}\n')
    done = commit_transcripts(hub_repo, "--push")
    assert done.returncode == 0, done.stderr
    remote = git(hub_repo, "ls-remote", "origin", "refs/heads/main").split()[0]
    assert remote == git(hub_repo, "rev-parse", "HEAD")


def test_commit_transcripts_rebases_onto_a_push_made_meanwhile(hub_repo, tmp_path, git_env):
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", git(hub_repo, "remote", "get-url", "origin"), str(other))
    (other / "chats" / "new.yml").write_text("title: New\n")
    git(other, "add", ".")
    git(other, "commit", "--quiet", "-m", "a new chat", env=_as_someone(git_env))
    git(other, "push", "--quiet")
    (hub_repo / "chats" / "a.tweets.json").write_text('{"data": [{"id": "1"}]}\n')
    done = commit_transcripts(hub_repo, "--push")
    assert done.returncode == 0, done.stderr
    git(other, "pull", "--quiet")
    assert git(other, "log", "--format=%s", "-2").splitlines() == ["Update chat transcripts", "a new chat"]
    assert (other / "chats" / "a.tweets.json").read_text() == '{"data": [{"id": "1"}]}\n'


def test_commit_transcripts_follows_the_chats_folder(hub_repo, monkeypatch):
    (hub_repo / "events").mkdir()
    (hub_repo / "events" / "x.tweets.json").write_text("{}\n")
    (hub_repo / "chats" / "a.tweets.json").write_text('{"data": [{"id": "1"}]}\n')
    monkeypatch.setenv("CHATS_DIR", "events")
    done = commit_transcripts(hub_repo)
    assert done.returncode == 0, done.stderr
    assert committed_files(hub_repo) == {"events/x.tweets.json"}


def test_commit_transcripts_in_a_hub_without_transcripts(hub_repo, monkeypatch):
    monkeypatch.setenv("CHATS_DIR", "no-such-folder")
    head = git(hub_repo, "rev-parse", "HEAD")
    done = commit_transcripts(hub_repo, "--push")
    assert done.returncode == 0, done.stderr
    assert git(hub_repo, "rev-parse", "HEAD") == head

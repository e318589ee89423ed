"""Two real chathub processes writing one transcript at once: nothing either of them added is lost.

Each test starts the writers as separate processes (``python -m chathub``). Where the order
matters, it is fixed by the test: a slow fake X that answers only when told to, or the
transcript's lock held by the test while both writers start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import CHAT
from xfake import TOKEN, FakeX

from chathub.capture.x.document import remove_posts, update_transcript
from chathub.transcripts.store import locked

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)
SLUG = "tenants-2026-07-09"
AFTER = "2026-07-10T12:00:00Z"
TESTS = Path(__file__).resolve().parent

# A chathub command run against a fake X whose answers wait for a file to appear (the "go" file):
# the command is mid-way through its requests, having read the stored transcript long before.
SLOW_X = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import responses
    from xfake import FakeX
    from chathub.cli import main

    setup, started, go = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]), Path(sys.argv[3])

    def slow(answer):
        def wait_then_answer(request):
            started.touch()
            deadline = time.monotonic() + 120
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            return answer(request)
        return wait_then_answer

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        x = FakeX(posts=setup["posts"], users=setup["users"], gone=setup.get("gone", {}))
        x._search, x._lookup = slow(x._search), slow(x._lookup)
        x.install(rsps)
        sys.exit(main(sys.argv[4:]))
""")


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    return hub


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    return env


def chathub(hub, *args: str) -> subprocess.Popen[str]:
    """``chathub ARGS`` as its own process, in the hub's folder."""
    return subprocess.Popen([sys.executable, "-m", "chathub", *args], cwd=hub.root, env=environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def with_slow_x(hub, tmp_path: Path, x: FakeX, *args: str) -> tuple[subprocess.Popen[str], Path, Path]:
    """``chathub ARGS`` against a fake X that holds every answer until the go file exists."""
    setup = tmp_path / "x.json"
    setup.write_text(json.dumps({"posts": x.posts, "users": x.users, "gone": x.gone}))
    started, go = tmp_path / "started", tmp_path / "go"
    process = subprocess.Popen([sys.executable, "-c", SLOW_X, str(setup), str(started), str(go), *args],
                               cwd=hub.root, env=environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    return process, started, go


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def capture(path: Path, posts: list[dict], users: dict[str, dict]) -> Path:
    """A twarc2-style JSONL file: one API response per line, 100 posts a line."""
    lines = []
    for start in range(0, len(posts), 100):
        page = posts[start:start + 100]
        authors = sorted({p["author_id"] for p in page})
        lines.append(json.dumps({"data": page, "includes": {"users": [users[a] for a in authors]}}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(hub) -> dict:
    return json.loads((hub.chats / f"{SLUG}.tweets.json").read_text(encoding="utf-8"))


def test_an_import_during_a_fetch_keeps_its_posts_and_its_record(hub, tmp_path):
    x = FakeX()
    fetched = x.chat_posts(250, START)
    imports = FakeX(next_id=1_900_000_000_000_000_000, user_base=5000)
    imported = imports.chat_posts(60, START + timedelta(minutes=5), handle="importer")
    file = capture(tmp_path / "capture.jsonl", imported, imports.users)

    fetch, started, go = with_slow_x(hub, tmp_path, x, "fetch", SLUG)
    wait_for(started.exists, "the fetch to reach X")
    code, out, err = finish(chathub(hub, "import", SLUG, str(file)))
    assert code == 0, err
    assert len(stored(hub)["data"]) == 60  # the import is written while the fetch still reads
    go.touch()
    code, out, err = finish(fetch)
    assert code == 0, err

    doc = stored(hub)
    ids = {p["id"] for p in doc["data"]}
    assert ids == {p["id"] for p in fetched} | {p["id"] for p in imported}
    assert len(doc["data"]) == 310 == doc["meta"]["result_count"]
    assert [r["file"] for r in doc["meta"]["imports"]] == ["capture.jsonl"]
    assert doc["meta"]["imports"][0]["posts"] == 60
    assert doc["meta"]["complete"] is True and doc["meta"]["query"] == "#Tenants -is:retweet"
    assert {u["username"] for u in doc["includes"]["users"]} >= {"importer0", "fan0"}
    assert "250 new" in out and "310 posts" in out


def test_two_imports_of_disjoint_large_files_at_once_keep_every_post(hub, tmp_path):
    one, two = FakeX(), FakeX(next_id=1_900_000_000_000_000_000, user_base=5000)
    first = capture(tmp_path / "first.jsonl", one.chat_posts(20_000, START, handle="one"), one.users)
    second = capture(tmp_path / "second.jsonl", two.chat_posts(20_000, START, handle="two"), two.users)
    path = hub.chats / f"{SLUG}.tweets.json"
    # Both imports read the (empty) transcript and their files, then wait for the lock the test
    # holds: whichever writes second must re-read what the first wrote, not overwrite it.
    with locked(path):
        writers = [chathub(hub, "import", SLUG, str(first)), chathub(hub, "import", SLUG, str(second))]
        waiting = []
        for writer in writers:
            assert writer.stderr is not None
            waiting.append(writer.stderr.readline())
    results = [finish(writer) for writer in writers]
    assert all(code == 0 for code, _, _ in results), results
    for line in waiting:
        assert f"waiting for chats/{SLUG}.tweets.json: another chathub command is writing it" in line

    doc = stored(hub)
    assert len(doc["data"]) == 40_000 == len({p["id"] for p in doc["data"]})
    assert [r["file"] for r in doc["meta"]["imports"]] == ["first.jsonl", "second.jsonl"]
    assert sorted(p.name for p in hub.chats.iterdir()) == [f"{SLUG}.tweets.json", f"{SLUG}.yml"]


def test_comply_applies_its_findings_to_the_posts_stored_when_it_writes(hub, tmp_path, run_cli):
    x = FakeX()
    posts = x.chat_posts(30, START)
    start = capture(tmp_path / "start.jsonl", posts, x.users)
    assert run_cli("import", SLUG, str(start))[0] == 0
    x.gone = {p["id"]: "resource-not-found" for p in posts[:5]}  # deleted on X
    newer = dict(posts[10], text="edited on X #Tenants")
    x.posts[10] = newer

    comply, started, go = with_slow_x(hub, tmp_path, x, "comply", SLUG)
    wait_for(started.exists, "comply to reach X")
    later = FakeX(next_id=1_900_000_000_000_000_000, user_base=5000)
    added = later.chat_posts(10, START, handle="late")
    code, _, err = finish(chathub(hub, "import", SLUG, str(capture(tmp_path / "late.jsonl", added,
                                                                   later.users))))
    assert code == 0, err
    removed_meanwhile = {p["id"] for p in posts[20:23]}  # another writer took these out meanwhile
    update_transcript(hub.chats / f"{SLUG}.tweets.json", lambda doc: remove_posts(doc, removed_meanwhile))
    go.touch()
    code, out, err = finish(comply)
    assert code == 0, err

    ids = {p["id"] for p in stored(hub)["data"]}
    assert ids.isdisjoint(x.gone) and ids.isdisjoint(removed_meanwhile)  # nothing comes back
    assert {p["id"] for p in added} <= ids  # posts added meanwhile stay
    assert len(ids) == 30 - 5 - 3 + 10
    assert next(p for p in stored(hub)["data"] if p["id"] == newer["id"])["text"] == newer["text"]
    assert "5 removed" in out and "1 edited" in out


def test_a_writer_that_waits_says_for_what_and_gives_up_in_time(hub, tmp_path, monkeypatch):
    x = FakeX()
    file = capture(tmp_path / "capture.jsonl", x.chat_posts(5, START), x.users)
    path = hub.chats / f"{SLUG}.tweets.json"
    path.write_text('{"data": [], "includes": {}, "meta": {}}\n')
    before = path.read_bytes()
    monkeypatch.setenv("CHATHUB_LOCK_TIMEOUT", "1")
    with locked(path):
        code, out, err = finish(chathub(hub, "import", SLUG, str(file)))
    assert code == 1
    assert f"waiting for chats/{SLUG}.tweets.json: another chathub command is writing it" in err
    assert "more than 1 s; nothing was written" in err and "Traceback" not in err
    assert path.read_bytes() == before

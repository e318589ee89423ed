"""chathub comply: stored posts re-checked with get_tweets; gone ones removed, edits refreshed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from conftest import CHAT, DATA
from xfake import TOKEN, FakeX

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)
SLUG = "tenants-2026-07-09"


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-10T12:00:00Z")
    return hub


@pytest.fixture
def x(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeX().install(rsps)


def path(hub):
    return hub.chats / f"{SLUG}.tweets.json"


def stored(hub) -> dict:
    return json.loads(path(hub).read_text(encoding="utf-8"))


def test_comply_removes_deleted_and_protected_posts_and_refreshes_edits(hub, run_cli, x):
    posts = x.chat_posts(6, START)
    loner = x.post("only_once", "I post once #Tenants", START + timedelta(minutes=30))
    assert run_cli("fetch", SLUG)[0] == 0
    x.gone[posts[1]["id"]] = "resource-not-found"
    x.gone[loner["id"]] = "not-authorized-for-resource"
    posts[2]["text"] = "A3 edited answer #Tenants"
    posts[2]["edit_history_tweet_ids"] = [posts[2]["id"]]
    posts[3]["public_metrics"] = {**posts[3]["public_metrics"], "like_count": 12}
    code, out, err = run_cli("comply")
    assert code == 0, err
    doc = stored(hub)
    by_id = {p["id"]: p for p in doc["data"]}
    assert posts[1]["id"] not in by_id and loner["id"] not in by_id and len(by_id) == 5
    assert by_id[posts[2]["id"]]["text"] == "A3 edited answer #Tenants"
    assert by_id[posts[3]["id"]]["public_metrics"]["like_count"] == 12
    assert "only_once" not in path(hub).read_text()  # their profile went with their only post
    assert "7 posts checked: 2 removed" in out and "1 edited" in out and "1 with new metrics" in out
    assert f"removed {loner['id']}" in out
    lookups = [p for k, p in x.calls if k == "lookup"]
    assert len(lookups) == 1 and len(lookups[0]["ids"].split(",")) == 7
    assert "note_tweet" in lookups[0]["tweet.fields"]
    assert sorted(p.name for p in hub.chats.iterdir() if p.name.startswith(".")) == []


def test_an_edited_post_takes_the_text_of_its_latest_version(hub, run_cli, x):
    response = json.loads((DATA / "twarc-csv" / "edited.jsonl").read_text())
    newest = response["data"][0]
    oldest = next(t for t in response["includes"]["tweets"] if t["id"] != newest["id"])
    x.posts.extend([oldest, newest])
    x.users.update({u["id"]: u for u in response["includes"]["users"]})
    stale = dict(oldest, edit_history_tweet_ids=[oldest["id"]])
    path(hub).write_text(json.dumps({"data": [stale], "includes": {"users": response["includes"]["users"]}}))
    code, out, err = run_cli("comply", SLUG)
    assert code == 0, err
    (post,) = stored(hub)["data"]
    assert post["id"] == oldest["id"]
    assert post["text"] == newest["text"] == "hey :) https://t.co/rnwEIoNuqd"
    assert post["edit_history_tweet_ids"] == [oldest["id"], newest["id"]]
    assert "attachments" not in post  # the latest version has no photo any more
    assert f"edited {oldest['id']}" in out
    assert [p["ids"] for k, p in x.calls if k == "lookup"] == [oldest["id"], newest["id"]]


def test_comply_asks_for_100_ids_a_request_and_checks_referenced_posts(hub, run_cli, x):
    posts = x.chat_posts(230, START)
    quoted = x.post("old_friend", "an older post", START - timedelta(days=30))
    path(hub).write_text(json.dumps({
        "data": [dict(p, referenced_tweets=[{"type": "quoted", "id": quoted["id"]}]) for p in posts],
        "includes": {"tweets": [quoted], "users": list(x.users.values())},
    }))
    x.gone[quoted["id"]] = "resource-not-found"
    code, out, err = run_cli("comply")
    assert code == 0, err
    lookups = [p["ids"].split(",") for k, p in x.calls if k == "lookup"]
    assert [len(ids) for ids in lookups] == [100, 100, 31]
    assert quoted["id"] in {i for ids in lookups for i in ids}
    doc = stored(hub)
    assert len(doc["data"]) == 230 and "tweets" not in doc["includes"]
    assert "old_friend" not in path(hub).read_text()
    assert "about 3 requests" in out


def test_comply_failure_leaves_the_transcript_unchanged(hub, run_cli, x):
    x.chat_posts(5, START)
    assert run_cli("fetch", SLUG)[0] == 0
    before = path(hub).read_bytes()
    x.posts[0]["text"] = "changed"
    x.fail_next("lookup", 502, times=4)
    code, out, err = run_cli("comply")
    assert code == 1 and "502" in err and "unchanged" in err and "Traceback" not in err
    assert path(hub).read_bytes() == before


def test_comply_needs_the_token_only_when_there_is_something_to_check(hub, run_cli, x, monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN")
    code, out, err = run_cli("comply")
    assert code == 0 and "nothing to check" in out
    path(hub).write_text(json.dumps({"data": [{"id": "1", "text": "t"}]}))
    code, out, err = run_cli("comply")
    assert code == 2 and "X_BEARER_TOKEN" in err
    assert x.calls == []


def test_comply_removes_people_who_asked_to_be_hidden(make_hub, run_cli, x, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-10T12:00:00Z")
    x.chat_posts(7, START)
    assert run_cli("fetch", SLUG)[0] == 0
    hub.add_chat(SLUG, CHAT + 'hide: ["@fan3"]\n')
    code, out, err = run_cli("comply")
    assert code == 0, err
    assert "fan3" not in path(hub).read_text() and len(stored(hub)["data"]) == 6
    assert "1 left out (hide)" in out

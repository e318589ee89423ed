"""chathub fetch: tweepy's real Client against mocked X API responses (no network, no sleeping)."""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import responses
import vcr
from conftest import CHAT, DATA
from xfake import TOKEN, FakeX

from chathub.capture.x.client import XClient

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)  # CHAT's start: 13:00 in New York
SLUG = "tenants-2026-07-09"
AFTER = "2026-07-10T12:00:00Z"  # a day after the chat: recent search
LATER = "2026-08-20T12:00:00Z"  # six weeks after: full archive


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    return hub


@pytest.fixture
def sleeps(monkeypatch):
    """Every sleep chathub asks for, instead of sleeping."""
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.fixture
def x():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeX().install(rsps)


def stored(hub) -> dict:
    return json.loads((hub.chats / f"{SLUG}.tweets.json").read_text(encoding="utf-8"))


def leftovers(hub) -> list[str]:
    return sorted(p.name for p in hub.chats.iterdir() if p.name.startswith("."))


def test_multi_page_fetch_stores_every_post_once_oldest_first(hub, run_cli, x, sleeps):
    posts = x.chat_posts(250, START)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = stored(hub)
    assert [p["id"] for p in doc["data"]] == [p["id"] for p in posts]
    assert doc["data"] == sorted(doc["data"], key=lambda p: p["created_at"])
    assert {u["username"] for u in doc["includes"]["users"]} == {f"fan{i}" for i in range(7)}
    meta = doc["meta"]
    assert meta["query"] == "#Tenants -is:retweet"
    assert meta["endpoint"] == "search_recent_tweets"
    assert (meta["start_time"], meta["end_time"]) == ("2026-07-09T16:45:00Z", "2026-07-09T18:30:00Z")
    assert meta["complete"] is True and meta["result_count"] == 250
    assert meta["fetched_at"] == "2026-07-10T12:00:00Z"
    searches = x.searches("recent")
    assert len(searches) == 3
    first = searches[0]
    assert first["query"] == "#Tenants -is:retweet" and first["max_results"] == "100"
    assert (first["start_time"], first["end_time"]) == ("2026-07-09T16:45:00Z", "2026-07-09T18:30:00Z")
    assert "note_tweet" in first["tweet.fields"].split(",")
    assert set(first["expansions"].split(",")) == {
        "author_id", "referenced_tweets.id", "referenced_tweets.id.author_id",
        "in_reply_to_user_id", "attachments.media_keys", "entities.mentions.username"}
    assert {"alt_text", "preview_image_url"} <= set(first["media.fields"].split(","))
    assert "expect about" in out and "$" in out and "read 250 posts in 3 requests" in out
    assert leftovers(hub) == [] and sleeps == []


@pytest.mark.parametrize(("now", "kind", "size", "count"), [
    (AFTER, "recent", 100, 1), (AFTER, "recent", 100, 100), (AFTER, "recent", 100, 101),
    (AFTER, "recent", 100, 345), (LATER, "all", 500, 499), (LATER, "all", 500, 1001),
])
def test_requests_for_the_main_query_are_the_minimum(hub, run_cli, x, sleeps, monkeypatch, now, kind,
                                                    size, count):
    monkeypatch.setenv("CHATHUB_NOW", now)
    x.chat_posts(count, START)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    searches = x.searches()
    assert all(s["max_results"] == str(size) for s in searches)
    assert len(x.searches(kind)) == len(searches) == math.ceil(count / size)
    assert len(stored(hub)["data"]) == count


def test_dedupe_across_pages_with_the_recorded_response(hub, run_cli, sleeps):
    body = json.loads((DATA / "tweepy" / "test_client_search_recent_tweets.body.json").read_text())
    again = {"data": [*body["data"][5:], dict(body["data"][0], text="newer copy")],
             "meta": {"result_count": 6}}
    with responses.RequestsMock() as rsps:
        url = "https://api.twitter.com/2/tweets/search/recent"
        rsps.get(url, json=body)
        rsps.get(url, json=again)
        code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = stored(hub)
    ids = [p["id"] for p in doc["data"]]
    assert len(ids) == len(set(ids)) == 10
    assert next(p for p in doc["data"] if p["id"] == body["data"][0]["id"])["text"] == "newer copy"


def test_recorded_cassette_replays_through_the_client():
    cassette = DATA / "tweepy" / "test_client_search_recent_tweets.yaml"
    recorder = vcr.VCR(record_mode="none", decode_compressed_response=True)
    with recorder.use_cassette(str(cassette)):
        page = XClient(TOKEN).call("search_recent_tweets", query="Tweepy")
    body = json.loads((DATA / "tweepy" / "test_client_search_recent_tweets.body.json").read_text())
    assert page == body


def test_rate_limit_waits_for_the_reset_says_so_and_goes_on(hub, run_cli, x, sleeps, monkeypatch):
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)
    x.chat_posts(150, START)
    x.fail_next("recent", 429, headers={"x-rate-limit-reset": "1800000041"}, after=1)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert "rate limited by X (429): waiting 42 s" in err
    assert sleeps == [42]
    assert len(stored(hub)["data"]) == 150
    assert stored(hub)["meta"]["complete"] is True


def test_server_error_mid_pagination_leaves_the_transcript_byte_identical(hub, run_cli, x, sleeps):
    x.chat_posts(50, START - timedelta(minutes=10))
    path = hub.chats / f"{SLUG}.tweets.json"
    before_text = json.dumps({"data": [{"id": "1", "text": "kept #Tenants"}], "meta": {}})
    path.write_text(before_text, encoding="utf-8")
    x.chat_posts(300, START)
    x.fail_next("recent", 503, times=4, after=1)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1
    assert "503" in err and "giving up" in err and "unchanged" in err
    assert "Traceback" not in err
    assert path.read_text(encoding="utf-8") == before_text
    assert leftovers(hub) == []
    assert sleeps == [2, 4, 8]


def test_dropped_connection_is_retried_and_the_fetch_completes(hub, run_cli, x, sleeps):
    x.chat_posts(150, START)
    x.fail_next("recent", requests.ConnectionError("connection reset by peer"), after=1)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert "connection dropped" in err and sleeps == [2]
    assert len(stored(hub)["data"]) == 150


def test_unauthorized_names_the_token_and_writes_nothing(hub, run_cli, x, sleeps):
    x.chat_posts(5, START)
    x.fail_next("recent", 401)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1
    assert "401" in err and "X_BEARER_TOKEN" in err and "Traceback" not in err
    assert not (hub.chats / f"{SLUG}.tweets.json").exists()


def test_forbidden_full_archive_explains_access_and_suggests_import(hub, run_cli, x, sleeps,
                                                                    monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", LATER)
    x.fail_next("all", 403)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1
    assert "full-archive" in err and "pay-per-use or Enterprise" in err and "chathub import" in err


def test_missing_token_is_named_and_nothing_is_requested(hub, run_cli, x, monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 2
    assert "X_BEARER_TOKEN" in err and "Traceback" not in err
    monkeypatch.setenv("X_BEARER_TOKEN", "  ")
    assert "X_BEARER_TOKEN" in run_cli("fetch", "--due")[2]
    assert x.calls == [] and not (hub.chats / f"{SLUG}.tweets.json").exists()


def test_refetch_of_a_complete_chat_costs_zero_requests(hub, run_cli, x, sleeps):
    x.chat_posts(120, START)
    assert run_cli("fetch", SLUG)[0] == 0
    first = (hub.chats / f"{SLUG}.tweets.json").read_bytes()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        code, out, err = run_cli("fetch", SLUG)
        assert len(rsps.calls) == 0
    assert code == 0 and "complete" in out and "--refresh" in out
    assert (hub.chats / f"{SLUG}.tweets.json").read_bytes() == first


def test_refresh_fetches_a_complete_chat_again_and_keeps_its_posts(hub, run_cli, x, sleeps):
    posts = x.chat_posts(30, START)
    assert run_cli("fetch", SLUG)[0] == 0
    x.posts.remove(posts[0])  # gone from search now; a refresh still keeps it
    posts[1]["public_metrics"] = {**posts[1]["public_metrics"], "like_count": 9}
    code, out, err = run_cli("fetch", SLUG, "--refresh")
    assert code == 0, err
    doc = stored(hub)
    assert len(doc["data"]) == 30
    assert doc["data"][1]["public_metrics"]["like_count"] == 9
    assert len(x.searches()) == 2


def test_max_posts_caps_reads_and_the_next_fetch_continues_without_rereading(hub, run_cli, x, sleeps):
    x.chat_posts(250, START)
    code, out, err = run_cli("fetch", SLUG, "--max-posts", "120")
    assert code == 0, err
    doc = stored(hub)
    assert len(doc["data"]) == 120 and doc["meta"]["complete"] is False
    assert [s["max_results"] for s in x.searches()] == ["100", "20"]
    assert "at 120 reads" in out and "stopped at --max-posts" in out
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = stored(hub)
    assert len(doc["data"]) == 250 and doc["meta"]["complete"] is True
    assert "resume" not in doc["meta"]
    first_pass = [p["id"] for p in doc["data"]][-120:]
    resumed = x.searches()[2]
    assert resumed["until_id"] == first_pass[0]
    assert resumed["start_time"] == "2026-07-09T16:45:00Z"
    assert len(x.searches()) == 4  # 120 read, then 100 + 30
    assert "read 130 posts" in out


def test_fetch_while_the_window_is_open_continues_later_from_where_it_stopped(hub, run_cli, x, sleeps,
                                                                              monkeypatch):
    x.chat_posts(60, START)
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-09T18:10:00Z")  # ended 10 minutes ago
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = stored(hub)
    assert doc["meta"]["complete"] is False and len(doc["data"]) == 60
    assert x.searches()[0]["end_time"] == "2026-07-09T18:09:30Z"
    x.post("late", "Thanks all #Tenants", START + timedelta(minutes=80))
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert x.searches()[1]["start_time"] == "2026-07-09T18:09:30Z"
    assert len(stored(hub)["data"]) == 61 and stored(hub)["meta"]["complete"] is True


def test_replies_to_question_posts_without_the_hashtag_are_captured(hub, run_cli, x, sleeps):
    q1 = x.post("HostCo", "Q1 How long a lease would you sign? #Tenants", START + timedelta(minutes=2))
    q2 = x.post("mod_one", "Q2: What clause saved you? #Tenants", START + timedelta(minutes=20))
    x.post("fan", "@someone Q3 is not a question post #Tenants", START + timedelta(minutes=21))
    x.chat_posts(20, START)
    forgot = x.post("fan9", "@HostCo A1 five years, no more", START + timedelta(minutes=5),
                    conversation_id=q1["id"])
    tagged = x.post("fan8", "A2 the exit clause #tenants", START + timedelta(minutes=22),
                    conversation_id=q2["id"])
    x.post("fan9", "off-topic reply outside the window", START + timedelta(hours=5),
           conversation_id=q1["id"])
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    ids = {p["id"] for p in stored(hub)["data"]}
    assert forgot["id"] in ids and tagged["id"] in ids and len(ids) == 25
    follow = [s for s in x.searches() if "conversation_id" in s["query"]]
    assert len(follow) == 1
    assert follow[0]["query"] == (f"(conversation_id:{q1['id']} OR conversation_id:{q2['id']}) "
                                  "-#Tenants -is:retweet")
    assert stored(hub)["meta"]["conversation_ids"] == [q1["id"], q2["id"]]
    assert stored(hub)["meta"]["complete"] is True


def test_many_question_conversations_are_batched_within_the_query_limit(hub, run_cli, x, sleeps):
    for i in range(40):
        x.post("HostCo", f"Q{i + 1} question #Tenants", START + timedelta(minutes=i))
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    follow = [s["query"] for s in x.searches() if "conversation_id" in s["query"]]
    assert 1 < len(follow) < 40
    assert all(len(q) <= 512 for q in follow)
    assert sum(q.count("conversation_id:") for q in follow) == 40


def test_due_fetches_ended_published_chats_without_a_complete_transcript(make_hub, run_cli, x, sleeps,
                                                                        monkeypatch):
    hub = make_hub()
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    hub.add_chat("past", CHAT.replace("2026-07-09 13:00", "2026-07-08 13:00"))
    hub.add_chat("done", CHAT.replace("2026-07-09 13:00", "2026-07-07 13:00"))
    hub.add_chat("draft", CHAT.replace("2026-07-09 13:00", "2026-07-06 13:00") + "status: draft\n")
    hub.add_chat("off", CHAT.replace("2026-07-09 13:00", "2026-07-05 13:00") + "status: cancelled\n")
    hub.add_chat("soon", CHAT.replace("2026-07-09 13:00", "2026-07-20 13:00"))
    (hub.chats / "done.tweets.json").write_text('{"data": [], "meta": {"complete": true}}')
    x.chat_posts(3, START - timedelta(days=1))
    code, out, err = run_cli("fetch", "--due")
    assert code == 0, err
    assert sorted(p.name for p in hub.chats.glob("*.tweets.json")) == ["done.tweets.json",
                                                                      "past.tweets.json"]
    assert {s["start_time"] for s in x.searches()} == {"2026-07-08T16:45:00Z"}
    assert len(json.loads((hub.chats / "past.tweets.json").read_text())["data"]) == 3


def test_count_asks_the_counts_endpoint_and_reads_nothing(hub, run_cli, x, sleeps):
    x.chat_posts(42, START)
    code, out, err = run_cli("fetch", SLUG, "--count")
    assert code == 0, err
    assert "X counts 42 posts" in out
    assert x.searches() == [] and not (hub.chats / f"{SLUG}.tweets.json").exists()


def test_hidden_people_never_reach_the_transcript(make_hub, run_cli, x, sleeps, monkeypatch):
    hub = make_hub({"hide": ["@Everywhere"]})
    hub.add_chat(SLUG, CHAT + 'hide: ["@shy_one"]\n')
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    x.chat_posts(5, START)
    x.post("shy_one", "please leave me out #Tenants", START + timedelta(minutes=3))
    x.post("everywhere", "me too #Tenants", START + timedelta(minutes=4))
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    text = (hub.chats / f"{SLUG}.tweets.json").read_text()
    assert "shy_one" not in text and "leave me out" not in text and "everywhere" not in text
    assert len(stored(hub)["data"]) == 5 and "2 left out" in out


def test_unknown_and_future_chats_are_refused_clearly(hub, run_cli, x, monkeypatch):
    code, out, err = run_cli("fetch", "tenants-2026-07-90")
    assert code == 1 and f"did you mean {SLUG}" in err
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-01T00:00:00Z")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "has not started yet" in err
    assert run_cli("fetch")[0] == 2 and run_cli("fetch", SLUG, "--due")[0] == 2
    assert x.calls == []


def test_the_token_never_leaks(hub, run_cli, x, sleeps, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)
    x.chat_posts(150, START)
    x.fail_next("recent", 429, headers={"x-rate-limit-reset": "1800000005"})
    x.fail_next("recent", 500, after=1)
    assert run_cli("fetch", SLUG)[0] == 0
    x.fail_next("recent", 401)
    code, out, err = run_cli("fetch", SLUG, "--refresh")
    assert code == 1
    x.fail_next("recent", requests.ConnectionError(f"boom Bearer {TOKEN}"), times=4)
    code2, out2, err2 = run_cli("fetch", SLUG, "--refresh")
    assert code2 == 1
    assert any("Authorization" in r.getMessage() for r in caplog.records)  # tweepy's debug log
    for text in (out, err, out2, err2, caplog.text, (hub.chats / f"{SLUG}.tweets.json").read_text()):
        assert TOKEN not in text


def test_check_warns_before_the_recent_search_window_closes(hub, run_cli, monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-15T12:00:00Z")  # closes 2026-07-16 16:45 UTC
    code, out, err = run_cli("check")
    assert code == 0
    line = next(x for x in err.splitlines() if "recent search" in x)
    assert line.startswith(f"chats/{SLUG}.yml:3:1: warning: ")
    assert "in 28 hours" in line and f"chathub fetch {SLUG}" in line
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-12T12:00:00Z")
    assert "recent search" not in run_cli("check")[2]


def test_check_says_the_way_forward_once_the_window_has_closed(hub, run_cli, monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", LATER)
    code, out, err = run_cli("check")
    assert code == 0 and len([x for x in err.splitlines() if x.startswith("chats/")]) == 1
    assert "no longer reaches this chat" in err and "full archive" in err
    assert "pay-per-use" in err and f"chathub import {SLUG}" in err
    (hub.chats / f"{SLUG}.tweets.json").write_text('{"data": []}')
    assert "recent search" not in run_cli("check")[2]


def test_window_warnings_do_not_fail_a_strict_build(hub, monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", LATER)
    site = hub.build(strict=True)
    assert (site / "chats" / SLUG / "index.html").exists()


def test_per_chat_window_overrides_the_hub_default(make_hub, run_cli, x, sleeps, monkeypatch):
    hub = make_hub({"fetch_before": 5})
    hub.add_chat(SLUG, CHAT + "fetch_after: 90\n")
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    assert run_cli("fetch", SLUG)[0] == 0
    search = x.searches()[0]
    assert (search["start_time"], search["end_time"]) == ("2026-07-09T16:55:00Z", "2026-07-09T19:30:00Z")


def test_unreadable_stored_transcript_is_reported_not_overwritten(hub, run_cli, x):
    path: Path = hub.chats / f"{SLUG}.tweets.json"
    path.write_text("<<<<<<< HEAD\n{}\n", encoding="utf-8")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and f"{SLUG}.tweets.json:1:1: not valid JSON" in err
    assert path.read_text(encoding="utf-8") == "<<<<<<< HEAD\n{}\n" and x.calls == []

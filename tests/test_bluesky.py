"""Bluesky: the atproto SDK's real client against a fake Bluesky served through respx (no network,
no sleeping): paging, a cursor that stops, thread replies without the hashtag, deletions, every
fault, and the normaliser's facets at UTF-8 byte offsets."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
from bskyfake import ACCESS_JWT, HANDLE, PASSWORD, REFRESH_JWT, FakeBluesky, facets
from hypothesis import given
from hypothesis import strategies as st

from chathub.capture.bluesky.client import THREAD_DEPTH
from chathub.capture.bluesky.normalise import parse_post, post_url, split_text

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)  # 13:00 in New York
SLUG = "tenants-2026-07-09"
AFTER = "2026-07-10T12:00:00Z"
CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-07-09 13:00
timezone: America/New_York
networks: [bluesky]
host:
  bluesky: hostco.bsky.social
  name: Host Co
moderators:
  - bluesky: mod-one.bsky.social
questions:
  - "How long a lease would you sign?"
  - "What clause saved you?"
"""


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("BSKY_HANDLE", HANDLE)
    monkeypatch.setenv("BSKY_APP_PASSWORD", PASSWORD)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    return hub


@pytest.fixture
def sleeps(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.fixture
def bsky():
    with respx.mock(assert_all_called=False) as router:
        yield FakeBluesky().install(router)


def stored(hub) -> dict:
    return json.loads((hub.chats / f"{SLUG}.bsky.json").read_text(encoding="utf-8"))


def leftovers(hub) -> list[str]:
    return sorted(p.name for p in hub.chats.iterdir() if p.name.startswith("."))


def test_paged_search_stores_every_post_once_oldest_first_with_one_login(hub, run_cli, bsky, sleeps):
    posts = bsky.chat_posts(250, START)
    bsky.post("stranger.bsky.social", "A1 too late #Tenants", START + timedelta(hours=3))
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = stored(hub)
    assert [p["uri"] for p in doc["posts"]] == [p["uri"] for p in posts]  # oldest first, once
    assert bsky.methods().count("createSession") == 1
    assert bsky.methods().count("searchPosts") == 3  # 100 a request
    first = bsky.calls[1][1]
    assert first["tag"] == ["Tenants"] and first["since"] == ["2026-07-09T16:45:00Z"]
    assert first["until"][0].startswith("2026-07-09T18:30:00")
    assert doc["meta"]["complete"] is True and doc["meta"]["window"]["before_minutes"] == 15
    assert "free" in out and "(free)" in out
    assert not leftovers(hub)


def test_a_cursor_that_stops_early_is_followed_by_a_search_below_the_oldest_post(hub, run_cli, bsky,
                                                                                   sleeps):
    bsky.cursor_pages = 1  # the cursor stops after one page, though more posts match
    posts = bsky.chat_posts(230, START)
    assert run_cli("fetch", SLUG)[0] == 0
    assert {p["uri"] for p in stored(hub)["posts"]} == {p["uri"] for p in posts}
    untils = [c[1]["until"][0] for c in bsky.calls if c[0] == "searchPosts"]
    assert len(untils) >= 3 and untils == sorted(untils, reverse=True)


def test_thread_replies_without_the_hashtag_are_captured_at_any_depth(hub, run_cli, bsky, sleeps):
    q1 = bsky.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants",
                   START + timedelta(minutes=5))
    reply = bsky.post("fan.bsky.social", "Five years, no more", START + timedelta(minutes=6), reply_to=q1)
    deeper = bsky.post("ben.bsky.social", "Why five?", START + timedelta(minutes=7), reply_to=reply)
    deepest = bsky.post("fan.bsky.social", "Because of the break clause", START + timedelta(minutes=8),
                        reply_to=deeper)
    other = bsky.post("fan.bsky.social", "Not a question thread #Tenants", START + timedelta(minutes=9))
    bsky.post("ben.bsky.social", "A reply elsewhere", START + timedelta(minutes=10), reply_to=other)
    assert run_cli("fetch", SLUG)[0] == 0
    uris = [p["uri"] for p in stored(hub)["posts"]]
    assert uris == [q1["uri"], reply["uri"], deeper["uri"], deepest["uri"], other["uri"]]
    threads = [c[1] for c in bsky.calls if c[0] == "getPostThread"]
    assert [t["uri"] for t in threads] == [[q1["uri"]]] and threads[0]["depth"] == [str(THREAD_DEPTH)]
    assert stored(hub)["meta"]["threads"] == [q1["uri"]]


def test_a_complete_transcript_makes_no_request_not_even_a_login(hub, run_cli, bsky, sleeps):
    bsky.chat_posts(20, START)
    assert run_cli("fetch", SLUG)[0] == 0
    first = (hub.chats / f"{SLUG}.bsky.json").read_bytes()
    with respx.mock(assert_all_called=False) as router:
        code, out, err = run_cli("fetch", SLUG)
        code_due, out_due, _ = run_cli("fetch", "--due")
        assert router.calls.call_count == 0
    assert code == 0 and "complete" in out and "--refresh" in out
    assert code_due == 0 and "no chat is due" in out_due
    assert (hub.chats / f"{SLUG}.bsky.json").read_bytes() == first


def test_max_posts_caps_the_run_and_the_next_fetch_continues(hub, run_cli, bsky, sleeps):
    posts = bsky.chat_posts(150, START)
    code, out, _ = run_cli("fetch", SLUG, "--max-posts", "60")
    assert code == 0 and "--max-posts" in out
    doc = stored(hub)
    assert len(doc["posts"]) == 60 and doc["meta"]["complete"] is False and doc["meta"]["resume"]
    before = len(bsky.calls)
    assert run_cli("fetch", SLUG)[0] == 0
    searched = [c for c in bsky.calls[before:] if c[0] == "searchPosts"]
    assert sum(1 for _ in searched) <= 2
    assert {p["uri"] for p in stored(hub)["posts"]} == {p["uri"] for p in posts}
    assert stored(hub)["meta"]["complete"] is True


def test_missing_login_names_both_variables_and_requests_nothing(hub, run_cli, bsky, monkeypatch):
    monkeypatch.delenv("BSKY_APP_PASSWORD")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 2 and "BSKY_APP_PASSWORD" in err and "Traceback" not in err
    monkeypatch.delenv("BSKY_HANDLE")
    code, out, err = run_cli("fetch", SLUG)
    assert "BSKY_HANDLE" in err and "BSKY_APP_PASSWORD" in err
    assert bsky.calls == [] and not (hub.chats / f"{SLUG}.bsky.json").exists()


def test_a_refused_login_says_what_to_check_and_writes_nothing(hub, run_cli, bsky, monkeypatch):
    monkeypatch.setenv("BSKY_APP_PASSWORD", "wrong-pass-word-here")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "BSKY_APP_PASSWORD" in err and "refused the login" in err
    assert "wrong-pass-word-here" not in out + err
    assert not (hub.chats / f"{SLUG}.bsky.json").exists()


def test_forbidden_search_is_explained(hub, run_cli, bsky, sleeps):
    bsky.fail_next("searchPosts", 403)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "403" in err and "unchanged" in err


def test_rate_limit_waits_boundedly_for_the_reset_and_goes_on(hub, run_cli, bsky, sleeps):
    bsky.chat_posts(30, START)
    reset = int(datetime.fromisoformat(AFTER.replace("Z", "+00:00")).timestamp()) + 10**6
    bsky.fail_next("searchPosts", 429, headers={"ratelimit-reset": str(reset), "ratelimit-remaining": "0"})
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert "429" in err and ("waiting" in err or "backing off" in err)
    assert sleeps and max(sleeps) <= 900  # never the week-long reset the header asks for
    assert len(stored(hub)["posts"]) == 30


def test_server_errors_are_retried_then_the_fetch_stops_and_the_file_is_byte_identical(
        hub, run_cli, bsky, sleeps):
    bsky.chat_posts(30, START)
    assert run_cli("fetch", SLUG, "--max-posts", "10")[0] == 0
    before = (hub.chats / f"{SLUG}.bsky.json").read_bytes()
    bsky.fail_next("searchPosts", 502, times=2)
    bsky.fail_next("searchPosts", 500, times=2)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "4 times" in err and "unchanged" in err
    assert sleeps == [2.0, 4.0, 8.0]
    assert (hub.chats / f"{SLUG}.bsky.json").read_bytes() == before
    assert not leftovers(hub)


def test_a_dropped_connection_is_retried(hub, run_cli, bsky, sleeps):
    bsky.chat_posts(12, START)
    bsky.fail_next("searchPosts", httpx.ConnectError("connection reset"))
    assert run_cli("fetch", SLUG)[0] == 0
    assert len(stored(hub)["posts"]) == 12 and sleeps == [2.0]


def test_a_cursor_that_never_ends_stops_the_fetch_and_writes_nothing(hub, run_cli, bsky, sleeps):
    bsky.chat_posts(150, START)
    bsky.stuck_cursor = True
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "same cursor twice" in err and "unchanged" in err
    assert not (hub.chats / f"{SLUG}.bsky.json").exists()
    assert bsky.methods().count("searchPosts") <= 3


def test_an_app_password_with_a_line_break_is_refused_before_any_request(hub, run_cli, bsky,
                                                                          monkeypatch):
    monkeypatch.setenv("BSKY_APP_PASSWORD", "abcd-efgh\nijkl-mnop")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 2 and "BSKY_APP_PASSWORD holds a line break" in err
    assert "ijkl" not in err and bsky.calls == []


def test_no_secret_reaches_any_output(hub, run_cli, bsky, sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    bsky.chat_posts(12, START)
    bsky.fail_next("searchPosts", 500)
    code, out, err = run_cli("fetch", SLUG)
    text = out + err + caplog.text + (hub.chats / f"{SLUG}.bsky.json").read_text()
    for secret in (PASSWORD, ACCESS_JWT, REFRESH_JWT):
        assert secret not in text


def test_hidden_people_never_reach_the_transcript(hub, run_cli, bsky, sleeps):
    (hub.chats / f"{SLUG}.yml").write_text(
        (hub.chats / f"{SLUG}.yml").read_text() + 'hide: ["private.bsky.social"]\n')
    bsky.post("private.bsky.social", "A1 please leave me out #Tenants", START + timedelta(minutes=6))
    bsky.post("fan.bsky.social", "A1 fine to show #Tenants", START + timedelta(minutes=7))
    assert run_cli("fetch", SLUG)[0] == 0
    text = (hub.chats / f"{SLUG}.bsky.json").read_text()
    assert "private.bsky.social" not in text and "fine to show" in text


def test_comply_removes_deleted_posts_asking_25_uris_a_request(hub, run_cli, bsky, sleeps):
    posts = bsky.chat_posts(60, START)
    assert run_cli("fetch", SLUG)[0] == 0
    bsky.deleted = {posts[3]["uri"], posts[40]["uri"]}
    posts[5]["likeCount"] = 42
    before = len(bsky.calls)
    code, out, err = run_cli("comply", SLUG)
    assert code == 0, err
    lookups = [c[1]["uris"] for c in bsky.calls[before:] if c[0] == "getPosts"]
    assert [len(u) for u in lookups] == [25, 25, 10]
    doc = stored(hub)
    uris = {p["uri"] for p in doc["posts"]}
    assert posts[3]["uri"] not in uris and posts[40]["uri"] not in uris and len(uris) == 58
    assert next(p for p in doc["posts"] if p["uri"] == posts[5]["uri"])["likeCount"] == 42
    assert "2 removed" in out and f"removed {posts[3]['uri']}" in out


def test_comply_failure_leaves_the_transcript_byte_identical(hub, run_cli, bsky, sleeps):
    bsky.chat_posts(30, START)
    assert run_cli("fetch", SLUG)[0] == 0
    before = (hub.chats / f"{SLUG}.bsky.json").read_bytes()
    bsky.fail_next("getPosts", 401)
    code, out, err = run_cli("comply", SLUG)
    assert code == 1 and "unchanged" in err
    assert (hub.chats / f"{SLUG}.bsky.json").read_bytes() == before


def test_import_recognises_search_and_thread_responses_and_json_lines(hub, run_cli, tmp_path):
    fake = FakeBluesky()
    q1 = fake.post("hostco.bsky.social", "Q1 How long? #Tenants", START + timedelta(minutes=5))
    reply = fake.post("fan.bsky.social", "Five years", START + timedelta(minutes=6), reply_to=q1)
    search = tmp_path / "search.json"
    search.write_text(json.dumps({"posts": [q1], "cursor": "25"}))
    thread = tmp_path / "thread.jsonl"
    tree = {"thread": {"post": q1, "replies": [{"post": reply, "replies": []}]}}
    thread.write_text(json.dumps(tree) + "\n")
    code, out, err = run_cli("import", SLUG, str(search))
    assert code == 0, err
    code, out, err = run_cli("import", SLUG, str(thread))
    assert code == 0, err
    assert [p["uri"] for p in stored(hub)["posts"]] == [q1["uri"], reply["uri"]]
    again = (hub.chats / f"{SLUG}.bsky.json").read_bytes()
    assert run_cli("import", SLUG, str(search), str(thread))[0] == 0
    assert (hub.chats / f"{SLUG}.bsky.json").read_bytes() == again  # the same files: no change
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"posts": [q1]}, {"posts": [reply]}]))
    assert run_cli("import", SLUG, "--network", "bluesky", str(listed))[0] == 0


def test_a_broken_import_names_the_file_and_line_and_writes_nothing(hub, run_cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"posts": []}) + "\n{not json\n")
    code, out, err = run_cli("import", SLUG, "--network", "bluesky", str(bad))
    assert code == 1 and f"{bad}:2:" in err and "nothing was imported" in err
    assert not (hub.chats / f"{SLUG}.bsky.json").exists()


# --- the normaliser --------------------------------------------------------------------------

def _view(text: str, text_facets: list | None = None, handle: str = "ana.bsky.social") -> dict:
    fake = FakeBluesky()
    view = fake.post(handle, text, START)
    if text_facets is not None:
        view["record"]["facets"] = text_facets
    return view


def test_facets_use_utf8_byte_offsets():
    text = "Café ☕ A1 #Tenants with @ben.bsky.social see https://example.org/é 🙂"
    post = parse_post(_view(text))
    kinds = [(s.kind, s.text) for s in post.segments if s.kind != "text"]
    assert kinds == [("hashtag", "#Tenants"), ("mention", "@ben.bsky.social"),
                     ("link", "https://example.org/é")]
    assert "".join(s.text for s in post.segments) == text
    tag = next(s for s in post.segments if s.kind == "hashtag")
    assert tag.href == "https://bsky.app/hashtag/Tenants"
    mention = next(s for s in post.segments if s.kind == "mention")
    assert mention.href.startswith("https://bsky.app/profile/did:plc:")


def test_overlapping_broken_and_unsafe_facets_leave_plain_text():
    text = "héllo #one two"
    raw = text.encode()
    start = raw.index(b"#one")
    bad = [
        {"index": {"byteStart": start, "byteEnd": start + 4},
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "one"}]},
        {"index": {"byteStart": start + 1, "byteEnd": start + 8},  # overlaps the first
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "x"}]},
        {"index": {"byteStart": 1, "byteEnd": 2},  # cuts "é" in two
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://e.org"}]},
        {"index": {"byteStart": 0, "byteEnd": 5},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}]},
        {"index": {"byteStart": 0, "byteEnd": 999},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://e.org"}]},
    ]
    segments = split_text(text, bad)
    assert "".join(s.text for s in segments) == text
    assert next(s.kind for s in segments if s.kind != "text") in ("link", "hashtag")
    assert all(s.href is None or s.href.startswith("https://") for s in segments)


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-2, 80), st.integers(-2, 80)), max_size=6))
def test_any_facets_keep_the_text_whole(text, spans):
    made = [{"index": {"byteStart": a, "byteEnd": b},
             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "t"}]} for a, b in spans]
    segments = split_text(text, made)
    assert "".join(s.text for s in segments) == text


def test_post_links_use_the_handle_or_the_did():
    view = _view("hello")
    rkey = view["uri"].rsplit("/", 1)[1]
    assert parse_post(view).url == f"https://bsky.app/profile/ana.bsky.social/post/{rkey}"
    view["author"]["handle"] = "handle.invalid"
    assert parse_post(view).url == f"https://bsky.app/profile/{view['author']['did']}/post/{rkey}"
    assert post_url(view["uri"]) == f"https://bsky.app/profile/{view['author']['did']}/post/{rkey}"
    assert facets("#a")[0]["index"] == {"byteStart": 0, "byteEnd": 2}

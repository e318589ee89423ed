"""Mastodon: Mastodon.py's real client against fake servers served through responses (no network,
no sleeping): several servers merged by uri, windows from times, restricted timelines, replies of
question posts, deletions asked of the server each status was read from, every fault, and the
HTML sanitised before anything else sees it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st
from mastofake import TOKEN, FakeMastodon

from chathub.capture.mastodon.normalise import read_html, sanitise

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)
SLUG = "tenants-2026-07-09"
AFTER = "2026-07-10T12:00:00Z"
CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-07-09 13:00
timezone: America/New_York
networks: [mastodon]
mastodon_instances: [mastodon.social, fosstodon.org]
host:
  mastodon: "@hostco@mastodon.social"
  name: Host Co
questions:
  - "How long a lease would you sign?"
"""


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    for name in ("MASTODON_TOKEN_MASTODON_SOCIAL", "MASTODON_TOKEN_FOSSTODON_ORG"):
        monkeypatch.delenv(name, raising=False)
    return hub


@pytest.fixture
def sleeps(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.fixture
def masto():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon().install(rsps)


def stored(hub) -> dict:
    return json.loads((hub.chats / f"{SLUG}.mastodon.json").read_text(encoding="utf-8"))


def snowflake(moment: datetime) -> str:
    return str((int(moment.timestamp()) << 16) * 1000)


def test_every_server_is_read_and_statuses_are_merged_by_uri(hub, run_cli, masto, sleeps):
    both = masto.chat(50, START, "mastodon.social")
    for status in both[:30]:  # these also reached fosstodon.org, under its own ids
        masto.known.setdefault("fosstodon.org", []).append(status.uri)
    only_there = masto.chat(10, START, "fosstodon.org")
    masto.status("late@mastodon.social", "A1 after the window #Tenants", START + timedelta(hours=3))
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = stored(hub)
    uris = [s["uri"] for s in doc["statuses"]]
    assert len(uris) == len(set(uris)) == 60
    assert set(uris) == {s.uri for s in both + only_there}
    times = [s["created_at"] for s in doc["statuses"]]
    assert times == sorted(times)
    first = next(s for s in doc["statuses"] if s["uri"] == both[0].uri)
    assert first["read_from"] == "mastodon.social"
    assert set(first["local_ids"]) == {"mastodon.social", "fosstodon.org"}
    timeline = masto.requests("timeline", "mastodon.social")
    assert timeline[0]["since_id"] == [snowflake(START - timedelta(minutes=15))]
    assert timeline[0]["max_id"] == [snowflake(START + timedelta(minutes=90))]
    assert [len(p.get("max_id", [])) for p in timeline] and len(timeline) == 2  # 40 a request
    assert doc["meta"]["complete"] is True and "free" in out


@pytest.mark.parametrize("status", [401, 422])
def test_a_restricted_hashtag_timeline_is_named_skipped_and_the_others_are_read(hub, run_cli, masto,
                                                                              sleeps, status):
    masto.restricted["fosstodon.org"] = status
    masto.unadvertised.add("fosstodon.org")  # the instance does not say so: the timeline does
    masto.chat(5, START, "mastodon.social")
    masto.chat(5, START, "fosstodon.org")
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert "fosstodon.org" in err and "logged-in users only" in err
    assert "MASTODON_TOKEN_FOSSTODON_ORG" in err
    assert len(stored(hub)["statuses"]) == 5


def test_a_restriction_the_server_announces_costs_no_timeline_request(hub, run_cli, masto, sleeps):
    masto.restricted["fosstodon.org"] = 401
    masto.chat(5, START, "mastodon.social")
    assert run_cli("fetch", SLUG)[0] == 0
    assert masto.requests("timeline", "fosstodon.org") == []


def test_with_a_token_a_restricted_server_is_read_logged_in(hub, run_cli, masto, sleeps, monkeypatch):
    masto.restricted["fosstodon.org"] = 401
    masto.chat(5, START, "fosstodon.org")
    monkeypatch.setenv("MASTODON_TOKEN_FOSSTODON_ORG", TOKEN)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert len(stored(hub)["statuses"]) == 5
    assert TOKEN not in out + err + (hub.chats / f"{SLUG}.mastodon.json").read_text()


def test_when_no_server_can_be_read_the_fetch_fails_and_writes_nothing(hub, run_cli, masto, sleeps):
    masto.restricted.update({"fosstodon.org": 401, "mastodon.social": 422})
    masto.unadvertised.update({"fosstodon.org", "mastodon.social"})
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "no Mastodon server" in err
    assert not (hub.chats / f"{SLUG}.mastodon.json").exists()


def test_replies_of_question_posts_are_read_without_the_hashtag_at_any_depth(hub, run_cli, masto,
                                                                            sleeps):
    q1 = masto.status("hostco@mastodon.social", "Q1 How long a lease would you sign? #Tenants",
                      START + timedelta(minutes=5))
    reply = masto.status("fan@fosstodon.org", "@hostco@mastodon.social Five years",
                         START + timedelta(minutes=6), reply_to=q1, servers=("mastodon.social",))
    deeper = masto.status("ben@mastodon.social", "Why five?", START + timedelta(minutes=7), reply_to=reply)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    uris = [s["uri"] for s in stored(hub)["statuses"]]
    assert uris == [q1.uri, reply.uri, deeper.uri]
    assert masto.requests("context", "mastodon.social")


def test_a_complete_transcript_makes_no_request(hub, run_cli, masto, sleeps):
    masto.chat(5, START, "mastodon.social")
    assert run_cli("fetch", SLUG)[0] == 0
    first = (hub.chats / f"{SLUG}.mastodon.json").read_bytes()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        code, out, _ = run_cli("fetch", SLUG)
        assert run_cli("fetch", "--due")[0] == 0
        assert len(rsps.calls) == 0
    assert code == 0 and "complete" in out
    assert (hub.chats / f"{SLUG}.mastodon.json").read_bytes() == first


def test_max_posts_stops_and_the_next_fetch_goes_on_below(hub, run_cli, masto, sleeps):
    posts = masto.chat(100, START, "mastodon.social")
    code, out, _ = run_cli("fetch", SLUG, "--max-posts", "40")
    assert code == 0
    assert stored(hub)["meta"]["complete"] is False and len(stored(hub)["statuses"]) == 40
    before = len(masto.requests("timeline", "mastodon.social"))
    assert run_cli("fetch", SLUG)[0] == 0
    later = masto.requests("timeline", "mastodon.social")[before:]
    assert later[0]["max_id"] != [snowflake(START + timedelta(minutes=90))]  # from where it stopped
    assert {s["uri"] for s in stored(hub)["statuses"]} == {s.uri for s in posts}


def test_rate_limit_waits_boundedly_and_goes_on(hub, run_cli, masto, sleeps):
    masto.chat(5, START, "mastodon.social")
    masto.fail_next("mastodon.social", "timeline", 429,
                    headers={"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z", "X-RateLimit-Remaining": "0",
                             "X-RateLimit-Limit": "300"})
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert "429" in err and ("waiting" in err or "backing off" in err) and sleeps and max(sleeps) <= 900


def test_server_errors_are_retried_then_stop_and_the_file_is_byte_identical(hub, run_cli, masto, sleeps):
    masto.chat(5, START, "mastodon.social")
    assert run_cli("fetch", SLUG, "--refresh")[0] == 0
    before = (hub.chats / f"{SLUG}.mastodon.json").read_bytes()
    masto.fail_next("mastodon.social", "timeline", 503, times=3)
    masto.fail_next("mastodon.social", "timeline", requests.ConnectionError("reset"))
    code, out, err = run_cli("fetch", SLUG, "--refresh")
    assert code == 1 and "4 times" in err and "unchanged" in err
    assert sleeps == [2.0, 4.0, 8.0]
    assert (hub.chats / f"{SLUG}.mastodon.json").read_bytes() == before
    assert not [p for p in hub.chats.iterdir() if p.name.startswith(".")]


def test_a_rejected_token_is_explained_without_showing_it(hub, run_cli, masto, sleeps, monkeypatch,
                                                          caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("MASTODON_TOKEN_MASTODON_SOCIAL", TOKEN)
    masto.fail_next("mastodon.social", "timeline", 401)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "MASTODON_TOKEN_MASTODON_SOCIAL" in err
    assert TOKEN not in out + err + caplog.text


def test_comply_asks_the_server_each_status_was_read_from_and_removes_404_and_410(hub, run_cli, masto,
                                                                                 sleeps):
    here = masto.chat(4, START, "mastodon.social")
    there = masto.chat(3, START + timedelta(seconds=7), "fosstodon.org")
    assert run_cli("fetch", SLUG)[0] == 0
    masto.deleted = {here[1].uri: 404, there[2].uri: 410}
    here[0].likes = 9
    code, out, err = run_cli("comply", SLUG)
    assert code == 0, err
    asked = [(s, k) for s, k, _ in masto.calls if k == "status"]
    assert asked.count(("mastodon.social", "status")) == 4 and asked.count(("fosstodon.org", "status")) == 3
    uris = {s["uri"] for s in stored(hub)["statuses"]}
    assert here[1].uri not in uris and there[2].uri not in uris and len(uris) == 5
    assert next(s for s in stored(hub)["statuses"] if s["uri"] == here[0].uri)["favourites_count"] == 9
    assert "2 removed" in out


def test_import_recognises_timelines_contexts_and_json_lines(hub, run_cli, masto, tmp_path):
    q1 = masto.status("hostco@mastodon.social", "Q1 How long? #Tenants", START + timedelta(minutes=5))
    reply = masto.status("fan@mastodon.social", "Five years", START + timedelta(minutes=6), reply_to=q1)
    timeline = tmp_path / "timeline.json"
    timeline.write_text(json.dumps([masto.json(q1, "mastodon.social")]))
    context = tmp_path / "context.jsonl"
    context.write_text(json.dumps({"ancestors": [], "descendants": [masto.json(reply, "mastodon.social")]})
                       + "\n")
    assert run_cli("import", SLUG, str(timeline))[0] == 0
    code, out, err = run_cli("import", SLUG, str(context))
    assert code == 0, err
    doc = stored(hub)
    assert [s["uri"] for s in doc["statuses"]] == [q1.uri, reply.uri]
    assert {s["read_from"] for s in doc["statuses"]} == {"mastodon.social"}


def test_files_of_two_networks_are_not_mixed(hub, run_cli, masto, tmp_path):
    status = masto.status("fan@mastodon.social", "A1 #Tenants", START)
    a = tmp_path / "a.json"
    a.write_text(json.dumps([masto.json(status, "mastodon.social")]))
    b = tmp_path / "b.json"
    b.write_text(json.dumps({"data": [{"id": "1", "text": "A1 #Tenants"}]}))
    code, out, err = run_cli("import", SLUG, str(a), str(b))
    assert code == 2 and "several networks" in err


# --- the HTML --------------------------------------------------------------------------------

def test_content_is_sanitised_to_text_and_http_links():
    html = ('<p>Hi <script>alert(1)</script><a href="javascript:alert(2)">click</a> '
            '<a href="https://example.org/a-very-long-path-that-mastodon-shortens/for/display" '
            'rel="nofollow"><span class="invisible">https://</span>'
            '<span class="ellipsis">example.org/a-very-long-path-th</span>'
            '<span class="invisible">at-mastodon-shortens/for/display</span></a></p><p>line<br>two '
            '<a href="https://mastodon.social/tags/tenants" class="mention hashtag">#<span>Tenants</span></a>'
            '<img src=x onerror=alert(3)></p>')
    text, segments = read_html(html)
    assert "alert" not in text and "<" not in text
    assert text == "Hi click example.org/a-very-long-path-th…\n\nline\ntwo #Tenants"
    kinds = {s.kind: s for s in segments}
    assert kinds["link"].href == "https://example.org/a-very-long-path-that-mastodon-shortens/for/display"
    assert kinds["hashtag"].href == "https://mastodon.social/tags/tenants"
    assert not any(s.href and not s.href.startswith("https://") for s in segments)


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' apbrhefsjvcrit:#@xyz&;")), max_size=120))
def test_any_html_gives_only_http_links(html):
    cleaned = sanitise(html)
    assert "javascript:" not in cleaned.lower() or "href" not in cleaned.lower()
    _, segments = read_html(html)
    assert all(s.href is None or s.href.startswith(("http://", "https://")) for s in segments)

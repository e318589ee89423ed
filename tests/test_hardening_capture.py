"""Capture faults: the token never leaks, every loop ends, waits are bounded, responses and posts
of the wrong shape are refused with the stored transcript byte-identical, and what is read is
read right (times from ids, authors by id, real twarc-csv output, hidden user ids)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import responses
from conftest import CHAT, DATA
from xfake import TOKEN, FakeX

from chathub.capture.faults import MAX_TOTAL_WAIT, MAX_WAIT, Redactor
from chathub.capture.x.normalise import read_document
from chathub.capture.x.schema import snowflake_time

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)
SLUG = "tenants-2026-07-09"
AFTER = "2026-07-10T12:00:00Z"
SEARCH = "https://api.twitter.com/2/tweets/search/recent"
STORED = {"data": [{"id": "1800000000000000500", "text": "A1 stored #Tenants", "author_id": "1",
                    "created_at": "2026-07-09T17:05:00.000Z"}],
          "includes": {"users": [{"id": "1", "username": "stored", "name": "Stored"}]},
          "meta": {"imports": [{"file": "x.jsonl", "posts": 1}]}}


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", AFTER)
    return hub


@pytest.fixture
def sleeps(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.fixture
def x():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeX().install(rsps)


def transcript(hub) -> Path:
    return hub.chats / f"{SLUG}.tweets.json"


def store(hub, doc=STORED) -> bytes:
    transcript(hub).write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return transcript(hub).read_bytes()


# --- the token ---------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [TOKEN + "\n", TOKEN + "\r\n", "Bearer " + TOKEN,
                                 TOKEN[:20] + "\t" + TOKEN[20:], TOKEN + "\x07", " " + TOKEN,
                                 TOKEN + "\u200b", TOKEN[:10] + "€" + TOKEN[10:]])
@pytest.mark.parametrize("command", ["fetch", "comply"])
def test_a_token_with_whitespace_or_controls_is_refused_without_showing_it(hub, run_cli, monkeypatch, bad,
                                                                         command):
    before = store(hub)
    monkeypatch.setenv("X_BEARER_TOKEN", bad)
    with responses.RequestsMock() as rsps:  # no request may be sent
        code, out, err = run_cli(command, SLUG)
        assert not rsps.calls
    assert code == 2, err
    assert "X_BEARER_TOKEN" in err and "Traceback" not in err
    for form in (TOKEN, TOKEN[:20], repr(bad), quote(TOKEN, safe="")):
        assert form not in out + err
    assert transcript(hub).read_bytes() == before


def test_the_token_is_redacted_in_every_form():
    secret = "AAAA%2Fsecret%3Dtoken+1234"
    redactor = Redactor()
    redactor.add(secret)
    for form in (secret, repr(secret), quote(secret, safe=""), quote(secret), "AAAA/secret=token 1234",
                 json.dumps(secret), repr(secret.encode())):
        assert "secret" not in redactor.redact(f"header {form} failed"), form


def test_a_request_error_that_quotes_the_token_is_redacted(hub, run_cli, x, sleeps):
    import requests

    x.fail_next("recent", requests.exceptions.InvalidHeader(f"Invalid header value b'Bearer {TOKEN}'"))
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "[redacted]" in err and TOKEN not in out + err


# --- loops that end ----------------------------------------------------------------------------

def page(ids, token=None, **meta):
    body = {"data": [{"id": str(i), "text": f"A1 {i} #Tenants", "author_id": "7",
                      "created_at": "2026-07-09T17:10:00.000Z"} for i in ids],
            "includes": {"users": [{"id": "7", "username": "fan", "name": "Fan"}]},
            "meta": {"result_count": len(ids), **({"next_token": token} if token else {}), **meta}}
    return body


@pytest.mark.parametrize("pages", [
    [page([1801, 1802], "same"), page([1803], "same"), page([1804])],  # a repeated next_token
    [page([1801, 1802], "a"), page([1801, 1802], "b"), page([1805])],  # a page with nothing new
    [page([1801], "t1")] + [{"meta": {"result_count": 0, "next_token": f"e{i}"}} for i in range(10)],
])
def test_paging_that_would_not_end_is_an_api_fault_and_writes_nothing(hub, run_cli, sleeps, pages):
    before = store(hub)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for body in pages:
            rsps.get(SEARCH, json=body)
        rsps.get(SEARCH, json=page([1900], "forever"))  # what a broken API would go on sending
        code, out, err = run_cli("fetch", SLUG)
        asked = len(rsps.calls)
    assert code == 1 and "page forever" in err and "unchanged" in err
    assert asked <= len(pages) + 1
    assert transcript(hub).read_bytes() == before


def test_fetch_count_with_a_repeating_next_token_ends(hub, run_cli, sleeps):
    before = store(hub, {**STORED, "data": []})
    with responses.RequestsMock() as rsps:
        rsps.get("https://api.twitter.com/2/tweets/counts/recent",
                 json={"data": [{"start": "2026-07-09T00:00:00.000Z", "tweet_count": 3}],
                       "meta": {"total_tweet_count": 3, "next_token": "again"}})
        code, out, err = run_cli("fetch", "--count", SLUG)
        assert len(rsps.calls) == 2
    assert code == 1 and "same next_token twice" in err
    assert transcript(hub).read_bytes() == before


def test_pages_are_capped_by_max_posts(hub, run_cli, sleeps):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        counter = iter(range(10**6))

        def endless(request):
            first = 1_800_000_000_000_000_000 + next(counter) * 10
            return 200, {}, json.dumps(page(range(first, first + 10), f"t{first}"))

        rsps.add_callback(responses.GET, SEARCH, callback=endless)
        code, out, err = run_cli("fetch", "--max-posts", "30", SLUG)
        assert len(rsps.calls) == 3
    assert code == 0, err
    assert "stopped at --max-posts" in out


# --- bounded waits and their messages ----------------------------------------------------------

@pytest.mark.parametrize(("reset", "said"), [
    ("9999999999", "cannot be right: backing off 60 s"),  # 2286: an absurd reset
    ("soon", "is not a number: backing off 60 s"),
    ("", "sent no reset time: backing off 60 s"),
    ("1e400", "is not a number"),
])
@pytest.mark.parametrize("command", ["fetch", "comply"])
def test_an_unusable_rate_limit_reset_falls_back_to_backoff(hub, run_cli, x, sleeps, monkeypatch, reset,
                                                            said, command):
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)
    posts = x.chat_posts(5, START)
    if command == "comply":
        store(hub, {"data": posts, "includes": {"users": list(x.users.values())}, "meta": {}})
    x.fail_next("recent" if command == "fetch" else "lookup", 429, times=2,
                headers={"x-rate-limit-reset": reset})
    code, out, err = run_cli(command, SLUG)
    assert code == 0, err
    assert said in err and "Traceback" not in err
    assert sleeps and max(sleeps) <= MAX_WAIT and sum(sleeps) <= MAX_TOTAL_WAIT


def test_a_reset_far_away_is_waited_for_at_most_fifteen_minutes_at_a_time(hub, run_cli, x, sleeps,
                                                                        monkeypatch):
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)
    x.chat_posts(5, START)
    x.fail_next("recent", 429, times=10, headers={"x-rate-limit-reset": str(1_800_000_000 + 3 * 3600)})
    before = store(hub)
    code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "the most one run waits (60 minutes)" in err
    assert sleeps and all(s <= MAX_WAIT for s in sleeps) and sum(sleeps) <= MAX_TOTAL_WAIT
    assert "waiting 15 minutes" in err
    assert transcript(hub).read_bytes() == before


@pytest.mark.parametrize("command", ["fetch", "comply"])
def test_http_402_says_the_credits_ran_out(hub, run_cli, x, sleeps, command):
    posts = x.chat_posts(3, START)
    before = store(hub, {"data": posts, "includes": {"users": list(x.users.values())}, "meta": {}})
    x.fail_next("recent" if command == "fetch" else "lookup", 402)
    code, out, err = run_cli(command, SLUG)
    assert code == 1 and "402 Payment Required" in err and "credits" in err
    assert transcript(hub).read_bytes() == before


# --- the wrong shape from the API --------------------------------------------------------------

@pytest.mark.parametrize("body", [
    {"data": 5}, {"meta": "x"}, {"data": [], "includes": []}, {"data": [], "meta": {"next_token": 7}},
    {"data": [{"id": "1800000000000000900", "text": "x", "entities": []}]},
    {"data": [{"id": "1800000000000000900", "text": "x", "public_metrics": {"like_count": "many"}}]},
    {"data": [{"id": "1800000000000000900", "text": "x", "created_at": "yesterday"}]},
    {"data": [{"id": "1800000000000000900", "text": "x", "referenced_tweets": "none"}]},
    {"data": [{"id": "1800000000000000900", "text": "x", "note_tweet": "long"}]},
    {"data": [{"id": "not-an-id", "text": "x"}]},
])
def test_a_response_of_the_wrong_shape_is_an_api_fault(hub, run_cli, sleeps, body):
    before = store(hub)
    with responses.RequestsMock() as rsps:
        rsps.get(SEARCH, json=body)
        code, out, err = run_cli("fetch", SLUG)
    assert code == 1 and "Traceback" not in err and "unchanged" in err
    assert "wrong shape" in err or "cannot use" in err
    assert transcript(hub).read_bytes() == before


def test_a_non_numeric_count_is_an_api_fault(hub, run_cli, sleeps):
    with responses.RequestsMock() as rsps:
        rsps.get("https://api.twitter.com/2/tweets/counts/recent", json={"meta": {"total_tweet_count": "x"}})
        code, out, err = run_cli("fetch", "--count", SLUG)
    assert code == 1 and "total_tweet_count" in err and "Traceback" not in err


# --- transcripts of the wrong shape ------------------------------------------------------------

BAD_POSTS = [
    ("note_tweet", [1], "note_tweet must be an object, not a list"),
    ("entities", "x", "entities must be an object, not text"),
    ("entities", {"urls": {"url": "x"}}, "entities.urls must be a list, not an object"),
    ("public_metrics", [], "public_metrics must be an object, not a list"),
    ("public_metrics", {"like_count": "3"}, "public_metrics.like_count must be a whole number, not text"),
    ("referenced_tweets", {"id": "1"}, "referenced_tweets must be a list, not an object"),
    ("created_at", "not a time", "created_at 'not a time' is not a date and time"),
    ("created_at", "0001-01-01T00:00:00+09:00", "created_at '0001-01-01T00:00:00+09:00' is not a date"),
    ("created_at", "9999-12-31T23:59:59Z", "created_at '9999-12-31T23:59:59Z' is out of range"),
    ("created_at", 1234, "created_at must be a date and time (ISO 8601), not a number"),
]


def bad_transcript(field, value) -> dict:
    posts = [{"id": str(1_800_000_000_000_000_000 + i), "text": f"A1 post {i} #Tenants", "author_id": "1",
              "created_at": "2026-07-09T17:05:00.000Z"} for i in range(40)]
    posts[33][field] = value
    return {"data": posts, "includes": {"users": [{"id": "1", "username": "fan"}]}, "meta": {}}


@pytest.mark.parametrize(("field", "value", "message"), BAD_POSTS)
def test_an_import_with_a_post_of_the_wrong_shape_is_refused(hub, run_cli, tmp_path, field, value, message):
    before = store(hub)
    file = tmp_path / "capture.json"
    file.write_text(json.dumps(bad_transcript(field, value)))
    code, out, err = run_cli("import", SLUG, str(file))
    assert code == 1 and "Traceback" not in err
    assert f"capture.json: post 1800000000000000033: {message}" in err
    assert transcript(hub).read_bytes() == before


@pytest.mark.parametrize(("field", "value", "message"), BAD_POSTS)
def test_the_build_and_check_name_the_file_the_post_and_the_line(hub, run_cli, field, value, message):
    transcript(hub).write_text(json.dumps(bad_transcript(field, value), indent=1), encoding="utf-8")
    line = next(i for i, text in enumerate(transcript(hub).read_text().splitlines(), 1)
                if '"1800000000000000033"' in text)
    with pytest.raises(SystemExit):
        hub.build()
    code, out, err = run_cli("check")
    assert code == 1
    found = next(ln for ln in err.splitlines() if "post 1800000000000000033" in ln)
    assert found.startswith(f"chats/{SLUG}.tweets.json: post 1800000000000000033: {message}")
    reported = int(found.rsplit("(line ", 1)[1].rstrip(")"))
    assert line - 8 <= reported <= line + 8 and reported != 1


def test_the_build_reports_the_post_through_mkdocs(hub, caplog):
    transcript(hub).write_text(json.dumps(bad_transcript("entities", "x"), indent=1), encoding="utf-8")
    with pytest.raises(SystemExit):
        hub.build()
    text = caplog.text
    assert f"chats/{SLUG}.tweets.json: post 1800000000000000033: entities must be an object" in text
    assert ":1:1:" not in text


@pytest.mark.parametrize("text", ['{"data": 5}', '{"data": [], "meta": "x"}', "[" * 100_000,
                                  '{"data": [{"id": "1", "text": "x", "public_metrics": {"n": NaN}}]}',
                                  '{"data": [{"id": "1", "start": ' + "9" * 5000 + "}]}"])
def test_unusable_transcripts_fail_the_build_with_a_located_error(hub, run_cli, text, caplog):
    transcript(hub).write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit):
        hub.build()
    assert f"chats/{SLUG}.tweets.json" in caplog.text and "Traceback" not in caplog.text
    code, out, err = run_cli("check")
    assert code == 1 and f"chats/{SLUG}.tweets.json" in err


@pytest.mark.parametrize("kind", ["folder", "fifo", "dangling"])
def test_a_transcript_that_is_not_a_regular_file_is_reported_never_opened(hub, run_cli, kind, tmp_path):
    import os

    path = transcript(hub)
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(tmp_path / "nowhere.json")
    code, out, err = run_cli("check")
    assert code == 1 and "tweets.json" in err
    code, out, err = run_cli("import", SLUG, str(DATA / "twarc-csv" / "two_tweets.jsonl"))
    assert code == 1 and ("regular file" in err or "dangling" in err)


# --- reading posts right -----------------------------------------------------------------------

def test_a_post_without_created_at_takes_its_time_from_its_id():
    ident = "1800000000000000000"
    moment = snowflake_time(ident)
    milliseconds = (int(ident) >> 22) + 1_288_834_974_657  # X's snowflake: time in the top bits
    assert moment == datetime.fromtimestamp(milliseconds / 1000, UTC)
    doc = read_document({"data": [{"id": ident, "text": "hello", "author_id": "5"}],
                         "includes": {}})
    post = doc.posts[0]
    assert post.created_at == moment and post.created_at.year != 1970
    assert post.author.profile_url == "https://x.com/i/user/5"
    nobody = read_document({"data": [{"id": ident, "text": "hello"}]}).posts[0]
    assert nobody.author.profile_url == ""


def test_authors_missing_from_includes_are_linked_by_id_only_when_known(hub):
    posts = [{"id": "1783000000000000001", "text": "A1 by id #Tenants", "author_id": "77",
              "created_at": "2026-07-09T17:05:00.000Z"},
             {"id": "1783000000000000002", "text": "A1 by nobody #Tenants",
              "created_at": "2026-07-09T17:06:00.000Z"}]
    transcript(hub).write_text(json.dumps({"data": posts, "includes": {}, "meta": {}}))
    hub.build()
    soup = hub.html(f"chats/{SLUG}/archive/")
    by_id = soup.find(id="t1783000000000000001")
    assert by_id.select_one(".chathub-post-author")["href"] == "https://x.com/i/user/77"
    nobody = soup.find(id="t1783000000000000002")
    assert not nobody.select_one(".chathub-post-author").get("href")
    assert all(a.get("href") != "https://x.com/i/user/" for a in soup.find_all("a"))


def test_real_twarc_csv_output_imports_and_builds(hub, run_cli, tmp_path):
    made = []
    for name in ("two_tweets", "many_urls", "edited", "media_tweet"):
        out = tmp_path / f"{name}.csv"
        done = subprocess.run([sys.executable, "-c", "import twarc_csv; twarc_csv.csv()",
                               str(DATA / "twarc-csv" / f"{name}.jsonl"), str(out), "--hide-progress"],
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        made.append(str(out))
    header = Path(made[1]).read_text(encoding="utf-8").splitlines()[0]
    assert "author.entities.url.urls" in header  # twarc-csv's current default columns
    code, out, err = run_cli("import", SLUG, *made)
    assert code == 0, err
    doc = json.loads(transcript(hub).read_text())
    assert len(doc["data"]) == 4
    adrian = next(u for u in doc["includes"]["users"] if u["username"] == "uiuxadrian")
    assert adrian["entities"]["url"]["urls"][0]["expanded_url"].startswith("https://uiadrian.gumroad.com/")
    assert run_cli("check")[0] == 0
    hub.build()
    soup = hub.html(f"chats/{SLUG}/archive/")
    assert soup.find(id="t1610692575752601600")


def test_a_hidden_user_id_hides_their_posts_and_unlinks_their_handle(hub, run_cli, x, sleeps, tmp_path):
    text = (hub.chats / f"{SLUG}.yml").read_text()
    hidden = x.post("hidden_one", "A1 please hide me #Tenants", START)
    mention = x.post("fan", "A1 agree with @hidden_one #Tenants", START,
                     entities={"mentions": [{"start": 14, "end": 25, "username": "hidden_one",
                                             "id": hidden["author_id"]}]})
    (hub.chats / f"{SLUG}.yml").write_text(text + f'hide: ["{hidden["author_id"]}"]\n')
    code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    doc = json.loads(transcript(hub).read_text())
    assert {p["id"] for p in doc["data"]} == {mention["id"]}
    assert all(u["id"] != hidden["author_id"] for u in doc["includes"].get("users", []))
    hub.build()
    post = hub.html(f"chats/{SLUG}/archive/").find(id=f"t{mention['id']}")
    assert "@hidden_one" in post.get_text()
    assert not post.find("a", string="@hidden_one")
    # an import brings nothing of theirs back either
    file = tmp_path / "again.json"
    file.write_text(json.dumps({"data": [hidden], "includes": {"users": list(x.users.values())}}))
    assert run_cli("import", SLUG, str(file))[0] == 0
    assert hidden["id"] not in transcript(hub).read_text()


def test_posts_that_reply_to_themselves_or_each_other_all_show(hub):
    def post(ident, text, replies_to=None, quotes=None, author="1"):
        refs = [{"type": "replied_to", "id": replies_to}] if replies_to else []
        refs += [{"type": "quoted", "id": quotes}] if quotes else []
        return {"id": ident, "text": f"{text} #Tenants", "author_id": author, "referenced_tweets": refs,
                "created_at": "2026-07-09T17:10:00.000Z"}

    one, two, three, four = (f"178800000000000000{i}" for i in range(1, 5))
    posts = [post(one, "answers itself", one), post(two, "A answers B", three),
             post(three, "B answers A", two, author="2"), post(four, "quotes itself", quotes=four)]
    users = [{"id": "1", "username": "a"}, {"id": "2", "username": "b"}]
    transcript(hub).write_text(json.dumps({"data": posts, "includes": {"users": users}}))
    hub.build()
    shown = [a["id"] for a in hub.html(f"chats/{SLUG}/archive/").select("article.chathub-post")]
    assert sorted(shown) == sorted(f"t{i}" for i in (one, two, three, four))

"""Black-box acceptance tests for issues 4 (capture: fetch, import, comply, window warnings) and
5 (archive, recap, people, leads, hide lists, hostile content).

Written from the issues' contracts alone, the way an outside tester would: fresh tiny hubs in
tmp_path dated relative to the real clock (no CHATHUB_NOW), the CLI through ``hub.cli.main`` and
the console script, tweepy's real ``Client`` against a ``responses``-mocked X API built here from
scratch, and the real captures in tests/data.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import responses
import yaml
from bs4 import BeautifulSoup, Tag

from chathub.cli import main as cli_main

SHARED = Path(__file__).resolve().parent / "data"
API = "https://api.twitter.com/2"
TOKEN = "AAAAsecret-bearer-Zq93xv"  # must never appear anywhere
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


# --- tiny hubs ------------------------------------------------------------------------------


def write_hub(root: Path, options: dict | None = None, *, docs: str = "docs") -> Path:
    (root / docs).mkdir(parents=True, exist_ok=True)
    (root / "chats").mkdir(exist_ok=True)
    (root / docs / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    config = {
        "site_name": "Acceptance hub",
        "docs_dir": docs,
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"chathub": options or {}}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def chat_yaml(title: str, hashtag: str, start: datetime, *, zone: str = "UTC", duration: int = 60,
              extra: str = "") -> str:
    local = start.astimezone(ZoneInfo(zone))
    body = f"""
    title: "{title}"
    hashtag: "#{hashtag}"
    start: {local:%Y-%m-%d %H:%M}
    timezone: {zone}
    duration: {duration}
    host: "@hostx"
    questions:
      - "What is your favorite tool?"
      - "How do you learn new skills?"
    """
    return textwrap.dedent(body).lstrip() + textwrap.dedent(extra)


def build_site(root: Path) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return root / "site"


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def site_files(site: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".ics", ".txt", ".js", ".css"}:
            yield path, path.read_text(encoding="utf-8", errors="replace")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli_main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside testers do not know about CHATHUB_NOW; the real clock decides."""
    monkeypatch.delenv("CHATHUB_NOW", raising=False)
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """time.sleep records instead of sleeping (a 429 must not make the test wait)."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", lambda seconds: slept.append(float(seconds)))
    return slept


# --- a fake X API v2 behind tweepy's real Client -----------------------------------------------


def xid(n: int) -> str:
    return str(1_870_000_000_000_000_000 + n)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def make_user(uid: str, username: str, name: str | None = None, **extra: Any) -> dict:
    return {"id": uid, "username": username, "name": name or username.title(),
            "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}/p_normal.jpg", **extra}


def make_post(ident: str, author: str, at: datetime, text: str, *, reply_to: str | None = None,
              reply_user: str | None = None, retweet_of: str | None = None,
              conversation: str | None = None, likes: int = 0, reposts: int = 0, replies: int = 0,
              quotes: int = 0, impressions: int | None = None,
              urls: list[tuple[str, str, str]] = (), mentions: dict[str, str] | None = None) -> dict:
    """A post as the API returns it, with entities (indices in code points) computed from text."""
    metrics = {"retweet_count": reposts, "reply_count": replies, "like_count": likes,
               "quote_count": quotes}
    if impressions is not None:
        metrics["impression_count"] = impressions
    post: dict[str, Any] = {
        "id": ident, "author_id": author, "created_at": iso(at), "text": text,
        "conversation_id": conversation or ident, "public_metrics": metrics,
        "edit_history_tweet_ids": [ident], "lang": "en",
    }
    refs = []
    if reply_to:
        refs.append({"type": "replied_to", "id": reply_to})
        post["in_reply_to_user_id"] = reply_user or author
    if retweet_of:
        refs.append({"type": "retweeted", "id": retweet_of})
    if refs:
        post["referenced_tweets"] = refs
    entities: dict[str, list] = {}
    for m in re.finditer(r"(?<![\w&])#(\w+)", text):
        entities.setdefault("hashtags", []).append({"start": m.start(), "end": m.end(), "tag": m[1]})
    for m in re.finditer(r"(?<!\w)@(\w+)", text):
        mention = {"start": m.start(), "end": m.end(), "username": m[1]}
        if mentions and m[1] in mentions:
            mention["id"] = mentions[m[1]]
        entities.setdefault("mentions", []).append(mention)
    for short, expanded, display in urls:
        start = text.index(short)
        entities.setdefault("urls", []).append({"start": start, "end": start + len(short), "url": short,
                                                "expanded_url": expanded, "display_url": display})
    if entities:
        post["entities"] = entities
    return post


def json_response(status: int, body: Any, headers: dict | None = None) -> tuple[int, dict, str]:
    return status, {"content-type": "application/json", **(headers or {})}, json.dumps(body)


@dataclass
class Call:
    endpoint: str  # "recent", "all", "lookup", "counts/recent", "counts/all"
    params: dict[str, str]

    @property
    def query(self) -> str:
        return self.params.get("query", "")


Injector = Callable[[Call, int], "tuple[int, dict, str] | Exception | None"]


@dataclass
class FakeX:
    """X API v2 search, counts and lookup over a pool of posts, as an outside tester models it."""

    posts: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)  # ids lookup reports as not found
    calls: list[Call] = field(default_factory=list)
    injectors: list[Injector] = field(default_factory=list)
    duplicate_across_pages: bool = False

    def install(self, rsps: responses.RequestsMock) -> FakeX:
        rsps.add_callback("GET", re.compile(re.escape(API) + r"/tweets/search/(recent|all)"),
                          callback=self._search)
        rsps.add_callback("GET", re.compile(re.escape(API) + r"/tweets/counts/(recent|all)"),
                          callback=self._counts)
        rsps.add_callback("GET", re.compile(re.escape(API) + r"/tweets(\?|$)"), callback=self._lookup)
        return self

    # helpers for assertions
    def searches(self, query: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.endpoint in ("recent", "all")
                and (query is None or c.query == query)]

    def posts_returned(self) -> int:
        return sum(getattr(c, "returned", 0) for c in self.calls)

    # the endpoints
    def _record(self, request: requests.PreparedRequest, endpoint: str) -> tuple[Call, Any]:
        query = urllib.parse.urlsplit(request.url).query
        params = {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        call = Call(endpoint, params)
        self.calls.append(call)
        for inject in self.injectors:
            result = inject(call, len(self.calls))
            if isinstance(result, Exception):
                raise result
            if result is not None:
                return call, result
        return call, None

    def _referenced(self, posts: list[dict]) -> list[dict]:
        """Posts the page's posts reply to or quote (the referenced_tweets.id expansion)."""
        by_id = {p["id"]: p for p in self.posts}
        wanted = {r["id"] for p in posts for r in p.get("referenced_tweets", [])}
        return [by_id[i] for i in sorted(wanted) if i in by_id]

    def _authors(self, posts: list[dict]) -> list[dict]:
        wanted = {p["author_id"] for p in posts}
        return [u for u in self.users if u["id"] in wanted]

    def _search(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        endpoint = "recent" if "/search/recent" in request.url else "all"
        call, injected = self._record(request, endpoint)
        if injected is not None:
            return injected
        limit = 100 if endpoint == "recent" else 500
        size = int(call.params.get("max_results", "10"))
        if not 10 <= size <= limit:
            return json_response(400, {"title": "Invalid Request", "detail": "max_results out of range",
                                       "errors": [{"message": "max_results out of range"}]})
        match = self._matcher(call.query)
        start = parse_time(call.params["start_time"]) if "start_time" in call.params else None
        end = parse_time(call.params["end_time"]) if "end_time" in call.params else None
        until = int(call.params["until_id"]) if call.params.get("until_id") else None
        since = int(call.params["since_id"]) if call.params.get("since_id") else None
        found = []
        for post in self.posts:
            at = parse_time(post["created_at"])
            if (start and at < start) or (end and at >= end):
                continue
            if (until and int(post["id"]) >= until) or (since and int(post["id"]) <= since):
                continue
            if match(post):
                found.append(post)
        found.sort(key=lambda p: (p["created_at"], int(p["id"])), reverse=True)
        offset = int(call.params.get("next_token", "t0")[1:] or 0)
        chunk = found[offset:offset + size]
        if self.duplicate_across_pages and offset and found:
            chunk = [found[offset - 1], *chunk[:-1]] if len(chunk) == size else [found[offset - 1], *chunk]
        call.returned = len(chunk)  # type: ignore[attr-defined]
        meta: dict[str, Any] = {"result_count": len(chunk)}
        body: dict[str, Any] = {"meta": meta}
        if chunk:
            body["data"] = chunk
            body["includes"] = {"users": self._authors(chunk)}
            referenced = self._referenced(chunk)
            if referenced:
                body["includes"]["tweets"] = referenced
                body["includes"]["users"] = self._authors(chunk + referenced)
            meta["newest_id"], meta["oldest_id"] = chunk[0]["id"], chunk[-1]["id"]
        if offset + size < len(found):
            meta["next_token"] = f"t{offset + size}"
        return json_response(200, body, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449",
                                         "x-rate-limit-reset": str(int(time.time()) + 900)})

    def _counts(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        endpoint = "counts/recent" if "/counts/recent" in request.url else "counts/all"
        call, injected = self._record(request, endpoint)
        if injected is not None:
            return injected
        match = self._matcher(call.query)
        start, end = parse_time(call.params["start_time"]), parse_time(call.params["end_time"])
        total = sum(1 for p in self.posts
                    if start <= parse_time(p["created_at"]) < end and match(p))
        return json_response(200, {"data": [{"start": call.params["start_time"],
                                             "end": call.params["end_time"], "tweet_count": total}],
                                   "meta": {"total_tweet_count": total}})

    def _lookup(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        call, injected = self._record(request, "lookup")
        if injected is not None:
            return injected
        ids = call.params.get("ids", "").split(",")
        if len(ids) > 100:
            return json_response(400, {"title": "Invalid Request", "detail": "too many ids",
                                       "errors": [{"message": "ids: at most 100"}]})
        by_id = {p["id"]: p for p in self.posts}
        data = [by_id[i] for i in ids if i in by_id and i not in self.gone]
        call.returned = len(data)  # type: ignore[attr-defined]
        errors = [{"value": i, "detail": f"Could not find tweet with ids: [{i}].",
                   "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                   "resource_id": i, "type": "https://api.twitter.com/2/problems/resource-not-found"}
                  for i in ids if i not in by_id or i in self.gone]
        body: dict[str, Any] = {}
        if data:
            body["data"] = data
            body["includes"] = {"users": self._authors(data)}
        if errors:
            body["errors"] = errors
        return json_response(200, body)

    # the query language: #tag, -#tag, -is:retweet, conversation_id:N, in_reply_to_tweet_id:N, (a OR b)
    def _matcher(self, query: str) -> Callable[[dict], bool]:
        tokens = re.findall(r"\([^)]*\)|\S+", query)
        tests = [self._clause(t) for t in tokens]
        return lambda post: all(test(post) for test in tests)

    def _clause(self, token: str) -> Callable[[dict], bool]:
        if token.startswith("("):
            alternatives = [self._matcher(part) for part in token[1:-1].split(" OR ")]
            return lambda post: any(alt(post) for alt in alternatives)
        if token.startswith("-"):
            inner = self._clause(token[1:])
            return lambda post: not inner(post)
        if token == "is:retweet":
            return lambda post: any(r["type"] == "retweeted" for r in post.get("referenced_tweets", []))
        if token.startswith("#"):
            tag = token[1:].lower()
            return lambda post: tag in {h["tag"].lower()
                                        for h in post.get("entities", {}).get("hashtags", [])}
        if token.startswith("conversation_id:"):
            value = token.split(":", 1)[1]
            return lambda post: post.get("conversation_id") == value
        if token.startswith("in_reply_to_tweet_id:"):
            value = token.split(":", 1)[1]
            return lambda post: any(r["type"] == "replied_to" and r["id"] == value
                                    for r in post.get("referenced_tweets", []))
        raise AssertionError(f"the fake X API does not know the operator {token!r}")


def fail_when(predicate: Callable[[Call], bool], status: int, *, times: int | None = None,
              headers: dict | None = None) -> Injector:
    """An injector answering ``status`` to matching calls (``times`` times, or always)."""
    left = [times]

    def inject(call: Call, _n: int) -> tuple[int, dict, str] | None:
        if not predicate(call) or left[0] == 0:
            return None
        if left[0] is not None:
            left[0] -= 1
        return json_response(status, {"title": "Error", "detail": f"status {status}", "type": "about:blank",
                                       "status": status}, headers)

    return inject


USERS = [make_user("9001", "hostx", "Host X")] + [make_user(str(9100 + i), f"user{i}") for i in range(7)]


def chat_posts(tag: str, start: datetime, count: int, *, base: int = 0, minutes: int = 60) -> list[dict]:
    """``count`` posts with the hashtag, spread over the chat, oldest first."""
    step = minutes * 60 / max(count, 1)
    return [make_post(xid(base + i + 1), USERS[1 + i % 7]["id"], start + timedelta(seconds=i * step),
                      f"A{1 + i % 2} answer number {i} #{tag}") for i in range(count)]


@pytest.fixture
def capture_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    def make(chats: dict[str, str], options: dict | None = None) -> Path:
        root = write_hub(tmp_path / "hub", options)
        for slug, text in chats.items():
            (root / "chats" / f"{slug}.yml").write_text(text, encoding="utf-8")
        monkeypatch.chdir(root)
        return root

    return make


@pytest.fixture
def fake_x() -> Iterator[tuple[FakeX, responses.RequestsMock]]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeX(users=list(USERS)).install(rsps), rsps


def transcript(root: Path, slug: str) -> dict:
    return json.loads((root / "chats" / f"{slug}.tweets.json").read_text(encoding="utf-8"))


def no_secret_anywhere(root: Path, *texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
    for path in root.rglob("*"):
        if path.is_file() and ".venv" not in path.parts:
            assert TOKEN.encode() not in path.read_bytes(), path


# === issue 4: fetch ============================================================================

RECENT_START = NOW - timedelta(days=2, hours=3)
ARCHIVE_START = NOW - timedelta(days=30)


def test_fetch_without_token_names_the_variable_and_sends_nothing(capture_hub, fake_x, capsys):
    fake, _ = fake_x
    root = capture_hub({"recent": chat_yaml("Recent", "FetchTag", RECENT_START)})
    code, out, err = run(capsys, "fetch", "recent")
    assert code != 0
    assert "X_BEARER_TOKEN" in out + err
    assert "Traceback" not in out + err
    assert fake.calls == []
    assert not (root / "chats" / "recent.tweets.json").exists()


def test_fetch_recent_chat_multi_page_minimal_requests_and_stored_file(
        capture_hub, fake_x, capsys, monkeypatch, caplog, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("FetchTag", RECENT_START, 250)
    # noise the query must not bring in: another hashtag, and a retweet of a chat post
    fake.posts.append(make_post(xid(900), "9101", RECENT_START + timedelta(minutes=3), "off topic #Other"))
    fake.posts.append(make_post(xid(901), "9102", RECENT_START + timedelta(minutes=4),
                                "RT @user0: A1 answer number 0 #FetchTag", retweet_of=xid(1)))
    root = capture_hub({"recent": chat_yaml("Recent", "FetchTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    code, out, err = run(capsys, "fetch", "recent")
    assert code == 0, err
    assert "Traceback" not in out + err

    main = fake.searches("#FetchTag -is:retweet")
    assert main, [c.query for c in fake.calls]
    assert all(c.endpoint == "recent" for c in fake.searches()), "within 7 days: recent search"
    assert len(main) == math.ceil(250 / 100), "requests for the main query = ceil(posts/max_results)"
    assert {c.params["max_results"] for c in fake.searches()} == {"100"}
    # window: a little before the start to a little after the end
    first = main[0].params
    start, end = parse_time(first["start_time"]), parse_time(first["end_time"])
    assert RECENT_START - timedelta(hours=2) <= start < RECENT_START
    assert RECENT_START + timedelta(minutes=60) < end <= RECENT_START + timedelta(hours=4)
    # expansions and fields: authors, replies, quotes, media, metrics, note_tweet
    assert {"author_id", "referenced_tweets.id", "attachments.media_keys"} <= set(
        first["expansions"].split(","))
    assert {"public_metrics", "conversation_id", "referenced_tweets", "created_at", "note_tweet",
            "author_id", "entities"} <= set(first["tweet.fields"].split(","))
    assert {"username", "name", "profile_image_url"} <= set(first["user.fields"].split(","))
    assert "media.fields" in first

    doc = transcript(root, "recent")
    assert set(doc) >= {"data", "includes", "meta"}
    ids = [p["id"] for p in doc["data"]]
    assert len(ids) == len(set(ids)) == 250
    assert xid(900) not in ids and xid(901) not in ids
    times = [p["created_at"] for p in doc["data"]]
    assert times == sorted(times), "oldest first"
    assert {u["username"] for u in doc["includes"]["users"]} >= {"user0", "user6"}
    meta = doc["meta"]
    assert meta["query"] == "#FetchTag -is:retweet"
    assert "recent" in json.dumps(meta.get("endpoint")), meta
    blob = json.dumps(meta)
    assert first["start_time"][:16] in blob and first["end_time"][:16] in blob, "window recorded"
    assert NOW.strftime("%Y-%m-%dT") in blob, "when it was fetched"
    # cost estimate printed, token never shown or stored
    assert re.search(r"\$\s?\d", out), out
    no_secret_anywhere(root, out, err, caplog.text)
    assert [p for p in (root / "chats").iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")] == []


def test_fetch_full_archive_after_seven_days(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("OldTag", ARCHIVE_START, 1234)
    root = capture_hub({"old": chat_yaml("Old", "OldTag", ARCHIVE_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "old")
    assert code == 0, err
    assert all(c.endpoint == "all" for c in fake.searches()), [c.endpoint for c in fake.calls]
    main = fake.searches("#OldTag -is:retweet")
    assert len(main) == math.ceil(1234 / 500)
    assert {c.params["max_results"] for c in main} == {"500"}
    doc = transcript(root, "old")
    assert len({p["id"] for p in doc["data"]}) == len(doc["data"]) == 1234
    assert "all" in json.dumps(doc["meta"].get("endpoint")) or "archive" in json.dumps(doc["meta"])


def test_fetch_dedupes_posts_repeated_across_pages(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("DupTag", RECENT_START, 230)
    fake.duplicate_across_pages = True  # each later page repeats the last post of the page before
    root = capture_hub({"dup": chat_yaml("Dup", "DupTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "dup")
    assert code == 0, err
    data = transcript(root, "dup")["data"]
    assert len(data) == len({p["id"] for p in data}) == 230


def test_refetch_of_complete_chat_costs_zero_requests_and_refresh_never_drops(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("AgainTag", RECENT_START, 40)
    root = capture_hub({"again": chat_yaml("Again", "AgainTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    assert run(capsys, "fetch", "again")[0] == 0
    path = root / "chats" / "again.tweets.json"
    before = path.read_bytes()
    calls = len(fake.calls)

    code, out, err = run(capsys, "fetch", "again")
    assert code == 0, err
    assert len(fake.calls) == calls, "a complete transcript is not fetched again"
    assert path.read_bytes() == before

    # --refresh fetches again; posts X no longer returns stay stored (a merge never drops)
    fake.posts = fake.posts[10:]
    code, out, err = run(capsys, "fetch", "again", "--refresh")
    assert code == 0, err
    assert len(fake.calls) > calls
    assert len(transcript(root, "again")["data"]) == 40


def test_fetch_429_waits_for_the_reset_says_so_and_goes_on(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("RateTag", RECENT_START, 150)
    reset = int(time.time()) + 40
    fake.injectors.append(fail_when(lambda c: "next_token" in c.params, 429, times=1,
                                    headers={"x-rate-limit-reset": str(reset),
                                             "x-rate-limit-remaining": "0", "x-rate-limit-limit": "450"}))
    root = capture_hub({"rate": chat_yaml("Rate", "RateTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    started = time.monotonic()
    code, out, err = run(capsys, "fetch", "rate")
    assert time.monotonic() - started < 10, "the test must not really wait"
    assert code == 0, err
    assert sleeps and 30 <= max(sleeps) <= 60, sleeps
    assert re.search(r"429|rate.?limit|wait", out + err, re.I)
    assert len(transcript(root, "rate")["data"]) == 150
    assert TOKEN not in out + err


def _stored_partial(root: Path, slug: str, posts: list[dict]) -> bytes:
    """An incomplete transcript the user already has (e.g. from an import)."""
    doc = {"data": posts, "includes": {"users": USERS[1:3]}, "meta": {"result_count": len(posts)}}
    path = root / "chats" / f"{slug}.tweets.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path.read_bytes()


def test_fetch_5xx_mid_pagination_retries_then_fails_leaving_file_identical(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("FlakyTag", RECENT_START, 250)
    fake.injectors.append(fail_when(lambda c: "next_token" in c.params, 503))
    root = capture_hub({"flaky": chat_yaml("Flaky", "FlakyTag", RECENT_START)})
    before = _stored_partial(root, "flaky", fake.posts[:2])
    listing = sorted(p.name for p in (root / "chats").iterdir())
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "flaky")
    assert code != 0
    assert "Traceback" not in out + err
    assert (root / "chats" / "flaky.tweets.json").read_bytes() == before
    assert sorted(p.name for p in (root / "chats").iterdir()) == listing, "nothing half-written"
    retried = [c for c in fake.calls if "next_token" in c.params]
    assert len(retried) >= 2, "retried with backoff"
    assert len(sleeps) >= 1 and sleeps == sorted(sleeps), "backoff grows"
    assert TOKEN not in out + err


def test_fetch_5xx_once_is_retried_and_the_fetch_completes(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("OnceTag", RECENT_START, 150)
    fake.injectors.append(fail_when(lambda c: "next_token" in c.params, 500, times=1))
    root = capture_hub({"once": chat_yaml("Once", "OnceTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "once")
    assert code == 0, err
    assert len(transcript(root, "once")["data"]) == 150


def test_fetch_dropped_connection_is_retried_then_fails_cleanly(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("DropTag", RECENT_START, 150)
    fake.injectors.append(lambda c, n: requests.exceptions.ConnectionError("connection reset by peer")
                          if "next_token" in c.params else None)
    root = capture_hub({"drop": chat_yaml("Drop", "DropTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "drop")
    assert code != 0
    assert "Traceback" not in out + err
    assert len([c for c in fake.calls if "next_token" in c.params]) >= 2
    assert not (root / "chats" / "drop.tweets.json").exists()
    assert [p.name for p in (root / "chats").iterdir()] == ["drop.yml"]


@pytest.mark.parametrize(("status", "words"), [(401, r"token|X_BEARER_TOKEN|unauthori"),
                                               (403, r"access|level|forbidden|permission")])
def test_fetch_401_403_clear_message_no_traceback(capture_hub, fake_x, capsys, monkeypatch, sleeps,
                                                  status, words):
    fake, _ = fake_x
    fake.posts = chat_posts("AuthTag", RECENT_START, 20)
    fake.injectors.append(fail_when(lambda c: True, status))
    root = capture_hub({"auth": chat_yaml("Auth", "AuthTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "auth")
    assert code != 0
    assert "Traceback" not in out + err
    assert re.search(words, err + out, re.I), err
    assert TOKEN not in out + err
    assert re.search(r"\$\s?\d", out), "the estimate is printed before anything is read"
    assert not (root / "chats" / "auth.tweets.json").exists()


def test_fetch_captures_replies_to_host_questions_without_hashtag(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    q1 = make_post(xid(5001), "9001", RECENT_START + timedelta(minutes=2),
                   "Q1 What is your favorite tool? #ConvTag")
    answer = make_post(xid(5002), "9101", RECENT_START + timedelta(minutes=4), "A1 a hammer #ConvTag")
    forgot = make_post(xid(5003), "9102", RECENT_START + timedelta(minutes=5), "@hostx a wrench, surely",
                       reply_to=xid(5001), reply_user="9001", conversation=xid(5001))
    unrelated = make_post(xid(5004), "9103", RECENT_START + timedelta(minutes=6), "lunch time, no tag")
    fake.posts = [q1, answer, forgot, unrelated]
    root = capture_hub({"conv": chat_yaml("Conv", "ConvTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "conv")
    assert code == 0, err
    assert any(f"conversation_id:{xid(5001)}" in c.query for c in fake.searches())
    ids = {p["id"] for p in transcript(root, "conv")["data"]}
    assert {xid(5001), xid(5002), xid(5003)} <= ids
    assert xid(5004) not in ids


def test_fetch_due_fetches_only_ended_published_chats_without_complete_transcript(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    done_start = NOW - timedelta(days=3)
    fake.posts = chat_posts("DueTag", RECENT_START, 30) + chat_posts("DoneTag", done_start, 30, base=100)
    root = capture_hub({
        "due": chat_yaml("Due", "DueTag", RECENT_START),
        "done": chat_yaml("Done", "DoneTag", done_start),
        "future": chat_yaml("Future", "FutureTag", NOW + timedelta(days=3)),
        "drafty": chat_yaml("Drafty", "DraftTag", NOW - timedelta(days=1), extra="status: draft\n"),
        "off": chat_yaml("Off", "OffTag", NOW - timedelta(days=1), extra="status: cancelled\n"),
        "running": chat_yaml("Running", "RunTag", NOW - timedelta(minutes=20)),
    })
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    assert run(capsys, "fetch", "done")[0] == 0
    fake.calls.clear()
    code, out, err = run(capsys, "fetch", "--due")
    assert code == 0, err
    tags = {re.match(r"\S+", c.query)[0] for c in fake.searches()}
    assert tags == {"#DueTag"}, tags
    assert len(transcript(root, "due")["data"]) == 30
    fake.calls.clear()
    code, out, err = run(capsys, "fetch", "--due")
    assert code == 0, err
    assert fake.calls == [], "nothing is due any more"


def test_fetch_max_posts_caps_reads_and_a_later_fetch_continues(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("CapTag", RECENT_START, 250)
    root = capture_hub({"cap": chat_yaml("Cap", "CapTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "cap", "--max-posts", "120")
    assert code == 0, err
    assert fake.posts_returned() <= 120
    stored = len(transcript(root, "cap")["data"])
    assert 0 < stored <= 120
    first_reads = fake.posts_returned()
    code, out, err = run(capsys, "fetch", "cap")
    assert code == 0, err
    assert len(transcript(root, "cap")["data"]) == 250
    assert fake.posts_returned() - first_reads <= 250 - stored + 10, "continues instead of re-reading"


def test_fetch_unknown_slug_is_a_clean_error(capture_hub, capsys, monkeypatch):
    capture_hub({"recent": chat_yaml("Recent", "FetchTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "nope")
    assert code != 0 and "nope" in err and "Traceback" not in err


def test_fetch_write_failure_leaves_file_and_no_temp_files(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("AtomTag", RECENT_START, 30)
    root = capture_hub({"atom": chat_yaml("Atom", "AtomTag", RECENT_START)})
    before = _stored_partial(root, "atom", fake.posts[:1])
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)

    def broken_replace(src, dst, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    monkeypatch.setattr(os, "rename", broken_replace)
    code, out, err = run(capsys, "fetch", "atom")
    assert code != 0 and "Traceback" not in out + err
    assert (root / "chats" / "atom.tweets.json").read_bytes() == before
    assert sorted(p.name for p in (root / "chats").iterdir()) == ["atom.tweets.json", "atom.yml"]


def test_fetch_count_reads_nothing(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("CountTag", RECENT_START, 77)
    root = capture_hub({"count": chat_yaml("Count", "CountTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "count", "--count")
    assert code == 0, err
    assert "77" in out
    assert fake.searches() == [] and any(c.endpoint.startswith("counts/") for c in fake.calls)
    assert not (root / "chats" / "count.tweets.json").exists()


def test_stored_file_is_deterministic_whatever_the_order_of_pages(tmp_path, monkeypatch, capsys, sleeps):
    """Same content, different arrival order: the same bytes (the fetch time aside)."""
    texts = []
    for name, reverse in (("a", False), ("b", True)):
        root = write_hub(tmp_path / name)
        (root / "chats" / "det.yml").write_text(chat_yaml("Det", "DetTag", RECENT_START), encoding="utf-8")
        monkeypatch.chdir(root)
        monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            fake = FakeX(users=list(reversed(USERS)) if reverse else list(USERS)).install(rsps)
            posts = chat_posts("DetTag", RECENT_START, 130)
            fake.posts = list(reversed(posts)) if reverse else posts
            assert run(capsys, "fetch", "det")[0] == 0
        text = (root / "chats" / "det.tweets.json").read_text(encoding="utf-8")
        texts.append(re.sub(r'"fetched_at": "[^"]*"', "", text))
    assert texts[0] == texts[1]


# === issue 4: import ===========================================================================

IMPORT_START = NOW - timedelta(days=40)


@pytest.fixture
def import_hub(capture_hub) -> Path:
    return capture_hub({"imp": chat_yaml("Imp", "ImpTag", IMPORT_START)})


def test_import_twarc2_jsonl_with_envelope(import_hub, capsys):
    code, out, err = run(capsys, "import", "imp", str(SHARED / "twarc-csv" / "two_tweets.jsonl"))
    assert code == 0, err
    doc = transcript(import_hub, "imp")
    original = json.loads((SHARED / "twarc-csv" / "two_tweets.jsonl").read_text().splitlines()[0])
    assert {p["id"] for p in doc["data"]} == {p["id"] for p in original["data"]}
    assert {u["id"] for u in doc["includes"]["users"]} >= {original["data"][0]["author_id"]}
    assert "__twarc" not in json.dumps(doc["data"])


def test_import_twarc2_jsonl_without_envelope_and_merge_dedupes(import_hub, tmp_path, capsys):
    lines = []
    for name in ("two_tweets.jsonl", "many_urls.jsonl", "media_tweet.jsonl"):
        for line in (SHARED / "twarc-csv" / name).read_text().splitlines():
            if line.strip():
                value = json.loads(line)
                value.pop("__twarc", None)
                lines.append(json.dumps(value))
    plain = tmp_path / "plain.jsonl"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = {p["id"] for line in lines for p in json.loads(line)["data"]}
    assert run(capsys, "import", "imp", str(plain))[0] == 0
    first = (import_hub / "chats" / "imp.tweets.json").read_bytes()
    assert {p["id"] for p in transcript(import_hub, "imp")["data"]} == expected
    assert run(capsys, "import", "imp", str(plain))[0] == 0  # again: nothing doubles
    doc = transcript(import_hub, "imp")
    assert len(doc["data"]) == len(expected)
    assert json.loads(first)["data"] == doc["data"]
    assert any(m.get("media_key") for m in doc["includes"].get("media", []))


def test_import_single_api_response_json(import_hub, capsys):
    body = SHARED / "tweepy" / "test_client_search_recent_tweets.body.json"
    code, out, err = run(capsys, "import", "imp", str(body))
    assert code == 0, err
    expected = [p["id"] for p in json.loads(body.read_text())["data"]]
    data = transcript(import_hub, "imp")["data"]
    assert sorted(p["id"] for p in data) == sorted(expected) and len(data) == 10


def test_import_old_twarc_csv_rebuilds_posts_and_authors(import_hub, capsys):
    code, out, err = run(capsys, "import", "imp", str(SHARED / "twarc-csv" / "small_sample.csv"))
    assert code == 0, err
    doc = transcript(import_hub, "imp")
    by_id = {p["id"]: p for p in doc["data"]}
    assert set(by_id) == {"1170073690492588037", "1171208136721620992", "1169734611666198528",
                          "1169968866866466817"} or set(by_id) >= {"1170073690492588037",
                                                                   "1171208136721620992",
                                                                   "1169968866866466817"}
    first = by_id["1170073690492588037"]
    assert first["text"].startswith("After a long quest"), first["text"][:40]
    assert "\n@AlphaXsc2" in first["text"]
    assert first["author_id"] == "2722354677"
    assert first["created_at"].startswith("2019-09-06T20:38:01")
    users = {u["id"]: u for u in doc["includes"]["users"]}
    assert users["2722354677"]["username"] == "aXSniperSC"
    assert isinstance(first["public_metrics"]["like_count"], int)
    quoting = by_id["1169968866866466817"]
    assert {"type": "quoted", "id": "1169734611666198528"} in quoting.get("referenced_tweets", [])


CURRENT_COLUMNS = """id conversation_id referenced_tweets.replied_to.id referenced_tweets.retweeted.id
referenced_tweets.quoted.id author_id in_reply_to_user_id in_reply_to_username retweeted_user_id
retweeted_username quoted_user_id quoted_username created_at text lang source
public_metrics.impression_count public_metrics.reply_count public_metrics.retweet_count
public_metrics.quote_count public_metrics.like_count reply_settings edit_history_tweet_ids
edit_controls.edits_remaining edit_controls.editable_until edit_controls.is_edit_eligible
possibly_sensitive withheld.scope withheld.copyright withheld.country_codes entities.annotations
entities.cashtags entities.hashtags entities.mentions entities.urls context_annotations
attachments.media attachments.media_keys attachments.poll.duration_minutes
attachments.poll.end_datetime attachments.poll.id attachments.poll.options
attachments.poll.voting_status attachments.poll_ids author.id author.created_at author.username
author.name author.description author.entities.description.cashtags
author.entities.description.hashtags author.entities.description.mentions
author.entities.description.urls author.url author.location author.pinned_tweet_id
author.profile_image_url author.protected author.public_metrics.followers_count
author.public_metrics.following_count author.public_metrics.listed_count
author.public_metrics.tweet_count author.verified author.withheld.scope author.withheld.copyright
author.withheld.country_codes geo.coordinates.coordinates geo.coordinates.type geo.country
geo.country_code geo.full_name geo.geo.bbox geo.geo.type geo.id geo.name geo.place_id
geo.place_type matching_rules __twarc.retrieved_at __twarc.url __twarc.version""".split()


def current_csv(rows: list[dict[str, Any]]) -> str:
    """A CSV as current twarc-csv writes it: its default columns, lists as JSON, newlines escaped,
    pandas floats for counts in columns with gaps, booleans as True/False."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CURRENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in CURRENT_COLUMNS})
    return out.getvalue()


CSV_ROWS = [
    {"id": xid(7001), "conversation_id": xid(7001), "author_id": "7100",
     "created_at": "2026-01-05T18:05:00.000Z",
     "text": r"Q1 What do you use?\nTell us! #ImpTag", "lang": "en", "source": "Twitter Web App",
     "public_metrics.impression_count": "120.0", "public_metrics.reply_count": "1",
     "public_metrics.retweet_count": "2", "public_metrics.quote_count": "0", "public_metrics.like_count": "5",
     "reply_settings": "everyone", "edit_history_tweet_ids": json.dumps([xid(7001)]),
     "possibly_sensitive": "False", "entities.hashtags": json.dumps(["#ImpTag"]),
     "author.id": "7100", "author.username": "csvhost", "author.name": "CSV Host",
     "author.description": "We host chats", "author.profile_image_url": "https://pbs.twimg.com/a.jpg",
     "author.protected": "False", "author.verified": "False",
     "author.public_metrics.followers_count": "1500", "author.public_metrics.following_count": "10",
     "author.public_metrics.listed_count": "3", "author.public_metrics.tweet_count": "999",
     "__twarc.retrieved_at": "2026-01-06T00:00:00+00:00", "__twarc.url": "https://api.twitter.com/2/tweets/search/all",
     "__twarc.version": "2.14.0"},
    {"id": xid(7002), "conversation_id": xid(7001), "referenced_tweets.replied_to.id": xid(7001),
     "author_id": "7101", "in_reply_to_user_id": "7100", "in_reply_to_username": "csvhost",
     "created_at": "2026-01-05T18:06:30.000Z", "text": "@csvhost A1 a spreadsheet, honestly #ImpTag",
     "lang": "en", "public_metrics.impression_count": "", "public_metrics.reply_count": "0",
     "public_metrics.retweet_count": "0", "public_metrics.quote_count": "0", "public_metrics.like_count": "3",
     "edit_history_tweet_ids": json.dumps([xid(7002)]), "possibly_sensitive": "False",
     "entities.hashtags": json.dumps(["#ImpTag"]), "entities.mentions": json.dumps(["@csvhost"]),
     "author.id": "7101", "author.username": "csvfan", "author.name": "CSV Fan",
     "author.public_metrics.followers_count": "42", "author.protected": "False", "author.verified": "True"},
]


def test_import_current_twarc_csv_columns(import_hub, tmp_path, capsys):
    path = tmp_path / "current.csv"
    path.write_text(current_csv(CSV_ROWS), encoding="utf-8")
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code == 0, err
    doc = transcript(import_hub, "imp")
    by_id = {p["id"]: p for p in doc["data"]}
    assert set(by_id) == {xid(7001), xid(7002)}
    q, a = by_id[xid(7001)], by_id[xid(7002)]
    assert q["text"] == "Q1 What do you use?\nTell us! #ImpTag"
    assert q["author_id"] == "7100" and q["created_at"].startswith("2026-01-05T18:05:00")
    assert q["public_metrics"]["like_count"] == 5 and q["public_metrics"]["impression_count"] == 120
    assert a["text"] == "@csvhost A1 a spreadsheet, honestly #ImpTag"
    assert {"type": "replied_to", "id": xid(7001)} in a["referenced_tweets"]
    assert a["conversation_id"] == xid(7001) and a["in_reply_to_user_id"] == "7100"
    users = {u["id"]: u for u in doc["includes"]["users"]}
    assert users["7100"]["username"] == "csvhost" and users["7100"]["name"] == "CSV Host"
    assert users["7100"]["public_metrics"]["followers_count"] == 1500
    assert users["7101"]["username"] == "csvfan"
    assert "__twarc" not in json.dumps(doc["data"])


def test_broken_jsonl_names_file_and_line_and_leaves_transcript_untouched(import_hub, tmp_path, capsys):
    good = SHARED / "tweepy" / "test_client_search_recent_tweets.body.json"
    assert run(capsys, "import", "imp", str(good))[0] == 0
    path = import_hub / "chats" / "imp.tweets.json"
    before = path.read_bytes()
    broken = tmp_path / "broken.jsonl"
    line = (SHARED / "twarc-csv" / "many_urls.jsonl").read_text().splitlines()[0]
    broken.write_text(line + "\n" + line + "\n{\"data\": [ {\"id\": \"1\", \n", encoding="utf-8")
    other = SHARED / "twarc-csv" / "media_tweet.jsonl"
    code, out, err = run(capsys, "import", "imp", str(other), str(broken))
    assert code != 0
    assert "Traceback" not in out + err
    assert "broken.jsonl" in err and re.search(r"\b3\b", err), err
    assert path.read_bytes() == before
    assert sorted(p.name for p in (import_hub / "chats").iterdir()) == ["imp.tweets.json", "imp.yml"]


def test_broken_csv_names_file_and_line(import_hub, tmp_path, capsys):
    rows = [dict(CSV_ROWS[0]), dict(CSV_ROWS[1])]
    rows[1]["created_at"] = "yesterday-ish"
    path = tmp_path / "bad.csv"
    path.write_text(current_csv(rows), encoding="utf-8")
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code != 0 and "Traceback" not in out + err
    assert "bad.csv" in err and re.search(r"\b3\b", err), err
    assert not (import_hub / "chats" / "imp.tweets.json").exists()


def test_broken_csv_bad_id_names_file_and_line(import_hub, tmp_path, capsys):
    rows = [dict(CSV_ROWS[0]), dict(CSV_ROWS[1])]
    rows[1]["id"] = "not-an-id"
    path = tmp_path / "badid.csv"
    path.write_text(current_csv(rows), encoding="utf-8")
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code != 0 and "Traceback" not in out + err
    assert "badid.csv" in err and re.search(r"\b3\b", err), err


def test_import_missing_file_is_a_clean_error(import_hub, capsys):
    code, out, err = run(capsys, "import", "imp", "nowhere.jsonl")
    assert code != 0 and "nowhere.jsonl" in err and "Traceback" not in err


# === issue 4: comply ===========================================================================


def test_comply_removes_deleted_refreshes_edited_in_batches_of_100(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    posts = chat_posts("CompTag", ARCHIVE_START, 250)
    root = capture_hub({"comp": chat_yaml("Comp", "CompTag", ARCHIVE_START)})
    (root / "chats" / "comp.tweets.json").write_text(json.dumps(
        {"data": posts, "includes": {"users": USERS}, "meta": {"result_count": 250}}), encoding="utf-8")
    deleted = {posts[3]["id"], posts[120]["id"], posts[249]["id"]}
    # an edit: the stored id now reports a later version, which holds the new text
    old_version = json.loads(json.dumps(posts[10]))
    old_version["edit_history_tweet_ids"] = [old_version["id"], xid(99999)]
    latest = json.loads(json.dumps(old_version))
    latest["id"] = xid(99999)
    latest["text"] = "A1 answer number 10, corrected #CompTag"
    latest["public_metrics"]["like_count"] = 77
    # metrics that moved on a post that was not edited
    liked = json.loads(json.dumps(posts[20]))
    liked["public_metrics"]["like_count"] = 12
    changed = {old_version["id"]: old_version, liked["id"]: liked}
    fake.posts = [changed.get(p["id"], p) for p in posts] + [latest]
    fake.gone = deleted
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "comply")
    assert code == 0, err
    lookups = [c for c in fake.calls if c.endpoint == "lookup"]
    assert all(len(c.params["ids"].split(",")) <= 100 for c in lookups)
    stored_ids = {p["id"] for p in posts}
    batches = [c for c in lookups if set(c.params["ids"].split(",")) <= stored_ids]
    assert len(batches) == math.ceil(250 / 100)
    asked = [i for c in batches for i in c.params["ids"].split(",")]
    assert sorted(asked) == sorted(stored_ids)
    doc = transcript(root, "comp")
    ids = {p["id"] for p in doc["data"]}
    assert len(ids) == 247 and not ids & deleted
    by_id = {p["id"]: p for p in doc["data"]}
    assert by_id[old_version["id"]]["text"] == latest["text"], "edited text refreshed"
    assert by_id[liked["id"]]["public_metrics"]["like_count"] == 12, "metrics refreshed"
    for ident in deleted:
        assert ident not in (root / "chats" / "comp.tweets.json").read_text()
    assert TOKEN not in out + err

    # nothing changed on X: the file is rewritten byte for byte
    before = (root / "chats" / "comp.tweets.json").read_bytes()
    assert run(capsys, "comply", "comp")[0] == 0
    assert (root / "chats" / "comp.tweets.json").read_bytes() == before


def test_comply_with_shared_compliance_ids_removes_them(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    """The ids of the real batch-compliance capture, reported gone by get_tweets."""
    fake, _ = fake_x
    gone = [json.loads(line)["id"] for line in
            (SHARED / "twarc-csv" / "tweets_compliance.jsonl").read_text().splitlines() if line.strip()]
    posts = chat_posts("GoneTag", ARCHIVE_START, 5)
    posts += [make_post(i, "9101", ARCHIVE_START + timedelta(minutes=9), "A2 gone soon #GoneTag")
              for i in gone]
    root = capture_hub({"gone": chat_yaml("Gone", "GoneTag", ARCHIVE_START)})
    doc = {"data": posts, "includes": {"users": USERS}}
    (root / "chats" / "gone.tweets.json").write_text(json.dumps(doc), encoding="utf-8")
    fake.posts, fake.gone = posts, set(gone)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "comply", "gone")
    assert code == 0, err
    assert {p["id"] for p in transcript(root, "gone")["data"]} == {p["id"] for p in posts[:5]}


def test_comply_without_token_names_the_variable(capture_hub, capsys):
    root = capture_hub({"comp": chat_yaml("Comp", "CompTag", ARCHIVE_START)})
    path = root / "chats" / "comp.tweets.json"
    path.write_text(json.dumps({"data": chat_posts("CompTag", ARCHIVE_START, 3),
                                "includes": {"users": USERS}}), encoding="utf-8")
    before = path.read_bytes()
    code, out, err = run(capsys, "comply")
    assert code != 0 and "X_BEARER_TOKEN" in out + err and "Traceback" not in out + err
    assert path.read_bytes() == before


# === issue 4: window warnings ===================================================================


def test_check_warns_when_recent_window_closes_within_48h_and_when_closed(capture_hub, capsys):
    root = capture_hub({
        "closing": chat_yaml("Closing", "ClosingTag", NOW - timedelta(days=6)),
        "closed": chat_yaml("Closed", "ClosedTag", NOW - timedelta(days=10)),
        "fresh": chat_yaml("Fresh", "FreshTag", NOW - timedelta(days=2)),
        "kept": chat_yaml("Kept", "KeptTag", NOW - timedelta(days=6, hours=2)),
        "ahead": chat_yaml("Ahead", "AheadTag", NOW + timedelta(days=2)),
    })
    (root / "chats" / "kept.tweets.json").write_text(json.dumps(
        {"data": chat_posts("KeptTag", NOW - timedelta(days=6, hours=2), 3), "includes": {}, "meta": {}}))
    code, out, err = run(capsys, "check")
    assert code == 0, out + err  # warnings do not fail
    lines = (out + err).splitlines()
    closing = [line for line in lines if "closing" in line.lower() and "chats/" in line]
    closed = [line for line in lines if "closed.yml" in line]
    assert closing and re.search(r"48|hour|7.?day|window|recent", " ".join(closing), re.I), lines
    assert closed, lines
    assert re.search(r"closed|no longer|expired|passed", " ".join(closed), re.I)
    assert re.search(r"archive|import", " ".join(closed), re.I)
    assert not [line for line in lines if "fresh.yml" in line or "kept.yml" in line or "ahead.yml" in line]


# === issue 4: console script ====================================================================


def test_console_script_runs_and_reports_missing_token_without_traceback(capture_hub):
    root = capture_hub({"recent": chat_yaml("Recent", "FetchTag", RECENT_START)})
    script = Path(sys.executable).parent / "chathub"
    if not script.exists():
        found = shutil.which("chathub")
        assert found, "the chathub console script is installed"
        script = Path(found)
    env = {k: v for k, v in os.environ.items() if k not in ("X_BEARER_TOKEN", "CHATHUB_NOW")}
    helped = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env, cwd=root,
                            timeout=60)
    assert helped.returncode == 0
    for command in ("fetch", "import", "comply", "leads", "check"):
        assert command in helped.stdout
    done = subprocess.run([str(script), "fetch", "recent"], capture_output=True, text=True, env=env,
                          cwd=root, timeout=60)
    assert done.returncode != 0
    assert "X_BEARER_TOKEN" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


# === issue 5: a hub with two chats whose numbers are known ======================================

ZONE = ZoneInfo("America/Chicago")
_day = (NOW - timedelta(days=30)).astimezone(ZONE)
MAIN_START = datetime(_day.year, _day.month, _day.day, 10, 0, tzinfo=ZONE)
_eday = NOW - timedelta(days=60)
EARLY_START = datetime(_eday.year, _eday.month, _eday.day, 15, 0, tzinfo=UTC)


def t(n: int) -> str:
    return xid(10_000 + n)


PEOPLE = {
    "hostx": make_user("1001", "hostx", "Host X"),
    "modx": make_user("1002", "modx", "Mod X"),
    "alice": make_user("1010", "alice", "Alice A"),
    "bob": make_user("1011", "bob", "Bob B", description="Ops lead", public_metrics={"followers_count": 321}),
    "carol": make_user("1012", "carol", "Carol C"),
    "dave": make_user("1013", "dave", "Dave D"),
    "hidey": make_user("1014", "hidey", "Hidey Hidden"),
    "erin": make_user("1015", "erin", "Erin E"),
}


def uid(name: str) -> str:
    return PEOPLE[name]["id"]


def main_transcript() -> dict:
    S = MAIN_START

    def p(n: int, who: str, minute: float, text: str, **kw: Any) -> dict:
        kw.setdefault("impressions", 100)
        return make_post(t(n), uid(who), S + timedelta(minutes=minute), text, **kw)

    posts = [
        p(100, "alice", 1, "Hi all, glad to be here #QaTest"),
        p(101, "hostx", 5, "Q1 What is your favorite tool? #QaTest", likes=5, reposts=2, replies=1),
        p(102, "alice", 6, "A1: Hammer #QaTest", likes=3, reposts=1),
        p(103, "bob", 7, "a1: screwdriver #QaTest", likes=1),
        p(104, "carol", 8, "A1) wrench, see https://t.co/abc123 #QaTest", likes=1,
          urls=[("https://t.co/abc123", "https://example.com/wrench", "example.com/wrench")]),
        p(105, "dave", 9, "@hostx pliers for sure", reply_to=t(101), reply_user=uid("hostx"),
          conversation=t(101), likes=4, replies=1, mentions={"hostx": uid("hostx")}),
        p(106, "alice", 10, "@dave agreed, pliers rock", reply_to=t(105), reply_user=uid("dave"),
          conversation=t(101), replies=1),
        p(107, "hostx", 20, "Q2. How do you learn new skills? #QaTest"),
        p(108, "bob", 21, "A 2 books and more books #QaTest", likes=2),
        p(109, "carol", 22, "a2. mentors #QaTest &amp; Q&amp;A sessions", likes=6, reposts=3),
        p(110, "dave", 23, "A1 late: gloves too #QaTest"),
        p(111, "alice", 25, "videos mostly #QaTest"),
        p(112, "erin", 27, "@alice me too", reply_to=t(106), reply_user=uid("alice"), conversation=t(101)),
        p(113, "carol", 28, "RT @alice: A1: Hammer #QaTest", retweet_of=t(102)),
        p(114, "modx", 40, "q3: What's next for you? #QaTest"),
        p(115, "alice", 41, "A3 - more practice #QaTest", likes=1),
        p(116, "bob", 43, "Does anyone know a good budget tool for this? #QaTest"),
        p(117, "carol", 44, "Is there a recommended course for beginners? #QaTest", replies=1),
        p(118, "dave", 45, "@carol try the free one at the library #QaTest", reply_to=t(117),
          reply_user=uid("carol"), conversation=t(117)),
        p(119, "hidey", 46, "A3 secret stuff, we are looking for a vendor #QaTest", likes=50,
          impressions=999),
        p(120, "hostx", 58, "Thanks all for joining! #QaTest"),
        p(121, "alice", 75, "Great chat, thanks everyone #QaTest"),
    ]
    return {"data": list(reversed(posts)), "includes": {"users": list(PEOPLE.values())},
            "meta": {"result_count": len(posts)}}


# Known figures: 22 posts, less the retweet (113) and the hidden one (119).
FIGURES = {"posts": 20, "participants": 7, "replies": 4, "reposts": 6, "likes": 23, "impressions": 2000}

MAIN_CHAT = chat_yaml("Tools and skills", "QaTest", MAIN_START, zone="America/Chicago", extra=f"""
moderators: ["@modx"]
summary: |
  We learned **a lot** today.
highlights: ["{t(104)}"]
hide: ["@hidey"]
""").replace('  - "How do you learn new skills?"\n',
             '  - "How do you learn new skills?"\n  - "What\'s next for you?"\n')


def early_transcript() -> dict:
    S = EARLY_START
    return {"data": [
        make_post(t(1), uid("hostx"), S + timedelta(minutes=5), "Q1 Hello there? #QaTest"),
        make_post(t(2), uid("alice"), S + timedelta(minutes=6), "A1 hi from alice #QaTest"),
        make_post(t(3), uid("bob"), S + timedelta(minutes=7), "A1 hi from bob #QaTest"),
    ], "includes": {"users": [PEOPLE["hostx"], PEOPLE["alice"], PEOPLE["bob"]]}, "meta": {}}


@dataclass
class Built:
    root: Path
    site: Path

    def html(self, url: str) -> BeautifulSoup:
        return page(self.site, url)


@pytest.fixture(scope="module")
def hub5(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_hub(tmp_path_factory.mktemp("hub5") / "hub", {"timezone": "UTC"})
    chats = root / "chats"
    (chats / "qa-main.yml").write_text(MAIN_CHAT, encoding="utf-8")
    (chats / "qa-main.tweets.json").write_text(json.dumps(main_transcript(), indent=2), encoding="utf-8")
    (chats / "qa-early.yml").write_text(chat_yaml("First steps", "QaTest", EARLY_START), encoding="utf-8")
    (chats / "qa-early.tweets.json").write_text(json.dumps(early_transcript()), encoding="utf-8")
    (chats / "qa-next.yml").write_text(chat_yaml("Next one", "QaTest", NOW + timedelta(days=10)),
                                       encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CHATHUB_NOW", raising=False)
        site = build_site(root)
    return Built(root, site)


def ids_in(tag: Tag | None) -> set[str]:
    if tag is None:
        return set()
    return {el["id"] for el in tag.find_all(id=re.compile(r"^t\d+$"))}


def href_is(href: str | None, *patterns: str) -> bool:
    return bool(href) and any(re.search(pattern, href, re.I) for pattern in patterns)


def profile(handle: str) -> tuple[str, ...]:
    return (rf"^https://(x|twitter)\.com/{handle}/?$",)


def _heading(soup: BeautifulSoup, heading: str) -> Tag:
    head = soup.find(lambda tag: tag.name in ("h2", "h3", "h4") and re.search(heading, tag.get_text(), re.I))
    assert head is not None, f"no heading like {heading!r}"
    return head


def section_after(soup: BeautifulSoup, heading: str) -> str:
    """The text from the heading matching ``heading`` to the next heading of the same level."""
    head = _heading(soup, heading)
    parts = []
    for node in head.next_elements:
        if isinstance(node, Tag):
            if node.name in ("h2", "h3", "h4") and node.name <= head.name:
                break
        elif node.parent and node.parent.name not in ("script", "style"):
            parts.append(str(node))
    return " ".join(parts)


def section_html(soup: BeautifulSoup, heading: str) -> list[Tag]:
    head = _heading(soup, heading)
    tags = []
    for sibling in head.find_all_next():
        if sibling.name in ("h2", "h3", "h4") and sibling.name <= head.name:
            break
        tags.append(sibling)
    return tags


# --- archive ---------------------------------------------------------------------------------


def test_archive_sections_and_question_assignment(hub5):
    soup = hub5.html("chats/qa-main/archive/")
    q1, q2, q3 = soup.find(id="q1"), soup.find(id="q2"), soup.find(id="q3")
    assert q1 and q2 and q3
    assert {t(101), t(102), t(103), t(104), t(105), t(106), t(110), t(112)} <= {i[1:] for i in ids_in(q1)}
    assert {t(107), t(108), t(109), t(111)} <= {i[1:] for i in ids_in(q2)}
    assert {t(114), t(115), t(116), t(117), t(118)} <= {i[1:] for i in ids_in(q3)}
    # labels win over time (110 is "A1" posted after Q2); replies down a thread (112) too
    assert f"t{t(110)}" not in ids_in(q2) and f"t{t(112)}" not in ids_in(q2)
    # every post is on the page once; the retweet and the hidden post are not
    every = [el["id"] for el in soup.find_all(id=re.compile(r"^t\d+$"))]
    assert len(every) == len(set(every))
    assert f"t{t(113)}" not in every and f"t{t(119)}" not in every
    expected = {f"t{t(n)}" for n in range(100, 122)} - {f"t{t(113)}", f"t{t(119)}"}
    assert set(every) == expected


def test_archive_intro_before_q1_and_other_after_the_chat(hub5):
    soup = hub5.html("chats/qa-main/archive/")
    order = [el.get("id") for el in soup.find_all(id=True)]
    intro_post = f"t{t(100)}"
    assert order.index(intro_post) < order.index("q1")
    for q in ("q1", "q2", "q3"):
        assert intro_post not in ids_in(soup.find(id=q))
        assert f"t{t(121)}" not in ids_in(soup.find(id=q))
    assert f"t{t(121)}" in ids_in(soup.find(id="other"))
    intro = soup.find(id=intro_post).find_parent("section")
    assert intro is not None and intro.get("id") not in ("q1", "q2", "q3")


def _nested_under(child: Tag, parent: Tag) -> bool:
    """``child`` sits under ``parent``: inside it, or inside its container at a deeper level."""
    if parent in child.parents:
        return True
    box = parent.parent
    return box in child.parents and len(list(child.parents)) > len(list(parent.parents))


def test_archive_replies_nested_under_the_post_they_answer(hub5):
    soup = hub5.html("chats/qa-main/archive/")
    el = {n: soup.find(id=f"t{t(n)}") for n in (101, 105, 106, 112, 117, 118)}
    assert _nested_under(el[106], el[105])
    assert _nested_under(el[112], el[106])
    assert _nested_under(el[118], el[117])
    assert not _nested_under(el[105], el[106])


def test_archive_posts_follow_x_display_requirements(hub5):
    soup = hub5.html("chats/qa-main/archive/")
    post = soup.find(id=f"t{t(102)}")
    links = post.find_all("a")
    to_profile = [a for a in links if href_is(a.get("href"), *profile("alice"))]
    assert to_profile, [a.get("href") for a in links]
    assert any(a.find("img") is not None or "avatar" in " ".join(a.get("class", [])) for a in to_profile)
    img = post.find("img")
    assert img is not None and img["src"] == PEOPLE["alice"]["profile_image_url"]
    assert any("Alice A" in a.get_text() for a in to_profile)
    assert any("@alice" in a.get_text() for a in to_profile)
    permalink = [a for a in links if href_is(a.get("href"), rf"/status/{t(102)}$")]
    assert permalink
    local = (MAIN_START + timedelta(minutes=6)).astimezone(ZONE).strftime("%H:%M")
    assert any(local in a.get_text() for a in permalink), "timestamp, in the chat's zone, links to the post"
    assert any(a.get_text(" ", strip=True).endswith("View on X") for a in permalink)
    assert post.find("svg") is not None or post.find("img", alt=re.compile(r"\bX\b")) is not None
    tag = [a for a in links if a.get_text() == "#QaTest"]
    assert tag and href_is(tag[0]["href"], r"^https://(x|twitter)\.com/(hashtag/QaTest|search\?q=(%23|#)QaTest)")
    # text unaltered
    assert "A1: Hammer #QaTest" in post.get_text()


def test_archive_links_mentions_and_urls_with_display_url(hub5):
    soup = hub5.html("chats/qa-main/archive/")
    mention = soup.find(id=f"t{t(105)}").find("a", string="@hostx")
    assert mention is not None and href_is(mention["href"], *profile("hostx"))
    post = soup.find(id=f"t{t(104)}")
    link = post.find("a", string="example.com/wrench")
    assert link is not None, post
    assert link["href"] in ("https://t.co/abc123", "https://example.com/wrench")
    assert "https://t.co/abc123" not in post.get_text()
    # X's escaped entities are shown as the characters they stand for, once
    text = soup.find(id=f"t{t(109)}").get_text()
    assert "mentors #QaTest & Q&A sessions" in text and "&amp;" not in text


def test_archive_times_in_chat_zone_filter_box_and_no_third_party_scripts(hub5):
    soup = hub5.html("chats/qa-main/archive/")
    for n, minute in ((101, 5), (111, 25), (121, 75)):
        local = (MAIN_START + timedelta(minutes=minute)).astimezone(ZONE).strftime("%H:%M")
        utc = (MAIN_START + timedelta(minutes=minute)).astimezone(UTC).strftime("%H:%M")
        shown = soup.find(id=f"t{t(n)}").get_text(" ")
        assert local in shown and (utc == local or utc not in shown)
    box = soup.find("input", attrs={"type": re.compile("search|text")})
    assert box is not None
    for script in soup.find_all("script", src=True):
        assert not re.match(r"^(https?:)?//", script["src"]), script["src"]
    # the filter works in the page: our own script ships with the site
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert any("chathub" in s for s in scripts), scripts


def test_archive_leaves_out_hidden_people_and_retweet_text(hub5):
    html = (hub5.site / "chats/qa-main/archive/index.html").read_text(encoding="utf-8")
    assert "hidey" not in html.lower() and "secret stuff" not in html
    assert "RT @alice" not in html


# --- recap -----------------------------------------------------------------------------------


def figure(soup: BeautifulSoup, label: str) -> int:
    tags = soup.find_all(lambda tag: tag.name not in ("h1", "h2", "h3", "title")
                         and tag.get_text(strip=True).lower() == label.lower())
    assert tags, f"no figure labelled {label}"
    for tag in tags:
        for box in (tag.parent, tag.parent.parent if tag.parent else None):
            if box is None:
                continue
            rest = box.get_text(" ", strip=True).replace(tag.get_text(strip=True), "", 1)
            number = re.search(r"\d[\d,]*", rest)
            if number:
                return int(number[0].replace(",", ""))
    raise AssertionError(f"no number for {label}")


def test_recap_headline_figures_are_known_numbers(hub5):
    soup = hub5.html("chats/qa-main/recap/")
    for label, value in FIGURES.items():
        assert figure(soup, label) == value, label


def test_recap_timeline_is_inline_svg_with_question_marks(hub5):
    soup = hub5.html("chats/qa-main/recap/")
    charts = [svg for svg in soup.find_all("svg") if svg.find(["rect", "path", "polyline"])]
    chart = next((svg for svg in charts
                  if {"Q1", "Q2", "Q3"} <= set(re.findall(r"Q\d", svg.get_text()))), None)
    assert chart is not None, "an inline SVG chart marking Q1, Q2 and Q3"


def test_recap_summary_highlights_contributors(hub5):
    soup = hub5.html("chats/qa-main/recap/")
    assert soup.find("strong", string="a lot") is not None, "summary from the YAML, as Markdown"
    tags = section_html(soup, r"highlight")
    linked = []
    for tag in tags:
        for attr in ("href", "id"):
            value = tag.get(attr) or ""
            for m in re.finditer(r"t(\d{19})", value):
                linked.append(m[1])
    q1_posts = [t(n) for n in (102, 103, 104, 105, 106, 110, 112)]
    q1_seen = [i for i in linked if i in q1_posts]
    assert q1_seen and q1_seen[0] == t(104), q1_seen
    assert len(set(q1_seen)) >= 2, "then the most engaging answers"
    assert t(119) not in linked
    contributors = section_after(soup, r"contributor")
    assert "alice" in contributors.lower()


NEW_VOICES = r"\bnew (voices|to|participants|people)|first.time"


def test_recap_new_and_returning_voices(hub5):
    soup = hub5.html("chats/qa-main/recap/")
    new = section_after(soup, NEW_VOICES).lower()
    returning = section_after(soup, r"^\s*returning").lower()
    for name in ("carol", "dave", "erin"):
        assert name in new and name not in returning
    for name in ("alice", "bob"):
        assert name in returning and name not in new
    assert "hidey" not in new + returning
    first = section_after(hub5.html("chats/qa-early/recap/"), NEW_VOICES)
    assert "alice" in first.lower() and "bob" in first.lower()


def test_recap_unanswered_questions_and_shared_links(hub5):
    soup = hub5.html("chats/qa-main/recap/")
    follow = section_after(soup, r"follow|unanswered|no answer")
    assert "budget tool" in follow
    assert "recommended course" not in follow
    tags = section_html(soup, r"\blinks?\b")
    hrefs = [a.get("href") for a in tags if a.name == "a"]
    assert "https://example.com/wrench" in hrefs
    assert any(a.name == "a" and "example.com/wrench" in a.get_text() for a in tags)


def test_recap_has_a_print_stylesheet(hub5):
    soup = hub5.html("chats/qa-main/recap/")
    base = hub5.site / "chats/qa-main/recap"
    css = [tag.get_text() for tag in soup.find_all("style")]
    for link in soup.find_all("link", rel="stylesheet"):
        if link.get("media") == "print":
            css.append("@media print {}")
        href = link["href"]
        if not re.match(r"^(https?:)?//", href):
            path = (base / href.split("?")[0]).resolve()
            if path.exists():
                css.append(path.read_text(encoding="utf-8"))
    assert any("@media print" in text for text in css)


def test_recap_leaves_out_hidden_people(hub5):
    html = (hub5.site / "chats/qa-main/recap/index.html").read_text(encoding="utf-8")
    assert "hidey" not in html.lower() and t(119) not in html


# --- people, index, announcement, everywhere ----------------------------------------------------


def test_people_page_lists_everyone_with_chats_and_first_seen(hub5):
    soup = hub5.html("people/")
    text = soup.get_text(" ")
    for name in ("alice", "bob", "carol", "dave", "erin"):
        assert f"@{name}" in text
    assert "hidey" not in str(soup).lower()
    row = soup.find(lambda tag: tag.name in ("tr", "li", "article") and "@alice" in tag.get_text()
                    and not tag.find(lambda inner: inner.name in ("tr", "li", "article")
                                     and "@alice" in inner.get_text()))
    assert row is not None
    hrefs = " ".join(a.get("href", "") for a in row.find_all("a"))
    assert "qa-early" in hrefs and "qa-main" in hrefs
    row_html = str(row)
    first = EARLY_START.date()
    assert (first.isoformat() in row_html or f"{first.day} {first:%b} {first.year}" in row_html
            or f"{first:%b} {first.day}, {first.year}" in row_html), row_html
    carol = soup.find(lambda tag: tag.name in ("tr", "li", "article") and "@carol" in tag.get_text()
                      and not tag.find(lambda inner: inner.name in ("tr", "li", "article")
                                       and "@carol" in inner.get_text()))
    carol_links = " ".join(a.get("href", "") for a in carol.find_all("a"))
    assert "qa-main" in carol_links and "qa-early" not in carol_links


def test_announcement_links_archive_and_recap_once_transcript_exists(hub5):
    soup = hub5.html("chats/qa-main/")
    hrefs = {urllib.parse.urljoin("https://h/chats/qa-main/", a["href"])
             for a in soup.find_all("a", href=True)}
    assert "https://h/chats/qa-main/archive/" in hrefs and "https://h/chats/qa-main/recap/" in hrefs
    upcoming = hub5.html("chats/qa-next/")
    assert not [a for a in upcoming.find_all("a", href=True)
                if "archive" in a["href"] or "recap" in a["href"]]


def test_index_shows_past_chats_with_their_figures(hub5):
    soup = hub5.html("chats/")
    link = soup.find("a", href=re.compile(r"qa-main/?$"))
    assert link is not None
    card = link
    for _ in range(6):
        card = card.parent
        if re.search(r"\b20\b", card.get_text(" ")) and re.search(r"\b7\b", card.get_text(" ")):
            break
    text = card.get_text(" ")
    assert re.search(r"\b20\s+posts?\b", text, re.I), text
    assert re.search(r"\b7\s+(participants?|people)\b", text, re.I), text
    assert "Next one" in soup.get_text(), "upcoming chats still listed"


def test_hidden_person_is_nowhere_in_the_site(hub5):
    for path, text in site_files(hub5.site):
        low = text.lower()
        assert "hidey" not in low, path
        assert t(119) not in text and "secret stuff" not in text, path


def test_raw_transcripts_are_not_published(hub5):
    assert not list(hub5.site.rglob("*.tweets.json"))
    for path, text in site_files(hub5.site):
        assert '"conversation_id"' not in text and '"edit_history_tweet_ids"' not in text, path


# --- leads ------------------------------------------------------------------------------------


def leads_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def row_for(rows: list[dict[str, str]], handle: str) -> dict[str, str] | None:
    for row in rows:
        if any(value and re.fullmatch(rf"@?{handle}", value.strip(), re.I) for value in row.values()):
            return row
    return None


def test_leads_csv_on_stdout_with_default_keywords(hub5, capsys, monkeypatch):
    monkeypatch.chdir(hub5.root)
    code, out, err = run(capsys, "leads", "qa-main")
    assert code == 0, err
    rows = leads_rows(out)
    bob = row_for(rows, "bob")
    assert bob is not None, out
    assert "budget tool" in " ".join(bob.values())
    for handle in ("hidey", "hostx", "modx", "alice"):
        assert row_for(rows, handle) is None, handle
    assert "hidey" not in out.lower()


def test_leads_to_file_with_o(hub5, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(hub5.root)
    target = tmp_path / "leads.csv"
    code, out, err = run(capsys, "leads", "qa-main", "-o", str(target))
    assert code == 0, err
    assert "budget" not in out
    assert row_for(leads_rows(target.read_text(encoding="utf-8")), "bob") is not None


def test_leads_keywords_configured_in_mkdocs_yml(hub5, capsys, monkeypatch, tmp_path):
    root = write_hub(tmp_path / "kw", {"lead_keywords": ["gloves"]})
    shutil.copytree(hub5.root / "chats", root / "chats", dirs_exist_ok=True)
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "leads", "qa-main")
    assert code == 0, err
    rows = leads_rows(out)
    assert row_for(rows, "dave") is not None and row_for(rows, "bob") is None, out


def test_leads_unknown_chat_is_a_clean_error(hub5, capsys, monkeypatch):
    monkeypatch.chdir(hub5.root)
    code, out, err = run(capsys, "leads", "no-such-chat")
    assert code != 0 and "Traceback" not in err


# === issue 5: hostile content, hub-wide hide, chats inside docs_dir ===============================

def day_at(days_ago: int, hour: int) -> datetime:
    """``hour``:00 UTC, ``days_ago`` days before today."""
    return datetime.combine((NOW - timedelta(days=days_ago)).date(), datetime.min.time(), UTC) + timedelta(
        hours=hour)


HOSTILE_START = day_at(20, 12)


def hostile_transcript() -> dict:
    S = HOSTILE_START
    evil = make_user("2001", "evil", "<b>Evil</b><img src=x onerror=alert(1)>", url="javascript:alert(2)",
                     description="<script>alert(4)</script>")
    evil["profile_image_url"] = "javascript:alert(3)"
    people = [make_user("1001", "hostx", "Host X"), evil, make_user("2002", "carol", "Carol Hidden"),
              make_user("2003", "frank", "Frank F")]
    posts = [
        make_post(t(501), "1001", S + timedelta(minutes=5), "Q1 Anything? #HostTag"),
        make_post(t(502), "2001", S + timedelta(minutes=6),
                  "A1 <script>alert('x')</script> see https://t.co/evil1 #HostTag",
                  urls=[("https://t.co/evil1", "javascript:alert(5)", "javascript:alert(5)")], likes=9),
        make_post(t(503), "2001", S + timedelta(minutes=7),
                  "A1 &lt;script&gt;alert('y')&lt;/script&gt; #HostTag", likes=2),
        make_post(t(504), "2002", S + timedelta(minutes=8), "A1 carols secret answer #HostTag", likes=10),
        make_post(t(505), "2003", S + timedelta(minutes=9), "A1 https://t.co/ok1 good #HostTag",
                  urls=[("https://t.co/ok1", "https://ok.example/path", "ok.example/path")], likes=1),
        make_post(t(506), "2003", S + timedelta(minutes=10), "Javascript link: JAVASCRIPT:alert(6) #HostTag"),
        make_post(t(507), "2003", S + timedelta(minutes=11), "A1 quotes https://t.co/q1 #HostTag",
                  urls=[("https://t.co/q1", 'https://ok.example/"onmouseover="alert(7)',
                         'ok.example/"><script>alert(8)</script>')]),
        make_post(t(508), "2004", S + timedelta(minutes=12), "A1 from a sneaky avatar #HostTag"),
    ]
    people.append(make_user("2004", "sneaky", 'Sneaky" onmouseover="alert(9)',
                            profile_image_url='https://pbs.twimg.com/x.jpg" onerror="alert(10)',
                            url='https://ok.example/"><script>alert(11)</script>'))
    return {"data": posts, "includes": {"users": people}, "meta": {}}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_hub(tmp_path_factory.mktemp("hostile") / "hub",
                     {"chats_dir": "docs/chats", "hide": ["@Carol"]})
    chats = root / "docs" / "chats"
    chats.mkdir(parents=True)
    (chats / "evil.yml").write_text(chat_yaml("Hostile", "HostTag", HOSTILE_START), encoding="utf-8")
    (chats / "evil.tweets.json").write_text(json.dumps(hostile_transcript()), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CHATHUB_NOW", raising=False)
        site = build_site(root)
    return Built(root, site)


def test_hostile_content_is_escaped_and_never_linked(hostile):
    pages = [p for p in hostile.site.rglob("*.html")]
    assert (hostile.site / "chats/evil/archive/index.html").exists()
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            assert "alert(" not in script.get_text(), path
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (path, tag)
                values = value if isinstance(value, list) else [value]
                for v in values:
                    assert not str(v).strip().lower().startswith("javascript:"), (path, tag)
        assert not soup.find("img", src="x"), path
        assert not [b for b in soup.find_all("b") if "Evil" in b.get_text()], path
    archive = hostile.html("chats/evil/archive/")
    text = archive.get_text()
    assert "<script>alert('x')</script>" in text, "the text is shown as written, escaped"
    assert "<b>Evil</b>" in text
    ok = archive.find("a", string="ok.example/path")
    assert ok is not None and ok["href"] in ("https://t.co/ok1", "https://ok.example/path")
    post = archive.find(id=f"t{t(502)}")
    assert post is not None and "javascript:alert(5)" in post.get_text()


def test_hub_wide_hide_option_is_respected_everywhere(hostile, capsys, monkeypatch):
    for path, text in site_files(hostile.site):
        assert "carols secret answer" not in text and "Carol Hidden" not in text, path
        assert t(504) not in text, path
    monkeypatch.chdir(hostile.root)
    code, out, err = run(capsys, "leads", "evil", "--keyword", "secret")
    assert code == 0, err
    assert "carol" not in out.lower()


def test_chats_inside_docs_dir_are_not_published(hostile):
    assert not list(hostile.site.rglob("*.tweets.json"))
    assert not list(hostile.site.rglob("evil.yml"))
    for path, text in site_files(hostile.site):
        assert '"conversation_id"' not in text, path


# === issue 5: tricky Q/A assignment: threaded questions, labels in many forms, no hashtags ======

THREAD_START = day_at(12, 16)
NOQ_START = THREAD_START - timedelta(days=7)

CAST = {name: make_user(str(3000 + i), name, name.title() + " Q") for i, name in enumerate(
    ["hostx", "modx", "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"])}


def c(name: str) -> str:
    return CAST[name]["id"]


def thread_transcript() -> dict:
    S = THREAD_START

    def p(n: int, who: str, minute: float, text: str, **kw: Any) -> dict:
        return make_post(t(n), c(who), S + timedelta(minutes=minute), text, **kw)

    def reply(n: int, who: str, minute: float, text: str, to: int, conv: int = 300, **kw: Any) -> dict:
        return p(n, who, minute, text, reply_to=t(to), reply_user=c("hostx"), conversation=t(conv), **kw)

    q3 = reply(303, "hostx", 35, "Q 3 What comes next for you?", to=302)  # asked without the hashtag
    posts = [
        p(300, "hostx", 0, "Welcome to #ThreadTag! Say hi and tell us who you are"),
        reply(320, "bob", 1, "@hostx hi, Bob here from Ops", to=300),
        reply(301, "hostx", 5, "Q1: What tools do you rely on? #ThreadTag", to=300),
        reply(302, "hostx", 20, "Q2) How do you learn new things? #ThreadTag", to=301),
        reply(321, "alice", 7, "@hostx hammers, always", to=301),
        reply(322, "carol", 22, "@hostx books, mostly", to=302),
        reply(323, "dave", 37, "@hostx more books", to=303),
        p(324, "erin", 24, "#ThreadTag A1 - hammers, late to the party"),
        p(325, "frank", 25, ".@hostx A2 YouTube #ThreadTag"),
        p(326, "gina", 26, "learning by doing #ThreadTag"),
        p(327, "carol", 30, "Q1 was my favorite so far #ThreadTag"),
        p(328, "hank", 38, "Late A1: a good saw #ThreadTag"),
        make_post(t(329), c("dave"), S + timedelta(minutes=39), "@frank agreed, YouTube rules #ThreadTag",
                  reply_to=t(325), reply_user=c("frank"), conversation=t(325)),
        p(330, "alice", 40, "Answer 3: more travel #ThreadTag"),
        p(331, "bob", 41, "A3. a new job #ThreadTag"),
        p(332, "erin", 42, "RT @hostx: Q1: What tools do you rely on? #ThreadTag", retweet_of=t(301)),
        p(333, "gina", 43, "a3 : hiking #ThreadTag"),
        p(334, "frank", 44, "A7 bonus thoughts on tools #ThreadTag"),  # no Q7: by time, Q3
        p(335, "hank", 45, "A 2 books again #ThreadTag"),
        reply(336, "gina", 46, "@hostx A1 pliers, and this is my reply to Q2", to=302),
    ]
    return {"data": posts, "includes": {"users": list(CAST.values()), "tweets": [q3]}, "meta": {}}


def noq_transcript() -> dict:
    S = NOQ_START

    def p(n: int, who: str, minute: float, text: str, **kw: Any) -> dict:
        return make_post(t(n), c(who), S + timedelta(minutes=minute), text, **kw)

    return {"data": [
        p(400, "alice", -3, "Early bird here #NoQTag"),
        p(401, "modx", 2, "Q1 first one #NoQTag"),
        p(402, "bob", 3, "A1 yes #NoQTag", likes=2),
        p(403, "modx", 12, "Question 2: second one #NoQTag"),
        p(404, "carol", 13, "a2) no #NoQTag", likes=1),
        p(405, "modx", 22, "Q3. third #NoQTag"),
        p(406, "modx", 32, "Q4 - fourth #NoQTag"),
        p(407, "dave", 33, "A4: maybe #NoQTag"),
        p(408, "dave", 34, "A2: changed my mind #NoQTag"),
    ], "includes": {"users": list(CAST.values())}, "meta": {}}


@pytest.fixture(scope="module")
def hub_qa(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_hub(tmp_path_factory.mktemp("hubqa") / "hub")
    chats = root / "chats"
    threaded = chat_yaml("Threaded", "ThreadTag", THREAD_START, extra='moderators: ["@modx"]\n').replace(
        '  - "How do you learn new skills?"\n',
        '  - "How do you learn new things?"\n  - "What comes next for you?"\n')
    (chats / "threaded.yml").write_text(threaded, encoding="utf-8")
    (chats / "threaded.tweets.json").write_text(json.dumps(thread_transcript()), encoding="utf-8")
    noq = chat_yaml("No questions listed", "NoQTag", NOQ_START, extra='moderators: ["@modx"]\n')
    noq = re.sub(r"questions:\n(  - .*\n)+", "", noq)
    (chats / "noq.yml").write_text(noq, encoding="utf-8")
    (chats / "noq.tweets.json").write_text(json.dumps(noq_transcript()), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CHATHUB_NOW", raising=False)
        site = build_site(root)
    return Built(root, site)


def placed(soup: BeautifulSoup) -> dict[str, str]:
    """post id -> id of the section it is in."""
    where = {}
    for el in soup.find_all(id=re.compile(r"^t\d+$")):
        section = el.find_parent(id=re.compile(r"^(q\d+|intro|other)$")) or el.find_parent("section")
        where[el["id"][1:]] = section.get("id") if section else ""
    return where


def test_threaded_questions_each_reply_goes_to_its_nearest_question(hub_qa):
    where = placed(hub_qa.html("chats/threaded/archive/"))
    expected = {301: "q1", 321: "q1", 324: "q1", 328: "q1", 336: "q1",
                302: "q2", 322: "q2", 325: "q2", 326: "q2", 327: "q2", 329: "q2", 335: "q2",
                303: "q3", 323: "q3", 330: "q3", 331: "q3", 333: "q3", 334: "q3"}
    wrong = {n: where.get(t(n)) for n, q in expected.items() if where.get(t(n)) != q}
    assert not wrong, wrong
    for n in (300, 320):  # before Q1: the introduction
        assert where[t(n)] not in ("q1", "q2", "q3", "other"), (n, where[t(n)])
    assert t(332) not in where, "retweets are not repeated"


def test_question_asked_without_hashtag_heads_its_section(hub_qa):
    soup = hub_qa.html("chats/threaded/archive/")
    q3 = soup.find(id="q3")
    assert q3.find(id=f"t{t(303)}") is not None
    order = [el["id"] for el in q3.find_all(id=re.compile(r"^t\d+$"))]
    assert order[0] == f"t{t(303)}"
    assert len(soup.find_all(id="q1")) == 1, "a participant's 'Q1 was…' is no question"
    assert soup.find(id="other") is None, "an 'other' section only where needed"


def test_chat_without_listed_questions_uses_the_labels(hub_qa):
    soup = hub_qa.html("chats/noq/archive/")
    where = placed(soup)
    for q in ("q1", "q2", "q3", "q4"):
        assert soup.find(id=q) is not None, q
    assert where[t(402)] == "q1" and where[t(404)] == "q2" and where[t(407)] == "q4"
    assert where[t(408)] == "q2", "a label wins over time"
    assert where[t(400)] not in ("q1", "q2", "q3", "q4")


def test_recap_without_impressions_shows_no_impressions_figure(hub_qa):
    soup = hub_qa.html("chats/noq/recap/")
    assert not soup.find(lambda tag: tag.name in ("dt", "th", "span", "div", "p")
                         and tag.get_text(strip=True).lower() == "impressions")
    assert figure(soup, "posts") == 9 and figure(soup, "likes") == 3 and figure(soup, "participants") == 5


# === more edges: hand-written transcripts, drafts, hide by post id, note_tweet, weird data =======

EDGE_START = day_at(9, 14)


def edge_transcript() -> dict:
    S = EDGE_START
    users = [make_user("5001", "hostx", "Host X"), make_user("5002", "ann", "Ann N"),
             make_user("5003", "ben", "Ben N"), make_user("5004", "cat", "Cat N"),
             {"id": "5005", "name": "No Handle"}]
    bare = {"id": t(601), "author_id": "5002", "created_at": iso(S + timedelta(minutes=6)),
            "text": "A1 @ben is right, see #EdgeTag and https://t.co/bare1"}  # no entities at all
    long_text = "A1 " + "really " * 60 + "long answer #EdgeTag"
    posts = [
        make_post(t(600), "5001", S + timedelta(minutes=5), "Q1 What now? #EdgeTag"),
        bare,
        make_post(t(602), "5003", S + timedelta(minutes=7), "A1 short version… #EdgeTag"),
        make_post(t(603), "5004", S + timedelta(minutes=8), "A1 please hide this one #EdgeTag", likes=3),
        make_post(t(604), "5004", S + timedelta(minutes=9), "A1 but keep this one #EdgeTag"),
        make_post(t(605), "5003", S + timedelta(minutes=10), "A1 hey @cat, what do you think? #EdgeTag",
                  mentions={"cat": "5004"}),
        {"id": t(606), "author_id": "5005", "created_at": iso(S + timedelta(minutes=11)),
         "text": "A1 from an account without a handle #EdgeTag"},
        {"id": t(607), "author_id": "5999", "created_at": iso(S + timedelta(minutes=12)),
         "text": "A1 from an unknown author #EdgeTag"},
        make_post(t(608), "5002", S + timedelta(minutes=13), "RT @ben: A1 short version… #EdgeTag",
                  retweet_of=t(602)),
        make_post(t(609), "5004", S + timedelta(minutes=13), "RT @ben: A1 short version… #EdgeTag",
                  retweet_of=t(602)),
    ]
    posts[2]["note_tweet"] = {"text": long_text}
    return {"data": posts, "includes": {"users": users}, "meta": {}}


@pytest.fixture(scope="module")
def hub_edge(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_hub(tmp_path_factory.mktemp("hubedge") / "hub", {"hide": [t(604)]})
    chats = root / "chats"
    edge = chat_yaml("Edge", "EdgeTag", EDGE_START, extra=f'hide: ["{t(603)}", "@Cat"]\n')
    (chats / "edge.yml").write_text(edge, encoding="utf-8")
    (chats / "edge.tweets.json").write_text(json.dumps(edge_transcript()), encoding="utf-8")
    draft_start = EDGE_START - timedelta(days=3)
    secret = chat_yaml("Secret draft", "DraftOnly", draft_start, extra="status: draft\n")
    (chats / "secret.yml").write_text(secret, encoding="utf-8")
    (chats / "secret.tweets.json").write_text(json.dumps({"data": [
        make_post(t(700), "5002", draft_start + timedelta(minutes=3), "A1 draftchatter words #DraftOnly")],
        "includes": {"users": [make_user("5002", "draftperson", "Draft Person")]}}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CHATHUB_NOW", raising=False)
        site = build_site(root)
    return Built(root, site)


def test_draft_chat_transcript_is_not_published(hub_edge):
    assert not (hub_edge.site / "chats/secret/archive/index.html").exists()
    assert not (hub_edge.site / "chats/secret/recap/index.html").exists()
    for path, text in site_files(hub_edge.site):
        assert "draftchatter" not in text and "draftperson" not in text.lower(), path


def test_hide_by_post_id_per_chat_and_hub_wide(hub_edge):
    soup = hub_edge.html("chats/edge/archive/")
    ids = {el["id"] for el in soup.find_all(id=re.compile(r"^t\d+$"))}
    assert f"t{t(603)}" not in ids and f"t{t(604)}" not in ids
    assert f"t{t(602)}" in ids and f"t{t(601)}" in ids
    for path, text in site_files(hub_edge.site):
        assert "please hide this one" not in text and "keep this one" not in text, path


def test_hidden_handle_in_any_case_and_its_mentions_not_linked(hub_edge):
    for path, text in site_files(hub_edge.site):
        assert "Cat N" not in text, path
    soup = hub_edge.html("chats/edge/archive/")
    assert not soup.find("a", href=re.compile(r"(x|twitter)\.com/cat/?$", re.I))
    assert "@cat" in soup.find(id=f"t{t(605)}").get_text(), "other people's text stays unaltered"


def test_long_posts_show_their_full_note_tweet_text(hub_edge):
    post = hub_edge.html("chats/edge/archive/").find(id=f"t{t(602)}")
    assert "really " * 60 in post.get_text() and "long answer" in post.get_text()


def test_unknown_and_handle_less_authors_do_not_break_the_build(hub_edge):
    soup = hub_edge.html("chats/edge/archive/")
    for n in (606, 607):
        post = soup.find(id=f"t{t(n)}")
        assert post is not None
        for a in post.find_all("a", href=True):
            assert a["href"].startswith(("https://", "#", "../", "./"))


def test_entities_missing_from_a_post_still_link_mentions_hashtags_and_urls(hub_edge):
    """A hand-written (or old) post without an ``entities`` object: its @mention, #hashtag and
    URL are still made into links, as X's display requirements ask."""
    post = hub_edge.html("chats/edge/archive/").find(id=f"t{t(601)}")
    assert "A1 @ben is right, see #EdgeTag and https://t.co/bare1" in post.get_text()
    texts = {a.get_text(): a["href"] for a in post.find_all("a", href=True)}
    assert "@ben" in texts and href_is(texts["@ben"], *profile("ben")), texts
    assert "#EdgeTag" in texts, texts
    assert any("t.co/bare1" in label for label in texts), texts


def test_captured_reposts_count_in_the_stats(hub_edge):
    """Two retweets of a chat post sit in the transcript (its stored retweet_count is 0, as in a
    capture made before they happened): "Retweets are not repeated; they count in the stats"."""
    soup = hub_edge.html("chats/edge/recap/")
    assert figure(soup, "reposts") >= 1


def test_archive_of_a_thousand_post_chat_renders_fast(tmp_path):
    """"The archive of a 1,000-post chat must render in a fraction of a second": the build of a
    hub with such a chat stays quick (a generous bound; measured here at about 0.1 s extra)."""
    root = write_hub(tmp_path / "big")
    S = NOW - timedelta(days=20)
    (root / "chats" / "big.yml").write_text(chat_yaml("Big", "BigTag", S), encoding="utf-8")
    posts = [make_post(xid(1), "9001", S + timedelta(minutes=1), "Q1 What is your favorite tool? #BigTag")]
    for i in range(1000):
        reply = {} if i % 3 else {"reply_to": posts[-1]["id"], "reply_user": "9101"}
        posts.append(make_post(xid(10 + i), USERS[1 + i % 7]["id"], S + timedelta(seconds=60 + i * 3),
                               f"A1 answer {i} with @user1 and https://t.co/x{i} #BigTag",
                               urls=[(f"https://t.co/x{i}", f"https://ex.com/{i}", f"ex.com/{i}")], **reply))
    (root / "chats" / "big.tweets.json").write_text(json.dumps({"data": posts, "includes": {"users": USERS}}))
    started = time.perf_counter()
    site = build_site(root)
    assert time.perf_counter() - started < 10
    soup = page(site, "chats/big/archive/")
    assert len(soup.find_all(id=re.compile(r"^t\d+$"))) == 1001


# === more capture edges =========================================================================


def test_fetch_window_follows_the_chats_time_zone(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    start = (NOW - timedelta(days=3)).astimezone(ZoneInfo("America/Los_Angeles")).replace(
        hour=9, minute=30, second=0, microsecond=0)
    fake.posts = chat_posts("ZoneTag", start.astimezone(UTC), 12)
    root = capture_hub({"zone": chat_yaml("Zone", "ZoneTag", start, zone="America/Los_Angeles")})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "zone")
    assert code == 0, err
    params = fake.searches("#ZoneTag -is:retweet")[0].params
    begin, end = parse_time(params["start_time"]), parse_time(params["end_time"])
    assert start - timedelta(hours=2) <= begin < start < start + timedelta(hours=1) < end
    assert len(transcript(root, "zone")["data"]) == 12


def test_fetch_several_slugs_at_once(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    other = RECENT_START - timedelta(days=1)
    fake.posts = chat_posts("OneTag", RECENT_START, 15) + chat_posts("TwoTag", other, 25, base=500)
    root = capture_hub({"one": chat_yaml("One", "OneTag", RECENT_START),
                        "two": chat_yaml("Two", "TwoTag", other)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "one", "two")
    assert code == 0, err
    assert len(transcript(root, "one")["data"]) == 15 and len(transcript(root, "two")["data"]) == 25


def test_fetch_of_a_chat_that_has_not_started_reads_nothing(capture_hub, fake_x, capsys, monkeypatch):
    fake, _ = fake_x
    root = capture_hub({"soon": chat_yaml("Soon", "SoonTag", NOW + timedelta(days=1))})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "soon")
    assert "Traceback" not in out + err
    assert fake.calls == []
    assert not (root / "chats" / "soon.tweets.json").exists()


def test_fetch_rejects_silly_max_posts_cleanly(capture_hub, fake_x, capsys, monkeypatch):
    fake, _ = fake_x
    capture_hub({"recent": chat_yaml("Recent", "FetchTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    for value in ("0", "-3", "lots"):
        code, out, err = run(capsys, "fetch", "recent", "--max-posts", value)
        assert code != 0 and "Traceback" not in err and "max-posts" in err
    assert fake.calls == []


def test_fetch_429_without_reset_header_still_goes_on(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("NoResetTag", RECENT_START, 30)
    fake.injectors.append(fail_when(lambda c: True, 429, times=1))
    root = capture_hub({"nr": chat_yaml("NR", "NoResetTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "nr")
    assert code == 0, err
    assert sleeps and 0 < max(sleeps) <= 15 * 60
    assert len(transcript(root, "nr")["data"]) == 30


def _comply_hub(capture_hub, n: int = 5) -> tuple[Path, list[dict]]:
    posts = chat_posts("CTag", ARCHIVE_START, n)
    root = capture_hub({"ct": chat_yaml("Ct", "CTag", ARCHIVE_START)})
    (root / "chats" / "ct.tweets.json").write_text(json.dumps({"data": posts, "includes": {"users": USERS}}),
                                                  encoding="utf-8")
    return root, posts


def test_comply_removes_posts_made_protected(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, rsps = fake_x
    root, posts = _comply_hub(capture_hub)
    protected = posts[1]["id"]
    fake.posts = posts

    def not_authorized(call: Call, _n: int) -> tuple[int, dict, str] | None:
        if call.endpoint != "lookup":
            return None
        ids = call.params["ids"].split(",")
        return json_response(200, {
            "data": [p for p in posts if p["id"] in ids and p["id"] != protected],
            "errors": [{"value": protected,
                        "detail": f"Sorry, you are not authorized to see the Post with ids: [{protected}].",
                        "title": "Authorization Error", "resource_type": "tweet",
                        "parameter": "ids", "resource_id": protected,
                        "type": "https://api.twitter.com/2/problems/not-authorized-for-resource"}]})

    fake.injectors.append(not_authorized)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "comply", "ct")
    assert code == 0, err
    assert protected not in {p["id"] for p in transcript(root, "ct")["data"]}
    assert len(transcript(root, "ct")["data"]) == 4


@pytest.mark.parametrize("status", [401, 503])
def test_comply_failure_leaves_transcript_byte_identical(capture_hub, fake_x, capsys, monkeypatch, sleeps,
                                                         status):
    fake, _ = fake_x
    root, posts = _comply_hub(capture_hub)
    fake.posts = posts
    fake.injectors.append(fail_when(lambda c: True, status))
    before = (root / "chats" / "ct.tweets.json").read_bytes()
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "comply", "ct")
    assert code != 0 and "Traceback" not in out + err and TOKEN not in out + err
    if status == 401:
        assert re.search(r"token|X_BEARER_TOKEN", err, re.I)
    assert (root / "chats" / "ct.tweets.json").read_bytes() == before
    assert sorted(p.name for p in (root / "chats").iterdir()) == ["ct.tweets.json", "ct.yml"]


def test_import_csv_saved_by_a_spreadsheet_bom_and_crlf(import_hub, tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + current_csv(CSV_ROWS).replace("\n", "\r\n").encode("utf-8"))
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code == 0, err
    assert {p["id"] for p in transcript(import_hub, "imp")["data"]} == {xid(7001), xid(7002)}


def test_import_csv_that_is_not_twarc_csv_is_refused(import_hub, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("name,age\nAnn,33\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code != 0 and "people.csv" in err and "Traceback" not in err
    assert not (import_hub / "chats" / "imp.tweets.json").exists()


def test_import_broken_pretty_json_names_its_line(import_hub, tmp_path, capsys):
    body = json.loads((SHARED / "tweepy" / "test_client_search_recent_tweets.body.json").read_text())
    text = json.dumps(body, indent=2).splitlines()
    text[6] = text[6] + " oops"
    path = tmp_path / "page.json"
    path.write_text("\n".join(text), encoding="utf-8")
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code != 0 and "Traceback" not in err
    assert "page.json" in err and re.search(r"\b7\b", err), err


def test_import_jsonl_line_that_is_not_a_response(import_hub, tmp_path, capsys):
    good = (SHARED / "twarc-csv" / "edited.jsonl").read_text().splitlines()[0]
    path = tmp_path / "odd.jsonl"
    path.write_text(f"{good}\n42\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "imp", str(path))
    assert code != 0 and "Traceback" not in err
    assert "odd.jsonl" in err and re.search(r"\b2\b", err), err
    assert not (import_hub / "chats" / "imp.tweets.json").exists()


def test_import_edited_post_from_shared_capture(import_hub, capsys):
    code, out, err = run(capsys, "import", "imp", str(SHARED / "twarc-csv" / "edited.jsonl"))
    assert code == 0, err
    original = json.loads((SHARED / "twarc-csv" / "edited.jsonl").read_text().splitlines()[0])
    data = transcript(import_hub, "imp")["data"]
    assert {p["id"] for p in data} == {p["id"] for p in original["data"]}
    assert all(len(p["edit_history_tweet_ids"]) >= 1 for p in data)


def test_leads_default_keywords_each_find_their_author(capture_hub, capsys):
    start = NOW - timedelta(days=15)
    root = capture_hub({"sales": chat_yaml("Sales", "SalesTag", start)})
    texts = {"user0": "A1 We are Looking For a new CRM #SalesTag",
             "user1": "A1 can anyone recommend a broker? #SalesTag",
             "user2": "A1 our budget is tight this year #SalesTag",
             "user3": "A1 we issued an RFP last week #SalesTag",
             "user4": "A1 nice weather today #SalesTag"}
    ids = {u["username"]: u["id"] for u in USERS}
    posts = [make_post(xid(800 + i), ids[name], start + timedelta(minutes=5 + i), text)
             for i, (name, text) in enumerate(texts.items())]
    posts.append(make_post(xid(799), "9001", start + timedelta(minutes=2),
                           "Q1 What is your budget? #SalesTag"))
    doc = {"data": posts, "includes": {"users": USERS}}
    (root / "chats" / "sales.tweets.json").write_text(json.dumps(doc))
    code, out, err = run(capsys, "leads", "sales")
    assert code == 0, err
    rows = leads_rows(out)
    for name in ("user0", "user1", "user2", "user3"):
        row = row_for(rows, name)
        assert row is not None, (name, out)
        assert texts[name].split(" ", 1)[1][:12] in " ".join(row.values())
    assert row_for(rows, "user4") is None and row_for(rows, "hostx") is None
    assert len(rows) == 4


def test_fetch_finds_question_without_hashtag_and_its_untagged_replies(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    """The host forgot the hashtag on Q1: answers with the hashtag refer to it, and the replies
    without the hashtag in its conversation are captured too."""
    fake, _ = fake_x
    q1 = make_post(xid(6001), "9001", RECENT_START + timedelta(minutes=2), "Q1 What is your favorite tool?")
    tagged = make_post(xid(6002), "9101", RECENT_START + timedelta(minutes=3), "@hostx A1 a saw #LostTag",
                       reply_to=xid(6001), reply_user="9001", conversation=xid(6001))
    untagged = make_post(xid(6003), "9102", RECENT_START + timedelta(minutes=4), "@hostx a file, I think",
                         reply_to=xid(6001), reply_user="9001", conversation=xid(6001))
    fake.posts = [q1, tagged, untagged]
    root = capture_hub({"lost": chat_yaml("Lost", "LostTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "lost")
    assert code == 0, err
    doc = transcript(root, "lost")
    stored = {p["id"] for p in doc["data"]} | {p["id"] for p in doc["includes"].get("tweets", [])}
    assert {xid(6001), xid(6002), xid(6003)} <= stored


def test_fetch_due_includes_chats_with_an_incomplete_transcript(
        capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("HalfTag", RECENT_START, 40)
    root = capture_hub({"half": chat_yaml("Half", "HalfTag", RECENT_START)})
    _stored_partial(root, "half", fake.posts[:5])
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    code, out, err = run(capsys, "fetch", "--due")
    assert code == 0, err
    assert fake.searches("#HalfTag -is:retweet")
    assert len(transcript(root, "half")["data"]) == 40


def test_fetch_shows_a_progress_bar_in_a_terminal(capture_hub, fake_x, capsys, monkeypatch, sleeps):
    fake, _ = fake_x
    fake.posts = chat_posts("BarTag", RECENT_START, 150)
    capture_hub({"bar": chat_yaml("Bar", "BarTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, out, err = run(capsys, "fetch", "bar")
    assert code == 0, err
    assert "bar" in err and "posts" in err, err  # tqdm's bar (it refreshes at most every 0.1 s)


def test_reimporting_the_same_file_leaves_the_file_byte_identical(import_hub, capsys, monkeypatch):
    source = str(SHARED / "twarc-csv" / "two_tweets.jsonl")
    monkeypatch.setenv("CHATHUB_NOW", iso(NOW))  # two runs a few seconds apart, made reproducible
    assert run(capsys, "import", "imp", source)[0] == 0
    first = (import_hub / "chats" / "imp.tweets.json").read_bytes()
    monkeypatch.setenv("CHATHUB_NOW", iso(NOW + timedelta(seconds=5)))
    assert run(capsys, "import", "imp", source)[0] == 0
    assert (import_hub / "chats" / "imp.tweets.json").read_bytes() == first


def test_chat_with_an_empty_transcript_still_builds(tmp_path):
    root = write_hub(tmp_path / "empty")
    start = NOW - timedelta(days=5)
    (root / "chats" / "quiet.yml").write_text(chat_yaml("Quiet", "QuietTag", start), encoding="utf-8")
    (root / "chats" / "quiet.tweets.json").write_text(json.dumps({"data": [], "includes": {}, "meta": {}}))
    (root / "chats" / "solo.yml").write_text(chat_yaml("Solo", "SoloTag", start - timedelta(days=1)),
                                             encoding="utf-8")
    (root / "chats" / "solo.tweets.json").write_text(json.dumps({"data": [
        make_post(xid(1), "9101", start - timedelta(days=1, minutes=-10), "just me, no questions #SoloTag")],
        "includes": {"users": USERS}}))
    site = build_site(root)
    for slug in ("quiet", "solo"):
        assert (site / f"chats/{slug}/archive/index.html").exists()
        assert (site / f"chats/{slug}/recap/index.html").exists()
    assert page(site, "chats/solo/archive/").find(id=f"t{xid(1)}") is not None
    assert figure(page(site, "chats/quiet/recap/"), "posts") == 0


def test_unquoted_highlight_ids_work_in_a_strict_build(tmp_path):
    root = write_hub(tmp_path / "hl")
    start = NOW - timedelta(days=5)
    extra = f"highlights: [{xid(3)}]\nhide: [{xid(2)}]\n"
    (root / "chats" / "hl.yml").write_text(chat_yaml("HL", "HLTag", start, extra=extra), encoding="utf-8")
    posts = [make_post(xid(1), "9001", start + timedelta(minutes=2), "Q1 What is your favorite tool? #HLTag"),
             make_post(xid(2), "9101", start + timedelta(minutes=3), "A1 the hidden one #HLTag", likes=5),
             make_post(xid(3), "9102", start + timedelta(minutes=4), "A1 the highlighted one #HLTag")]
    (root / "chats" / "hl.tweets.json").write_text(json.dumps({"data": posts, "includes": {"users": USERS}}))
    site = build_site(root)
    recap = str(page(site, "chats/hl/recap/"))
    assert "the highlighted one" in recap and "the hidden one" not in recap


def test_imported_real_capture_renders_its_links_in_the_archive(capture_hub, capsys):
    """The real many_urls.jsonl (emoji before the URL: offsets in code points) and media_tweet.jsonl,
    imported into a tiny hub (never the example site), then built."""
    root = capture_hub({"real": chat_yaml("Real", "RealTag", IMPORT_START)})
    for name in ("many_urls.jsonl", "media_tweet.jsonl"):
        assert run(capsys, "import", "real", str(SHARED / "twarc-csv" / name))[0] == 0
    site = build_site(root)
    soup = page(site, "chats/real/archive/")
    post = soup.find(id="t1610692575752601600")
    assert post is not None
    link = post.find("a", string="uiadrian.gumroad.com/l/web-design-g…")
    assert link is not None and link["href"] == "https://t.co/C73mC2F5nY"
    assert "👇" in post.get_text() and "https://t.co/C73mC2F5nY" not in post.get_text()
    assert not list(site.rglob("*.tweets.json"))


def test_fetch_stores_a_recorded_search_page(capture_hub, capsys, monkeypatch, sleeps):
    """The real recorded search/recent body (10 posts and a next_token), then an empty last page."""
    body = json.loads((SHARED / "tweepy" / "test_client_search_recent_tweets.body.json").read_text())
    root = capture_hub({"rec": chat_yaml("Rec", "RecTag", RECENT_START)})
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    seen: list[dict[str, str]] = []

    def answer(request: requests.PreparedRequest) -> tuple[int, dict, str]:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))
        seen.append(params)
        if params["query"] != "#RecTag -is:retweet":
            return json_response(200, {"meta": {"result_count": 0}})
        if "next_token" in params:
            assert params["next_token"] == body["meta"]["next_token"]
            return json_response(200, {"meta": {"result_count": 0}})
        return json_response(200, body)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback("GET", re.compile(re.escape(API) + r"/tweets/search/recent"), callback=answer)
        code, out, err = run(capsys, "fetch", "rec")
    assert code == 0, err
    assert len([p for p in seen if p["query"] == "#RecTag -is:retweet"]) == 2
    assert {p["id"] for p in transcript(root, "rec")["data"]} == {p["id"] for p in body["data"]}

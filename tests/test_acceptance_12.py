"""Black-box acceptance tests for issue 12: one chat on X, Bluesky and Mastodon, in one archive.

Written from the issue's text alone, as an outside tester: tiny hubs in tmp_path, the real CLI
(``chathub`` in-process), real ``mkdocs build --strict``, the real ``atproto`` client against a
Bluesky written here from the lexicons (``com.atproto.server.createSession``,
``app.bsky.feed.searchPosts``, ``getPostThread``, ``getPosts``) and intercepted with respx, and the
real ``Mastodon.py`` against Mastodon servers written here from the API documentation
(``/api/v2/instance``, ``/api/v1/timelines/tag/:hashtag``, ``/api/v1/statuses/:id`` and its
``/context``) and intercepted with ``responses``. Nothing here reuses the implementation's fakes.

Where the issue is silent, the tests hold chathub to what a demanding user would expect; each
such choice is said where it is tested.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import re
import subprocess
import textwrap
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import responses
import respx
import yaml
from bs4 import BeautifulSoup

NOW = "2026-05-20T12:00:00Z"
START = datetime(2026, 5, 14, 17, 0, tzinfo=UTC)  # 13:00 in New York
SLUG = "tenants-2026-05-14"
BSKY_HANDLE = "harbor-bot.bsky.social"
BSKY_PASSWORD = 'a1b2-"c\\3%2B+-x9y8'  # odd characters: a quote, a backslash, a %-escape, a plus
MASTO_TOKEN = "tok/en+With=Odd_chars-9Zq"
PDS = "https://amanita.us-east.host.bsky.network"  # where the didDoc sends the session


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


# --- a Bluesky, from the lexicons ---------------------------------------------------------------

_B32 = "234567abcdefghijklmnopqrstuvwxyz"


def tid(moment: datetime, clock: int = 7) -> str:
    """A record key as Bluesky makes them: 53 bits of microseconds, 10 of clock id, base32-sortable."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | clock
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def did_for(handle: str) -> str:
    digest = hashlib.sha256(handle.encode()).digest()
    return "did:plc:" + "".join(_B32[b % 32] for b in digest[:24])


def jwt(payload: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(payload)}.c2lnbmF0dXJl"


def facet(text: str, fragment: str, kind: str, value: str, occurrence: int = 0) -> dict:
    """A facet over ``fragment`` of ``text``, at its UTF-8 byte offsets."""
    raw, part = text.encode(), fragment.encode()
    start = -1
    for _ in range(occurrence + 1):
        start = raw.index(part, start + 1)
    key = {"link": "uri", "mention": "did", "tag": "tag"}[kind]
    return {"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": start + len(part)},
            "features": [{"$type": f"app.bsky.richtext.facet#{kind}", key: value}]}


def tags_of(text: str) -> list[dict]:
    return [facet(text, m.group(), "tag", m.group()[1:], occurrence=text[:m.start()].count(m.group()))
            for m in re.finditer(r"#\w+", text)]


@dataclass
class FakeBluesky:
    """bsky.social (login) and a PDS that proxies app.bsky.* to an AppView, as the SDK sees them."""

    posts: list[dict] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    cursor_stops_after: int | None = None  # the search's cursor gives out after this many results
    repeat_cursor: bool = False
    faults: dict[str, list[Any]] = field(default_factory=dict)  # endpoint -> queued faults
    calls: list[httpx.Request] = field(default_factory=list)
    password: str = BSKY_PASSWORD
    echo_password_on_refusal: bool = False

    def post(self, handle: str, text: str, moment: datetime, *, reply_to: dict | None = None,
             facets: list | None = None, likes: int = 0, reposts: int = 0, langs: list[str] | None = None,
             name: str | None = None, embed: dict | None = None, labels: list | None = None,
             did: str | None = None) -> dict:
        author_did = did or did_for(handle)
        uri = f"at://{author_did}/app.bsky.feed.post/{tid(moment)}"
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": z(moment),
                                  "langs": langs or ["en"]}
        record["facets"] = tags_of(text) if facets is None else facets
        if not record["facets"]:
            del record["facets"]
        if reply_to is not None:
            parent = {"uri": reply_to["uri"], "cid": reply_to["cid"]}
            root = reply_to["record"].get("reply", {}).get("root", parent)
            record["reply"] = {"root": root, "parent": parent}
        view = {
            "uri": uri, "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52],
            "author": {"did": author_did, "handle": handle,
                       "displayName": name or handle.split(".")[0].title(),
                       "avatar": f"https://cdn.bsky.app/img/avatar/plain/{author_did}/bafkrei@jpeg",
                       "labels": labels or [], "createdAt": "2023-04-01T10:00:00.000Z"},
            "record": record, "replyCount": 0, "repostCount": reposts, "likeCount": likes,
            "quoteCount": 0, "indexedAt": z(moment + timedelta(seconds=1)), "labels": []}
        if embed is not None:
            view["embed"] = embed
        self.posts.append(view)
        return view

    # routing

    def install(self, router: respx.MockRouter) -> FakeBluesky:
        router.route(host__regex=r".*").mock(side_effect=self.handle)
        return self

    def fault(self, endpoint: str, *items: Any) -> None:
        self.faults.setdefault(endpoint, []).extend(items)

    def requests(self, endpoint: str) -> list[httpx.Request]:
        return [r for r in self.calls if r.url.path.endswith(endpoint)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        name = request.url.path.rsplit("/", 1)[-1]
        queued = self.faults.get(name) or []
        if queued:
            item = queued.pop(0)
            if isinstance(item, Exception):
                raise item
            status, headers, body = item
            return httpx.Response(status, headers=headers, json=body)
        if name == "com.atproto.server.createSession":
            return self._login(request)
        if request.headers.get("authorization") != f"Bearer {self._access}":
            return httpx.Response(401, json={"error": "AuthenticationRequired",
                                             "message": "Authentication Required"})
        if not str(request.url).startswith(PDS):
            return httpx.Response(400, json={"error": "InvalidRequest", "message": "wrong host"})
        params = request.url.params
        if name == "app.bsky.feed.searchPosts":
            return self._search(params)
        if name == "app.bsky.feed.getPostThread":
            return self._thread(params)
        if name == "app.bsky.feed.getPosts":
            uris = params.get_list("uris")
            if len(uris) > 25:
                return httpx.Response(400, json={"error": "InvalidRequest", "message": "too many uris"})
            found = [p for p in self.posts if p["uri"] in uris and p["uri"] not in self.deleted]
            return httpx.Response(200, json={"posts": found})
        return httpx.Response(501, json={"error": "MethodNotImplemented", "message": name})

    _access = jwt({"scope": "com.atproto.appPass", "sub": "did:plc:bot", "iat": int(time.time()),
                   "exp": int(time.time()) + 7200, "aud": "did:web:amanita.us-east.host.bsky.network"})

    def _login(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body.get("identifier") != BSKY_HANDLE or body.get("password") != self.password:
            message = "Invalid identifier or password"
            if self.echo_password_on_refusal:
                message += f" ({body.get('password')})"
            return httpx.Response(401, json={"error": "AuthenticationRequired", "message": message})
        did = did_for(BSKY_HANDLE)
        return httpx.Response(200, json={
            "did": did, "handle": BSKY_HANDLE, "email": "team@example.org", "emailConfirmed": True,
            "accessJwt": self._access,
            "refreshJwt": jwt({"scope": "com.atproto.refresh", "sub": did, "exp": int(time.time()) + 86400}),
            "active": True,
            "didDoc": {"@context": ["https://www.w3.org/ns/did/v1"], "id": did,
                       "alsoKnownAs": [f"at://{BSKY_HANDLE}"],
                       "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                                    "serviceEndpoint": PDS}]}})

    @staticmethod
    def _sort_at(view: dict) -> str:
        return min(view["record"]["createdAt"], view["indexedAt"])

    def _search(self, params: httpx.QueryParams) -> httpx.Response:
        if not params.get("q"):
            return httpx.Response(400, json={"error": "InvalidRequest", "message": "q is required"})
        tags = [t.lower() for t in params.get_list("tag")]
        since, until = params.get("since"), params.get("until")
        limit = int(params.get("limit", 25))
        if not 1 <= limit <= 100:
            return httpx.Response(400, json={"error": "InvalidRequest", "message": "bad limit"})

        def has_tags(view: dict) -> bool:
            found = {f["features"][0].get("tag", "").lower() for f in view["record"].get("facets", [])}
            return all(t in found for t in tags)

        hits = [p for p in self.posts if p["uri"] not in self.deleted and has_tags(p)
                and (not since or self._sort_at(p) >= _norm(since))
                and (not until or self._sort_at(p) < _norm(until))]
        hits.sort(key=self._sort_at, reverse=True)
        offset = int(params.get("cursor") or 0)
        page = hits[offset:offset + limit]
        body: dict[str, Any] = {"posts": page, "hitsTotal": len(hits)}
        nxt = offset + len(page)
        if self.repeat_cursor and page:
            body["cursor"] = "0"
        elif nxt < len(hits) and (self.cursor_stops_after is None or nxt < self.cursor_stops_after):
            body["cursor"] = str(nxt)
        return httpx.Response(200, json=body)

    def _node(self, view: dict, depth: int) -> dict:
        uri = view["uri"]
        if uri in self.deleted:
            return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": True}
        if uri in self.blocked:
            return {"$type": "app.bsky.feed.defs#blockedPost", "uri": uri, "blocked": True,
                    "author": {"did": view["author"]["did"], "viewer": {"blockedBy": True}}}
        node: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": view}
        if depth > 0:
            node["replies"] = [self._node(p, depth - 1) for p in self.posts
                               if p["record"].get("reply", {}).get("parent", {}).get("uri") == uri]
        return node

    def _thread(self, params: httpx.QueryParams) -> httpx.Response:
        uri = params.get("uri")
        view = next((p for p in self.posts if p["uri"] == uri), None)
        if view is None or uri in self.deleted:
            return httpx.Response(400, json={"error": "NotFound", "message": f"Post not found: {uri}"})
        return httpx.Response(200, json={"thread": self._node(view, int(params.get("depth", 6)))})


def _norm(moment: str) -> str:
    """An ISO time as the fake compares them: milliseconds and Z."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return z(parsed)


# --- Mastodon servers, from the API documentation ----------------------------------------------


def snowflake(moment: datetime, salt: str = "") -> int:
    low = int(hashlib.sha256(salt.encode()).hexdigest()[:4], 16)
    return (int(moment.timestamp() * 1000) << 16) | low


@dataclass
class Toot:
    origin: str  # the author's server
    user: str
    html: str
    created: datetime
    servers: set[str]  # every server that knows it (the origin among them)
    tags: list[str]
    reply_to: Toot | None = None
    visibility: str = "public"
    language: str | None = "en"
    name: str = ""
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (user, server)
    spoiler: str = ""
    favourites: int = 0
    salt: str = ""  # what makes its id, fixed when it is made (an edit keeps the id)

    @property
    def origin_id(self) -> int:
        return snowflake(self.created, f"{self.origin}/{self.user}/{self.salt or self.html}")

    @property
    def uri(self) -> str:
        return f"https://{self.origin}/users/{self.user}/statuses/{self.origin_id}"

    @property
    def url(self) -> str:
        return f"https://{self.origin}/@{self.user}/{self.origin_id}"

    def local_id(self, host: str) -> str:
        if host == self.origin:
            return str(self.origin_id)
        return str(snowflake(self.created, f"{host}:{self.uri}"))


def account_json(host: str, user: str, origin: str, name: str = "") -> dict:
    local = host == origin
    return {"id": str(int(hashlib.sha256(f"{host}:{user}@{origin}".encode()).hexdigest()[:12], 16)),
            "username": user, "acct": user if local else f"{user}@{origin}",
            "display_name": name or user.title(), "locked": False, "bot": False,
            "url": f"https://{origin}/@{user}", "avatar": f"https://files.{origin}/avatars/{user}.png",
            "note": f"<p>{user} on {origin}</p>", "followers_count": 12, "following_count": 3,
            "statuses_count": 40, "created_at": "2022-11-01T00:00:00.000Z", "fields": [], "emojis": []}


@dataclass
class FakeMastodon:
    """Several Mastodon servers, each knowing the statuses that reached it."""

    toots: list[Toot] = field(default_factory=list)
    restricted: dict[str, int] = field(default_factory=dict)  # host -> 401 or 422 for logged-out readers
    announce_restriction: set[str] = field(default_factory=set)  # hosts whose /api/v2/instance says so
    tokens: dict[str, str] = field(default_factory=dict)  # host -> the token it accepts
    gone: dict[str, int] = field(default_factory=dict)  # uri -> 404 or 410
    faults: dict[tuple[str, str], list[Any]] = field(default_factory=list)  # type: ignore[assignment]
    calls: list[requests.PreparedRequest] = field(default_factory=list)
    max_characters: int = 500

    def __post_init__(self) -> None:
        self.faults = {}

    def toot(self, account: str, text: str, moment: datetime, *, servers: tuple[str, ...] = (),
             reply_to: Toot | None = None, html: str | None = None, **extra: Any) -> Toot:
        user, origin = account.split("@")
        tags = [t.lower() for t in re.findall(r"#(\w+)", text)]
        mentions = [tuple(m.split("@")) for m in re.findall(r"@(\w+@[\w.-]+\w)", text)]
        if html is None:
            body = re.sub(r"#(\w+)", lambda m: f'<a href="https://{origin}/tags/{m.group(1).lower()}" '
                          f'class="mention hashtag" rel="tag">#<span>{m.group(1)}</span></a>', text)
            body = re.sub(r"@(\w+)@([\w.-]+\w)", lambda m: f'<span class="h-card" translate="no"><a '
                          f'href="https://{m.group(2)}/@{m.group(1)}" class="u-url mention">@<span>'
                          f'{m.group(1)}</span></a></span>', body)
            html = f"<p>{body}</p>"
        toot = Toot(origin, user, html, moment, {origin, *servers}, tags, reply_to,
                    mentions=mentions, salt=html, **extra)  # type: ignore[arg-type]
        self.toots.append(toot)
        return toot

    def install(self, rsps: responses.RequestsMock) -> FakeMastodon:
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, re.compile(r"https://[^/]+/api/.*"), callback=self.handle)
        return self

    def fault(self, host: str, endpoint: str, *items: Any) -> None:
        self.faults.setdefault((host, endpoint), []).extend(items)

    def requests(self, endpoint: str, host: str | None = None) -> list[requests.PreparedRequest]:
        return [r for r in self.calls if _endpoint(r.path_url) == endpoint
                and (host is None or urllib.parse.urlsplit(r.url).hostname == host)]

    def json(self, toot: Toot, host: str) -> dict:
        local = {t.uri: t for t in self.toots if host in t.servers}
        parent = toot.reply_to if toot.reply_to is not None and toot.reply_to.uri in local else None
        return {
            "id": toot.local_id(host), "uri": toot.uri, "url": toot.url, "created_at": z(toot.created),
            "edited_at": None, "account": account_json(host, toot.user, toot.origin, toot.name),
            "content": toot.html, "visibility": toot.visibility, "sensitive": bool(toot.spoiler),
            "spoiler_text": toot.spoiler, "media_attachments": [], "application": None,
            "mentions": [{"id": account_json(host, u, s)["id"], "username": u,
                          "acct": u if s == host else f"{u}@{s}", "url": f"https://{s}/@{u}"}
                         for u, s in toot.mentions],
            "tags": [{"name": t, "url": f"https://{host}/tags/{t}"} for t in toot.tags], "emojis": [],
            "reblogs_count": 0, "favourites_count": toot.favourites, "replies_count": 0,
            "in_reply_to_id": parent.local_id(host) if parent else None,
            "in_reply_to_account_id": (account_json(host, parent.user, parent.origin)["id"]
                                       if parent else None),
            "reblog": None, "poll": None, "card": None, "language": toot.language}

    def handle(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        self.calls.append(request)
        parts = urllib.parse.urlsplit(request.url)
        host, endpoint = parts.hostname or "", _endpoint(parts.path)
        query = urllib.parse.parse_qs(parts.query)
        queued = self.faults.get((host, endpoint)) or []
        if queued:
            item = queued.pop(0)
            if isinstance(item, Exception):
                raise item
            status, headers, body = item
            return status, headers, json.dumps(body)
        auth = request.headers.get("Authorization")
        if auth is not None and auth != f"Bearer {self.tokens.get(host)}":
            return 401, {}, json.dumps({"error": "The access token is invalid"})
        logged_in = auth is not None
        if endpoint == "instance":
            feeds = "authenticated" if host in self.announce_restriction else "public"
            return 200, {}, json.dumps({
                "domain": host, "title": host, "version": "4.5.0", "source_url": "https://github.com/mastodon/mastodon",
                "description": "", "usage": {"users": {"active_month": 100}},
                "configuration": {"urls": {"streaming": f"wss://{host}"},
                                  "statuses": {"max_characters": self.max_characters,
                                               "max_media_attachments": 4,
                                               "characters_reserved_per_url": 23},
                                  "timelines_access": {"live_feeds": {"local": feeds, "remote": feeds},
                                                       "hashtag_feeds": {"local": feeds, "remote": feeds},
                                                       "trending_link_feeds": {"local": "public",
                                                                               "remote": "public"}}},
                "registrations": {"enabled": True, "approval_required": False}})
        known = [t for t in self.toots if host in t.servers]
        if endpoint == "timeline":
            if host in self.restricted and not logged_in:
                code = self.restricted[host]
                return code, {}, json.dumps({"error": "This method requires an authenticated user"})
            tag = urllib.parse.unquote(parts.path.rsplit("/", 1)[-1]).lower()
            limit = min(int(query.get("limit", ["20"])[0]), 40)
            hits = [t for t in known if tag in t.tags and t.visibility == "public" and t.uri not in self.gone]
            hits.sort(key=lambda t: int(t.local_id(host)), reverse=True)
            if "max_id" in query:
                hits = [t for t in hits if int(t.local_id(host)) < int(query["max_id"][0])]
            if "since_id" in query:
                hits = [t for t in hits if int(t.local_id(host)) > int(query["since_id"][0])]
            if "min_id" in query:
                hits = [t for t in hits if int(t.local_id(host)) > int(query["min_id"][0])][-limit:]
            page = hits[:limit]
            headers = {}
            if page:
                base = f"https://{host}/api/v1/timelines/tag/{tag}"
                headers["Link"] = (f'<{base}?max_id={page[-1].local_id(host)}>; rel="next", '
                                   f'<{base}?min_id={page[0].local_id(host)}>; rel="prev"')
            return 200, headers, json.dumps([self.json(t, host) for t in page])
        match = re.match(r"/api/v1/statuses/(\d+)(/context)?$", parts.path)
        if match:
            toot = next((t for t in known if t.local_id(host) == match.group(1)), None)
            if toot is None or toot.uri in self.gone:
                code = self.gone.get(toot.uri, 404) if toot else 404
                return code, {}, json.dumps({"error": "Record not found"})
            if match.group(2):
                def below(parent: Toot) -> Iterator[Toot]:
                    for child in sorted(known, key=lambda t: t.created):
                        if child.reply_to is parent and child.uri not in self.gone:
                            yield child
                            yield from below(child)

                ancestors = []
                node = toot.reply_to
                while node is not None and host in node.servers:
                    ancestors.insert(0, node)
                    node = node.reply_to
                return 200, {}, json.dumps({"ancestors": [self.json(t, host) for t in ancestors],
                                            "descendants": [self.json(t, host) for t in below(toot)]})
            return 200, {}, json.dumps(self.json(toot, host))
        return 404, {}, json.dumps({"error": "Not found"})


def _endpoint(path: str) -> str:
    path = path.split("?")[0]
    if path.startswith("/api/v2/instance"):
        return "instance"
    if path.startswith("/api/v1/timelines/tag/"):
        return "timeline"
    if path.endswith("/context"):
        return "context"
    if path.startswith("/api/v1/statuses/"):
        return "status"
    return path


# --- hubs ------------------------------------------------------------------------------------------

CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-05-14 13:00
timezone: America/New_York
duration: 60
networks: [x, bluesky, mastodon]
mastodon_instances: [mastodon.social, hachyderm.io, fosstodon.org]
host:
  handle: "@HostCo"
  bluesky: hostco.bsky.social
  mastodon: "@hostco@mastodon.social"
  name: Host Co
moderators:
  - handle: "@modma"
    bluesky: modma.bsky.social
    mastodon: "@modma@hachyderm.io"
    name: Mod Ma
guests:
  - handle: "@lena"
    bluesky: lena.bsky.social
    mastodon: "@lena@fosstodon.org"
    name: Lena Sørensen
questions:
  - "How long a lease would you sign?"
  - "What clause saved you?"
"""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Credentials for Bluesky, none for X or Mastodon; sleeping recorded, not done."""
    monkeypatch.setenv("CHATHUB_NOW", NOW)
    monkeypatch.setenv("BSKY_HANDLE", BSKY_HANDLE)
    monkeypatch.setenv("BSKY_APP_PASSWORD", BSKY_PASSWORD)
    for name in ("X_BEARER_TOKEN", "BSKY_SERVICE", "MASTODON_TOKEN_MASTODON_SOCIAL",
                 "MASTODON_TOKEN_HACHYDERM_IO", "MASTODON_TOKEN_FOSSTODON_ORG"):
        monkeypatch.delenv(name, raising=False)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


@pytest.fixture
def hub(make_hub, env):
    hub = make_hub({"timezone": "America/New_York"}, {"site_url": "https://example.org/hub/"})
    hub.add_chat(SLUG, CHAT)
    return hub


@pytest.fixture
def bsky() -> Iterator[FakeBluesky]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield FakeBluesky().install(router)


@pytest.fixture
def masto() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon().install(rsps)


def stored(hub, network: str, slug: str = SLUG) -> dict:
    suffix = {"bluesky": "bsky", "mastodon": "mastodon", "x": "tweets"}[network]
    return json.loads((hub.chats / f"{slug}.{suffix}.json").read_text(encoding="utf-8"))


def raw(hub, network: str, slug: str = SLUG) -> bytes | None:
    suffix = {"bluesky": "bsky", "mastodon": "mastodon", "x": "tweets"}[network]
    path = hub.chats / f"{slug}.{suffix}.json"
    return path.read_bytes() if path.exists() else None


def bsky_chat(fake: FakeBluesky, answers: int = 0) -> dict[str, dict]:
    """A small Bluesky chat: Q1 by the host, answers, a reply without the hashtag, Q2 by the moderator."""
    q1 = fake.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5))
    a1 = fake.post("ana.bsky.social", "A1 Ten years 🏢 #Tenants", at(7), likes=4, reply_to=q1)
    nested = fake.post("bo.bsky.social", "Why ten?", at(8), reply_to=a1)
    deeper = fake.post("ana.bsky.social", "Stability. It compounds.", at(9), reply_to=nested)
    plain = fake.post("cy.bsky.social", "Three, with a break", at(10), reply_to=q1)
    q2 = fake.post("modma.bsky.social", "Q2 What clause saved you? #Tenants", at(30))
    for n in range(answers):
        fake.post(f"p{n}.bsky.social", f"A2 The break clause, says {n} #Tenants", at(31 + n * 0.1))
    return {"q1": q1, "a1": a1, "nested": nested, "deeper": deeper, "plain": plain, "q2": q2}


# --- Bluesky capture ---------------------------------------------------------------------------


def test_bluesky_fetch_logs_in_once_searches_the_window_by_tag_and_reads_question_threads(
        hub, run_cli, bsky):
    posts = bsky_chat(bsky, answers=130)  # more than one page of 100
    bsky.post("zed.bsky.social", "Early bird #Tenants", at(-60))  # before the window
    bsky.post("zed.bsky.social", "Late #Tenants", at(200))  # after it
    bsky.post("zed.bsky.social", "Another chat #Landlords", at(20))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert len(bsky.requests("createSession")) == 1
    searches = bsky.requests("searchPosts")
    assert len(searches) >= 2
    for request in searches:
        params = request.url.params
        assert params.get_list("tag") == ["Tenants"]  # the hashtag without '#'
        assert params["sort"] == "latest" and int(params["limit"]) <= 100
        assert _norm(params["since"]) == z(at(-15))  # fetch_before 15 minutes
        assert _norm(params["until"]) <= z(at(60 + 30))  # fetch_after 30 minutes
        assert request.headers["authorization"].startswith("Bearer ")
    assert all(str(r.url).startswith(PDS) for r in bsky.calls if "createSession" not in str(r.url))
    assert searches[1].url.params.get("cursor")
    doc = stored(hub, "bluesky")
    assert set(doc) == {"posts", "meta"}
    uris = [p["uri"] for p in doc["posts"]]
    assert len(uris) == len(set(uris)) == 6 + 130
    created = [p["record"]["createdAt"] for p in doc["posts"]]
    assert created == sorted(created)  # oldest first
    for key in ("nested", "deeper", "plain"):  # replies without the hashtag, at any depth
        assert posts[key]["uri"] in uris
    threads = [r.url.params["uri"] for r in bsky.requests("getPostThread")]
    assert sorted(threads) == sorted([posts["q1"]["uri"], posts["q2"]["uri"]])
    assert doc["meta"]["complete"] is True
    assert doc["posts"][0] == next(p for p in bsky.posts if p["uri"] == uris[0])  # the raw post view
    assert "free" in out.lower()


def test_bluesky_refetch_is_deterministic_and_merges(hub, run_cli, bsky):
    bsky_chat(bsky, answers=5)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    first = raw(hub, "bluesky")
    assert run_cli("fetch", SLUG, "--network", "bluesky", "--refresh")[0] == 0
    assert raw(hub, "bluesky") == first
    # A post deleted upstream is not dropped by a merge: only comply removes posts.
    bsky.deleted.add(bsky.posts[-1]["uri"])
    assert run_cli("fetch", SLUG, "--network", "bluesky", "--refresh")[0] == 0
    assert bsky.posts[-1]["uri"] in {p["uri"] for p in stored(hub, "bluesky")["posts"]}


def test_bluesky_a_cursor_that_stops_short_does_not_lose_older_posts(hub, run_cli, bsky):
    bsky_chat(bsky, answers=250)
    bsky.cursor_stops_after = 100  # the cursor gives out after one full page
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert len(stored(hub, "bluesky")["posts"]) == 256


def test_bluesky_a_cursor_that_repeats_stops_and_writes_nothing(hub, run_cli, bsky):
    bsky_chat(bsky, answers=150)
    bsky.repeat_cursor = True
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 1
    assert "cursor" in err and "Bluesky" in err
    assert raw(hub, "bluesky") is None
    assert not [p for p in hub.chats.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]


def test_bluesky_deleted_and_blocked_posts_in_a_thread_are_skipped(hub, run_cli, bsky):
    posts = bsky_chat(bsky)
    bsky.blocked.add(posts["nested"]["uri"])  # its replies are hidden behind the block
    gone = bsky.post("dee.bsky.social", "I take it back", at(11), reply_to=posts["q1"])
    bsky.deleted.add(gone["uri"])
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    uris = {p["uri"] for p in stored(hub, "bluesky")["posts"]}
    assert posts["plain"]["uri"] in uris and posts["a1"]["uri"] in uris
    assert posts["nested"]["uri"] not in uris and gone["uri"] not in uris


def test_bluesky_a_deleted_question_post_does_not_fail_the_fetch(hub, run_cli, bsky):
    posts = bsky_chat(bsky)
    # The question was found by the search, then deleted before its thread was read.
    bsky.fault("app.bsky.feed.getPostThread",
               (400, {}, {"error": "NotFound", "message": f"Post not found: {posts['q1']['uri']}"}))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert stored(hub, "bluesky")["meta"]["complete"] is True


def test_bluesky_a_complete_transcript_makes_no_request_not_even_a_login(hub, run_cli, bsky):
    bsky_chat(bsky)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    before = len(bsky.calls)
    first = raw(hub, "bluesky")
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0 and "complete" in out
    code, out, err = run_cli("fetch", "--due", "--network", "bluesky")
    assert code == 0
    assert len(bsky.calls) == before
    assert raw(hub, "bluesky") == first


def test_bluesky_max_posts_caps_the_run_and_the_next_run_resumes(hub, run_cli, bsky):
    bsky_chat(bsky, answers=150)
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky", "--max-posts", "60")
    assert code == 0, err
    doc = stored(hub, "bluesky")
    assert doc["meta"]["complete"] is False and 0 < len(doc["posts"]) <= 60
    searches_before = len(bsky.requests("searchPosts"))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert len(stored(hub, "bluesky")["posts"]) == 156
    assert stored(hub, "bluesky")["meta"]["complete"] is True
    # The second run did not read the first 60 again from the newest end.
    later = bsky.requests("searchPosts")[searches_before:]
    assert _norm(later[0].url.params["until"]) < z(at(90))


def secret_forms(secret: str) -> set[str]:
    return {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], urllib.parse.quote(secret, safe=""),
            urllib.parse.quote_plus(secret)}


def assert_no_secret(texts: list[str], *secrets: str) -> None:
    for text in texts:
        for secret in secrets:
            for form in secret_forms(secret):
                assert form not in text, f"a form of a secret leaked: {form!r}"


@pytest.mark.parametrize("missing", [["BSKY_HANDLE"], ["BSKY_APP_PASSWORD"],
                                     ["BSKY_HANDLE", "BSKY_APP_PASSWORD"]])
def test_bluesky_without_credentials_names_the_variables_and_requests_nothing(
        hub, run_cli, bsky, monkeypatch, missing):
    bsky_chat(bsky)
    for name in missing:
        monkeypatch.delenv(name)
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 2
    for name in missing:
        assert name in err
    assert not bsky.calls and raw(hub, "bluesky") is None


def test_bluesky_a_refused_login_is_explained_and_the_password_never_shown(hub, run_cli, bsky, caplog):
    caplog.set_level("DEBUG")
    bsky_chat(bsky)
    bsky.password = "another-one"
    bsky.echo_password_on_refusal = True  # a server that quotes what it was sent
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 1
    assert "BSKY_APP_PASSWORD" in err or "password" in err.lower()
    assert raw(hub, "bluesky") is None
    assert_no_secret([out, err, caplog.text], BSKY_PASSWORD)


def test_bluesky_the_password_with_odd_characters_is_sent_exactly_and_never_shown(hub, run_cli, bsky, caplog):
    caplog.set_level("DEBUG")
    bsky_chat(bsky)
    bsky.fault("app.bsky.feed.searchPosts", (500, {}, {"error": "InternalServerError",
                                                         "message": f"oops {BSKY_PASSWORD}"}))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    login = json.loads(bsky.requests("createSession")[0].content)
    assert login == {"identifier": BSKY_HANDLE, "password": BSKY_PASSWORD} or (
        login["identifier"] == BSKY_HANDLE and login["password"] == BSKY_PASSWORD)
    assert_no_secret([out, err, caplog.text, raw(hub, "bluesky").decode()], BSKY_PASSWORD,
                     FakeBluesky._access)


@pytest.mark.parametrize("headers", [
    {"ratelimit-reset": "soon", "ratelimit-remaining": "zero", "ratelimit-limit": "3000"},
    {"ratelimit-reset": str(int(time.time()) + 10 * 86400)},  # a reset ten days ahead
    {"ratelimit-reset": "-5"},
    {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"},
    {},
])
def test_bluesky_429_with_odd_headers_waits_a_bounded_time_and_goes_on(hub, run_cli, bsky, env, headers):
    bsky_chat(bsky)
    bsky.fault("app.bsky.feed.searchPosts", (429, headers, {"error": "RateLimitExceeded",
                                                            "message": "Rate Limit Exceeded"}))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert "429" in err or "rate limit" in err.lower()
    assert env and all(0 < s <= 15 * 60 for s in env)
    assert stored(hub, "bluesky")["meta"]["complete"] is True


def test_bluesky_rate_limit_on_every_try_gives_up_in_bounded_time(hub, run_cli, bsky, env):
    bsky_chat(bsky)
    reset = str(int(time.time()) + 600)
    bsky.fault("app.bsky.feed.searchPosts",
               *[(429, {"ratelimit-reset": reset}, {"error": "RateLimitExceeded"})] * 40)
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 1
    assert sum(env) <= 60 * 60 + 1 and len(env) <= 12
    assert raw(hub, "bluesky") is None


def test_bluesky_server_errors_are_retried_then_stop_leaving_the_file_byte_identical(hub, run_cli, bsky, env):
    bsky_chat(bsky)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    before = raw(hub, "bluesky")
    bsky.post("late.bsky.social", "A2 late answer #Tenants", at(40))
    bsky.fault("app.bsky.feed.searchPosts", (502, {}, {"error": "UpstreamFailure"}), (503, {}, {}),
               httpx.ConnectError("connection reset"), (500, {}, {"error": "InternalServerError"}))
    env.clear()
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky", "--refresh")
    assert code == 1
    assert env == [2.0, 4.0, 8.0]
    assert raw(hub, "bluesky") == before
    assert not [p for p in hub.chats.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]


def test_bluesky_a_dropped_connection_is_retried_and_the_fetch_succeeds(hub, run_cli, bsky, env):
    bsky_chat(bsky)
    bsky.fault("app.bsky.feed.getPostThread", httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("eof"))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert env[:2] == [2.0, 4.0]


def test_bluesky_one_login_for_several_chats(hub, run_cli, bsky):
    bsky_chat(bsky)
    hub.add_chat("tenants-2026-05-15", CHAT.replace("2026-05-14", "2026-05-15"))
    bsky.post("ana.bsky.social", "A1 next day #Tenants", at(24 * 60 + 7))
    code, out, err = run_cli("fetch", SLUG, "tenants-2026-05-15", "--network", "bluesky")
    assert code == 0, err
    assert len(bsky.requests("createSession")) == 1
    assert len(stored(hub, "bluesky", "tenants-2026-05-15")["posts"]) == 1


def test_bluesky_fetch_waits_for_the_transcript_lock_then_gives_up_writing_nothing(
        hub, run_cli, bsky, monkeypatch):
    bsky_chat(bsky)
    monkeypatch.setenv("CHATHUB_LOCK_TIMEOUT", "0.2")
    lock = hub.chats / f".{SLUG}.bsky.json.lock"
    with open(lock, "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 1
    assert f"{SLUG}.bsky.json" in err
    assert raw(hub, "bluesky") is None


# --- Mastodon capture --------------------------------------------------------------------------


def masto_chat(fake: FakeMastodon) -> dict[str, Toot]:
    """Q1 on mastodon.social, seen on the other servers too; answers that reached only some servers."""
    all3 = ("hachyderm.io", "fosstodon.org")
    q1 = fake.toot("hostco@mastodon.social", "Q1 How long a lease would you sign? #Tenants", at(5),
                   servers=all3)
    a1 = fake.toot("fran@fosstodon.org", "A1 Five years #Tenants", at(6), servers=("mastodon.social",))
    only_h = fake.toot("gus@hachyderm.io", "A1 Two years, then we see #Tenants", at(7))
    reply = fake.toot("bo@fosstodon.org", "@hostco@mastodon.social Three, with a break", at(8), reply_to=q1,
                      servers=("mastodon.social",))
    deeper = fake.toot("hostco@mastodon.social", "@bo@fosstodon.org why a break?", at(9), reply_to=reply,
                       servers=("fosstodon.org",))
    q2 = fake.toot("modma@hachyderm.io", "Q2 What clause saved you? #Tenants", at(30),
                   servers=("mastodon.social",))
    early = fake.toot("zed@mastodon.social", "too early #Tenants", at(-60))
    late = fake.toot("zed@mastodon.social", "too late #Tenants", at(200))
    return {"q1": q1, "a1": a1, "only_h": only_h, "reply": reply, "deeper": deeper, "q2": q2,
            "early": early, "late": late}


def test_mastodon_fetch_reads_every_server_merges_by_uri_and_keeps_the_window(hub, run_cli, masto):
    toots = masto_chat(masto)
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    doc = stored(hub, "mastodon")
    assert set(doc) == {"statuses", "meta"}
    uris = [s["uri"] for s in doc["statuses"]]
    assert len(uris) == len(set(uris))
    want = {toots[k].uri for k in ("q1", "a1", "only_h", "reply", "deeper", "q2")}
    assert set(uris) == want
    assert [s["created_at"] for s in doc["statuses"]] == sorted(s["created_at"] for s in doc["statuses"])
    for host in ("mastodon.social", "hachyderm.io", "fosstodon.org"):
        timeline = masto.requests("timeline", host)
        assert timeline, host
        assert int(urllib.parse.parse_qs(urllib.parse.urlsplit(timeline[0].url).query)["limit"][0]) <= 40
    # Every status records the server it was read from, whose id it carries.
    for status in doc["statuses"]:
        toot = next(t for t in masto.toots if t.uri == status["uri"])
        assert status["read_from"] in toot.servers
        assert status["id"] == toot.local_id(status["read_from"])
    assert doc["meta"]["complete"] is True
    assert "free" in out.lower()


def test_mastodon_timeline_is_bounded_to_the_window_by_ids_made_from_times(hub, run_cli, masto):
    masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    first = masto.requests("timeline", "mastodon.social")[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(first.url).query)
    upper = int(query["max_id"][0])
    lower = int(query.get("min_id", query.get("since_id"))[0])
    to_time = lambda ident: datetime.fromtimestamp((ident >> 16) / 1000, UTC)  # noqa: E731
    assert abs(to_time(upper) - at(90)) <= timedelta(seconds=1)
    assert abs(to_time(lower) - at(-15)) <= timedelta(seconds=1)


@pytest.mark.parametrize("how", ["401", "422", "announced"])
def test_mastodon_a_restricted_server_is_named_skipped_and_the_others_read(hub, run_cli, masto, how):
    toots = masto_chat(masto)
    if how == "announced":
        masto.announce_restriction.add("hachyderm.io")
    masto.restricted["hachyderm.io"] = 422 if how == "422" else 401
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert "hachyderm.io" in err and "MASTODON_TOKEN_HACHYDERM_IO" in err
    uris = {s["uri"] for s in stored(hub, "mastodon")["statuses"]}
    assert toots["a1"].uri in uris and toots["only_h"].uri not in uris


def test_mastodon_a_token_reads_the_restricted_server_logged_in(hub, run_cli, masto, monkeypatch, caplog):
    caplog.set_level("DEBUG")
    toots = masto_chat(masto)
    masto.restricted["hachyderm.io"] = 401
    masto.announce_restriction.add("hachyderm.io")
    masto.tokens["hachyderm.io"] = MASTO_TOKEN
    monkeypatch.setenv("MASTODON_TOKEN_HACHYDERM_IO", MASTO_TOKEN)
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert toots["only_h"].uri in {s["uri"] for s in stored(hub, "mastodon")["statuses"]}
    assert all(r.headers.get("Authorization") == f"Bearer {MASTO_TOKEN}"
               for r in masto.requests("timeline", "hachyderm.io"))
    assert all("Authorization" not in r.headers for r in masto.requests("timeline", "mastodon.social"))
    assert_no_secret([out, err, caplog.text, raw(hub, "mastodon").decode()], MASTO_TOKEN)


def test_mastodon_token_variable_of_a_host_with_hyphens(hub, run_cli, masto, monkeypatch):
    hub.add_chat(SLUG, CHAT.replace("[mastodon.social, hachyderm.io, fosstodon.org]",
                                    "[mstdn-social.example.net]")
                 .replace('"@hostco@mastodon.social"', '"@hostco@mstdn-social.example.net"'))
    masto.toot("hostco@mstdn-social.example.net", "Q1 How long? #Tenants", at(5))
    masto.restricted["mstdn-social.example.net"] = 401
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 1 and "MASTODON_TOKEN_MSTDN_SOCIAL_EXAMPLE_NET" in err
    masto.tokens["mstdn-social.example.net"] = MASTO_TOKEN
    monkeypatch.setenv("MASTODON_TOKEN_MSTDN_SOCIAL_EXAMPLE_NET", MASTO_TOKEN)
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert len(stored(hub, "mastodon")["statuses"]) == 1


def test_mastodon_when_no_server_can_be_read_the_fetch_fails_and_writes_nothing(hub, run_cli, masto):
    masto_chat(masto)
    masto.restricted.update({"mastodon.social": 401, "hachyderm.io": 422, "fosstodon.org": 401})
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 1
    assert raw(hub, "mastodon") is None
    for host in ("mastodon.social", "hachyderm.io", "fosstodon.org"):
        assert host in err


def test_mastodon_replies_of_question_posts_without_the_hashtag_at_any_depth(hub, run_cli, masto):
    toots = masto_chat(masto)
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    uris = {s["uri"] for s in stored(hub, "mastodon")["statuses"]}
    assert toots["reply"].uri in uris and toots["deeper"].uri in uris
    assert masto.requests("context")
    # A reply read on one server finds its parent through the ids kept per server.
    doc = stored(hub, "mastodon")
    reply = next(s for s in doc["statuses"] if s["uri"] == toots["reply"].uri)
    assert reply["in_reply_to_id"] is not None
    q1 = next(s for s in doc["statuses"] if s["uri"] == toots["q1"].uri)
    assert reply["in_reply_to_id"] in {q1["id"], *(q1.get("local_ids") or {}).values()}


def test_mastodon_a_server_down_among_several_fails_the_run_without_touching_the_file(
        hub, run_cli, masto, env):
    """A server that stays down is a fault like any 5xx (the issue: "every fault of the X issue holds
    for each network"): retried, then the run stops and names it; nothing is half-written."""
    masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    before = raw(hub, "mastodon")
    masto.fault("fosstodon.org", "timeline", *[(503, {}, {"error": "Service Unavailable"})] * 4)
    env.clear()
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon", "--refresh")
    assert code == 1
    assert "fosstodon.org" in err
    assert env == [2.0, 4.0, 8.0]
    assert raw(hub, "mastodon") == before


def test_mastodon_a_server_that_cannot_be_reached_is_retried(hub, run_cli, masto, env):
    masto_chat(masto)
    masto.fault("hachyderm.io", "timeline", requests.ConnectionError("Name or service not known"))
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert env == [2.0]


@pytest.mark.parametrize("headers", [
    {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "not a date"},
    {"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "-1"},
    {"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z", "X-RateLimit-Remaining": "0",
     "X-RateLimit-Limit": "300"},
    {"X-RateLimit-Reset": "1999-01-01T00:00:00.000Z"},
    {},
])
def test_mastodon_429_with_odd_headers_waits_a_bounded_time_and_goes_on(hub, run_cli, masto, env, headers):
    masto_chat(masto)
    masto.fault("mastodon.social", "timeline", (429, headers, {"error": "Too many requests"}))
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert "429" in err or "rate limit" in err.lower()
    assert env and all(0 < s <= 15 * 60 for s in env)


def test_mastodon_a_complete_transcript_makes_no_request(hub, run_cli, masto):
    masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    before, first = len(masto.calls), raw(hub, "mastodon")
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    assert run_cli("fetch", "--due", "--network", "mastodon")[0] == 0
    assert len(masto.calls) == before and raw(hub, "mastodon") == first


def test_mastodon_max_posts_stops_and_the_next_run_continues(hub, run_cli, masto):
    for n in range(100):
        masto.toot(f"p{n}@mastodon.social", f"A1 answer {n} #Tenants", at(10 + n * 0.2))
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon", "--max-posts", "40")
    assert code == 0, err
    doc = stored(hub, "mastodon")
    assert doc["meta"]["complete"] is False and len(doc["statuses"]) <= 40
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert len(stored(hub, "mastodon")["statuses"]) == 100


# --- comply ----------------------------------------------------------------------------------------


def test_comply_bluesky_asks_get_posts_25_at_a_time_and_removes_the_deleted(hub, run_cli, bsky):
    bsky_chat(bsky, answers=54)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    gone = [bsky.posts[3]["uri"], bsky.posts[40]["uri"]]
    bsky.deleted.update(gone)
    bsky.posts[10]["likeCount"] = 99
    code, out, err = run_cli("comply", SLUG, "--network", "bluesky")
    assert code == 0, err
    lookups = bsky.requests("getPosts")
    assert [len(r.url.params.get_list("uris")) for r in lookups] == [25, 25, 10]
    doc = stored(hub, "bluesky")
    assert len(doc["posts"]) == 58 and not {p["uri"] for p in doc["posts"]} & set(gone)
    assert next(p for p in doc["posts"] if p["uri"] == bsky.posts[10]["uri"])["likeCount"] == 99
    assert "free" in out.lower()


def test_comply_mastodon_asks_the_server_each_status_was_read_from(hub, run_cli, masto):
    toots = masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    masto.gone[toots["a1"].uri] = 404
    masto.gone[toots["only_h"].uri] = 410
    masto.calls.clear()
    code, out, err = run_cli("comply", SLUG, "--network", "mastodon")
    assert code == 0, err
    uris = {s["uri"] for s in stored(hub, "mastodon")["statuses"]}
    assert toots["a1"].uri not in uris and toots["only_h"].uri not in uris and toots["q1"].uri in uris
    for status in stored(hub, "mastodon")["statuses"]:
        asked = [r for r in masto.requests("status", status["read_from"])
                 if r.path_url.endswith(f"/{status['id']}")]
        assert asked, status["uri"]


def test_comply_mastodon_a_server_that_is_down_keeps_its_statuses_and_the_others_are_checked(
        hub, run_cli, masto, env):
    """README: "A server that cannot say (restricted, down) keeps its statuses, and the report says
    how many were not confirmed"; deletions the other servers report are still honoured, and the
    exit code says that a server failed."""
    toots = masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    by_server = {s["uri"]: s["read_from"] for s in stored(hub, "mastodon")["statuses"]}
    on_h = {u for u, host in by_server.items() if host == "hachyderm.io"}
    gone_elsewhere = {u for u, host in by_server.items() if host != "hachyderm.io"} - {toots["q1"].uri}
    assert on_h and gone_elsewhere
    for uri in on_h | gone_elsewhere:
        masto.gone[uri] = 404
    masto.fault("hachyderm.io", "status", *[(503, {}, {"error": "down"})] * 40)
    code, out, err = run_cli("comply", SLUG, "--network", "mastodon")
    assert code == 1
    uris = {s["uri"] for s in stored(hub, "mastodon")["statuses"]}
    assert on_h <= uris  # hachyderm.io could not say: kept
    assert not uris & gone_elsewhere  # the others' deletions are honoured
    assert "hachyderm.io" in err
    assert f"{len(on_h)} not confirmed" in out
    # A server that is down costs its retries once, not once per status.
    assert len(masto.requests("status", "hachyderm.io")) == 4


def test_comply_a_fault_on_one_chat_does_not_stop_the_others(hub, run_cli, masto, env):
    other = "tenants-2026-05-15"
    hub.add_chat(other, CHAT.replace("2026-05-14", "2026-05-15").replace(
        "[mastodon.social, hachyderm.io, fosstodon.org]", "[fosstodon.org]"))
    masto_chat(masto)
    late = masto.toot("fran@fosstodon.org", "A1 day two #Tenants", at(24 * 60 + 7))
    assert run_cli("fetch", SLUG, other, "--network", "mastodon")[0] == 0
    (hub.chats / f"{SLUG}.mastodon.json").write_text("{broken", encoding="utf-8")
    masto.gone[late.uri] = 410
    code, out, err = run_cli("comply", "--network", "mastodon")
    assert code == 1 and f"{SLUG}.mastodon.json" in err
    assert stored(hub, "mastodon", other)["statuses"] == []


def test_comply_without_bluesky_login_names_the_variables(hub, run_cli, bsky, monkeypatch):
    bsky_chat(bsky)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    monkeypatch.delenv("BSKY_APP_PASSWORD")
    before = len(bsky.calls)
    code, out, err = run_cli("comply", SLUG, "--network", "bluesky")
    assert code == 2 and "BSKY_APP_PASSWORD" in err and len(bsky.calls) == before


def test_comply_bluesky_failure_leaves_the_file_byte_identical(hub, run_cli, bsky, env):
    bsky_chat(bsky, answers=30)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    before = raw(hub, "bluesky")
    bsky.deleted.add(bsky.posts[0]["uri"])
    bsky.fault("app.bsky.feed.getPosts", (200, {}, {"posts": []}), *[(500, {}, {})] * 4)
    code, out, err = run_cli("comply", SLUG, "--network", "bluesky")
    assert code == 1
    assert raw(hub, "bluesky") == before


# --- one fetch, every network --------------------------------------------------------------------

X_TOKEN = "AAAAbearer%2Bsecret-Zx81"


def x_post(ident: int, user: tuple[str, str], text: str, moment: datetime, **extra: Any) -> dict:
    post = {"id": str(ident), "text": text, "author_id": user[0], "created_at": z(moment),
            "conversation_id": str(extra.pop("conversation_id", ident)), "lang": extra.pop("lang", "en"),
            "edit_history_tweet_ids": [str(ident)],
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": extra.pop("likes", 0),
                               "quote_count": 0, "impression_count": 10}}
    tags = [{"start": m.start(), "end": m.end(), "tag": m.group()[1:]} for m in re.finditer(r"#\w+", text)]
    if tags:
        post["entities"] = {"hashtags": tags}
    post.update(extra)
    return post


X_USERS = {"hostco": ("101", "HostCo"), "ana": ("202", "ana_x"), "lena": ("303", "lena")}


def x_document(posts: list[dict]) -> dict:
    users = [{"id": i, "username": u, "name": u.title()} for i, u in X_USERS.values()]
    return {"data": posts, "includes": {"users": users}, "meta": {"result_count": len(posts)}}


@dataclass
class FakeX:
    posts: list[dict] = field(default_factory=list)
    calls: list[requests.PreparedRequest] = field(default_factory=list)

    def install(self, rsps: responses.RequestsMock) -> FakeX:
        rsps.add_callback(responses.GET, re.compile(r"https://api\.(twitter|x)\.com/2/.*"),
                          callback=self.handle)
        return self

    def handle(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        self.calls.append(request)
        if request.headers.get("Authorization") != f"Bearer {X_TOKEN}":
            return 401, {}, json.dumps({"title": "Unauthorized", "status": 401})
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query).get("query", [""])[0]
        if "conversation_id:" in query:
            return 200, {}, json.dumps({"meta": {"result_count": 0}})
        return 200, {}, json.dumps(x_document(list(reversed(self.posts))))


def test_fetch_reads_every_network_of_the_chat_and_prints_each_networks_cost(
        hub, run_cli, bsky, monkeypatch):
    bsky_chat(bsky)
    x = FakeX()
    fake = FakeMastodon()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        x.install(rsps)
        fake.install(rsps)
        masto_chat(fake)
        x.posts = [x_post(1790000000000000001, X_USERS["hostco"], "Q1 How long? #Tenants", at(5)),
                   x_post(1790000000000000002, X_USERS["ana"], "A1 Five #Tenants", at(6))]
        monkeypatch.setenv("X_BEARER_TOKEN", X_TOKEN)
        code, out, err = run_cli("fetch", SLUG)
    assert code == 0, err
    assert raw(hub, "x") and raw(hub, "bluesky") and raw(hub, "mastodon")
    assert re.search(r"\$\d+\.\d\d", out)  # X's cost, in dollars
    assert "$0.005" in out or "0.005" in out
    lines = out.lower().splitlines()
    assert any("bluesky" in line and "free" in line for line in lines)
    assert any("mastodon" in line and "free" in line for line in lines)


def test_a_network_without_credentials_does_not_stop_the_others(hub, run_cli, bsky, masto):
    bsky_chat(bsky)
    masto_chat(masto)
    code, out, err = run_cli("fetch", SLUG)  # no X_BEARER_TOKEN
    assert code == 2 and "X_BEARER_TOKEN" in err
    assert raw(hub, "x") is None
    assert raw(hub, "bluesky") and raw(hub, "mastodon")


def test_a_failing_network_does_not_stop_the_others_and_leaves_its_file_alone(
        hub, run_cli, bsky, masto, env):
    bsky_chat(bsky)
    masto_chat(masto)
    bsky.fault("com.atproto.server.createSession", *[(503, {}, {"error": "Unavailable"})] * 4)
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky,mastodon")
    assert code == 1
    assert raw(hub, "bluesky") is None and raw(hub, "mastodon")


@pytest.mark.parametrize("flags, want", [
    (["--network", "bluesky"], {"bluesky"}),
    (["--network", "mastodon", "--network", "bluesky"], {"bluesky", "mastodon"}),
    (["--network", "Bluesky,mastodon"], {"bluesky", "mastodon"}),
])
def test_network_flag_chooses_the_networks(hub, run_cli, bsky, masto, flags, want):
    bsky_chat(bsky)
    masto_chat(masto)
    code, out, err = run_cli("fetch", SLUG, *flags)
    assert code == 0, err
    assert {n for n in ("x", "bluesky", "mastodon") if raw(hub, n)} == want


def test_network_flag_rejects_an_unknown_network_and_a_network_the_chat_is_not_on(hub, run_cli, bsky, masto):
    code, out, err = run_cli("fetch", SLUG, "--network", "myspace")
    assert code == 2 and "myspace" in err
    hub.add_chat("only-x", CHAT.replace("networks: [x, bluesky, mastodon]", "networks: [x]"))
    code, out, err = run_cli("fetch", "only-x", "--network", "bluesky")
    assert code == 2 and "only-x" in err
    assert not bsky.calls and not masto.calls


def test_count_says_the_free_networks_have_no_counts_and_reads_nothing(hub, run_cli, bsky, masto):
    bsky_chat(bsky)
    code, out, err = run_cli("fetch", SLUG, "--count", "--network", "bluesky,mastodon")
    assert code == 0, err
    assert "Bluesky" in out and "Mastodon" in out and "free" in out.lower()
    assert not bsky.calls and not masto.calls
    assert raw(hub, "bluesky") is None and raw(hub, "mastodon") is None


def test_due_holds_per_network(hub, run_cli, bsky, masto):
    bsky_chat(bsky)
    masto_chat(masto)
    assert run_cli("fetch", "--due", "--network", "bluesky")[0] == 0
    assert raw(hub, "bluesky") and raw(hub, "mastodon") is None
    bsky.calls.clear()
    code, out, err = run_cli("fetch", "--due", "--network", "bluesky,mastodon")
    assert code == 0, err
    assert not bsky.calls  # Bluesky is complete: no login
    assert raw(hub, "mastodon")
    # An upcoming chat and a draft are never due.
    hub.add_chat("later", CHAT.replace("2026-05-14", "2026-07-14"))
    hub.add_chat("drafty", CHAT.replace("2026-05-14", "2026-05-13") + "status: draft\n")
    masto.calls.clear()
    code, out, err = run_cli("fetch", "--due", "--network", "bluesky,mastodon")
    assert code == 0 and not bsky.calls and not masto.calls


# --- import by shape -------------------------------------------------------------------------------


def write(path: Path, value: Any, lines: bool = False) -> Path:
    if lines:
        path.write_text("".join(json.dumps(v) + "\n" for v in value), encoding="utf-8")
    else:
        path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return path


def thread_response(fake: FakeBluesky, root: dict) -> dict:
    return {"thread": fake._node(root, 1000)}


@pytest.mark.parametrize("shape", ["search", "thread", "list", "jsonl", "getposts", "thread-jsonl"])
def test_import_bluesky_by_shape(hub, run_cli, tmp_path, shape):
    fake = FakeBluesky()
    posts = bsky_chat(fake, answers=3)
    everything = sorted(fake.posts, key=lambda p: p["record"]["createdAt"], reverse=True)
    half = len(everything) // 2
    pages = [{"posts": everything[:half], "cursor": "2026-05-14T17:20:00.000Z::3l"},
             {"posts": everything[half:]}]
    if shape == "search":
        files = [write(tmp_path / "page1.json", pages[0]), write(tmp_path / "page2.json", pages[1])]
        want = {p["uri"] for p in everything}
    elif shape == "thread":
        files = [write(tmp_path / "thread.json", thread_response(fake, posts["q1"]))]
        want = {posts[k]["uri"] for k in ("q1", "a1", "nested", "deeper", "plain")}
    elif shape == "list":
        files = [write(tmp_path / "pages.json", pages)]
        want = {p["uri"] for p in everything}
    elif shape == "jsonl":
        files = [write(tmp_path / "pages.jsonl", pages, lines=True)]
        want = {p["uri"] for p in everything}
    elif shape == "getposts":
        files = [write(tmp_path / "posts.json", {"posts": everything[:2]})]
        want = {p["uri"] for p in everything[:2]}
    else:
        files = [write(tmp_path / "threads.jsonl", [thread_response(fake, posts["q1"]),
                                                     thread_response(fake, posts["q2"])], lines=True)]
        want = {posts[k]["uri"] for k in ("q1", "a1", "nested", "deeper", "plain", "q2")}
    code, out, err = run_cli("import", SLUG, *map(str, files))
    assert code == 0, err
    doc = stored(hub, "bluesky")
    assert {p["uri"] for p in doc["posts"]} == want
    times = [p["record"]["createdAt"] for p in doc["posts"]]
    assert times == sorted(times)
    assert raw(hub, "x") is None and raw(hub, "mastodon") is None
    assert f"{SLUG}.bsky.json" in out


@pytest.mark.parametrize("shape", ["timeline", "context", "jsonl", "context-jsonl"])
def test_import_mastodon_by_shape(hub, run_cli, tmp_path, shape):
    fake = FakeMastodon()
    toots = masto_chat(fake)
    host = "fosstodon.org"
    timeline = [fake.json(t, host) for t in sorted(fake.toots, key=lambda t: -t.created.timestamp())
                if host in t.servers and t.tags]
    q1 = next(t for t in fake.toots if t is toots["q1"])
    context = {"ancestors": [], "descendants": [fake.json(t, host) for t in fake.toots
                                                if t.reply_to is not None and host in t.servers]}
    if shape == "timeline":
        files = [write(tmp_path / "timeline.json", timeline)]
        want = {s["uri"] for s in timeline}
    elif shape == "context":
        files = [write(tmp_path / "context.json", context)]
        want = {s["uri"] for s in context["descendants"]}
    elif shape == "jsonl":
        # Paged to the end: the last page of a timeline is empty, and so may be the first
        # (a page newer than anything yet).
        files = [write(tmp_path / "pages.jsonl", [[], timeline[:1], timeline[1:], []], lines=True)]
        want = {s["uri"] for s in timeline}
    else:
        files = [write(tmp_path / "both.jsonl", [timeline, context], lines=True)]
        want = {s["uri"] for s in timeline} | {s["uri"] for s in context["descendants"]}
    assert want
    code, out, err = run_cli("import", SLUG, *map(str, files))
    assert code == 0, err
    doc = stored(hub, "mastodon")
    assert {s["uri"] for s in doc["statuses"]} == want
    # The server a file was read from is the one of its local accounts.
    assert {s["read_from"] for s in doc["statuses"]} == {host}
    assert raw(hub, "x") is None and raw(hub, "bluesky") is None
    assert q1.uri in {s["uri"] for s in doc["statuses"]} or shape == "context"


def test_import_a_single_mastodon_status_list_of_one_and_the_network_flag(hub, run_cli, tmp_path):
    fake = FakeMastodon()
    toot = fake.toot("hostco@mastodon.social", "Q1 How long? #Tenants", at(5))
    path = write(tmp_path / "one.json", [fake.json(toot, "mastodon.social")])
    code, out, err = run_cli("import", SLUG, str(path), "--network", "mastodon")
    assert code == 0, err
    assert [s["uri"] for s in stored(hub, "mastodon")["statuses"]] == [toot.uri]
    # Said outright, a shape of the wrong network is an error that writes nothing.
    code, out, err = run_cli("import", SLUG, str(path), "--network", "bluesky")
    assert code != 0 and "one.json" in err and raw(hub, "bluesky") is None


def test_import_keeps_stored_posts_and_merges_once_by_uri(hub, run_cli, tmp_path):
    fake = FakeBluesky()
    bsky_chat(fake)
    first = write(tmp_path / "a.json", {"posts": fake.posts[:4]})
    second = write(tmp_path / "b.json", {"posts": fake.posts[2:]})
    assert run_cli("import", SLUG, str(first))[0] == 0
    assert run_cli("import", SLUG, str(second))[0] == 0
    uris = [p["uri"] for p in stored(hub, "bluesky")["posts"]]
    assert sorted(uris) == sorted(p["uri"] for p in fake.posts)
    again = raw(hub, "bluesky")
    assert run_cli("import", SLUG, str(second))[0] == 0
    assert raw(hub, "bluesky") == again  # the same file twice changes nothing


@pytest.mark.parametrize("content, where", [
    ('{"posts": [{"uri": "at://did:plc:x/app.bsky.feed.post/1", "record": {"text": "hi"', "1"),
    ('{"posts": []}\n{"posts": [\n', "2"),
    ('[{"uri": "https://mastodon.social/users/a/statuses/1", "content": "<p>x</p>", "account": {}, '
     '"created_at": "2026-05-14T17:05:00.000Z", "id": "1"}]\nnot json', "2"),
])
def test_import_a_broken_file_names_the_file_and_line_and_writes_nothing(hub, run_cli, tmp_path, content,
                                                                         where):
    path = tmp_path / "broken.jsonl"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli("import", SLUG, str(path))
    assert code != 0
    assert f"broken.jsonl:{where}" in err
    assert not any(raw(hub, n) for n in ("x", "bluesky", "mastodon"))
    assert "Traceback" not in err


def test_import_files_of_two_networks_at_once_is_refused(hub, run_cli, tmp_path):
    fb, fm = FakeBluesky(), FakeMastodon()
    bsky_chat(fb)
    toot = fm.toot("hostco@mastodon.social", "Q1 How long? #Tenants", at(5))
    one = write(tmp_path / "b.json", {"posts": fb.posts})
    two = write(tmp_path / "m.json", [fm.json(toot, "mastodon.social")])
    code, out, err = run_cli("import", SLUG, str(one), str(two))
    assert code != 0 and "b.json" in err and "m.json" in err
    assert raw(hub, "bluesky") is None and raw(hub, "mastodon") is None


def test_import_window_and_complete_on_bluesky(hub, run_cli, tmp_path, bsky):
    fake = FakeBluesky()
    bsky_chat(fake)
    fake.post("zed.bsky.social", "way before #Tenants", at(-600))
    path = write(tmp_path / "all.json", {"posts": fake.posts})
    code, out, err = run_cli("import", SLUG, str(path), "--window", "--complete")
    assert code == 0, err
    doc = stored(hub, "bluesky")
    assert len(doc["posts"]) == 6 and doc["meta"]["complete"] is True
    # Complete: fetch --due leaves Bluesky alone, without a login.
    code, out, err = run_cli("fetch", "--due", "--network", "bluesky")
    assert code == 0 and not bsky.calls


# --- the invite kit per network ----------------------------------------------------------------

import regex  # noqa: E402  (the grapheme clusters Bluesky and Mastodon count)
from twitter_text import parse_tweet  # noqa: E402

KIT_CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-12-10 13:00
timezone: America/New_York
networks: [bluesky, x, mastodon]
mastodon_instances: [hachyderm.io, mastodon.social]
host:
  handle: "@HostCo"
  bluesky: hostco.bsky.social
  mastodon: "@hostco@mastodon.social"
  name: Host Co
guests:
  - handle: "@lena"
    bluesky: lena.bsky.social
    name: Lena
    bio: Tenant-side broker
questions:
  - "How long a lease would you sign?"
  - "Which clause saved you 👨‍👩‍👧‍👦?"
"""


def bluesky_count(text: str) -> int:
    return len(regex.findall(r"\X", text))


def mastodon_count(text: str) -> int:
    text = re.sub(r"(?<![\w@])(@\w+)@[\w.-]+\w", r"\1", text)
    text = re.sub(r"https?://\S+", "x" * 23, text)
    return len(regex.findall(r"\X", text))


def kit(run_cli, slug: str = "kit") -> list[dict]:
    code, out, err = run_cli("invite", slug, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def kit_hub(make_hub, env):
    hub = make_hub({"timezone": "America/New_York"}, {"site_url": "https://example.org/hub/"})
    hub.add_chat("kit", KIT_CHAT)
    return hub


def test_invite_json_has_a_network_for_every_item_in_the_chats_order(kit_hub, run_cli):
    items = kit(run_cli)
    posts = [i for i in items if i["kind"] not in ("blog", "email")]
    assert {i["network"] for i in posts} == {"x", "bluesky", "mastodon"}
    for item in items:
        if item["kind"] in ("blog", "email"):
            assert item["network"] is None and item["length"] is None and item["limit"] is None
            assert item["weighted_length"] is None
        else:
            assert item["channel"] == item["network"]
    # Each post once per network, in the order of the chat's networks: bluesky, x, mastodon.
    kinds = [(i["kind"], i["label"]) for i in posts]
    for start in range(0, len(posts), 3):
        assert [i["network"] for i in posts[start:start + 3]] == ["bluesky", "x", "mastodon"]
        assert len(set(kinds[start:start + 3])) == 1
    assert sum(1 for i in posts if i["kind"] == "question") == 2 * 3


def test_invite_counts_each_post_as_its_network_counts(kit_hub, run_cli):
    for item in kit(run_cli):
        text, network = item["text"], item["network"]
        if network == "x":
            assert item["length"] == item["weighted_length"] == parse_tweet(text).weightedLength
            assert item["limit"] == 280
        elif network == "bluesky":
            assert item["length"] == bluesky_count(text) and item["limit"] == 300
            assert item["weighted_length"] is None
        elif network == "mastodon":
            assert item["length"] == mastodon_count(text) and item["limit"] == 500
        if network:
            assert item["length"] <= item["limit"]
            assert "#Tenants" in text


def test_invite_names_people_by_their_account_on_each_network(kit_hub, run_cli):
    intros = {i["network"]: i["text"] for i in kit(run_cli) if i["kind"] == "guest-intro"}
    assert "@lena.bsky.social" in intros["bluesky"] and "@lena" in intros["x"]
    # Lena has no Mastodon account: she is named, once, and nobody is mentioned for her.
    assert "Lena" in intros["mastodon"] and "@" not in intros["mastodon"]
    assert "Lena (Lena)" not in intros["mastodon"]
    welcome = {i["network"]: i["text"] for i in kit(run_cli) if i["kind"] == "welcome"}
    assert "@hostco@mastodon.social" in welcome["mastodon"] and "@hostco.bsky.social" in welcome["bluesky"]
    # On X a post never starts with '@'; elsewhere nothing demands the leading period.
    assert not any(i["text"].startswith("@") for i in kit(run_cli) if i["network"] == "x")


def test_invite_an_emoji_family_is_one_grapheme_on_bluesky_and_two_characters_on_x(kit_hub, run_cli):
    q2 = {i["network"]: i for i in kit(run_cli) if i["kind"] == "question" and i["label"] == "Q2"}
    family = "👨‍👩‍👧‍👦"
    assert family in q2["bluesky"]["text"]
    without = q2["bluesky"]["text"].replace(family, "")
    assert q2["bluesky"]["length"] == bluesky_count(without) + 1
    assert q2["mastodon"]["length"] == mastodon_count(q2["mastodon"]["text"].replace(family, "")) + 1
    assert q2["x"]["length"] == parse_tweet(q2["x"]["text"]).weightedLength


def test_invite_long_texts_are_checked_against_each_networks_limit(kit_hub, run_cli):
    # 290 graphemes of question: fits nowhere with the label and the hashtag on X (280) nor on
    # Bluesky (300 with the rest of the post), fits Mastodon (500).
    long = "Is " + "a very long clause " * 15 + "okay"
    text = KIT_CHAT.replace('"How long a lease would you sign?"', json.dumps(long))
    kit_hub.add_chat("kit", text)
    code, out, err = run_cli("check")
    assert code == 1
    assert re.search(r"chats/kit\.yml:\d+:\d+: question 1 does not fit in its Q1 post", out + err)
    assert "Bluesky" in out + err
    # Only on Mastodon: it fits.
    kit_hub.add_chat("kit", text.replace("networks: [bluesky, x, mastodon]", "networks: [mastodon]")
                     .replace('  handle: "@HostCo"\n', "").replace('  - handle: "@lena"\n    bluesky',
                                                                   '  - mastodon: "@lena@fosstodon.org"\n'
                                                                   '    bluesky'))
    code, out, err = run_cli("check")
    assert code == 0, out + err


def test_invite_x_280_checks_apply_only_to_chats_on_x(kit_hub, run_cli):
    # 285 weighted characters on X, 285 graphemes on Bluesky.
    override = "Q1 " + "y" * 270 + " #Tenants"
    assert parse_tweet(override).weightedLength > 280 and bluesky_count(override) <= 300
    body = KIT_CHAT + f"invite:\n  q1: {json.dumps(override)}\n"
    kit_hub.add_chat("kit", body)
    code, out, err = run_cli("check")
    assert code == 1 and "q1" in out + err
    kit_hub.add_chat("kit", body.replace("networks: [bluesky, x, mastodon]", "networks: [bluesky]"))
    code, out, err = run_cli("check")
    assert code == 0, out + err
    q1 = [i for i in kit(run_cli) if i["label"] == "Q1"]
    assert [i["network"] for i in q1] == ["bluesky"] and q1[0]["text"] == override


def test_invite_mastodon_counts_urls_as_23_and_mentions_by_their_local_part(kit_hub, run_cli):
    url = "https://example.org/a/very/long/path/that/goes/on/and/on/for/ever/and/ever?with=query#frag"
    text = f"Join @hostco@mastodon.social and @lena.bsky.social at {url} #Tenants"
    kit_hub.add_chat("kit", KIT_CHAT + f"invite:\n  announce: {json.dumps(text)}\n")
    announce = {i["network"]: i for i in kit(run_cli) if i["kind"] == "announce"}
    masto = announce["mastodon"]
    assert masto["text"] == text
    assert masto["length"] == len("Join @hostco and @lena.bsky.social at ") + 23 + len(" #Tenants")
    assert announce["bluesky"]["length"] == len(text)  # Bluesky counts links in full


def test_invite_mastodon_max_characters_option(make_hub, env, run_cli):
    hub = make_hub({"mastodon_max_characters": 1000})
    hub.add_chat("kit", KIT_CHAT)
    assert {i["limit"] for i in kit(run_cli) if i["network"] == "mastodon"} == {1000}


def test_invite_page_post_this_links_per_network(kit_hub, run_cli):
    site = kit_hub.build()
    page = BeautifulSoup((site / "chats/kit/invite/index.html").read_text(encoding="utf-8"), "html.parser")
    texts = {(i["network"], i["kind"], i["label"]): i["text"] for i in kit(run_cli) if i["network"]}
    seen = {"x": 0, "bluesky": 0, "mastodon": 0}
    for link in page.find_all("a", href=True):
        href = link["href"]
        parts = urllib.parse.urlsplit(href)
        query = urllib.parse.parse_qs(parts.query)
        if href.startswith("https://x.com/intent/post?"):
            network = "x"
        elif href.startswith("https://bsky.app/intent/compose?"):
            network = "bluesky"
        elif parts.netloc == "hachyderm.io" and parts.path == "/share":
            network = "mastodon"
        else:
            assert "/share" not in parts.path and "intent" not in parts.path, href
            continue
        assert query["text"][0] in {t for (n, _, _), t in texts.items() if n == network}
        seen[network] += 1
    per_network = sum(1 for n, _, _ in texts if n == "x")
    assert seen == {"x": per_network, "bluesky": per_network, "mastodon": per_network}
    for network in ("x", "bluesky", "mastodon"):
        assert page.find(id=f"promotion-{network}") and page.find(id=f"run-sheet-{network}")
        assert page.select(f'[data-network="{network}"]')


# --- chat files --------------------------------------------------------------------------------

BASE = """title: "Leases"
hashtag: "#Tenants"
start: 2026-12-10 13:00
timezone: America/New_York
"""


def problems(run_cli) -> list[str]:
    code, out, err = run_cli("check")
    return [line for line in (out + err).splitlines() if re.match(r"chats/\S+\.yml:\d+:\d+: ", line)
            and "warning" not in line]


def located(lines: list[str], line: int, *words: str) -> bool:
    return any(f":{line}:" in text and all(w.lower() in text.lower() for w in words) for text in lines)


def test_networks_default_to_x_and_a_chat_or_the_plugin_can_change_them(make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat("plain", BASE + 'host: "@HostCo"\n')
    items = kit(run_cli, "plain")
    assert {i["network"] for i in items} == {"x", None}
    hub = make_hub({"networks": ["bluesky", "mastodon"], "mastodon_instances": ["hachyderm.io"]})
    hub.add_chat("plain", BASE + 'host:\n  bluesky: hostco.bsky.social\n  mastodon: "@hostco@hachyderm.io"\n')
    items = kit(run_cli, "plain")
    assert [i["network"] for i in items if i["kind"] == "announce"] == ["bluesky", "mastodon"]
    share = next(i for i in items if i["network"] == "mastodon")
    assert share["network"] == "mastodon"
    hub.add_chat("plain", BASE + "networks: [x]\nhost: \"@HostCo\"\n")
    assert {i["network"] for i in kit(run_cli, "plain")} == {"x", None}


def test_every_network_problem_is_located_and_reported_at_once(make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat("bad", BASE + textwrap.dedent("""\
        networks: [x, blusky, mastodon, x]
        mastodon_instances: [mastodon.social, "https://hachyderm.io", "not a host", localhost]
        host:
          handle: "@HostCo"
          bluesky: "host co.bsky.social"
          mastodon: "@hostco"
        moderators:
          - bluesky: mod.bsky.social
          - mastodon: "https://mastodon.social/@mod"
        guests:
          - name: Nobody
          - handle: "@guest"
            bluesky: "@guest.bsky.social"
            mastodon: "@guest@fosstodon.org"
        """))
    lines = problems(run_cli)
    assert located(lines, 5, "blusky", "bluesky")  # unknown network, with the close one
    assert located(lines, 5, "'x'", "twice")  # and, in the same list, a repeated one
    assert located(lines, 6, "https://hachyderm.io")
    assert located(lines, 6, "not a host")
    assert located(lines, 9, "host co.bsky.social")
    assert located(lines, 10, "@hostco")
    assert located(lines, 13, "mastodon.social/@mod")
    assert located(lines, 15, "account")  # a guest with no account at all
    assert not any(":16:" in line or ":17:" in line or ":18:" in line for line in lines)  # fine


def test_repeated_network_is_an_error_of_its_own(make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat("twice", BASE + 'networks: [bluesky, Bluesky]\nhost:\n  bluesky: h.bsky.social\n')
    assert located(problems(run_cli), 5, "twice")


@pytest.mark.parametrize("account, ok", [
    ("acme.bsky.social", True), ("@acme.bsky.social", True), ("Acme.Bsky.Social", True),
    ("acme.example.com", True), ("did:plc:ewvi7nxzyoun6zhxrhs64oiz", True),
    ("acme", False), ("acme.bsky.social.", False), ("-acme.bsky.social", False), ("acme..social", False),
    ("https://bsky.app/profile/acme.bsky.social", False), ("acme.123", False), ("ac me.bsky.social", False),
])
def test_bluesky_handles_are_domain_names(make_hub, env, run_cli, account, ok):
    hub = make_hub()
    hub.add_chat("one", BASE + f"networks: [bluesky]\nhost:\n  bluesky: {json.dumps(account)}\n")
    lines = problems(run_cli)
    assert (not lines) == ok, lines
    if not ok:
        assert located(lines, 7, "bluesky")


@pytest.mark.parametrize("account, ok", [
    ("@acme@mastodon.social", True), ("acme@mastodon.social", True), ("@Acme_1@Hachyderm.IO", True),
    ("@acme", False), ("acme", False), ("@acme@", False), ("@@acme@mastodon.social", False),
    ("https://mastodon.social/@acme", False), ("@acme@mastodon", False), ("@ac me@mastodon.social", False),
])
def test_mastodon_accounts_are_user_at_server(make_hub, env, run_cli, account, ok):
    hub = make_hub()
    hub.add_chat("one", BASE + f"networks: [mastodon]\nhost:\n  mastodon: {json.dumps(account)}\n")
    lines = problems(run_cli)
    assert (not lines) == ok, lines
    if not ok:
        assert located(lines, 7, "mastodon")


def test_a_person_needs_an_account_on_one_of_the_chats_networks(make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat("b", BASE + 'networks: [bluesky, mastodon]\nhost:\n  handle: "@HostCo"\n')
    assert located(problems(run_cli), 7, "account", "Bluesky", "Mastodon")
    hub.add_chat("b", BASE + 'networks: [bluesky, mastodon]\nhost:\n  mastodon: "@h@hachyderm.io"\n')
    assert not problems(run_cli)
    # A bare "@name" is an X handle: no account on Bluesky.
    hub.add_chat("b", BASE + 'networks: [bluesky]\nhost: "@HostCo"\n')
    assert located(problems(run_cli), 6, "Bluesky")


def test_an_x_handle_is_required_only_in_chats_on_x(make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat("b", BASE + 'networks: [x, bluesky]\nhost:\n  bluesky: h.bsky.social\n')
    assert located(problems(run_cli), 7, "X handle")
    hub.add_chat("b", BASE + 'networks: [bluesky]\nhost:\n  bluesky: h.bsky.social\n')
    assert not problems(run_cli)


@pytest.mark.parametrize("options, words", [
    ({"networks": ["x", "myspace"]}, ["networks", "myspace"]),
    ({"mastodon_instances": ["https://mastodon.social"]}, ["mastodon_instances"]),
])
def test_bad_plugin_options_are_reported(make_hub, env, run_cli, options, words):
    hub = make_hub(options)
    hub.add_chat("plain", BASE + 'host: "@HostCo"\n')
    code, out, err = run_cli("check")
    assert code != 0
    assert all(w in out + err for w in words)
    with pytest.raises(Exception) as failure:
        hub.build()
    assert all(w in str(failure.value) for w in words) or failure.type.__name__ in ("Abort", "SystemExit")


def test_mastodon_instances_per_chat_override_the_plugins(make_hub, env, run_cli, masto):
    hub = make_hub({"networks": ["mastodon"], "mastodon_instances": ["fosstodon.org"]})
    hub.add_chat("one", BASE.replace("2026-12-10", "2026-05-14") + 'host:\n  mastodon: "@h@fosstodon.org"\n')
    hub.add_chat("two", BASE.replace("2026-12-10", "2026-05-14").replace("#Tenants", "#Other")
                 + 'mastodon_instances: [hachyderm.io]\nhost:\n  mastodon: "@h@fosstodon.org"\n')
    assert run_cli("fetch", "one", "two")[0] == 0
    assert {urllib.parse.urlsplit(r.url).hostname for r in masto.requests("timeline")} == {
        "fosstodon.org", "hachyderm.io"}
    hosts = {urllib.parse.urlsplit(r.url).hostname: r.path_url for r in masto.requests("timeline")}
    assert "tenants" in hosts["fosstodon.org"].lower() and "other" in hosts["hachyderm.io"].lower()


# --- one archive from three networks --------------------------------------------------------------

EVIL_HTML = (
    '<p>A1 <script>alert("x")</script>Clean <a href="javascript:alert(1)">click</a> '
    '<a href="JaVaScRiPt&#58;alert(2)">two</a> <a href=" java\tscript:alert(3)">three</a> '
    '<img src=x onerror="alert(4)"><iframe src="https://evil.example"></iframe>'
    '<span style="position:fixed" onclick="alert(5)">styled</span> '
    '<span class="invisible">SECRET-HIDDEN</span><span><span class="invisible"><b>DEEP</b></span>ok</span> '
    '<a href="https://example.org/very/long/path" rel="nofollow noopener" target="_blank">'
    '<span class="invisible">https://</span><span class="ellipsis">example.org/very/lo</span>'
    '<span class="invisible">ng/path</span></a> '
    '<a href="https://fosstodon.org/tags/tenants" class="mention hashtag" rel="tag">#<span>Tenants</span></a>'
    '<style>body{display:none}</style><!-- a comment --></p><p>second&nbsp;para&amp;more</p>')


@pytest.fixture
def three(make_hub, env):
    """A chat that ran on X, Bluesky and Mastodon at once; Lena answers A1 on each network."""
    hub = make_hub({"timezone": "America/New_York"}, {"site_url": "https://example.org/hub/"})
    hub.add_chat(SLUG, CHAT)
    x = [x_post(1790000000000000001, X_USERS["hostco"], "Q1 How long a lease would you sign? #Tenants",
                at(5)),
         x_post(1790000000000000002, X_USERS["lena"], "A1 Five years on X #Tenants", at(6), likes=2),
         x_post(1790000000000000003, X_USERS["ana"], "A1 Ten, from X #Tenants", at(6.5)),
         x_post(1790000000000000004, X_USERS["hostco"], "Q2 What clause saved you? #Tenants", at(30))]
    (hub.chats / f"{SLUG}.tweets.json").write_text(json.dumps(x_document(x)), encoding="utf-8")

    b = FakeBluesky()
    q1 = b.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5.2), name="Host Co")
    b.post("lena.bsky.social", "A1 Dix ans, c'est la stabilité ! #Tenants", at(7), langs=["fr"], likes=3,
           name="Lena S.")
    b.post("ana.bsky.social", "A1 Ten, from Bluesky #Tenants", at(7.5))
    b.post("cy.bsky.social", "Three, with a break", at(8), reply_to=q1)
    b.post("handle.invalid", "A1 my handle broke #Tenants", at(9), did="did:plc:ewvi7nxzyoun6zhxrhs64oiz")
    fancy = "A1 Café ☕ ok #Tenants 👩‍👩‍👧 see https://example.org/x and @lena.bsky.social"
    b.post("dee.bsky.social", fancy, at(10), facets=[
        facet(fancy, "#Tenants", "tag", "Tenants"),
        facet(fancy, "https://example.org/x", "link", "https://example.org/x"),
        facet(fancy, "@lena.bsky.social", "mention", did_for("lena.bsky.social"))])
    broken = "A1 Überall 🇩🇪 links #Tenants"
    raw_b = broken.encode()
    b.post("eve.bsky.social", broken, at(11), facets=[
        {"index": {"byteStart": 3, "byteEnd": 4}, "features": [  # cuts "Ü" in half
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://cut.example"}]},
        {"index": {"byteStart": 0, "byteEnd": len(raw_b) + 40}, "features": [  # past the end
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://past.example"}]},
        {"index": {"byteStart": 12, "byteEnd": 26}, "features": [  # the flag and "links"
            {"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}]},
        facet(broken, "#Tenants", "tag", "Tenants"),
        {"index": {"byteStart": raw_b.index(b"#Tenants") + 2, "byteEnd": len(raw_b)}, "features": [
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://overlap.example"}]}])
    b.post("shy.bsky.social", "A1 please keep me off the web #Tenants", at(12),
           labels=[{"src": "did:plc:shy", "uri": "at://did:plc:shy/app.bsky.actor.profile/self",
                    "val": "!no-unauthenticated", "cts": "2024-01-01T00:00:00.000Z"}])
    b.post("modma.bsky.social", "Q2 What clause saved you? #Tenants", at(30.2))
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")

    m = FakeMastodon()
    mq1 = m.toot("hostco@mastodon.social", "Q1 How long a lease would you sign? #Tenants", at(5.4),
                 servers=("fosstodon.org",))
    m.toot("lena@fosstodon.org", "A1 Zehn Jahre, sicher #Tenants", at(8.5), language="de",
           servers=("mastodon.social",))
    m.toot("bo@fosstodon.org", "@hostco@mastodon.social Two at most", at(9), reply_to=mq1,
           servers=("mastodon.social",))
    m.toot("evil@fosstodon.org", "hostile", at(13), html=EVIL_HTML, servers=("mastodon.social",))
    m.toot("dm@fosstodon.org", "A1 a direct message #Tenants", at(14), visibility="direct")
    m.toot("priv@fosstodon.org", "A1 followers only #Tenants", at(14.5), visibility="private")
    statuses = [{**m.json(t, "mastodon.social"), "read_from": "mastodon.social",
                 "local_ids": {"mastodon.social": t.local_id("mastodon.social")}}
                for t in m.toots if "mastodon.social" in t.servers]
    statuses += [{**m.json(t, "fosstodon.org"), "read_from": "fosstodon.org",
                  "local_ids": {"fosstodon.org": t.local_id("fosstodon.org")}}
                 for t in m.toots if "mastodon.social" not in t.servers]
    (hub.chats / f"{SLUG}.mastodon.json").write_text(json.dumps({"statuses": statuses, "meta": {}}),
                                                     encoding="utf-8")
    hub.bsky, hub.masto = b, m
    hub.build()
    return hub


def page(hub, url: str) -> BeautifulSoup:
    return hub.html(url)


def test_archive_question_posts_of_every_network_lead_their_section(three):
    archive = page(three, f"chats/{SLUG}/archive/")
    q1 = archive.find(id="q1")
    hosts = q1.select("article.chathub-post-host")
    assert [a["data-network"] for a in hosts] == ["x", "bluesky", "mastodon"]
    q2 = archive.find(id="q2")
    assert {a["data-network"] for a in q2.select("article.chathub-post")} >= {"x", "bluesky"}


def test_archive_answers_are_recognised_on_every_network(three):
    q1 = page(three, f"chats/{SLUG}/archive/").find(id="q1")
    lena = [a for a in q1.select("article.chathub-post") if "lena" in a["data-author"].lower()]
    assert {a["data-network"] for a in lena} == {"x", "bluesky", "mastodon"}
    texts = q1.get_text(" ")
    for words in ("Five years on X", "Dix ans", "Zehn Jahre", "Ten, from Bluesky", "Three, with a break",
                  "Two at most", "my handle broke"):
        assert words in texts, words


def test_archive_posts_are_in_time_order_within_each_question(three):
    q1 = page(three, f"chats/{SLUG}/archive/").find(id="q1")
    top = [li.find("article", recursive=False) for li in q1.select_one("ol.chathub-thread").find_all(
        "li", recursive=False)]
    times = [a.find("time")["datetime"] for a in top if a is not None]
    assert times == sorted(times) and len(times) >= 6


def test_archive_view_on_links_and_profiles_follow_each_network(three):
    archive = page(three, f"chats/{SLUG}/archive/")
    for article in archive.select("article[data-network]"):
        network = article["data-network"]
        label = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon"}[network]
        view = [a for a in article.select("footer a") if a.get_text(strip=True) == f"View on {label}"]
        assert len(view) == 1, article
        href = view[0]["href"]
        time_link = article.select_one("a.chathub-post-time")["href"]
        assert href == time_link
        author = article.select_one("a.chathub-post-author")
        if network == "bluesky":
            assert re.fullmatch(r"https://bsky\.app/profile/[^/]+/post/[a-z2-7]{13}", href), href
            assert author["href"].startswith("https://bsky.app/profile/")
            assert article.find("svg", class_="chathub-bluesky-logo")
        elif network == "mastodon":
            assert re.fullmatch(r"https://[a-z.]+/@\w+/\d+", href), href
            assert re.fullmatch(r"https://[a-z.]+/@\w+", author["href"])
        else:
            assert re.fullmatch(r"https://x\.com/\w+/status/\d+", href)
    lena_b = next(a for a in archive.select('article[data-network="bluesky"]') if "Dix ans" in a.get_text())
    post = next(p for p in three.bsky.posts if "Dix ans" in p["record"]["text"])
    assert lena_b.select_one("a.chathub-post-time")["href"] == (
        f"https://bsky.app/profile/lena.bsky.social/post/{post['uri'].rsplit('/', 1)[1]}")
    assert lena_b.select_one("a.chathub-post-author")["href"] == "https://bsky.app/profile/lena.bsky.social"
    broken = next(a for a in archive.select('article[data-network="bluesky"]')
                  if "handle broke" in a.get_text())
    assert "/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/" in (
        broken.select_one("a.chathub-post-time")["href"])
    assert "handle.invalid" not in str(broken.select_one("a.chathub-post-time"))
    lena_m = next(a for a in archive.select('article[data-network="mastodon"]') if "Zehn" in a.get_text())
    toot = next(t for t in three.masto.toots if "Zehn" in t.html)
    assert lena_m.select_one("a.chathub-post-time")["href"] == toot.url
    assert lena_m.select_one("a.chathub-post-author")["href"] == "https://fosstodon.org/@lena"


def test_archive_facets_link_by_utf8_byte_offsets(three):
    archive = page(three, f"chats/{SLUG}/archive/")
    fancy = next(a for a in archive.select('article[data-network="bluesky"]') if "Café" in a.get_text())
    text = fancy.select_one("p.chathub-post-text")
    assert text.get_text() == "A1 Café ☕ ok #Tenants 👩‍👩‍👧 see https://example.org/x and @lena.bsky.social"
    links = {a.get_text(): a["href"] for a in text.find_all("a")}
    assert links["#Tenants"] == "https://bsky.app/hashtag/Tenants"
    assert links["https://example.org/x"] == "https://example.org/x"
    assert links["@lena.bsky.social"] == "https://bsky.app/profile/lena.bsky.social"


def test_archive_broken_overlapping_and_unsafe_facets_leave_the_text_whole_and_plain(three):
    archive = page(three, f"chats/{SLUG}/archive/")
    post = next(a for a in archive.select('article[data-network="bluesky"]') if "Überall" in a.get_text())
    text = post.select_one("p.chathub-post-text")
    assert text.get_text() == "A1 Überall 🇩🇪 links #Tenants"
    hrefs = [a["href"] for a in text.find_all("a")]
    assert not any(h.startswith(("https://cut", "https://past", "javascript")) for h in hrefs)
    assert "javascript" not in str(text).lower()
    assert "https://overlap.example" not in hrefs or "https://bsky.app/hashtag/Tenants" not in hrefs


def test_archive_posts_keep_their_language(three):
    archive = page(three, f"chats/{SLUG}/archive/")
    french = next(a for a in archive.select("article.chathub-post") if "Dix ans" in a.get_text())
    assert french.select_one("p.chathub-post-text")["lang"] == "fr"
    german = next(a for a in archive.select("article.chathub-post") if "Zehn" in a.get_text())
    assert german.select_one("p.chathub-post-text")["lang"] == "de"
    english = next(a for a in archive.select("article.chathub-post") if "Five years on X" in a.get_text())
    assert not english.select_one("p.chathub-post-text").get("lang")


def test_archive_leaves_out_posts_not_meant_for_the_public(three):
    archive = page(three, f"chats/{SLUG}/archive/").get_text(" ")
    assert "keep me off the web" not in archive  # !no-unauthenticated
    assert "a direct message" not in archive and "followers only" not in archive


def test_archive_sanitises_hostile_mastodon_html(three):
    html = (three.site / f"chats/{SLUG}/archive/index.html").read_text(encoding="utf-8")
    archive = BeautifulSoup(html, "html.parser")
    post = next(a for a in archive.select('article[data-network="mastodon"]') if "Clean" in a.get_text())
    text = post.select_one("p.chathub-post-text")
    shown = text.get_text()
    assert "alert" not in shown and "SECRET-HIDDEN" not in shown and "DEEP" not in shown
    assert "body{display:none}" not in shown and "a comment" not in shown
    assert "Clean click two three" in " ".join(shown.split())
    assert "styled" in shown and "ok" in shown
    assert "second\u00a0para&more" in shown or "second para&more" in shown.replace("\u00a0", " ")
    for element in text.find_all(True):
        assert element.name in ("a", "br", "span"), element.name
        assert not any(attr.startswith("on") or attr == "style" for attr in element.attrs)
        if element.name == "a":
            assert element["href"].startswith("https://")
    long = next(a for a in text.find_all("a") if a["href"] == "https://example.org/very/long/path")
    assert long.get_text().startswith("example.org/very/lo") and "https://" not in long.get_text()
    assert "<script" not in str(post).lower() and "javascript:" not in str(post).lower()
    assert "onerror" not in html and "evil.example" not in html


def test_recap_figures_per_network_and_in_total(three):
    recap = page(three, f"chats/{SLUG}/recap/")
    rows = {r["data-network"]: [int(td["data-value"]) for td in r.select("td[data-value]")]
            for r in recap.select("tr[data-network]")}
    assert set(rows) == {"x", "bluesky", "mastodon", "total"}
    assert rows["x"] == [4, 3]
    assert rows["bluesky"] == [8, 8]  # the author hidden from logged-out viewers is left out
    assert rows["mastodon"] == [4, 4]  # direct and followers-only statuses are left out
    assert rows["total"][0] == 16
    # hostco and lena post on all three networks, modma on one, ana on two undeclared accounts:
    # X hostco lena ana_x; Bluesky hostco lena ana cy did:plc dee eve modma; Mastodon hostco lena bo evil
    assert rows["total"][1] == 15 - 2 * 2


def test_people_joins_one_persons_declared_accounts_and_keeps_the_unknown_apart(three):
    people = page(three, "people/")
    rows = people.select("tr.chathub-person-row")
    lena = [r for r in rows if "lena" in r["data-author"].lower()]
    assert len(lena) == 1
    profiles = {a["href"] for a in lena[0].select("a[href^='https://']")}
    assert profiles == {"https://x.com/lena", "https://bsky.app/profile/lena.bsky.social",
                        "https://fosstodon.org/@lena"}
    others = {a["data-network"] for a in lena[0].select("a.chathub-other-account")}
    assert len(others) == 2 and others < {"x", "bluesky", "mastodon"}
    ana = [r for r in rows if "@ana" in r["data-author"].lower()]
    assert len(ana) == 2  # ana_x on X and ana.bsky.social are not declared as one person


# --- workflows -------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def workflow(name: str, root: Path = REPO / ".github" / "workflows") -> dict:
    doc = yaml.safe_load((root / name).read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))
    return doc


def chathub_steps(doc: dict) -> list[dict]:
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])
            if re.search(r"^\s*chathub (fetch|comply)\b", s.get("run", ""), re.MULTILINE)]


def run_step_with(step: dict, tmp_path: Path, env: dict[str, str]) -> list[str]:
    record = tmp_path / "argv"
    stub = 'chathub() { printf "%s\\n" "$@" > "$ARGV"; }\n'
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", stub + step["run"]],
                          env={"PATH": "/usr/bin:/bin", "ARGV": str(record), **env},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return record.read_text().splitlines()


@pytest.mark.parametrize("name", ["fetch.yml", "comply.yml"])
def test_workflows_pass_every_networks_secrets_and_cover_every_network(tmp_path, name):
    doc = workflow(name)
    [step] = chathub_steps(doc)
    env = step["env"]
    for secret in ("X_BEARER_TOKEN", "BSKY_HANDLE", "BSKY_APP_PASSWORD"):
        assert env[secret] == f"${{{{ secrets.{secret} }}}}"
    assert any(k.startswith("MASTODON_TOKEN_") and v == f"${{{{ secrets.{k} }}}}" for k, v in env.items())
    # No secret is passed to any other step, nor put in the job's or workflow's env.
    for job in doc["jobs"].values():
        assert "secrets." not in json.dumps(job.get("env", {}))
        for other in job.get("steps", []):
            if other is not step:
                assert "secrets." not in json.dumps(other)
    assert "secrets." not in json.dumps(doc.get("env", {}))
    argv = run_step_with(step, tmp_path, {"X_BEARER_TOKEN": "t", "BSKY_HANDLE": "h.bsky.social",
                                          "BSKY_APP_PASSWORD": "p", "MAX_POSTS": ""})
    networks = {argv[i + 1] for i, a in enumerate(argv) if a == "--network"}
    assert networks == {"x", "bluesky", "mastodon"} or "--network" not in argv
    from chathub.cli import build_parser

    build_parser().parse_args(argv)


@pytest.mark.parametrize("name", ["fetch.yml", "comply.yml"])
def test_workflows_commit_what_one_network_did_when_another_failed(name):
    doc = workflow(name)
    [step] = chathub_steps(doc)
    assert step.get("continue-on-error") is True
    job = next(j for j in doc["jobs"].values() if step in j.get("steps", []))
    after = job["steps"][job["steps"].index(step) + 1:]
    assert any("scripts/commit-transcripts" in s.get("run", "") and "if" not in s for s in after)
    # ...and the run is still marked failed.
    reporting = [j for j in doc["jobs"].values() if "exit 1" in json.dumps(j.get("steps", []))]
    assert reporting and "failure" in str(reporting[0].get("if"))


def test_chathub_init_ships_the_same_workflows(tmp_path, run_cli, env):
    code, out, err = run_cli("init", str(tmp_path / "new"), "--site-url", "https://example.org/new/")
    assert code == 0, err
    for name in ("fetch.yml", "comply.yml", "publish.yml"):
        assert (tmp_path / "new/.github/workflows" / name).read_bytes() == (
            REPO / ".github/workflows" / name).read_bytes()
    script = (tmp_path / "new/scripts/commit-transcripts").read_text()
    assert "bsky.json" in script and "mastodon.json" in script


# --- hide, highlights, leads across networks -----------------------------------------------------


def test_hide_lists_take_accounts_and_uris_of_every_network(three, run_cli):
    b_post = next(p for p in three.bsky.posts if "Ten, from Bluesky" in p["record"]["text"])
    toot = next(t for t in three.masto.toots if "Two at most" in t.html)
    chat = CHAT + textwrap.dedent(f"""\
        hide:
          - eve.bsky.social
          - "@evil@fosstodon.org"
          - {json.dumps(b_post["uri"])}
          - {json.dumps(toot.uri)}
        """)
    three.add_chat(SLUG, chat)
    three.build()
    html = "".join((three.site / p).read_text(encoding="utf-8") for p in (
        f"chats/{SLUG}/archive/index.html", f"chats/{SLUG}/recap/index.html", "people/index.html"))
    for hidden in ("Überall", "Clean", "eve.bsky.social", "evil@fosstodon.org", "Ten, from Bluesky",
                   "Two at most"):
        assert hidden not in html, hidden
    assert "Dix ans" in html and "Zehn Jahre" in html


def test_fetch_leaves_hidden_people_of_every_network_out_of_the_transcripts(hub, run_cli, bsky, masto):
    bsky_chat(bsky)
    masto_chat(masto)
    hub.add_chat(SLUG, CHAT + 'hide: ["ana.bsky.social", "@fran@fosstodon.org"]\n')
    assert run_cli("fetch", SLUG, "--network", "bluesky,mastodon")[0] == 0
    assert not [p for p in stored(hub, "bluesky")["posts"] if p["author"]["handle"] == "ana.bsky.social"]
    assert not [s for s in stored(hub, "mastodon")["statuses"] if s["account"]["username"] == "fran"]
    assert "ana.bsky.social" not in raw(hub, "bluesky").decode()


def test_highlights_take_a_bluesky_uri_and_a_mastodon_uri(three):
    b_post = next(p for p in three.bsky.posts if "Ten, from Bluesky" in p["record"]["text"])
    toot = next(t for t in three.masto.toots if "Two at most" in t.html)
    three.add_chat(SLUG, CHAT + f"highlights:\n  - {json.dumps(b_post['uri'])}\n  - {json.dumps(toot.uri)}\n")
    three.build()
    recap = page(three, f"chats/{SLUG}/recap/")
    q1 = recap.select("section.chathub-highlights h3#highlights-q1 + ul article.chathub-post")
    texts = [a.get_text(" ") for a in q1]
    assert any("Ten, from Bluesky" in t for t in texts[:2]) and any("Two at most" in t for t in texts[:2])


def test_leads_come_from_every_network(three, run_cli):
    b = three.bsky
    b.post("buyer.bsky.social", "A1 we are looking for a vendor, send pricing #Tenants", at(15))
    three.masto.toot("shopper@fosstodon.org", "A1 any demo? We need a quote #Tenants", at(16))
    m = three.masto
    (three.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}),
                                                   encoding="utf-8")
    statuses = [{**m.json(t, "fosstodon.org"), "read_from": "fosstodon.org"} for t in m.toots
                if "fosstodon.org" in t.servers]
    (three.chats / f"{SLUG}.mastodon.json").write_text(json.dumps({"statuses": statuses, "meta": {}}),
                                                       encoding="utf-8")
    code, out, err = run_cli("leads", SLUG)
    assert code == 0, err
    rows = {r["handle"]: r for r in __import__("csv").DictReader(out.splitlines())}
    assert rows["buyer.bsky.social"]["profile_url"] == "https://bsky.app/profile/buyer.bsky.social"
    assert rows["shopper@fosstodon.org"]["profile_url"] == "https://fosstodon.org/@shopper"
    assert "https://bsky.app/profile/buyer.bsky.social/post/" in rows["buyer.bsky.social"]["post_urls"]
    assert rows["buyer.bsky.social"]["network"] == "bluesky"
    assert rows["shopper@fosstodon.org"]["network"] == "mastodon"
    assert "hostco" not in " ".join(rows)  # the team is never a lead


def test_leads_of_x_say_their_network_in_the_last_column(three, run_cli):
    (three.chats / f"{SLUG}.tweets.json").write_text(json.dumps(x_document([
        x_post(1790000000000000001, X_USERS["hostco"], "Q1 How long a lease would you sign? #Tenants", at(5)),
        x_post(1790000000000000009, X_USERS["ana"], "A1 we need a vendor, fair pricing #Tenants", at(7))])),
        encoding="utf-8")
    code, out, err = run_cli("leads", SLUG)
    assert code == 0, err
    header, *rows = list(__import__("csv").reader(out.splitlines()))
    assert header[-1] == "network" and header.count("network") == 1
    assert [r[-1] for r in rows if r[0] == X_USERS["ana"][1]] == ["x"]


def test_hostile_bluesky_content_stays_text_and_only_http_links(make_hub, env):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    b = FakeBluesky()
    evil = b.post("evil.bsky.social", '<img src=x onerror=alert(1)> A1 "<b>bold</b>" & #Tenants', at(6),
                  name='<script>alert("n")</script>Evil')
    evil["author"]["avatar"] = "javascript:alert(2)"
    evil["embed"] = {"$type": "app.bsky.embed.external#view", "external": {
        "uri": "javascript:alert(3)", "title": "<i>t</i>", "description": ""}}
    odd = b.post("odd.bsky.social", "A1 see link #Tenants", at(7), facets=[
        {"index": {"byteStart": 3, "byteEnd": 11}, "features": [
            {"$type": "app.bsky.richtext.facet#link", "uri": " JAVASCRIPT:alert(4)"}]},
        {"index": {"byteStart": "0", "byteEnd": None}, "features": "nope"},
        "not a facet", {"index": {"byteStart": -1, "byteEnd": 2}, "features": []}])
    odd["author"]["handle"] = "handle.invalid"
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    hub.build()
    html = (hub.site / f"chats/{SLUG}/archive/index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    article = next(a for a in soup.select('article.chathub-post') if "bold" in a.get_text())
    assert '<img src=x onerror=alert(1)> A1 "<b>bold</b>" &' in article.get_text()
    assert not article.find("img", src="x") and not article.find("b") and not article.find("script")
    assert "javascript:" not in html.lower()
    for link in soup.select("article.chathub-post a[href]"):
        assert link["href"].startswith(("https://", "#", "../", "./")), link["href"]


def test_a_hashtag_in_another_script_is_searched_on_both_networks(hub, run_cli, bsky, masto):
    hub.add_chat(SLUG, CHAT.replace("#Tenants", "#Café_Locataires"))
    bsky.post("ana.bsky.social", "A1 oui #Café_Locataires", at(7))
    masto.toot("fran@mastodon.social", "A1 ja #Café_Locataires", at(8))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky,mastodon")
    assert code == 0, err
    assert bsky.requests("searchPosts")[0].url.params.get_list("tag") == ["Café_Locataires"]
    assert len(stored(hub, "bluesky")["posts"]) == 1 and len(stored(hub, "mastodon")["statuses"]) == 1


def test_a_fetch_while_the_window_is_open_continues_later(hub, run_cli, bsky, masto, monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", z(at(20)))
    posts = bsky_chat(bsky)
    masto_chat(masto)
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky,mastodon")
    assert code == 0, err
    for network in ("bluesky", "mastodon"):
        assert stored(hub, network)["meta"]["complete"] is False
    b_uris = {p["uri"] for p in stored(hub, "bluesky")["posts"]}
    assert posts["q1"]["uri"] in b_uris and posts["q2"]["uri"] not in b_uris
    monkeypatch.setenv("CHATHUB_NOW", NOW)
    code, out, err = run_cli("fetch", "--due", "--network", "bluesky,mastodon")
    assert code == 0, err
    assert posts["q2"]["uri"] in {p["uri"] for p in stored(hub, "bluesky")["posts"]}
    assert all(stored(hub, n)["meta"]["complete"] for n in ("bluesky", "mastodon"))
    later = bsky.requests("searchPosts")[-1]
    assert _norm(later.url.params["since"]) >= z(at(19))  # what was read is not read again


def test_announcement_links_each_network_and_profile(make_hub, env, monkeypatch):
    hub = make_hub({"timezone": "America/New_York"})
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("CHATHUB_NOW", z(at(10)))  # live
    hub.build()
    announcement = page(hub, f"chats/{SLUG}/")
    hrefs = {a["href"] for a in announcement.find_all("a", href=True)}
    assert "https://bsky.app/hashtag/Tenants" in hrefs
    assert "https://mastodon.social/tags/Tenants" in hrefs  # the first listed server
    assert any(h.startswith("https://x.com/search?q=%23Tenants") for h in hrefs)
    assert "https://bsky.app/profile/lena.bsky.social" in hrefs or "https://x.com/lena" in hrefs
    monkeypatch.setenv("CHATHUB_NOW", NOW)
    hub.add_chat(SLUG, CHAT.replace("networks: [x, bluesky, mastodon]", "networks: [bluesky]")
                 .replace('  handle: "@HostCo"\n', "")
                 .replace('  - handle: "@modma"\n    bluesky', "  - bluesky")
                 .replace('  - handle: "@lena"\n    bluesky', "  - bluesky"))
    hub.build()
    announcement = page(hub, f"chats/{SLUG}/")
    hrefs = {a["href"] for a in announcement.find_all("a", href=True)}
    assert "https://bsky.app/profile/hostco.bsky.social" in hrefs
    assert not any(h.startswith("https://x.com/") for h in hrefs)


def test_bluesky_quote_posts_show_the_quoted_post(make_hub, env):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    b = FakeBluesky()
    quoted = b.post("far.bsky.social", "Leases are getting shorter everywhere", at(-300))
    b.posts.remove(quoted)
    b.post("ana.bsky.social", "A1 Exactly this #Tenants", at(7), embed={
        "$type": "app.bsky.embed.record#view", "record": {
            "$type": "app.bsky.embed.record#viewRecord", "uri": quoted["uri"], "cid": quoted["cid"],
            "author": quoted["author"], "value": quoted["record"], "indexedAt": quoted["indexedAt"]}})
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    hub.build()
    article = next(a for a in page(hub, f"chats/{SLUG}/archive/").select("article.chathub-post")
                   if "Exactly this" in a.get_text())
    quote = article.find("blockquote")
    assert quote and "Leases are getting shorter everywhere" in quote.get_text()
    assert quote.find("a", href=re.compile(r"^https://bsky\.app/profile/far\.bsky\.social/post/"))


def test_comply_bluesky_removes_posts_now_hidden_from_logged_out_viewers(hub, run_cli, bsky):
    posts = bsky_chat(bsky)
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    posts["plain"]["author"]["labels"] = [{"val": "!no-unauthenticated", "src": "did:plc:x", "uri": "at://x",
                                           "cts": "2026-05-15T00:00:00.000Z"}]
    assert run_cli("comply", SLUG, "--network", "bluesky")[0] == 0
    assert posts["plain"]["uri"] not in {p["uri"] for p in stored(hub, "bluesky")["posts"]}


def test_comply_mastodon_refreshes_edited_content(hub, run_cli, masto):
    toots = masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "mastodon")[0] == 0
    toots["a1"].html = "<p>A1 Six years, on reflection #Tenants</p>"
    toots["a1"].favourites = 12
    assert run_cli("comply", SLUG, "--network", "mastodon")[0] == 0
    status = next(s for s in stored(hub, "mastodon")["statuses"] if s["uri"] == toots["a1"].uri)
    assert "Six years" in status["content"] and status["favourites_count"] == 12


# --- posts of the wrong shape ----------------------------------------------------------------------

BAD_VIEW = {"uri": "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbad22222222", "cid": "bafy",
            "author": {"did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz", "handle": "bad.bsky.social"},
            "record": {"text": 5, "createdAt": "yesterday"}, "likeCount": "many",
            "indexedAt": "2026-05-14T17:10:00.000Z"}
BAD_STATUS = {"id": "1", "uri": "https://m.example/users/a/statuses/1", "url": "https://m.example/@a/1",
              "created_at": 12, "content": ["<p>x</p>"], "visibility": "public",
              "account": {"id": "1", "username": "a", "acct": "a", "url": "https://m.example/@a"},
              "favourites_count": -4}


@pytest.mark.parametrize("page_body", [
    {"posts": 5},
    {"posts": [5]},
    {"posts": [], "cursor": 7},
    ["not", "an", "object"],
])
def test_bluesky_a_search_response_of_the_wrong_shape_is_an_api_fault(hub, run_cli, bsky, page_body):
    bsky_chat(bsky)
    bsky.fault("app.bsky.feed.searchPosts", (200, {}, page_body))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 1, (out, err)
    assert "Bluesky" in err and "Traceback" not in err
    assert raw(hub, "bluesky") is None


def test_bluesky_a_post_of_the_wrong_shape_is_left_out_with_a_warning(hub, run_cli, bsky):
    """A post's record is written by its author's client: one odd post must not stop a chat's
    capture (nor be stored where the build would refuse it). It is left out, and said."""
    bsky_chat(bsky)
    bsky.posts.append(dict(BAD_VIEW, record={**BAD_VIEW["record"], "facets": tags_of("#Tenants")}))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    assert BAD_VIEW["uri"] in err and "record.text" in err
    assert BAD_VIEW["uri"] not in raw(hub, "bluesky").decode()
    assert len(stored(hub, "bluesky")["posts"]) == 6


@pytest.mark.parametrize("page_body", [{"statuses": []}, [5]])
def test_mastodon_a_timeline_of_the_wrong_shape_is_an_api_fault(hub, run_cli, masto, page_body):
    masto_chat(masto)
    masto.fault("mastodon.social", "timeline", (200, {}, page_body))
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 1, (out, err)
    assert "mastodon.social" in err and "Traceback" not in err
    assert raw(hub, "mastodon") is None


def test_mastodon_a_status_of_the_wrong_shape_is_left_out_with_a_warning(hub, run_cli, masto):
    toots = masto_chat(masto)
    good = masto.json(toots["q1"], "mastodon.social")
    masto.fault("mastodon.social", "timeline", (200, {}, [good, BAD_STATUS]))
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 0, err
    assert BAD_STATUS["uri"] in err and "created_at" in err
    assert BAD_STATUS["uri"] not in raw(hub, "mastodon").decode()
    assert toots["q1"].uri in raw(hub, "mastodon").decode()


def test_the_build_and_check_name_the_file_and_post_of_a_bluesky_post_of_the_wrong_shape(make_hub, env,
                                                                                         run_cli):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    good = FakeBluesky().post("ok.bsky.social", "A1 fine #Tenants", at(6))
    text = json.dumps({"posts": [good, BAD_VIEW], "meta": {}}, indent=1)
    (hub.chats / f"{SLUG}.bsky.json").write_text(text, encoding="utf-8")
    code, out, err = run_cli("check")
    assert code == 1
    lines = [line for line in (out + err).splitlines() if f"{SLUG}.bsky.json" in line]
    assert any(BAD_VIEW["uri"] in line and "createdAt" in line and re.search(r"\(line \d+\)", line)
               for line in lines), lines
    assert any("text" in line for line in lines) and any("likeCount" in line for line in lines)
    with pytest.raises(BaseException) as failure:
        hub.build()
    assert BAD_VIEW["uri"] in str(failure.value) or failure.type.__name__ == "Abort"


def test_the_build_and_check_name_the_file_and_post_of_a_mastodon_status_of_the_wrong_shape(
        make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    text = json.dumps({"statuses": [{**BAD_STATUS, "read_from": "m.example"}], "meta": {}}, indent=1)
    (hub.chats / f"{SLUG}.mastodon.json").write_text(text, encoding="utf-8")
    code, out, err = run_cli("check")
    assert code == 1
    lines = [line for line in (out + err).splitlines() if f"{SLUG}.mastodon.json" in line]
    assert any(BAD_STATUS["uri"] in line and "created_at" in line for line in lines), lines
    assert any("content" in line for line in lines) and any("favourites_count" in line for line in lines)


def test_import_refuses_posts_of_the_wrong_shape_naming_file_post_and_line(hub, run_cli, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"posts": [BAD_VIEW]}), encoding="utf-8")
    code, out, err = run_cli("import", SLUG, str(path))
    assert code != 0 and "bad.json" in err and BAD_VIEW["uri"] in err
    assert raw(hub, "bluesky") is None
    path.write_text(json.dumps([BAD_STATUS]), encoding="utf-8")
    code, out, err = run_cli("import", SLUG, str(path), "--network", "mastodon")
    assert code != 0 and "bad.json" in err and BAD_STATUS["uri"] in err
    assert raw(hub, "mastodon") is None


def test_check_names_a_broken_bluesky_or_mastodon_file_with_its_place(make_hub, env, run_cli):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    (hub.chats / f"{SLUG}.bsky.json").write_text('{"posts": [\n  {"uri": ', encoding="utf-8")
    (hub.chats / f"{SLUG}.mastodon.json").write_text('{"statuses": 5}', encoding="utf-8")
    code, out, err = run_cli("check")
    assert code == 1
    assert re.search(rf"chats/{SLUG}\.bsky\.json:2:\d+: ", out + err), out + err
    assert f"chats/{SLUG}.mastodon.json" in out + err


# --- properties ----------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from chathub.capture.bluesky.normalise import read_document as read_bluesky  # noqa: E402
from chathub.capture.mastodon.normalise import read_document as read_mastodon  # noqa: E402
from chathub.model.safe_urls import http_url  # noqa: E402

MULTIBYTE = st.text(alphabet=st.sampled_from(list("aé€😀👩‍👧 #@\u200d\u0301漢ü\n")), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MULTIBYTE, spans=st.lists(st.tuples(st.integers(-3, 130), st.integers(-3, 130),
                                                st.sampled_from(["link", "mention", "tag"]),
                                                st.sampled_from(["https://ok.example/", "javascript:x",
                                                                 "did:plc:abc", "Tenants", ""])),
                                      max_size=6))
def test_any_facets_keep_the_text_whole_and_link_only_http(text, spans):
    facets = []
    for start, end, kind_, value in spans:
        key = {"link": "uri", "mention": "did", "tag": "tag"}[kind_]
        facets.append({"index": {"byteStart": start, "byteEnd": end},
                       "features": [{"$type": f"app.bsky.richtext.facet#{kind_}", key: value}]})
    view = FakeBluesky().post("p.bsky.social", text, at(5), facets=facets)
    [post] = read_bluesky({"posts": [view]}).posts
    assert "".join(s.text for s in post.segments) == text
    raw_text = text.encode()
    position = 0
    for segment in post.segments:
        piece = segment.text.encode()
        assert raw_text[position:position + len(piece)] == piece  # segments follow the bytes
        position += len(piece)
        if segment.href is not None:
            assert http_url(segment.href) is not None


HTML_PIECES = st.sampled_from([
    "<p>", "</p>", "<br>", "<span>", "</span>", '<span class="invisible">', '<span class="ellipsis">',
    '<a href="https://ok.example/x">', '<a href="javascript:alert(1)">', '<a href="JaVa&#115;cript:1">',
    '<a href="//evil.example">', '<a href=" https://spaced.example">', "</a>", "<script>", "</script>",
    "<style>", "</style>", "<img src=x onerror=alert(1)>", "<!--", "-->", "&amp;", "&lt;b&gt;", "text",
    "#tag", "@who", "é", "😀", '<a href="https://ok.example/tags/t" class="mention hashtag">', "<b>", "</b>",
])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(HTML_PIECES, max_size=30))
def test_any_status_html_gives_plain_text_and_only_http_links(pieces):
    html = "".join(pieces)
    status = {"id": "1", "uri": "https://m.example/users/a/statuses/1", "url": "https://m.example/@a/1",
              "created_at": "2026-05-14T17:05:00.000Z", "content": html, "visibility": "public",
              "account": account_json("m.example", "a", "m.example"), "read_from": "m.example"}
    [post] = read_mastodon({"statuses": [status]}).posts
    assert "".join(s.text for s in post.segments) == post.text
    assert "<script" not in post.text.lower() and "alert(1)" not in post.text
    for segment in post.segments:
        if segment.href is not None:
            assert http_url(segment.href) is not None
            assert not segment.href.lower().startswith(("javascript", "//"))


# --- more of the one archive ------------------------------------------------------------------


def test_recap_follow_ups_and_links_come_from_every_network(make_hub, env):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    b = FakeBluesky()
    b.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5))
    ask = "A1 Does anyone know how deposits work in winter? #Tenants https://guide.example/deposits"
    b.post("ana.bsky.social", ask, at(7), facets=[
        facet(ask, "#Tenants", "tag", "Tenants"),
        facet(ask, "https://guide.example/deposits", "link", "https://guide.example/deposits")])
    own = "A1 as I said https://bsky.app/profile/ana.bsky.social/post/3kabc #Tenants"
    b.post("bo.bsky.social", own, at(8), facets=[facet(own, "https://bsky.app/profile/ana.bsky.social/post/3kabc",
                                                       "link", "https://bsky.app/profile/ana.bsky.social/post/3kabc")])
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    m = FakeMastodon()
    t = m.toot("fran@fosstodon.org", "A1 Who pays for repairs when the landlord is away? #Tenants", at(9),
               html='<p>A1 Who pays for repairs when the landlord is away? '
                    '<a href="https://law.example/repairs" '
                    'rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>'
                    '<span class="">law.example/repairs</span><span class="invisible"></span></a> '
                    '<a href="https://fosstodon.org/tags/tenants" class="mention hashtag" rel="tag">'
                    '#<span>Tenants</span></a></p>')
    (hub.chats / f"{SLUG}.mastodon.json").write_text(json.dumps({"statuses": [
        {**m.json(t, "fosstodon.org"), "read_from": "fosstodon.org"}], "meta": {}}), encoding="utf-8")
    hub.build()
    recap = page(hub, f"chats/{SLUG}/recap/")
    follow = recap.select_one("section.chathub-unanswered").get_text(" ")
    assert "deposits work in winter" in follow and "Who pays for repairs" in follow
    links = [a["href"] for a in recap.select("section.chathub-links a[href]")]
    assert "https://guide.example/deposits" in links and "https://law.example/repairs" in links
    assert not any("bsky.app" in link for link in links)  # links to the network itself aside


def test_a_person_seen_on_x_before_returns_on_bluesky(make_hub, env):
    hub = make_hub()
    first = "tenants-2026-04-09"
    hub.add_chat(first, CHAT.replace("2026-05-14", "2026-04-09").replace(
        "networks: [x, bluesky, mastodon]", "networks: [x]"))
    earlier = [x_post(1780000000000000001, X_USERS["lena"], "A1 hello from X #Tenants",
                      at(-35 * 24 * 60 + 6))]
    (hub.chats / f"{first}.tweets.json").write_text(json.dumps(x_document(earlier)), encoding="utf-8")
    hub.add_chat(SLUG, CHAT)
    b = FakeBluesky()
    b.post("lena.bsky.social", "A1 now on Bluesky #Tenants", at(7))
    b.post("newbie.bsky.social", "A1 first time here #Tenants", at(8))
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    hub.build()
    voices = page(hub, f"chats/{SLUG}/recap/").select_one("section.chathub-voices")
    lists = voices.find_all(["ul", "ol"])
    text = [lst.get_text(" ") for lst in lists]
    new = next(t for t in text if "newbie" in t)
    assert "lena" not in new.lower()
    assert any("lena" in t.lower() and "1 earlier chat" in t for t in text)


def test_comply_without_arguments_checks_every_network_even_when_x_has_no_token(hub, run_cli, bsky, masto):
    posts = bsky_chat(bsky)
    toots = masto_chat(masto)
    assert run_cli("fetch", SLUG, "--network", "bluesky,mastodon")[0] == 0
    (hub.chats / f"{SLUG}.tweets.json").write_text(json.dumps(x_document([x_post(
        1790000000000000001, X_USERS["hostco"], "Q1 #Tenants", at(5))])), encoding="utf-8")
    bsky.deleted.add(posts["plain"]["uri"])
    masto.gone[toots["a1"].uri] = 410
    code, out, err = run_cli("comply")
    assert code == 2 and "X_BEARER_TOKEN" in err
    assert posts["plain"]["uri"] not in raw(hub, "bluesky").decode()
    assert toots["a1"].uri not in raw(hub, "mastodon").decode()


def test_import_of_remote_statuses_only_uses_the_chats_first_server(hub, run_cli, tmp_path):
    fake = FakeMastodon()
    toot = fake.toot("fran@fosstodon.org", "A1 Five #Tenants", at(6), servers=("hachyderm.io",))
    path = write(tmp_path / "remote.json", [fake.json(toot, "hachyderm.io")])  # seen from a third server
    assert run_cli("import", SLUG, str(path))[0] == 0
    [status] = stored(hub, "mastodon")["statuses"]
    assert status["read_from"] == "mastodon.social"  # CHAT's first mastodon_instances


def test_invite_text_output_names_each_posts_network(kit_hub, run_cli):
    code, out, err = run_cli("invite", "kit")
    assert code == 0, err
    for network in ("x", "bluesky", "mastodon"):
        assert f"[announce, {network}]" in out


def test_bluesky_service_names_another_server_to_log_in_to(hub, run_cli, bsky, monkeypatch):
    bsky_chat(bsky)
    monkeypatch.setenv("BSKY_SERVICE", "https://pds.example.org")
    assert run_cli("fetch", SLUG, "--network", "bluesky")[0] == 0
    assert bsky.requests("createSession")[0].url.host == "pds.example.org"


def test_people_join_accounts_declared_in_any_chat_file_of_the_hub(make_hub, env):
    hub = make_hub()
    # The second chat names Lena by her X handle only; the first declares her accounts together.
    hub.add_chat("declares", CHAT.replace("2026-05-14", "2026-07-14"))
    hub.add_chat(SLUG, CHAT.replace("networks: [x, bluesky, mastodon]", "networks: [x, bluesky]").replace(
        '  - handle: "@lena"\n    bluesky: lena.bsky.social\n    mastodon: "@lena@fosstodon.org"\n',
        '  - handle: "@lena"\n'))
    (hub.chats / f"{SLUG}.tweets.json").write_text(json.dumps(x_document([
        x_post(1790000000000000002, X_USERS["lena"], "A1 on X #Tenants", at(6))])), encoding="utf-8")
    b = FakeBluesky()
    b.post("lena.bsky.social", "A1 on Bluesky #Tenants", at(7))
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    hub.build()
    rows = [r for r in page(hub, "people/").select("tr.chathub-person-row")
            if "lena" in r["data-author"].lower()]
    assert len(rows) == 1
    recap = page(hub, f"chats/{SLUG}/recap/")
    total = recap.select_one('tr[data-network="total"]')
    assert [int(td["data-value"]) for td in total.select("td[data-value]")] == [2, 1]


@pytest.mark.parametrize("status, words", [(403, "refused"), (400, "400")])
def test_bluesky_refusals_are_explained_and_write_nothing(hub, run_cli, bsky, status, words):
    bsky_chat(bsky)
    bsky.fault("app.bsky.feed.searchPosts", (status, {}, {"error": "InvalidRequest", "message": "no"}))
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 1 and words in err and raw(hub, "bluesky") is None


def test_mastodon_403_is_explained_and_writes_nothing(hub, run_cli, masto):
    masto_chat(masto)
    masto.fault("hachyderm.io", "timeline", (403, {}, {"error": "This action is not allowed"}))
    code, out, err = run_cli("fetch", SLUG, "--network", "mastodon")
    assert code == 1 and "hachyderm.io" in err and "403" in err and raw(hub, "mastodon") is None


def test_answer_labels_after_mentions_of_any_network_are_recognised(make_hub, env):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    b = FakeBluesky()
    b.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5))
    b.post("hostco.bsky.social", "Q2 What clause saved you? #Tenants", at(30))
    b.post("ana.bsky.social", "@hostco.bsky.social A1 late but: ten years #Tenants", at(35))
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    m = FakeMastodon()
    toots = [m.toot("hostco@mastodon.social", "Q1 How long a lease would you sign? #Tenants", at(5.5)),
             m.toot("hostco@mastodon.social", "Q2 What clause saved you? #Tenants", at(30.5)),
             m.toot("fran@fosstodon.org", "@hostco@mastodon.social A1 late too: five #Tenants", at(36),
                    servers=("mastodon.social",))]
    (hub.chats / f"{SLUG}.mastodon.json").write_text(json.dumps({"statuses": [
        {**m.json(t, "mastodon.social"), "read_from": "mastodon.social"} for t in toots], "meta": {}}),
        encoding="utf-8")
    hub.build()
    archive = page(hub, f"chats/{SLUG}/archive/")
    q1 = archive.find(id="q1").get_text(" ")
    assert "ten years" in q1 and "five" in q1
    for article in archive.select("article.chathub-post"):
        assert re.fullmatch(r"t-(bluesky|mastodon)-[0-9a-f]{16}", article["id"])


def test_a_mention_of_any_network_is_no_word_of_a_question_to_follow_up(make_hub, env):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    b = FakeBluesky()
    b.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5))
    b.post("ana.bsky.social", "@lena.bsky.social, really now? #Tenants", at(7))
    b.post("bo.bsky.social", "A1 @lena.bsky.social who pays the deposit? #Tenants", at(8))
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    hub.build()
    follow = page(hub, f"chats/{SLUG}/recap/").select_one("section.chathub-unanswered").get_text(" ")
    assert "who pays the deposit" in follow and "really" not in follow


def test_top_contributors_count_one_persons_posts_on_every_network_once(three):
    recap = page(three, f"chats/{SLUG}/recap/")
    rows = recap.select("section.chathub-contributors tr")
    lena = [r for r in rows if "lena" in r.get_text(" ").lower()]
    assert len(lena) == 1
    cells = [td.get_text(strip=True) for td in lena[0].find_all("td")]
    assert cells[1] == "3"  # one answer on each network
    hrefs = {a.get("href") for a in lena[0].find_all("a")}
    assert {"https://bsky.app/profile/lena.bsky.social", "https://fosstodon.org/@lena"} <= hrefs


def test_highlights_take_one_answer_per_person_first_across_networks(make_hub, env):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    (hub.chats / f"{SLUG}.tweets.json").write_text(json.dumps(x_document([
        x_post(1790000000000000001, X_USERS["hostco"], "Q1 How long a lease would you sign? #Tenants", at(5)),
        x_post(1790000000000000002, X_USERS["lena"], "A1 Lena on X #Tenants", at(6), likes=50)])),
        encoding="utf-8")
    b = FakeBluesky()
    b.post("lena.bsky.social", "A1 Lena on Bluesky #Tenants", at(7), likes=40)
    b.post("ana.bsky.social", "A1 Ana, liked less #Tenants", at(8), likes=2)
    b.post("cy.bsky.social", "A1 Cy, liked least #Tenants", at(9), likes=1)
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": b.posts, "meta": {}}), encoding="utf-8")
    hub.build()
    q1 = page(hub, f"chats/{SLUG}/recap/").select(
        "section.chathub-highlights h3#highlights-q1 + ul article.chathub-post")
    texts = [a.get_text(" ") for a in q1]
    assert len(texts) == 3
    assert sum("Lena on" in t for t in texts) == 1
    assert any("Ana" in t for t in texts) and any("Cy" in t for t in texts)


# --- chathub new on every network ----------------------------------------------------------------

def _feed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Answer ``input()`` with ``answers`` in turn, then end of input; return the prompts."""
    feed, prompts = iter(answers), []

    def ask(prompt: str = "") -> str:
        prompts.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", ask)
    return prompts


def test_new_on_a_bluesky_hub_asks_for_the_bluesky_handle_not_the_x_one(make_hub, run_cli, monkeypatch):
    hub = make_hub({"networks": ["bluesky"]})
    prompts = _feed(monkeypatch, "Leases", "Tenants", "2026-09-10 13:00", "not a handle", "Host.BSKY.social",
                    "", "", "")
    code, out, err = run_cli("new")
    assert code == 0, err
    assert not any("X handle" in p for p in prompts)
    assert any("Bluesky" in p for p in prompts) and err.count("Try again.") == 1
    (path,) = hub.chats.glob("*.yml")
    data = yaml.safe_load(path.read_text())
    assert data["host"] == {"bluesky": "Host.BSKY.social"} and "networks" not in data  # as typed
    assert run_cli("check")[0] == 0


def test_new_writes_the_networks_and_every_account_given(make_hub, run_cli):
    hub = make_hub()
    code, out, err = run_cli("new", "--title", "Leases", "--hashtag", "Tenants", "--start",
                             "2026-09-10 13:00",
                             "--network", "x", "--network", "Mastodon", "--host", "@HostCo",
                             "--mastodon", "@HostCo@Mastodon.Social")
    assert code == 0, err
    data = yaml.safe_load(next(hub.chats.glob("*.yml")).read_text())
    assert data["networks"] == ["x", "mastodon"]
    assert data["host"] == {"handle": "@HostCo", "mastodon": "@HostCo@Mastodon.Social"}
    code, out, err = run_cli("check")
    assert code == 0, err


def test_new_without_x_needs_no_host_flag_but_one_account(make_hub, run_cli):
    hub = make_hub()
    base = ("new", "--title", "Leases", "--hashtag", "Tenants", "--start", "2026-09-10 13:00",
            "--network", "bluesky", "--network", "mastodon")
    code, out, err = run_cli(*base)
    assert code == 2 and "--bluesky or --mastodon" in err and "--host" not in err
    code, out, err = run_cli(*base, "--mastodon", "host@")
    assert code == 2 and "--mastodon:" in err and "not a Mastodon account" in err
    code, out, err = run_cli(*base, "--network", "myspace", "--bluesky", "a.bsky.social")
    assert code == 2 and "--network: unknown network 'myspace'" in err
    assert not list(hub.chats.glob("*.yml"))
    code, out, err = run_cli(*base, "--mastodon", "@host@fosstodon.org")
    assert code == 0, err
    data = yaml.safe_load(next(hub.chats.glob("*.yml")).read_text())
    assert data["host"] == {"mastodon": "@host@fosstodon.org"} and data["networks"] == ["bluesky", "mastodon"]


def test_new_on_an_x_hub_writes_the_file_it_always_wrote(make_hub, run_cli):
    hub = make_hub()
    code, out, err = run_cli("new", "--title", "Leases", "--hashtag", "Tenants", "--start",
                             "2026-09-10 13:00",
                             "--host", "@HostCo")
    assert code == 0, err
    text = next(hub.chats.glob("*.yml")).read_text()
    assert '\nhost: "@HostCo"\nmoderators: []\n' in text and "networks" not in text


# --- deep Bluesky threads -------------------------------------------------------------------------

def test_bluesky_a_conversation_deeper_than_one_response_is_read_on_from_its_edge(hub, run_cli, bsky):
    """A reply chain 300 deep: one getPostThread response of it nests deeper than the SDK's JSON
    parser allows (it used to fail four times and give up), so the thread is read in slices."""
    root = bsky.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5))
    parent, chain = root, []
    for i in range(300):
        parent["replyCount"] = 1
        parent = bsky.post("ana.bsky.social" if i % 2 else "bo.bsky.social", f"and then {i}", at(6 + i / 10),
                           reply_to=parent)
        chain.append(parent["uri"])
    code, out, err = run_cli("fetch", SLUG, "--network", "bluesky")
    assert code == 0, err
    uris = {p["uri"] for p in stored(hub, "bluesky")["posts"]}
    assert set(chain) <= uris
    threads = bsky.requests("getPostThread")
    assert 1 < len(threads) <= 300 // int(threads[0].url.params["depth"]) + 2
    assert all(int(r.url.params["depth"]) <= 60 for r in threads)
    assert stored(hub, "bluesky")["meta"]["complete"] is True


def _deep_thread_file(path, fake: FakeBluesky, depth: int):
    """A getPostThread response of a reply chain ``depth`` deep, written without recursion."""
    root = fake.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants", at(5))
    chain, parent = [root], root
    for i in range(depth):
        parent = fake.post("ana.bsky.social", f"and then {i}", at(6 + i / 100), reply_to=parent)
        chain.append(parent)
    text = "".join('{"$type": "app.bsky.feed.defs#threadViewPost", "post": ' + json.dumps(v)
                   + ', "replies": [' for v in chain) + "]}" * len(chain)
    path.write_text('{"thread": ' + text + "}", encoding="utf-8")
    return {v["uri"] for v in chain}


def test_import_a_bluesky_thread_as_deep_as_the_api_returns(hub, run_cli, tmp_path):
    want = _deep_thread_file(tmp_path / "thread.json", FakeBluesky(), 1000)  # getPostThread's deepest
    code, out, err = run_cli("import", SLUG, str(tmp_path / "thread.json"))
    assert code == 0, err
    assert {p["uri"] for p in stored(hub, "bluesky")["posts"]} == want
    hub.build()


def test_import_of_json_nested_deeper_than_any_response_is_a_located_error(hub, run_cli, tmp_path):
    _deep_thread_file(tmp_path / "deep.json", FakeBluesky(), 4000)
    code, out, err = run_cli("import", SLUG, str(tmp_path / "deep.json"))
    assert code != 0 and code != 70 and "Traceback" not in err
    assert "deep.json:1: nested deeper than" in err and raw(hub, "bluesky") is None

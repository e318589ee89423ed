"""Fake Mastodon servers for tests, served through ``responses`` to Mastodon.py's real client.

Each server knows the statuses that reached it, under ids of its own (snowflakes of their
times), and serves them in the API's shapes: the hashtag timeline (newest first, ``max_id``,
``since_id``, ``min_id``, ``limit`` up to 40, ``Link`` headers), ``/statuses/:id/context``,
``/statuses/:id`` (404 or 410 once deleted) and ``/api/v2/instance`` with ``timelines_access``.
A server may restrict its hashtag timeline to logged-in users (401 or 422 without a token)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlparse

import responses

TOKEN = "mastodon-secret-token-0123456789abcdef"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def html(text: str, origin: str) -> str:
    """Status HTML as Mastodon writes it: paragraphs, hashtag and mention links, shortened URLs."""

    def link(match: re.Match[str]) -> str:
        word = match.group()
        if word.startswith("#"):
            tag = word[1:]
            return (f'<a href="https://{origin}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
                    f"#<span>{escape(tag)}</span></a>")
        if word.startswith("@"):
            user, _, host = word[1:].partition("@")
            return (f'<span class="h-card" translate="no"><a href="https://{host or origin}/@{user}" '
                    f'class="u-url mention">@<span>{escape(user)}</span></a></span>')
        scheme, rest = word.split("://", 1)
        shown, hidden = rest[:30], rest[30:]
        return (f'<a href="{escape(word)}" target="_blank" rel="nofollow noopener" translate="no">'
                f'<span class="invisible">{scheme}://</span><span class="{"ellipsis" if hidden else ""}">'
                f'{escape(shown)}</span><span class="invisible">{escape(hidden)}</span></a>')

    paragraphs = []
    for part in text.split("\n\n"):
        pieces = re.split(r"((?<![\w#])#\w+|(?<![\w@])@\w+(?:@[\w.-]+)?|https?://\S+)", part)
        out = "".join(link(re.match(r".+", p, re.S)) if i % 2 else escape(p).replace("\n", "<br>")  # type: ignore[arg-type]
                      for i, p in enumerate(pieces))
        paragraphs.append(f"<p>{out}</p>")
    return "".join(paragraphs)


@dataclass
class Status:
    author: str  # user@origin
    text: str
    at: datetime
    uri: str
    reply_to: Status | None = None
    likes: int = 0
    visibility: str = "public"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return self.author.split("@")[1]


@dataclass
class FakeMastodon:
    statuses: list[Status] = field(default_factory=list)
    known: dict[str, list[str]] = field(default_factory=dict)  # server -> uris it knows
    restricted: dict[str, int] = field(default_factory=dict)  # server -> 401 or 422 without a token
    unadvertised: set[str] = field(default_factory=set)  # restricted, but /api/v2/instance says public
    deleted: dict[str, int] = field(default_factory=dict)  # uri -> 404 or 410
    calls: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    failures: list[tuple[str, str, int | Exception, dict[str, str]]] = field(default_factory=list)
    count: int = 0

    def status(self, author: str, text: str, at: datetime, *, servers: tuple[str, ...] | None = None,
               reply_to: Status | None = None, **extra: Any) -> Status:
        self.count += 1
        user, origin = author.split("@")
        status = Status(author, text, at, f"https://{origin}/users/{user}/statuses/{self.count}",
                        reply_to, extra=extra)
        self.statuses.append(status)
        for server in servers or (origin,):
            self.known.setdefault(server, []).append(status.uri)
        return status

    def chat(self, count: int, start: datetime, server: str, *, tag: str = "Tenants",
             minutes: int = 60) -> list[Status]:
        step = timedelta(seconds=minutes * 60 / max(count, 1))
        return [self.status(f"fan{i % 5}@{server}", f"A{i % 4 + 1} answer {i} #{tag}", start + step * i)
                for i in range(count)]

    def local_id(self, server: str, status: Status) -> str:
        index = self.known[server].index(status.uri)
        return str((int(status.at.timestamp() * 1000) << 16) + index)

    def by_local(self, server: str, ident: str) -> Status | None:
        return next((s for s in self.statuses if s.uri in self.known.get(server, [])
                     and self.local_id(server, s) == ident), None)

    def account(self, author: str, server: str) -> dict[str, Any]:
        user, origin = author.split("@")
        return {"id": str(abs(hash(author)) % 10**9), "username": user,
                "acct": user if origin == server else author, "display_name": user.title(),
                "locked": False, "bot": False, "created_at": "2024-01-01T00:00:00.000Z",
                "note": f"<p>{user} works with <b>buildings</b></p>", "url": f"https://{origin}/@{user}",
                "avatar": f"https://{origin}/avatars/{user}.png", "avatar_static": "", "header": "",
                "followers_count": 10, "following_count": 5, "statuses_count": 50, "emojis": [],
                "fields": []}

    def json(self, status: Status, server: str) -> dict[str, Any]:
        mentions = [{"id": str(abs(hash(m)) % 10**9), "username": m.split("@")[0],
                     "acct": m if m.split("@")[1] != server else m.split("@")[0],
                     "url": f"https://{m.split('@')[1]}/@{m.split('@')[0]}"}
                    for m in re.findall(r"(?<![\w@])@(\w+@[\w.-]+)", status.text)]
        tags = [{"name": t.lower(), "url": f"https://{server}/tags/{t.lower()}"}
                for t in re.findall(r"(?<![\w#])#(\w+)", status.text)]
        parent = status.reply_to
        known_parent = parent is not None and parent.uri in self.known.get(server, [])
        return {
            "id": self.local_id(server, status), "created_at": stamp(status.at),
            "in_reply_to_id": self.local_id(server, parent) if known_parent and parent else None,
            "in_reply_to_account_id": self.account(parent.author, server)["id"] if parent else None,
            "sensitive": False, "spoiler_text": "", "visibility": status.visibility, "language": "en",
            "uri": status.uri, "url": f"https://{status.origin}/@{status.author.split('@')[0]}/"
            f"{status.uri.rsplit('/', 1)[1]}", "replies_count": 0, "reblogs_count": 0,
            "favourites_count": status.likes, "edited_at": None, "content": html(status.text, server),
            "reblog": None, "application": None, "account": self.account(status.author, server),
            "media_attachments": [], "mentions": mentions, "tags": tags, "emojis": [], "card": None,
            "poll": None, **status.extra,
        }

    def fail_next(self, server: str, path: str, status: int | Exception, times: int = 1,
                  headers: dict[str, str] | None = None) -> None:
        for _ in range(times):
            self.failures.append((server, path, status, headers or {}))

    # --- serving ---

    def install(self, rsps: responses.RequestsMock) -> FakeMastodon:
        host = r"https://([\w.-]+)"
        rsps.add_callback(responses.GET, re.compile(host + r"/api/v1/timelines/tag/(\w+)"), self._timeline)
        rsps.add_callback(responses.GET, re.compile(host + r"/api/v1/statuses/(\d+)/context"), self._context)
        rsps.add_callback(responses.GET, re.compile(host + r"/api/v1/statuses/(\d+)$"), self._status)
        rsps.add_callback(responses.GET, re.compile(host + r"/api/v2/instance"), self._instance)
        return self

    def _begin(self, request: Any, kind: str) -> tuple[str, dict[str, list[str]], tuple | None]:
        url = urlparse(request.url)
        server, params = url.hostname or "", parse_qs(url.query)
        self.calls.append((server, kind, params))
        for index, (name, path, status, headers) in enumerate(self.failures):
            if name == server and path == kind:
                del self.failures[index]
                if isinstance(status, Exception):
                    raise status
                return server, params, (status, headers, json.dumps({"error": f"fake {status}"}))
        return server, params, None

    def _timeline(self, request: Any) -> tuple[int, dict[str, str], str]:
        server, params, failed = self._begin(request, "timeline")
        if failed:
            return failed
        logged_in = request.headers.get("Authorization") == f"Bearer {TOKEN}"
        if server in self.restricted and not logged_in:
            code = self.restricted[server]
            return code, {}, json.dumps({"error": "This API requires an authenticated user"})
        tag = urlparse(request.url).path.rsplit("/", 1)[1].lower()
        limit = min(int(params.get("limit", ["20"])[0]), 40)
        found = [s for s in self.statuses if s.uri in self.known.get(server, [])
                 and f"#{tag}" in s.text.lower() and s.uri not in self.deleted]
        found.sort(key=lambda s: int(self.local_id(server, s)), reverse=True)
        if "max_id" in params:
            found = [s for s in found if int(self.local_id(server, s)) < int(params["max_id"][0])]
        for key in ("since_id", "min_id"):
            if key in params:
                found = [s for s in found if int(self.local_id(server, s)) > int(params[key][0])]
        page = found[:limit]
        headers = {"content-type": "application/json"}
        if page:
            last = self.local_id(server, page[-1])
            headers["Link"] = (f'<https://{server}/api/v1/timelines/tag/{tag}?max_id={last}>; rel="next", '
                               f'<https://{server}/api/v1/timelines/tag/{tag}?min_id='
                               f'{self.local_id(server, page[0])}>; rel="prev"')
        return 200, headers, json.dumps([self.json(s, server) for s in page])

    def _context(self, request: Any) -> tuple[int, dict[str, str], str]:
        server, _, failed = self._begin(request, "context")
        if failed:
            return failed
        ident = urlparse(request.url).path.split("/")[-2]
        status = self.by_local(server, ident)
        if status is None:
            return 404, {}, json.dumps({"error": "Record not found"})

        def below(parent: Status) -> list[Status]:
            children = [s for s in self.statuses if s.reply_to is parent and s.uri in self.known[server]
                        and s.uri not in self.deleted]
            return [x for c in children for x in (c, *below(c))]

        return 200, {"content-type": "application/json"}, json.dumps(
            {"ancestors": [], "descendants": [self.json(s, server) for s in below(status)]})

    def _status(self, request: Any) -> tuple[int, dict[str, str], str]:
        server, _, failed = self._begin(request, "status")
        if failed:
            return failed
        status = self.by_local(server, urlparse(request.url).path.rsplit("/", 1)[1])
        if status is None or status.uri in self.deleted:
            code = self.deleted.get(status.uri, 404) if status else 404
            return code, {}, json.dumps({"error": "Record not found"})
        return 200, {"content-type": "application/json"}, json.dumps(self.json(status, server))

    def _instance(self, request: Any) -> tuple[int, dict[str, str], str]:
        server, _, _ = self._begin(request, "instance")
        announced = server in self.restricted and server not in self.unadvertised
        access = "authenticated" if announced else "public"
        feeds = {"local": access, "remote": access}
        return 200, {"content-type": "application/json"}, json.dumps({
            "domain": server, "title": server, "version": "4.5.0",
            "configuration": {"statuses": {"max_characters": 500, "characters_reserved_per_url": 23},
                              "timelines_access": {"live_feeds": feeds, "hashtag_feeds": feeds,
                                                   "trending_link_feeds": feeds}}})

    def requests(self, kind: str | None = None, server: str | None = None
                 ) -> list[dict[str, list[str]]]:
        return [p for s, k, p in self.calls
                if (kind is None or k == kind) and (server is None or s == server)]

"""A fake Bluesky (PDS and AppView) for tests, served through ``respx`` to the ``atproto`` SDK's
real httpx client. It holds post views in the lexicons' shapes (``app.bsky.feed.defs#postView``,
``threadViewPost``), answers ``searchPosts`` as Bluesky does (newest first, ``since`` inclusive
and ``until`` exclusive on ``sortAt``, ``tag``, ``limit``, ``cursor``), ``getPostThread`` (replies
at any depth), ``getPosts`` (at most 25 URIs) and ``createSession``, and records every request."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import respx

XRPC = "https://bsky.social/xrpc"
HANDLE = "hub-bot.bsky.social"
PASSWORD = "abcd-efgh-ijkl-mnop"  # an app password's shape


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(claims)}.c2lnbmF0dXJl"


ACCESS_JWT = _jwt({"scope": "com.atproto.appPass", "sub": "did:plc:hubbot0000000000000000aa",
                   "exp": 4102444800, "iat": 1767225600})
REFRESH_JWT = _jwt({"scope": "com.atproto.refresh", "sub": "did:plc:hubbot0000000000000000aa",
                    "exp": 4102444800, "iat": 1767225600, "jti": "refresh"})


def did(handle: str) -> str:
    """A stable did:plc for a handle (24 base32 characters, as PLC DIDs have)."""
    digest = hashlib.sha256(handle.lower().encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def facets(text: str) -> list[dict[str, Any]]:
    """Facets of ``text`` at UTF-8 byte offsets: #tags, @mentions and http(s) links."""
    import re

    raw = text.encode("utf-8")
    found = []
    for match in re.finditer(r"(?<![\w#])#(\w+)|(?<![\w@])@([\w.-]+\.\w+)|https?://\S+", text):
        start = len(text[:match.start()].encode("utf-8"))
        end = start + len(match.group().encode("utf-8"))
        assert raw[start:end].decode() == match.group()
        if match.group(1):
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}
        elif match.group(2):
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did(match.group(2))}
        else:
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": match.group()}
        found.append({"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end},
                      "features": [feature]})
    return found


@dataclass
class FakeBluesky:
    posts: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    failures: list[tuple[str, int | Exception, dict[str, str]]] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    cursor_pages: int | None = None  # the search cursor stops after this many pages of a query
    stuck_cursor: bool = False  # the search sends the same cursor and page for ever
    count: int = 0

    def author(self, handle: str, **extra: Any) -> dict[str, Any]:
        return {"did": did(handle), "handle": handle, "displayName": handle.split(".")[0].title(),
                "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did(handle)}/x@jpeg",
                "labels": [], "createdAt": "2024-01-01T00:00:00.000Z", **extra}

    def post(self, handle: str, text: str, at: datetime, *, reply_to: dict[str, Any] | None = None,
             likes: int = 0, author: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        self.count += 1
        who = author or self.author(handle)
        rkey = f"3l{self.count:011d}"
        uri = f"at://{who['did']}/app.bsky.feed.post/{rkey}"
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": stamp(at),
                                  "langs": ["en"]}
        if facets(text):
            record["facets"] = facets(text)
        if reply_to is not None:
            root = reply_to["record"].get("reply", {}).get("root") or {"uri": reply_to["uri"],
                                                                        "cid": reply_to["cid"]}
            record["reply"] = {"root": root, "parent": {"uri": reply_to["uri"], "cid": reply_to["cid"]}}
        view = {"uri": uri, "cid": f"bafyrei{self.count:040d}", "author": who, "record": record,
                "replyCount": 0, "repostCount": 0, "likeCount": likes, "quoteCount": 0,
                "bookmarkCount": 0, "indexedAt": stamp(at + timedelta(seconds=1)), "labels": [], **extra}
        self.posts.append(view)
        return view

    def chat_posts(self, count: int, start: datetime, minutes: int = 60, tag: str = "Tenants"
                   ) -> list[dict[str, Any]]:
        step = timedelta(seconds=minutes * 60 / max(count, 1))
        return [self.post(f"fan{i % 7}.bsky.social", f"A{i % 4 + 1} answer {i} #{tag}", start + step * i)
                for i in range(count)]

    def fail_next(self, method: str, status: int | Exception, times: int = 1,
                  headers: dict[str, str] | None = None) -> None:
        for _ in range(times):
            self.failures.append((method, status, headers or {}))

    # --- serving ---

    def install(self, router: respx.Router) -> FakeBluesky:
        router.post(f"{XRPC}/com.atproto.server.createSession").mock(side_effect=self._session)
        router.get(url__startswith=f"{XRPC}/app.bsky.feed.searchPosts").mock(side_effect=self._search)
        router.get(url__startswith=f"{XRPC}/app.bsky.feed.getPostThread").mock(side_effect=self._thread)
        router.get(url__startswith=f"{XRPC}/app.bsky.feed.getPosts").mock(side_effect=self._lookup)
        return self

    def _record(self, request: httpx.Request, method: str) -> httpx.Response | None:
        self.calls.append((method, parse_qs(urlparse(str(request.url)).query)))
        for index, (name, status, headers) in enumerate(self.failures):
            if name == method:
                del self.failures[index]
                if isinstance(status, Exception):
                    raise status
                body = {"error": "RateLimitExceeded" if status == 429 else "InternalServerError"
                        if status >= 500 else "AuthenticationRequired", "message": f"fake {status}"}
                return httpx.Response(status, json=body, headers=headers)
        return None

    def _session(self, request: httpx.Request) -> httpx.Response:
        failed = self._record(request, "createSession")
        if failed:
            return failed
        body = json.loads(request.content)
        if body.get("password") != PASSWORD:
            return httpx.Response(401, json={"error": "AuthenticationRequired",
                                             "message": "Invalid identifier or password"})
        return httpx.Response(200, json={"did": did(HANDLE), "handle": HANDLE, "accessJwt": ACCESS_JWT,
                                         "refreshJwt": REFRESH_JWT, "active": True})

    @staticmethod
    def sort_at(view: dict[str, Any]) -> datetime:
        times = [view["record"]["createdAt"], view["indexedAt"]]
        return min(datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times)

    def _search(self, request: httpx.Request) -> httpx.Response:
        failed = self._record(request, "searchPosts")
        if failed:
            return failed
        assert request.headers.get("authorization") == f"Bearer {ACCESS_JWT}"
        params = self.calls[-1][1]
        tags = [t.lower() for t in params.get("tag", [])]
        since = datetime.fromisoformat(params["since"][0].replace("Z", "+00:00"))
        until = datetime.fromisoformat(params["until"][0].replace("Z", "+00:00"))
        limit = int(params.get("limit", ["25"])[0])
        assert 1 <= limit <= 100
        def tagged(view: dict[str, Any]) -> set[str]:
            return {f["features"][0].get("tag", "").lower() for f in view["record"].get("facets", [])}

        found = [v for v in self.posts if v["uri"] not in self.deleted and set(tags) <= tagged(v)
                 and since <= self.sort_at(v) < until]
        found.sort(key=lambda v: (self.sort_at(v), v["uri"]), reverse=True)
        offset = 0 if self.stuck_cursor else int(params.get("cursor", ["0"])[0])
        page = found[offset:offset + limit]
        body: dict[str, Any] = {"posts": page, "hitsTotal": len(found)}
        pages_served = offset // limit + 1
        if offset + limit < len(found) and (self.cursor_pages is None or pages_served < self.cursor_pages):
            body["cursor"] = str(offset + limit)
        if self.stuck_cursor:
            body["cursor"] = "stuck"
        return httpx.Response(200, json=body)

    def _node(self, view: dict[str, Any], depth: int) -> dict[str, Any]:
        replies = [v for v in self.posts if v["uri"] not in self.deleted
                   and v["record"].get("reply", {}).get("parent", {}).get("uri") == view["uri"]]
        node: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": view}
        if depth > 0:
            node["replies"] = [self._node(r, depth - 1) for r in replies]
        return node

    def _thread(self, request: httpx.Request) -> httpx.Response:
        failed = self._record(request, "getPostThread")
        if failed:
            return failed
        params = self.calls[-1][1]
        uri = params["uri"][0]
        view = next((v for v in self.posts if v["uri"] == uri and uri not in self.deleted), None)
        if view is None:
            return httpx.Response(400, json={"error": "NotFound", "message": "Post not found: " + uri})
        return httpx.Response(200, json={"thread": self._node(view, int(params.get("depth", ["6"])[0]))})

    def _lookup(self, request: httpx.Request) -> httpx.Response:
        failed = self._record(request, "getPosts")
        if failed:
            return failed
        uris = self.calls[-1][1].get("uris", [])
        assert len(uris) <= 25, len(uris)
        by_uri = {v["uri"]: v for v in self.posts}
        return httpx.Response(200, json={"posts": [by_uri[u] for u in uris
                                                   if u in by_uri and u not in self.deleted]})

    def methods(self) -> list[str]:
        return [name for name, _ in self.calls]

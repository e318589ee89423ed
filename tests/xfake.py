"""A fake X API v2 for tests: search and lookup served through ``responses`` to tweepy's real
Client. It holds posts, answers queries the way X does (newest first, ``next_token`` pages,
``start_time`` inclusive, ``end_time`` exclusive, ``until_id``), and records every request."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import responses

API = "https://api.twitter.com/2"
SEARCH_RE = re.compile(r"https://api\.twitter\.com/2/tweets/search/(recent|all)")
LOOKUP_URL = f"{API}/tweets"
TOKEN = "AAAAAAAAAAAAAAAAAAAAAsecret-bearer-token-1234567890"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class FakeX:
    """Posts and users, served as X would serve them."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failures: list[tuple[int, int | Exception, dict[str, str]]] = field(default_factory=list)
    gone: dict[str, str] = field(default_factory=dict)  # post id -> problem type
    next_id: int = 1_800_000_000_000_000_000
    user_base: int = 1000  # the first user id; another FakeX's users need others

    def user(self, handle: str) -> str:
        for ident, user in self.users.items():
            if user["username"] == handle:
                return ident
        ident = str(self.user_base + len(self.users))
        self.users[ident] = {"id": ident, "username": handle, "name": handle.title(),
                             "profile_image_url": f"https://pbs.twimg.com/{handle}.jpg"}
        return ident

    def post(self, handle: str, text: str, at: datetime, **fields: Any) -> dict[str, Any]:
        self.next_id += 1000
        ident = str(self.next_id)
        post = {"id": ident, "text": text, "author_id": self.user(handle), "created_at": stamp(at),
                "conversation_id": ident, "edit_history_tweet_ids": [ident], "lang": "en",
                "public_metrics": {"like_count": 0, "reply_count": 0, "retweet_count": 0,
                                   "quote_count": 0}, **fields}
        self.posts.append(post)
        return post

    def chat_posts(self, count: int, start: datetime, minutes: int = 60, tag: str = "Tenants",
                   handle: str = "fan") -> list[dict[str, Any]]:
        step = timedelta(seconds=minutes * 60 / max(count, 1))
        return [self.post(f"{handle}{i % 7}", f"A{i % 4 + 1} answer {i} #{tag}", start + step * i)
                for i in range(count)]

    def fail_next(self, path: str, status: int | Exception, times: int = 1,
                  headers: dict[str, str] | None = None, after: int = 0) -> None:
        """Make requests to ``path`` (recent, all, lookup) fail, after ``after`` good ones."""
        for _ in range(times):
            self.failures.append((after, status, {"path": path, **(headers or {})}))

    # --- serving ---

    def install(self, rsps: responses.RequestsMock) -> FakeX:
        rsps.add_callback(responses.GET, SEARCH_RE, callback=self._search)
        rsps.add_callback(responses.GET, LOOKUP_URL, callback=self._lookup)
        rsps.add_callback(responses.GET, re.compile(rf"{API}/tweets/counts/(recent|all)"),
                          callback=self._counts)
        return self

    def _params(self, request: Any) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}

    def _failure(self, path: str) -> tuple[int, dict[str, str], str] | None:
        done = sum(1 for p, _ in self.calls if p == path)
        for i, (after, status, headers) in enumerate(self.failures):
            if headers["path"] == path and done - 1 >= after:
                del self.failures[i]
                if isinstance(status, Exception):
                    raise status
                extra = {k: v for k, v in headers.items() if k != "path"}
                body = {"title": "Failure", "detail": f"fake {status}", "status": status}
                return status, extra, json.dumps(body)
        return None

    def _matches(self, post: dict[str, Any], query: str) -> bool:
        text = post["text"].lower()
        if " -is:retweet" not in query:
            raise AssertionError(f"query without -is:retweet: {query}")
        ids = re.findall(r"conversation_id:(\d+)", query)
        if ids:
            excluded = re.search(r" -#(\w+)", query)
            if excluded and f"#{excluded.group(1).lower()}" in text:
                return False
            return post["conversation_id"] in ids
        tag = re.match(r"#(\w+)", query)
        assert tag, query
        return f"#{tag.group(1).lower()}" in text

    def _page(self, posts: list[dict[str, Any]]) -> dict[str, Any]:
        authors = {p["author_id"] for p in posts}
        body: dict[str, Any] = {"data": posts}
        if posts:
            body["includes"] = {"users": [self.users[a] for a in sorted(authors)]}
        return body

    def _search(self, request: Any) -> tuple[int, dict[str, str], str]:
        kind = "recent" if "/search/recent" in request.url else "all"
        params = self._params(request)
        self.calls.append((kind, params))
        failed = self._failure(kind)
        if failed:
            return failed
        start, end = _parse(params["start_time"]), _parse(params["end_time"])
        found = [p for p in self.posts if self._matches(p, params["query"])
                 and start <= _parse(p["created_at"]) < end
                 and ("until_id" not in params or int(p["id"]) < int(params["until_id"]))]
        found.sort(key=lambda p: int(p["id"]), reverse=True)
        size = int(params["max_results"])
        offset = int(params.get("next_token", "0"))
        page = found[offset:offset + size]
        body = self._page(page)
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if offset + size < len(found):
            meta["next_token"] = str(offset + size)
        body["meta"] = meta
        return 200, {"content-type": "application/json"}, json.dumps(body)

    def _lookup(self, request: Any) -> tuple[int, dict[str, str], str]:
        params = self._params(request)
        self.calls.append(("lookup", params))
        failed = self._failure("lookup")
        if failed:
            return failed
        ids = params["ids"].split(",")
        by_id = {p["id"]: p for p in self.posts}
        found = [by_id[i] for i in ids if i in by_id and i not in self.gone]
        body = self._page(found)
        errors = []
        for ident in ids:
            if ident in self.gone or ident not in by_id:
                kind = self.gone.get(ident, "resource-not-found")
                errors.append({"value": ident, "detail": f"Could not find tweet with ids: [{ident}].",
                               "title": "Not Found Error" if kind == "resource-not-found"
                               else "Authorization Error",
                               "resource_type": "tweet", "parameter": "ids", "resource_id": ident,
                               "type": f"https://api.twitter.com/2/problems/{kind}"})
        if errors:
            body["errors"] = errors
        return 200, {"content-type": "application/json"}, json.dumps(body)

    def _counts(self, request: Any) -> tuple[int, dict[str, str], str]:
        params = self._params(request)
        self.calls.append(("counts", params))
        start, end = _parse(params["start_time"]), _parse(params["end_time"])
        total = sum(1 for p in self.posts if self._matches(p, params["query"])
                    and start <= _parse(p["created_at"]) < end)
        return 200, {}, json.dumps({"data": [], "meta": {"total_tweet_count": total}})

    def searches(self, kind: str | None = None) -> list[dict[str, str]]:
        return [p for k, p in self.calls if k in ("recent", "all") and (kind is None or k == kind)]

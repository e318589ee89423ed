"""Build X API v2 transcript documents for tests, with entities at the right offsets."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# conftest's CHAT moved to 14 May 2026, 13:00 in New York: 17:00 UTC, before the tests' "now".
START = datetime(2026, 5, 14, 17, 0, tzinfo=UTC)
TWEPOCH = 1288834974657


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Doc:
    """A transcript under construction: ``user()`` then ``post()``, then ``document()``."""

    def __init__(self, start: datetime = START) -> None:
        self.start = start
        self.users: dict[str, dict[str, Any]] = {}
        self.data: list[dict[str, Any]] = []
        self.referenced: list[dict[str, Any]] = []
        self.count = 0

    def user(self, handle: str, name: str | None = None, **extra: Any) -> str:
        """Add a user (the same handle gets the same id in every document); returns the id."""
        if handle not in self.users:
            ident = str(10_000 + int(hashlib.sha256(handle.lower().encode()).hexdigest()[:10], 16))
            self.users[handle] = {"id": ident, "username": handle, "name": name or handle.title(),
                                  **extra}
        return self.users[handle]["id"]

    def post(self, handle: str, text: str, minute: float = 0, *, reply_to: str | None = None,
             quote: str | None = None, retweet: str | None = None, likes: int = 0, reposts: int = 0,
             replies: int = 0, quotes: int = 0, impressions: int | None = None,
             urls: dict[str, str] | None = None, include: bool = False, entities: bool = True,
             **extra: Any) -> str:
        """Add a post ``minute`` minutes after the start; ``urls`` maps t.co URLs in the text to
        expanded ones. Returns the post id."""
        author = self.user(handle)
        moment = self.start + timedelta(minutes=minute)
        self.count += 1
        ident = str(((int(moment.timestamp() * 1000) - TWEPOCH) << 22) | self.count)
        post: dict[str, Any] = {
            "id": ident, "author_id": author, "text": escape(text),
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conversation_id": ident, "edit_history_tweet_ids": [ident],
            "public_metrics": {"retweet_count": reposts, "reply_count": replies,
                               "like_count": likes, "quote_count": quotes},
        }
        if impressions is not None:
            post["public_metrics"]["impression_count"] = impressions
        if entities:
            found = find_entities(text, urls or {})
            if found:
                post["entities"] = found
        refs = []
        if reply_to:
            parent = self.find(reply_to)
            refs.append({"type": "replied_to", "id": reply_to})
            if parent:
                post["in_reply_to_user_id"] = parent["author_id"]
                post["conversation_id"] = parent["conversation_id"]
        if quote:
            refs.append({"type": "quoted", "id": quote})
        if retweet:
            refs.append({"type": "retweeted", "id": retweet})
        if refs:
            post["referenced_tweets"] = refs
        post.update(extra)
        (self.referenced if include else self.data).append(post)
        return ident

    def find(self, ident: str) -> dict[str, Any] | None:
        return next((p for p in self.data + self.referenced if p["id"] == ident), None)

    def document(self) -> dict[str, Any]:
        includes: dict[str, Any] = {"users": list(self.users.values())}
        if self.referenced:
            includes["tweets"] = self.referenced
        return {"data": sorted(self.data, key=lambda p: (p["created_at"], int(p["id"]))),
                "includes": includes, "meta": {"result_count": len(self.data)}}

    def write(self, chats: Path, slug: str) -> Path:
        path = chats / f"{slug}.tweets.json"
        path.write_text(json.dumps(self.document(), indent=1), encoding="utf-8")
        return path


def find_entities(text: str, urls: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Mentions, hashtags and URLs of ``text``, offsets in code points of the unescaped text."""
    result: dict[str, list[dict[str, Any]]] = {}
    for match in re.finditer(r"(?<![\w@])@(\w{1,15})", text):
        result.setdefault("mentions", []).append(
            {"start": match.start(), "end": match.end(), "username": match.group(1)})
    for match in re.finditer(r"(?<![\w#])#(\w+)", text):
        result.setdefault("hashtags", []).append(
            {"start": match.start(), "end": match.end(), "tag": match.group(1)})
    for short, expanded in urls.items():
        start = text.index(short)
        display = re.sub(r"^\w+:(//)?(www\.)?", "", expanded)[:24]
        result.setdefault("urls", []).append({"start": start, "end": start + len(short), "url": short,
                                              "expanded_url": expanded, "display_url": display})
    return result

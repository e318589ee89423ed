"""The network-neutral post model: posts, their authors, and the runs of text they are made of.

Everything here is untrusted text from a network: it stays text (templates escape it), and URLs
are kept as given (templates pass them through ``safe_href``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import NamedTuple

from ..model.safe_urls import http_url


@dataclass(frozen=True)
class User:
    """The author of posts, as X describes them."""

    id: str
    handle: str = ""  # empty when X did not send the user (deleted or suspended accounts)
    name: str = ""
    avatar: str = ""
    bio: str = ""
    url: str = ""
    followers: int | None = None

    # Display values are worked out once per user (a user has many posts); cached_property
    # stores them in the instance's __dict__, which a frozen dataclass allows.
    @cached_property
    def at(self) -> str:
        return f"@{self.handle}" if self.handle else "an unknown account"

    @cached_property
    def display_name(self) -> str:
        return self.name or self.at

    @cached_property
    def profile_url(self) -> str:
        """The profile on X: by handle, else by id when the id is known, else empty (no link)."""
        if self.handle:
            return f"https://x.com/{self.handle}"
        if self.id.isascii() and self.id.isdigit():
            return f"https://x.com/i/user/{self.id}"
        return ""

    @cached_property
    def picture(self) -> str:
        """The avatar's URL when it is http(s), else empty (initials are shown instead)."""
        return self.avatar.strip() if is_http(self.avatar) else ""

    @cached_property
    def key(self) -> str:
        """Identity across chats: X's user id, which survives a change of handle."""
        return self.id or f"@{self.handle.lower()}"

    @cached_property
    def initials(self) -> str:
        words = re.findall(r"\w+", self.name or self.handle) or ["?"]
        return "".join(w[0] for w in words[:2]).upper()


class Metrics(NamedTuple):
    retweets: int = 0
    replies: int = 0
    likes: int = 0
    quotes: int = 0
    impressions: int | None = None
    bookmarks: int | None = None

    @property
    def engagement(self) -> int:
        """What ranks the most engaging answers: likes, reposts, replies and quotes."""
        return self.likes + self.retweets + self.replies + self.quotes

    @property
    def summary(self) -> str:
        """The counts a post shows, when not zero: ``3 replies · 2 reposts · 11 likes``."""
        parts = []
        if self.replies:
            parts.append(f"{self.replies} repl{'y' if self.replies == 1 else 'ies'}")
        if self.retweets:
            parts.append(f"{self.retweets} repost{'' if self.retweets == 1 else 's'}")
        if self.likes:
            parts.append(f"{self.likes} like{'' if self.likes == 1 else 's'}")
        return " · ".join(parts)


class Segment(NamedTuple):
    """A run of a post's text: plain ``text``, or a ``link``, ``mention``, ``hashtag`` or
    ``cashtag`` with the URL it points to (None when it must stay plain text)."""

    kind: str
    text: str
    href: str | None = None
    title: str = ""


class Link(NamedTuple):
    url: str  # the t.co URL in the text
    expanded_url: str
    display_url: str

    @property
    def target(self) -> str:
        """Where the link goes: the post's own (t.co) URL, else the expanded one."""
        return next((u for u in (self.url, self.expanded_url) if is_http(u)), "")


class Media(NamedTuple):
    key: str
    type: str = "photo"
    alt_text: str = ""


@dataclass(slots=True)  # a hub holds every post of every chat: slots halve their memory
class Post:
    """One post of a transcript, with its text already unescaped and split into segments."""

    id: str
    author: User
    created_at: datetime  # aware, UTC
    text: str
    segments: tuple[Segment, ...] = ()
    reply_to: str | None = None
    reply_to_user: str | None = None
    quote_of: str | None = None
    retweet_of: str | None = None
    conversation_id: str = ""
    metrics: Metrics = field(default_factory=Metrics)
    links: tuple[Link, ...] = ()
    mentions: tuple[str, ...] = ()  # handles, as written
    hashtags: tuple[str, ...] = ()
    media: tuple[Media, ...] = ()
    edited: bool = False
    lang: str = ""  # BCP 47 tag of the text's language, as the network detected it ("" unknown)

    @property
    def url(self) -> str:
        if self.author.handle:
            return f"https://x.com/{self.author.handle}/status/{self.id}"
        return f"https://x.com/i/web/status/{self.id}"

    @property
    def is_retweet(self) -> bool:
        return self.retweet_of is not None

    @property
    def anchor(self) -> str:
        return f"t{self.id}"

    @property
    def instant(self) -> str:
        """``created_at`` as ISO 8601 in UTC, for ``<time datetime>``."""
        return self.created_at.astimezone(UTC).isoformat()[:19] + "Z"  # isoformat is the fastest


@dataclass
class Document:
    """A normalised transcript: the chat's posts, the posts they refer to, and the users."""

    posts: list[Post]
    referenced: dict[str, Post]  # posts from includes.tweets, by id
    users: dict[str, User]


def is_http(url: str | None) -> bool:
    """Whether a browser would read ``url`` as an http(s) URL (see ``model.safe_urls``)."""
    return isinstance(url, str) and http_url(url) is not None



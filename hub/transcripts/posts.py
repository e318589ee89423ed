"""The network-neutral post model: posts, their authors, and the runs of text they are made of.

Everything here is untrusted text from a network: it stays text (templates escape it), and URLs
are kept as given (templates pass them through ``safe_href``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import NamedTuple

from ..model.safe_urls import http_url


@dataclass(frozen=True)
class User:
    """The author of posts, as their network describes them.

    ``id`` is unique across networks (X's numeric id, a Bluesky DID, a Mastodon ``user@server``);
    ``handle`` is what follows the ``@`` of a mention on that network.
    """

    id: str
    handle: str = ""  # empty when the network did not send the user (deleted or suspended accounts)
    name: str = ""
    avatar: str = ""
    bio: str = ""
    url: str = ""
    followers: int | None = None
    network: str = "x"
    profile_url: str = ""  # the profile page on the network

    # Display values are worked out once per user (a user has many posts); cached_property
    # stores them in the instance's __dict__, which a frozen dataclass allows.
    @cached_property
    def at(self) -> str:
        """The mention, ``@handle``; "" for an account the network did not describe (pages then
        say "an unknown account" in their language)."""
        return f"@{self.handle}" if self.handle else ""

    @cached_property
    def display_name(self) -> str:
        return self.name or self.at

    @cached_property
    def picture(self) -> str:
        """The avatar's URL when it is http(s), else empty (initials are shown instead)."""
        return self.avatar.strip() if is_http(self.avatar) else ""

    @cached_property
    def key(self) -> str:
        """Identity across chats: the network's user id, which survives a change of handle."""
        return self.id or f"@{self.handle.lower()}"

    @cached_property
    def accounts(self) -> tuple[str, ...]:
        """The account as chat files name it, ``network:handle`` and ``network:id`` (lowercased)."""
        return tuple(f"{self.network}:{v.lower()}" for v in (self.handle, self.id) if v)

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


class Segment(NamedTuple):
    """A run of a post's text: plain ``text``, or a ``link``, ``mention``, ``hashtag`` or
    ``cashtag`` with the URL it points to (None when it must stay plain text)."""

    kind: str
    text: str
    href: str | None = None
    title: str = ""


@lru_cache(maxsize=1 << 16)
def shared_segment(kind: str, text: str, href: str | None = None, title: str = "") -> Segment:
    """A link's segment, one object for every post that has the same (a chat's hashtag is in
    nearly every post of it): a hub holds every post of every chat."""
    return Segment(kind, text, href, title)


@lru_cache(maxsize=1 << 16)
def shared_tuple(items: tuple[str, ...]) -> tuple[str, ...]:
    """One tuple for every post with the same hashtags (or mentions)."""
    return items


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
    type: str = "photo"  # photo, video, animated_gif, or another kind ("media")
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
    network: str = "x"
    url: str = ""  # the post's page on its network
    reply_to_url: str = ""  # the parent's page, for a parent the transcript does not hold
    lang: str = ""  # BCP 47 tag of the text's language, as the network detected it ("" unknown)

    @property
    def is_retweet(self) -> bool:
        return self.retweet_of is not None

    @property
    def anchor(self) -> str:
        """The post's ``id`` in a page: ``t<id>`` for numeric ids, a digest of the id otherwise
        (URIs are no fit for fragments and selectors)."""
        if self.id.isascii() and self.id.isdigit():
            return f"t{self.id}"
        return f"t-{self.network}-{hashlib.sha256(self.id.encode()).hexdigest()[:16]}"

    @property
    def instant(self) -> str:
        """``created_at`` as ISO 8601 in UTC, for ``<time datetime>``."""
        moment = self.created_at
        if moment.tzinfo is not UTC:  # the normalisers store UTC: converted only when it is not
            moment = moment.astimezone(UTC)
        return moment.isoformat()[:19] + "Z"  # isoformat is the fastest


@dataclass
class Document:
    """A normalised transcript: the chat's posts, the posts they refer to, and the users."""

    posts: list[Post]
    referenced: dict[str, Post]  # posts the chat's posts refer to, not in the chat, by id
    users: dict[str, User]

    def extend(self, other: Document) -> None:
        """Add another network's posts: all posts oldest first, ids being unique across networks."""
        ids = {p.id for p in self.posts}
        self.posts.extend(p for p in other.posts if p.id not in ids)
        self.posts.sort(key=lambda p: (p.created_at, len(p.id), p.id))
        ids.update(p.id for p in other.posts)
        self.referenced.update({k: v for k, v in other.referenced.items() if k not in ids})
        for key in ids & set(self.referenced):
            del self.referenced[key]
        self.users.update(other.users)


def is_http(url: str | None) -> bool:
    """Whether a browser would read ``url`` as an http(s) URL (see ``model.safe_urls``)."""
    return isinstance(url, str) and http_url(url) is not None



"""Posts and users, normalised from an X API v2 document into plain dataclasses.

Everything here is untrusted text from X: it stays text (templates escape it), and URLs are
kept as given (templates pass them through ``safe_href``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_ESCAPED = re.compile(r"&(amp|lt|gt);")
_UNESCAPE = {"amp": "&", "lt": "<", "gt": ">"}


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

    @property
    def at(self) -> str:
        return f"@{self.handle}" if self.handle else "an unknown account"

    @property
    def display_name(self) -> str:
        return self.name or self.at

    @property
    def profile_url(self) -> str:
        if self.handle:
            return f"https://x.com/{self.handle}"
        return f"https://x.com/i/user/{self.id}"

    @property
    def key(self) -> str:
        """Identity across chats: X's user id, which survives a change of handle."""
        return self.id or f"@{self.handle.lower()}"

    @property
    def initials(self) -> str:
        words = re.findall(r"\w+", self.name or self.handle) or ["?"]
        return "".join(w[0] for w in words[:2]).upper()


@dataclass(frozen=True)
class Metrics:
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


@dataclass(frozen=True)
class Segment:
    """A run of a post's text: plain ``text``, or a ``link``, ``mention``, ``hashtag`` or
    ``cashtag`` with the URL it points to (None when it must stay plain text)."""

    kind: str
    text: str
    href: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Link:
    url: str  # the t.co URL in the text
    expanded_url: str
    display_url: str

    @property
    def target(self) -> str:
        """Where the link goes: the post's own (t.co) URL, else the expanded one."""
        return next((u for u in (self.url, self.expanded_url) if _is_http(u)), "")


@dataclass(frozen=True)
class Media:
    key: str
    type: str = "photo"
    alt_text: str = ""


@dataclass
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


@dataclass
class Document:
    """A normalised transcript: the chat's posts, the posts they refer to, and the users."""

    posts: list[Post]
    referenced: dict[str, Post]  # posts from includes.tweets, by id
    users: dict[str, User]


def _is_http(url: str | None) -> bool:
    return bool(url) and str(url).strip().lower().startswith(("http://", "https://"))


def unescape_text(text: str) -> str:
    """Undo X's escaping of ``&``, ``<`` and ``>`` (and nothing else), in one pass."""
    return _ESCAPED.sub(lambda m: _UNESCAPE[m.group(1)], text)


def _escaped_index_map(raw: str) -> list[int]:
    """For each index of ``raw`` (escaped), the index in the unescaped text."""
    mapping: list[int] = []
    plain = 0
    i = 0
    while i < len(raw):
        match = _ESCAPED.match(raw, i)
        if match:
            mapping.extend([plain] * (match.end() - i))
            i = match.end()
        else:
            mapping.append(plain)
            i += 1
        plain += 1
    mapping.append(plain)
    return mapping


def parse_time(value: Any) -> datetime:
    """X's ``created_at`` (ISO 8601, usually with ``Z``) as an aware UTC datetime."""
    text = str(value or "").strip()
    if not text:
        return datetime.fromtimestamp(0, UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def parse_user(data: Mapping[str, Any]) -> User:
    username = str(data.get("username") or "")
    metrics = data.get("public_metrics") or {}
    followers = metrics.get("followers_count")
    url = str(data.get("url") or "")
    expanded = ((data.get("entities") or {}).get("url") or {}).get("urls") or []
    if expanded and _is_http(expanded[0].get("expanded_url")):
        url = str(expanded[0]["expanded_url"])
    return User(
        id=str(data.get("id") or ""),
        handle=username if HANDLE_RE.match(username) else "",
        name=str(data.get("name") or ""),
        avatar=str(data.get("profile_image_url") or ""),
        bio=str(data.get("description") or ""),
        url=url,
        followers=int(followers) if isinstance(followers, int) else None,
    )


def _metrics(data: Mapping[str, Any]) -> Metrics:
    m = data.get("public_metrics") or {}
    return Metrics(
        retweets=_int(m.get("retweet_count")),
        replies=_int(m.get("reply_count")),
        likes=_int(m.get("like_count")),
        quotes=_int(m.get("quote_count")),
        impressions=_int(m["impression_count"]) if "impression_count" in m else None,
        bookmarks=_int(m["bookmark_count"]) if "bookmark_count" in m else None,
    )


def _matches(piece: str, sigils: str, name: str) -> bool:
    """Whether ``piece`` of the text is the entity: a URL as is, or a sigil and a name."""
    if not sigils:
        return piece == name
    return len(piece) == len(name) + 1 and piece[0] in sigils and piece[1:].lower() == name.lower()


def _locate(plain: str, raw: str, mapping: list[int], start: int, end: int, sigils: str,
            name: str) -> tuple[int, int] | None:
    """Where an entity really is in the unescaped text.

    X's offsets count code points (as Python does), but whether they count the escaped or the
    unescaped text has varied; both are tried, then the nearest occurrence of the entity.
    """
    if 0 <= start < end <= len(plain) and _matches(plain[start:end], sigils, name):
        return start, end
    if 0 <= start < end <= len(raw) and _matches(raw[start:end], sigils, name):
        return mapping[start], mapping[end]
    width = len(name) + (1 if sigils else 0)
    best: tuple[int, int] | None = None
    for match in re.finditer(re.escape(name), plain, flags=re.I if sigils else 0):
        first = match.start() - (1 if sigils else 0)
        if first < 0 or not _matches(plain[first:first + width], sigils, name):
            continue
        if best is None or abs(first - start) < abs(best[0] - start):
            best = (first, first + width)
    return best


def _entity_spans(data: Mapping[str, Any], raw: str, plain: str,
                  hidden: frozenset[str]) -> list[tuple[int, int, Segment]]:
    entities = data.get("entities") or {}
    mapping = _escaped_index_map(raw)
    found: list[tuple[int, int, Segment]] = []
    for item in entities.get("urls") or []:
        url = str(item.get("url") or "")
        if not url:
            continue
        link = Link(url, str(item.get("expanded_url") or ""), str(item.get("display_url") or ""))
        span = _locate(plain, raw, mapping, _int(item.get("start")), _int(item.get("end")), "", url)
        if span:
            shown = link.display_url or link.expanded_url or url
            found.append((*span, Segment("link", shown, link.target or None,
                                         link.expanded_url if _is_http(link.expanded_url) else "")))
    for item in entities.get("mentions") or []:
        handle = str(item.get("username") or "")
        if not HANDLE_RE.match(handle):
            continue
        span = _locate(plain, raw, mapping, _int(item.get("start")), _int(item.get("end")), "@＠",
                       handle)
        if span:
            href = None if handle.lower() in hidden else f"https://x.com/{handle}"
            found.append((*span, Segment("mention", plain[span[0]:span[1]], href)))
    for kind, key, sigils, search in (("hashtag", "hashtags", "#＃", "%23"),
                                      ("cashtag", "cashtags", "$", "%24")):
        for item in entities.get(key) or []:
            tag = str(item.get("tag") or "")
            if not tag:
                continue
            span = _locate(plain, raw, mapping, _int(item.get("start")), _int(item.get("end")),
                           sigils, tag)
            if span:
                href = f"https://x.com/search?q={search}{quote(tag, safe='')}&src=hashtag_click"
                found.append((*span, Segment(kind, plain[span[0]:span[1]], href)))
    found.sort(key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int, Segment]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def split_text(data: Mapping[str, Any], raw: str, hidden: frozenset[str] = frozenset()
               ) -> tuple[str, tuple[Segment, ...]]:
    """The unescaped text of a post and its segments (entities become links)."""
    plain = unescape_text(raw)
    segments: list[Segment] = []
    position = 0
    for start, end, segment in _entity_spans(data, raw, plain, hidden):
        if start > position:
            segments.append(Segment("text", plain[position:start]))
        segments.append(segment)
        position = end
    if position < len(plain):
        segments.append(Segment("text", plain[position:]))
    return plain, tuple(segments)


def parse_post(data: Mapping[str, Any], users: Mapping[str, User],
               media: Mapping[str, Media] | None = None,
               hidden: frozenset[str] = frozenset()) -> Post:
    """One post of an API document; ``hidden`` handles are not linked when mentioned."""
    note = data.get("note_tweet") or {}
    source = note if note.get("text") else data
    text, segments = split_text(source, str(source.get("text") or ""), hidden)
    refs = {str(r.get("type")): str(r.get("id")) for r in data.get("referenced_tweets") or []
            if r.get("id")}
    author_id = str(data.get("author_id") or "")
    entities = source.get("entities") or {}
    keys = (data.get("attachments") or {}).get("media_keys") or []
    return Post(
        id=str(data.get("id") or ""),
        author=users.get(author_id) or User(id=author_id),
        created_at=parse_time(data.get("created_at")),
        text=text,
        segments=segments,
        reply_to=refs.get("replied_to"),
        reply_to_user=str(data["in_reply_to_user_id"]) if data.get("in_reply_to_user_id") else None,
        quote_of=refs.get("quoted"),
        retweet_of=refs.get("retweeted"),
        conversation_id=str(data.get("conversation_id") or ""),
        metrics=_metrics(data),
        links=tuple(Link(str(u.get("url") or ""), str(u.get("expanded_url") or ""),
                         str(u.get("display_url") or "")) for u in entities.get("urls") or []),
        mentions=tuple(str(m.get("username") or "") for m in entities.get("mentions") or []),
        hashtags=tuple(str(h.get("tag") or "") for h in entities.get("hashtags") or []),
        media=tuple(media[k] for k in keys if media and k in media),
        edited=len(data.get("edit_history_tweet_ids") or []) > 1,
    )


def read_document(doc: Mapping[str, Any], hidden: Iterable[str] = ()) -> Document:
    """Normalise an API document: posts oldest first, referenced posts and users by id."""
    hide = frozenset(hidden)
    includes = doc.get("includes") or {}
    users = {u.id: u for u in (parse_user(d) for d in includes.get("users") or []) if u.id}
    media = {
        str(m.get("media_key")): Media(str(m.get("media_key")), str(m.get("type") or "photo"),
                                       str(m.get("alt_text") or ""))
        for m in includes.get("media") or [] if m.get("media_key")
    }
    posts = [parse_post(d, users, media, hide) for d in doc.get("data") or [] if d.get("id")]
    posts.sort(key=lambda p: (p.created_at, len(p.id), p.id))
    ids = {p.id for p in posts}
    referenced = {str(d["id"]): parse_post(d, users, media, hide)
                  for d in includes.get("tweets") or [] if d.get("id") and str(d["id"]) not in ids}
    return Document(posts, referenced, users)

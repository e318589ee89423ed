"""X API v2 documents normalised into the post model (``chathub.transcripts.posts``).

Everything here is untrusted text from X: it stays text (templates escape it), and URLs are
kept as given (templates pass them through ``safe_href``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from sys import intern
from typing import Any
from urllib.parse import quote

from ...transcripts.fields import parse_lang
from ...transcripts.posts import (
    Document,
    Link,
    Media,
    Metrics,
    Post,
    Segment,
    User,
    is_http,
    shared_segment,
    shared_tuple,
)
from .schema import TWEPOCH, snowflake_time

HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# X's ``lang``: a BCP 47 tag, "und" when undetermined, and private-use codes (qam, qct, qht, qme,
# qst: only mentions, cashtags, hashtags, media or too short; zxx: no text) that name no language.
_ESCAPED = re.compile(r"&(amp|lt|gt);")
_UNESCAPE = {"amp": "&", "lt": "<", "gt": ">"}


def unescape_text(text: str) -> str:
    """Undo X's escaping of ``&``, ``<`` and ``>`` (and nothing else), in one pass; the same
    string object when there is nothing to undo."""
    if "&" not in text:
        return text
    return _ESCAPED.sub(lambda m: _UNESCAPE[m.group(1)], text)


def _escaped_index_map(raw: str) -> list[int]:
    """For each index of ``raw`` (escaped), the index in the unescaped text."""
    mapping: list[int] = []
    plain = last = 0
    for match in _ESCAPED.finditer(raw):
        run = match.start() - last  # plain characters before the escape
        mapping.extend(range(plain, plain + run))
        plain += run
        mapping.extend([plain] * (match.end() - match.start()))
        plain += 1
        last = match.end()
    run = len(raw) - last
    mapping.extend(range(plain, plain + run))
    mapping.append(plain + run)
    return mapping


def parse_time(value: Any, ident: Any = None) -> datetime:
    """X's ``created_at`` (ISO 8601, usually with ``Z``) as an aware UTC datetime; without one,
    the time the post's id carries (X's ids are time-stamped)."""
    text = value.strip() if isinstance(value, str) else ""
    if text:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    return snowflake_time(ident) or TWEPOCH


def _int(value: Any) -> int:
    if type(value) is int:
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _str(value: Any) -> str:
    """``value`` as text; empty for None and other false values."""
    return value if type(value) is str else str(value or "")


def _expanded(item: Any) -> str:
    """The expanded URL of a URL entity (older twarc-csv imports stored it as a plain string)."""
    return item if isinstance(item, str) else _str(item.get("expanded_url")) if isinstance(item, dict) else ""


def parse_user(data: Mapping[str, Any]) -> User:
    username = _str(data.get("username"))
    metrics = data.get("public_metrics") or {}
    followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
    url = _str(data.get("url"))
    entities = data.get("entities")
    section = entities.get("url") if isinstance(entities, dict) else None
    expanded = section.get("urls") if isinstance(section, dict) else None
    if isinstance(expanded, list) and expanded and is_http(_expanded(expanded[0])):
        url = _expanded(expanded[0])
    return make_user(str(data.get("id") or ""), username if HANDLE_RE.match(username) else "",
                     name=str(data.get("name") or ""), avatar=str(data.get("profile_image_url") or ""),
                     bio=str(data.get("description") or ""), url=url,
                     followers=followers if isinstance(followers, int) and not isinstance(followers, bool)
                     else None)


def make_user(ident: str, handle: str = "", **fields: Any) -> User:
    """An X user, with the profile page X shows for them: by handle, else by id when the id is
    known, else none (no link)."""
    profile = (f"https://x.com/{handle}" if handle else f"https://x.com/i/user/{ident}"
               if ident.isascii() and ident.isdigit() else "")
    return User(id=ident, handle=handle, network="x", profile_url=profile, **fields)


def post_url(ident: str, handle: str) -> str:
    """A post's page on X."""
    return f"https://x.com/{handle}/status/{ident}" if handle else f"https://x.com/i/web/status/{ident}"


def _metrics(data: Mapping[str, Any]) -> Metrics:
    m = data.get("public_metrics") or {}
    get = m.get
    return Metrics(
        retweets=_int(get("retweet_count")),
        replies=_int(get("reply_count")),
        likes=_int(get("like_count")),
        quotes=_int(get("quote_count")),
        impressions=_int(m["impression_count"]) if "impression_count" in m else None,
        bookmarks=_int(m["bookmark_count"]) if "bookmark_count" in m else None,
    )


def _matches(piece: str, sigils: str, name: str) -> bool:
    """Whether ``piece`` of the text is the entity: a URL as is, or a sigil and a name."""
    if not sigils:
        return piece == name
    return len(piece) == len(name) + 1 and piece[0] in sigils and piece[1:].lower() == name.lower()


class _Offsets:
    """Maps offsets in X's escaped text to the unescaped one, worked out only when needed."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._mapping: list[int] | None = None

    def __getitem__(self, index: int) -> int:
        if self._mapping is None:
            self._mapping = _escaped_index_map(self.raw)
        return self._mapping[index]


def _locate(plain: str, raw: str, mapping: _Offsets, start: int, end: int, sigils: str,
            name: str) -> tuple[int, int] | None:
    """Where an entity really is in the unescaped text.

    X's offsets count code points (as Python does), but whether they count the escaped or the
    unescaped text has varied; both are tried, then the nearest occurrence of the entity.
    """
    if 0 <= start < end <= len(plain) and _matches(plain[start:end], sigils, name):
        return start, end
    if raw is not plain and 0 <= start < end <= len(raw) and _matches(raw[start:end], sigils, name):
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


@cache
def _tag_href(search: str, tag: str) -> str:
    """The X search a hashtag or cashtag links to (a chat repeats its hashtag in every post)."""
    return f"https://x.com/search?q={search}{quote(tag, safe='')}"


def _entity_spans(data: Mapping[str, Any], raw: str, plain: str,
                  hidden: frozenset[str]) -> list[tuple[int, int, Segment]]:
    entities = data.get("entities")
    if not entities:
        return []
    mapping = _Offsets(raw)
    found: list[tuple[int, int, Segment]] = []
    for item in entities.get("urls") or ():
        url = _str(item.get("url"))
        if not url:
            continue
        link = Link(url, _str(item.get("expanded_url")), _str(item.get("display_url")))
        span = _locate(plain, raw, mapping, _int(item.get("start")), _int(item.get("end")), "", url)
        if span:
            shown = link.display_url or link.expanded_url or url
            found.append((*span, shared_segment("link", shown, link.target or None,
                                                link.expanded_url if is_http(link.expanded_url) else "")))
    for item in entities.get("mentions") or ():
        handle = _str(item.get("username"))
        if not HANDLE_RE.match(handle):
            continue
        span = _locate(plain, raw, mapping, _int(item.get("start")), _int(item.get("end")), "@＠",
                       handle)
        if span:
            ident = _str(item.get("id"))
            hidden_person = handle.lower() in hidden or bool(ident and ident in hidden)
            href = None if hidden_person else f"https://x.com/{handle}"
            found.append((*span, shared_segment("mention", plain[span[0]:span[1]], href)))
    for kind, key, sigils, search in _TAGS:
        for item in entities.get(key) or ():
            tag = _str(item.get("tag"))
            if not tag:
                continue
            span = _locate(plain, raw, mapping, _int(item.get("start")), _int(item.get("end")),
                           sigils, tag)
            if span:
                found.append((*span, shared_segment(kind, plain[span[0]:span[1]], _tag_href(search, tag))))
    if len(found) < 2:
        return found
    found.sort(key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int, Segment]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


_TAGS = (("hashtag", "hashtags", "#＃", "%23"), ("cashtag", "cashtags", "$", "%24"))


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_MENTION_IN_TEXT = re.compile(r"(?<![\w@＠])[@＠]([A-Za-z0-9_]{1,15})(?![\w@])")
_HASHTAG_IN_TEXT = re.compile(r"(?<![\w#＃&])[#＃](\w*[^\W\d_]\w*)")


def derive_entities(raw: str) -> dict[str, list[dict[str, Any]]]:
    """Entities found in the text itself, for posts stored without an ``entities`` object
    (hand-made or converted transcripts): links, @mentions and #hashtags, with their offsets."""
    urls = []
    for match in _URL_IN_TEXT.finditer(raw):
        url = match.group().rstrip(".,;:!?)]}")
        urls.append({"start": match.start(), "end": match.start() + len(url), "url": url,
                     "expanded_url": url, "display_url": url})  # shown as written
    taken = [(u["start"], u["end"]) for u in urls]

    def free(start: int) -> bool:
        return not any(a <= start < b for a, b in taken)

    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1)}
                for m in _MENTION_IN_TEXT.finditer(raw) if free(m.start())]
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)}
                for m in _HASHTAG_IN_TEXT.finditer(raw) if free(m.start())]
    return {"urls": urls, "mentions": mentions, "hashtags": hashtags}


def split_text(data: Mapping[str, Any], raw: str, hidden: frozenset[str] = frozenset()
               ) -> tuple[str, tuple[Segment, ...]]:
    """The unescaped text of a post and its segments (entities become links)."""
    plain = unescape_text(raw)
    spans = _entity_spans(data, raw, plain, hidden)
    if not spans:
        return plain, (Segment("text", plain),) if plain else ()
    segments: list[Segment] = []
    position = 0
    for start, end, segment in spans:
        if start > position:
            segments.append(Segment("text", plain[position:start]))
        segments.append(segment)
        position = end
    if position < len(plain):
        segments.append(Segment("text", plain[position:]))
    return plain, tuple(segments)


def _one(ids: dict[str, str] | None, value: str) -> str:
    return value if ids is None else ids.setdefault(value, value)


def parse_post(data: Mapping[str, Any], users: Mapping[str, User],
               media: Mapping[str, Media] | None = None,
               hidden: frozenset[str] = frozenset(), ids: dict[str, str] | None = None) -> Post:
    """One post of an API document; ``hidden`` handles are not linked when mentioned. ``ids``
    (one per document) makes each id one string, however many posts name it."""
    get = data.get
    note = get("note_tweet")
    source = note if note and note.get("text") else data
    if "entities" not in source and source.get("text"):  # X always sends entities it found
        source = {**source, "entities": derive_entities(_str(source.get("text")))}
    text, segments = split_text(source, _str(source.get("text")), hidden)
    refs = {_str(r.get("type")): _str(r.get("id")) for r in get("referenced_tweets") or ()
            if r.get("id")} if "referenced_tweets" in data else {}
    author_id = _str(get("author_id"))
    # Ids, languages and tags recur from post to post (a reply's parent, its conversation, the chat's
    # hashtag): one string each, as a hub holds every post of every chat.
    entities = source.get("entities") or {}
    urls, mentions, tags = entities.get("urls"), entities.get("mentions"), entities.get("hashtags")
    keys = (get("attachments") or {}).get("media_keys")
    reply_user = get("in_reply_to_user_id")
    author = users.get(author_id) or make_user(author_id)
    ident = _str(get("id"))
    parent = refs.get("replied_to")
    if ids is not None:
        ident = ids.setdefault(ident, ident)
        parent = ids.setdefault(parent, parent) if parent else parent
    parent_author = users.get(str(reply_user)) if reply_user else None
    return Post(
        id=ident,
        author=author,
        created_at=parse_time(get("created_at"), get("id")),
        text=text,
        segments=segments,
        reply_to=parent,
        reply_to_user=_one(ids, str(reply_user)) if reply_user else None,
        quote_of=refs.get("quoted"),
        retweet_of=refs.get("retweeted"),
        conversation_id=_one(ids, _str(get("conversation_id"))),
        metrics=_metrics(data),
        links=tuple(Link(_str(u.get("url")), _str(u.get("expanded_url")), _str(u.get("display_url")))
                    for u in urls) if urls else (),
        mentions=shared_tuple(tuple(intern(_str(m.get("username"))) for m in mentions)) if mentions else (),
        hashtags=shared_tuple(tuple(intern(_str(h.get("tag"))) for h in tags)) if tags else (),
        media=tuple(media[k] for k in keys if media and k in media) if keys else (),
        edited=len(get("edit_history_tweet_ids") or ()) > 1,
        network="x",
        url=post_url(ident, author.handle),
        reply_to_url=post_url(parent, parent_author.handle) if parent and parent_author and
        parent_author.handle else "",
        lang=intern(parse_lang(get("lang"))),
    )


def read_document(doc: Mapping[str, Any], hidden: Iterable[str] = ()) -> Document:
    """Normalise an API document: posts oldest first, referenced posts and users by id."""
    hide = frozenset(hidden)
    includes = doc.get("includes") or {}
    users = {u.id: u for u in (parse_user(d) for d in includes.get("users") or []) if u.id}
    if hide:  # a person hidden by user id: their handle, mentioned by others, is not linked either
        hide |= {u.handle.lower() for u in users.values() if u.id in hide and u.handle}
    media = {
        str(m.get("media_key")): Media(str(m.get("media_key")), str(m.get("type") or "photo"),
                                       str(m.get("alt_text") or ""))
        for m in includes.get("media") or [] if m.get("media_key")
    }
    strings: dict[str, str] = {}
    posts = [parse_post(d, users, media, hide, strings) for d in doc.get("data") or [] if d.get("id")]
    posts.sort(key=lambda p: (p.created_at, len(p.id), p.id))
    ids = {p.id for p in posts}
    referenced = {str(d["id"]): parse_post(d, users, media, hide, strings)
                  for d in includes.get("tweets") or [] if d.get("id") and str(d["id"]) not in ids}
    return Document(posts, referenced, users)

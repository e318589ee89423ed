"""Bluesky post views (``app.bsky.feed.defs#postView``) normalised into the post model.

Facets index the text by UTF-8 **byte** offsets (start inclusive, end exclusive); a facet that
overlaps another, leaves the text or cuts a character is dropped, and its text stays plain.
Everything here is untrusted: it stays text (templates escape it), and only http(s) URLs link.
Posts whose authors asked not to be shown to logged-out viewers (``!no-unauthenticated``) are
left out, as Bluesky's own embeds do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ...transcripts.fields import parse_instant, parse_lang
from ...transcripts.posts import Document, Link, Media, Metrics, Post, Segment, User, is_http

NETWORK = "bluesky"
NO_LOGGED_OUT = "!no-unauthenticated"
_FEATURE = "app.bsky.richtext.facet#"
MAX_FACETS = 200  # more than a 300-grapheme post can hold; bounds the work of a crafted one


def _str(value: Any) -> str:
    return value if type(value) is str else ""


def _int(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


def rkey(uri: str) -> str:
    """The record key, the last part of ``at://DID/app.bsky.feed.post/RKEY``."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def did_of(uri: str) -> str:
    """The DID of an AT URI's repository."""
    return uri.removeprefix("at://").split("/", 1)[0]


def good_handle(handle: str) -> str:
    """A handle as shown, or empty when Bluesky could not verify it."""
    return handle if handle and handle != "handle.invalid" and "." in handle else ""


def post_url(uri: str, handle: str = "") -> str:
    """``https://bsky.app/profile/<handle>/post/<rkey>``, with the DID where the handle is unknown."""
    who = good_handle(handle) or did_of(uri)
    return f"https://bsky.app/profile/{quote(who, safe=':.')}/post/{quote(rkey(uri), safe='')}"


def profile_url(did: str, handle: str = "") -> str:
    return f"https://bsky.app/profile/{quote(good_handle(handle) or did, safe=':.')}"


def parse_author(data: Mapping[str, Any]) -> User:
    did = _str(data.get("did"))
    handle = good_handle(_str(data.get("handle")))
    followers = data.get("followersCount")
    return User(id=did, handle=handle, name=_str(data.get("displayName")).strip(),
                avatar=_str(data.get("avatar")), bio=_str(data.get("description")),
                followers=followers if type(followers) is int else None, network=NETWORK,
                profile_url=profile_url(did, handle))


def _labels(data: Mapping[str, Any]) -> set[str]:
    return {_str(label.get("val")) for label in data.get("labels") or () if isinstance(label, dict)}


def hidden_from_public(view: Mapping[str, Any]) -> bool:
    """Whether the post's author asked for no logged-out viewers."""
    author = view.get("author")
    return isinstance(author, dict) and NO_LOGGED_OUT in _labels(author)


def _facet_spans(raw: bytes, facets: Any, hidden: frozenset[str], handles: Mapping[str, str]
                 ) -> list[tuple[int, int, Segment]]:
    spans: list[tuple[int, int, Segment]] = []
    for facet in (facets if isinstance(facets, list) else [])[:MAX_FACETS]:
        if not isinstance(facet, dict) or not isinstance(facet.get("index"), dict):
            continue
        start, end = facet["index"].get("byteStart"), facet["index"].get("byteEnd")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(raw):
            continue
        try:
            text = raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue  # the offsets cut a character
        segment = _feature(facet.get("features"), text, hidden, handles)
        if segment is not None:
            spans.append((start, end, segment))
    spans.sort(key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int, Segment]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _feature(features: Any, text: str, hidden: frozenset[str], handles: Mapping[str, str]
             ) -> Segment | None:
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict):
            continue
        kind = _str(feature.get("$type")).removeprefix(_FEATURE)
        if kind == "link":
            uri = _str(feature.get("uri")).strip()
            return Segment("link", text, uri if is_http(uri) else None, uri if is_http(uri) else "")
        if kind == "mention":
            did = _str(feature.get("did"))
            handle = handles.get(did, text.lstrip("@").lower())
            shown = did.lower() in hidden or handle.lower() in hidden or not did.startswith("did:")
            return Segment("mention", text, None if shown else profile_url(did, handles.get(did, "")))
        if kind == "tag":
            tag = _str(feature.get("tag")).lstrip("#")
            if tag:
                return Segment("hashtag", text, f"https://bsky.app/hashtag/{quote(tag, safe='')}")
    return None


def split_text(text: str, facets: Any, hidden: frozenset[str] = frozenset(),
               handles: Mapping[str, str] | None = None) -> tuple[Segment, ...]:
    """The text's segments: facets become links, mentions and hashtags."""
    raw = text.encode("utf-8")
    spans = _facet_spans(raw, facets, hidden, handles or {}) if facets else []
    if not spans:
        return (Segment("text", text),) if text else ()
    segments: list[Segment] = []
    position = 0
    for start, end, segment in spans:
        if start > position:
            segments.append(Segment("text", raw[position:start].decode("utf-8", "replace")))
        segments.append(segment)
        position = end
    if position < len(raw):
        segments.append(Segment("text", raw[position:].decode("utf-8", "replace")))
    return tuple(segments)


def _media(embed: Any) -> tuple[tuple[Media, ...], list[Link], str | None, Any]:
    """Media, link cards, the quoted post's URI and its view, from a post view's embed."""
    media: list[Media] = []
    links: list[Link] = []
    quoted: str | None = None
    quoted_view: Any = None
    if not isinstance(embed, dict):
        return (), links, None, None
    kind = _str(embed.get("$type"))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        inner, _, _, _ = _media(embed.get("media"))
        media.extend(inner)
        record = (embed.get("record") or {}).get("record") if isinstance(embed.get("record"), dict) else None
        if isinstance(record, dict):
            quoted, quoted_view = _str(record.get("uri")) or None, record
    elif kind.startswith("app.bsky.embed.record"):
        record = embed.get("record")
        if isinstance(record, dict):
            quoted, quoted_view = _str(record.get("uri")) or None, record
    elif kind.startswith("app.bsky.embed.images"):
        for image in embed.get("images") or ():
            if isinstance(image, dict):
                media.append(Media(_str(image.get("fullsize") or image.get("thumb")), "photo",
                                   _str(image.get("alt"))))
    elif kind.startswith("app.bsky.embed.video"):
        media.append(Media(_str(embed.get("cid")), "video", _str(embed.get("alt"))))
    elif kind.startswith("app.bsky.embed.external"):
        external = embed.get("external") or {}
        uri = _str(external.get("uri")) if isinstance(external, dict) else ""
        if is_http(uri):
            links.append(Link(uri, uri, _str(external.get("title")) or uri))
    return tuple(media), links, quoted, quoted_view


def _created(record: Mapping[str, Any], view: Mapping[str, Any]) -> datetime:
    moment = parse_instant(record.get("createdAt")) or parse_instant(view.get("indexedAt"))
    return (moment or datetime.fromtimestamp(0, UTC)).astimezone(UTC)


def parse_post(view: Mapping[str, Any], hidden: frozenset[str] = frozenset(),
               handles: Mapping[str, str] | None = None) -> Post:
    """One post view (or a quoted post's ``viewRecord``, whose record is its ``value``)."""
    uri = _str(view.get("uri"))
    record = view.get("record") if isinstance(view.get("record"), dict) else view.get("value")
    record = record if isinstance(record, dict) else {}
    author = parse_author(view.get("author") if isinstance(view.get("author"), dict) else
                          {"did": did_of(uri)})
    text = _str(record.get("text"))
    segments = split_text(text, record.get("facets"), hidden, handles)
    embed = view.get("embed") if isinstance(view.get("embed"), dict) else (
        (view.get("embeds") or [None])[0] if isinstance(view.get("embeds"), list) else None)
    media, cards, quoted, _ = _media(embed)
    if quoted is None:  # the record says what it quotes even when the view has no embed
        quoted = _str(((record.get("embed") or {}).get("record") or {}).get("uri")) or None \
            if isinstance(record.get("embed"), dict) else None
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = _str((reply.get("parent") or {}).get("uri")) if isinstance(reply.get("parent"), dict) else ""
    root = _str((reply.get("root") or {}).get("uri")) if isinstance(reply.get("root"), dict) else ""
    links = [Link(s.href or "", s.href or "", s.text) for s in segments if s.kind == "link" and s.href]
    links += [c for c in cards if c.url not in {link.url for link in links}]
    langs = record.get("langs")
    return Post(
        id=uri,
        author=author,
        created_at=_created(record, view),
        text=text,
        segments=segments,
        reply_to=parent or None,
        reply_to_user=did_of(parent) if parent else None,
        quote_of=quoted,
        conversation_id=root or uri,
        metrics=Metrics(retweets=_int(view.get("repostCount")), replies=_int(view.get("replyCount")),
                        likes=_int(view.get("likeCount")), quotes=_int(view.get("quoteCount")),
                        bookmarks=_int(view["bookmarkCount"]) if "bookmarkCount" in view else None),
        links=tuple(links),
        mentions=tuple(s.text.lstrip("@") for s in segments if s.kind == "mention"),
        hashtags=tuple(s.text.lstrip("#＃") for s in segments if s.kind == "hashtag"),
        media=media,
        edited=False,
        network=NETWORK,
        url=post_url(uri, author.handle),
        reply_to_url=post_url(parent) if parent else "",
        lang=parse_lang(langs[0]) if isinstance(langs, list) and langs else "",
    )


def read_document(doc: Mapping[str, Any], hidden: Iterable[str] = ()) -> Document:
    """Normalise a stored Bluesky transcript (``{"posts": [...], "meta": {...}}``)."""
    hide = frozenset(hidden)
    views = [v for v in doc.get("posts") or [] if isinstance(v, dict) and _str(v.get("uri"))]
    handles = {_str((v.get("author") or {}).get("did")): good_handle(_str((v.get("author") or {})
                                                                           .get("handle")))
               for v in views if isinstance(v.get("author"), dict)}
    handles = {k: v for k, v in handles.items() if k and v}
    posts = [parse_post(v, hide, handles) for v in views if not hidden_from_public(v)]
    posts.sort(key=lambda p: (p.created_at, len(p.id), p.id))
    ids = {p.id for p in posts}
    referenced: dict[str, Post] = {}
    for view in views:
        _, _, quoted, quoted_view = _media(view.get("embed"))
        if (quoted and quoted not in ids and isinstance(quoted_view, dict)
                and isinstance(quoted_view.get("value"), dict) and not hidden_from_public(quoted_view)):
            referenced[quoted] = parse_post(quoted_view, hide, handles)
    users = {p.author.id: p.author for p in [*posts, *referenced.values()] if p.author.id}
    return Document(posts, referenced, users)

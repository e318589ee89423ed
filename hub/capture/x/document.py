"""X transcripts: ``chats/<slug>.tweets.json``, one X API v2 response document.

The file keeps exactly the API's shape (``data``, ``includes``, ``meta``), every post once, oldest
first, formatted deterministically so the same content is byte-identical. Writes go through
the store (``chathub.transcripts.store``): locked, re-read, merged, atomic.
A merge never drops a stored post; only ``remove_posts`` (compliance) and ``hide_posts`` (people
who asked to be left out) take posts away, and they take their orphaned includes with them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ...transcripts.checks import SHOWN, summary
from ...transcripts.fields import id_order
from ...transcripts.jsonpos import locate
from ...transcripts.store import TranscriptError, read_text, update, write_atomic
from .schema import api_time, document_problems, snowflake_time

Document = dict[str, Any]
Item = dict[str, Any]
INCLUDE_KEYS = {"users": "id", "tweets": "id", "media": "media_key", "places": "id", "polls": "id"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def empty_document() -> Document:
    return {"data": [], "includes": {}, "meta": {}}


def read_transcript(path: Path, shown: str | None = None) -> Document | None:
    """The stored document, or None when the chat has no transcript yet; ``shown`` names the
    file in errors."""
    text = read_text(path, shown)
    return None if text is None else parse_transcript(text, path, shown)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_transcript(text: str, path: Path, shown: str | None = None) -> Document:
    """A transcript's text as a document, checked post by post (``shown``, or ``path``, names it
    in errors: ``FILE: post ID: what is wrong (line N)``)."""
    name = shown or str(path)
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise TranscriptError(name, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise TranscriptError(name, "not usable: its JSON is nested far too deeply", 0) from None
    except ValueError as exc:  # NaN or Infinity, or a number of thousands of digits
        raise TranscriptError(name, f"not usable: {str(exc)[:120]}", 0) from None
    if not isinstance(doc, dict):
        raise TranscriptError(name, "not an X API v2 document (expected a JSON object with data)")
    doc.setdefault("data", [])
    doc.setdefault("includes", {})
    doc.setdefault("meta", {})
    if not isinstance(doc["data"], list) or not isinstance(doc["includes"], dict) or not isinstance(
        doc["meta"], dict
    ):
        bad = next(k for k, want in (("data", list), ("includes", dict), ("meta", dict))
                   if not isinstance(doc[k], want))
        line, col = locate(text, (bad,)) or (1, 1)
        raise TranscriptError(
            name, "not an X API v2 document (data must be a list, includes and meta objects)", line, col
        )
    problems = document_problems(doc)
    if problems:
        lines = [p.detail((locate(text, p.where) or (None,))[0]) for p in problems[:SHOWN]]
        raise TranscriptError(name, problems[0].message, 0, details=summary(lines, len(problems)))
    return doc


def post_time(post: Item) -> str:
    """A post's ``created_at``, or the time its X id carries when it has none."""
    created = post.get("created_at")
    if isinstance(created, str) and created:
        return created
    moment = snowflake_time(post.get("id"))
    return api_time(moment) if moment else ""


def _post_order(post: Item) -> tuple[str, int, str]:
    return (post_time(post), *id_order(post.get("id")))


def _include_order(key: str) -> Callable[[Item], tuple[int, str]]:
    return lambda item: id_order(item.get(key))


def _by_key(items: Iterable[Item], key: str) -> dict[str, Item]:
    merged: dict[str, Item] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        ident = str(item.get(key) or "")
        if ident:
            merged[ident] = {**merged.get(ident, {}), **item}
    return merged


def _overlay(old: Item | None, new: Item, keep_stored: bool) -> Item:
    if old is None:
        return dict(new)
    return {**new, **old} if keep_stored else {**old, **new}


def merge_documents(stored: Document | None, *pages: Document, keep_stored: bool = False) -> Document:
    """Merge API response pages into a stored document; no stored post is ever lost.

    A post (or include) already stored is updated field by field: the page's copy wins, or with
    ``keep_stored`` the stored copy wins and the page only fills in missing fields. The stored
    ``meta`` is kept as it is: pages' own meta (next_token, result_count) is not transcript data.
    """
    result = stored or empty_document()
    posts = _by_key(result.get("data") or [], "id")
    includes = {
        name: _by_key(items or [], INCLUDE_KEYS.get(name, "id"))
        for name, items in (result.get("includes") or {}).items()
    }
    for page in pages:
        data = page.get("data") or []
        for ident, post in _by_key([data] if isinstance(data, dict) else data, "id").items():
            posts[ident] = _overlay(posts.get(ident), post, keep_stored)
        for name, items in (page.get("includes") or {}).items():
            bucket = includes.setdefault(name, {})
            for ident, item in _by_key(items or [], INCLUDE_KEYS.get(name, "id")).items():
                bucket[ident] = _overlay(bucket.get(ident), item, keep_stored)
    return normalize_document({
        "data": list(posts.values()),
        "includes": {k: list(v.values()) for k, v in includes.items()},
        "meta": dict(result.get("meta") or {}),
    })


def normalize_document(doc: Document) -> Document:
    """Sort posts oldest first and includes by key, so equal content gives equal bytes.

    ``meta.result_count`` is kept equal to the number of posts, as in an API response.
    """
    includes = {
        name: sorted(items, key=_include_order(INCLUDE_KEYS.get(name, "id")))
        for name, items in sorted((doc.get("includes") or {}).items())
        if items
    }
    data = sorted(doc.get("data") or [], key=_post_order)
    meta = dict(doc.get("meta") or {})
    meta["result_count"] = len(data)
    return {"data": data, "includes": includes, "meta": meta}


def post_ids(doc: Document) -> set[str]:
    """Ids of the document's posts (``data``)."""
    return {str(p.get("id")) for p in doc.get("data") or [] if p.get("id")}


def _referenced(doc: Document) -> tuple[set[str], set[str], set[str], set[str], set[str]]:
    """Tweet ids, user ids, mentioned usernames, media keys and place ids the posts point to."""
    tweets: set[str] = set()
    users: set[str] = set()
    names: set[str] = set()
    media: set[str] = set()
    places: set[str] = set()
    posts = list(doc.get("data") or []) + list((doc.get("includes") or {}).get("tweets") or [])
    for post in posts:
        for key in ("author_id", "in_reply_to_user_id"):
            if post.get(key):
                users.add(str(post[key]))
        for ref in post.get("referenced_tweets") or []:
            if isinstance(ref, dict) and ref.get("id"):
                tweets.add(str(ref["id"]))
        for mention in (post.get("entities") or {}).get("mentions") or []:
            if isinstance(mention, dict):
                if mention.get("id"):
                    users.add(str(mention["id"]))
                if mention.get("username"):
                    names.add(str(mention["username"]).lower())
        attachments = post.get("attachments") or {}
        media.update(str(k) for k in attachments.get("media_keys") or [])
        place = (post.get("geo") or {}).get("place_id")
        if place:
            places.add(str(place))
    return tweets, users, names, media, places


def prune_includes(doc: Document) -> Document:
    """Drop includes that no post (or included post) refers to any more."""
    includes = dict(doc.get("includes") or {})
    tweets, _, _, _, _ = _referenced(doc)
    if "tweets" in includes:
        includes["tweets"] = [t for t in includes["tweets"] if str(t.get("id")) in tweets]
    pruned = {**doc, "includes": includes}
    _, users, names, media, places = _referenced(pruned)
    if "users" in includes:
        includes["users"] = [
            u for u in includes["users"]
            if str(u.get("id")) in users or str(u.get("username", "")).lower() in names
        ]
    if "media" in includes:
        includes["media"] = [m for m in includes["media"] if str(m.get("media_key")) in media]
    if "places" in includes:
        includes["places"] = [p for p in includes["places"] if str(p.get("id")) in places]
    return normalize_document({**doc, "includes": includes})


def remove_posts(doc: Document, ids: Iterable[str], user_ids: Iterable[str] = ()) -> Document:
    """The document without the posts ``ids`` (in data and includes) and the users ``user_ids``.

    Posts by removed users go too, and includes nothing refers to any more are pruned.
    """
    gone = {str(i) for i in ids}
    gone_users = {str(u) for u in user_ids}

    def keep(post: Item) -> bool:
        return str(post.get("id")) not in gone and str(post.get("author_id")) not in gone_users

    includes = dict(doc.get("includes") or {})
    if "tweets" in includes:
        includes["tweets"] = [t for t in includes["tweets"] if keep(t)]
    if "users" in includes:
        includes["users"] = [u for u in includes["users"] if str(u.get("id")) not in gone_users]
    kept = [p for p in doc.get("data") or [] if keep(p)]
    return prune_includes({"data": kept, "includes": includes, "meta": doc.get("meta") or {}})


def hide_posts(doc: Document, hidden: Iterable[str]) -> tuple[Document, int]:
    """Leave out people who asked to be: ``hidden`` holds handles (any case, ``@`` optional) and
    numbers, each of which is a post id and a user id alike. Returns the document without their
    posts and profiles, and how many posts went."""
    entries = {str(h).strip().removeprefix("@").lower() for h in hidden if str(h).strip()}
    if not entries:
        return doc, 0
    numbers = {e for e in entries if e.isdigit()}
    users = [u for u in (doc.get("includes") or {}).get("users") or []
             if isinstance(u, dict) and str(u.get("username", "")).lower() in entries]
    user_ids = {str(u.get("id")) for u in users} | numbers
    before = post_ids(doc)
    result = remove_posts(doc, numbers, user_ids)
    return result, len(before - post_ids(result))


def _escape_lone_surrogates(text: str) -> str:
    """Lone UTF-16 halves (seen in real API text) cannot be written as UTF-8: keep them escaped."""
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dump_document(doc: Document) -> str:
    """The canonical text of a document."""
    text = json.dumps(normalize_document(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return _escape_lone_surrogates(text)


def write_transcript(path: Path, doc: Document) -> bool:
    """Write atomically; False when nothing changed. Call it under the store's lock, or use
    ``update_transcript``."""
    return write_atomic(path, dump_document(doc))


def update_transcript(path: Path, change: Callable[[Document | None], Document], **options: Any) -> bool:
    """Lock the transcript, read it again, let ``change`` merge into what is stored now, and
    write the result atomically (see ``chathub.transcripts.store.update``). ``options``:
    ``timeout``, ``say`` (how to tell a user that it waits) and ``shown`` (the file's name)."""
    shown = options.get("shown")
    return update(path, lambda text: dump_document(change(
        None if text is None else parse_transcript(text, path, shown))), **options)

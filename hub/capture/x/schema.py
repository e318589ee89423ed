"""What an X API v2 document must hold for chathub to read it, checked field by field.

The same checks run where posts enter a transcript (fetch, import, comply: a post of the wrong
shape is refused and nothing is written) and where the build reads one (a located error). Fields
chathub does not read may hold anything, as long as it does not nest absurdly deep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ...transcripts.checks import (
    EARLIEST,
    LATEST,
    MAX_DEPTH,
    Checker,
    PostProblem,
    id_text,
    instant,
    kind,
    nesting,
    shorten,
)
from .errors import XError

TWEPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)  # X's snowflake ids count from here
ENTITY_LISTS = {"urls": ("url", "expanded_url", "display_url"), "mentions": ("username",),
                "hashtags": ("tag",), "cashtags": ("tag",)}
METRIC_OBJECTS = ("public_metrics", "non_public_metrics", "organic_metrics", "promoted_metrics")


def snowflake_time(ident: Any) -> datetime | None:
    """When an X post (or user) with this id was created: X's ids carry their creation time in
    milliseconds since 2010-11-04 (older, smaller ids give that day). None for what is not an id."""
    text = id_text(ident)
    if not text:
        return None
    return TWEPOCH + timedelta(milliseconds=int(text) >> 22)


def api_time(moment: datetime) -> str:
    """An instant as X writes ``created_at``: ``2026-10-15T17:00:00.000Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _entities(check: Checker, value: Any, where: tuple[str | int, ...], name: str) -> None:
    entities = check.object(value, where, name)
    if not entities:
        return
    for key, fields in ENTITY_LISTS.items():
        for index, item in check.objects(entities.get(key), (*where, key), f"{name}.{key}"):
            at = (*where, key, index)
            check.count(item.get("start"), (*at, "start"), f"{name}.{key} start")
            check.count(item.get("end"), (*at, "end"), f"{name}.{key} end")
            for text_field in fields:
                check.text(item.get(text_field), (*at, text_field), f"{name}.{key} {text_field}")
            if key == "mentions":
                check.ident(item.get("id"), (*at, "id"), f"{name}.mentions id")


# --- the fast path: a yes or no for a well-formed item, so the build pays little for checking.
# Only an item that fails it goes through the checks below, which say what is wrong.

_POST_FIELDS = frozenset({"id", "text", "created_at", "author_id", "conversation_id", "in_reply_to_user_id",
                          "note_tweet", "entities", "referenced_tweets", "attachments",
                          "edit_history_tweet_ids", "geo", *METRIC_OBJECTS})


def _digits(value: Any) -> bool:
    return type(value) is str and 0 < len(value) <= 25 and value.isascii() and value.isdigit()


def _fine_entities(entities: Any) -> bool:
    if entities is None:
        return True
    if type(entities) is not dict:
        return False
    for key, fields in ENTITY_LISTS.items():
        items = entities.get(key)
        if items is None:
            continue
        if type(items) is not list:
            return False
        for item in items:
            if type(item) is not dict:
                return False
            get = item.get
            for name in ("start", "end"):
                n = get(name)
                if n is not None and (type(n) is not int or n < 0):
                    return False
            for name in fields:
                v = get(name)
                if v is not None and type(v) is not str:
                    return False
            if key == "mentions":
                v = get("id")
                if v is not None and not _digits(v):
                    return False
    return True


def _fine_post(post: Any) -> bool:
    if type(post) is not dict or not _digits(post.get("id")):
        return False
    get = post.get
    text = get("text")
    if text is not None and type(text) is not str:
        return False
    created = get("created_at")
    if created is not None and not _fine_time(created):
        return False
    for name in ("author_id", "conversation_id", "in_reply_to_user_id"):
        v = get(name)
        if v is not None and not _digits(v):
            return False
    if not _fine_entities(get("entities")):
        return False
    note = get("note_tweet")
    if note is not None and (type(note) is not dict or not _fine_entities(note.get("entities"))
                             or (note.get("text") is not None and type(note.get("text")) is not str)):
        return False
    for name in METRIC_OBJECTS:
        metrics = get(name)
        if metrics is not None:
            if type(metrics) is not dict:
                return False
            for n in metrics.values():
                if type(n) is not int or not 0 <= n <= 10**15:
                    return False
    refs = get("referenced_tweets")
    if refs is not None and (type(refs) is not list or not all(
            type(r) is dict and (r.get("type") is None or type(r.get("type")) is str)
            and (r.get("id") is None or _digits(r.get("id"))) for r in refs)):
        return False
    attachments = get("attachments")
    if attachments is not None:
        if type(attachments) is not dict:
            return False
        for name in ("media_keys", "poll_ids"):
            keys = attachments.get(name)
            if keys is not None and (type(keys) is not list or not all(type(k) is str for k in keys)):
                return False
    history = get("edit_history_tweet_ids")
    if history is not None and (type(history) is not list or not all(_digits(h) for h in history)):
        return False
    geo = get("geo")
    if geo is not None and (type(geo) is not dict or (geo.get("place_id") is not None
                                                      and type(geo.get("place_id")) is not str)):
        return False
    for name, value in post.items():  # fields chathub does not read: only not absurdly deep
        if (type(value) is dict or type(value) is list) and name not in _POST_FIELDS and \
                nesting(value, MAX_DEPTH - 1) >= MAX_DEPTH:
            return False
    return (attachments is None or nesting(attachments, 4) <= 4) and (
        geo is None or nesting(geo, MAX_DEPTH - 1) < MAX_DEPTH)


def _fine_user(user: Any) -> bool:
    if type(user) is not dict or not _digits(user.get("id")):
        return False
    for name in ("username", "name", "description", "url", "profile_image_url", "location"):
        v = user.get(name)
        if v is not None and type(v) is not str:
            return False
    metrics = user.get("public_metrics")
    if metrics is not None and (type(metrics) is not dict or not all(
            type(n) is int and 0 <= n <= 10**15 for n in metrics.values())):
        return False
    entities = user.get("entities")
    return entities is None or (type(entities) is dict and nesting(entities, 5) <= 5 and all(
        type(section) is dict and all(type(items) is list and all(
            type(item) is str or (type(item) is dict and all(
                type(item.get(k)) in (str, type(None)) for k in ("url", "expanded_url", "display_url",
                                                                   "username", "tag")))
            for item in items) for items in section.values()) for section in entities.values()))


def _fine_time(value: Any) -> bool:
    if type(value) is not str or len(value) < 10 or not value[:4].isdigit():
        return False
    if not EARLIEST.year <= int(value[:4]) < LATEST.year:
        return False
    moment = instant(value)
    return moment is not None and EARLIEST <= moment < LATEST


def check_post(check: Checker, post: Any, where: tuple[str | int, ...]) -> None:
    """Problems of one post (in ``data`` or ``includes.tweets``)."""
    check.post = ""
    if not isinstance(post, dict):
        check.wrong(where, "a post", "an object", post)
        return
    ident = id_text(post.get("id"))
    if not ident:
        check.add((*where, "id"), f"a post needs an id (digits), not {shorten(post.get('id'))}"
                  if "id" in post else "a post has no id")
        return
    check.post = ident
    if not check.depth(post, where, "the post"):
        return
    text = post.get("text")
    check.text(text, (*where, "text"), "text")
    if "created_at" in post:
        check.instant(post["created_at"], (*where, "created_at"), "created_at")
    for name in ("author_id", "conversation_id", "in_reply_to_user_id"):
        check.ident(post.get(name), (*where, name), name)
    note = check.object(post.get("note_tweet"), (*where, "note_tweet"), "note_tweet")
    if note:
        check.text(note.get("text"), (*where, "note_tweet", "text"), "note_tweet.text")
        _entities(check, note.get("entities"), (*where, "note_tweet", "entities"), "note_tweet.entities")
    _entities(check, post.get("entities"), (*where, "entities"), "entities")
    for name in METRIC_OBJECTS:
        metrics = check.object(post.get(name), (*where, name), name)
        for key, count in (metrics or {}).items():
            check.count(count, (*where, name, key), f"{name}.{key}")
    for index, ref in check.objects(post.get("referenced_tweets"), (*where, "referenced_tweets"),
                                    "referenced_tweets"):
        check.text(ref.get("type"), (*where, "referenced_tweets", index, "type"), "referenced_tweets type")
        check.ident(ref.get("id"), (*where, "referenced_tweets", index, "id"), "referenced_tweets id")
    attachments = check.object(post.get("attachments"), (*where, "attachments"), "attachments")
    if attachments:
        for key in ("media_keys", "poll_ids"):
            for index, item in enumerate(check.list(attachments.get(key), (*where, "attachments", key),
                                                    f"attachments.{key}")):
                check.text(item, (*where, "attachments", key, index), f"attachments.{key}")
    for index, item in enumerate(check.list(post.get("edit_history_tweet_ids"),
                                            (*where, "edit_history_tweet_ids"), "edit_history_tweet_ids")):
        check.ident(item, (*where, "edit_history_tweet_ids", index), "edit_history_tweet_ids")
    geo = check.object(post.get("geo"), (*where, "geo"), "geo")
    if geo:
        check.text(geo.get("place_id"), (*where, "geo", "place_id"), "geo.place_id")


def check_user(check: Checker, user: Any, where: tuple[str | int, ...]) -> None:
    check.post = ""
    if not isinstance(user, dict):
        check.wrong(where, "a user", "an object", user)
        return
    if not check.depth(user, where, "the user"):
        return
    ident = user.get("id")
    check.ident(ident, (*where, "id"), "a user's id")
    name = f"user {id_text(ident) or shorten(ident)}"
    for key in ("username", "name", "description", "url", "profile_image_url", "location"):
        check.text(user.get(key), (*where, key), f"{name}: {key}")
    metrics = check.object(user.get("public_metrics"), (*where, "public_metrics"), f"{name}: public_metrics")
    for key, count in (metrics or {}).items():
        check.count(count, (*where, "public_metrics", key), f"{name}: public_metrics.{key}")
    entities = check.object(user.get("entities"), (*where, "entities"), f"{name}: entities")
    for part in ("url", "description"):
        section = check.object((entities or {}).get(part), (*where, "entities", part),
                               f"{name}: entities.{part}")
        for key in (section or {}):
            if key not in ENTITY_LISTS:
                continue
            where_key = (*where, "entities", part, key)
            items = check.list(section[key], where_key, f"{name}: entities.{part}.{key}")
            for index, item in enumerate(items):
                if isinstance(item, str):  # older twarc-csv imports stored the expanded URLs alone
                    continue
                if not isinstance(item, dict):
                    check.wrong((*where_key, index), f"{name}: entities.{part}.{key}", "an object", item)
                    continue
                for text_field in (*ENTITY_LISTS[key], "expanded_url"):
                    check.text(item.get(text_field), (*where_key, index, text_field),
                               f"{name}: entities.{part}.{key} {text_field}")


def check_media(check: Checker, media: Any, where: tuple[str | int, ...]) -> None:
    check.post = ""
    if not isinstance(media, dict):
        check.wrong(where, "a media item", "an object", media)
        return
    if not check.depth(media, where, "the media item"):
        return
    for key in ("media_key", "type", "alt_text", "url", "preview_image_url"):
        check.text(media.get(key), (*where, key), f"media {key}")


def document_problems(doc: Any) -> list[PostProblem]:
    """Everything wrong in an X API v2 document (a transcript, or one response page)."""
    check = Checker()
    if not isinstance(doc, dict):
        check.add((), f"not an X API v2 document: expected an object with data, not {kind(doc)}")
        return check.problems
    data = doc.get("data")
    posts = [data] if isinstance(data, dict) else data
    for index, post in enumerate(check.list(posts, ("data",), "data")):
        if not _fine_post(post):
            check_post(check, post, ("data", index) if not isinstance(data, dict) else ("data",))
    includes = check.object(doc.get("includes"), ("includes",), "includes") or {}
    checkers = {"tweets": check_post, "users": check_user, "media": check_media}
    for name, items in includes.items():
        for index, item in enumerate(check.list(items, ("includes", name), f"includes.{name}")):
            if (name == "tweets" and _fine_post(item)) or (name == "users" and _fine_user(item)):
                continue
            if name in checkers:
                checkers[name](check, item, ("includes", name, index))
            elif not isinstance(item, dict):
                check.wrong(("includes", name, index), f"each of includes.{name}", "an object", item)
            elif not check.depth(item, ("includes", name, index), f"includes.{name}"):
                pass
    check.post = ""
    check.object(doc.get("meta"), ("meta",), "meta")
    return check.problems


def check_pages(pages: Iterable[Any], source: str = "X") -> None:
    """Raise an API fault when a response page holds a post (or include) of the wrong shape."""
    for page in pages:
        problems = document_problems(page)
        if problems:
            first = problems[0]
            what = f"post {first.post}: " if first.post else ""
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise XError(f"{source} sent a response chathub cannot use: {what}{first.message}{more}")

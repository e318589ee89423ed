"""What an X API v2 document must hold for chathub to read it, checked field by field.

The same checks run where posts enter a transcript (fetch, import, comply: a post of the wrong
shape is refused and nothing is written) and where the build reads one (a located error). Fields
chathub does not read may hold anything, as long as it does not nest absurdly deep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ...transcripts.checks import Checker, PostProblem, id_text, kind, shorten
from .client import XError

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
        check_post(check, post, ("data", index) if not isinstance(data, dict) else ("data",))
    includes = check.object(doc.get("includes"), ("includes",), "includes") or {}
    checkers = {"tweets": check_post, "users": check_user, "media": check_media}
    for name, items in includes.items():
        for index, item in enumerate(check.list(items, ("includes", name), f"includes.{name}")):
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

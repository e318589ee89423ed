"""What a Bluesky post view (``app.bsky.feed.defs#postView``) must hold for chathub to read it,
checked field by field.

The same checks run where posts enter a transcript and where the build reads one. A stored
transcript or an imported file with a post of the wrong shape is a located error; a post of the
wrong shape in an API response is left out of the capture, with a warning (its record is written
by its author's client, so one odd post must not stop a chat's capture). Fields chathub does not
read may hold anything, as long as they do not nest absurdly deep.
"""

from __future__ import annotations

from typing import Any

from ...transcripts.checks import Checker, PostProblem, kind, shorten

COUNTS = ("likeCount", "repostCount", "replyCount", "quoteCount", "bookmarkCount")
AUTHOR_TEXTS = ("did", "handle", "displayName", "avatar", "description")


def check_view(check: Checker, view: Any, where: tuple[str | int, ...]) -> None:
    """Problems of one post view."""
    check.post = ""
    if not isinstance(view, dict):
        check.wrong(where, "a post", "an object", view)
        return
    uri = view.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        check.add((*where, "uri"), f"a post needs an at:// uri, not {shorten(uri)}" if "uri" in view
                  else "a post has no uri")
        return
    check.post = uri
    if not check.depth(view, where, "the post"):
        return
    record = check.object(view.get("record"), (*where, "record"), "record")
    if record is None:
        if "record" not in view:
            check.add((*where, "record"), "a post needs its record (text and createdAt)")
        return
    check.text(record.get("text"), (*where, "record", "text"), "record.text")
    if "createdAt" in record:
        check.instant(record["createdAt"], (*where, "record", "createdAt"), "record.createdAt")
    elif "indexedAt" not in view:
        check.add((*where, "record"), "a post needs record.createdAt (or indexedAt)")
    if "indexedAt" in view:
        check.instant(view["indexedAt"], (*where, "indexedAt"), "indexedAt")
    check.list(record.get("facets"), (*where, "record", "facets"), "record.facets")
    for index, lang in enumerate(check.list(record.get("langs"), (*where, "record", "langs"),
                                            "record.langs")):
        check.text(lang, (*where, "record", "langs", index), "record.langs")
    reply = check.object(record.get("reply"), (*where, "record", "reply"), "record.reply")
    for part in ("parent", "root"):
        ref = check.object((reply or {}).get(part), (*where, "record", "reply", part), f"record.reply.{part}")
        if ref is not None:
            check.text(ref.get("uri"), (*where, "record", "reply", part, "uri"), f"record.reply.{part}.uri")
    check.object(record.get("embed"), (*where, "record", "embed"), "record.embed")
    author = check.object(view.get("author"), (*where, "author"), "author")
    for key in AUTHOR_TEXTS:
        check.text((author or {}).get(key), (*where, "author", key), f"author.{key}")
    if author is not None:
        check.count(author.get("followersCount"), (*where, "author", "followersCount"),
                    "author.followersCount")
        check.objects(author.get("labels"), (*where, "author", "labels"), "author.labels")
    for key in COUNTS:
        check.count(view.get(key), (*where, key), key)
    check.object(view.get("embed"), (*where, "embed"), "embed")
    check.objects(view.get("labels"), (*where, "labels"), "labels")


def view_problems(view: Any) -> list[PostProblem]:
    """Everything wrong with one post view (empty when it can be read)."""
    check = Checker()
    check_view(check, view, ())
    return check.problems


def document_problems(doc: dict[str, Any]) -> list[PostProblem]:
    """Everything wrong in a Bluesky transcript (``{"posts": [...], "meta": {...}}``)."""
    check = Checker()
    for index, view in enumerate(doc.get("posts") or []):
        check_view(check, view, ("posts", index))
    return check.problems


def response_problem(page: Any, key: str = "posts") -> str | None:
    """What is wrong with the shape of a ``searchPosts`` or ``getPosts`` response (its posts
    aside), or None."""
    if not isinstance(page, dict):
        return f"the response is {kind(page)}, not an object"
    if key in page and not isinstance(page[key], list):
        return f"its {key} is {kind(page[key])}, not a list"
    cursor = page.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        return f"its cursor is {kind(cursor)}, not text"
    return None

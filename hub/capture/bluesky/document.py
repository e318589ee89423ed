"""Bluesky transcripts: ``chats/<slug>.bsky.json``, ``{"posts": [...post views...], "meta": {...}}``.

Every post view once (by ``uri``), oldest first, as the API returned it; merged and written as
``chathub.capture.documents`` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...transcripts.fields import parse_instant
from ..documents import Document, Item, Shape
from .schema import document_problems

MAX_DEPTH = 1000  # getPostThread's deepest; bounds the walk of a crafted thread


def _created(view: Item) -> str:
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    moment = parse_instant(record.get("createdAt")) or parse_instant(view.get("indexedAt"))
    return moment.isoformat() if moment else ""


SHAPE = Shape("posts", "uri", "a Bluesky transcript", _created, document_problems)


def is_post_view(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("uri"), str)
            and value["uri"].startswith("at://") and isinstance(value.get("record"), dict))


def thread_posts(thread: Any, depth: int = 0) -> Iterator[Item]:
    """Every post view of a ``getPostThread`` thread (``threadViewPost``), parents and replies at
    any depth; ``notFoundPost`` and ``blockedPost`` carry none."""
    if not isinstance(thread, dict) or depth > MAX_DEPTH:
        return
    stack: list[tuple[Any, int]] = [(thread, depth)]
    seen = 0
    while stack:
        node, level = stack.pop()
        seen += 1
        if not isinstance(node, dict) or level > MAX_DEPTH or seen > 100_000:
            continue
        if is_post_view(node.get("post")):
            yield node["post"]
        parent = node.get("parent")
        if isinstance(parent, dict) and level <= 0:  # ancestors, walked upwards only
            stack.append((parent, level - 1 if level <= 0 else level))
        for reply in node.get("replies") or []:
            if level >= 0:
                stack.append((reply, level + 1))


def thread_edges(thread: Any, depth: int) -> list[str]:
    """The URIs of a ``getPostThread`` response's posts at ``depth`` below its root whose replies
    it left out (no ``replies``, and a ``replyCount`` that is not 0): where to read on."""
    edges: list[str] = []
    stack: list[tuple[Any, int]] = [(thread, 0)]
    seen = 0
    while stack and seen <= 100_000:
        node, level = stack.pop()
        seen += 1
        if not isinstance(node, dict) or level > depth:
            continue
        replies = node.get("replies")
        post = node.get("post")
        if level == depth and is_post_view(post) and not replies and post.get("replyCount") != 0:
            edges.append(post["uri"])
        for reply in replies if isinstance(replies, list) else []:
            stack.append((reply, level + 1))
    return edges


def response_posts(value: Any) -> list[Item] | None:
    """The post views of a searchPosts or getPosts response or a getPostThread response; None
    when ``value`` is neither."""
    if isinstance(value, dict) and isinstance(value.get("posts"), list):
        return [p for p in value["posts"] if is_post_view(p)]
    if isinstance(value, dict) and isinstance(value.get("thread"), dict):
        return list(thread_posts(value["thread"]))
    if is_post_view(value):
        return [value]
    return None


def empty() -> Document:
    return SHAPE.empty()

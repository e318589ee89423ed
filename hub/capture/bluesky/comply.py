"""Keeping stored Bluesky posts in step, as Bluesky's developer guidelines require: every stored
post is looked up again with ``getPosts`` (25 URIs a request); posts it no longer returns
(deleted, or their author's account gone or now hidden from logged-out viewers) are removed, the
others get their current counts and labels."""

from __future__ import annotations

from collections.abc import Iterable

from ..documents import Document
from ..window import FetchOutcome
from .client import LOOKUP_BATCH, BlueskyClient
from .document import SHAPE
from .fetch import hide_posts
from .normalise import hidden_from_public
from .schema import view_problems

COUNTS = ("likeCount", "replyCount", "repostCount", "quoteCount", "bookmarkCount", "labels",
          "author", "record", "embed", "indexedAt")


def stored_uris(doc: Document | None) -> list[str]:
    return sorted(SHAPE.ids(doc))


def comply_document(doc: Document, client: BlueskyClient, hidden: Iterable[str] = ()
                    ) -> tuple[Document, dict[str, set[str]], int]:
    """The document with gone posts removed and the rest refreshed; removed and updated URIs,
    and the posts left out for ``hide``."""
    uris = stored_uris(doc)
    current: dict[str, dict] = {}
    for start in range(0, len(uris), LOOKUP_BATCH):
        for view in client.lookup(uris[start:start + LOOKUP_BATCH]):
            if isinstance(view.get("uri"), str):
                current[view["uri"]] = view
    removed = {u for u in uris if u not in current or hidden_from_public(current[u])}
    updated: set[str] = set()
    posts = []
    for view in doc.get("posts") or []:
        uri = view.get("uri")
        if uri in removed:
            continue
        fresh = {**view, **{k: current[uri][k] for k in COUNTS if k in current[uri]}}
        if view_problems(fresh):  # Bluesky sent what chathub cannot read: keep the stored copy
            fresh = view
        if fresh != view:
            updated.add(uri)
        posts.append(fresh)
    result, left_out = hide_posts({**doc, "posts": posts}, list(hidden))
    result = SHAPE.normalize(result)
    result["meta"] = {**result["meta"], "result_count": len(result["posts"])}
    return result, {"removed": removed, "updated": updated}, left_out


__all__ = ["FetchOutcome", "comply_document", "stored_uris"]

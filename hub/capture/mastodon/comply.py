"""Keeping stored Mastodon statuses in step: each is asked for again on the server it was read
from (by its id there). A 404 or 410 removes it; the others get their current content, counts
and edit time. A server that cannot say (restricted, down) leaves its statuses as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..documents import Document, Item
from .client import MastodonFault, MastodonServer, Restricted, read_token
from .document import SHAPE
from .fetch import hide_statuses
from .schema import status_problems

FRESH = ("content", "spoiler_text", "edited_at", "replies_count", "reblogs_count", "favourites_count",
         "quotes_count", "media_attachments", "mentions", "tags", "card", "poll", "account",
         "visibility", "sensitive", "language", "quote")


def comply_document(doc: Document, *, say: Callable[[str], None],
                    sleep: Callable[[float], None] | None = None, environ: Mapping[str, str] | None = None,
                    hidden: Iterable[str] = ()) -> tuple[Document, dict[str, Any], int, int]:
    """The document with gone statuses removed and the rest refreshed; removed, updated and
    unconfirmed URIs, posts left out for ``hide``, and the requests made.

    A server that cannot say (restricted, or still failing after its retries) is asked nothing
    more: its statuses are kept, unconfirmed, and ``failed`` (in the changes) names each server
    that failed, with why, while the other servers' answers are applied.
    """
    servers: dict[str, MastodonServer] = {}
    removed: set[str] = set()
    updated: set[str] = set()
    unconfirmed: set[str] = set()
    failed: dict[str, str] = {}  # host -> why it could not say
    silent: set[str] = set()  # hosts asked nothing more
    kept: list[Item] = []
    requests = 0
    for status in doc.get("statuses") or []:
        host, ident, uri = str(status.get("read_from") or ""), status.get("id"), str(status.get("uri"))
        if not host or ident is None or host in silent:
            unconfirmed.add(uri)
            kept.append(status)
            continue
        try:
            if host not in servers:
                servers[host] = MastodonServer(host, token=read_token(host, environ), say=say, sleep=sleep)
        except MastodonFault as exc:  # a token that cannot be sent
            failed[host] = str(exc)
            silent.add(host)
            unconfirmed.add(uri)
            kept.append(status)
            continue
        server = servers[host]
        before = server.requests
        try:
            current = server.status(str(ident))
        except MastodonFault as exc:
            if not isinstance(exc, Restricted):
                failed[host] = str(exc)
            silent.add(host)
            unconfirmed.add(uri)
            kept.append(status)
            continue
        finally:
            requests += server.requests - before
        if current is not None and status_problems(current):  # an answer chathub cannot read: no verdict
            unconfirmed.add(uri)
            kept.append(status)
            continue
        if current is None or str(current.get("visibility") or "public") not in ("public", "unlisted"):
            removed.add(uri)
            continue
        fresh = {**status, **{k: current[k] for k in FRESH if k in current}}
        if fresh != status:
            updated.add(uri)
        kept.append(fresh)
    result, left_out = hide_statuses({**doc, "statuses": kept}, list(hidden))
    result = SHAPE.normalize(result)
    result["meta"] = {**result["meta"], "result_count": len(result["statuses"])}
    changes = {"removed": removed, "updated": updated, "unconfirmed": unconfirmed, "failed": failed}
    return result, changes, left_out, requests


__all__ = ["MastodonFault", "comply_document"]

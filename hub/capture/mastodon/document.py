"""Mastodon transcripts: ``chats/<slug>.mastodon.json``, ``{"statuses": [...], "meta": {...}}``.

Every status once (by ``uri``, the same on every server), oldest first, as the API returned it,
with two fields of chathub's own: ``read_from`` (the server it was read from, whose ``id`` it
carries) and ``local_ids`` (its id on each server it was read from, so that replies read on any
of them find their parent).
"""

from __future__ import annotations

from typing import Any

from ...transcripts.fields import parse_instant
from ..documents import Item, Shape
from .schema import document_problems


def _created(status: Item) -> str:
    moment = parse_instant(status.get("created_at"))
    return moment.isoformat() if moment else ""


SHAPE = Shape("statuses", "uri", "a Mastodon transcript", _created, document_problems)


def is_status(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("uri"), str) and "content" in value
            and isinstance(value.get("account"), dict))


def tag_status(status: Item, server: str) -> Item:
    """A status as read from ``server``: with ``read_from`` and its id there in ``local_ids``."""
    ids = dict(status.get("local_ids") or {})
    if status.get("id") is not None:
        ids[server] = str(status["id"])
    return {**status, "read_from": status.get("read_from") or server, "local_ids": ids}


def combine(old: Item, new: Item) -> Item:
    """Two copies of one status (from two servers, or two reads): the newer fields, the first
    server it was read from, and its ids on every server."""
    merged = {**old, **new}
    merged["read_from"] = old.get("read_from") or new.get("read_from")
    if old.get("read_from") and old.get("id") is not None:
        merged["id"] = old["id"]  # the id that belongs to read_from
    merged["local_ids"] = {**(new.get("local_ids") or {}), **(old.get("local_ids") or {})}
    return merged


def response_statuses(value: Any) -> list[Item] | None:
    """The statuses of a timeline (a list), a ``status_context`` response or one status; None
    when ``value`` is none of them."""
    if isinstance(value, list) and value and all(is_status(v) for v in value):
        return list(value)
    if isinstance(value, dict) and isinstance(value.get("ancestors"), list) and isinstance(
            value.get("descendants"), list):
        return [s for s in [*value["ancestors"], *value["descendants"]] if is_status(s)]
    if is_status(value):
        return [value]
    return None

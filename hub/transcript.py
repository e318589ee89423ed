"""The transcript store: ``chats/<slug>.tweets.json``, one X API v2 response document.

The file keeps exactly the API's shape (``data``, ``includes``, ``meta``), every post once, oldest
first, formatted deterministically so the same content is byte-identical. Writes are atomic.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Document = dict[str, Any]
INCLUDE_KEYS = {"users": "id", "tweets": "id", "media": "media_key", "places": "id", "polls": "id"}


def empty_document() -> Document:
    return {"data": [], "includes": {}, "meta": {}}


def read_transcript(path: Path) -> Document | None:
    """The stored document, or None when the chat has no transcript yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    doc = json.loads(text)
    doc.setdefault("data", [])
    doc.setdefault("includes", {})
    doc.setdefault("meta", {})
    return doc


def _post_order(post: dict[str, Any]) -> tuple[str, int]:
    return (str(post.get("created_at", "")), int(post.get("id", 0)))


def _by_key(items: Iterable[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        ident = str(item.get(key, ""))
        if ident:
            merged[ident] = {**merged.get(ident, {}), **item}
    return merged


def merge_documents(stored: Document | None, *pages: Document) -> Document:
    """Merge API response pages into a stored document; newer copies of a post win, none is lost."""
    result = stored or empty_document()
    posts = _by_key(result.get("data") or [], "id")
    includes = {name: _by_key(items or [], INCLUDE_KEYS.get(name, "id"))
                for name, items in (result.get("includes") or {}).items()}
    meta = dict(result.get("meta") or {})
    for page in pages:
        for post in page.get("data") or []:
            ident = str(post.get("id", ""))
            if ident:
                posts[ident] = {**posts.get(ident, {}), **post}
        for name, items in (page.get("includes") or {}).items():
            bucket = includes.setdefault(name, {})
            key = INCLUDE_KEYS.get(name, "id")
            for ident, item in _by_key(items or [], key).items():
                bucket[ident] = {**bucket.get(ident, {}), **item}
    return normalize_document({"data": list(posts.values()),
                               "includes": {k: list(v.values()) for k, v in includes.items()},
                               "meta": meta})


def _include_order(key: str):  # type: ignore[no-untyped-def]
    """Numeric ids sort by value (shorter first), others by text."""
    return lambda item: (len(str(item.get(key, ""))), str(item.get(key, "")))


def normalize_document(doc: Document) -> Document:
    """Sort posts oldest first and includes by key, so equal content gives equal bytes."""
    includes = {
        name: sorted(items, key=_include_order(INCLUDE_KEYS.get(name, "id")))
        for name, items in sorted((doc.get("includes") or {}).items())
        if items
    }
    return {
        "data": sorted(doc.get("data") or [], key=_post_order),
        "includes": includes,
        "meta": doc.get("meta") or {},
    }


def dump_document(doc: Document) -> str:
    """The canonical text of a document."""
    return json.dumps(normalize_document(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_transcript(path: Path, doc: Document) -> bool:
    """Write atomically (temporary file, then rename). Returns False when nothing changed."""
    text = dump_document(doc)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True

"""Keeping stored posts in step with X, as its developer policy requires of sites that show them.

Every stored post (in ``data`` and ``includes.tweets``) is looked up again with ``get_tweets``,
100 ids a request. Posts X reports as gone (deleted, protected, suspended) are removed with the
includes only they used; the others get their current text, metrics and edit fields. An edited
post keeps its id and takes the text of its latest version.

Looking up (``check_posts``, the network part) and applying what it found (``apply_findings``)
are two steps: the second runs under the transcript's lock on the posts stored then, so a post
removed meanwhile is not brought back and a post added meanwhile is not dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...transcripts.fields import id_order
from .client import LOOKUP_BATCH, XClient
from .document import Document, Item, hide_posts, merge_documents, remove_posts
from .schema import check_pages

# X's problem types for a resource that is gone or no longer public.
UNAVAILABLE_TYPES = ("resource-not-found", "not-authorized-for-resource", "resource-unavailable")
UNAVAILABLE_TITLES = ("Not Found Error", "Authorization Error", "Forbidden")
# Fields that change when a post is edited or re-read; a fresh copy replaces them all.
CONTENT_FIELDS = ("text", "note_tweet", "entities", "attachments", "public_metrics",
                  "edit_history_tweet_ids", "edit_controls", "possibly_sensitive", "withheld",
                  "lang")


@dataclass
class ComplyReport:
    """What a compliance check found and changed in one transcript."""

    checked: int = 0
    removed: set[str] = field(default_factory=set)
    edited: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    unconfirmed: set[str] = field(default_factory=set)
    hidden: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.edited or self.updated or self.hidden)

    def summary(self) -> str:
        parts = [f"{len(self.removed)} removed (deleted or no longer public)",
                 f"{len(self.edited)} edited", f"{len(self.updated)} with new metrics or fields"]
        if self.hidden:
            parts.append(f"{self.hidden} left out (hide)")
        if self.unconfirmed:
            parts.append(f"{len(self.unconfirmed)} not confirmed either way (kept)")
        return f"{self.checked} posts checked: " + ", ".join(parts)


def stored_post_ids(doc: Document) -> list[str]:
    """Ids of every stored post, in data and in includes.tweets, in a stable order."""
    posts = [*(doc.get("data") or []), *((doc.get("includes") or {}).get("tweets") or [])]
    ids = {str(p.get("id")) for p in posts if p.get("id")}
    return sorted(ids, key=id_order)


def _batches(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), LOOKUP_BATCH):
        yield ids[start:start + LOOKUP_BATCH]


def _unavailable(error: dict[str, Any]) -> bool:
    kind = str(error.get("type") or "")
    return kind.rsplit("/", 1)[-1] in UNAVAILABLE_TYPES or error.get("title") in UNAVAILABLE_TITLES


def _lookup_all(client: XClient, ids: list[str]) -> tuple[dict[str, Item], set[str], set[str],
                                                          list[Document]]:
    """Returned posts by id, ids of gone posts, ids of gone users, and the pages' includes."""
    returned: dict[str, Item] = {}
    gone: set[str] = set()
    gone_users: set[str] = set()
    pages: list[Document] = []
    for batch in _batches(ids):
        page = client.lookup(batch)
        for post in page.get("data") or []:
            if isinstance(post, dict) and post.get("id"):
                returned[str(post["id"])] = post
        pages.append({"data": [], "includes": page.get("includes") or {}})
        for error in page.get("errors") or []:
            if not isinstance(error, dict) or not _unavailable(error):
                continue
            ident = str(error.get("resource_id") or error.get("value") or "")
            if error.get("resource_type") == "user":
                gone_users.add(ident)
            elif ident in batch:
                gone.add(ident)
    return returned, gone, gone_users, pages


def _refresh(stored: Item, current: Item, latest: Item | None) -> Item:
    """The stored post with the content of a fresh copy (of its latest version, when edited)."""
    fresh = latest or current
    merged = {**stored, **current}
    for name in CONTENT_FIELDS:
        merged.pop(name, None)
        if name in fresh:
            merged[name] = fresh[name]
    if latest is not None and "edit_history_tweet_ids" in latest:
        merged["edit_history_tweet_ids"] = latest["edit_history_tweet_ids"]
    return merged


@dataclass
class Findings:
    """What X said about the posts looked up."""

    checked: list[str]
    returned: dict[str, Item]  # post id -> its current copy
    gone: set[str]  # posts deleted or no longer public (every version of an edited one)
    gone_users: set[str]
    latest: dict[str, Item]  # id of an edited post's latest version -> that version
    newest_of: dict[str, str]  # edited post id -> its latest version's id
    pages: list[Document]  # the lookups' includes (users, media)


def check_posts(client: XClient, ids: list[str]) -> Findings:
    """Look every post up with X (and the latest versions of edited ones)."""
    returned, gone, gone_users, pages = _lookup_all(client, ids)
    newest_of = {}
    for ident, post in returned.items():
        history = [str(h) for h in post.get("edit_history_tweet_ids") or []]
        if history and history[-1] != ident:
            newest_of[ident] = history[-1]
    wanted = sorted({v for v in newest_of.values() if v not in returned}, key=id_order)
    latest, gone_latest, _, more = _lookup_all(client, wanted) if wanted else ({}, set(), set(), [])
    latest.update({k: v for k, v in returned.items() if k in newest_of.values()})
    pages.extend(more)
    for ident, newest in newest_of.items():
        if newest in gone_latest:  # deleting a post deletes every version of it
            gone.add(ident)
    check_pages([{"data": [*returned.values(), *latest.values()]}, *pages])
    return Findings(list(ids), returned, gone, gone_users, latest, newest_of, pages)


def apply_findings(doc: Document, findings: Findings, hidden: Iterable[str] = ()) -> tuple[Document,
                                                                                          ComplyReport]:
    """The stored document with what X said applied: gone posts removed, the others refreshed.
    Posts stored after the lookup (not in ``findings.checked``) are left as they are."""
    report = ComplyReport()
    checked = set(findings.checked) & set(stored_post_ids(doc))
    report.checked = len(checked)
    returned, gone, latest = findings.returned, findings.gone & checked, findings.latest
    report.unconfirmed = checked - set(returned) - gone

    def refreshed(post: Item) -> Item:
        ident = str(post.get("id"))
        if ident not in returned or ident in gone:
            return post
        new = _refresh(post, returned[ident], latest.get(findings.newest_of.get(ident, "")))
        if new.get("text") != post.get("text") or new.get("note_tweet") != post.get("note_tweet"):
            report.edited.add(ident)
        elif new != post:
            report.updated.add(ident)
        return new

    includes = dict(doc.get("includes") or {})
    if "tweets" in includes:
        includes["tweets"] = [refreshed(t) for t in includes["tweets"]]
    updated = {"data": [refreshed(p) for p in doc.get("data") or []], "includes": includes,
               "meta": doc.get("meta") or {}}
    fresh_includes = [{"data": [], "includes": {k: v for k, v in page["includes"].items()
                                                 if k != "tweets"}} for page in findings.pages]
    updated = merge_documents(updated, *fresh_includes)
    if findings.gone_users:
        updated["includes"]["users"] = [u for u in updated["includes"].get("users") or []
                                        if str(u.get("id")) not in findings.gone_users]
    before = set(stored_post_ids(updated))
    updated = remove_posts(updated, gone)
    after = set(stored_post_ids(updated))
    report.removed = before - after
    report.edited -= report.removed
    report.updated -= report.removed
    updated, report.hidden = hide_posts(updated, hidden)
    return updated, report


def comply_document(doc: Document, client: XClient, hidden: Iterable[str] = ()) -> tuple[Document,
                                                                                        ComplyReport]:
    """Check every stored post with X; the updated document and what changed."""
    return apply_findings(doc, check_posts(client, stored_post_ids(doc)), hidden)

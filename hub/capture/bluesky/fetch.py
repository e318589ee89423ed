"""Capturing a chat's posts from Bluesky: the hashtag over the window, then the threads of the
team's question posts for replies that forgot the hashtag, at any depth.

``searchPosts`` (``tag``, ``since`` inclusive, ``until`` exclusive, newest first) is paged by its
cursor. Its cursor may stop before the result set does: when a full last page says more may
follow, the search goes on with ``until`` moved to the oldest post seen, until a round brings
nothing new. A run cut short by ``--max-posts`` records where it stopped (``meta.resume``), and
the next run goes on from there. The transcript is written once, when every request has
succeeded, by merging into what is stored at that moment, under the store's lock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...model.chat import Chat, HubConfig
from ...transcripts.fields import parse_instant
from ..documents import Document, Item
from ..faults import PageGuard
from ..window import (
    API_LAG,
    QUESTION_RE,
    FetchOutcome,
    Window,
    capture_window,
    hidden_entries,
    iso,
    window_meta,
)
from .client import SEARCH_LIMIT, THREAD_DEPTH, BlueskyClient
from .document import SHAPE, thread_edges, thread_posts
from .normalise import good_handle

THREAD_ROUNDS = 3
MAX_THREAD_REQUESTS = 200  # getPostThread requests per question post: a conversation 8,000 replies deep
MAX_RESTARTS = 50  # searches restarted after a cursor stopped, per pass
MAX_POSTS_PER_MINUTE = 1000  # the busiest chat a search is ever paged for (bounds a cursor that never ends)


class CaptureError(Exception):
    """A chat that cannot be fetched as asked; the message says why."""


@dataclass
class Plan:
    chat: Chat
    window: Window
    now: datetime
    passes: list[tuple[datetime, datetime]]  # [since, until) ranges still to read
    threads_done: set[str]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def window_open(self) -> bool:
        return self.window.end > self.now - API_LAG


def is_complete(doc: Document | None) -> bool:
    return bool(doc and (doc.get("meta") or {}).get("complete"))


def plan_fetch(chat: Chat, config: HubConfig, stored: Document | None, *, refresh: bool = False) -> Plan:
    """What is left to read, resuming what ``stored`` says was read."""
    now = config.now
    if chat.cancelled:
        raise CaptureError(f"{chat.slug} is cancelled: there is nothing to fetch")
    if not chat.has_started(now):
        raise CaptureError(f"{chat.slug} has not started yet (it starts {iso(chat.start)})")
    window = capture_window(chat, config)
    reachable = min(window.end, now - API_LAG)
    meta = dict((stored or {}).get("meta") or {})
    same = (not refresh and meta.get("tag") == chat.hashtag and (meta.get("window") or {}).get(
        "start_time") == iso(window.start) and (meta.get("window") or {}).get("end_time") == iso(window.end))
    passes: list[tuple[datetime, datetime]] = []
    covered = window.start
    done: set[str] = set()
    if same:
        done = set(meta.get("threads") or [])
        resume = meta.get("resume") or {}
        since, until = parse_instant(resume.get("since")), parse_instant(resume.get("until"))
        if since and until and since < until:
            passes.append((since, until))
        covered = parse_instant(meta.get("fetched_until")) or (window.end if meta.get("complete")
                                                          else window.start)
    if covered < reachable:
        passes.append((covered, reachable))
    return Plan(chat, window, now, passes, done, meta if same else {})


def _sort_at(view: Item) -> datetime | None:
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    times = [t for t in (parse_instant(record.get("createdAt")), parse_instant(view.get("indexedAt"))) if t]
    return min(times) if times else None


def _search(client: BlueskyClient, tag: str, since: datetime, until: datetime, budget: int | None,
            on_page: Callable[[int], None] | None) -> tuple[list[Item], datetime | None, bool]:
    """Every post of the search over [since, until): the views, the oldest time reached when the
    budget ran out (None when the range was read to its end), and whether it was."""
    found: dict[str, Item] = {}
    upper = until
    restarts = 0
    read = 0
    minutes = max(1.0, (until - since).total_seconds() / 60)
    pages = math.ceil((budget if budget is not None else minutes * MAX_POSTS_PER_MINUTE) / 25) + 5
    while True:
        cursor: str | None = None
        new_this_round = 0
        last_full = False
        oldest: datetime | None = None
        guard = PageGuard(pages, f"the search for #{tag}", source="Bluesky", cursor="cursor")
        while True:
            left = None if budget is None else budget - read
            if left is not None and left <= 0:
                return list(found.values()), oldest or upper, False
            size = SEARCH_LIMIT if left is None else max(1, min(SEARCH_LIMIT, left))
            page = client.search(tag, iso(since), _iso_ms(upper), cursor, size)
            returned = page.get("posts") or []
            posts = client.usable(returned)
            read += len(returned)
            if on_page:
                on_page(len(returned))
            for view in posts:
                if view["uri"] not in found:
                    new_this_round += 1
                found[view["uri"]] = view
                moment = _sort_at(view)
                if moment and (oldest is None or moment < oldest):
                    oldest = moment
            last_full = len(returned) >= size
            cursor = page.get("cursor") or None
            guard.next_page([str(v.get("uri")) for v in returned if isinstance(v, dict)],
                            cursor if returned else None)
            if not cursor or not returned:
                break
        # The cursor stopped. A full last page may mean it stopped short of the results.
        if not last_full or oldest is None or oldest <= since or not new_this_round:
            return list(found.values()), None, True
        restarts += 1
        if restarts > MAX_RESTARTS:
            return list(found.values()), None, True
        upper = oldest + timedelta(milliseconds=1)


def _iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def team_accounts(chat: Chat) -> set[str]:
    """The host's and moderators' Bluesky handles and DIDs, lowercased."""
    return {p.bluesky.lower() for p in chat.team if p.bluesky}


def question_posts(views: list[Item], chat: Chat) -> list[str]:
    """URIs of the team's question posts (``Q1 …``) among ``views``."""
    team = team_accounts(chat)
    found = []
    for view in views:
        author = view.get("author") if isinstance(view.get("author"), dict) else {}
        who = {good_handle(str(author.get("handle") or "")).lower(), str(author.get("did") or "").lower()}
        text = str((view.get("record") or {}).get("text") or "")
        if who & team and QUESTION_RE.match(text):
            found.append(str(view["uri"]))
    return sorted(found)


def hide_posts(doc: Document, hidden: list[str]) -> tuple[Document, int]:
    """Without the posts of people (handles, DIDs) and the posts (URIs) in ``hidden``."""
    entries = {str(h).strip().removeprefix("@").lower() for h in hidden if str(h).strip()}
    if not entries:
        return doc, 0

    def gone(view: Item) -> bool:
        author = view.get("author") if isinstance(view.get("author"), dict) else {}
        return bool({str(view.get("uri", "")).lower(), str(author.get("handle", "")).lower(),
                     str(author.get("did", "")).lower()} & entries)

    kept = [v for v in doc.get("posts") or [] if not gone(v)]
    return {**doc, "posts": kept}, len(doc.get("posts") or []) - len(kept)


def fetch_chat(plan: Plan, config: HubConfig, client: BlueskyClient, *, budget: int | None = None,
               on_page: Callable[[int], None] | None = None) -> FetchOutcome:
    """Run a plan; merge what was read into the stored transcript once everything succeeded."""
    chat = plan.chat
    outcome = FetchOutcome()
    requests_before, reads_before = client.requests, client.reads
    left_before = len(client.left_out)
    meta = dict(plan.meta)
    fetched_until = parse_instant(meta.get("fetched_until")) or plan.window.start
    resume: dict[str, str] | None = None
    views: list[Item] = []

    def left() -> int | None:
        return None if budget is None else budget - (client.reads - reads_before)

    for index, (since, until) in enumerate(plan.passes):
        remaining = left()
        if remaining is not None and remaining <= 0:
            outcome.capped = True
            resume = {"since": iso(since), "until": _iso_ms(until)}
            break
        found, stopped, whole = _search(client, chat.hashtag, since, until, remaining, on_page)
        views.extend(found)
        is_resume = index == 0 and bool(plan.meta.get("resume"))
        if whole:
            if not is_resume:
                fetched_until = max(fetched_until, until)
        else:
            outcome.capped = True
            resume = {"since": iso(since), "until": _iso_ms(stopped or until)}
            if not is_resume:
                fetched_until = max(fetched_until, until)
            break

    stored = SHAPE.read(chat.transcript_file("bluesky"))
    done = set(plan.threads_done)
    window_read = fetched_until >= plan.window.end and not resume and not outcome.capped
    pending: list[str] = []
    if window_read:
        for _ in range(THREAD_ROUNDS):
            everything = [*((stored or {}).get("posts") or []), *views]
            pending = [u for u in question_posts(everything, chat) if u not in done]
            if not pending:
                break
            for uri in pending:
                remaining = left()
                if remaining is not None and remaining <= 0:
                    outcome.capped = True
                    break
                replies = _thread_views(client, uri, left)
                replies = client.usable([v for v in replies if plan.window.holds(_sort_at(v))
                                         or v.get("uri") == uri])
                views.extend(replies)
                done.add(uri)
                outcome.conversations += 1
            if outcome.capped:
                break
        everything = [*((stored or {}).get("posts") or []), *views]
        pending = [u for u in question_posts(everything, chat) if u not in done]

    outcome.complete = window_read and not outcome.capped and not pending
    meta.update({"tag": chat.hashtag, "endpoint": "app.bsky.feed.searchPosts",
                 "window": window_meta(chat, plan.window), "fetched_at": iso(plan.now),
                 "fetched_until": iso(fetched_until), "complete": outcome.complete,
                 "threads": sorted(done)})
    if resume:
        meta["resume"] = resume
    else:
        meta.pop("resume", None)
    hidden = hidden_entries(chat, config)
    before = SHAPE.ids(stored)

    def change(now_stored: Document | None) -> Document:
        document = SHAPE.merge(now_stored, views)
        document["meta"] = {**document.get("meta", {}), **meta, "result_count": 0}
        document, outcome.hidden = hide_posts(document, hidden)
        document["meta"]["result_count"] = len(document["posts"])
        outcome.total = len(document["posts"])
        outcome.new_posts = len(SHAPE.ids(document) - before)
        return document

    outcome.reads = client.reads - reads_before
    outcome.requests = client.requests - requests_before
    outcome.warnings += [f"left out a post Bluesky sent that chathub cannot read: {why}"
                         for why in client.left_out[left_before:]]
    outcome.written = SHAPE.update(chat.transcript_file("bluesky"), change)
    return outcome


def _thread_views(client: BlueskyClient, uri: str, left: Callable[[], int | None]) -> list[Item]:
    """Every post view of the thread below ``uri``, ``THREAD_DEPTH`` levels a request: where a
    response stops with replies left out, the thread is read on from there (at most
    ``MAX_THREAD_REQUESTS`` requests, and within ``--max-posts``)."""
    views: list[Item] = []
    queue, asked = [uri], {uri}
    seen: set[str] = set()
    requests = 0
    while queue and requests < MAX_THREAD_REQUESTS:
        remaining = left()
        if requests and remaining is not None and remaining <= 0:
            break
        page = client.thread(queue.pop(0))
        requests += 1
        thread = (page or {}).get("thread")
        found = [v for v in thread_posts(thread) if v["uri"] not in seen]  # an edge comes back as root
        seen.update(v["uri"] for v in found)
        client.reads += len(found)
        views.extend(found)
        for edge in thread_edges(thread, THREAD_DEPTH):
            if edge not in asked:
                asked.add(edge)
                queue.append(edge)
    return views

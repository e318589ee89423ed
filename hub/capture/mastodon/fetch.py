"""Capturing a chat's statuses from Mastodon: the hashtag timeline of every listed server over
the window, then the replies of the team's question posts, merged by ``uri`` across servers.

One server only knows the statuses that reached it, so several are read. A server that shows
its hashtag timeline to logged-in users only is named in a warning and skipped (a token for it
reads it); the run succeeds if any server was read. A run cut short by ``--max-posts`` records
on each server how far down it got, and the next run goes on from there. The transcript is
written once, when every request has succeeded, merging into what is stored at that moment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...model.chat import Chat, HubConfig
from ...transcripts.fields import id_order, parse_instant
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
from .client import TIMELINE_LIMIT, MastodonServer, Restricted, read_token, token_variable
from .document import SHAPE, combine, tag_status
from .normalise import full_account

CONTEXT_ROUNDS = 2


class CaptureError(Exception):
    """A chat that cannot be fetched as asked; the message says why."""


@dataclass
class Plan:
    chat: Chat
    window: Window
    now: datetime
    servers: dict[str, str | None]  # host -> the id to continue below (None: from the window's end)
    contexts_done: set[str]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def window_open(self) -> bool:
        return self.window.end > self.now - API_LAG


def is_complete(doc: Document | None) -> bool:
    return bool(doc and (doc.get("meta") or {}).get("complete"))


def plan_fetch(chat: Chat, config: HubConfig, stored: Document | None, *, refresh: bool = False) -> Plan:
    now = config.now
    if chat.cancelled:
        raise CaptureError(f"{chat.slug} is cancelled: there is nothing to fetch")
    if not chat.has_started(now):
        raise CaptureError(f"{chat.slug} has not started yet (it starts {iso(chat.start)})")
    window = capture_window(chat, config)
    meta = dict((stored or {}).get("meta") or {})
    same = (not refresh and meta.get("tag") == chat.hashtag
            and (meta.get("window") or {}).get("start_time") == iso(window.start)
            and (meta.get("window") or {}).get("end_time") == iso(window.end))
    known = (meta.get("servers") or {}) if same else {}
    servers: dict[str, str | None] = {}
    for host in chat.mastodon_instances:
        state = known.get(host) or {}
        if state.get("read") and not (state.get("restricted") and read_token(host)):
            continue
        servers[host] = str(state["max_id"]) if state.get("max_id") else None
    done = set(meta.get("contexts") or []) if same else set()
    return Plan(chat, window, now, servers, done, meta if same else {})


def team_accounts(chat: Chat) -> set[str]:
    return {p.mastodon.lower() for p in chat.team if p.mastodon}


def _created(status: Item) -> datetime | None:
    return parse_instant(status.get("created_at"))


def hide_statuses(doc: Document, hidden: list[str]) -> tuple[Document, int]:
    """Without the statuses of people (``user@server``) and the statuses (URI or URL) in
    ``hidden``."""
    entries = {str(h).strip().removeprefix("@").lower() for h in hidden if str(h).strip()}
    if not entries:
        return doc, 0

    def gone(status: Item) -> bool:
        account = status.get("account") if isinstance(status.get("account"), dict) else {}
        who = full_account(account, str(status.get("read_from") or "")).lower()
        return bool({who, str(status.get("uri", "")).lower(), str(status.get("url", "")).lower()} & entries)

    kept = [s for s in doc.get("statuses") or [] if not gone(s)]
    return {**doc, "statuses": kept}, len(doc.get("statuses") or []) - len(kept)


def fetch_chat(plan: Plan, config: HubConfig, *, budget: int | None = None, say: Callable[[str], None],
               sleep: Callable[[float], None] | None = None, environ: Mapping[str, str] | None = None,
               on_page: Callable[[int], None] | None = None) -> FetchOutcome:
    """Read every planned server; merge into the stored transcript once all of it succeeded."""
    chat = plan.chat
    outcome = FetchOutcome()
    meta = dict(plan.meta)
    states: dict[str, dict[str, Any]] = {h: dict(s) for h, s in (meta.get("servers") or {}).items()}
    read: list[Item] = []
    servers: dict[str, MastodonServer] = {}
    reachable_end = min(plan.window.end, plan.now - API_LAG)

    def left() -> int | None:
        return None if budget is None else budget - outcome.reads

    for host, below in plan.servers.items():
        token = read_token(host, environ)
        server = servers[host] = MastodonServer(host, token=token, say=say, sleep=sleep)
        state = states.setdefault(host, {})
        try:
            if not server.hashtag_open():
                raise Restricted(f"{host} shows its hashtag timeline to logged-in users only")
            cursor: str | datetime | None = below or reachable_end
            minutes = max(1.0, plan.window.minutes)
            guard = PageGuard(math.ceil((budget or minutes * 1000) / TIMELINE_LIMIT) + 5,
                              f"the #{chat.hashtag} timeline", source=host, cursor="max_id")
            while True:
                remaining = left()
                if remaining is not None and remaining <= 0:
                    outcome.capped = True
                    break
                page = server.timeline(chat.hashtag, max_id=cursor, min_id=plan.window.start)
                outcome.reads += len(page)
                if on_page:
                    on_page(len(page))
                if not page:
                    break
                for status in page:
                    if plan.window.holds(_created(status)):
                        read.append(tag_status(status, host))
                cursor = min((str(s.get("id")) for s in page if s.get("id") is not None), key=id_order)
                state["max_id"] = cursor
                if len(page) < TIMELINE_LIMIT:
                    break
                guard.next_page([str(s.get("uri")) for s in page], cursor)
            state.update(read=not outcome.capped and reachable_end >= plan.window.end, restricted=False)
            if state["read"]:
                state.pop("max_id", None)
        except Restricted as exc:
            hint = (f"; set {token_variable(host)} to a token of an account there to read it"
                    if not token else "")
            outcome.warnings.append(f"{exc}: skipped{hint}")
            state.update(read=True, restricted=True)
            state.pop("max_id", None)
        finally:
            outcome.requests += server.requests
        if outcome.capped:
            break
    readable = [h for h in chat.mastodon_instances if not (states.get(h) or {}).get("restricted")]
    if plan.servers and not readable:
        raise CaptureError(f"no Mastodon server of {chat.slug} could be read: "
                           + "; ".join(outcome.warnings))

    stored = SHAPE.read(chat.transcript_file("mastodon"))
    done = set(plan.contexts_done)
    everything: list[Item] = []
    window_read = not outcome.capped and all((states.get(h) or {}).get("read")
                                              for h in chat.mastodon_instances)
    if window_read:
        for _ in range(CONTEXT_ROUNDS):
            everything = SHAPE.merge(stored, read, combine=combine)["statuses"]
            pending = [s for s in question_statuses(everything, chat) if s["uri"] not in done]
            if not pending:
                break
            for status in pending:
                host = str(status.get("read_from") or "")
                if host not in servers:
                    servers[host] = MastodonServer(host, token=read_token(host, environ), say=say,
                                                   sleep=sleep)
                server = servers[host]
                before = server.requests
                try:
                    context = server.context(str(status.get("id")))
                except Restricted as exc:
                    outcome.warnings.append(f"{exc}: its replies were not read")
                    context = {}
                outcome.requests += server.requests - before
                replies = [s for s in context.get("descendants") or [] if isinstance(s, dict)]
                outcome.reads += len(replies)
                read.extend(tag_status(s, host) for s in replies if plan.window.holds(_created(s)))
                done.add(status["uri"])
                outcome.conversations += 1
        everything = SHAPE.merge(stored, read, combine=combine)["statuses"]
        pending = [s for s in question_statuses(everything, chat) if s["uri"] not in done]
    else:
        pending = []
    outcome.complete = window_read and not pending
    outcome.warnings += [f"left out a status {host} sent that chathub cannot read: {why}"
                         for host, server in servers.items() for why in server.left_out]
    meta.update({"tag": chat.hashtag, "endpoint": "GET /api/v1/timelines/tag/:hashtag",
                 "window": window_meta(chat, plan.window), "fetched_at": iso(plan.now),
                 "servers": {h: states[h] for h in sorted(states)}, "complete": outcome.complete,
                 "contexts": sorted(done)})
    hidden = hidden_entries(chat, config)
    before_ids = SHAPE.ids(stored)

    def change(now_stored: Document | None) -> Document:
        document = SHAPE.merge(now_stored, read, combine=combine)
        document["meta"] = {**document.get("meta", {}), **meta}
        document, outcome.hidden = hide_statuses(document, hidden)
        document["meta"]["result_count"] = len(document["statuses"])
        outcome.total = len(document["statuses"])
        outcome.new_posts = len(SHAPE.ids(document) - before_ids)
        return document

    outcome.written = SHAPE.update(chat.transcript_file("mastodon"), change)
    return outcome


def question_statuses(statuses: list[Item], chat: Chat) -> list[Item]:
    """The team's question posts (``Q1 …``) among ``statuses``."""
    from .normalise import plain_html

    team = team_accounts(chat)
    found = []
    for status in statuses:
        account = status.get("account") if isinstance(status.get("account"), dict) else {}
        if full_account(account, str(status.get("read_from") or "")).lower() not in team:
            continue
        if QUESTION_RE.match(plain_html(str(status.get("content") or ""))):
            found.append(status)
    return found

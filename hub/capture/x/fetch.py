"""Capturing a chat's transcript from X: the window, the queries, resuming, and completeness.

A fetch reads the chat's hashtag over its window (``fetch_before`` minutes before the start to
``fetch_after`` after the end), then the conversations of the team's question posts (``Q1 …``)
for replies that forgot the hashtag. It writes the transcript once, when everything asked for
has been read: a failure leaves the stored file as it was. ``meta`` records what was asked and
how far it got, so the next fetch continues instead of reading (and paying for) posts again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ...model.chat import Chat, Hub, HubConfig
from ...model.problems import Problems
from ...transcripts.fields import id_order, parse_instant
from ..window import API_LAG, FetchOutcome, Window, capture_window, hidden_entries, iso
from .client import RECENT_REACH, Endpoint, XClient, choose_endpoint
from .document import (
    Document,
    empty_document,
    hide_posts,
    merge_documents,
    post_ids,
    read_transcript,
    update_transcript,
)
from .schema import check_pages

WARN_BEFORE_CLOSE = timedelta(hours=48)
GUESS_PER_MINUTE = 5  # posts a minute assumed when no earlier chat tells better
# A question post: "Q1", "Q1:", "Q 2." … after any leading @mentions (replies start with them).
QUESTION_RE = re.compile(r"^\s*(?:[@＠]\w+\s+)*[QＱ]\s?\d{1,2}(?!\d)", re.IGNORECASE)
CONVERSATION_ROUNDS = 3


class CaptureError(Exception):
    """A chat that cannot be fetched as asked; the message says why."""


@dataclass(frozen=True)
class Pass:
    """One search over part of the window; ``until_id`` resumes a pass cut short by a cap."""

    start: datetime
    end: datetime
    until_id: str | None = None


@dataclass
class FetchPlan:
    """What a fetch of one chat will ask X for."""

    chat: Chat
    window: Window
    query: str
    now: datetime
    passes: list[Pass]
    conversations_done: set[str]
    meta: dict[str, Any]

    @property
    def window_open(self) -> bool:
        """True while the window has not fully passed (the capture cannot be complete yet)."""
        return self.window.end > self.now - API_LAG

    def endpoint(self, start: datetime) -> Endpoint:
        return choose_endpoint(start, self.now)

    @property
    def minutes(self) -> float:
        """Minutes of the window the passes still have to read."""
        return sum((p.end - p.start).total_seconds() / 60 for p in self.passes)


def main_query(chat: Chat) -> str:
    return f"#{chat.hashtag} -is:retweet"


def recent_search_closes(chat: Chat, config: HubConfig) -> datetime:
    """When X's 7-day recent search stops reaching the start of the chat's window."""
    return capture_window(chat, config).start + RECENT_REACH


def is_complete(doc: Document | None) -> bool:
    return bool(doc and (doc.get("meta") or {}).get("complete"))


def due_chats(hub: Hub) -> list[Chat]:
    """Published, not cancelled, ended chats without a complete transcript, oldest first."""
    now = hub.config.now
    due = []
    for chat in sorted(hub.published, key=lambda c: c.start_utc):
        if chat.cancelled or not chat.has_ended(now):
            continue
        try:
            stored = read_transcript(chat.transcript_path)
        except Exception:  # an unreadable file: the fetch will report it
            stored = None
        if not is_complete(stored):
            due.append(chat)
    return due


def plan_fetch(chat: Chat, config: HubConfig, stored: Document | None, *,
               refresh: bool = False) -> FetchPlan:
    """The passes a fetch still needs, resuming what ``stored`` says was already read."""
    now = config.now
    if chat.cancelled:
        raise CaptureError(f"{chat.slug} is cancelled: there is nothing to fetch")
    if not chat.has_started(now):
        raise CaptureError(f"{chat.slug} has not started yet (it starts {iso(chat.start)})")
    window = capture_window(chat, config)
    query = main_query(chat)
    reachable_end = min(window.end, now - API_LAG)
    meta = dict((stored or {}).get("meta") or {})
    same = (not refresh and meta.get("query") == query and meta.get("start_time") == iso(window.start)
            and meta.get("end_time") == iso(window.end))
    passes: list[Pass] = []
    done: set[str] = set()
    covered = window.start
    if same:
        done = {str(c) for c in meta.get("conversation_ids") or []}
        resume = meta.get("resume") or {}
        r_start, r_end = parse_instant(resume.get("start_time")), parse_instant(resume.get("end_time"))
        if r_start and r_end and resume.get("until_id"):
            passes.append(Pass(r_start, r_end, str(resume["until_id"])))
        covered = parse_instant(meta.get("fetched_until")) or (window.end if meta.get("complete")
                                                          else window.start)
    if covered < reachable_end:
        passes.append(Pass(covered, reachable_end))
    return FetchPlan(chat, window, query, now, passes, done, meta if same else {})


def question_conversations(doc: Document, chat: Chat) -> list[str]:
    """Conversation ids of the host's and moderators' question posts (``Q1 …``)."""
    team = {person.key for person in chat.team}
    includes = doc.get("includes") or {}
    names = {str(u.get("id")): str(u.get("username", "")).lower() for u in includes.get("users") or []}
    found = set()
    for post in [*(doc.get("data") or []), *(includes.get("tweets") or [])]:
        if names.get(str(post.get("author_id"))) not in team:
            continue
        text = str((post.get("note_tweet") or {}).get("text") or post.get("text") or "")
        if QUESTION_RE.match(text):
            found.add(str(post.get("conversation_id") or post.get("id")))
    return sorted(found, key=id_order)


def conversation_queries(ids: Iterable[str], chat: Chat, endpoint: Endpoint) -> list[tuple[str, list[str]]]:
    """Queries for replies in these conversations that lack the hashtag (those with it are in
    the main query already), packed with OR up to the endpoint's query length."""
    suffix = f" -#{chat.hashtag} -is:retweet"
    batches: list[list[str]] = []
    for ident in ids:
        candidate = [*batches[-1], ident] if batches else [ident]
        if batches and len(_conversation_query(candidate, suffix)) <= endpoint.query_limit:
            batches[-1] = candidate
        else:
            batches.append([ident])
    return [(_conversation_query(batch, suffix), batch) for batch in batches]


def _conversation_query(ids: list[str], suffix: str) -> str:
    clauses = " OR ".join(f"conversation_id:{i}" for i in ids)
    return (f"({clauses})" if len(ids) > 1 else clauses) + suffix


def fetch_chat(plan: FetchPlan, config: HubConfig, client: XClient, stored: Document | None, *,
               budget: int | None = None, on_page: Callable[[int], None] | None = None,
               say: Callable[[str], None] | None = None) -> FetchOutcome:
    """Run a plan; write the transcript only when every request has succeeded.

    The pages read and the meta fields of this fetch are merged, under the transcript's lock,
    into what is stored then: posts imported (or fetched) meanwhile, and ``meta.imports``, stay.
    """
    chat = plan.chat
    outcome = FetchOutcome()
    requests_before, reads_before = client.requests, client.reads
    pages: list[Document] = []
    meta = dict(plan.meta)
    fetched_until = parse_instant(meta.get("fetched_until")) or plan.window.start
    resume: dict[str, Any] | None = meta.get("resume") if plan.meta else None
    endpoint_used = meta.get("endpoint")

    def left() -> int | None:
        return None if budget is None else budget - (client.reads - reads_before)

    for step in plan.passes:
        remaining = left()
        if remaining is not None and remaining <= 0:
            outcome.capped = True
            break
        endpoint = plan.endpoint(step.start)
        endpoint_used = endpoint.method
        result = client.search(endpoint, plan.query, step.start, step.end, until_id=step.until_id,
                               budget=remaining, on_page=on_page)
        pages.extend(result.pages)
        if step.until_id is None:
            fetched_until = max(fetched_until, step.end)
        if result.complete:
            if step.until_id is not None:
                resume = None
        else:
            outcome.capped = True
            resume = {"start_time": iso(step.start), "end_time": iso(step.end),
                      "until_id": result.oldest_id or step.until_id}
            if resume["until_id"] is None:  # nothing read at all: the pass starts over
                resume = None
                if step.until_id is None:
                    fetched_until = min(fetched_until, step.start)
            break

    done = set(plan.conversations_done)
    document = merge_documents(stored, *pages)  # what the conversation rounds look at
    window_read = fetched_until >= plan.window.end and not resume and not outcome.capped
    pending: list[str] = []
    if window_read:
        endpoint = plan.endpoint(plan.window.start)
        for _ in range(CONVERSATION_ROUNDS):
            pending = [c for c in question_conversations(document, chat) if c not in done]
            if not pending:
                break
            for query, batch in conversation_queries(pending, chat, endpoint):
                remaining = left()
                if remaining is not None and remaining <= 0:
                    outcome.capped = True
                    break
                endpoint_used = endpoint.method
                result = client.search(endpoint, query, plan.window.start, plan.window.end,
                                       budget=remaining, on_page=on_page)
                pages.extend(result.pages)
                document = merge_documents(document, *result.pages)
                outcome.conversations += len(batch)
                if not result.complete:
                    outcome.capped = True
                    break
                done.update(batch)
            if outcome.capped:
                break
        pending = [c for c in question_conversations(document, chat) if c not in done]

    outcome.complete = window_read and not outcome.capped and not pending
    mine = {
        "query": plan.query,
        "start_time": iso(plan.window.start),  # the API's own names for the window asked for
        "end_time": iso(plan.window.end),
        "window": {"start_time": iso(plan.window.start), "end_time": iso(plan.window.end),
                   "before_minutes": round((plan.chat.start_utc - plan.window.start)
                                           .total_seconds() / 60),
                   "after_minutes": round((plan.window.end - plan.chat.end_utc)
                                          .total_seconds() / 60)},
        "fetched_at": iso(plan.now),
        "fetched_until": iso(fetched_until),
        "complete": outcome.complete,
        "conversation_ids": sorted(done, key=id_order),
    }
    if endpoint_used:
        mine["endpoint"] = endpoint_used
    check_pages(pages)  # a post of the wrong shape is an API fault: nothing is written
    outcome.reads = client.reads - reads_before
    outcome.requests = client.requests - requests_before
    entries = hidden_entries(chat, config)

    def merge_into(current: Document | None) -> Document:
        merged = merge_documents(current, *pages)
        merged["meta"] = merge_fetch_meta(merged.get("meta") or {}, mine, resume,
                                          plan.meta.get("resume"))
        merged, outcome.hidden = hide_posts(merged, entries)
        outcome.new_posts = len(post_ids(merged) - post_ids(current or empty_document()))
        outcome.total = len(merged["data"])
        return merged

    outcome.written = update_transcript(chat.transcript_path, merge_into, say=say,
                                        shown=config.display_path(chat.transcript_path))
    return outcome


def merge_fetch_meta(current: dict[str, Any], mine: dict[str, Any], resume: dict[str, Any] | None,
                     planned_resume: Any = None) -> dict[str, Any]:
    """The stored ``meta`` with this fetch's fields. What another writer recorded meanwhile
    stays: its imports, and, for the same window, how far it got (the further wins), whether it
    completed the capture, which conversations it read, and a resume point it left."""
    meta = {**current, **mine}
    same = all(current.get(k) == mine[k] for k in ("query", "start_time", "end_time"))
    if same:
        theirs = parse_instant(current.get("fetched_until"))
        ours = parse_instant(mine["fetched_until"])
        if theirs and ours and theirs > ours:
            meta["fetched_until"] = current["fetched_until"]
        meta["complete"] = bool(mine["complete"] or current.get("complete"))
        conversations = {str(c) for c in current.get("conversation_ids") or [] if c}
        meta["conversation_ids"] = sorted(conversations | set(mine["conversation_ids"]), key=id_order)
    if meta["complete"]:
        meta.pop("resume", None)
    elif resume:
        meta["resume"] = resume
    elif not same or current.get("resume") == planned_resume:  # the pass this fetch finished
        meta.pop("resume", None)
    return meta


def estimate_reads(plan: FetchPlan, hub: Hub, stored: Document | None = None) -> tuple[int, str]:
    """Expected post reads for a plan, and what the estimate rests on: the chat's own stored
    transcript when the plan reads its whole window again (--refresh), else the earlier chats'."""
    held = len((stored or {}).get("data") or [])
    if held and is_complete(stored) and plan.window.minutes > 0:
        share = min(1.0, plan.minutes / plan.window.minutes)
        return math.ceil(held * share), f"from the {held} posts its stored transcript holds"
    rates = []
    for other in hub.chats:
        if other.slug == plan.chat.slug:
            continue
        try:
            doc = read_transcript(other.transcript_path)
        except Exception:
            continue
        if is_complete(doc) and doc and doc.get("data"):
            minutes = capture_window(other, hub.config).minutes
            if minutes > 0:
                rates.append(len(doc["data"]) / minutes)
    if rates:
        rate = sum(rates) / len(rates)
        basis = f"from the average rate of {len(rates)} earlier chat{'s' * (len(rates) != 1)}"
    else:
        rate = GUESS_PER_MINUTE
        basis = f"a rough guess of {GUESS_PER_MINUTE} posts a minute: no earlier transcript to go by"
    return math.ceil(rate * plan.minutes), basis


def count_posts(plan: FetchPlan, client: XClient) -> int:
    """Exactly how many posts the plan's passes match, from X's counts endpoint (no reads)."""
    return sum(client.count(plan.endpoint(p.start), plan.query, p.start, p.end) for p in plan.passes)


def window_problems(hub: Hub) -> Problems:
    """Warnings for ended chats with no transcript whose recent-search window is closing or closed."""
    problems = Problems()
    config = hub.config
    now = config.now
    for chat in hub.chats:
        if not chat.published or chat.cancelled or not chat.has_ended(now) or not chat.runs_on("x"):
            continue
        if chat.transcript_path.exists():
            continue
        closes = recent_search_closes(chat, config)
        line, col = chat.position("start")
        path = config.display_path(chat.source)
        when = closes.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if closes <= now:
            problems.add(
                path, line, col,
                f"no transcript, and X's 7-day recent search no longer reaches this chat (closed "
                f"{when}): the way forward is the full archive (chathub fetch {chat.slug} uses it "
                f"by itself; it needs pay-per-use or Enterprise access) or chathub import "
                f"{chat.slug} FILE with a capture you have",
                "warning",
            )
        elif closes - now <= WARN_BEFORE_CLOSE:
            hours = max(1, math.floor((closes - now).total_seconds() / 3600))
            problems.add(
                path, line, col,
                f"no transcript yet, and X's 7-day recent search stops reaching this chat in "
                f"{hours} hour{'s' * (hours != 1)} ({when}): run chathub fetch {chat.slug} before "
                "then; afterwards only the full archive (pay-per-use or Enterprise access) or "
                "chathub import can fill it",
                "warning",
            )
    return problems

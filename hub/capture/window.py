"""What every network's capture shares: the chat's window, API times, hidden entries, and the
outcome of a fetch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..model.chat import Chat, HubConfig

API_LAG = timedelta(seconds=30)  # search APIs want an end a little in the past
# A question post: "Q1", "Q1:", "Q 2." … after any leading @mentions (replies start with them).
QUESTION_RE = re.compile(r"^\s*(?:[@＠][\w.@-]+\s+)*[QＱ]\s?\d{1,2}(?!\d)", re.IGNORECASE)
RETRIES = 3  # retries after a 5xx or a dropped connection (so 4 tries in all)
BACKOFF = 2.0  # seconds before the first retry; doubles each time
RATE_WAITS = 10  # rate-limit waits in a row before giving up
MAX_RATE_WAIT = 900  # seconds: never wait longer than this for a rate limit to reset


@dataclass(frozen=True)
class Window:
    """The span of time a chat's capture covers (start inclusive, end exclusive)."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass
class FetchOutcome:
    """What a fetch did."""

    reads: int = 0
    requests: int = 0
    new_posts: int = 0
    total: int = 0
    hidden: int = 0
    complete: bool = False
    capped: bool = False
    written: bool = False
    conversations: int = 0
    warnings: list[str] = field(default_factory=list)


def iso(moment: datetime) -> str:
    """An instant as the APIs write it: UTC, seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def capture_window(chat: Chat, config: HubConfig) -> Window:
    """From ``fetch_before`` minutes before the start to ``fetch_after`` after the end."""
    before = chat.fetch_before if chat.fetch_before is not None else config.fetch_before
    after = chat.fetch_after if chat.fetch_after is not None else config.fetch_after
    return Window(chat.start_utc - timedelta(minutes=before), chat.end_utc + timedelta(minutes=after))


def window_meta(chat: Chat, window: Window) -> dict[str, object]:
    """The window asked for, as transcripts' ``meta.window`` records it."""
    return {"start_time": iso(window.start), "end_time": iso(window.end),
            "before_minutes": round((chat.start_utc - window.start).total_seconds() / 60),
            "after_minutes": round((window.end - chat.end_utc).total_seconds() / 60)}


def hidden_entries(chat: Chat, config: HubConfig) -> list[str]:
    """Handles, accounts and post ids left out of this chat's transcripts."""
    return [*config.hide, *chat.hide]


def rate_wait(reset: float | None, now: float, attempt: int) -> int:
    """Seconds to wait for a rate limit: until ``reset`` (a Unix time), or a growing guess."""
    if reset is None:
        return min(60 * attempt, MAX_RATE_WAIT)
    return min(max(int(reset - now), 0) + 1, MAX_RATE_WAIT)

"""Where a chat stands at a moment (upcoming, live, ended, cancelled) and how soon it starts.

The build works these out for its own "now" (``CHATHUB_NOW`` or the clock); the pages carry the
chat's real instants too, and ``assets/chathub/chathub.js`` works them out again in the browser,
with the same rules, so a page built hours ago still tells the truth.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from ..model.chat import Chat

STARTING_NOW = timedelta(minutes=5)  # "starting now" from this long before the start


def chat_state(chat: Chat, now: datetime) -> str:
    """``cancelled``, ``ended``, ``live`` (between start and end) or ``upcoming``."""
    if chat.cancelled:
        return "cancelled"
    if chat.has_ended(now):
        return "ended"
    return "live" if chat.has_started(now) else "upcoming"


def card_status(chat: Chat, now: datetime, has_archive: bool) -> str:
    """A chat's status on a card: its state, with ``archived`` for an ended chat with an archive."""
    state = chat_state(chat, now)
    return "archived" if state == "ended" and has_archive else state


def time_until(chat: Chat, now: datetime) -> tuple[str, int]:
    """How soon the chat starts, as (unit, count): ``("day", 3)``, ``("hour", 5)``,
    ``("minute", 12)``, ``("soon", 0)`` in the last minutes; ``("live", 0)`` or ``("ended", 0)``
    once it has started or ended. Minutes are rounded up, hours and days to the nearest; a count
    that reaches the next unit is said in it ("in 1 hour", not "in 60 minutes")."""
    state = chat_state(chat, now)
    if state in ("live", "ended"):
        return state, 0
    left = (chat.start - now).total_seconds()
    if left <= STARTING_NOW.total_seconds():
        return "soon", 0
    minutes = math.ceil(left / 60)
    if minutes < 60:
        return "minute", minutes
    hours = round(left / 3600)  # 59.5 minutes is "in 1 hour", 23.6 hours "tomorrow"
    if hours < 24:
        return "hour", max(1, hours)
    return "day", max(1, round(left / 86400))

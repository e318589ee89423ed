"""When each post of a chat goes out: reminders before it, and the run sheet during it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..model.chat import Chat, Question

# Minutes kept for the welcome and guest introductions, and for the closing, in a long chat.
OPENING = 5
CLOSING = 5

# Reminder key -> (days before, hours before), counted in the chat's wall-clock time for days.
REMINDERS = {
    "reminder-week": (7, 0),
    "reminder-day": (1, 0),
    "reminder-hour": (0, 1),
    "reminder-now": (0, 0),
}


@dataclass(frozen=True)
class Slot:
    """A question's place in the run sheet."""

    question: Question
    at: datetime
    minutes: int


@dataclass(frozen=True)
class RunSheet:
    welcome: datetime
    intros: list[datetime]
    slots: list[Slot]
    closing: datetime
    overrun: int  # minutes the questions need beyond the time they have (0 when they fit)


def in_zone(chat: Chat, moment: datetime) -> datetime:
    """``moment`` as a real instant in the chat's zone (normalised through UTC)."""
    return moment.astimezone(UTC).astimezone(chat.zone)


def reminder_time(chat: Chat, key: str) -> datetime:
    """A week and a day before keep the local clock time; an hour before is 60 real minutes."""
    days, hours = REMINDERS[key]
    local = in_zone(chat, (chat.start.replace(tzinfo=None) - timedelta(days=days))
                    .replace(tzinfo=chat.zone))
    return in_zone(chat, local.astimezone(UTC) - timedelta(hours=hours))


def _edges(duration: int) -> tuple[int, int]:
    """Minutes for the opening and the closing: five each, less in a chat under half an hour."""
    return min(OPENING, max(1, duration // 6)), min(CLOSING, max(1, duration // 6))


def plan_run_sheet(chat: Chat) -> RunSheet:
    """Welcome at the start, guests introduced next, questions over the rest, then the closing.

    A question with ``minutes`` gets that long; the others share the time left equally (at least
    a minute each). When the questions need more time than the chat has, every slot shrinks in
    proportion so that all of them still fall inside the chat (``overrun`` says by how much they
    did not fit). Times are real instants, counted from the start in UTC.
    """
    opening, closing = _edges(chat.duration)
    start = chat.start_utc
    guests = len(chat.guests)
    intros = [start + timedelta(minutes=round(opening * (i + 1) / (guests + 1)) or 1)
              for i in range(guests)]
    window = max(0, chat.duration - opening - closing)
    fixed = sum(q.minutes or 0 for q in chat.questions)
    free = [q for q in chat.questions if q.minutes is None]
    share = max(1.0, (window - fixed) / len(free)) if free else 0.0
    lengths = [float(q.minutes) if q.minutes is not None else share for q in chat.questions]
    needed = sum(lengths)
    scale = window / needed if needed > window else 1.0
    slots: list[Slot] = []
    offset = float(opening)
    for question, length in zip(chat.questions, lengths, strict=True):
        at = start + timedelta(seconds=round(offset * 60))
        slots.append(Slot(question, in_zone(chat, at), max(1, round(length * scale))))
        offset += length * scale
    closing_at = start + timedelta(minutes=chat.duration - closing)
    return RunSheet(
        welcome=chat.start,
        intros=[in_zone(chat, t) for t in intros],
        slots=slots,
        closing=in_zone(chat, closing_at),
        overrun=max(0, round(needed - window)),
    )

"""Raw values every network's JSON carries: instants and ids, read the same way everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_instant(text: Any) -> datetime | None:
    """An API time (ISO 8601, often ending in ``Z``) as an aware datetime; None when it is not
    one. A time without an offset is taken as UTC, as the APIs mean it."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def id_order(value: Any) -> tuple[int, str]:
    """Numeric ids sort by value (shorter first), others by text."""
    text = str(value if value is not None else "")
    return (len(text), text)

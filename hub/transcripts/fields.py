"""Raw values every network's JSON carries: instants and ids, read the same way everywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
NO_LANGUAGE = re.compile(r"^(und|zxx|mul|mis|q[a-t][a-z])$")
OLD_CODES = {"in": "id", "iw": "he", "ji": "yi"}  # X still sends some withdrawn ISO 639 codes


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


def parse_lang(value: Any) -> str:
    """The language of a post's text from its network (X's ``lang``, Bluesky's ``langs``,
    Mastodon's ``language``), as a ``lang`` attribute wants it: a tag
    (``fr``, ``en``, ``pt-BR``; ``in`` becomes ``id``), or "" when the network names no language."""
    text = (value if isinstance(value, str) else "").strip()
    if not LANG_RE.match(text):
        return ""
    primary, _, rest = text.partition("-")
    if NO_LANGUAGE.match(primary):
        return ""
    primary = OLD_CODES.get(primary, primary)
    return f"{primary}-{rest}" if rest else primary

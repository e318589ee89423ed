"""Durations in words, as Babel writes them for a locale ("1 hour 30 minutes", "1 heure 30 minutes")."""

from __future__ import annotations

import re

from ..i18n.formats import format_duration


def duration_text(minutes: int, locale: str = "en") -> str:
    """``minutes`` in words for ``locale`` (Babel's): ``45 minutes``, ``1 hour 30 minutes``,
    ``1 heure 30 minutes`` (fr_CA)."""
    return format_duration(minutes, locale)


def duration_adjective(minutes: int) -> str:
    """The duration before a noun, with its article: ``a 45-minute``, ``a 1-hour``, ``an 8-hour``,
    ``a 90-minute`` (as in "a 45-minute chat")."""
    words = f"{minutes // 60}-hour" if minutes % 60 == 0 else f"{minutes}-minute"
    return f"{indefinite_article(words)} {words}"


def indefinite_article(words: str) -> str:
    """``an`` before a number said with a vowel sound (8, 11, 18, 80…, 800…), else ``a``."""
    return "an" if re.match(r"8|1[18](?!\d)", words) else "a"

"""Durations in words."""

from __future__ import annotations


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} hour" + ("s" if hours != 1 else "")] if hours else []) + (
        [f"{rest} minute" + ("s" if rest != 1 else "")] if rest else []
    )
    return " ".join(parts)

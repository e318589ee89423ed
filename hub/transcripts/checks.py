"""Checks every network's posts go through where they enter (fetch, import, comply) and where
they are read (the build): what a field must hold, said the way a person reads it.

A problem names the post (``post 123: entities must be an object, not a list``) and where in the
document it is, so that a message can point at the line of the stored file (``jsonpos``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .fields import parse_instant

Path = tuple[str | int, ...]
MAX_DEPTH = 32  # nesting of any value in a post: far more than any API sends
EARLIEST = datetime(2006, 1, 1, tzinfo=UTC)  # before the first post on any network we read
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
SHOWN = 20  # problems reported in full; the rest are counted


@dataclass(frozen=True)
class PostProblem:
    """One thing wrong with a post (``post`` is its id, or empty) at ``where`` in its document."""

    post: str
    message: str
    where: Path = ()

    def text(self, name: str, line: int | None = None) -> str:
        """``FILE: post ID: what is wrong`` (with the line when known)."""
        return f"{name}: {self.detail(line)}"

    def detail(self, line: int | None = None) -> str:
        """``post ID: what is wrong (line N)``: the message without the file."""
        subject = f"post {self.post}: " if self.post else ""
        return subject + self.message + (f" (line {line})" if line else "")


def kind(value: Any) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


@dataclass
class Checker:
    """Collects the problems of one document; ``post`` and ``base`` say where it is looking."""

    problems: list[PostProblem] = field(default_factory=list)
    post: str = ""
    base: Path = ()

    def add(self, where: Path, message: str) -> None:
        self.problems.append(PostProblem(self.post, message, self.base + where))

    def wrong(self, where: Path, name: str, wanted: str, value: Any) -> None:
        self.add(where, f"{name} must be {wanted}, not {kind(value)}")

    def object(self, value: Any, where: Path, name: str) -> dict[str, Any] | None:
        """``value`` when it is an object (None, when missing, too); else a problem."""
        if value is None or isinstance(value, dict):
            return value
        self.wrong(where, name, "an object", value)
        return None

    def list(self, value: Any, where: Path, name: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.wrong(where, name, "a list", value)
        return []

    def objects(self, value: Any, where: Path, name: str) -> list[tuple[int, dict[str, Any]]]:
        """The objects of a list (index, object); anything else in it is a problem."""
        found = []
        for index, item in enumerate(self.list(value, where, name)):
            if isinstance(item, dict):
                found.append((index, item))
            else:
                self.wrong((*where, index), f"each of {name}", "an object", item)
        return found

    def text(self, value: Any, where: Path, name: str) -> None:
        if value is not None and not isinstance(value, str):
            self.wrong(where, name, "text", value)

    def count(self, value: Any, where: Path, name: str) -> None:
        """A whole number, 0 or more (counts and offsets)."""
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(where, name, "a whole number", value)
        elif value < 0 or value > 10**15:
            self.add(where, f"{name} must be a count, not {value}")

    def ident(self, value: Any, where: Path, name: str) -> None:
        """An id: digits, as text (or a whole number)."""
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.wrong(where, name, "an id (digits)", value)
        elif not id_text(value):
            self.add(where, f"{name} {shorten(value)} is not an id (digits)")

    def instant(self, value: Any, where: Path, name: str) -> datetime | None:
        """An ISO 8601 time within the years posts can have."""
        if not isinstance(value, str):
            self.wrong(where, name, "a date and time (ISO 8601)", value)
            return None
        moment = instant(value)
        if moment is None:
            self.add(where, f"{name} {shorten(value)} is not a date and time (ISO 8601)")
        elif not EARLIEST <= moment < LATEST:
            self.add(where, f"{name} {shorten(value)} is out of range (years "
                     f"{EARLIEST.year} to {LATEST.year - 1})")
            return None
        return moment

    def depth(self, value: Any, where: Path, name: str, limit: int = MAX_DEPTH) -> bool:
        """False (and a problem) when ``value`` nests deeper than ``limit``."""
        if nesting(value, limit) > limit:
            self.add(where, f"{name} is nested more than {limit} levels deep")
            return False
        return True


def id_text(value: Any) -> str:
    """An id as text, or empty when it is not digits."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return text if isinstance(text, str) and 0 < len(text) <= 25 and text.isascii() and text.isdigit() else ""


def instant(value: str) -> datetime | None:
    """``value`` as an aware datetime, or None (also when it cannot be put in UTC)."""
    moment = parse_instant(value)
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def nesting(value: Any, limit: int) -> int:
    """How deep ``value`` nests (1 for a scalar), counting no further than ``limit + 1``."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > limit:
            return level
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def shorten(value: Any, width: int = 40) -> str:
    """``repr`` of a value, cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def summary(problems: Iterable[str], total: int) -> list[str]:
    """The first problems in full, then how many more there are."""
    lines = list(problems)[:SHOWN]
    if total > len(lines):
        lines.append(f"… and {total - len(lines)} more problems")
    return lines

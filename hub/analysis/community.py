"""Every chat's analysis, computed once per build, and the people who took part across the hub.

The archive, recap, people and index pages and the ``leads`` command all read from
``analyze_hub(hub)``. Analyses are also kept between builds (``mkdocs serve``), keyed by the
content they were computed from, so an unchanged chat is not analysed again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..capture.x.document import parse_transcript
from ..capture.x.normalise import read_document
from ..model.chat import Chat, Hub, HubConfig
from ..model.problems import HubError, Problem
from ..transcripts.posts import User
from ..transcripts.store import TranscriptError, read_bytes_checked
from .chat import Analysis, Contributor, analyze

_KEEP: dict[Path, tuple[str, Analysis]] = {}  # transcript path -> (content key, analysis)


@dataclass
class Attendance:
    chat: Chat
    posts: int


@dataclass
class PersonRecord:
    """Someone who posted in at least one chat of the hub."""

    user: User
    chats: list[Attendance] = field(default_factory=list)  # oldest first
    first_seen: datetime | None = None  # their first post in the hub (UTC)
    posts: int = 0
    earlier: dict[str, int] = field(default_factory=dict, repr=False)  # slug -> earlier chats

    @property
    def first_chat(self) -> Chat:
        return self.chats[0].chat


@dataclass
class HubAnalysis:
    chats: dict[str, Analysis]  # slug -> analysis, for published chats with a transcript
    keys: dict[str, str]  # slug -> content key of its analysis
    people: dict[str, PersonRecord]  # user key -> record

    def directory(self) -> list[PersonRecord]:
        """Everyone, the most regular first."""
        return sorted(self.people.values(), key=lambda p: (
            -len(p.chats), -p.posts, p.user.handle.lower(), p.user.id))

    def voices(self, chat: Chat) -> tuple[list[Contributor], list[tuple[Contributor, int]]]:
        """The chat's participants (team aside): new to the hub, and returning with their count of
        earlier chats."""
        analysis = self.chats[chat.slug]
        new: list[Contributor] = []
        returning: list[tuple[Contributor, int]] = []
        for person in analysis.contributors:
            if person.role in ("host", "moderator"):
                continue
            earlier = self.people[person.user.key].earlier.get(chat.slug, 0)
            if earlier:
                returning.append((person, earlier))
            else:
                new.append(person)
        return new, returning


def hide_list(chat: Chat, config: HubConfig) -> frozenset[str]:
    """The chat's ``hide`` entries and the hub-wide ones: lowercased handles and ids."""
    return frozenset(h.lower().removeprefix("@") for h in [*chat.hide, *config.hide])


def _problem(config: HubConfig, path: Path, message: str, line: int = 1, col: int = 1) -> HubError:
    return HubError([Problem(config.display_path(path), line, col, message)])


def _check_shape(doc: Any, config: HubConfig, path: Path) -> None:
    ok = isinstance(doc, dict) and isinstance(doc.get("data"), list) and all(
        isinstance(p, dict) for p in doc["data"]) and isinstance(doc.get("includes"), dict) and all(
        isinstance(v, list) and all(isinstance(i, dict) for i in v) for v in doc["includes"].values())
    if not ok:
        raise _problem(config, path, "not an X API v2 document ({\"data\": [...], \"includes\": {...}})")


def _transcript_bytes(path: Path, config: HubConfig) -> bytes | None:
    """The stored transcript's bytes, None when there is none; a located error for what cannot
    be one (a folder, a FIFO that would block, a dangling link)."""
    try:
        text = read_bytes_checked(path)
    except TranscriptError as exc:
        raise _problem(config, path, exc.reason) from None
    return text


def load_analysis(chat: Chat, config: HubConfig) -> tuple[Analysis, str] | None:
    """The chat's analysis and its content key, or None when it has no transcript."""
    path = chat.transcript_path
    raw = _transcript_bytes(path, config)
    if raw is None:
        return None
    hide = hide_list(chat, config)
    digest = hashlib.sha256(raw)
    for part in (chat.source.read_bytes(), chat.timezone.encode(), "\0".join(sorted(hide)).encode()):
        digest.update(b"\0" + part)
    key = digest.hexdigest()[:24]
    kept = _KEEP.get(path)
    if kept and kept[0] == key:
        return kept[1], key
    shown = config.display_path(path)
    try:
        doc = parse_transcript(raw.decode("utf-8-sig"), path, shown)  # the bytes already read for the key
    except UnicodeDecodeError as exc:
        raise _problem(config, path, f"cannot read it: not UTF-8 text ({exc.reason})") from None
    except TranscriptError as exc:
        if exc.details:  # posts of the wrong shape: FILE: post ID: what is wrong (line N)
            raise HubError([Problem(shown, 0, 0, detail) for detail in exc.details]) from None
        raise _problem(config, path, exc.reason, exc.line, exc.col) from None
    _check_shape(doc, config, path)
    try:
        analysis = analyze(chat, read_document(doc or {}, hide), hide)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        raise _problem(config, path, f"cannot read its posts: {exc}", 0, 0) from None
    _KEEP[path] = (key, analysis)
    return analysis, key


def analyze_hub(hub: Hub) -> HubAnalysis:
    """Every published chat's analysis and the hub's people, once per build."""
    cached = hub.cache.get("community")
    if isinstance(cached, HubAnalysis):
        return cached
    chats: dict[str, Analysis] = {}
    keys: dict[str, str] = {}
    for chat in sorted(hub.published, key=lambda c: (c.start_utc, c.slug)):
        loaded = load_analysis(chat, hub.config)
        if loaded is not None:
            chats[chat.slug], keys[chat.slug] = loaded
    current = {chat.transcript_path for chat in hub.published}
    for path in [p for p in _KEEP if p.parent == hub.config.chats_dir and p not in current]:
        del _KEEP[path]  # a chat deleted or made a draft while serving: its analysis goes
    people: dict[str, PersonRecord] = {}
    for analysis in chats.values():  # oldest first
        chat = analysis.chat
        for person in analysis.contributors:
            record = people.setdefault(person.user.key, PersonRecord(person.user))
            record.user = person.user  # the latest chat's name and avatar
            last = record.chats[-1].chat if record.chats else None
            # Chats that started before this one (a chat at the same time is not earlier).
            record.earlier[chat.slug] = (0 if last is None else len(record.chats)
                                         if last.start_utc < chat.start_utc else record.earlier[last.slug])
            record.chats.append(Attendance(chat, person.posts))
            record.posts += person.posts
            if person.first and (record.first_seen is None or person.first < record.first_seen):
                record.first_seen = person.first
    result = HubAnalysis(chats, keys, people)
    hub.cache["community"] = result
    return result

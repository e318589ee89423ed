"""Every chat's analysis, computed once per build, and the people who took part across the hub.

The archive, recap, people and index pages and the ``leads`` command all read from
``analyze_hub(hub)``. Analyses are also kept between builds, keyed by the content they were
computed from, so an unchanged chat is not analysed again: in memory (``mkdocs serve``) and on
disk (``kept``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..capture.reader import READERS, read_posts, stored_bytes
from ..model.chat import Chat, Hub, HubConfig, Person
from ..model.problems import HubError, Problem
from ..transcripts.posts import User
from ..transcripts.store import TranscriptError
from .chat import Analysis, Contributor, analyze, identity, person_identities
from .kept import disk_key, forget_removed, keep, load_kept

_KEEP: dict[Path, tuple[str, Analysis]] = {}  # transcript path -> (content key, analysis)
# chat file -> (its transcripts' file signatures, the digest of their bytes), between builds
_DIGESTS: dict[Path, tuple[tuple[object, ...], str]] = {}
_PEOPLE: dict[Path, People] = {}  # chats folder -> its people as the last build counted them


def _signatures(chat: Chat) -> tuple[object, ...] | None:
    """What the file system says of each of the chat's transcripts (device, inode, size and the
    times of the last change of its bytes and of the file itself: any write or replacement
    changes one); None when one is not a regular file (its reading says what is wrong)."""
    found: list[object] = []
    for network in READERS:
        try:
            info = os.stat(chat.transcript_file(network))
        except FileNotFoundError:
            found.append(None)
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        found.append((info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return tuple(found)


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
    accounts: dict[str, User] = field(default_factory=dict)  # network -> their account there

    @property
    def other_accounts(self) -> list[User]:
        """Their accounts on other networks than ``user``'s (the chat files join them)."""
        return [u for n, u in self.accounts.items() if n != self.user.network]

    @property
    def first_chat(self) -> Chat:
        return self.chats[0].chat


@dataclass
class People:
    """The hub's people as counted from its chats' analyses: kept from one build to the next in
    this process (``mkdocs serve``), and counted again only when who took part changed."""

    analyses: dict[str, Analysis]  # what they were counted from: slug -> analysis, oldest first
    identities: dict[str, str]
    people: dict[str, PersonRecord]
    whos: dict[str, list[str]]
    token: str  # stands for these people and their counts, in this process (people pages' rows)
    # What pages ask of them, worked out once: HubAnalysis.voices (with the analysis they are
    # of) and .directory
    voices: dict[str, tuple[Analysis, list[Contributor], list[tuple[Contributor, int]]]] = field(
        default_factory=dict)
    directory: list[PersonRecord] | None = None

    def counts(self, chats: dict[str, Analysis], identities: dict[str, str]) -> bool:
        """Whether counting ``chats`` gives these people: the same chats in the same order, at
        the same times, with the same accounts posting as often from the same time (an edit of a
        chat's title or texts, or a post's likes, changes none of them)."""
        if identities != self.identities or list(chats) != list(self.analyses):
            return False
        for slug, analysis in chats.items():
            old = self.analyses[slug]
            if analysis is not old and (analysis.chat.start_utc != old.chat.start_utc
                                        or _counted(analysis) != _counted(old)):
                return False
        return True

    def counted_again(self, chats: dict[str, Analysis]) -> People:
        """These people for ``chats`` (which ``counts`` them): each chat they took part in is
        the one its analysis now has (an edited chat's, the one just read), so pages show its
        title as it is now. The records are the last build's, changed in place."""
        changed = {slug: analysis.chat for slug, analysis in chats.items()
                   if analysis.chat is not self.analyses[slug].chat}
        if changed:
            for record in self.people.values():
                for attendance in record.chats:
                    attendance.chat = changed.get(attendance.chat.slug, attendance.chat)
        return replace(self, analyses=dict(chats))


@dataclass
class HubAnalysis:
    chats: dict[str, Analysis]  # slug -> analysis, for published chats with a transcript
    keys: dict[str, str]  # slug -> content key of its analysis
    people: dict[str, PersonRecord]  # identity (user key, or the person's) -> record
    identities: dict[str, str] = field(default_factory=dict)  # network:account -> person
    # slug -> who each of the chat's contributors is (``identity``), in their order
    who: dict[str, list[str]] = field(default_factory=dict, repr=False)
    counted: People | None = field(default=None, repr=False)  # what people and who come from

    def record(self, user: User) -> PersonRecord | None:
        """The person who wrote as ``user``."""
        return self.people.get(identity(user, self.identities))

    def directory(self) -> list[PersonRecord]:
        """Everyone, the most regular first."""
        if self.counted is not None and self.counted.directory is not None:
            return self.counted.directory
        found = sorted(self.people.values(), key=lambda p: (
            -len(p.chats), -p.posts, p.user.handle.lower(), p.user.id))
        if self.counted is not None:
            self.counted.directory = found
        return found

    def voices(self, chat: Chat) -> tuple[list[Contributor], list[tuple[Contributor, int]]]:
        """The chat's participants (team aside): new to the hub, and returning with their count of
        earlier chats."""
        analysis = self.chats[chat.slug]
        known = self.counted.voices.get(chat.slug) if self.counted is not None else None
        if known is not None and known[0] is analysis:
            return known[1], known[2]
        new: list[Contributor] = []
        returning: list[tuple[Contributor, int]] = []
        seen: set[str] = set()
        whos = self.who.get(chat.slug) or [identity(c.user, self.identities) for c in analysis.contributors]
        for person, who in zip(analysis.contributors, whos, strict=True):
            if person.role in ("host", "moderator") or who in seen:
                continue
            seen.add(who)
            record = self.people.get(who)
            earlier = record.earlier.get(chat.slug, 0) if record else 0
            if earlier:
                returning.append((person, earlier))
            else:
                new.append(person)
        if self.counted is not None:
            self.counted.voices[chat.slug] = analysis, new, returning
        return new, returning


def hide_list(chat: Chat, config: HubConfig) -> frozenset[str]:
    """The chat's ``hide`` entries and the hub-wide ones: lowercased handles and ids."""
    return frozenset(h.lower().removeprefix("@") for h in [*chat.hide, *config.hide])


def _problem(config: HubConfig, path: Path, message: str, line: int = 1, col: int = 1) -> HubError:
    return HubError([Problem(config.display_path(path), line, col, message)])


def _located(config: HubConfig, exc: TranscriptError) -> HubError:
    """A transcript's problem as the build and check report it: ``FILE:LINE:COL: what``, or
    ``FILE: post ID: what is wrong (line N)`` for each post of the wrong shape."""
    shown = exc.path if isinstance(exc.path, str) else config.display_path(exc.path)
    if exc.details:
        return HubError([Problem(shown, 0, 0, detail) for detail in exc.details])
    return HubError([Problem(shown, exc.line, exc.col, exc.reason)])


def hub_identities(hub: Hub) -> dict[str, str]:
    """``network:account`` -> person, for the people the hub's chat files give several accounts."""
    cached = hub.cache.get("identities")
    if isinstance(cached, dict):
        return cached
    people: list[Person] = [p for chat in hub.chats for p in (chat.host, *chat.moderators, *chat.guests)]
    found = person_identities(people)
    hub.cache["identities"] = found
    return found


def _stored(chat: Chat, config: HubConfig) -> dict[str, bytes]:
    try:
        return stored_bytes(chat, config.display_path)
    except TranscriptError as exc:  # a folder, a FIFO that would block, a dangling link
        raise _located(config, exc) from None


def load_analysis(chat: Chat, config: HubConfig, identities: dict[str, str] | None = None
                  ) -> tuple[Analysis, str] | None:
    """The chat's analysis and its content key, or None when it has no transcript.

    Between builds (``mkdocs serve``), transcripts whose files the file system says are unchanged
    are not read again to know it (at 100,000 posts that is 70 MB a rebuild). An analysis kept on
    disk under the same inputs (``kept``) is loaded instead of computed."""
    signatures = _signatures(chat)
    known = _DIGESTS.get(chat.source)
    raw: dict[str, bytes] | None = None
    if signatures is not None and known is not None and known[0] == signatures:
        transcripts = known[1]
        networks = [n for n, s in zip(READERS, signatures, strict=True) if s is not None]
    else:
        raw = _stored(chat, config)
        if not raw:
            return None
        digest = hashlib.sha256()
        for network, data in raw.items():  # the same digest as of their bytes joined, uncopied
            digest.update(network.encode() + b"\0")
            digest.update(data)
            digest.update(b"\0")
        transcripts = digest.hexdigest()
        networks = list(raw)
        if signatures is not None:
            _DIGESTS[chat.source] = (signatures, transcripts)
    path = chat.transcript_path if "x" in networks else chat.transcript_file(networks[0])
    hide = hide_list(chat, config)
    digest = hashlib.sha256(transcripts.encode())
    for part in (chat.source.read_bytes(), chat.timezone.encode(), "\0".join(sorted(hide)).encode(),
                 repr(sorted((identities or {}).items())).encode()):
        digest.update(b"\0" + part)
    key = digest.hexdigest()[:24]
    kept = _KEEP.get(path)
    if kept and kept[0] == key:
        return kept[1], key
    on_disk = disk_key(chat, key)
    stored = load_kept(config.root, chat, on_disk)
    if stored is not None:
        _KEEP[path] = (key, stored)
        return stored, key
    if raw is None:  # the chat file or the hide lists changed, not the transcripts
        raw = _stored(chat, config)
    try:
        document = read_posts(chat, raw, hide, config.display_path)
    except TranscriptError as exc:
        raise _located(config, exc) from None
    try:
        analysis = analyze(chat, document, hide, identities or None)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        raise _problem(config, path, f"cannot read its posts: {exc}", 0, 0) from None
    _KEEP[path] = (key, analysis)
    keep(config.root, chat, on_disk, analysis)
    return analysis, key


def analyze_hub(hub: Hub) -> HubAnalysis:
    """Every published chat's analysis and the hub's people, once per build."""
    cached = hub.cache.get("community")
    if isinstance(cached, HubAnalysis):
        return cached
    chats: dict[str, Analysis] = {}
    keys: dict[str, str] = {}
    identities = hub_identities(hub)
    for chat in sorted(hub.published, key=lambda c: (c.start_utc, c.slug)):
        loaded = load_analysis(chat, hub.config, identities)
        if loaded is not None:
            chats[chat.slug], keys[chat.slug] = loaded
    current = {path for chat in hub.published for path in
               [chat.transcript_path, *chat.transcript_files.values()]}
    for path in [p for p in _KEEP if p.parent == hub.config.chats_dir and p not in current]:
        del _KEEP[path]  # a chat deleted or made a draft while serving: its analysis goes
    sources = {chat.source for chat in hub.published}
    for source in [s for s in _DIGESTS if s.parent == hub.config.chats_dir and s not in sources]:
        del _DIGESTS[source]
    forget_removed(hub.config.root, hub.config.chats_dir)
    last = _PEOPLE.get(hub.config.chats_dir)
    if last is not None and last.counts(chats, identities):
        counted = last.counted_again(chats)
    else:
        counted = _count_people(chats, identities)
    _PEOPLE[hub.config.chats_dir] = counted
    result = HubAnalysis(chats, keys, counted.people, identities, counted.whos, counted)
    hub.cache["community"] = result
    return result


def _counted(analysis: Analysis) -> list[tuple[User, int, datetime | None]]:
    """What counting people takes of a chat's contributors."""
    return [(person.user, person.posts, person.first) for person in analysis.contributors]


def _count_people(chats: dict[str, Analysis], identities: dict[str, str]) -> People:
    """Everyone who posted in ``chats`` (oldest first): their chats, posts and accounts."""
    people: dict[str, PersonRecord] = {}
    starts = {slug: analysis.chat.start_utc for slug, analysis in chats.items()}
    whos: dict[str, list[str]] = {}
    for slug, analysis in chats.items():  # oldest first
        chat = analysis.chat
        begins = starts[slug]
        whos[slug] = [identity(person.user, identities) for person in analysis.contributors]
        for person, who in zip(analysis.contributors, whos[slug], strict=True):
            user = person.user
            record = people.get(who)
            if record is None:
                record = people[who] = PersonRecord(user)
            elif user.key == record.user.key:
                record.user = user  # the latest chat's name and avatar
            record.accounts[user.network] = user
            if record.chats and record.chats[-1].chat is chat:  # another account of theirs
                record.chats[-1].posts += person.posts
                record.posts += person.posts
                if person.first and record.first_seen and person.first < record.first_seen:
                    record.first_seen = person.first
                continue
            last = record.chats[-1].chat.slug if record.chats else None
            # Chats that started before this one (a chat at the same time is not earlier).
            record.earlier[slug] = (0 if last is None else len(record.chats)
                                    if starts[last] < begins else record.earlier[last])
            record.chats.append(Attendance(chat, person.posts))
            record.posts += person.posts
            if person.first and (record.first_seen is None or person.first < record.first_seen):
                record.first_seen = person.first
    return People(dict(chats), identities, people, whos, secrets.token_hex(8))

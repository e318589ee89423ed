"""The validated model: people, questions, chats and the hub that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .networks import DEFAULT_MASTODON_INSTANCES, DEFAULT_NETWORKS, NETWORKS, join_labels

STATUSES = ("scheduled", "draft", "cancelled")


@dataclass(frozen=True)
class Person:
    """Someone with an account on one network or more: ``handle`` on X (stored without the
    ``@``; empty when they are not on X), ``bluesky`` (a handle) and ``mastodon``
    (``user@server``)."""

    handle: str = ""
    name: str = ""
    bio: str = ""
    url: str = ""
    avatar: str = ""
    bluesky: str = ""
    mastodon: str = ""

    @property
    def accounts(self) -> dict[str, str]:
        """Network name -> account, for the networks the person has one on (X first)."""
        found = {"x": self.handle, "bluesky": self.bluesky, "mastodon": self.mastodon}
        return {name: account for name, account in found.items() if account}

    def account(self, network: str) -> str:
        return self.accounts.get(network, "")

    @property
    def primary(self) -> tuple[str, str]:
        """The network and account that name the person where no network is given."""
        return next(iter(self.accounts.items()), ("x", self.handle))

    @property
    def at(self) -> str:
        network, account = self.primary
        return NETWORKS[network].at(account)

    @property
    def profile_url(self) -> str:
        network, account = self.primary
        return NETWORKS[network].profile_url(account)

    @property
    def display_name(self) -> str:
        return self.name or self.at

    @property
    def key(self) -> str:
        """Case-insensitive identity, as X treats handles (another network's account for people
        who are not on X)."""
        network, account = self.primary
        return account.lower() if network == "x" else f"{network}:{account.lower()}"

    @property
    def account_keys(self) -> list[str]:
        """Every account as ``network:account`` (lowercased), as posts' authors are matched."""
        return [f"{network}:{account.lower()}" for network, account in self.accounts.items()]


@dataclass(frozen=True)
class Question:
    """One question of a chat; ``minutes`` overrides its share of the run sheet."""

    number: int
    text: str
    minutes: int | None = None

    @property
    def label(self) -> str:
        return f"Q{self.number}"


@dataclass
class Chat:
    """One scheduled chat, read from ``chats/<slug>.yml``."""

    slug: str
    source: Path
    title: str
    hashtag: str  # without the leading '#'
    start: datetime  # aware, in the chat's own zone
    timezone: str
    host: Person
    duration: int = 60
    moderators: list[Person] = field(default_factory=list)
    guests: list[Person] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    about: str = ""
    followup: str = ""
    status: str = "scheduled"
    description: str = ""
    summary: str = ""
    highlights: list[str] = field(default_factory=list)
    hide: list[str] = field(default_factory=list)
    hide_questions: bool = False
    image: str = ""
    invite: dict[str, str] = field(default_factory=dict)
    fetch_before: int | None = None  # minutes; None: the hub's fetch_before
    fetch_after: int | None = None  # minutes; None: the hub's fetch_after
    language: str | None = None  # BCP 47 tag of its pages and kit; None: the hub's language
    translation: str | None = None  # slug of the same chat in the other language
    replaced_by: str = ""  # slug of the chat that takes a cancelled chat's place
    networks: list[str] = field(default_factory=lambda: list(DEFAULT_NETWORKS))
    mastodon_instances: list[str] = field(default_factory=lambda: list(DEFAULT_MASTODON_INSTANCES))
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return f"#{self.hashtag}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def end(self) -> datetime:
        """The real end: ``duration`` minutes after the start, even across a DST change."""
        return (self.start_utc + timedelta(minutes=self.duration)).astimezone(self.zone)

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)

    @property
    def published(self) -> bool:
        return self.status != "draft"

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def team(self) -> list[Person]:
        """The host and moderators: the people who post the questions."""
        return [self.host, *self.moderators]

    @property
    def transcript_path(self) -> Path:
        """The X transcript (``transcript_file`` names every network's)."""
        return self.transcript_file("x")

    def transcript_file(self, network: str) -> Path:
        """Where the chat's transcript of ``network`` is kept: ``<slug>.tweets.json``,
        ``<slug>.bsky.json``, ``<slug>.mastodon.json``."""
        return self.source.with_name(f"{self.slug}{NETWORKS[network].suffix}")

    @property
    def transcript_files(self) -> dict[str, Path]:
        """Network name -> transcript path, for every network that has one stored."""
        return {name: path for name in NETWORKS if (path := self.transcript_file(name)).exists()}

    @property
    def has_transcript(self) -> bool:
        return bool(self.transcript_files)

    def runs_on(self, network: str) -> bool:
        return network in self.networks

    @property
    def network_labels(self) -> str:
        """The chat's networks for people: ``X``, ``X and Bluesky``, ``X, Bluesky and Mastodon``."""
        return join_labels([NETWORKS[n].label for n in self.networks])

    def has_started(self, now: datetime) -> bool:
        return now >= self.start

    def has_ended(self, now: datetime) -> bool:
        return now >= self.end

    def position(self, key: str) -> tuple[int, int]:
        """Line and column (1-based) of a top-level key, for problems found later."""
        return self.positions.get(key, (1, 1))


@dataclass
class HubConfig:
    """Hub-wide settings: the chathub plugin's options in ``mkdocs.yml``."""

    root: Path
    chats_dir: Path
    timezone: str = "UTC"
    organization: str = ""
    site_url: str = ""
    site_name: str = "Chat hub"
    hide: list[str] = field(default_factory=list)
    per_page: int = 20
    long_hashtag: int = 16
    lead_keywords: list[str] = field(default_factory=list)
    fetch_before: int = 15
    fetch_after: int = 30
    enabled: bool = True  # False: no chat is read; the index and people pages are notices
    feed_length: int = 50  # entries in feed.xml
    feed_ttl: int = 720  # minutes (RSS <ttl>)
    social_cards: bool = True  # generate a social card image for announcements and recaps
    palette: tuple[str, str] = ("indigo", "indigo")  # Material's primary and accent colour names
    networks: list[str] = field(default_factory=lambda: list(DEFAULT_NETWORKS))
    mastodon_instances: list[str] = field(default_factory=lambda: list(DEFAULT_MASTODON_INSTANCES))
    mastodon_max_characters: int = 500
    custom_dir: Path | None = None  # the theme's custom_dir, whose chathub/ overrides templates
    language: str = "en"  # the hub's language: Material's theme.language (a BCP 47 tag)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def language_of(self, chat: Chat) -> str:
        """The language of a chat's pages and kit: its own ``language:``, else the hub's."""
        return chat.language or self.language

    @cached_property
    def _resolved_root(self) -> Path:
        return self.root.resolve()

    @cached_property
    def _resolved_folders(self) -> dict[Path, Path]:
        return {}  # a folder's real path, once per config (a build): every chat file names one

    def display_path(self, path: Path) -> str:
        """A path as shown in messages: relative to the hub root when inside it. The file itself
        is named, not what it links to (a dangling or looping link is named as it is)."""
        try:
            folders = self._resolved_folders
            folder = folders.get(path.parent)
            if folder is None:
                folder = folders[path.parent] = path.parent.resolve()
            where = folder / path.name
            return where.relative_to(self._resolved_root).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside the hub; a folder that loops
            return str(path)

    def absolute_url(self, url: str) -> str:
        """The public URL of a site-relative URL, or the relative one when no site_url is set."""
        if not self.site_url:
            return url
        return self.site_url.rstrip("/") + "/" + url.lstrip("/")


@dataclass
class Hub:
    """Every chat of a hub, with its config."""

    config: HubConfig
    chats: list[Chat] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # per build

    @property
    def published(self) -> list[Chat]:
        return [c for c in self.chats if c.published]

    def upcoming(self) -> list[Chat]:
        """Published chats that have not ended, soonest first."""
        now = self.config.now
        return sorted((c for c in self.published if not c.has_ended(now)), key=lambda c: c.start_utc)

    def past(self) -> list[Chat]:
        """Published chats that have ended, newest first."""
        now = self.config.now
        return sorted(
            (c for c in self.published if c.has_ended(now)), key=lambda c: c.start_utc, reverse=True
        )

    def chat(self, slug: str) -> Chat | None:
        return next((c for c in self.chats if c.slug == slug), None)

    def translation_of(self, chat: Chat) -> Chat | None:
        """The same chat in the other language: the published chat its ``translation:`` names,
        or the one that names it (the link goes both ways)."""
        pairs = self.cache.get("translations")
        if pairs is None:
            published = {c.slug: c for c in self.published}
            pairs = {}
            for first in self.published:
                second = published.get(first.translation or "")
                if second is not None and second is not first:
                    pairs.setdefault(first.slug, second)
                    pairs.setdefault(second.slug, first)
            self.cache["translations"] = pairs
        return pairs.get(chat.slug)

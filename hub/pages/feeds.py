"""The hub's feed, ``feed.xml`` (RSS 2.0): chat announcements and recaps, newest first.

Entries are dated by the chat itself (an announcement by its start, a recap by its end), so the
same chat files always give the same feed.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from ..model.chat import Chat, Hub
from ..model.durations import duration_text
from ..model.markdown import plain_text
from ..model.urls import chat_url, recap_url
from .page import Asset

FEED = "feed.xml"
MAX_ENTRIES = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    kind: str  # "announcement" or "recap"
    chat: Chat
    url: str  # site-relative
    title: str
    date: datetime
    text: str


def _announcement(chat: Chat) -> Entry:
    when = f"{chat.start:%A %-d %B %Y, %H:%M %Z} ({chat.timezone})"
    lead = "Cancelled. " if chat.cancelled else ""
    text = (f"{lead}{(chat.description or chat.title).rstrip('.')}. "
            f"A {duration_text(chat.duration)} chat on X "
            f"under {chat.tag}, {when}, hosted by {chat.host.at}.")
    title = ("Cancelled: " if chat.cancelled else "") + f"{chat.title} ({chat.tag} chat)"
    return Entry("announcement", chat, chat_url(chat), title, chat.start_utc, text)


def _recap(chat: Chat) -> Entry:
    text = plain_text(chat.summary) if chat.summary else (
        f"What people said in the {chat.tag} chat on {chat.title}: highlights and answers.")
    return Entry("recap", chat, recap_url(chat), f"Recap: {chat.title} ({chat.tag} chat)",
                 chat.end_utc, text)


def feed_entries(hub: Hub) -> list[Entry]:
    """Announcements of published chats and recaps of chats with a transcript, newest first."""
    entries = [_announcement(chat) for chat in hub.published]
    entries += [_recap(chat) for chat in hub.published if chat.transcript_path.exists()]
    entries.sort(key=lambda e: (e.date, e.kind == "recap", e.chat.slug), reverse=True)
    return entries[:MAX_ENTRIES]


def make_feed(hub: Hub) -> bytes:
    config = hub.config
    entries = feed_entries(hub)
    feed = FeedGenerator()
    feed.title(config.site_name)
    if config.site_url:
        feed.link(href=config.absolute_url(FEED), rel="self")
    feed.link(href=config.absolute_url("chats/"), rel="alternate")  # the last link is RSS's <link>
    feed.description(f"New chats and recaps from {config.site_name}.")
    feed.generator("chathub")
    feed.lastBuildDate(max((e.date for e in entries), default=EPOCH))
    for entry in entries:
        item = feed.add_entry(order="append")
        url = config.absolute_url(entry.url)
        item.title(entry.title)
        item.link(href=url)
        item.guid(url, permalink=bool(config.site_url))
        item.pubDate(entry.date)
        item.description(html.escape(entry.text))  # readers treat it as HTML: keep it text
        item.category(term=entry.kind)
    return feed.rss_str(pretty=True)


def files(hub: Hub) -> Iterator[Asset]:
    yield Asset(FEED, make_feed(hub))

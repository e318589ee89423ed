"""The hub's feed, ``feed.xml`` (RSS 2.0): chat announcements and recaps, newest first.

An announcement is dated by when the chat was published (``model/history.py``: the commit that
first made its file not a draft), a recap by the chat's end; no date is ever later than the
build's "now", so neither are the entries nor ``lastBuildDate``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from ..model.chat import Chat, Hub
from ..model.durations import duration_adjective
from ..model.history import hub_history
from ..model.markdown import plain_text
from ..model.urls import chat_url, recap_url
from .page import Asset

FEED = "feed.xml"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    kind: str  # "announcement" or "recap"
    chat: Chat
    url: str  # site-relative
    title: str
    date: datetime
    text: str


def _announcement(chat: Chat, published: datetime) -> Entry:
    when = f"{chat.start:%A %-d %B %Y, %H:%M %Z} ({chat.timezone})"
    lead = "Cancelled. " if chat.cancelled else ""
    text = (f"{lead}{(chat.description or chat.title).rstrip('.')}. "
            f"{duration_adjective(chat.duration).capitalize()} chat on X "
            f"under {chat.tag}, {when}, hosted by {chat.host.at}.")
    title = ("Cancelled: " if chat.cancelled else "") + f"{chat.title} ({chat.tag} chat)"
    return Entry("announcement", chat, chat_url(chat), title, published, text)


def _recap(chat: Chat, now: datetime) -> Entry:
    text = plain_text(chat.summary) if chat.summary else (
        f"What people said in the {chat.tag} chat on {chat.title}: highlights and answers.")
    return Entry("recap", chat, recap_url(chat), f"Recap: {chat.title} ({chat.tag} chat)",
                 min(chat.end_utc, now), text)


def feed_entries(hub: Hub) -> list[Entry]:
    """Announcements of published chats and recaps of chats with a transcript, newest first."""
    now = hub.config.now.astimezone(UTC).replace(microsecond=0)
    history = hub_history(hub)
    entries = [_announcement(chat, min(history.of(chat.source).published, now))
               for chat in hub.published]
    entries += [_recap(chat, now) for chat in hub.published if chat.transcript_path.exists()]
    entries.sort(key=lambda e: (e.date, e.kind == "recap", e.chat.slug), reverse=True)
    return entries[:max(1, hub.config.feed_length)]


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
    feed.ttl(hub.config.feed_ttl)
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

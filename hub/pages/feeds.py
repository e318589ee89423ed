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

from ..i18n.translator import Translator
from ..model.chat import Chat, Hub
from ..model.durations import duration_adjective
from ..model.history import hub_history
from ..model.markdown import plain_text
from ..model.urls import chat_url, recap_url
from .page import Asset, network_list, page_translator

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


def _chat_of(t: Translator, minutes: int) -> str:
    """"A 45-minute chat": English says the duration as an adjective, with its article (in code);
    other languages translate the phrase with the duration as a noun ("Un clavardage de 45 minutes")."""
    if t.language.code == "en":
        return f"{duration_adjective(minutes).capitalize()} chat"
    # TRANSLATORS: a chat's length, as in "A 45 minutes chat on X under #Tenants…"; English
    # itself writes "A 45-minute chat" without this message.
    return t.gettext("A %(duration)s chat", duration=t.duration(minutes))


def _announcement(chat: Chat, hub: Hub, published: datetime) -> Entry:
    t = page_translator(hub, chat)
    about = (chat.description or chat.title).rstrip(".")
    values = {"about": about, "chat": _chat_of(t, chat.duration), "tag": chat.tag,
              "when": t.datetime(chat.start), "zone": chat.timezone, "host": chat.host.at,
              "networks": network_list(chat, t)}
    if chat.cancelled:
        text = t.gettext("Cancelled. %(about)s. %(chat)s on %(networks)s under %(tag)s, %(when)s (%(zone)s), "
                         "hosted by %(host)s.", **values)
        title = t.gettext("Cancelled: %(title)s (%(tag)s chat)", title=chat.title, tag=chat.tag)
    else:
        text = t.gettext("%(about)s. %(chat)s on %(networks)s under %(tag)s, %(when)s (%(zone)s), hosted by "
                         "%(host)s.", **values)
        title = t.gettext("%(title)s (%(tag)s chat)", title=chat.title, tag=chat.tag)
    return Entry("announcement", chat, chat_url(chat), title, published, text)


def _recap(chat: Chat, hub: Hub, now: datetime) -> Entry:
    t = page_translator(hub, chat)
    text = plain_text(chat.summary) if chat.summary else t.gettext(
        "What people said in the %(tag)s chat on %(title)s: highlights and answers.",
        tag=chat.tag, title=chat.title)
    title = t.gettext("Recap: %(title)s (%(tag)s chat)", title=chat.title, tag=chat.tag)
    return Entry("recap", chat, recap_url(chat), title, min(chat.end_utc, now), text)


def feed_entries(hub: Hub) -> list[Entry]:
    """Announcements of published chats and recaps of chats with a transcript, newest first,
    each in its chat's language."""
    now = hub.config.now.astimezone(UTC).replace(microsecond=0)
    history = hub_history(hub)
    entries = [_announcement(chat, hub, min(history.of(chat.source).published, now))
               for chat in hub.published]
    entries += [_recap(chat, hub, now) for chat in hub.published if chat.has_transcript]
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
    t = page_translator(hub)
    feed.description(t.gettext("New chats and recaps from %(site)s.", site=config.site_name))
    feed.language(t.tag)
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

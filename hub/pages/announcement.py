"""Announcement pages: one per published chat, at ``chats/<slug>/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.chat import Chat, Hub
from ..model.urls import chat_url
from .cards import social_card
from .page import Page, fingerprint, page_translator
from .states import chat_state, time_until


def questions_visible(chat: Chat, hub: Hub) -> bool:
    """Questions show unless the chat asks to keep them hidden until it starts."""
    return not chat.hide_questions or chat.has_started(hub.config.now)


def pages(hub: Hub) -> Iterator[Page]:
    now = hub.config.now
    for chat in hub.published:
        state = chat_state(chat, now)
        t = page_translator(hub, chat)
        description = chat.description or t.gettext(
            "%(tag)s chat: %(title)s, %(when)s.", tag=chat.tag, title=chat.title,
            when=t.datetime(chat.start))
        visible, has_archive = questions_visible(chat, hub), chat.has_transcript
        replacement = hub.chat(chat.replaced_by) if chat.cancelled and chat.replaced_by else None
        social = social_card(hub, chat, "announcement")
        yield Page(
            url=chat_url(chat),
            title=chat.title,
            template="chathub/announcement.html",
            context={
                "chat": chat,
                "state": state,
                "show_questions": visible,
                "has_archive": has_archive,
                "replacement": replacement,
            },
            description=description,
            social=social,
            key=fingerprint(
                "announcement", chat.source.read_bytes(), state, visible, has_archive,
                hub.config.site_url, social,
                replacement and (replacement.slug, replacement.title, replacement.start),
                time_until(chat, now) if state == "upcoming" else None,
            ),
            language=t.tag,
            chat=chat.slug,
        )

"""Where each page and file of a chat lives in the site (site-relative, directory URLs)."""

from __future__ import annotations

from .chat import Chat


def chat_url(chat: Chat) -> str:
    """The announcement."""
    return f"chats/{chat.slug}/"


def invite_url(chat: Chat) -> str:
    return f"{chat_url(chat)}invite/"


def archive_url(chat: Chat) -> str:
    return f"{chat_url(chat)}archive/"


def recap_url(chat: Chat) -> str:
    return f"{chat_url(chat)}recap/"


def calendar_path(chat: Chat) -> str:
    """The chat's iCalendar file."""
    return f"chats/{chat.slug}.ics"


URL_HELPERS = {f.__name__: f for f in (chat_url, invite_url, archive_url, recap_url, calendar_path)}

"""Archive pages: a chat's whole transcript by question, at ``chats/<slug>/archive/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import analyze_hub
from ..model.chat import Hub
from ..model.urls import archive_url
from .page import Page, fingerprint


def pages(hub: Hub) -> Iterator[Page]:
    data = analyze_hub(hub)
    for chat in hub.published:
        analysis = data.chats.get(chat.slug)
        if analysis is None:
            continue
        yield Page(
            url=archive_url(chat),
            title=f"Archive: {chat.title}",
            template="chathub/archive.html",
            context={"chat": chat, "analysis": analysis},
            searchable=False,  # transcripts would flood the search index; the page has a filter
            description=f"Every post of the {chat.tag} chat \u201c{chat.title}\u201d, "
            f"{chat.start:%-d %B %Y}, by question.",
            social={"type": "article", "image": chat.image},
            key=fingerprint("archive", data.keys[chat.slug]),
        )

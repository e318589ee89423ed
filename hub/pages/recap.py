"""Recap pages: a chat's figures, highlights and follow-ups, at ``chats/<slug>/recap/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import analyze_hub
from ..model.chat import Hub
from ..model.urls import recap_url
from .page import Page, fingerprint


def pages(hub: Hub) -> Iterator[Page]:
    data = analyze_hub(hub)
    for chat in hub.published:
        analysis = data.chats.get(chat.slug)
        if analysis is None:
            continue
        new, returning = data.voices(chat)
        figures = analysis.figures
        yield Page(
            url=recap_url(chat),
            title=f"Recap: {chat.title}",
            template="chathub/recap.html",
            context={"chat": chat, "analysis": analysis, "new_voices": new,
                     "returning_voices": returning},
            description=f"Recap of the {chat.tag} chat \u201c{chat.title}\u201d: {figures.posts} posts "
            f"from {figures.participants} participants.",
            social={"type": "article", "image": chat.image},
            key=fingerprint("recap", data.keys[chat.slug],
                            [(c.user.key, n) for c, n in returning], [c.user.key for c in new]),
        )

"""Recap pages: a chat's figures, highlights and follow-ups, at ``chats/<slug>/recap/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import analyze_hub
from ..model.chat import Hub
from ..model.urls import recap_url
from .cards import social_card
from .page import Page, fingerprint, network_context, page_translator


def pages(hub: Hub) -> Iterator[Page]:
    data = analyze_hub(hub)
    for chat in hub.published:
        analysis = data.chats.get(chat.slug)
        if analysis is None:
            continue
        new, returning = data.voices(chat)
        figures = analysis.figures
        t = page_translator(hub, chat)
        posts = t.ngettext("%(num)s post", "%(num)s posts", figures.posts)
        people = t.ngettext("%(num)s participant", "%(num)s participants", figures.participants)
        yield Page(
            url=recap_url(chat),
            title=t.gettext("Recap: %(title)s", title=chat.title),
            template="chathub/recap.html",
            context={"chat": chat, "analysis": analysis, "new_voices": new,
                     "returning_voices": returning, **network_context(chat, analysis, t)},
            description=t.gettext(
                "Recap of the %(tag)s chat \u201c%(title)s\u201d: %(posts)s from %(participants)s.",
                tag=chat.tag, title=chat.title, posts=posts, participants=people),
            social=social_card(hub, chat, "recap"),
            key=fingerprint("recap", data.keys[chat.slug],
                            [(c.user.key, n) for c, n in returning], [c.user.key for c in new]),
            language=t.tag,
            chat=chat.slug,
        )

"""Archive pages: a chat's whole transcript by question, at ``chats/<slug>/archive/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import analyze_hub
from ..model.chat import Hub
from ..model.urls import archive_url
from .cards import social_card
from .page import Page, fingerprint, network_context, page_translator


def pages(hub: Hub) -> Iterator[Page]:
    data = analyze_hub(hub)
    for chat in hub.published:
        analysis = data.chats.get(chat.slug)
        if analysis is None:
            continue
        t = page_translator(hub, chat)
        yield Page(
            url=archive_url(chat),
            title=t.gettext("Archive: %(title)s", title=chat.title),
            template="chathub/archive.html",
            # Robots follow none of its links (people's posts), as rel="nofollow" on each once said.
            context={"chat": chat, "analysis": analysis, "nofollow": True,
                     **network_context(chat, analysis, t)},
            searchable=False,  # transcripts would flood the search index; the page has a filter
            description=t.gettext(
                "Every post of the %(tag)s chat \u201c%(title)s\u201d, %(date)s, by question.",
                tag=chat.tag, title=chat.title, date=t.date(chat.start, "long")),
            social=social_card(hub, chat, "announcement"),  # the chat's card
            key=fingerprint("archive", data.keys[chat.slug]),
            language=t.tag,
            chat=chat.slug,
        )

"""The hub index: upcoming chats soonest first, then past chats newest first, paginated."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import analyze_hub
from ..model.chat import Chat, Hub
from .page import Page, fingerprint, page_translator
from .states import chat_state, time_until

INDEX_URL = "chats/"


def index_url(number: int) -> str:
    """URL of page ``number`` (1-based) of the index."""
    return INDEX_URL if number == 1 else f"{INDEX_URL}page/{number}/"


def ordered_chats(hub: Hub) -> list[tuple[str, Chat]]:
    """Published chats in index order, each tagged ``upcoming`` or ``past``."""
    return [("upcoming", c) for c in hub.upcoming()] + [("past", c) for c in hub.past()]


def next_chat(chats: list[Chat]) -> Chat | None:
    """The chat a hero leads with: the first of ``chats`` (upcoming, soonest first) not cancelled."""
    return next((c for c in chats if not c.cancelled), None)


def upcoming_view(hub: Hub) -> dict[str, object]:
    """What the ``<!-- chathub:upcoming -->`` marker shows: the next chat and the others after it."""
    chats = hub.upcoming()
    hero = next_chat(chats)
    return {"hero": hero, "chats": [c for c in chats if c is not hero]}


def pages(hub: Hub) -> Iterator[Page]:
    entries = ordered_chats(hub)
    analyses = analyze_hub(hub).chats
    now = hub.config.now
    size = max(1, hub.config.per_page)
    count = max(1, -(-len(entries) // size))
    t = page_translator(hub)
    for number in range(1, count + 1):
        chunk = entries[(number - 1) * size : number * size]
        upcoming = [c for kind, c in chunk if kind == "upcoming"]
        hero = next_chat(upcoming) if number == 1 else None
        yield Page(
            url=index_url(number),
            title=t.gettext("Chats") if number == 1 else t.gettext(
                "Chats, page %(number)s", number=t.number(number)),
            template="chathub/index.html",
            context={
                "hero": hero,
                "upcoming": [c for c in upcoming if c is not hero],
                "past": [c for kind, c in chunk if kind == "past"],
                "number": number,
                "count": count,
                "index_url": index_url,
                "figures": {c.slug: analyses[c.slug].figures for _, c in chunk if c.slug in analyses},
            },
            in_nav=number == 1,
            description=t.gettext("Upcoming and past %(site)s chats.", site=hub.config.site_name),
            key=fingerprint(  # every field of the chats listed (a card shows many of them)
                "index", number, [(k, c, c.has_transcript) for k, c in chunk], count,
                [(c.slug, analyses[c.slug].figures) for _, c in chunk if c.slug in analyses],
                [(chat_state(c, now), time_until(c, now)) for k, c in chunk if k == "upcoming"],
            ),
            language=t.tag,
        )

"""The people directory: everyone who took part in the hub's chats, at ``people/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import analyze_hub
from ..model.chat import Hub
from .page import Page, fingerprint, page_translator

PEOPLE_URL = "people/"
PER_PAGE = 100


def people_url(number: int = 1) -> str:
    """URL of page ``number`` (1-based) of the directory."""
    return PEOPLE_URL if number == 1 else f"{PEOPLE_URL}page/{number}/"


def pages(hub: Hub) -> Iterator[Page]:
    data = analyze_hub(hub)
    everyone = data.directory()
    count = max(1, -(-len(everyone) // PER_PAGE))
    t = page_translator(hub)
    for number in range(1, count + 1):
        chunk = everyone[(number - 1) * PER_PAGE : number * PER_PAGE]
        yield Page(
            url=people_url(number),
            title=t.gettext("People") if number == 1 else t.gettext(
                "People, page %(number)s", number=t.number(number)),
            template="chathub/people.html",
            context={"people": chunk, "number": number, "count": count, "total": len(everyone),
                     "people_url": people_url, "offset": (number - 1) * PER_PAGE},
            in_nav=number == 1,
            searchable=False,  # thousands of rows in a ten-year hub; each page has its own filter
            description=t.gettext("Everyone who took part in %(site)s chats.",
                                  site=hub.config.site_name),
            key=fingerprint("people", number, count, len(everyone), [
                (p.user, [(a.chat.slug, a.chat.title, a.chat.start, a.posts) for a in p.chats],
                 p.first_seen, p.posts) for p in chunk]),
            language=t.tag,
        )

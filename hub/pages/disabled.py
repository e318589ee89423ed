"""The pages of a hub whose plugin has ``enabled: false``: the hub index and the people
directory stay at their URLs, as short notices, so the navigation and links hold."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.chat import Hub
from .listing import INDEX_URL
from .page import Page
from .people import PEOPLE_URL


def pages(hub: Hub) -> Iterator[Page]:
    for url, title in ((INDEX_URL, "Chats"), (PEOPLE_URL, "People")):
        yield Page(url=url, title=title, template="chathub/disabled.html", context={"what": url},
                   in_nav=True, searchable=False, key="disabled")

"""The people directory: everyone who took part in the hub's chats, at ``people/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.community import PersonRecord, analyze_hub
from ..model.chat import Hub
from ..transcripts.posts import User
from .page import Page, fingerprint, page_translator

PEOPLE_URL = "people/"
PER_PAGE = 100


def people_url(number: int = 1) -> str:
    """URL of page ``number`` (1-based) of the directory."""
    return PEOPLE_URL if number == 1 else f"{PEOPLE_URL}page/{number}/"


def _shown(user: User) -> tuple[str, ...]:
    """What a row shows of an account (its id, network, handle, name and profile)."""
    return (user.id, user.network, user.handle, user.name, user.profile_url)


def _row(person: PersonRecord) -> tuple[object, ...]:
    """What a person's row shows but its chats: their accounts, their posts in each chat, and
    when they were first seen."""
    return (_shown(person.user), [_shown(u) for u in person.other_accounts],
            [(a.chat.slug, a.posts) for a in person.chats], person.first_seen, person.posts)


def _page_rows(chunk: list[PersonRecord]) -> tuple[str, list[str]]:
    """A page of the directory: what its rows show but the chats (as a digest), and the chats
    it names (their slugs, sorted)."""
    return (fingerprint([_row(p) for p in chunk]),
            sorted({a.chat.slug for person in chunk for a in person.chats}))


# The people the last build counted (their ``People.token``) -> each page's ``_page_rows``.
_ROWS: dict[str, list[tuple[str, list[str]]]] = {}


def pages(hub: Hub) -> Iterator[Page]:
    data = analyze_hub(hub)
    everyone = data.directory()
    count = max(1, -(-len(everyone) // PER_PAGE))
    t = page_translator(hub)
    # What a row shows of each chat (its link, title, language, date and zone), as a digest: worked
    # out once per chat, as thousands of rows name the same chats.
    chats = {chat.slug: fingerprint(chat.slug, chat.title, hub.config.language_of(chat),
                                    chat.start.isoformat(), chat.timezone) for chat in hub.chats}
    chunks = [everyone[(number - 1) * PER_PAGE : number * PER_PAGE] for number in range(1, count + 1)]
    # A page shows its rows (worked out once for the people counted, ``data.counted``, which
    # builds under serve share while who took part is unchanged) and each chat they name.
    token = data.counted.token if data.counted is not None else ""
    rows = _ROWS.get(token) if token else None
    if rows is None:
        rows = [_page_rows(chunk) for chunk in chunks]
        if token:
            _ROWS.clear()
            _ROWS[token] = rows
    for number, (chunk, (shown, named)) in enumerate(zip(chunks, rows, strict=True), start=1):
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
            key=fingerprint("people", number, count, len(everyone), shown,
                            [chats[slug] for slug in named]),
            language=t.tag,
        )

"""Calendars: ``chats/<slug>.ics`` for each published chat and ``calendar.ics`` for the hub,
plus "add to calendar" links for Google Calendar, Outlook.com and Microsoft 365.

Output depends only on the chat files and their git history (never on the clock or on file
times a checkout sets), so rebuilds, and fresh clones, give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import babel
import icalendar

from .. import __version__
from ..i18n.languages import catalogue_files, writable
from ..i18n.translator import Translator, translator_for
from ..kept_files import forget_unused, keep_file
from ..model.chat import Chat, Hub, HubConfig
from ..model.history import History, hub_history
from ..model.urls import calendar_path, chat_url
from ..model.zones import zone_data
from ..resources import code_key
from .networks import hashtag_links
from .page import Asset, fingerprint, network_list

PRODID = f"-//chathub//chathub {__version__}//EN"
HUB_CALENDAR = "calendar.ics"
_CALENDAR_END = b"END:VCALENDAR\r\n"


def event_uid(chat: Chat, config: HubConfig) -> str:
    """Stable across rebuilds and edits: the slug at the site's host."""
    host = urlsplit(config.site_url).hostname if config.site_url else None
    return f"{chat.slug}@{host or 'chathub'}"


def stamp(chat: Chat, history: History | None = None) -> datetime:
    """When the chat file last changed: its last commit in git (the same in every clone), else its
    modification time; capped by SOURCE_DATE_EPOCH when set. Whole seconds."""
    moment = (history or History()).of(chat.source).changed
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = min(moment, datetime.fromtimestamp(int(epoch), UTC))
    return moment


def join_url(chat: Chat) -> str:
    """Where the chat happens: the hashtag's live posts on the chat's first network."""
    return hashtag_links(chat)[0].url


def event_translator(chat: Chat, config: HubConfig) -> Translator:
    """An event is written in its chat's language."""
    return translator_for(writable(config.language_of(chat)))


def summary(chat: Chat, config: HubConfig) -> str:
    t = event_translator(chat, config)
    if chat.cancelled:
        return t.gettext("Cancelled: %(tag)s chat: %(title)s", tag=chat.tag, title=chat.title)
    return t.gettext("%(tag)s chat: %(title)s", tag=chat.tag, title=chat.title)


def describe(chat: Chat, config: HubConfig) -> str:
    """The event's description: what, the hashtag and how to take part, where to read more."""
    t = event_translator(chat, config)
    lines = []
    if chat.cancelled:
        lines += [t.gettext("This chat has been cancelled."), ""]
    host = (t.gettext("%(name)s (%(handle)s)", name=chat.host.display_name, handle=chat.host.at)
            if chat.host.name else chat.host.at)
    lines += [
        chat.description or chat.title,
        "",
        t.gettext("A chat on %(networks)s under the hashtag %(tag)s, hosted by %(host)s.",
                  networks=network_list(chat, t), tag=chat.tag, host=host),
        t.gettext("To take part, follow %(tag)s (%(link)s) and put %(tag)s in every post; answer "
                  "Q1, Q2… with A1, A2…", tag=chat.tag, link=join_url(chat)),
        "",
        t.gettext("Details: %(url)s", url=config.absolute_url(f"chats/{chat.slug}/")),
    ]
    return "\n".join(lines)


def ical_time(moment: datetime) -> datetime:
    """``moment`` with its zone, or in UTC when its wall time happens twice (a DST fall-back):
    a TZID time cannot say which of the two it means."""
    if moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset():
        return moment.astimezone(UTC)
    return moment


def make_event(chat: Chat, config: HubConfig, history: History | None = None) -> icalendar.Event:
    """One chat as an event; its texts say which language they are in (``LANGUAGE=``)."""
    language = {"LANGUAGE": event_translator(chat, config).tag}
    event = icalendar.Event()
    event.add("uid", event_uid(chat, config))
    event.add("dtstamp", stamp(chat, history))
    event.add("sequence", 1 if chat.cancelled else 0)
    event.add("status", "CANCELLED" if chat.cancelled else "CONFIRMED")
    event.add("summary", summary(chat, config), parameters=language)
    event.add("dtstart", ical_time(chat.start))
    event.add("dtend", ical_time(chat.end))
    words = event_translator(chat, config)
    event.add("location", words.gettext("On %(networks)s: %(tag)s", networks=network_list(chat, words),
                                        tag=chat.tag), parameters=language)
    event.add("url", config.absolute_url(chat_url(chat)))
    event.add("description", describe(chat, config), parameters=language)
    return event


def _calendar_head(name: str) -> bytes:
    """The calendar's own lines, up to its first component."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Line breaks and runs of spaces go; a no-break space (French "#Tag : titre") stays.
    calendar.add("x-wr-calname", icalendar.vText(re.sub(r"[ \t\r\n]+", " ", name).strip()))
    calendar.add("refresh-interval", icalendar.vDuration.from_ical("PT12H"),
                 parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    return calendar.to_ical().removesuffix(_CALENDAR_END)


def event_zones(chat: Chat) -> frozenset[str]:
    """The time zones (TZIDs) the chat's event names: its start's and end's, unless in UTC."""
    found = {icalendar.vDDDTypes(ical_time(moment)).params.get("TZID") for moment in (chat.start, chat.end)}
    return frozenset(str(tzid) for tzid in found if tzid and tzid != "UTC")


def event_lines(chat: Chat, config: HubConfig, history: History | None = None
                ) -> tuple[bytes, frozenset[str]]:
    """The chat's VEVENT as iCalendar lines, and the time zones it names."""
    return make_event(chat, config, history).to_ical(), event_zones(chat)


def _kept_event(path: Path, chat: Chat) -> tuple[bytes, frozenset[str]] | None:
    """The event of a chat's own calendar kept in ``path`` (its one VEVENT, the last component),
    or None when there is no such file or it is not in that shape."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    begin = data.find(b"\r\nBEGIN:VEVENT\r\n")
    if begin < 0 or data.count(b"\r\nBEGIN:VEVENT\r\n") != 1 or not data.endswith(
            b"\r\nEND:VEVENT\r\n" + _CALENDAR_END):
        return None
    return data[begin + 2 : -len(_CALENDAR_END)], event_zones(chat)


@cache
def _zone_lines(tzid: str, first: date, last: date) -> tuple[str, bytes] | None:
    """A VTIMEZONE from ``first`` to ``last`` (its TZID and lines), None for a zone icalendar
    does not know (as ``add_missing_timezones`` skips it)."""
    try:
        zone = icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError:
        return None
    return str(zone.get("TZID")), zone.to_ical()


def make_calendar(chats: Iterable[Chat], config: HubConfig, name: str,
                  history: History | None = None,
                  events: Callable[[Chat], tuple[bytes, frozenset[str]]] | None = None) -> bytes:
    """An iCalendar file of ``chats``, soonest first, with the VTIMEZONEs their zones need (from
    the first chat's year to the year after the last one's), sorted by name so that the same chats
    make the same bytes. ``events`` gives a chat's ``event_lines`` (kept between builds); the
    calendar is those lines joined, as icalendar writes a calendar of them."""
    chats = sorted(chats, key=lambda c: (c.start_utc, c.slug))
    made = [(events or (lambda chat: event_lines(chat, config, history)))(chat) for chat in chats]
    zones: list[tuple[str, bytes]] = []
    if chats:
        first = date(chats[0].start.date().year, 1, 1)
        last = date(max(c.end.date() for c in chats).year + 1, 12, 31)
        for tzid in set().union(*(tzids for _, tzids in made)):
            found = _zone_lines(tzid, first, last)
            if found is not None:
                zones.append(found)
    return b"".join([_calendar_head(name), *(lines for _, lines in sorted(zones)),
                     *(lines for lines, _ in made), _CALENDAR_END])


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _link_details(chat: Chat, config: HubConfig) -> str:
    t = event_translator(chat, config)
    text = t.gettext("%(tag)s chat on %(networks)s, hosted by %(host)s. Follow %(tag)s and put it in "
                     "every post.", tag=chat.tag, networks=network_list(chat, t), host=chat.host.at)
    if config.site_url:
        text += "\n\n" + t.gettext("Details: %(url)s", url=config.absolute_url(f"chats/{chat.slug}/"))
    return text


def google_calendar_url(chat: Chat, config: HubConfig) -> str:
    """Google Calendar's "add event" form, filled in."""
    query = urlencode({
        "action": "TEMPLATE",
        "text": summary(chat, config),
        "dates": f"{_utc(chat.start)}/{_utc(chat.end)}",
        "details": _link_details(chat, config),
        "location": join_url(chat),
    }, quote_via=quote)
    return f"https://calendar.google.com/calendar/render?{query}"


def _outlook_query(chat: Chat, config: HubConfig) -> str:
    return urlencode({
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": summary(chat, config),
        "startdt": chat.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": chat.end_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": _link_details(chat, config),
        "location": join_url(chat),
    }, quote_via=quote)


def outlook_calendar_url(chat: Chat, config: HubConfig) -> str:
    """Outlook on the web's "new event" form (personal accounts, outlook.com), filled in."""
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{_outlook_query(chat, config)}"


def microsoft365_calendar_url(chat: Chat, config: HubConfig) -> str:
    """The same form in Microsoft 365 (work and school accounts, outlook.office.com)."""
    return f"https://outlook.office.com/calendar/0/deeplink/compose?{_outlook_query(chat, config)}"


CACHE = Path(".cache") / "chathub" / "calendars"  # under the hub's root
_UNKEYED = ("now", "root", "chats_dir", "custom_dir")  # what no calendar shows (nor where files are)
# Calendars made by the last build in this process (under mkdocs serve, the plugin builds again
# and again), by their key, for a hub whose cache folder cannot be written.
_KEPT: dict[str, bytes] = {}
# Chats' events (``event_lines``) by their calendar's key, for the chats of the last build.
_EVENTS: dict[str, tuple[bytes, frozenset[str]]] = {}


def _catalogues_key() -> str:
    """The catalogues' bytes (an event is written in its chat's language), as a digest."""
    parts: list[object] = []
    for name, path in sorted(catalogue_files().items()):
        try:
            parts.append((name, path.read_bytes()))
        except OSError:
            parts.append((name, None))
    return fingerprint(*parts)


def _inputs_key(chats: list[Chat], config: HubConfig, name: str, history: History,
                catalogues: str) -> str:
    """A fingerprint of a calendar's inputs: its chats (as read, wherever their files are), the
    hub's settings (not the clock, which a calendar never shows), the files' dates, the
    catalogues, the zones' time-zone data, and the code that writes it (chathub's, icalendar's and
    Babel's)."""
    settings = [(f.name, getattr(config, f.name)) for f in fields(config) if f.name not in _UNKEYED]
    zones = hashlib.sha256(b"\0".join(zone_data(z) for z in sorted({c.timezone for c in chats})))
    return fingerprint(code_key(), icalendar.__version__, babel.__version__, zones.hexdigest(), PRODID, name,
                       [([getattr(chat, f.name) for f in fields(chat) if f.name != "source"],
                         stamp(chat, history)) for chat in chats],
                       settings, catalogues, os.environ.get("SOURCE_DATE_EPOCH", ""))


def files(hub: Hub) -> Iterator[Asset]:
    """The calendars, each kept in ``.cache/chathub/calendars/`` by its key once made, and copied
    from there by MkDocs while its inputs are unchanged (stale ones are removed). The hub's
    calendar is made of its chats' events as their own calendars have them (kept between the
    builds of one process, as under ``mkdocs serve``): an edit makes one event again."""
    global _KEPT, _EVENTS
    config = hub.config
    history = hub_history(hub)
    folder = config.root / CACHE
    catalogues = _catalogues_key()
    made: dict[str, bytes] = {}
    events: dict[str, tuple[bytes, frozenset[str]]] = {}
    keys: dict[str, str] = {}
    used: set[str] = set()

    def event(chat: Chat) -> tuple[bytes, frozenset[str]]:
        key = keys[chat.slug]
        found = events.get(key) or _EVENTS.get(key) or _kept_event(folder / f"{key}.ics", chat)
        if found is None:
            found = event_lines(chat, config, history)
        events[key] = found
        return found

    wanted: list[tuple[str, list[Chat], str, str]] = []
    for chat in hub.published:
        name = event_translator(chat, config).gettext("%(tag)s: %(title)s", tag=chat.tag,
                                                      title=chat.title)
        keys[chat.slug] = _inputs_key([chat], config, name, history, catalogues)
        wanted.append((calendar_path(chat), [chat], name, keys[chat.slug]))
    # Each chat's key covers all that its event is made of; the hub's adds its name and order.
    hub_chats = list(hub.published)
    wanted.append((HUB_CALENDAR, hub_chats, config.site_name,
                   fingerprint(HUB_CALENDAR, code_key(), icalendar.__version__, PRODID, config.site_name,
                               [keys[c.slug] for c in hub_chats])))
    for path, chats, name, key in wanted:
        cached = folder / f"{key}.ics"
        used.add(cached.name)
        if cached.is_file():
            yield Asset(path, b"", source=cached)
            continue
        content = _KEPT.get(key)
        if content is None:
            content = make_calendar(chats, config, name, history, event)
            keep_file(cached, content, "a calendar")  # else made again at the next build
        made[key] = content
        yield Asset(path, content)
    # The events of this build's chats, made now or earlier (a build that needed none keeps them).
    _KEPT, _EVENTS = made, {key: found for key in keys.values()
                            if (found := events.get(key) or _EVENTS.get(key)) is not None}
    forget_unused(folder, "*.ics", used)

"""Time zone names: which are real IANA zones, what to suggest for a wrong one, and which are
fixed offsets that never follow daylight saving time."""

from __future__ import annotations

import difflib
import os
import re
import zoneinfo
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files as package_files
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Names that say UTC on purpose: fixed, and meant to be.
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu",
                       "Etc/Zulu", "Etc/GMT", "GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0",
                       "GMT+0", "GMT-0", "Greenwich", "Etc/Greenwich"})
# Legacy names that are fixed offsets all year (tzdata's "backward" and "etcetera" files).
FIXED_LEGACY = frozenset({"EST", "MST", "HST"})
# Abbreviations and POSIX-style names people write, and the places they usually mean.
ABBREVIATIONS = {
    "EST": ("America/New_York", "America/Toronto"), "EDT": ("America/New_York", "America/Toronto"),
    "ET": ("America/New_York",), "CST": ("America/Chicago", "America/Mexico_City"),
    "CDT": ("America/Chicago",), "CT": ("America/Chicago",),
    "MST": ("America/Denver", "America/Phoenix"), "MDT": ("America/Denver",), "MT": ("America/Denver",),
    "PST": ("America/Los_Angeles", "America/Vancouver"), "PDT": ("America/Los_Angeles",),
    "PT": ("America/Los_Angeles",), "AKST": ("America/Anchorage",), "HST": ("Pacific/Honolulu",),
    "GMT": ("Europe/London",), "BST": ("Europe/London",), "WET": ("Europe/Lisbon",),
    "CET": ("Europe/Paris", "Europe/Berlin"), "CEST": ("Europe/Paris", "Europe/Berlin"),
    "EET": ("Europe/Athens", "Europe/Helsinki"), "MSK": ("Europe/Moscow",), "IST": ("Asia/Kolkata",),
    "JST": ("Asia/Tokyo",), "KST": ("Asia/Seoul",), "SGT": ("Asia/Singapore",),
    "AEST": ("Australia/Sydney",), "AEDT": ("Australia/Sydney",), "NZST": ("Pacific/Auckland",),
}
# Well-known places, by their standard (winter) offset: what a fixed offset most likely means.
WELL_KNOWN = (
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Phoenix", "America/Chicago", "America/Mexico_City", "America/New_York",
    "America/Bogota", "America/Halifax", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
    "Atlantic/Azores", "Europe/London", "Europe/Lisbon", "Africa/Lagos", "Europe/Paris",
    "Europe/Berlin", "Africa/Johannesburg", "Europe/Athens", "Africa/Cairo", "Europe/Istanbul",
    "Europe/Moscow", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok",
    "Asia/Jakarta", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul",
    "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
)
_POSIX = re.compile(r"^([A-Za-z]{3,5})[+-]?\d{1,2}(?:[A-Za-z]{3,5})?$")  # EST5, EST5EDT, CET-1


@cache
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@cache
def _places() -> tuple[str, ...]:
    """IANA names of places (Area/City), without tzdata's legacy and Etc/ names."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    return tuple(n for n in zone_names() if "/" in n and not n.startswith(legacy))


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return False
    return True


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    """Real IANA places that ``name`` may mean: for an abbreviation (``EST``, ``EST5EDT``), the
    places that use it; otherwise the closest place names (``new york`` → America/New_York)."""
    text = name.strip()
    posix = _POSIX.match(text)
    key = (posix.group(1) if posix else text).upper()
    if key in ABBREVIATIONS:
        return list(ABBREVIATIONS[key][:limit])
    places = _places()
    wanted = text.replace(" ", "_").lower()
    by_lower = {p.lower(): p for p in places}
    by_city = {}
    for place in places:
        by_city.setdefault(place.rsplit("/", 1)[-1].lower(), place)
    close = difflib.get_close_matches(wanted, list(by_lower), n=limit, cutoff=0.6)
    if not close:
        close = [by_city[c].lower() for c in
                 difflib.get_close_matches(wanted.rsplit("/", 1)[-1], list(by_city), n=limit, cutoff=0.7)]
    return [by_lower[c] for c in close]


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not a usable IANA zone (with real zones to use instead), or None."""
    if is_zone(name):
        return None
    close = suggest_zones(name) if len(name) <= 64 else []  # no fuzzy search over a huge value
    if close:
        hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        hint = " (use the IANA name of a place, like Europe/Paris or America/New_York)"
    shown = repr(name) if len(name) <= 64 else repr(name[:60]) + "…"
    return f"unknown time zone {shown}{hint}"


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def fixed_offset_warning(name: str) -> str | None:
    """A warning for a zone that is a fixed offset all year (``EST``, ``Etc/GMT+5``): chats in it
    stay at one UTC time while the place the host meant changes its clocks. None for UTC and for
    real places (even those without daylight saving time, like Asia/Tokyo)."""
    if name in UTC_NAMES or not is_zone(name):
        return None
    if name not in FIXED_LEGACY and not name.startswith("Etc/"):
        return None
    offset = datetime(2026, 1, 15, 12, tzinfo=ZoneInfo(name)).utcoffset() or timedelta(0)
    def offset_in(place: str, month: int) -> timedelta | None:
        return datetime(2026, month, 15, 12, tzinfo=ZoneInfo(place)).utcoffset()

    # Places whose winter time is this offset first, then those whose summer time is.
    places = [p for p in WELL_KNOWN if offset_in(p, 1) == offset]
    places += [p for p in WELL_KNOWN if offset_in(p, 7) == offset and p not in places]
    suggestion = ABBREVIATIONS.get(name) or tuple(places[:2])
    sign_note = " (Etc/GMT names reverse the sign)" if name.startswith("Etc/GMT") else ""
    advice = ("; name the place instead, for example " + " or ".join(suggestion)) if suggestion else \
        "; name the place instead (an IANA name like Europe/Paris)"
    return (f"time zone {name!r} is a fixed offset ({_offset_text(offset)}) that never changes for "
            f"daylight saving time{sign_note}, so the chat's local time is wrong for part of the "
            f"year wherever the clocks do change{advice}")


@cache
def zone_data(name: str) -> bytes:
    """The time-zone data ``zoneinfo`` reads for ``name`` (from ``zoneinfo.TZPATH``, else the
    ``tzdata`` package): a new release of it changes the local times and zones worked out before
    (kept analyses and calendars)."""
    if not name or name.startswith(("/", "\\")) or ".." in name.split("/"):
        return name.encode()
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            try:
                return Path(path).read_bytes()
            except OSError:
                break
    try:
        return package_files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    except (ImportError, OSError, ValueError):
        return name.encode()

"""Dates, times, time zones, durations and numbers as Babel (CLDR) writes them for a locale.

Each function takes the locale as a Babel locale or its identifier (``fr_CA``, ``en``); a
``Translator`` binds them to a page's language. Results are memoised: an archive shows hundreds
of posts from one chat's hour, and each value is worked out once per locale.

``format_datetime`` joins a date and a time with a connector the catalogue translates
("%(date)s at %(time)s"; French says "à"), since CLDR's "at" patterns are not in Babel.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import babel.dates
from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit

STYLES = ("full", "long", "medium", "short")
AT_TIME = "%(date)s at %(time)s"  # the default connector (English), for full and long styles
_OFFSET_NAME = re.compile(r"^[+\-\u2212]\d{2}:?\d{2}$")
_GMT = re.compile(r"^(?P<prefix>\D*?)(?P<sign>[+\-\u2212])(?P<hours>\d{1,2}):?(?P<minutes>\d{2})$")
_QUOTED = re.compile(r"'([^']*)'")

LocaleLike = Locale | str


def _id(locale: LocaleLike) -> str:
    return str(locale)


@lru_cache(maxsize=4096)
def _date(day: date, style: str, locale: str) -> str:
    if style in STYLES:
        return babel.dates.format_date(day, style, locale=locale)
    moment = datetime.combine(day, time(12))
    return babel.dates.format_skeleton(style, moment, locale=locale)


def format_date(moment: date | datetime, style: str = "full", locale: LocaleLike = "en") -> str:
    """The date of ``moment`` (on its own wall clock): a CLDR style (``full``: "jeudi 10 décembre
    2026"; ``long``, ``medium``: "10 déc. 2026", ``short``) or a CLDR skeleton (``MMMEd``:
    "jeu. 10 déc.", ``yMMMd``, ``MMMd``), which Babel orders as the locale does."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return _date(day, style, _id(locale))


@lru_cache(maxsize=8192)
def _clock(hour: int, minute: int, second: int, seconds: bool, locale: str) -> str:
    return babel.dates.format_skeleton("Hms" if seconds else "Hm", time(hour, minute, second),
                                       locale=locale)


def format_clock(moment: datetime | time, locale: LocaleLike = "en", seconds: bool = False) -> str:
    """The time of day on ``moment``'s wall clock, on the 24-hour clock as the locale writes it
    (CLDR's ``Hm``): "13 h 05" (fr_CA), "13:05" (en). A chat's participants come from many
    places; the 24-hour clock reads the same for all of them."""
    return _clock(moment.hour, moment.minute, moment.second if seconds else 0, seconds, _id(locale))


def _short_gmt(text: str) -> str:
    """CLDR's short localized GMT format from the long one: ``GMT+01:00`` -> ``GMT+1``,
    ``UTC+05:30`` -> ``UTC+5:30``, ``GMT+00:00`` -> ``GMT``."""
    match = _GMT.match(text)
    if not match:
        return text
    hours, minutes = int(match["hours"]), match["minutes"]
    if hours == 0 and minutes == "00":
        return match["prefix"].strip() or text
    return f"{match['prefix']}{match['sign']}{hours}" + (f":{minutes}" if minutes != "00" else "")


_ZONES: dict[tuple[str, timedelta | None, timedelta | None, str], str] = {}


def zone_name(moment: datetime, locale: LocaleLike = "en") -> str:
    """The short name of ``moment``'s zone at that moment, as CLDR gives it for the locale:
    "HNE"/"HAE" (fr_CA), "EST"/"EDT" (en), "UTC"; where the locale has no abbreviation, the
    short GMT offset ("UTC+1" in fr_CA, "GMT+1" in en)."""
    if moment.tzinfo is None:
        raise ValueError("zone_name needs an aware datetime")
    key = (str(getattr(moment.tzinfo, "key", moment.tzinfo)), moment.utcoffset(), moment.dst(),
           _id(locale))
    found = _ZONES.get(key)
    if found is None:
        found = babel.dates.get_timezone_name(moment, "short", locale=key[3])
        if not found or _OFFSET_NAME.match(found):
            found = _short_gmt(babel.dates.get_timezone_gmt(moment, "long", locale=key[3]))
        _ZONES[key] = found
    return found


def format_time(moment: datetime, locale: LocaleLike = "en", zone: bool = True,
                seconds: bool = False) -> str:
    """The time of day with its zone: "13 h 00 HNE" (fr_CA), "13:00 EST" (en)."""
    clock = format_clock(moment, locale, seconds)
    return f"{clock} {zone_name(moment, locale)}" if zone and moment.tzinfo else clock


def _pattern(locale: str, style: str) -> str:
    pattern = str(Locale.parse(locale).datetime_formats.get(style) or "{1} {0}")
    return _QUOTED.sub(r"\1", pattern)


def format_datetime(moment: datetime, style: str = "full", locale: LocaleLike = "en",
                    at_time: str = AT_TIME, zone: bool = True, seconds: bool = False) -> str:
    """Date and time of ``moment`` on its own wall clock, with its zone: ``full`` is "jeudi 10
    décembre 2026 à 13 h 00 HNE" (fr_CA) and "Thursday, December 10, 2026 at 13:00 EST" (en);
    ``long`` has no weekday; ``medium`` ("10 déc. 2026, 13 h 00 HNE") and ``short`` use the
    locale's own pattern. ``at_time`` is the translated connector of the full and long styles;
    ``seconds`` adds the seconds to the time ("13 h 06 min 05 s" in fr_CA, "13:06:05")."""
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}; use one of {', '.join(STYLES)}")
    day = format_date(moment, style, locale)
    clock = format_time(moment, locale, zone=zone, seconds=seconds)
    if style in ("full", "long"):
        return at_time % {"date": day, "time": clock}
    return _pattern(_id(locale), style).replace("{1}", day).replace("{0}", clock)


@lru_cache(maxsize=1024)
def _duration(minutes: int, locale: str) -> str:
    hours, rest = divmod(minutes, 60)
    parts = [format_unit(hours, "duration-hour", length="long", locale=locale)] if hours else []
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="long", locale=locale))
    return format_list(parts, style="unit-narrow", locale=locale)


def format_duration(minutes: int, locale: LocaleLike = "en") -> str:
    """A length of time in whole minutes, in words: "1 heure 30 minutes", "1 hour 30 minutes"."""
    return _duration(int(minutes), _id(locale))


@lru_cache(maxsize=4096)
def _number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def format_number(value: int | float, locale: LocaleLike = "en") -> str:
    """A number with the locale's separators: "1 234" (fr_CA), "1,234" (en)."""
    return _number(value, _id(locale))

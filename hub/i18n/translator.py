"""A language's words and formats in one object: what a page, a feed or the kit writes with.

``translator_for("fr")`` gives ``gettext``/``ngettext`` through the French catalogue and Babel's
formats for ``fr_CA``. Messages use Python's named placeholders (``%(title)s``); ``ngettext``
fills ``%(num)s`` with the count in the locale's digits::

    t = translator_for("fr")
    t.ngettext("%(num)s post", "%(num)s posts", 2)      # "2 publications"
    t.gettext("Archive: %(title)s", title=chat.title)  # "Archives : …"
    t.datetime(chat.start)                             # "jeudi 10 décembre 2026 à 13 h 00 HNE"
"""

from __future__ import annotations

import gettext
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from . import formats
from .catalogues import translations
from .languages import Language, language_for

_INTEGER = re.compile(r"%\((\w+)\)d")


def fill(text: str, values: dict[str, Any]) -> str:
    """``text % values``, where a count written in the locale's digits (text) may stand for a
    ``%(num)d`` placeholder."""
    if "d" in text and _INTEGER.search(text):
        text = _INTEGER.sub(lambda m: f"%({m[1]})s" if isinstance(values.get(m[1]), str) else m[0], text)
    return text % values


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined; it is translated where it is
    shown (``t.gettext(message)``, or ``_(message)`` in a template)."""
    return message


class Translator:
    """gettext, ngettext and Babel's formats for one language."""

    def __init__(self, language: Language, catalogue: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = language.locale
        self.locale_id = str(language.locale)  # what the formats are memoised by (fr_CA)
        self.catalogue = catalogue
        # TRANSLATORS: joins a date and a time ("Thursday, December 10, 2026 at 13:00 EST").
        self.at_time = catalogue.gettext("%(date)s at %(time)s")

    @property
    def tag(self) -> str:
        return self.language.tag

    def __repr__(self) -> str:
        return f"Translator({self.tag!r})"

    # --- words ----------------------------------------------------------------------------

    def gettext(self, message: str, **values: Any) -> str:
        """``message`` in this language, with ``values`` put in its placeholders."""
        text = self.catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        """The singular or plural form this language uses for ``count``, with ``%(num)s`` the
        count in the locale's digits."""
        values.setdefault("num", self.number(count))
        return fill(self.catalogue.ngettext(singular, plural, count), values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        """``message`` as used in ``context`` (the same English word may translate two ways)."""
        text = self.catalogue.pgettext(context, message)
        return text % values if values else text

    def npgettext(self, context: str, singular: str, plural: str, count: int, **values: Any) -> str:
        values.setdefault("num", self.number(count))
        return fill(self.catalogue.npgettext(context, singular, plural, count), values)

    # --- formats --------------------------------------------------------------------------

    def datetime(self, moment: datetime, style: str = "full", zone: bool = True,
                 seconds: bool = False) -> str:
        """Date, time and zone: "jeudi 10 décembre 2026 à 13 h 00 HNE" (``full``), ``long``,
        ``medium`` ("10 déc. 2026, 13 h 00 HNE") or ``short``; ``seconds`` adds the seconds."""
        return formats.format_datetime(moment, style, self.locale_id, self.at_time, zone, seconds)

    def date(self, moment: date | datetime, style: str = "full") -> str:
        """A date: a CLDR style (``full``, ``long``, ``medium``, ``short``) or skeleton (``MMMEd``)."""
        return formats.format_date(moment, style, self.locale_id)

    def time(self, moment: datetime, zone: bool = True, seconds: bool = False) -> str:
        """The time of day, with its zone unless ``zone`` is false: "13 h 00 HNE"."""
        return formats.format_time(moment, self.locale_id, zone, seconds)

    def clock(self, moment: datetime, seconds: bool = False) -> str:
        """The time of day alone: "13 h 05", "13:05"."""
        return formats.format_clock(moment, self.locale_id, seconds)

    def zone(self, moment: datetime) -> str:
        """The zone's short name at ``moment``: "HNE", "EST", "UTC"."""
        return formats.zone_name(moment, self.locale_id)

    def duration(self, minutes: int) -> str:
        """Minutes in words: "1 heure 30 minutes"."""
        return formats.format_duration(minutes, self.locale_id)

    def number(self, value: int | float) -> str:
        """A number in the locale's digits: "1 234"."""
        return formats.format_number(value, self.locale_id)

    def language_name(self, tag: str) -> str:
        """The name of another language, in this one: "anglais" for ``en`` on a French page."""
        return language_for(tag).name_in(self.language)


@lru_cache(maxsize=64)
def _translator(language: Language, catalogue: gettext.NullTranslations) -> Translator:
    return Translator(language, catalogue)


def translator_for(tag: str | Language) -> Translator:
    """The translator of a language tag (ValueError when chathub cannot write it). A catalogue
    edited since the last call is compiled again."""
    language = tag if isinstance(tag, Language) else language_for(tag)
    return _translator(language, translations(language))

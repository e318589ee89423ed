"""Which languages chathub writes: one message catalogue per language, and the locale it formats with.

A page's language is a BCP 47 tag (``en``, ``fr``, ``fr-CA``): Material's ``theme.language`` for
the hub, a chat's ``language:`` for its own pages. chathub writes a language when it has a
catalogue for it (``hub/locales/<catalogue>/LC_MESSAGES/chathub.po``; English and Canadian
French ship) and Babel knows the tag. A bare language uses its catalogue's region for dates and
numbers (``fr`` is formatted as ``fr_CA``); a tag with a region keeps its own (``fr-FR`` is
written with the French catalogue and formatted as in France).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from ..resources import LOCALES

DOMAIN = "chathub"
SOURCE_LANGUAGE = "en"  # the language of the msgids: what chathub writes without a translation
# Where catalogues are looked for, in order (the first folder that has a catalogue wins).
CATALOGUE_DIRS: list[Path] = [LOCALES]


_FOUND: dict[tuple[Path, ...], dict[str, Path]] = {}  # catalogue_files() by CATALOGUE_DIRS


def forget_catalogues() -> None:
    """Look for catalogues on disk again at the next ``catalogue_files()`` (each build does, so a
    catalogue added under ``mkdocs serve`` is found; an edited one is compiled again anyway)."""
    _FOUND.clear()


def catalogue_files() -> dict[str, Path]:
    """Every catalogue chathub has, by its folder name (``en``, ``fr_CA``). English, the
    language of the messages themselves, is always there (its file may be missing).

    Kept until ``forget_catalogues()``: a page asks for its language's catalogue many times,
    and looking through the folders each time took a tenth of a build."""
    kept = _FOUND.get(tuple(CATALOGUE_DIRS))
    if kept is None:
        dirs = tuple(Path(folder) for folder in CATALOGUE_DIRS)
        kept = _FOUND[tuple(CATALOGUE_DIRS)] = _find_catalogues(dirs)
    return dict(kept)


def _find_catalogues(dirs: tuple[Path, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            found.setdefault(po.parent.parent.name, po)
    found.setdefault(SOURCE_LANGUAGE, dirs[0] / SOURCE_LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po")
    return found


def _parse(value: str) -> Locale | None:
    """The Babel locale of a tag (``fr-CA``, ``fr_CA``, ``pt-BR``), or None when Babel does not
    know it. ``und`` (undetermined) is not a language, whatever Babel's aliases say."""
    text = value.strip().replace("_", "-")
    if not text or text.lower().split("-")[0] in ("und", "zxx", "mul", "mis"):
        return None
    try:
        return Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def bcp47(locale: Locale) -> str:
    """A Babel locale as a BCP 47 tag: ``fr_CA`` -> ``fr-CA``, ``zh_Hant`` -> ``zh-Hant``."""
    return "-".join(part for part in (locale.language, locale.script, locale.territory) if part)


@dataclass(frozen=True)
class Language:
    """A language chathub writes: its tag, its catalogue, and the locale it formats with."""

    tag: str  # BCP 47, as ``lang`` attributes and ``hreflang`` write it: "en", "fr", "fr-CA"
    catalogue: str  # folder of its catalogue: "en", "fr_CA"
    locale: Locale  # for dates, times and numbers: fr -> fr_CA

    @property
    def code(self) -> str:
        """The primary language: ``fr`` for ``fr-CA``."""
        return self.locale.language

    @property
    def name(self) -> str:
        """The language's name in itself, as a language switch shows it: ``français``."""
        return Locale.parse(self.code).get_display_name(self.locale) or self.tag

    def name_in(self, other: Language) -> str:
        """The language's name in another language: ``French`` for English pages."""
        return Locale.parse(self.code).get_display_name(other.locale) or self.tag


def _catalogue_for(locale: Locale, catalogues: dict[str, Path]) -> str | None:
    """The best catalogue for a locale: the same locale, its language and script, its language,
    then any catalogue of its language."""
    candidates = [str(locale)]
    if locale.script:
        candidates.append(f"{locale.language}_{locale.script}")
    candidates.append(locale.language)
    for name in candidates:
        if name in catalogues:
            return name
    same = sorted(n for n in catalogues if n.split("_")[0] == locale.language)
    return same[0] if same else None


@cache
def _resolve(tag: str, catalogues: tuple[tuple[str, Path], ...]) -> Language | str:
    locale = _parse(tag)
    known = dict(catalogues)
    if locale is None:
        offer = sorted({t for n in known for t in (n.split("_")[0], n.replace("_", "-"))})
        close = difflib.get_close_matches(tag.strip().lower(), offer, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else " (use a tag like en, fr or fr-CA)"
        return f"{tag!r} is not a language tag Babel knows{hint}"
    catalogue = _catalogue_for(locale, known)
    if catalogue is None:
        have = ", ".join(n.replace("_", "-") for n in sorted(known))
        return (f"chathub has no catalogue for {tag!r} yet (it writes {have}); "
                "the README's \"Languages\" says how to add one")
    formats = locale
    if not (locale.territory or locale.script):
        shipped = Locale.parse(catalogue)
        if shipped.language == locale.language:
            formats = shipped  # fr is written, dates and numbers included, as fr_CA
    return Language(bcp47(locale), catalogue, formats)


def language_problem(value: str) -> str | None:
    """Why chathub cannot write pages in ``value``, or None when it can."""
    found = _resolve(value, tuple(catalogue_files().items()))
    return found if isinstance(found, str) else None


def language_for(tag: str) -> Language:
    """The language of a tag; ValueError (saying why) when chathub cannot write it."""
    found = _resolve(tag, tuple(catalogue_files().items()))
    if isinstance(found, str):
        raise ValueError(found)
    return found


def writable(tag: str | None, fallback: str = SOURCE_LANGUAGE) -> Language:
    """The language of ``tag`` when chathub writes it, else of ``fallback`` (the hub's pages in a
    language chathub has no catalogue for are written in English)."""
    if tag and language_problem(tag) is None:
        return language_for(tag)
    return language_for(fallback)


def available_languages() -> list[str]:
    """The tags of the catalogues chathub has: ``["en", "fr-CA"]``."""
    return [name.replace("_", "-") for name in sorted(catalogue_files())]


def same_language(first: str, second: str) -> bool:
    """Whether two tags name the same language (``fr`` and ``fr-CA`` do)."""
    a, b = _parse(first), _parse(second)
    if a is None or b is None:
        return first.strip().lower() == second.strip().lower()
    return a.language == b.language

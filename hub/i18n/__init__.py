"""Languages: which ones chathub writes, their message catalogues, and Babel's formatting.

The bottom layer: it imports nothing else of chathub (but ``resources``), so the model (which
validates a chat's ``language:``), the kit and the pages can all use it.

- ``language_for(tag)`` resolves a BCP 47 tag (``fr``, ``fr-CA``, ``en``) to a ``Language``:
  the catalogue it uses and the Babel locale it formats with (``fr`` is written in Canadian
  French, ``fr_CA``).
- ``translator_for(tag)`` gives a ``Translator``: ``gettext``/``ngettext`` through the
  language's catalogue, and dates, times, durations and numbers formatted for its locale.
- ``N_()`` marks a text for extraction where it is defined, to be translated where it is shown.
"""

from __future__ import annotations

from .languages import SOURCE_LANGUAGE, Language, available_languages, language_for, language_problem
from .translator import N_, Translator, translator_for

__all__ = [
    "N_",
    "SOURCE_LANGUAGE",
    "Language",
    "Translator",
    "available_languages",
    "language_for",
    "language_problem",
    "translator_for",
]

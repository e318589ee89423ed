"""Message catalogues, compiled when they are first used.

chathub ships ``.po`` files, not ``.mo``: each is compiled in memory by Babel the first time a
build (or a command) needs that language, and again when the file changes. So a new or edited
``.po`` file works without any step in between, in an editable install as in a wheel. Fuzzy
entries are left out, as ``msgfmt`` would.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from stat import S_ISREG

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from .languages import DOMAIN, Language, catalogue_files


def read_catalogue(path: Path) -> Catalog:
    """A ``.po`` file as Babel's catalogue."""
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)


@lru_cache(maxsize=64)
def _compiled(path: str, mtime_ns: int, size: int) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, read_catalogue(Path(path)), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(language: Language) -> gettext.NullTranslations:
    """The compiled catalogue of a language (null translations when it has none)."""
    path = catalogue_files().get(language.catalogue)
    try:
        stat = os.stat(path) if path is not None else None
    except OSError:
        stat = None
    if stat is None or not S_ISREG(stat.st_mode):
        return NullTranslations()
    return _compiled(str(path), stat.st_mtime_ns, stat.st_size)

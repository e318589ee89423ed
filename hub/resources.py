"""Where the files chathub ships live: templates (pages, head tags and invite texts) and assets;
and a digest of its code, for what it keeps between builds."""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

from . import __version__

PACKAGE = Path(__file__).parent
TEMPLATES = PACKAGE / "templates"  # chathub/*.html and chathub/kit/*.txt; theme_overrides/ wins
THEME_TEMPLATES = TEMPLATES / "theme"  # added to the MkDocs theme's folders (last, so any other wins)
ASSETS = PACKAGE / "assets"  # stylesheets and scripts, published under assets/chathub/
SCAFFOLD = PACKAGE / "scaffold"  # what chathub init and chathub new write: a hub, a chat file
LOCALES = PACKAGE / "locales"  # message catalogues: <catalogue>/LC_MESSAGES/chathub.po, and chathub.pot


@cache  # once per process
def code_key() -> str:
    """A digest of chathub's version, every one of its modules and Python's version: what, with
    their inputs, decides what its caches on disk hold (analyses, search entries)."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for module in sorted(PACKAGE.rglob("*.py")):
        digest.update(b"\0" + module.relative_to(PACKAGE).as_posix().encode() + b"\0")
        try:
            digest.update(module.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()

"""Where the files chathub ships live: templates (pages, head tags and invite texts) and assets."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).parent
TEMPLATES = PACKAGE / "templates"  # chathub/*.html and chathub/kit/*.txt; theme_overrides/ wins
THEME_TEMPLATES = TEMPLATES / "theme"  # added to the MkDocs theme's folders (last, so any other wins)
ASSETS = PACKAGE / "assets"  # stylesheets and scripts, published under assets/chathub/
SCAFFOLD = PACKAGE / "scaffold"  # what chathub init and chathub new write: a hub, a chat file
LOCALES = PACKAGE / "locales"  # message catalogues: <catalogue>/LC_MESSAGES/chathub.po, and chathub.pot

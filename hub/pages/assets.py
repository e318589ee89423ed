"""Static files every hub gets: every stylesheet and script in ``hub/assets/``, and
``messages.js``, the words those scripts write in every language chathub has (made from the
catalogues, and listed first so the other scripts find it)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ..i18n.scripts import script_catalogues
from ..model.chat import Hub
from ..resources import ASSETS
from .page import Asset

PREFIX = "assets/chathub/"
MESSAGES = PREFIX + "messages.js"


def asset_names() -> list[str]:
    """Site paths of chathub's stylesheets and scripts, in a stable order."""
    return list(_shipped_names(ASSETS))


@lru_cache(maxsize=4)
def _shipped_names(folder: Path) -> tuple[str, ...]:
    """Looked for once per process: every page's head lists them, and the shipped files do not
    change while chathub runs."""
    return (MESSAGES, *(PREFIX + p.name for p in sorted(folder.iterdir()) if p.suffix in (".css", ".js")))


def files(hub: Hub) -> Iterator[Asset]:
    yield Asset(MESSAGES, script_catalogues())
    for name in asset_names()[1:]:
        yield Asset(name, (ASSETS / name.removeprefix(PREFIX)).read_text(encoding="utf-8"))

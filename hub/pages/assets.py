"""Static files every hub gets: every stylesheet and script in ``hub/assets/``."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.chat import Hub
from ..resources import ASSETS
from .page import Asset

PREFIX = "assets/chathub/"


def asset_names() -> list[str]:
    """Site paths of chathub's stylesheets and scripts, in a stable order."""
    return [PREFIX + p.name for p in sorted(ASSETS.iterdir()) if p.suffix in (".css", ".js")]


def files(hub: Hub) -> Iterator[Asset]:
    for name in asset_names():
        yield Asset(name, (ASSETS / name.removeprefix(PREFIX)).read_text(encoding="utf-8"))

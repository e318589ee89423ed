"""Static files every hub gets: chathub's stylesheet and script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .model import Hub
from .site import Asset

ASSETS = Path(__file__).parent / "assets"
CSS = "assets/chathub/chathub.css"
JS = "assets/chathub/chathub.js"


def files(hub: Hub) -> Iterator[Asset]:
    yield Asset(CSS, (ASSETS / "chathub.css").read_text(encoding="utf-8"))
    yield Asset(JS, (ASSETS / "chathub.js").read_text(encoding="utf-8"))

"""What chathub adds to a site, as data: pages (rendered from templates) and other files.

Every page module makes ``Page`` and ``Asset`` objects from the hub; ``site.py`` assembles them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    """An HTML page chathub generates, rendered from ``template`` with ``context``."""

    url: str  # site-relative directory URL, e.g. "chats/my-chat/"
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    in_nav: bool = False
    searchable: bool = True
    description: str = ""
    social: dict[str, str] = field(default_factory=dict)  # Open Graph / twitter:card values
    key: str = ""  # fingerprint of the inputs, for reuse across serve rebuilds

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md" if self.url else "index.md"


@dataclass
class Asset:
    """A non-HTML file chathub generates (calendar, feed, script)."""

    path: str
    content: str | bytes


@dataclass
class Site:
    pages: list[Page] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)


def fingerprint(*parts: object) -> str:
    """A short, stable digest of a page's inputs."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:20]

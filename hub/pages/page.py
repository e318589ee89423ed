"""What chathub adds to a site, as data: pages (rendered from templates) and other files.

Every page module makes ``Page`` and ``Asset`` objects from the hub; ``site.py`` assembles them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.lists import format_list

from ..i18n.languages import writable
from ..i18n.translator import Translator, translator_for
from ..model.networks import NETWORKS

if TYPE_CHECKING:
    from ..model.chat import Chat, Hub


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
    language: str = ""  # BCP 47 tag of the page (its <html lang>); "" for the hub's language
    chat: str = ""  # the slug of the chat the page is about ("" for the hub's own pages)
    # Filled in once every page is planned (``translations.link_translations``):
    translation: Translation | None = None  # the same page in the chat's other language

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md" if self.url else "index.md"


@dataclass(frozen=True)
class Translation:
    """A page's counterpart in another language: where it is, and what to call its language."""

    language: str  # BCP 47 tag, for hreflang
    url: str  # site-relative
    name: str  # the language's name in itself: "français", "English"
    label: str  # the link's text, in that language: "Lire cette page en français"


@dataclass
class Asset:
    """A non-HTML file chathub generates (calendar, feed, script). ``source``, when set, is a file
    that already holds the bytes (a social card in the cache): it is copied, never held in memory."""

    path: str
    content: str | bytes
    source: Path | None = None

    def data(self) -> bytes:
        """The file's bytes."""
        if self.source is not None:
            return self.source.read_bytes()
        return self.content.encode() if isinstance(self.content, str) else self.content


@dataclass
class Site:
    pages: list[Page] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)


def labels_list(names: list[str], t: Translator) -> str:
    """Networks' labels as a list in the page's language: ``X``, ``X, Bluesky and Mastodon``
    (``X, Bluesky et Mastodon``)."""
    labels = [NETWORKS[n].label for n in names]
    return labels[0] if len(labels) == 1 else format_list(labels, locale=t.locale) if labels else ""


def network_list(chat: Chat, t: Translator) -> str:
    """The chat's networks, as pages, calendars and the feed name them."""
    return labels_list(chat.networks, t)


def network_context(chat: Any, analysis: Any, t: Translator) -> dict[str, Any]:
    """What a page of posts says of their networks: the logos it needs, whether posts name their
    network (when the chat's posts come from more than one, or not from X alone)."""
    return {"shown_networks": list(dict.fromkeys([*analysis.networks, *chat.networks])),
            "several_networks": len(analysis.networks) > 1,
            "network_list": labels_list(analysis.networks, t)}


def fingerprint(*parts: object) -> str:
    """A short, stable digest of a page's inputs."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def page_translator(hub: Hub, chat: Chat | None = None) -> Translator:
    """What a page is written with: the chat's language, or the hub's (English when chathub has
    no catalogue for it)."""
    return translator_for(writable(hub.config.language_of(chat) if chat else hub.config.language))

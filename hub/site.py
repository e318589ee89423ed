"""The site plan: every page and file chathub adds, as data, before anything is rendered."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import Hub
from .render import Renderer


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


PageBuilder = Callable[[Hub], Iterable[Page]]
AssetBuilder = Callable[[Hub], Iterable[Asset]]


def page_builders() -> list[PageBuilder]:
    """Every module that adds pages, in the order their pages are planned."""
    from . import announcement, archive, invite_page, listing, people, recap

    return [listing.pages, announcement.pages, invite_page.pages, archive.pages, recap.pages,
            people.pages]


def asset_builders() -> list[AssetBuilder]:
    """Every module that adds non-HTML files."""
    from . import assets, calendars, feeds

    return [assets.files, calendars.files, feeds.files]


def plan_site(hub: Hub) -> Site:
    """All the pages and files of a hub."""
    site = Site()
    for build_pages in page_builders():
        site.pages.extend(build_pages(hub))
    for build_assets in asset_builders():
        site.assets.extend(build_assets(hub))
    return site


def render_page(renderer: Renderer, page: Page, hub: Hub) -> str:
    """The HTML fragment that becomes the page's content."""
    return renderer.render(page.template, page.url, hub=hub, config=hub.config, page=page,
                           **page.context)


def render_head(renderer: Renderer, page: Page | None, hub: Hub, url: str = "",
                feed_href: str = "") -> str:
    """Extra ``<head>`` tags: the feed link on every page (``page`` None for pages chathub did not
    generate, at ``url``); description and social cards on chathub's pages. ``feed_href``
    replaces the relative feed link where a page can be served at any path (404.html)."""
    return renderer.render("chathub/head.html", page.url if page else url, hub=hub,
                           config=hub.config, page=page, feed_href=feed_href)


def fingerprint(*parts: object) -> str:
    """A short, stable digest of a page's inputs."""
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:20]

"""The site plan: every page and file chathub adds, as data, before anything is rendered."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model.chat import Hub
from . import announcement, archive, assets, calendars, cards, disabled, feeds, listing, people, recap
from . import invite as invite_page
from .page import Asset, Page, Site
from .render import Renderer
from .translations import link_translations

PageBuilder = Callable[[Hub], Iterable[Page]]
AssetBuilder = Callable[[Hub], Iterable[Asset]]


def page_builders() -> list[PageBuilder]:
    """Every module that adds pages, in the order their pages are planned."""
    return [listing.pages, announcement.pages, invite_page.pages, archive.pages, recap.pages,
            people.pages]


def asset_builders() -> list[AssetBuilder]:
    """Every module that adds non-HTML files."""
    return [assets.files, calendars.files, feeds.files, cards.files]


def plan_site(hub: Hub) -> Site:
    """All the pages and files of a hub."""
    site = Site()
    if not hub.config.enabled:  # a preview of the hand-written pages: notices, stylesheets, scripts
        site.pages.extend(disabled.pages(hub))
        site.assets.extend(assets.files(hub))
        return site
    for build_pages in page_builders():
        site.pages.extend(build_pages(hub))
    for build_assets in asset_builders():
        site.assets.extend(build_assets(hub))
    link_translations(site, hub)
    return site


def page_language(page: Page | None, hub: Hub) -> str:
    """The language a page is written in (its ``<html lang>``)."""
    return (page.language if page and page.language else "") or hub.config.language


def render_page(renderer: Renderer, page: Page, hub: Hub) -> str:
    """The HTML fragment that becomes the page's content, in the page's language. (Its templates
    place the link to the page in the chat's other language, ``chathub/_translation.html``,
    under the title.)"""
    return renderer.render(page.template, page.url, page_language(page, hub), hub=hub,
                           config=hub.config, page=page, **page.context)


def render_head(renderer: Renderer, page: Page | None, hub: Hub, url: str = "",
                base: str = "") -> str:
    """chathub's ``<head>`` tags: its stylesheets and scripts and the feed link on every page
    (``page`` None for pages chathub did not generate, at ``url``); description and social cards
    on chathub's pages. With ``base`` (a path such as ``/hub/``) links are absolute paths, for
    pages that can be served at any path (404.html)."""
    return renderer.render("chathub/head.html", page.url if page else url,
                           page_language(page, hub), hub=hub, config=hub.config, page=page,
                           base=base, feed=hub.config.enabled,
                           stylesheets=[n for n in assets.asset_names() if n.endswith(".css")],
                           scripts=[n for n in assets.asset_names() if n.endswith(".js")])

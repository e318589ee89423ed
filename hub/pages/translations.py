"""Pages in two languages: each page of a chat links to the same page of its translation.

A chat's ``translation:`` names the same chat in another language (the link goes both ways,
``Hub.translation_of``). Each of its pages (announcement, invite kit, archive, recap) gets the
counterpart's page of the same kind, or the counterpart's announcement when that chat has no
such page (no transcript yet): the page says so in ``<link rel="alternate" hreflang>`` and
links to it.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..i18n.languages import writable
from ..i18n.translator import translator_for
from ..model.chat import Hub
from ..model.urls import chat_url
from .page import Asset, Page, Site, Translation

SITEMAP = "sitemap.xml"


def counterpart_url(page: Page, own: str, other: str, urls: set[str]) -> str:
    """The URL of the page that is to ``other`` (a chat's announcement URL) what ``page`` is to
    ``own``: its archive for an archive, its announcement when it has no such page."""
    same = other + page.url.removeprefix(own)
    return same if same in urls else other


def link_translations(site: Site, hub: Hub) -> None:
    """Set ``Page.translation`` on every page of a chat that has a translation."""
    urls = {page.url for page in site.pages}
    for page in site.pages:
        chat = hub.chat(page.chat) if page.chat else None
        other = hub.translation_of(chat) if chat else None
        if chat is None or other is None:
            continue
        language = writable(hub.config.language_of(other))
        own, theirs = chat_url(chat), chat_url(other)
        # The link is written in the language it leads to: the words its readers look for.
        label = translator_for(language).gettext("Read this page in %(language)s",
                                                 language=language.name)
        page.translation = Translation(language.tag, counterpart_url(page, own, theirs, urls),
                                       language.name, label)
    site.assets.extend(alternate_sitemaps(site, hub))


def alternate_sitemaps(site: Site, hub: Hub) -> list[Asset]:
    """A ``sitemap.xml`` beside each page that has a translation, listing the page and its
    alternates. Material's script fetches ``sitemap.xml`` next to the target of every
    ``<link rel="alternate">`` (for its language selector): without one there, each visit of a
    translated page would log a 404. Search engines read the same alternates from them."""
    config = hub.config
    files = []
    for page in site.pages:
        if page.translation is None:
            continue
        entries = ""
        if config.site_url:
            own = writable(page.language or config.language).tag
            links = "".join(
                f"\n    <xhtml:link rel=\"alternate\" hreflang={quoteattr(tag)} "
                f"href={quoteattr(config.absolute_url(url))}/>"
                for tag, url in ((own, page.url), (page.translation.language, page.translation.url)))
            entries = f"\n  <url>\n    <loc>{escape(config.absolute_url(page.url))}</loc>{links}\n  </url>"
        files.append(Asset(
            f"{page.url}{SITEMAP}",
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
            'sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">' + entries + "\n</urlset>\n"))
    return files


"""chathub's head tags and assets are put into the finished pages, so a hub's own override of any
Material template (main.html, base.html, a partial) keeps them; invite kits stay out of the sitemap."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest
from conftest import CHAT

SITE_URL = "https://hub.example.org/tenants/"
OVERRIDES = {
    # A main.html that replaces the head blocks without calling super(): chathub must not care.
    "main.html": '{% extends "base.html" %}\n{% block extrahead %}<meta name="x-own" content="1">'
                 "{% endblock %}\n{% block styles %}{{ super() }}{% endblock %}\n",
    # A base.html of the hub's own, with no block chathub could use.
    "base.html": "<!doctype html><html><head><title>{{ page.title if page else 'x' }}</title>"
                 "</head><body>{{ page.content if page else '' }}</body></html>\n",
    "partials/footer.html": "<footer>Our own footer</footer>\n",
}


def _assets(soup, page_url):
    css = {urljoin(page_url, link["href"]) for link in soup.select('link[rel="stylesheet"]')}
    js = {urljoin(page_url, script["src"]) for script in soup.select("script[src]")}
    return css, js


@pytest.mark.parametrize("override", sorted(OVERRIDES))
def test_an_override_keeps_head_tags_and_assets(make_hub, override):
    hub = make_hub({"timezone": "America/New_York", "organization": "@HostCo"},
                   {"site_url": SITE_URL, "theme": {"name": "material", "font": False,
                                                    "custom_dir": "theme_overrides"}})
    path = hub.root / "theme_overrides" / override
    path.parent.mkdir(parents=True)
    path.write_text(OVERRIDES[override], encoding="utf-8")
    hub.add_chat("leases", CHAT)
    site = hub.build()
    for url in ("chats/leases/", "chats/", "", "people/"):
        soup = hub.html(url)
        page_url = SITE_URL + url
        feeds = soup.select('link[rel="alternate"][type="application/rss+xml"]')
        assert len(feeds) == 1, url
        assert urljoin(page_url, feeds[0]["href"]) == SITE_URL + "feed.xml"
        css, js = _assets(soup, page_url)
        assert SITE_URL + "assets/chathub/chathub.css" in css and SITE_URL + "assets/chathub/archive.js" in js
        for href in css | js:  # every asset chathub links to exists in the site
            if href.startswith(SITE_URL + "assets/chathub/"):
                assert (site / href.removeprefix(SITE_URL)).is_file(), href
    soup = hub.html("chats/leases/")
    meta = {m.get("property") or m.get("name"): m["content"] for m in soup.find_all("meta")
            if m.get("content")}
    assert meta["og:url"] == SITE_URL + "chats/leases/"
    assert meta["og:title"] == "Leases in 2027"
    assert meta["twitter:site"] == "@HostCo"
    # Issue 14: every announcement has a social card (its own image, or the one chathub draws).
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"].startswith(SITE_URL + "chats/leases/card.png?v=")
    assert (site / "chats/leases/card.png").is_file()
    if override == "main.html":
        assert meta["x-own"] == "1"  # the hub's own block still renders
    # Each tag once, even with Material's own templates in play.
    assert len(soup.select('meta[property="og:title"]')) == 1
    assert len(soup.select('script[src$="assets/chathub/invite.js"]')) == 1


def test_the_404_page_links_by_absolute_path(make_hub):
    hub = make_hub({}, {"site_url": SITE_URL})
    hub.build()
    soup = hub.html("404.html")
    assert soup.select_one('link[rel="alternate"][type="application/rss+xml"]')["href"] == "/tenants/feed.xml"
    css, js = _assets(soup, "https://hub.example.org/any/where/")
    assert SITE_URL + "assets/chathub/chathub.css" in css and SITE_URL + "assets/chathub/chathub.js" in js


def test_assets_are_not_left_to_extra_css(make_hub):
    """chathub's stylesheets come once, from chathub, not through extra_css (a theme block)."""
    hub = make_hub({}, {"extra_css": ["own.css"]})
    (hub.root / "content" / "own.css").write_text("p{}")
    hub.build()
    soup = hub.html("")
    hrefs = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert hrefs.count("assets/chathub/chathub.css") == 1 and "own.css" in hrefs


def test_invite_kits_stay_out_of_the_sitemap(make_hub):
    hub = make_hub({}, {"site_url": SITE_URL})
    hub.add_chat("leases", CHAT)
    site = hub.build()
    assert "noindex" in str(hub.html("chats/leases/invite/").select_one('meta[name="robots"]'))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for raw in ((site / "sitemap.xml").read_bytes(), gzip.decompress((site / "sitemap.xml.gz").read_bytes())):
        locs = [loc.text for loc in ET.fromstring(raw).findall("s:url/s:loc", ns)]
        assert SITE_URL + "chats/leases/" in locs
        assert not [loc for loc in locs if loc.endswith("/invite/")]

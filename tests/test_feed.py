"""The feed (parsed with feedparser), its link on every page, and announcements' social cards."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from conftest import CHAT

from chathub.model.loader import load_hub
from chathub.model.settings import load_config
from chathub.pages.feeds import make_feed

SITE = {"site_url": "https://hub.example.org/tenants/"}


def _transcript(hub, slug: str) -> None:
    (hub.chats / f"{slug}.tweets.json").write_text(json.dumps({"data": [], "includes": {}, "meta": {}}))


def _published(path, moment: str) -> None:
    """Outside git, a chat counts as published when its file was last written."""
    stamp = datetime.fromisoformat(moment).timestamp()
    os.utime(path, (stamp, stamp))


def test_feed_carries_announcements_and_recaps_newest_first(make_hub):
    hub = make_hub(site=SITE)
    _published(hub.add_chat("spring", CHAT.replace("2026-07-09", "2026-04-09")), "2026-03-01T10:00:00+00:00")
    _published(hub.add_chat("summer", CHAT), "2026-05-01T10:00:00+00:00")
    _published(hub.add_chat("autumn", CHAT.replace("2026-07-09", "2026-10-08") + "status: cancelled\n"),
               "2026-05-20T10:00:00+00:00")
    hub.add_chat("secret", CHAT.replace("2026-07-09", "2026-11-12") + "status: draft\n")
    _transcript(hub, "spring")
    hub.build()
    feed = feedparser.parse((hub.site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Test hub"
    links = [entry.link for entry in feed.entries]
    assert links == [
        "https://hub.example.org/tenants/chats/autumn/",
        "https://hub.example.org/tenants/chats/summer/",
        "https://hub.example.org/tenants/chats/spring/recap/",
        "https://hub.example.org/tenants/chats/spring/",
    ]
    dates = [datetime(*entry.published_parsed[:6], tzinfo=UTC) for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    # Announcements by when they were published, the recap by the chat's end.
    assert dates[0] == datetime(2026, 5, 20, 10, tzinfo=UTC)
    assert dates[2] == datetime(2026, 4, 9, 18, tzinfo=UTC)  # 13:00 in New York + 60 minutes
    assert dates[3] == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert feed.entries[0].title.startswith("Cancelled: ")
    assert "#Tenants" in feed.entries[1].summary
    assert feed.entries[2].title.startswith("Recap: ")
    assert len({entry.id for entry in feed.entries}) == 4


def test_feed_is_bounded_and_reproducible(make_hub, monkeypatch):
    hub = make_hub()
    for day in range(1, 29):
        for month in ("01", "02"):
            path = hub.add_chat(f"c-{month}-{day:02d}", CHAT.replace("2026-07-09", f"2026-{month}-{day:02d}"))
            _published(path, f"2025-{month}-{day:02d}T09:00:00+00:00")  # a year ahead
    config = load_config()
    loaded, problems = load_hub(config)
    assert not problems.errors
    first = make_feed(loaded)
    feed = feedparser.parse(first)
    assert len(feed.entries) == 50  # the default feed_length
    assert feed.entries[0].link == "chats/c-02-28/"  # relative to feed.xml without a site_url
    monkeypatch.setenv("CHATHUB_NOW", "2027-01-01T00:00:00Z")
    assert make_feed(load_hub(load_config())[0]) == first


def test_hostile_titles_survive_the_feed_as_text(make_hub):
    hub = make_hub()
    hub.add_chat("evil", CHAT.replace('"Leases in 2027"', '"<script>alert(1)</script> & co"'))
    hub.build()
    raw = (hub.site / "feed.xml").read_text()
    assert "<script>" not in raw
    feed = feedparser.parse(raw)
    assert "alert(1)" in feed.entries[0].title and "& co" in feed.entries[0].title


def test_every_page_advertises_the_feed_with_a_relative_link(make_hub):
    hub = make_hub(site=SITE)
    (hub.root / "content" / "about.md").write_text("# About\n\nHello.\n")
    hub.add_chat("leases", CHAT)
    hub.build()
    pages = ["", "about/", "chats/", "chats/leases/", "chats/leases/invite/"]
    for url in pages:
        links = hub.html(url).select('link[rel="alternate"][type="application/rss+xml"]')
        assert len(links) == 1, url
        href = links[0]["href"]
        assert "://" not in href and not href.startswith("/"), href
        page_url = f"https://hub.example.org/tenants/{url}"
        assert urljoin(page_url, href) == "https://hub.example.org/tenants/feed.xml"


def test_announcement_has_social_cards(make_hub):
    hub = make_hub({"organization": "@HostCo"}, site=SITE)
    hub.add_chat("leases", CHAT + "image: https://img.example.org/leases.png\n"
                 "description: A chat about <leases> & terms\n")
    hub.add_chat("plain", CHAT.replace("2026-07-09", "2026-08-13"))
    hub.build()
    soup = hub.html("chats/leases/")

    def meta(key: str) -> str:
        tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
        assert tag is not None, key
        return tag["content"]

    assert meta("og:title") == "Leases in 2027"
    assert meta("og:url") == "https://hub.example.org/tenants/chats/leases/"
    assert meta("og:image") == "https://img.example.org/leases.png"
    assert meta("og:description") == "A chat about <leases> & terms"
    assert meta("og:type") == "article"
    assert meta("twitter:card") == "summary_large_image"
    assert meta("twitter:image") == "https://img.example.org/leases.png"
    assert meta("twitter:site") == "@HostCo"
    assert "<leases>" not in (hub.site / "chats/leases/index.html").read_text()
    plain = hub.html("chats/plain/")  # no image of its own: its generated card
    assert plain.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    image = plain.find("meta", attrs={"property": "og:image"})["content"]
    assert image.startswith("https://hub.example.org/tenants/chats/plain/card.png?v=")
    assert "#Tenants" in plain.find("meta", attrs={"property": "og:description"})["content"]


def test_no_og_url_without_site_url(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    hub.build()
    soup = hub.html("chats/leases/")
    assert soup.find("meta", attrs={"property": "og:url"}) is None
    # The card is still there, by a link relative to the page (absolute ones need site_url).
    assert soup.find("meta", attrs={"property": "og:image"})["content"].startswith("card.png?v=")

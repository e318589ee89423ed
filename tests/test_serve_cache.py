"""Rebuilds under `mkdocs serve` reuse what did not change; the search index stays lean.

A serve session is reproduced as MkDocs runs it: the config is loaded again for every rebuild,
and the chathub plugin instance (which has on_startup) is kept. Pages rendered again are
counted with a spy on the plugin's render_page, never timed.
"""

from __future__ import annotations

import json
import re

import pytest
from chatdoc import Doc
from conftest import CHAT
from mkdocs.commands.build import build
from mkdocs.config import load_config

import chathub.plugin

MAY = CHAT.replace("2026-07-09", "2026-05-14")
DAYS = {"april": (4, 9), "may": (5, 14), "june": (6, 4)}  # all before the tests' "now"


class Session:
    """Builds a hub the way `mkdocs serve` does, recording which chathub pages were rendered."""

    def __init__(self, tiny, monkeypatch: pytest.MonkeyPatch, command: str = "serve") -> None:
        self.tiny = tiny
        self.command = command
        self.started = False
        self.rendered: list[str] = []
        real = chathub.plugin.render_page

        def spy(renderer, page, hub_):
            self.rendered.append(page.url)
            return real(renderer, page, hub_)

        monkeypatch.setattr(chathub.plugin, "render_page", spy)

    def build(self) -> set[str]:
        """One (re)build; the URLs of the chathub pages it rendered."""
        config = load_config(str(self.tiny.root / "mkdocs.yml"))
        if not self.started:
            config.plugins.on_startup(command=self.command, dirty=False)
            self.started = True
        self.rendered.clear()
        build(config)
        return set(self.rendered)


def _hub(make_hub, options: dict | None = None):
    tiny = make_hub(options)
    for slug, (month, day) in DAYS.items():
        tiny.add_chat(slug, MAY.replace("2026-05-14", f"2026-{month:02d}-{day:02d}").replace(
            "Leases in 2027", f"Leases in {slug}"))
        doc = Doc(Doc().start.replace(month=month, day=day))
        doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
        doc.post("fran", f"A1 five years, said in {slug} #Tenants", 6, likes=3)
        doc.post(f"guest_{slug}", f"A1 it depends, in {slug} #Tenants", 7)
        doc.write(tiny.chats, slug)
    return tiny


def _chat_pages(slug: str) -> set[str]:
    return {f"chats/{slug}/{page}" for page in ("", "invite/", "archive/", "recap/")}


def test_a_rebuild_renders_again_only_the_edited_chat_and_the_index_listing_it(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    session = Session(tiny, monkeypatch)
    first = session.build()
    assert _chat_pages("april") | _chat_pages("june") | {"chats/", "people/"} <= first
    assert session.build() == set()  # nothing changed: every page is reused
    path = tiny.chats / "may.yml"
    path.write_text(path.read_text().replace("Why we **host** this chat.", "Why we *really* host it."))
    assert session.build() == _chat_pages("may") | {"chats/"}
    assert "really" in tiny.html("chats/may/").select_one(".chathub-about").get_text()
    assert "five years, said in april" in tiny.html("chats/april/archive/").get_text()  # reused, whole


def test_a_new_title_reaches_every_page_that_shows_it(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    session = Session(tiny, monkeypatch)
    session.build()
    path = tiny.chats / "may.yml"
    path.write_text(path.read_text().replace("Leases in may", "Renewals in may"))
    rendered = session.build()
    assert rendered == _chat_pages("may") | {"chats/", "people/"}  # people link to it by title
    assert tiny.html("chats/may/recap/").h1.get_text() == "Recap: Renewals in may"
    titles = [a.get_text() for a in tiny.html("people/").select(".chathub-attended a")]
    assert "Renewals in may" in titles
    assert tiny.html("chats/").find("a", string="Renewals in may") is not None


def test_a_chat_in_a_new_language_or_zone_reaches_the_people_directory(make_hub, monkeypatch):
    """The people directory marks each chat's title with the chat's language and gives its time in
    its zone: a chat file that changes either renders the directory again under serve."""
    tiny = _hub(make_hub)
    session = Session(tiny, monkeypatch)
    session.build()

    def may_link():
        return next(a for a in tiny.html("people/").select(".chathub-attended a")
                    if a["href"].endswith("may/archive/"))

    assert may_link().get("lang") is None
    path = tiny.chats / "may.yml"
    path.write_text(path.read_text() + "language: fr\n")
    assert "people/" in session.build()
    assert may_link()["lang"] == "fr"
    path.write_text(path.read_text().replace("timezone: America/New_York", "timezone: Pacific/Auckland"))
    assert "people/" in session.build()
    assert may_link().find_next("time")["datetime"] == "2026-05-14T13:00:00+12:00"


def test_an_edited_transcript_renders_its_pages_and_the_voices_of_later_chats(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    session = Session(tiny, monkeypatch)
    session.build()
    may = tiny.html("chats/may/recap/")
    assert "@jo" not in may.select_one(".chathub-voices").get_text()
    april = Doc(Doc().start.replace(month=4, day=9))
    april.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
    april.post("fran", "A1 five years, said in april #Tenants", 6, likes=3)
    april.post("guest_april", "A1 it depends, in april #Tenants", 7)
    april.post("guest_may", "A1 I was here in April too #Tenants", 8)
    april.write(tiny.chats, "april")
    rendered = session.build()
    # April's pages, the index (its figures), the directory, and May's recap: guest_may returns.
    assert rendered == {"chats/april/archive/", "chats/april/recap/", "chats/", "people/",
                        "chats/may/recap/"}
    returning = [li.get_text(" ", strip=True) for li in
                 tiny.html("chats/may/recap/").select(".chathub-returning-voices li")]
    assert any("@guest_may (1 earlier chat)" in r for r in returning)


def test_edited_templates_and_settings_render_every_page_again(make_hub, monkeypatch):
    tiny = _hub(make_hub, {"organization": "@HarborviewCRE"})
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("font: false", "font: false\n  custom_dir: theme_overrides"))
    (tiny.root / "theme_overrides").mkdir()
    session = Session(tiny, monkeypatch)
    everything = session.build()
    assert session.build() == set()
    override = tiny.root / "theme_overrides" / "chathub" / "recap.html"
    override.parent.mkdir()
    override.write_text("<p class='mine'>My recap of {{ chat.title }}</p>\n")
    assert session.build() == everything  # a template override added
    assert tiny.html("chats/may/recap/").select_one("p.mine").get_text() == "My recap of Leases in may"
    override.write_text("<p class='mine'>Edited recap of {{ chat.title }}</p>\n")
    assert session.build() == everything  # the override edited: picked up, every page again
    assert tiny.html("chats/may/recap/").select_one("p.mine").get_text() == "Edited recap of Leases in may"
    config.write_text(config.read_text().replace("@HarborviewCRE", "@Other"))
    assert session.build() == everything  # a hub setting changed
    assert session.build() == set()


def test_plain_builds_keep_no_pages(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    session = Session(tiny, monkeypatch, command="build")
    first = session.build()
    assert session.build() == first  # `mkdocs build` renders everything, every time
    plugin = load_config(str(tiny.root / "mkdocs.yml")).plugins["chathub"]
    assert plugin.cache == {} and plugin.kept == {}


def test_search_index_has_announcements_and_recaps_not_archives_or_people(make_hub):
    tiny = _hub(make_hub)
    tiny.build()
    docs = json.loads((tiny.site / "search" / "search_index.json").read_text())["docs"]
    locations = {d["location"].split("#")[0] for d in docs}
    for slug in DAYS:
        assert f"chats/{slug}/" in locations and f"chats/{slug}/recap/" in locations
        assert f"chats/{slug}/archive/" not in locations
    assert "people/" not in locations
    recap = " ".join(d["text"] for d in docs if d["location"].startswith("chats/may/recap/"))
    assert "five years, said in may" in recap  # highlights are searchable
    assert not re.search(r"\d\d:\d\d: \d+ posts?", recap)  # the chart's bar labels are not
    assert not any("it depends, in may" in d["text"] for d in docs
                   if not d["location"].startswith("chats/may/recap/"))


def test_a_new_kit_override_reaches_the_invite_page_on_the_next_rebuild(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("font: false", "font: false\n  custom_dir: theme_overrides"))
    (tiny.root / "theme_overrides").mkdir()
    session = Session(tiny, monkeypatch)
    session.build()
    assert "Our own DM text" not in tiny.html("chats/may/invite/").get_text()
    override = tiny.root / "theme_overrides" / "chathub" / "kit" / "dm.txt"
    override.parent.mkdir(parents=True)
    override.write_text("Our own DM text for {{ title }}\n")
    session.build()
    assert "Our own DM text for Leases in may" in tiny.html("chats/may/invite/").get_text()

"""The hub as an event site: the hero, cards with statuses, calls to action by state, Subscribe,
replacements of cancelled chats, the 404 page and the words the script writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from chatdoc import Doc
from conftest import CHAT
from hypothesis import given
from hypothesis import strategies as st

from chathub.model.chat import Chat, Person
from chathub.pages.states import card_status, chat_state, time_until

SITE = {"site_url": "https://hub.example.org/tenants/"}
START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)  # CHAT's start: 13:00 in New York


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def _build_at(hub, monkeypatch, moment: datetime):
    monkeypatch.setenv("CHATHUB_NOW", moment.isoformat())
    hub.build()


def _hrefs(node) -> list[str]:
    return [a["href"] for a in node.select("a[href]")]


def _calendar_links(node) -> list[str]:
    return [h for h in _hrefs(node) if "calendar.google.com" in h or "outlook." in h or h.endswith(".ics")]


# --- states and countdowns --------------------------------------------------------------------

def _chat(**fields) -> Chat:
    from pathlib import Path
    from zoneinfo import ZoneInfo

    values = {"slug": "c", "source": Path("c.yml"), "title": "T", "hashtag": "T",
              "start": START.astimezone(ZoneInfo("America/New_York")), "timezone": "America/New_York",
              "host": Person("h"), **fields}
    return Chat(**values)


@pytest.mark.parametrize(("before", "expected"), [
    (timedelta(days=3, hours=2), ("day", 3)),
    (timedelta(days=1, hours=1), ("day", 1)),
    (timedelta(hours=5, minutes=20), ("hour", 5)),
    (timedelta(minutes=42, seconds=10), ("minute", 43)),
    (timedelta(minutes=59, seconds=30), ("hour", 1)),
    (timedelta(hours=23, minutes=40), ("day", 1)),
    (timedelta(minutes=4), ("soon", 0)),
    (timedelta(minutes=-10), ("live", 0)),
    (timedelta(minutes=-60), ("ended", 0)),
])
def test_time_until_the_start(before, expected):
    assert time_until(_chat(), START - before) == expected


def test_states_and_statuses():
    chat = _chat()
    assert [chat_state(chat, START + timedelta(minutes=m)) for m in (-1, 0, 59, 60)] == [
        "upcoming", "live", "live", "ended"]
    assert card_status(chat, START + timedelta(hours=2), has_archive=True) == "archived"
    assert card_status(chat, START + timedelta(hours=2), has_archive=False) == "ended"
    assert card_status(_chat(status="cancelled"), START - timedelta(days=1), False) == "cancelled"


@given(st.integers(min_value=-3 * 86400, max_value=400 * 86400))
def test_countdown_never_goes_up_as_time_passes(seconds):
    """A later moment never shows a longer wait, and the count is always at least one."""
    chat = _chat()
    order = {"day": 4, "hour": 3, "minute": 2, "soon": 1, "live": 0, "ended": -1}
    now = START - timedelta(seconds=seconds)
    unit, count = time_until(chat, now)
    later_unit, later_count = time_until(chat, now + timedelta(minutes=30))
    assert (order[later_unit], later_count) <= (order[unit], count)
    assert count >= 1 or unit in ("soon", "live", "ended")


# --- the hero, the cards and Subscribe ---------------------------------------------------------

def _hub_with_chats(make_hub, **site):
    hub = make_hub({"organization": "@HostCo"}, site=site or None)
    hub.add_chat("next", CHAT)
    hub.add_chat("later", CHAT.replace("2026-07-09", "2026-08-13").replace("Leases in 2027", "Later one"))
    hub.add_chat("off", CHAT.replace("2026-07-09", "2026-07-23").replace("Leases in 2027", "Off one")
                 + "status: cancelled\n")
    hub.add_chat("gone", CHAT.replace("2026-07-09", "2026-05-14").replace("Leases in 2027", "Gone one"))
    Doc().write(hub.chats, "gone")
    hub.add_chat("older", CHAT.replace("2026-07-09", "2026-04-09").replace("Leases in 2027", "Older one"))
    return hub


@pytest.mark.parametrize("url", ["", "chats/"])
def test_the_next_chat_leads_as_a_hero(make_hub, monkeypatch, url):
    hub = _hub_with_chats(make_hub)
    _build_at(hub, monkeypatch, START - timedelta(days=3, hours=1))
    soup = hub.html(url)
    article = soup.select_one("article")
    hero = article.select_one(".chathub-hero")
    first_block = article.select_one(".chathub-hero, .chathub-card")
    assert first_block is hero  # before every card
    assert hero["data-chathub-start"] == "2026-07-09T17:00:00+00:00"
    assert hero["data-chathub-end"] == "2026-07-09T18:00:00+00:00"
    assert hero["data-chathub-state"] == "upcoming"
    assert _text(hero.select_one(".chathub-hero-title")) == "Leases in 2027"  # not the cancelled one
    assert _text(hero.select_one("[data-chathub-countdown]")) == "in 3 days"
    local = hero.select_one("time[data-chathub-local]")
    assert local["datetime"] == "2026-07-09T17:00:00+00:00"
    assert _text(local) == "Thursday, July 9, 2026 at 13:00 EDT"  # the chat's zone without JavaScript
    assert "America/New_York" in _text(hero.select_one(".chathub-hero-when"))
    assert "Host Co" in _text(hero.select_one(".chathub-hero-host"))
    assert hero.select_one(".chathub-hero-host .chathub-avatar-initials").get_text() == "H"
    # One primary button, with the four calendars in its menu.
    buttons = hero.select("button")
    assert len(buttons) == 1 and buttons[0]["aria-haspopup"] == "menu"
    menu = hero.select_one(f'#{buttons[0]["aria-controls"]}')
    assert menu["role"] == "menu" and len(menu.select("a[role=menuitem]")) == 4
    # The other upcoming chats as cards, the cancelled one marked.
    cards = {c.select_one(".chathub-card-title").get_text(): c for c in article.select(".chathub-card")}
    assert "Leases in 2027" not in cards and "Later one" in cards and "Off one" in cards
    assert cards["Off one"].select_one("[data-chathub-status]")["data-chathub-status"] == "cancelled"


def test_index_cards_show_host_local_time_and_status(make_hub, monkeypatch):
    hub = _hub_with_chats(make_hub)
    _build_at(hub, monkeypatch, START + timedelta(minutes=10))  # "next" is live
    soup = hub.html("chats/")
    statuses = {}
    for block in soup.select(".chathub-hero, .chathub-card"):
        title = block.select_one(".chathub-hero-title, .chathub-card-title").get_text(strip=True)
        statuses[title] = block.select_one("[data-chathub-status]")["data-chathub-status"]
        assert block.select_one("time[data-chathub-local]")["datetime"].endswith("+00:00")
        assert "Host Co" in block.get_text()
    assert statuses == {"Leases in 2027": "live", "Later one": "upcoming", "Gone one": "archived",
                        "Off one": "cancelled", "Older one": "ended"}
    hero = soup.select_one(".chathub-hero")
    assert _text(hero.select_one("[data-chathub-countdown]")) == "live now"
    live = hero.select_one(".chathub-live-link")
    assert live["href"] == "https://x.com/search?q=%23Tenants&f=live" and not live.has_attr("hidden")
    assert hero.select_one("[data-chathub-show=upcoming]").has_attr("hidden")
    gone = next(c for c in soup.select(".chathub-card") if "Gone one" in c.get_text())
    assert gone.has_attr("data-chathub-archived")
    assert _text(gone.select_one("[data-chathub-status]")) == "Archived"


@pytest.mark.parametrize("url", ["", "chats/"])
def test_subscribe_offers_the_calendar_and_the_feed(make_hub, url):
    hub = _hub_with_chats(make_hub, **SITE)
    hub.build()
    block = hub.html(url).select_one(".chathub-subscribe")
    hrefs = _hrefs(block)
    assert "webcal://hub.example.org/tenants/calendar.ics" in hrefs
    assert "https://hub.example.org/tenants/calendar.ics" in hrefs
    assert any(h.endswith("feed.xml") for h in hrefs)


def test_subscribe_without_site_url_links_the_files_for_the_script(make_hub):
    hub = _hub_with_chats(make_hub)
    hub.build()
    block = hub.html("chats/").select_one(".chathub-subscribe")
    webcal = block.select_one("a[data-chathub-webcal]")
    assert webcal["href"] == "../calendar.ics"  # chathub.js makes it webcal://<this host>/…
    assert "../feed.xml" in _hrefs(block)


def test_home_without_upcoming_chats_still_offers_subscribe(make_hub):
    hub = make_hub()
    hub.add_chat("gone", CHAT.replace("2026-07-09", "2026-05-14"))
    hub.build()
    home = hub.html("")
    assert home.select_one(".chathub-hero") is None
    assert "No chats are scheduled" in home.get_text() and home.select_one(".chathub-subscribe")


# --- the announcement's call to action, by state ----------------------------------------------

def test_before_the_chat_add_to_calendar_and_follow_the_host(make_hub, monkeypatch):
    hub = _hub_with_chats(make_hub)
    _build_at(hub, monkeypatch, START - timedelta(hours=5))
    article = hub.html("chats/next/").select_one("article.chathub-announcement")
    assert article["data-chathub-state"] == "upcoming"
    upcoming = article.select_one("[data-chathub-show=upcoming]")
    assert not upcoming.has_attr("hidden")
    assert len(upcoming.select("button[aria-haspopup=menu]")) == 1
    assert len(_calendar_links(upcoming)) == 4
    assert "https://x.com/HostCo" in _hrefs(upcoming)
    assert article.select_one("[data-chathub-show=live]").has_attr("hidden")
    assert _text(article.select_one("[data-chathub-countdown]")) == "in 5 hours"
    assert article.select_one(".chathub-take-part") is not None
    assert not [h for h in _hrefs(article) if "invite" in h]  # the kit is for the team
    # The visitor's time leads, in the format of the chat's own.
    when = article.select_one(".chathub-when")
    first = when.select_one("time")
    assert first.has_attr("data-chathub-local") and first["data-chathub-local"] == "long"
    assert _text(first) == _text(when.select_one("time.chathub-time-zone"))


def test_during_the_chat_live_now_with_the_hashtag(make_hub, monkeypatch):
    hub = _hub_with_chats(make_hub)
    _build_at(hub, monkeypatch, START + timedelta(minutes=20))
    article = hub.html("chats/next/").select_one("article.chathub-announcement")
    assert article["data-chathub-state"] == "live"
    live = article.select_one("[data-chathub-show=live]")
    assert not live.has_attr("hidden") and "Live now" in live.get_text()
    assert [a["href"] for a in live.select("a.chathub-live-link")] == ["https://x.com/search?q=%23Tenants&f=live"]
    assert article.select_one("[data-chathub-show=upcoming]").has_attr("hidden")
    assert article.select_one(".chathub-take-part") is not None  # still useful while it runs


def test_after_the_chat_the_archive_and_recap_and_no_calendar(make_hub, monkeypatch):
    hub = _hub_with_chats(make_hub)
    _build_at(hub, monkeypatch, START + timedelta(days=2))
    Doc().write(hub.chats, "next")
    hub.build()
    article = hub.html("chats/next/").select_one("article.chathub-announcement")
    assert article["data-chathub-state"] == "ended"
    assert _calendar_links(article) == [] and not article.select("button")
    assert article.select_one(".chathub-take-part") is None and "How to take part" not in article.get_text()
    ended = article.select_one("[data-chathub-show=ended]")
    assert {a["href"] for a in ended.select("a")} == {"recap/", "archive/"}
    assert not [h for h in _hrefs(article) if "invite" in h]
    # Without a transcript yet: no links, and a word about them.
    plain = hub.html("chats/older/").select_one("article.chathub-announcement")
    assert _calendar_links(plain) == [] and "archive and recap appear here" in plain.get_text()


def test_cancelled_chats_say_so_first_and_link_their_replacement(make_hub, monkeypatch):
    hub = _hub_with_chats(make_hub)
    path = hub.chats / "off.yml"
    path.write_text(path.read_text() + "replaced_by: later\n")
    _build_at(hub, monkeypatch, START - timedelta(days=10))
    article = hub.html("chats/off/").select_one("article.chathub-announcement")
    first = article.find(True)
    assert "chathub-notice" in first["class"] and "cancelled" in first.get_text()
    link = first.select_one("a.chathub-replacement")
    assert link["href"] == "../later/" and link.get_text() == "Later one"
    assert not [h for h in _hrefs(article) if "google" in h or "outlook" in h]
    assert not article.select("button") and article.select_one(".chathub-take-part") is None


def test_the_kit_stays_at_its_url_with_noindex(make_hub):
    hub = _hub_with_chats(make_hub)
    hub.build()
    kit = hub.html("chats/next/invite/")
    assert kit.find("meta", attrs={"name": "robots"})["content"] == "noindex"


# --- replaced_by ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "message"), [
    ("nope", "there is no chat 'nope'"),
    ("nex", "did you mean 'next'"),
    ("draft", "'draft' is a draft"),
    ("off2", "'off2' is cancelled too"),
    ("off", "names this chat itself"),
    ("Not A Slug", "replaced_by 'Not A Slug' is not a chat's slug"),
])
def test_replaced_by_must_name_a_published_chat_that_takes_place(make_hub, run_cli, value, message):
    hub = _hub_with_chats(make_hub)
    hub.add_chat("draft", CHAT.replace("2026-07-09", "2026-09-09") + "status: draft\n")
    hub.add_chat("off2", CHAT.replace("2026-07-09", "2026-09-10") + "status: cancelled\n")
    path = hub.chats / "off.yml"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, f'replaced_by: "{value}"']) + "\n")
    code, out, err = run_cli("check")
    assert code == 1
    line = len(lines) + 1
    assert re.search(rf"chats/off\.yml:{line}:\d+: .*{re.escape(message)}", out + err), out + err


def test_replaced_by_on_a_scheduled_chat_is_a_warning(make_hub, run_cli):
    hub = _hub_with_chats(make_hub)
    path = hub.chats / "later.yml"
    path.write_text(path.read_text() + "replaced_by: next\n")
    code, out, err = run_cli("check")
    assert code == 0 and "chats/later.yml:" in out + err and "warning" in out + err


def test_a_build_fails_on_a_bad_replacement(make_hub):
    hub = _hub_with_chats(make_hub)
    path = hub.chats / "off.yml"
    path.write_text(path.read_text() + "replaced_by: nowhere\n")
    from mkdocs.exceptions import Abort, PluginError

    with pytest.raises((PluginError, Abort, SystemExit)):
        hub.build()


# --- the 404 page, the people page, the recap and the script's words ---------------------------

def test_not_found_page_links_to_the_chats_and_to_search(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("next", CHAT)
    hub.build()
    soup = hub.html("404.html")
    hrefs = _hrefs(soup.select_one(".md-content"))
    assert "/tenants/chats/" in hrefs and "/tenants/?q=" in hrefs


def test_the_scripts_words_reach_the_catalogues(make_hub):
    """The words chathub.js writes (countdowns, statuses) are extracted and translated like the
    templates' (assets/chathub/messages.js carries them to the browser)."""
    from chathub.i18n.scripts import script_catalogues, script_messages

    words = script_messages()
    for word in ("live now", "starting now", "ended", "Upcoming", "Live now", "Ended", "Archived",
                 "Cancelled"):
        assert word in words, word
    assert '"live now": "en direct"' in script_catalogues()


def test_recap_figures_say_how_many_they_are(make_hub, monkeypatch):
    hub = _hub_with_chats(make_hub)
    hub.build()
    figures = hub.html("chats/gone/recap/").select_one(".chathub-figures")
    assert int(figures["data-count"]) == len(figures.select(":scope > div"))


def test_badge_colours_come_from_the_palette_and_read_well(make_hub):
    from chathub.pages.palette import PRIMARY, contrast, mix, readable_on

    hub = make_hub(site={"theme": {"name": "material", "font": False, "palette": {"primary": "cyan"}}})
    hub.add_chat("next", CHAT)
    hub.build()
    style = hub.html("chats/next/").find("style", string=re.compile("--chathub-ink")).string
    tint, ink = re.search(r"--chathub-tint:(#[0-9a-f]{6});--chathub-ink:(#[0-9a-f]{6})", style).groups()
    assert tint == mix(PRIMARY["cyan"][0], "#ffffff", 0.14) and ink == readable_on(tint, PRIMARY["cyan"][0])
    assert contrast(ink, tint) >= 4.5 and contrast(ink, "#ffffff") >= 4.5

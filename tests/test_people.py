"""The people directory: everyone across chats, the chats they attended, when first seen."""

from __future__ import annotations

from chatdoc import Doc
from conftest import CHAT

MAY = CHAT.replace("2026-07-09", "2026-05-14")


def _two_chats(hub, april_extra: str = "", may_extra: str = ""):
    hub.add_chat("april", MAY.replace("2026-05-14", "2026-04-09").replace("Leases in 2027", "Leases in April")
                 + april_extra)
    hub.add_chat("may", MAY + may_extra)
    april = Doc(Doc().start.replace(month=4, day=9))
    april.user("fran", "Fran Delgado")
    april.post("fran", "Hi from Boston #Tenants", 3)
    april.post("fran", "A1 five years #Tenants", 8)
    april.post("ben", "Hello #Tenants", 4)
    april.post("HostCo", "Welcome! #Tenants", 1)
    april.write(hub.chats, "april")
    may = Doc()
    may.user("fran", "Fran D.")
    may.post("fran", "Back again #Tenants", 2)
    may.post("jo", "First time #Tenants", 4)
    may.post("HostCo", "Welcome back! #Tenants", 1)
    may.write(hub.chats, "may")


def _rows(soup):
    rows = soup.select(".chathub-people-table tbody tr")
    return {tr.select_one(".chathub-handle").get_text(): tr for tr in rows}


def test_people_lists_everyone_with_their_chats_and_first_seen(make_hub):
    hub = make_hub()
    _two_chats(hub)
    hub.build()
    soup = hub.html("people/")
    rows = _rows(soup)
    assert list(rows) == ["@fran", "@HostCo", "@ben", "@jo"]  # most chats, then most posts
    fran = rows["@fran"]
    assert fran.select_one("a")["href"] == "https://x.com/fran"
    assert "Fran D." in fran.get_text()  # the latest name
    attended = fran.find_all("td")[1]
    chats = [(a["href"], a.get_text()) for a in attended.find_all("a")]  # titles, not bare dates
    assert chats == [("../chats/april/archive/", "Leases in April"),
                     ("../chats/may/archive/", "Leases in 2027")]
    assert [t.get_text() for t in attended.find_all("time")] == ["Apr 9, 2026", "May 14, 2026"]
    first = fran.find_all("td")[2].find("time")
    assert first["datetime"] == "2026-04-09T17:03:00Z" and first.get_text() == "Apr 9, 2026"
    assert fran.find_all("td")[3].get_text() == "3"
    assert rows["@jo"].find_all("td")[2].find("time")["datetime"] == "2026-05-14T17:04:00Z"


def test_people_is_in_the_navigation(make_hub):
    hub = make_hub()
    _two_chats(hub)
    hub.build()
    titles = [a.get_text(" ", strip=True) for a in hub.html("chats/").select("nav.md-nav--primary a")]
    assert "People" in titles


def test_hide_lists_apply_to_the_directory(make_hub):
    hub = make_hub({"hide": ["@JO"]})
    _two_chats(hub, april_extra='hide: ["@ben"]\n')
    hub.build()
    rows = _rows(hub.html("people/"))
    assert "@jo" not in rows and "@ben" not in rows  # ben only took part where he is hidden
    raw = (hub.site / "people/index.html").read_text()
    assert "@jo" not in raw and 'x.com/jo"' not in raw


def test_people_pages_are_paginated(make_hub, monkeypatch):
    import chathub.pages.people

    monkeypatch.setattr(chathub.pages.people, "PER_PAGE", 2)
    tiny = make_hub()
    _two_chats(tiny)
    tiny.build()
    first, second = tiny.html("people/"), tiny.html("people/page/2/")
    assert list(_rows(first)) == ["@fran", "@HostCo"] and list(_rows(second)) == ["@ben", "@jo"]
    assert first.select_one(".chathub-pagination a[rel=next]")["href"] == "page/2/"
    assert second.select_one(".chathub-pagination a[rel=prev]")["href"] == "../../"


def test_people_page_without_transcripts(make_hub):
    hub = make_hub()
    hub.add_chat("may", MAY)
    hub.build()
    assert "Nobody yet" in hub.html("people/").get_text()

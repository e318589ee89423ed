"""Calendar files and links: parsed back with icalendar, across DST, cancelled and drafts."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from urllib.parse import parse_qs, urljoin, urlsplit

import icalendar
from conftest import CHAT

SITE = {"site_url": "https://hub.example.org/tenants/"}


def _events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return calendar, list(calendar.walk("VEVENT"))


def _start(event) -> datetime:
    return event.decoded("dtstart")


def test_each_chat_gets_a_calendar_file(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT)
    hub.build()
    calendar, events = _events(hub.site / "chats/leases.ics")
    assert calendar["version"] == "2.0" and "chathub" in str(calendar["prodid"])
    (event,) = events
    assert str(event["uid"]) == "leases@hub.example.org"
    assert _start(event).astimezone(UTC) == datetime(2026, 7, 9, 17, 0, tzinfo=UTC)
    assert event.decoded("dtend").astimezone(UTC) == datetime(2026, 7, 9, 18, 0, tzinfo=UTC)
    assert str(event["url"]) == "https://hub.example.org/tenants/chats/leases/"
    assert "#Tenants" in str(event["description"]) and "#Tenants" in str(event["summary"])
    assert "Leases in 2027" in str(event["summary"])
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstamp").tzinfo is not None


def test_instants_are_right_on_both_sides_of_a_dst_change(make_hub):
    hub = make_hub()
    hub.add_chat("before", CHAT.replace("2026-07-09 13:00", "2026-03-05 13:00"))
    hub.add_chat("after", CHAT.replace("2026-07-09 13:00", "2026-03-12 13:00"))
    hub.add_chat("paris", CHAT.replace("2026-07-09 13:00", "2026-03-30 09:30")
                 .replace("America/New_York", "Europe/Paris"))
    hub.build()
    expected = {
        "before": datetime(2026, 3, 5, 18, 0, tzinfo=UTC),
        "after": datetime(2026, 3, 12, 17, 0, tzinfo=UTC),
        "paris": datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
    }
    for slug, instant in expected.items():
        _calendar, (event,) = _events(hub.site / f"chats/{slug}.ics")
        assert _start(event).tzinfo is not None
        assert _start(event).astimezone(UTC) == instant
    calendar, events = _events(hub.site / "calendar.ics")
    assert {str(e["uid"]): _start(e).astimezone(UTC) for e in events} == {
        f"{slug}@chathub": instant for slug, instant in expected.items()}
    zones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    assert zones == {"America/New_York", "Europe/Paris"}


def test_hub_calendar_holds_every_published_chat(make_hub):
    hub = make_hub()
    hub.add_chat("one", CHAT)
    hub.add_chat("two", CHAT.replace("2026-07-09", "2026-08-13"))
    hub.add_chat("off", CHAT.replace("2026-07-09", "2026-09-10") + "status: cancelled\n")
    hub.add_chat("secret", CHAT.replace("2026-07-09", "2026-10-08") + "status: draft\n")
    hub.build()
    _calendar, events = _events(hub.site / "calendar.ics")
    status = {str(e["uid"]).split("@")[0]: str(e["status"]) for e in events}
    assert status == {"one": "CONFIRMED", "two": "CONFIRMED", "off": "CANCELLED"}
    _calendar, (off,) = _events(hub.site / "chats/off.ics")
    assert str(off["status"]) == "CANCELLED" and int(off["sequence"]) > 0
    assert not (hub.site / "chats/secret.ics").exists()
    assert "secret" not in (hub.site / "calendar.ics").read_text()


def test_calendars_are_reproducible(make_hub, monkeypatch):
    hub = make_hub()
    path = hub.add_chat("leases", CHAT)
    os.utime(path, (1_780_000_000, 1_780_000_000))
    hub.build()
    first = (hub.site / "chats/leases.ics").read_bytes(), (hub.site / "calendar.ics").read_bytes()
    monkeypatch.setenv("CHATHUB_NOW", "2026-08-01T00:00:00Z")  # a later build, same files
    hub.build()
    assert first == ((hub.site / "chats/leases.ics").read_bytes(),
                     (hub.site / "calendar.ics").read_bytes())
    _calendar, (event,) = _events(hub.site / "chats/leases.ics")
    assert event.decoded("dtstamp") == datetime.fromtimestamp(1_780_000_000, UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770000000")
    hub.build()
    _calendar, (event,) = _events(hub.site / "chats/leases.ics")
    assert event.decoded("dtstamp") == datetime.fromtimestamp(1_770_000_000, UTC)


def test_announcement_links_to_calendars(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT)
    hub.build()
    soup = hub.html("chats/leases/")
    links = {li["class"][0]: li.a["href"] for li in soup.select("ul.chathub-chat-links > li")}
    ics = urljoin("https://hub.example.org/tenants/chats/leases/", links["chathub-link-ics"])
    assert ics == "https://hub.example.org/tenants/chats/leases.ics"
    assert (hub.site / "chats/leases.ics").exists()
    google = urlsplit(links["chathub-link-google"])
    assert (google.netloc, google.path) == ("calendar.google.com", "/calendar/render")
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20260709T170000Z/20260709T180000Z"]
    assert "Leases in 2027" in query["text"][0] and "#Tenants" in query["details"][0]
    assert "https://hub.example.org/tenants/chats/leases/" in query["details"][0]
    outlook = urlsplit(links["chathub-link-outlook"])
    assert outlook.netloc == "outlook.live.com" and outlook.path.endswith("/deeplink/compose")
    query = parse_qs(outlook.query)
    assert query["startdt"] == ["2026-07-09T17:00:00Z"] and query["enddt"] == ["2026-07-09T18:00:00Z"]
    assert "Leases in 2027" in query["subject"][0] and "#Tenants" in query["body"][0]


def test_cancelled_chat_offers_no_add_links(make_hub):
    hub = make_hub()
    hub.add_chat("off", CHAT + "status: cancelled\n")
    hub.build()
    classes = [li["class"][0] for li in hub.html("chats/off/").select("ul.chathub-chat-links > li")]
    assert "chathub-link-ics" in classes
    assert "chathub-link-google" not in classes and "chathub-link-outlook" not in classes


def test_hostile_titles_stay_text_in_calendars(make_hub):
    hub = make_hub()
    hub.add_chat("evil", CHAT.replace('"Leases in 2027"', '"Evil;\\nBEGIN:VEVENT, <b>x</b>"'))
    hub.build()
    _calendar, events = _events(hub.site / "chats/evil.ics")
    assert len(events) == 1
    assert "Evil;\nBEGIN:VEVENT, <b>x</b>" in str(events[0]["summary"])
    raw = (hub.site / "chats/evil/index.html").read_text()
    assert "<b>x</b>" not in raw

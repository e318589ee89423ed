"""Calendar files and links: parsed back with icalendar, across DST, cancelled and drafts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urljoin, urlsplit

import icalendar
from conftest import CHAT, record_calls
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chathub.model.loader import load_hub
from chathub.model.settings import load_config
from chathub.pages import calendars

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


def test_the_hub_calendar_is_the_same_bytes_in_every_process(make_hub):
    """Chats in several zones: their VTIMEZONEs come in the same order whatever the process's
    string hashing (icalendar gathers the zones in a set)."""
    hub = make_hub()
    zones = ["America/Toronto", "America/New_York", "Europe/Paris", "Asia/Tokyo", "America/Vancouver"]
    for i, zone in enumerate(zones):
        hub.add_chat(f"chat-{i}", CHAT.replace("America/New_York", zone))
    script = ("import sys; from chathub.model.loader import load_hub; "
              "from chathub.model.settings import load_config; "
              "from chathub.pages.calendars import make_calendar; "
              "from pathlib import Path; hub, _ = load_hub(load_config(Path(sys.argv[1]))); "
              "sys.stdout.buffer.write(make_calendar(hub.published, hub.config, 'Hub'))")
    made = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        made.add(subprocess.run([sys.executable, "-c", script, str(hub.root)], env=env, check=True,
                                capture_output=True).stdout)
    (calendar_bytes,) = made
    calendar = icalendar.Calendar.from_ical(calendar_bytes)
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == sorted(zones)


def test_announcement_links_to_calendars(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT)
    hub.build()
    soup = hub.html("chats/leases/")
    menu = soup.select_one(".chathub-cta [role=menu]")
    button = soup.select_one(f'button[aria-controls="{menu["id"]}"]')
    assert button["aria-haspopup"] == "menu" and button["aria-expanded"] == "false"
    links = {a["class"][0]: a["href"] for a in menu.select("a[role=menuitem]")}
    assert list(links) == ["chathub-link-google", "chathub-link-outlook", "chathub-link-microsoft365",
                           "chathub-link-ics"]
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
    office = urlsplit(links["chathub-link-microsoft365"])
    assert office.netloc == "outlook.office.com" and office.path == outlook.path
    assert parse_qs(office.query) == query  # the same event, in Microsoft 365


def test_microsoft365_link_is_outlooks_form_on_the_work_host(make_hub):
    from chathub.model.loader import load_hub
    from chathub.model.settings import load_config
    from chathub.pages.calendars import microsoft365_calendar_url, outlook_calendar_url

    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT)
    loaded, _problems = load_hub(load_config(hub.root))
    chat = loaded.chat("leases")
    office = urlsplit(microsoft365_calendar_url(chat, loaded.config))
    personal = urlsplit(outlook_calendar_url(chat, loaded.config))
    assert (office.scheme, office.netloc, office.path) == (
        "https", "outlook.office.com", "/calendar/0/deeplink/compose")
    query = parse_qs(office.query)
    assert query["rru"] == ["addevent"] and query["path"] == ["/calendar/action/compose"]
    assert query["startdt"] == ["2026-07-09T17:00:00Z"] and query["enddt"] == ["2026-07-09T18:00:00Z"]
    assert query["location"] == ["https://x.com/search?q=%23Tenants&f=live"]
    assert "https://hub.example.org/tenants/chats/leases/" in query["body"][0]
    assert office.query == personal.query and personal.netloc == "outlook.live.com"


def test_cancelled_chat_offers_no_add_links(make_hub):
    hub = make_hub()
    hub.add_chat("off", CHAT + "status: cancelled\n")
    hub.build()
    main = hub.html("chats/off/").select_one("article")
    hrefs = [a["href"] for a in main.select("a[href]")]
    assert not main.select("[data-chathub-calendar], button[aria-haspopup]")
    assert not [h for h in hrefs if "calendar.google.com" in h or "outlook." in h]
    # Not over yet: people who added it can update their calendar with the cancelled event.
    assert main.select_one("a.chathub-link-ics")["href"] == "../off.ics"


def test_hostile_titles_stay_text_in_calendars(make_hub):
    hub = make_hub()
    hub.add_chat("evil", CHAT.replace('"Leases in 2027"', '"Evil;\\nBEGIN:VEVENT, <b>x</b>"'))
    hub.build()
    _calendar, events = _events(hub.site / "chats/evil.ics")
    assert len(events) == 1
    assert "Evil;\nBEGIN:VEVENT, <b>x</b>" in str(events[0]["summary"])
    raw = (hub.site / "chats/evil/index.html").read_text()
    assert "<b>x</b>" not in raw


ZONES = ["America/New_York", "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe", "UTC",
         "Etc/GMT+5", "America/Sao_Paulo", "Pacific/Chatham"]


def _icalendars_own(chats, config, name) -> bytes:
    """The same calendar as icalendar itself writes it, from one Calendar of the chats' events."""
    chats = sorted(chats, key=lambda c: (c.start_utc, c.slug))
    calendar = icalendar.Calendar()
    for key, value in [("prodid", calendars.PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", icalendar.vText(name))]:
        calendar.add(key, value)
    calendar.add("refresh-interval", icalendar.vDuration.from_ical("PT12H"),
                 parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for chat in chats:
        calendar.add_component(calendars.make_event(chat, config))
    calendar.add_missing_timezones(first_date=date(chats[0].start.year, 1, 1),
                                   last_date=date(max(c.end.year for c in chats) + 1, 12, 31))
    zones = sorted(calendar.timezones, key=lambda z: str(z["tzid"]))
    calendar.subcomponents[:] = zones + [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    return calendar.to_ical()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ZONES),
                          st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2031, 12, 31)),
                          st.sampled_from([30, 60, 90, 1440])), min_size=1, max_size=6))
def test_the_hub_calendar_is_what_icalendar_writes_for_its_events(make_hub, chats):
    """Zones with DST gaps and folds (a wall time that happens twice is written in UTC), half-hour
    offsets and none: the hub's calendar, made of its chats' events, is byte for byte the calendar
    icalendar writes for them, with the VTIMEZONEs they need in name order."""
    hub = make_hub()
    for old in hub.chats.glob("*.yml"):
        old.unlink()
    for i, (zone, start, minutes) in enumerate(chats):
        hub.add_chat(f"chat-{i}", CHAT.replace("America/New_York", zone).replace("#Tenants", f"#Tenants{i}")
                     .replace("2026-07-09 13:00", f"{start:%Y-%m-%d %H:%M}")
                     .replace("duration: 60", f"duration: {minutes}"))
    loaded, problems = load_hub(load_config(hub.root))
    published = loaded.published
    # A start in a DST gap is reported (and that chat has no event); every other chat is in.
    assert len(published) + len({p.path for p in problems.errors}) == len(chats)
    assume(published)
    assert calendars.make_calendar(published, loaded.config, "Hub") == _icalendars_own(
        published, loaded.config, "Hub")


def test_an_edit_makes_one_event_again_for_the_hub_calendar(make_hub, monkeypatch):
    """Under serve the hub's calendar is made of its chats' events as the last build made them,
    or as their own calendars (kept in .cache/chathub/calendars/) hold them."""
    hub = make_hub()
    for i, zone in enumerate(ZONES[:4]):
        hub.add_chat(f"chat-{i}", CHAT.replace("America/New_York", zone))
    hub.build()
    made = record_calls(monkeypatch, calendars, "event_lines", lambda chat: chat.slug)
    monkeypatch.setattr(calendars, "_EVENTS", {})  # a new process: the events come from the cache
    path = hub.chats / "chat-2.yml"
    path.write_text(path.read_text().replace("Leases in 2027", "Leases in 2028"))
    hub.build()
    assert made == ["chat-2"]
    fresh = hub.site / "calendar.ics"
    loaded, _ = load_hub(load_config(hub.root))
    assert fresh.read_bytes() == _icalendars_own(loaded.published, loaded.config, "Test hub")
    assert "Leases in 2028" in fresh.read_text().replace("\r\n ", "")

"""Add-to-calendar links on an announcement: the .ics download, Google Calendar and Outlook.

Contract (issue 3): the announcement links ``chats/<slug>.ics`` (``a[href$="<slug>.ics"]``, in the
same tab; since issue 14 in the add-to-calendar menu), a Google Calendar template link
(``a[href*="calendar.google.com"]``, with ``action=TEMPLATE``, ``text`` and ``dates=START/END`` in
UTC as ``YYYYMMDDTHHMMSSZ``) and an Outlook compose link (``a[href*="outlook"]``, with
``subject``, ``startdt`` and ``enddt`` as ISO 8601 instants). These tests skip while the build has
no ``chats/<slug>.ics``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from .conftest import is_built

pytestmark = pytest.mark.browser


@pytest.fixture
def announcement(visit, built_site, upcoming_chat):
    if not is_built(built_site, f"chats/{upcoming_chat.slug}.ics"):
        pytest.skip("the build has no per-chat .ics file yet (issue 3)")
    return visit(f"chats/{upcoming_chat.slug}/")


def _query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.tzinfo is not None, f"{value!r} is not an instant (no offset)"
    return moment


def test_ics_link_downloads_the_chats_event(announcement, upcoming_chat, example_hub, tmp_path):
    page = announcement.page
    link = page.locator(f'a[href$="{upcoming_chat.slug}.ics"]').first
    if not link.is_visible():  # it sits in the add-to-calendar menu (issue 14): open it first
        menu = link.locator("xpath=ancestor::*[@role='menu']")
        page.locator(f'button[aria-controls="{menu.get_attribute("id")}"]').click()
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "event.ics"
    download_info.value.save_as(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert isinstance(start, datetime) and start.tzinfo is not None
    assert start == upcoming_chat.start_utc and end == upcoming_chat.end_utc
    assert upcoming_chat.title in str(event.get("SUMMARY"))
    described = f"{event.get('DESCRIPTION', '')} {event.get('URL', '')}"
    assert upcoming_chat.tag in described
    assert example_hub.config.absolute_url(f"chats/{upcoming_chat.slug}/") in described


def test_google_calendar_link_holds_the_chat_in_utc(announcement, upcoming_chat):
    href = announcement.page.locator('a[href*="calendar.google.com"]').first.get_attribute("href")
    query = _query(href)
    assert query["action"] == "TEMPLATE"
    start, end = (datetime.strptime(part, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                  for part in query["dates"].split("/"))
    assert (start, end) == (upcoming_chat.start_utc, upcoming_chat.end_utc)
    assert upcoming_chat.title in query["text"]


def test_outlook_link_holds_the_chat(announcement, upcoming_chat):
    href = announcement.page.locator('a[href*="outlook"]').first.get_attribute("href")
    assert urlsplit(href).scheme == "https"
    query = _query(href)
    assert _instant(query["startdt"]) == upcoming_chat.start_utc
    assert _instant(query["enddt"]) == upcoming_chat.end_utc
    assert upcoming_chat.title in query["subject"]

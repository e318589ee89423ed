"""What every visitor meets: local times, clean pages, no third parties, phones, home and index."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .conftest import ALL_KINDS, url_of

pytestmark = pytest.mark.browser

MOBILE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
          "device_scale_factor": 2}

# Elements of the main column whose right edge passes the viewport, outside any box that scrolls
# or clips (code blocks and tables scroll by design). Fixed boxes are Material's off-canvas parts.
OVERFLOWING = """(width) => {
  const found = [];
  for (const el of document.querySelectorAll(".md-main *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX !== "visible" || style.position === "fixed") { inside = true; break; }
    }
    if (inside || getComputedStyle(el).position === "fixed") continue;
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls;
    found.push(`${name} (right edge ${Math.round(box.right)}px)`);
  }
  return found.slice(0, 8);
}"""


def _normal(text: str) -> str:
    """Text with every run of spaces (including ICU's narrow no-break space) made one space."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_announcement_shows_the_start_in_the_visitors_zone(visit, upcoming_chat, zone):
    seen = visit(f"chats/{upcoming_chat.slug}/", timezone_id=zone)
    local = seen.page.locator("time[data-chathub-local]").first
    seen.page.wait_for_selector("time[data-chathub-local][data-chathub-zone]")
    assert local.get_attribute("data-chathub-zone") == zone
    assert datetime.fromisoformat(local.get_attribute("datetime")) == upcoming_chat.start_utc

    expected = upcoming_chat.start_utc.astimezone(ZoneInfo(zone))
    text = _normal(local.inner_text())
    assert f"{expected:%A}" in text and f"{expected:%B}" in text and str(expected.year) in text, text
    assert re.search(rf"(?<!\d){expected.day}(?!\d)", text), text
    clock_12, clock_24 = f"{expected:%I:%M} {expected:%p}", f"{expected:%H:%M}"
    assert clock_12 in text or clock_24 in text, f"{text!r} shows neither {clock_12} nor {clock_24}"
    note = seen.page.locator("[data-chathub-local-note]").first.inner_text()
    assert zone in note
    assert seen.console_errors == []


def test_the_two_zones_really_differ(upcoming_chat):
    """The zones above are only a test if they show the chat on different days or hours."""
    tokyo, los_angeles = (upcoming_chat.start_utc.astimezone(ZoneInfo(z))
                          for z in ("Asia/Tokyo", "America/Los_Angeles"))
    assert (tokyo.date(), tokyo.hour) != (los_angeles.date(), los_angeles.hour)


def test_announcement_without_javascript_shows_the_chats_own_zone(visit, upcoming_chat):
    seen = visit(f"chats/{upcoming_chat.slug}/", java_script_enabled=False, timezone_id="Asia/Tokyo")
    local = _normal(seen.page.locator("time[data-chathub-local]").first.inner_text())
    in_zone = _normal(seen.page.locator("time.chathub-time-zone").first.inner_text())
    assert local == in_zone
    assert f"{upcoming_chat.start:%H:%M}" in local
    note = seen.page.locator("[data-chathub-local-note]").first.inner_text()
    assert upcoming_chat.timezone in note and "JavaScript" in note


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_page_loads_without_errors_or_third_party_requests(visit, page_kinds, kind):
    url = url_of(page_kinds, kind)
    seen = visit(url, wait_until="networkidle")
    # Lazy images (avatars) load only when scrolled to: ask for all of them, and wait for them.
    seen.page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    seen.page.wait_for_function("[...document.images].every(image => image.complete)")
    expected_status = 404 if kind == "not-found" else 200
    assert seen.response is not None and seen.response.status == expected_status
    errors = seen.console_errors
    if kind == "not-found":  # Chromium logs the page's own 404 status as an error
        errors = [e for e in errors if not (e.endswith(f"@ {seen.url}") and "404" in e)]
    raw = []
    if kind in ("home", "about"):  # hand-written Markdown: attribute lists and links must render
        text = seen.page.locator("article").first.inner_text()
        raw = re.findall(r"\{:? *[.#][\w-][^}\n]*\}|\]\([^)\s]+\)", text)
    problems = {"console errors": errors, "third-party requests": seen.foreign_requests,
                "resources that failed to load": seen.failed, "Markdown shown raw": raw}
    assert {k: v for k, v in problems.items() if v} == {}, url
    assert seen.page.locator("h1").first.is_visible()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_page_fits_a_phone_screen(visit, page_kinds, kind):
    url = url_of(page_kinds, kind)
    seen = visit(url, **MOBILE)
    width = MOBILE["viewport"]["width"]
    page_width, view_width = seen.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    too_wide = seen.page.evaluate(OVERFLOWING, width)
    # A page wider than the screen scrolls sideways, or makes a phone zoom out (innerWidth grows).
    assert page_width <= width and view_width == width and not too_wide, (
        f"{url} is {page_width}px wide on a {width}px screen; too wide: {too_wide}")


def test_home_lists_the_upcoming_chat_and_leads_to_it(visit, upcoming_chat):
    seen = visit("")
    link = seen.page.locator(f'article a[href$="chats/{upcoming_chat.slug}/"]').first
    assert upcoming_chat.title in link.inner_text()
    link.click()
    seen.page.wait_for_url(f"**/chats/{upcoming_chat.slug}/")
    assert seen.page.locator("h1").first.inner_text() == upcoming_chat.title
    assert seen.page.locator("time[data-chathub-local]").first.get_attribute("data-chathub-zone")


def test_index_lists_upcoming_chats_then_past_ones(visit, example_hub):
    seen = visit("chats/")
    hrefs = seen.page.locator("article a[href]").evaluate_all("links => links.map(a => a.href)")
    order: list[str] = []
    for href in hrefs:
        match = re.search(r"/chats/([a-z0-9-]+)/$", href)
        if match and match.group(1) not in order:
            order.append(match.group(1))
    expected = [c.slug for c in example_hub.upcoming()] + [c.slug for c in example_hub.past()]
    assert order == expected
    assert "tenants-energy-2027-01-14" not in order  # the draft


def test_search_finds_an_announcement(visit, upcoming_chat):
    seen = visit("", viewport={"width": 1280, "height": 900})
    box = seen.page.locator("input.md-search__input")
    seen.page.locator("label.md-search__icon, .md-search__form").first.click()
    box.press_sequentially(upcoming_chat.title.split(":")[0])  # Material searches as keys go up
    result = seen.page.locator(f'.md-search-result a[href*="chats/{upcoming_chat.slug}/"]').first
    result.wait_for()
    result.click()
    seen.page.wait_for_url(f"**/chats/{upcoming_chat.slug}/**")
    assert seen.page.locator("h1").first.inner_text() == upcoming_chat.title

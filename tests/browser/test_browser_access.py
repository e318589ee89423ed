"""Pages everyone can use: the filters, copy buttons and the chart's figures from the keyboard
alone, what screen readers are told, landmark names, and chathub's colours at 4.5:1 whatever the
palette a hub picks (the calendar menu's keys are tested with the event pages).

The keyboard tests move with Tab from the top of the page, as someone without a mouse would:
what they reach is in the tab order, and what they press is all they use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from chathub.model.chat import Hub

from .conftest import SiteRoutes, build_variant, serving, url_of

pytestmark = pytest.mark.browser

MAX_TABS = 400  # more tab stops than any page has before what the tests look for
AXE = Axe()
# chathub's own blocks (not Material's header, navigation or footer, nor the hub's own pages).
CHATHUB_PARTS = [".chathub-announcement", ".chathub-archive", ".chathub-recap", ".chathub-invite",
                 ".chathub-people-directory", ".chathub-hero", ".chathub-card", ".chathub-subscribe",
                 ".chathub-not-found"]


def tab_to(page: Any, selector: str) -> Any:
    """Press Tab from the top of the page until the focus is on ``selector``; its locator."""
    page.locator("body").focus()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return page.locator(f"{selector}:focus")
    raise AssertionError(f"Tab never reached {selector}")


# --- the filters ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["archive", "people"])
def test_filters_work_from_the_keyboard(visit, page_kinds, kind):
    page = visit(url_of(page_kinds, kind)).page
    box = tab_to(page, "form[data-chathub-filter] input[type=search]")
    items = page.locator("[data-author]")
    total = items.count()
    assert total > 2
    someone = items.nth(total - 1).get_attribute("data-author").split()[0]  # an @handle
    page.keyboard.type(someone)
    status = page.locator("form[data-chathub-filter] output")
    expect(status).to_have_text(re.compile(r"^\d+ of \d+ match(es)?$"))
    shown = page.evaluate("""() => [...document.querySelectorAll('[data-author]')]
        .filter(el => el.checkVisibility()).length""")
    assert 0 < shown < total
    page.keyboard.type("zzz no such word")
    clear = page.locator("[data-chathub-filter-clear]")
    expect(clear).to_be_visible()
    page.keyboard.press("Tab")
    expect(clear).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(clear).to_be_hidden()
    assert status.get_attribute("aria-live") == "polite"
    assert box.get_attribute("aria-describedby") == status.get_attribute("id")


LANDMARK = re.compile(r'^\s*- (banner|complementary|contentinfo|form|main|navigation|region|search)'
                      r'(?: "((?:[^"\\]|\\.)*)")?(?=:|\s|$)', re.MULTILINE)


def landmarks(page: Any) -> list[tuple[str, str]]:
    """The page's landmarks as the browser's accessibility tree has them: (role, name)."""
    return LANDMARK.findall(page.locator("body").aria_snapshot())


@pytest.mark.parametrize("kind", ["archive", "people"])
def test_each_filter_form_is_a_search_landmark_with_its_own_name(visit, page_kinds, kind):
    page = visit(url_of(page_kinds, kind)).page
    form = page.locator("form[data-chathub-filter]")
    expect(form).to_be_visible()  # the script shows it
    found = landmarks(page)  # Material's search form is a search landmark too, without a name
    assert found.count(("search", form.get_attribute("aria-label"))) == 1, found
    assert len(found) == len(set(found)), f"two landmarks share a role and a name: {found}"


def test_the_archives_and_the_people_pages_filters_are_named_apart(visit, page_kinds):
    names = []
    for kind in ("archive", "people"):
        page = visit(url_of(page_kinds, kind)).page
        expect(page.locator("form[data-chathub-filter]")).to_be_visible()
        names += [name for role, name in landmarks(page) if role == "search" and name]
    assert len(names) == 2 and names[0] != names[1], names


# --- the copy buttons ----------------------------------------------------------------------

def test_copy_buttons_work_from_the_keyboard_and_say_so(visit, site_url, example_hub):
    """On the French chat's kit: Enter on a copy button copies its text, and a live region tells
    screen readers, in the page's language."""
    chat = next(c for c in example_hub.published if example_hub.config.language_of(c).startswith("fr"))
    seen = visit(f"chats/{chat.slug}/invite/", locale="fr-CA")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    seen.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = seen.page
    button = tab_to(page, "button[data-chathub-copy]")
    expect(button).to_have_text("Copier")
    described = page.locator(f"#{button.get_attribute('aria-describedby')}").inner_text()
    assert described == "Annonce"  # which text it copies, for screen readers
    page.keyboard.press("Enter")
    expect(page.locator("[role=status]")).to_have_text("Copié")
    expect(button).to_have_text("Copié")
    source = page.locator(f"#{button.get_attribute('data-chathub-copy')}").inner_text()
    assert page.evaluate("navigator.clipboard.readText()") == source
    assert source.startswith("Prochain clavardage #Locataires")
    page.keyboard.press("Space")  # a button answers Space as well
    expect(page.locator("[role=status]")).to_have_text("Copié")


# --- the chart ---------------------------------------------------------------------------

def test_the_charts_figures_open_as_a_table_from_the_keyboard(visit, page_kinds):
    page = visit(url_of(page_kinds, "recap")).page
    chart = page.locator("svg.chathub-chart")
    assert chart.get_attribute("role") == "img"
    labelled = [page.locator(f"#{i}").text_content() for i in chart.get_attribute("aria-labelledby").split()]
    assert labelled[0].startswith("Posts per minute") and "At most" in labelled[1]
    table = page.locator(".chathub-chart-data table")
    expect(table).to_be_hidden()
    tab_to(page, ".chathub-chart-data summary")
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    bars = page.locator(".chathub-chart-bars rect title").all_text_contents()  # "13:05: 4 posts"
    charted = {minute: int(re.sub(r"\D", "", posts)) for minute, posts in (b.rsplit(": ", 1) for b in bars)}
    rows = page.locator(".chathub-chart-data tbody tr")
    tabled = {row.locator("th").inner_text(): int(re.sub(r"\D", "", row.locator("td").first.inner_text()))
              for row in rows.all()}
    assert charted and charted == {minute: n for minute, n in tabled.items() if n}
    asked = page.locator(".chathub-chart-data tbody td:nth-child(3)").all_inner_texts()
    marked = page.locator(".chathub-chart-marks text").all_text_contents()
    assert [a for a in asked if a] == marked
    page.keyboard.press("Enter")
    expect(table).to_be_hidden()


# --- colours, whatever the palette --------------------------------------------------------

# Palettes whose colours read worst on white and on slate: text in them as they are fails 4.5:1.
PALETTES = {
    "default-yellow-lime": {"palette": {"primary": "yellow", "accent": "lime"}},
    "default-cyan-amber": {"palette": {"primary": "cyan", "accent": "amber"}},
    "slate-light-blue-cyan": {"palette": {"scheme": "slate", "primary": "light blue", "accent": "cyan"}},
    "slate-white-yellow": {"palette": {"scheme": "slate", "primary": "white", "accent": "yellow"}},
}
PAGE_KINDS = ["home", "index", "announcement-upcoming", "announcement-past", "announcement-cancelled",
              "invite", "archive", "recap", "people", "not-found"]


@pytest.fixture(scope="module", params=list(PALETTES))
def palette_site(request, tmp_path_factory, example_hub: Hub) -> Iterator[str]:
    site = build_variant(tmp_path_factory.mktemp(request.param), PALETTES[request.param])
    with serving(site, example_hub) as address:
        yield address


def _contrast_failures(page: Any) -> list[str]:
    page.wait_for_load_state("networkidle")
    parts = [p for p in CHATHUB_PARTS if page.locator(p).count()]
    assert parts, "no chathub block on the page"
    result = AXE.run(page, context={"include": [[p] for p in parts]},
                     options={"runOnly": ["color-contrast", "link-in-text-block"]})
    return [f"{rule['id']} at {node['target']}: {node['any'][0]['message'] if node['any'] else ''}"
            for rule in result.response["violations"] for node in rule["nodes"]]


def _open(chromium: Any, example_hub: Hub, base: str, url: str, clock: datetime | None = None) -> list[str]:
    """axe's contrast failures in chathub's blocks of ``url``, the page's clock at ``clock``."""
    public = example_hub.config.site_url
    routes = SiteRoutes(base, public.rstrip("/") + "/" if public else "")
    context = chromium.new_context(locale="en-US")
    try:
        context.route("**/*", routes.handle)
        page = context.new_page()
        if clock is not None:
            page.clock.install(time=clock)
        page.goto(base + url, wait_until="load")
        return _contrast_failures(page)
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_chathubs_colours_read_at_4_5_to_1_whatever_the_palette(chromium, palette_site, example_hub,
                                                               page_kinds, kind):
    failures = _open(chromium, example_hub, palette_site, url_of(page_kinds, kind))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("moment", ["live", "ended"])
@pytest.mark.parametrize("kind", ["home", "index", "announcement-upcoming"])
def test_live_and_ended_colours_read_at_4_5_to_1_whatever_the_palette(chromium, palette_site, example_hub,
                                                                     page_kinds, upcoming_chat, kind, moment):
    """The live red and the ended grey of the countdown and 'Live now', on both schemes: the
    page's clock is moved into the chat, or just after it, and the script turns the state."""
    at = (upcoming_chat.start_utc + timedelta(minutes=10) if moment == "live"
          else upcoming_chat.end_utc + timedelta(minutes=5))
    failures = _open(chromium, example_hub, palette_site, url_of(page_kinds, kind), clock=at)
    assert not failures, "\n".join(failures)


def test_the_palettes_really_are_hard():
    """The palettes above are ones whose raw colours fail: a test of them proves something
    (Material's yellow, cyan and lime are 1.3 to 2.4:1 on white; the ink that reads on white
    does not read on slate)."""
    from chathub.pages.palette import ACCENT, PRIMARY, contrast, palette_colours

    assert contrast(PRIMARY["yellow"][0], "#ffffff") < 2 and contrast(PRIMARY["cyan"][0], "#ffffff") < 3
    assert contrast(ACCENT["lime"], "#ffffff") < 2 and contrast(ACCENT["amber"], "#ffffff") < 2
    slate = "#1e2129"  # Material's slate background
    assert contrast(palette_colours("light-blue", "cyan").ink, slate) < 4.5
    assert contrast(palette_colours("white", "yellow").ink, slate) < 4.5

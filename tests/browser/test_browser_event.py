"""The hub as an event site, in Chromium on a desktop and a 375-pixel phone (issue 14).

The example hub is built with CHATHUB_NOW before, during and after its upcoming chat, and each
page's clock (Playwright's ``page.clock``) is set to the same instant, so what the build wrote and
what the script works out agree; other tests move the clock on a page built earlier, as a visitor
would meet it hours later.
"""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

import pypdf
import pytest
from conftest import REPO
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from .conftest import LOCAL_HOST, NOW, TIMEOUT_MS, SiteRoutes, _SiteHandler, url_of, url_prefix

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
BUILT_AT = datetime.fromisoformat(NOW)


# --- the example hub at other moments --------------------------------------------------------

@pytest.fixture(scope="session")
def site_at(tmp_path_factory, example_hub) -> Iterator[Callable[[datetime], str]]:
    """The example hub built with CHATHUB_NOW at a moment and served; its base URL (cached)."""
    servers: dict[str, tuple[ThreadingHTTPServer, str]] = {}
    handler = type("Handler", (_SiteHandler,), {"prefix": url_prefix(example_hub)})

    def serve(moment: datetime) -> str:
        key = moment.isoformat()
        if key not in servers:
            site = tmp_path_factory.mktemp("example-at")
            env = {**os.environ, "CHATHUB_NOW": key, "NO_MKDOCS_2_WARNING": "1"}
            done = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                 str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
                cwd=REPO, env=env, capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stdout + done.stderr
            server = ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(handler, directory=str(site)))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[key] = (server, f"http://{LOCAL_HOST}:{server.server_address[1]}{url_prefix(example_hub)}")
        return servers[key][1]

    yield serve
    for server, _base in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture
def browse(chromium: Browser, example_hub) -> Iterator[Callable[..., Page]]:
    """Open ``url`` of the site at ``base`` with the page's clock at ``clock`` (None: the real one)."""
    contexts = []
    public = example_hub.config.site_url.rstrip("/") + "/"

    def open_page(base: str, url: str = "", *, clock: datetime | None = None, **options) -> Page:
        options.setdefault("locale", "en-US")
        options.setdefault("timezone_id", "Europe/Paris")
        context = chromium.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", SiteRoutes(base, public).handle)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))  # type: ignore[attr-defined]
        if clock is not None:
            page.clock.install(time=clock)
        page.goto(urljoin(base, url))
        return page

    yield open_page
    for context in contexts:
        context.close()


def _moments(chat) -> dict[str, datetime]:
    return {"before": BUILT_AT, "during": chat.start_utc + timedelta(minutes=10),
            "after": chat.end_utc + timedelta(hours=1)}


def _visible_hrefs(page: Page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => e.href)")


def _calendar_hrefs(page: Page, scope: str) -> list[str]:
    return [h for h in page.locator(f"{scope} a[href]").evaluate_all("els => els.map(e => e.href)")
            if "calendar.google.com" in h or "outlook." in h or h.endswith(".ics")]


# --- the hero and the countdown, by state ----------------------------------------------------

@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("state", ["before", "during", "after"])
@pytest.mark.parametrize("url", ["", "chats/"])
def test_hero_and_countdown_by_state(site_at, browse, example_hub, upcoming_chat, state, url, screen):
    moment = _moments(upcoming_chat)[state]
    page = browse(site_at(moment), url, clock=moment, **SCREENS[screen])
    hero = page.locator(".chathub-hero").first
    expect(hero).to_be_visible()
    title = hero.locator(".chathub-hero-title")
    countdown = hero.locator("[data-chathub-countdown]")
    if state == "after":  # the next chat leads now; this one is a past card
        following = [c for c in example_hub.upcoming()
                     if c.start_utc > upcoming_chat.start_utc and not c.cancelled]
        expect(title).to_have_text(following[0].title)
        if url == "chats/":
            card = page.locator(".chathub-card", has=page.locator(f'a[href$="{upcoming_chat.slug}/"]'))
            expect(card.locator("[data-chathub-status]")).to_have_text("Ended")
    else:
        expect(title).to_have_text(upcoming_chat.title)
        days = round((upcoming_chat.start_utc - moment).total_seconds() / 86400)
        expect(countdown).to_have_text(f"in {days} days" if state == "before" else "live now")
        calendar = hero.locator("button[aria-haspopup=menu]")
        live = hero.locator("a.chathub-live-link")
        if state == "before":
            expect(calendar).to_be_visible()
            expect(live).to_be_hidden()
        else:
            expect(calendar).to_be_hidden()
            expect(live).to_be_visible()
            assert urlsplit(live.get_attribute("href")).netloc == "x.com"
            expect(hero.locator("[data-chathub-status]")).to_have_text("Live now")
    # The hero is the first thing a visitor sees: on screen without scrolling, before any card.
    box = hero.bounding_box()
    assert box is not None and box["y"] < SCREENS[screen]["viewport"]["height"] - 100
    first = page.locator(".chathub-hero, .chathub-card").first
    assert first.evaluate("el => el.classList.contains('chathub-hero')")
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("state", ["before", "during", "after"])
def test_announcement_call_to_action_by_state(site_at, browse, upcoming_chat, state):
    moment = _moments(upcoming_chat)[state]
    page = browse(site_at(moment), f"chats/{upcoming_chat.slug}/", clock=moment)
    article = "article.chathub-announcement"
    expected = {"before": "upcoming", "during": "live", "after": "ended"}[state]
    expect(page.locator(article)).to_have_attribute("data-chathub-state", expected)
    calendar = page.locator(f"{article} button[aria-haspopup=menu]")
    live = page.locator(f"{article} .chathub-cta-live")
    take_part = page.locator(f"{article} .chathub-take-part")
    if state == "before":
        expect(calendar).to_be_visible()
        follow = page.locator(f"{article} a.chathub-follow-host")
        expect(follow).to_have_attribute("href", upcoming_chat.host.profile_url)
        expect(live).to_be_hidden()
        expect(take_part).to_be_visible()
    elif state == "during":
        expect(calendar).to_be_hidden()
        expect(live).to_be_visible()
        expect(live).to_contain_text("Live now")
        hrefs = _visible_hrefs(page, f"{article} .chathub-cta-live a")
        assert hrefs and all(upcoming_chat.hashtag in parse_qs(urlsplit(h).query)["q"][0] for h in hrefs)
        expect(take_part).to_be_visible()
    else:
        assert _calendar_hrefs(page, article) == []  # the build after the chat wrote none
        expect(take_part).to_have_count(0)
        expect(page.locator(f"{article} .chathub-cta-ended")).to_be_visible()
    assert not [h for h in page.locator(f"{article} a[href]").evaluate_all("els => els.map(e => e.href)")
                if "/invite/" in h]


def test_a_page_built_before_the_chat_follows_the_real_clock(site_url, browse, upcoming_chat):
    """Built days before (CHATHUB_NOW), read during the chat and after it: the script moves on."""
    during = _moments(upcoming_chat)["during"]
    page = browse(site_url, f"chats/{upcoming_chat.slug}/", clock=during)
    article = page.locator("article.chathub-announcement")
    expect(article).to_have_attribute("data-chathub-state", "live")
    expect(page.locator(".chathub-cta-live")).to_be_visible()
    expect(page.locator(".chathub-cta-upcoming")).to_be_hidden()
    expect(article.locator("[data-chathub-countdown]")).to_have_text("live now")
    page.clock.fast_forward(int((upcoming_chat.end_utc - during).total_seconds() * 1000) + 60_000)
    expect(article).to_have_attribute("data-chathub-state", "ended")
    expect(page.locator(".chathub-cta-live")).to_be_hidden()
    expect(page.locator(".chathub-take-part")).to_be_hidden()
    expect(page.locator(".chathub-cta-ended")).to_be_visible()
    expect(article.locator("[data-chathub-status]").first).to_have_text("Ended")


@pytest.mark.parametrize(("offset", "words"), [
    (timedelta(days=3, hours=2), "in 3 days"),
    (timedelta(days=1), "tomorrow"),
    (timedelta(hours=5), "in 5 hours"),
    (timedelta(minutes=42), "in 42 minutes"),
    (timedelta(minutes=3), "starting now"),
])
def test_the_countdown_reads_the_real_clock(site_url, browse, upcoming_chat, offset, words):
    page = browse(site_url, "chats/", clock=upcoming_chat.start_utc - offset)
    expect(page.locator(".chathub-hero [data-chathub-countdown]")).to_have_text(words)


def test_without_javascript_the_build_time_state_shows(site_at, browse, upcoming_chat):
    during = _moments(upcoming_chat)["during"]
    page = browse(site_at(during), f"chats/{upcoming_chat.slug}/", java_script_enabled=False)
    expect(page.locator(".chathub-cta-live")).to_be_visible()
    expect(page.locator(".chathub-cta-upcoming")).to_be_hidden()
    expect(page.locator(".chathub-hero, article [data-chathub-countdown]").first).to_have_text("live now")


# --- the calendar menu ---------------------------------------------------------------------

@pytest.mark.parametrize("screen", SCREENS)
def test_calendar_menu_offers_four_calendars(site_url, browse, upcoming_chat, screen):
    page = browse(site_url, f"chats/{upcoming_chat.slug}/", **SCREENS[screen])
    button = page.locator(".chathub-cta button[aria-haspopup=menu]")
    menu = page.locator(f'#{button.get_attribute("aria-controls")}')
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("role", "menu")
    items = menu.locator("[role=menuitem]")
    expect(items).to_have_count(4)
    hrefs = items.evaluate_all("els => els.map(e => e.href)")
    hosts = [urlsplit(h).netloc for h in hrefs]
    assert hosts[:3] == ["calendar.google.com", "outlook.live.com", "outlook.office.com"]
    assert hrefs[3].endswith(f"chats/{upcoming_chat.slug}.ics")
    for href in hrefs[1:3]:
        query = parse_qs(urlsplit(href).query)
        assert datetime.fromisoformat(query["startdt"][0]) == upcoming_chat.start_utc
    box, viewport = menu.bounding_box(), SCREENS[screen]["viewport"]["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport
    page.mouse.click(2, 300)  # a click elsewhere closes it
    expect(menu).to_be_hidden()


def test_calendar_menu_works_from_the_keyboard(site_url, browse, upcoming_chat):
    page = browse(site_url, f"chats/{upcoming_chat.slug}/")
    button = page.locator(".chathub-cta button[aria-haspopup=menu]")
    items = page.locator(".chathub-cta [role=menuitem]")
    button.focus()
    page.keyboard.press("Enter")
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(items.nth(3)).to_be_focused()  # wraps around
    page.keyboard.press("Escape")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".chathub-cta [role=menu]")).to_be_hidden()


# --- past and cancelled chats: no calendar, no kit ------------------------------------------

@pytest.mark.parametrize("kind", ["announcement-past", "announcement-cancelled"])
def test_past_and_cancelled_chats_offer_no_calendar_buttons(site_url, browse, page_kinds, example_hub, kind):
    url = url_of(page_kinds, kind)
    page = browse(site_url, url)
    article = "article.chathub-announcement"
    expect(page.locator(f"{article} button")).to_have_count(0)
    hrefs = page.locator(f"{article} a[href]").evaluate_all("els => els.map(e => e.href)")
    assert not [h for h in hrefs if "calendar.google.com" in h or "outlook." in h or "/invite/" in h]
    expect(page.locator(f"{article} .chathub-take-part")).to_have_count(0)
    chat = example_hub.chat(url.split("/")[1])
    if kind == "announcement-cancelled":
        first = page.locator(f"{article} > *").first
        expect(first).to_contain_text("cancelled")
        if chat.replaced_by:
            link = first.locator("a.chathub-replacement")
            link.click()
            page.wait_for_url(f"**/chats/{chat.replaced_by}/")
    else:
        assert not [h for h in hrefs if h.endswith(".ics")]
        expect(page.locator(f"{article} .chathub-cta-ended a")).to_have_count(2)  # recap and archive


# --- shared links ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["announcement-upcoming", "announcement-past", "recap"])
def test_shared_links_carry_a_large_social_card(site_url, browse, page_kinds, example_hub, kind):
    page = browse(site_url, url_of(page_kinds, kind))
    meta = dict(page.locator("meta[property], meta[name]").evaluate_all(
        "els => els.map(e => [e.getAttribute('property') || e.name, e.content])"))
    assert meta["twitter:card"] == "summary_large_image"
    image = meta["og:image"]
    assert image.startswith(example_hub.config.site_url) and meta["twitter:image"] == image
    response = page.request.get(urljoin(site_url, image[len(example_hub.config.site_url):]))
    assert response.ok and response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.body())) as png:
        assert png.size == (int(meta["og:image:width"]), int(meta["og:image:height"])) == (1200, 630)


# --- archive and recap on a phone, the printed recap ---------------------------------------

def test_archive_post_headers_keep_the_avatar_beside_the_name_on_a_phone(site_url, browse, page_kinds):
    page = browse(site_url, url_of(page_kinds, "archive"), **PHONE)
    # The avatar (a picture, or the circle archive.js writes initials in) is part of the link to the
    # profile: the name beside it, the @handle under the name, never broken.
    authors = page.locator("article.chathub-post > a.chathub-post-author")
    heads = authors.evaluate_all("""links => links.slice(0, 40).map(a => {
        const img = a.querySelector('img');
        const box = a.getBoundingClientRect();
        let avatar;
        if (img) { avatar = img.getBoundingClientRect(); } else {
            const st = getComputedStyle(a, '::before');
            avatar = {right: box.left + parseFloat(st.width), bottom: box.top + parseFloat(st.height)};
        }
        const text = [...a.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
        const range = document.createRange();
        range.selectNodeContents(text);
        const name = range.getBoundingClientRect();
        const handle = a.querySelector('span');
        return {beside: name.left >= avatar.right - 0.5 && name.top < avatar.bottom,
                handleLines: handle ? handle.getClientRects().length : 1,
                text: a.textContent.trim().slice(0, 40),
                initials: img ? 'img' : a.getAttribute('data-initials')};
    })""")
    assert heads
    assert [h["text"] for h in heads if not h["beside"]] == []
    assert [h["text"] for h in heads if h["handleLines"] != 1] == []  # no handle broken mid-word
    assert all(h["initials"] for h in heads)  # archive.js gave every author without a picture initials


@pytest.mark.parametrize("screen", SCREENS)
def test_recap_figures_sit_in_a_grid_without_an_orphan(site_url, browse, page_kinds, screen):
    page = browse(site_url, url_of(page_kinds, "recap"), **SCREENS[screen])
    tops = page.locator(".chathub-figures > div").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    rows: dict[int, int] = {}
    for top in tops:
        rows[top] = rows.get(top, 0) + 1
    assert len(tops) >= 5 and min(rows.values()) >= 2, rows
    width = SCREENS[screen]["viewport"]["width"]
    right = page.locator(".chathub-figures").evaluate("el => el.getBoundingClientRect().right")
    assert right <= width


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_printed_recap_is_a_two_page_handout(site_url, browse, page_kinds, example_hub, past_chat, paper):
    url = url_of(page_kinds, "recap")
    page = browse(site_url, url)
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format=paper)))
    texts = [p.extract_text() or "" for p in reader.pages]
    assert len(texts) <= 2, f"{len(texts)} pages on {paper}"
    assert texts[-1].strip(), "the last page is blank"
    text = re.sub(r"\s+", " ", " ".join(texts))
    assert example_hub.config.site_name in text
    assert example_hub.config.absolute_url(url) in text.replace(" ", "") or \
        example_hub.config.absolute_url(url) in re.sub(r"\s", "", " ".join(texts))
    from chathub.i18n.translator import translator_for

    assert translator_for(example_hub.config.language).date(past_chat.start, "long") in text
    # Dark text and grey badges in print.
    page.emulate_media(media="print")
    colours = page.locator(".chathub-recap, .chathub-recap h2, .chathub-recap .chathub-post-text") \
        .evaluate_all("els => els.map(e => getComputedStyle(e).color)")
    for colour in colours:
        r, g, b = (int(v) for v in re.findall(r"\d+", colour)[:3])
        assert max(r, g, b) <= 0x33, colour
    badges = page.locator(".chathub-recap .chathub-role, .chathub-recap .chathub-qlabel").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")
    for colour in badges:
        r, g, b = (int(v) for v in re.findall(r"\d+", colour)[:3])
        assert r == g == b, colour  # grey


def test_headings_stay_with_their_posts_in_print(site_url, browse, page_kinds):
    page = browse(site_url, url_of(page_kinds, "recap"))
    page.emulate_media(media="print")
    breaks = page.locator(".chathub-recap h2, .chathub-recap h3").evaluate_all(
        "els => els.map(e => getComputedStyle(e).breakAfter)")
    assert breaks and set(breaks) == {"avoid"}


@pytest.mark.parametrize("screen", SCREENS)
def test_people_page_lists_chat_titles(site_url, browse, page_kinds, example_hub, screen):
    page = browse(site_url, url_of(page_kinds, "people"), **SCREENS[screen])
    row = page.locator(".chathub-people-table tbody tr").first
    texts = row.locator("td").nth(1).locator("a").all_inner_texts()
    titles = {c.title for c in example_hub.published}
    assert texts and set(texts) <= titles
    broken = page.locator(".chathub-people-table .chathub-handle").evaluate_all(
        "els => els.filter(e => e.getClientRects().length > 1).map(e => e.textContent)")
    assert broken == []  # no handle broken mid-word
    width = SCREENS[screen]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# --- Subscribe and 404 ----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["", "chats/"])
def test_subscribe_block_offers_webcal_https_and_the_feed(site_url, browse, example_hub, url):
    page = browse(site_url, url)
    block = page.locator(".chathub-subscribe")
    expect(block).to_be_visible()
    hrefs = block.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    calendar = example_hub.config.absolute_url("calendar.ics")
    assert calendar.replace("https://", "webcal://") in hrefs and calendar in hrefs
    feed = block.locator('a[href$="feed.xml"]')
    response = page.request.get(feed.evaluate("a => a.href"))
    assert response.ok and b"<rss" in response.body()


def test_not_found_page_leads_to_the_chats_and_to_search(site_url, browse, page_kinds):
    page = browse(site_url, url_of(page_kinds, "not-found"))
    search = page.locator(".chathub-not-found a.chathub-search-link")
    assert "q=no%20such%20chat" in search.get_attribute("href")
    search.click()
    expect(page.locator("input.md-search__input")).to_have_value("no such chat")
    page.go_back()
    page.locator('.chathub-not-found a[href$="/chats/"]').click()
    page.wait_for_url("**/chats/")
    expect(page.locator("h1").first).to_have_text("Chats")


@pytest.mark.parametrize("screen", SCREENS)
def test_event_pages_fit_the_screen(site_at, browse, upcoming_chat, screen):
    """The live state's page too (the shared phone test covers the build-time pages)."""
    during = _moments(upcoming_chat)["during"]
    page = browse(site_at(during), f"chats/{upcoming_chat.slug}/", clock=during, **SCREENS[screen])
    width = SCREENS[screen]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width

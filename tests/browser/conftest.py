"""Fixtures for the browser tests: the example hub built once, served on 127.0.0.1, and
Debian's headless Chromium driven through Playwright's sync API.

Playwright runs on its own event loop for the duration of this package only, so it never meets
an asyncio loop of another test. No browser is downloaded: the tests use ``/usr/bin/chromium``
and skip (with the reason) when it is not installed.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import REPO
from playwright.sync_api import Browser, BrowserContext, Page, Response, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from chathub.model.chat import Chat, Hub
from chathub.model.loader import load_hub
from chathub.model.settings import load_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOW = "2026-11-25T12:00:00+00:00"  # the example hub's "now": one chat upcoming, others past
LOCAL_HOST = "127.0.0.1"
AVATAR_HOSTS = frozenset({"pbs.twimg.com", "abs.twimg.com"})  # post avatars, allowed by the issue
# A 1×1 transparent PNG: avatars are answered locally, so no test ever reaches the network.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
TIMEOUT_MS = 10_000


# --- the example hub, built once -------------------------------------------------------------

@pytest.fixture(scope="session")
def example_hub() -> Hub:
    """The repository's own hub, read with the same pinned "now" as the build."""
    config = dataclasses.replace(load_config(REPO), now=datetime.fromisoformat(NOW))
    hub, problems = load_hub(config)
    assert not problems.errors, problems
    return hub


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``mkdocs build --strict`` of the example hub into a temporary folder, once a session."""
    site = tmp_path_factory.mktemp("example-site")
    env = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",  # not --quiet: it hides warnings from strict
         "--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    return site


def url_prefix(hub: Hub) -> str:
    """The path the site lives under, from ``site_url`` (GitHub Pages serves a project there)."""
    path = urlsplit(hub.config.site_url).path if hub.config.site_url else "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def build_variant(folder: Path, theme: dict[str, Any]) -> Path:
    """The example hub built with ``theme`` merged into its ``mkdocs.yml`` theme (another
    language, another palette), into ``folder``/site, with the browser tests' "now"."""
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / config.get("docs_dir", "docs"))
    config["theme"] = {**config["theme"], **theme, "custom_dir": str(REPO / config["theme"]["custom_dir"])}
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "chathub" in plugin:
            plugin["chathub"]["chats_dir"] = str(REPO / plugin["chathub"].get("chats_dir", "chats"))
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site = folder / "site"
    env = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(folder / "mkdocs.yml"), "--site-dir", str(site)],
                          cwd=folder, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    return site


@contextmanager
def serving(site: Path, hub: Hub) -> Iterator[str]:
    """A built site served on 127.0.0.1 (a free port) under the hub's URL prefix: its address."""
    handler = type("Handler", (_SiteHandler,), {"prefix": url_prefix(hub)})
    server = ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"site-{site.parent.name}", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}{url_prefix(hub)}"
    finally:
        server.shutdown()
        server.server_close()


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the built site under its URL prefix, and 404.html for what is missing, as Pages does."""

    extensions_map = {  # noqa: RUF012 - the stdlib's own class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".ics": "text/calendar",
        ".xml": "application/xml",
        ".json": "application/json",
        ".js": "text/javascript",
        ".svg": "image/svg+xml",
    }
    prefix = "/"

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + clean[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path, example_hub: Hub) -> Iterator[str]:
    """The built hub served on 127.0.0.1 (a free port) by a threaded http.server."""
    with serving(built_site, example_hub) as address:
        yield address


def is_built(site: Path, url: str) -> bool:
    """Whether the build produced the page at a directory URL (or the file at a file URL)."""
    target = site / url
    return (target / "index.html").is_file() if url == "" or url.endswith("/") else target.is_file()


# --- chats the tests look at -----------------------------------------------------------------

@pytest.fixture(scope="session")
def upcoming_chat(example_hub: Hub) -> Chat:
    """The soonest upcoming chat that is not cancelled."""
    chats = [c for c in example_hub.upcoming() if not c.cancelled]
    assert chats, "the example hub needs an upcoming chat at CHATHUB_NOW"
    return chats[0]


@pytest.fixture(scope="session")
def past_chat(example_hub: Hub) -> Chat:
    """The latest past chat that took place."""
    chats = [c for c in example_hub.past() if not c.cancelled]
    assert chats, "the example hub needs a past chat at CHATHUB_NOW"
    return chats[0]


def first_built(site: Path, urls: list[str]) -> str | None:
    """The first of these URLs that the build produced."""
    return next((u for u in urls if is_built(site, u)), None)


@pytest.fixture(scope="session")
def page_kinds(
    built_site: Path, example_hub: Hub, upcoming_chat: Chat, past_chat: Chat
) -> dict[str, str | None]:
    """One URL for each kind of page; None for a kind this build does not have (yet)."""
    published = [c.slug for c in example_hub.published]
    cancelled = [c.slug for c in example_hub.published if c.cancelled]
    past_first = [past_chat.slug] + [s for s in published if s != past_chat.slug]
    return {
        "home": "",
        "about": "about/",
        "index": "chats/",
        "announcement-upcoming": f"chats/{upcoming_chat.slug}/",
        "announcement-past": f"chats/{past_chat.slug}/",
        "announcement-cancelled": f"chats/{cancelled[0]}/" if cancelled else None,
        "invite": first_built(built_site, [f"chats/{upcoming_chat.slug}/invite/",
                                           *(f"chats/{s}/invite/" for s in published)]),
        "archive": first_built(built_site, [f"chats/{s}/archive/" for s in past_first]),
        "recap": first_built(built_site, [f"chats/{s}/recap/" for s in past_first]),
        "people": first_built(built_site, ["people/"]),
        "not-found": "chats/no-such-chat/" if is_built(built_site, "404.html") else None,
    }


# Kinds every build has; the others come with features built in their own issues.
CORE_KINDS = ("home", "about", "index", "announcement-upcoming", "announcement-past")
FEATURE_KINDS = ("announcement-cancelled", "invite", "archive", "recap", "people", "not-found")
ALL_KINDS = CORE_KINDS + FEATURE_KINDS


def url_of(page_kinds: dict[str, str | None], kind: str) -> str:
    """The URL of a kind of page, or skip the test while the build has no such page."""
    url = page_kinds[kind]
    if url is None:
        assert kind not in CORE_KINDS, f"the example hub has no {kind} page"
        pytest.skip(f"the example hub has no {kind} page yet")
    return url


# --- the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for this package's tests only."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (./dev test installs Debian's chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class SiteRoutes:
    """Where a page's requests go. The site answers both at its local address and at its public
    ``site_url`` (absolute links to itself work as in production); post avatars get a pixel;
    every other host is blocked and counted as third-party. No test ever reaches the network."""

    local: str  # e.g. http://127.0.0.1:8123/tenants-hub/
    public: str  # site_url, e.g. https://example.org/tenants-hub/ ("" when unset)

    def is_allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme in ("data", "blob", "about") or parts.hostname == LOCAL_HOST
                or parts.hostname in AVATAR_HOSTS or self._public_path(url) is not None)

    def _public_path(self, url: str) -> str | None:
        if self.public and url.startswith(self.public):
            return url[len(self.public):]
        return None

    def handle(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        public_path = self._public_path(url)
        if host == LOCAL_HOST:
            route.continue_()
        elif public_path is not None:
            try:
                route.fulfill(response=route.fetch(url=self.local + public_path))
            except PlaywrightError as exc:
                # The page went on (or its context closed) while Material's late fetch of
                # sitemap.xml was being answered: nothing is left to answer, and no test waits for it.
                if "disposed" not in str(exc) and "closed" not in str(exc):
                    raise
        elif host in AVATAR_HOSTS:
            route.fulfill(status=200, content_type="image/png", body=PIXEL)
        else:
            route.abort("blockedbyclient")


@dataclass
class Visit:
    """A page opened in a fresh browser context, with everything it asked for and complained of."""

    page: Page
    context: BrowserContext
    url: str
    routes: SiteRoutes
    response: Response | None = None
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)  # "message @ source URL"
    failed: list[str] = field(default_factory=list)  # local resources answered 4xx/5xx

    @property
    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not self.routes.is_allowed(u)]


@pytest.fixture
def visit(chromium: Browser, site_url: str, example_hub: Hub) -> Iterator[Callable[..., Visit]]:
    """Open a site URL in a new context: ``visit("chats/x/", timezone_id=..., viewport=...)``.

    ``wait_until`` is passed to ``page.goto`` ("load" by default; "networkidle" waits for late
    requests too). Other keywords go to ``browser.new_context``; the locale defaults to en-US.
    """
    contexts: list[BrowserContext] = []
    public = example_hub.config.site_url
    routes = SiteRoutes(site_url, public.rstrip("/") + "/" if public else "")

    def open_page(url: str = "", *, wait_until: str = "load", **options: Any) -> Visit:
        options.setdefault("locale", "en-US")
        context = chromium.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", routes.handle)
        page = context.new_page()
        seen = Visit(page, context, urljoin(site_url, url), routes)
        context.on("request", lambda request: seen.requests.append(request.url))
        context.on("response", lambda response: response.status >= 400
                   and response.url != seen.url and seen.failed.append(f"{response.status} {response.url}"))
        page.on("console", lambda msg: msg.type == "error"
                and seen.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}"))
        page.on("pageerror", lambda exc: seen.console_errors.append(f"uncaught: {exc}"))
        seen.response = page.goto(seen.url, wait_until=wait_until)
        return seen

    yield open_page
    for context in contexts:
        # Requests still in flight (Material fetches sitemap.xml beside every alternate link,
        # answered by route.fetch) must not fail the next test when the context goes away.
        context.unroute_all(behavior="ignoreErrors")
        context.close()

"""The invite kit's Copy buttons in headless Chromium: the clipboard gets the exact text."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from conftest import CHAT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def served(make_hub):
    """The built tiny hub, served on localhost (a secure context, as the clipboard API wants)."""
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace('"What clause saved you?"', '"Which clause 契約 saved you? 🏢"'))
    hub.build()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hub.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("clipboard_api", [True, False], ids=["clipboard", "fallback"])
def test_copy_buttons_copy_the_exact_text(served, clipboard_api):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served[:-1])
            page = context.new_page()
            if not clipboard_api:
                page.add_init_script("window.chathubRealClipboard = navigator.clipboard;"
                                     "Object.defineProperty(navigator, 'clipboard', {value: undefined});")
            page.goto(served + "chats/leases/invite/")
            item = page.locator('.chathub-kit-item[data-kind="question"]').nth(1)
            button = item.locator("button[data-chathub-copy]")
            assert button.is_visible()
            expected = item.locator("pre").text_content()
            assert "契約" in expected and "🏢" in expected
            button.click()
            page.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())
            reader = "navigator.clipboard" if clipboard_api else "window.chathubRealClipboard"
            assert page.evaluate(f"{reader}.readText()") == expected
        finally:
            browser.close()

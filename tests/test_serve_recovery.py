"""``mkdocs serve`` with a chat file broken while it runs: the browser keeps getting the last good
site, with the problems listed on the page, and the fixed file shows as soon as it is saved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import CHAT

SLUG = "tenants-2026-07-09"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for_page(url: str, wanted: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        try:
            text = fetch(url)
            if wanted in text:
                return text
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{wanted!r} never showed at {url}; last page:\n{text[:2000]}")


@pytest.mark.parametrize("broken_at_start", [False, True])
def test_serve_shows_the_problems_and_recovers(make_hub, broken_at_start):
    hub = make_hub()
    chat = hub.add_chat(SLUG, CHAT)
    if broken_at_start:
        chat.write_text(CHAT.replace("duration: 60", "duration: sixty"), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=hub.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        if broken_at_start:
            page = wait_for_page(f"{base}chats/", "chathub-problems")
            assert "duration must be a whole number" in page
            chat.write_text(CHAT, encoding="utf-8")
            page = wait_for_page(f"{base}chats/{SLUG}/", "Leases in 2027")
            assert "chathub-problems" not in page
            return
        page = wait_for_page(f"{base}chats/{SLUG}/", "Leases in 2027")
        assert "chathub-problems" not in page
        chat.write_text(CHAT.replace("duration: 60", "duration: 99999999999999999999"), encoding="utf-8")
        page = wait_for_page(f"{base}chats/{SLUG}/", "chathub-problems")
        assert "Leases in 2027" in page  # the last good page, under the list of problems
        assert f"chats/{SLUG}.yml:" in page and "duration must be between" in page
        chat.write_text(CHAT.replace("Leases in 2027", "Leases in 2028"), encoding="utf-8")
        page = wait_for_page(f"{base}chats/{SLUG}/", "Leases in 2028")
        assert "chathub-problems" not in page
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert "Traceback" not in output and "will appear stuck" not in output, output

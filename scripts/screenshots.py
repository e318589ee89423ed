#!/usr/bin/env python3
"""Screenshots of every kind of page of the example hub, on a desktop and on a 375-pixel phone.

    .venv/bin/python scripts/screenshots.py                 # into .cache/screenshots/ (git-ignored)
    .venv/bin/python scripts/screenshots.py --now 2026-12-10T18:10:00Z --only announcement-upcoming
    .venv/bin/python scripts/screenshots.py --language fr   # the hub built with theme.language: fr

It builds the example hub (``mkdocs build --strict``, with ``CHATHUB_NOW`` fixed so that it has
an upcoming and a past chat), serves it on 127.0.0.1, and drives Debian's headless Chromium
(``/usr/bin/chromium``) through Playwright: a full-page PNG per page kind and screen, the
add-to-calendar menu open, and the recap printed to PDF on A4 and Letter (with its page count).
``--language`` builds the same hub in another language (``theme.language``), as the browser
tests' French hub. The page kinds include a chat in another language than the hub's (its
``translation``), when there is one. Nothing leaves the machine: requests to other hosts are
blocked.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-25T12:00:00+00:00"  # as the browser tests: one chat upcoming, others past
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}


def page_kinds(now: str) -> dict[str, str]:
    """One URL (site-relative) for each kind of page the example hub has at ``now``."""
    sys.path.insert(0, str(REPO))
    from chathub.model.loader import load_hub
    from chathub.model.settings import load_config

    config = dataclasses.replace(load_config(REPO), now=datetime.fromisoformat(now.replace("Z", "+00:00")))
    hub, _problems = load_hub(config)
    upcoming = [c for c in hub.upcoming() if not c.cancelled]
    past = [c for c in hub.past() if not c.cancelled]
    cancelled = [c for c in hub.published if c.cancelled]
    with_transcript = [c for c in past if c.transcript_path.exists()]
    kinds = {"home": "", "index": "chats/", "people": "people/", "about": "about/",
             "not-found": "chats/no-such-chat/"}
    if upcoming:
        kinds["announcement-upcoming"] = f"chats/{upcoming[0].slug}/"
        kinds["invite"] = f"chats/{upcoming[0].slug}/invite/"
    if past:
        kinds["announcement-past"] = f"chats/{past[0].slug}/"
    if cancelled:
        kinds["announcement-cancelled"] = f"chats/{cancelled[0].slug}/"
    if with_transcript:
        kinds["archive"] = f"chats/{with_transcript[0].slug}/archive/"
        kinds["recap"] = f"chats/{with_transcript[0].slug}/recap/"
    from chathub.i18n.languages import same_language

    other = [c for c in hub.published if hub.translation_of(c)
             and not same_language(hub.config.language_of(c), hub.config.language)]
    if other:
        kinds["translation"] = f"chats/{other[0].slug}/"
        kinds["translation-invite"] = f"chats/{other[0].slug}/invite/"
    return kinds


def config_file(folder: Path, language: str | None) -> Path:
    """The example hub's mkdocs.yml, or a copy of it in ``language`` (paths made absolute)."""
    if not language:
        return REPO / "mkdocs.yml"
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / config.get("docs_dir", "docs"))
    config["theme"] = {**config["theme"], "language": language,
                       "custom_dir": str(REPO / config["theme"]["custom_dir"])}
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "chathub" in plugin:
            plugin["chathub"]["chats_dir"] = str(REPO / plugin["chathub"].get("chats_dir", "chats"))
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def build(site: Path, now: str, config: Path) -> None:
    env = {**os.environ, "CHATHUB_NOW": now, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                    "--config-file", str(config), "--site-dir", str(site)],
                   cwd=config.parent, env=env, check=True, capture_output=True)


class Handler(SimpleHTTPRequestHandler):
    """The built site under its URL prefix, with 404.html for what is missing (as Pages does)."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "__outside__")
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
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(site: Path, prefix: str) -> tuple[ThreadingHTTPServer, str]:
    handler = type("SiteHandler", (Handler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def count_pages(pdf: bytes) -> int | None:
    try:
        import pypdf
    except ImportError:
        return None
    import io

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / ".cache" / "screenshots",
                        help="folder for the PNG and PDF files (default: .cache/screenshots)")
    parser.add_argument("--now", default=NOW, help=f"CHATHUB_NOW for the build (default {NOW})")
    parser.add_argument("--only", action="append", default=[], metavar="KIND",
                        help="only this kind of page (repeatable), e.g. recap or announcement-upcoming")
    parser.add_argument("--timezone", default="Europe/Paris", help="the browser's time zone")
    parser.add_argument("--language", help="build the hub in this language (theme.language), e.g. fr")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"screenshots: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from chathub.model.settings import load_config

    site_url = load_config(REPO).site_url
    prefix = "/" + urlsplit(site_url).path.strip("/") + "/" if urlsplit(site_url).path.strip("/") else "/"
    kinds = page_kinds(args.now)
    if args.only:
        kinds = {k: v for k, v in kinds.items() if k in args.only}
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build(site, args.now, config_file(Path(folder), args.language))
        prefix_name = f"{args.language}-" if args.language else ""
        locale = {"fr": "fr-CA"}.get(args.language or "", args.language or "en-US")
        server, base = serve(site, prefix)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                for screen, options in SCREENS.items():
                    context = browser.new_context(locale=locale, timezone_id=args.timezone, **options)
                    context.route("**/*", lambda route: route.continue_()
                                  if urlsplit(route.request.url).hostname == "127.0.0.1"
                                  or route.request.url.startswith("data:") else route.abort())
                    page = context.new_page()
                    for kind, url in kinds.items():
                        page.goto(base + url, wait_until="networkidle")
                        path = args.out / f"{prefix_name}{kind}-{screen}.png"
                        page.screenshot(path=str(path), full_page=True)
                        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
                        button = page.locator(".chathub-cta button[aria-haspopup=menu]")
                        if kind == "announcement-upcoming" and button.count():
                            button.click()  # the add-to-calendar menu, open
                            path = args.out / f"{prefix_name}{kind}-menu-{screen}.png"
                            page.screenshot(path=str(path))
                            print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
                        if kind == "recap" and screen == "desktop":
                            for paper in ("A4", "Letter"):
                                pdf = page.pdf(format=paper, print_background=True)
                                target = args.out / f"{prefix_name}recap-{paper.lower()}.pdf"
                                target.write_bytes(pdf)
                                pages = count_pages(pdf)
                                print(f"{target.name}: {pages if pages is not None else '?'} pages")
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Shared fixtures: tiny hubs built in tmp_path, the chathub CLI run in-process, and a spy on calls."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from chathub.cli import main as cli_main

DATA = Path(__file__).resolve().parent / "data"  # recorded API responses (see data/README.md)
REPO = Path(__file__).resolve().parents[1]
NOW = "2026-06-01T12:00:00+00:00"


@dataclass
class TinyHub:
    """A hub folder with mkdocs.yml, content/ and chats/, and ways to build and check it."""

    root: Path

    @property
    def chats(self) -> Path:
        return self.root / "chats"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def add_chat(self, slug: str, text: str) -> Path:
        path = self.chats / f"{slug}.yml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def build(self, strict: bool = True) -> Path:
        """Build the site in-process, as ``mkdocs build`` does."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(str(self.root / "mkdocs.yml"), strict=strict)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        return self.site

    def html(self, url: str) -> BeautifulSoup:
        """The built page at a directory URL such as ``chats/my-chat/``."""
        path = self.site / url / "index.html" if not url.endswith(".html") else self.site / url
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def write_hub(root: Path, options: dict | None = None, site: dict | None = None) -> TinyHub:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "chats").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Home\n\n<!-- chathub:upcoming -->\n")
    config = {
        "site_name": "Test hub",
        "docs_dir": "content",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"chathub": options or {}}],
        **(site or {}),
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return TinyHub(root)


def record_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str,
                 shown: Callable[[Any], str]) -> list[str]:
    """Wrap ``owner.name`` so that each call appends ``shown(its first argument)`` to the list
    returned, then does what it did."""
    calls: list[str] = []
    real = getattr(owner, name)

    def spy(first: Any, *args: Any) -> Any:
        calls.append(shown(first))
        return real(first, *args)

    monkeypatch.setattr(owner, name, spy)
    return calls


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pin chathub's clock so 'upcoming' and 'past' do not depend on today's date."""
    monkeypatch.setenv("CHATHUB_NOW", NOW)
    return NOW


@pytest.fixture
def make_hub(tmp_path: Path, now: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., TinyHub]:
    """Make a tiny hub in tmp_path; the current folder is the hub, as for a user."""

    def make(options: dict | None = None, site: dict | None = None) -> TinyHub:
        hub = write_hub(tmp_path / "hub", options, site)
        monkeypatch.chdir(hub.root)
        return hub

    return make


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``chathub ARGS`` in-process; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = cli_main(list(args))
        except SystemExit as exc:  # argparse errors and --help
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-07-09 13:00
timezone: America/New_York
duration: 60
host:
  handle: "@HostCo"
  name: Host Co
moderators: ["@mod_one"]
guests:
  - handle: "@guest_two"
    name: Guest Two
questions:
  - "How long a lease would you sign?"
  - "What clause saved you?"
about: |
  Why we **host** this chat.
followup: |
  We send a checklist.
"""

"""Dates from git (feed and calendars), the feed's length, the enabled option, serve's site_url,
and the words of the pages (issue 11)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from chatdoc import Doc
from conftest import CHAT, TinyHub, write_hub

from chathub.model.durations import duration_adjective

SITE_URL = "https://hub.example.org/tenants/"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(root: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def _commit(root: Path, message: str, when: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tmp_path, now, monkeypatch):
    """A hub in a git repository: a draft committed in March, published in May."""
    hub = write_hub(tmp_path / "origin", {"timezone": "America/New_York"}, {"site_url": SITE_URL})
    _git(hub.root, "init", "-q", "-b", "main")
    hub.add_chat("leases", CHAT + "status: draft\n")
    _commit(hub.root, "draft", "2026-03-01T10:00:00+00:00")
    hub.add_chat("leases", CHAT)
    _commit(hub.root, "publish", "2026-05-02T09:30:00+00:00")
    (hub.chats / "leases.yml").write_text((hub.chats / "leases.yml").read_text() + "description: Edited.\n")
    _commit(hub.root, "edit", "2026-05-20T08:00:00+00:00")
    monkeypatch.chdir(hub.root)
    return hub


def _feed(site: Path):
    return feedparser.parse((site / "feed.xml").read_bytes())


@needs_git
def test_an_announcement_is_dated_by_the_commit_that_published_it(repo):
    feed = _feed(repo.build())
    (entry,) = feed.entries
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
    _calendar = icalendar.Calendar.from_ical((repo.site / "chats/leases.ics").read_bytes())
    (event,) = _calendar.walk("VEVENT")
    assert event.decoded("dtstamp") == datetime(2026, 5, 20, 8, tzinfo=UTC)  # its last change


@needs_git
def test_two_fresh_clones_build_identical_calendars(repo, tmp_path, monkeypatch):
    built = []
    for name in ("one", "two"):
        clone = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
        for path in clone.rglob("*.yml"):  # a checkout's file times differ from clone to clone
            os.utime(path, (1_800_000_000 + len(name) * 1000, 1_800_000_000 + len(name) * 1000))
        monkeypatch.chdir(clone)
        site = TinyHub(clone).build()
        built.append(((site / "calendar.ics").read_bytes(), (site / "chats/leases.ics").read_bytes(),
                      (site / "feed.xml").read_bytes()))
    assert built[0] == built[1]


@needs_git
def test_uncommitted_publication_and_outside_git_use_the_file_time(make_hub):
    hub = make_hub({}, {"site_url": SITE_URL})
    path = hub.add_chat("leases", CHAT)
    os.utime(path, (1_777_000_000, 1_777_000_000))
    (entry,) = _feed(hub.build()).entries
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == datetime.fromtimestamp(1_777_000_000, UTC)


def test_nothing_in_the_feed_is_dated_after_now(make_hub, monkeypatch):
    hub = make_hub({}, {"site_url": SITE_URL})
    path = hub.add_chat("leases", CHAT.replace("2026-07-09", "2027-07-09"))
    os.utime(path, (2_000_000_000, 2_000_000_000))  # a file time in 2033
    (hub.chats / "leases.tweets.json").write_text('{"data": [], "includes": {}, "meta": {}}')
    feed = _feed(hub.build())
    now = datetime.fromisoformat(os.environ["CHATHUB_NOW"])
    assert datetime(*feed.feed.updated_parsed[:6], tzinfo=UTC) <= now
    for entry in feed.entries:
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) <= now


def test_feed_length_and_ttl_options(make_hub):
    hub = make_hub({"feed_length": 3, "feed_ttl": 90}, {"site_url": SITE_URL})
    for day in range(1, 8):
        path = hub.add_chat(f"c-{day}", CHAT.replace("2026-07-09", f"2026-08-0{day}"))
        os.utime(path, (1_760_000_000 + day, 1_760_000_000 + day))
    feed = _feed(hub.build())
    assert [e.link for e in feed.entries] == [SITE_URL + f"chats/c-{d}/" for d in (7, 6, 5)]
    assert feed.feed.ttl == "90"


def test_feed_length_must_be_positive(make_hub):
    from mkdocs.exceptions import Abort, PluginError

    hub = make_hub({"feed_length": 0})
    with pytest.raises((PluginError, Abort, SystemExit)):
        hub.build()


def test_enabled_false_reads_no_chat_and_keeps_the_index_and_people_pages(make_hub, caplog):
    hub = make_hub({"enabled": False}, {"nav": [{"Home": "index.md"}, {"Chats": "chats/index.md"},
                                                {"People": "people/index.md"}]})
    hub.add_chat("broken", "title: [unclosed\n")  # never read, so never reported
    (hub.chats / "broken.tweets.json").write_text("{not json")
    site = hub.build(strict=True)
    for url in ("chats/", "people/"):
        soup = hub.html(url)
        assert "enabled: false" in soup.get_text()
        assert soup.select_one('link[href$="assets/chathub/chathub.css"]')
    assert not (site / "chats/broken").exists() and not (site / "feed.xml").exists()
    assert not (site / "calendar.ics").exists()
    assert not hub.html("").select('link[type="application/rss+xml"]')  # no link to a missing feed


def test_serve_keeps_the_configured_site_url_for_links_that_leave_the_site(make_hub):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    hub = make_hub({"timezone": "America/New_York"}, {"site_url": SITE_URL})
    hub.add_chat("leases", CHAT)
    config = load_config(str(hub.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = "http://127.0.0.1:8011/tenants/"  # what mkdocs serve does
    try:
        build(config, serve_url=config.site_url)
    finally:
        config.plugins.on_shutdown()
    site = Path(config.site_dir)
    invite = BeautifulSoup((site / "chats/leases/invite/index.html").read_text(), "html.parser")
    text = invite.get_text()
    assert SITE_URL + "chats/leases/" in text and "127.0.0.1" not in text
    intents = [a["href"] for a in invite.find_all("a", href=True) if "intent/post" in a["href"]]
    assert intents and not [h for h in intents if "127.0.0.1" in h]
    calendar = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == "leases@hub.example.org" and str(event["url"]).startswith(SITE_URL)
    feed = _feed(site)
    assert feed.entries[0].link == SITE_URL + "chats/leases/"
    announcement = BeautifulSoup((site / "chats/leases/index.html").read_text(), "html.parser")
    assert announcement.select_one('meta[property="og:url"]')["content"] == SITE_URL + "chats/leases/"


@pytest.mark.parametrize(("minutes", "words"), [
    (45, "a 45-minute"), (60, "a 1-hour"), (90, "a 90-minute"), (120, "a 2-hour"),
    (480, "an 8-hour"), (18, "an 18-minute"), (80, "an 80-minute"), (11, "an 11-minute"),
    (30, "a 30-minute"), (110, "a 110-minute"),
])
def test_durations_before_a_noun(minutes, words):
    assert duration_adjective(minutes) == words


def test_words_on_the_pages(make_hub):
    """One post from one participant, in one chat: every count reads as a person would write it."""
    hub = make_hub({}, {"site_url": SITE_URL})
    hub.add_chat("leases", CHAT.replace("duration: 60", "duration: 45"))
    doc = Doc(datetime(2026, 7, 9, 17, tzinfo=UTC))  # CHAT's start: 13:00 in New York
    doc.post("solo", "A1 five years #Tenants", 8)
    doc.write(hub.chats, "leases")
    hub.build()
    archive = " ".join(hub.html("chats/leases/archive/").get_text().split())
    assert "1 post from 1 participant" in archive and "1 posts" not in archive
    recap = (hub.site / "chats/leases/recap/index.html").read_text()
    assert "At most 1 post in a minute." in recap
    people = hub.html("people/")
    cell = people.select_one(".chathub-people-table tbody tr").find_all("td")[1]
    # Issue 14: the chats attended are listed by title (with their date and posts), not bare dates.
    assert " ".join(cell.get_text().split()) == "1 chat: Leases in 2027 Jul 9, 2026 · 1 post"
    feed = _feed(hub.site)
    announcement = next(e for e in feed.entries if e.link.endswith("/leases/"))
    assert "A 45-minute chat on X" in announcement.summary and "minutes chat" not in announcement.summary

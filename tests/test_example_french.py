"""The example hub's French chat: its pages, invite kit, calendar and feed entry are French, and
it and its English edition link to each other.

The example hub is built as it ships (``mkdocs build --strict`` of the repository), at the
browser tests' "now", when the French chat is still to come.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import icalendar
import pytest
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-25T12:00:00+00:00"
FRENCH = "tenants-leases-fr-2026-12-10"
ENGLISH = "tenants-leases-2026-12-10"
SITE_URL = "https://example.org/tenants-hub/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("example") / "site"
    env = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def chathub_text(soup: BeautifulSoup) -> str:
    """The text of chathub's block of a page (not Material's header, navigation or footer), less
    what says it is in another language (the link to the English edition)."""
    block = soup.select_one("article.chathub-announcement, .chathub-invite")
    assert block is not None
    for other in block.select("[lang]"):
        if not other["lang"].startswith(soup.html["lang"]):
            other.decompose()
    return re.sub(r"[ \t\r\n]+", " ", block.get_text(" ")).strip()  # no-break spaces stay


def english_messages() -> set[str]:
    """chathub's English messages of two words or more that French writes otherwise (not
    "Microsoft 365"), cut at their placeholders."""
    with (REPO / "hub" / "locales" / "fr_CA" / "LC_MESSAGES" / "chathub.po").open("rb") as handle:
        catalog = read_po(handle)
    words = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            for part in re.split(r"%\([a-z_]+\)[sd]|%%|[{}]", text or ""):
                part = part.strip(" .,:;()·—-\n")
                if len(part.split()) >= 2 and not any(part in (s or "") for s in strings):
                    words.add(part)
    return words


def test_the_example_hub_has_a_french_chat_with_its_english_edition():
    french = yaml.safe_load((REPO / "chats" / f"{FRENCH}.yml").read_text(encoding="utf-8"))
    english = yaml.safe_load((REPO / "chats" / f"{ENGLISH}.yml").read_text(encoding="utf-8"))
    assert french["language"] == "fr" and french["translation"] == ENGLISH
    assert english.get("translation", ENGLISH) in (ENGLISH, FRENCH)


@pytest.mark.parametrize(("url", "other", "hreflang", "label"), [
    (f"chats/{FRENCH}/", f"chats/{ENGLISH}/", "en", "Read this page in English"),
    (f"chats/{ENGLISH}/", f"chats/{FRENCH}/", "fr", "Lire cette page en français"),
    (f"chats/{FRENCH}/invite/", f"chats/{ENGLISH}/invite/", "en", "Read this page in English"),
    (f"chats/{ENGLISH}/invite/", f"chats/{FRENCH}/invite/", "fr", "Lire cette page en français"),
])
def test_each_edition_links_its_counterpart(site, url, other, hreflang, label):
    soup = page(site, url)
    alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}
    assert alternates[hreflang] == SITE_URL + other
    assert alternates[{"en": "fr", "fr": "en"}[hreflang]] == SITE_URL + url
    link = soup.select_one(".chathub-translation a")
    assert link.get_text(strip=True) == label
    assert link["hreflang"] == hreflang and link["lang"] == hreflang
    assert urljoin(SITE_URL + url, link["href"]) == SITE_URL + other


def test_the_french_announcement_is_french(site):
    soup = page(site, f"chats/{FRENCH}/")
    assert soup.html["lang"] == "fr"
    text = chathub_text(soup)
    assert "jeudi 10 décembre 2026 à 13 h 00 HNE" in text
    assert "Animé par Harborview Properties" in text
    assert "Ajouter au calendrier" in text
    assert re.search(r"\b1\sheure\b", text)  # Babel writes a no-break space
    left = sorted(m for m in english_messages() if m in text)
    assert not left, f"English words chathub wrote on the French page: {left}"


def test_the_english_announcement_stays_english(site):
    soup = page(site, f"chats/{ENGLISH}/")
    assert soup.html["lang"] == "en"
    assert "Thursday, December 10, 2026 at 13:00 EST" in chathub_text(soup)


def test_the_french_invite_kit_is_french(site):
    soup = page(site, f"chats/{FRENCH}/invite/")
    assert soup.html["lang"] == "fr"
    text = chathub_text(soup)
    assert "Prochain clavardage #Locataires\u00a0: Baux flexibles" in text
    assert "Copier" in text
    left = sorted(m for m in english_messages() if m in text)
    assert not left, f"English words chathub wrote on the French kit: {left}"


def test_the_french_kit_on_the_command_line(tmp_path):
    env = {**os.environ, "CHATHUB_NOW": NOW}
    done = subprocess.run([sys.executable, "-m", "chathub", "invite", FRENCH, "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    labels = {item["kind"]: item["label"] for item in items}
    assert labels["announce"] == "Annonce" and labels["closing"] == "Clôture"
    announce = next(item for item in items if item["kind"] == "announce")
    assert announce["text"].startswith("Prochain clavardage #Locataires")
    assert all(item["weighted_length"] <= item["limit"] for item in items if item.get("limit"))


def test_the_french_calendar_is_french(site):
    calendar = icalendar.Calendar.from_ical((site / "chats" / f"{FRENCH}.ics").read_bytes())
    name = "#Locataires\u00a0: Baux flexibles : ce que veulent les locataires en 2027"
    assert str(calendar["X-WR-CALNAME"]) == name
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Clavardage #Locataires\u00a0: Baux flexibles")
    assert event["SUMMARY"].params["LANGUAGE"] == "fr"
    assert "#Locataires" in str(event["DESCRIPTION"]) and "animé" in str(event["DESCRIPTION"]).lower()
    hub = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    languages = {str(e["UID"]).split("@")[0]: e["SUMMARY"].params.get("LANGUAGE") for e in hub.walk("VEVENT")}
    assert languages[FRENCH] == "fr" and languages[ENGLISH] == "en"


def test_the_french_feed_entry_is_french(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link == SITE_URL + f"chats/{FRENCH}/")
    assert entry.title == "Baux flexibles : ce que veulent les locataires en 2027 (clavardage #Locataires)"
    assert "jeudi 10 décembre 2026 à 13 h 00 HNE" in entry.summary
    assert "animé par @HarborviewCRE" in entry.summary
    english = next(e for e in feed.entries if e.link == SITE_URL + f"chats/{ENGLISH}/")
    assert "(#Tenants chat)" in english.title

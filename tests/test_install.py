"""The adoption path, as a team would take it: build the wheel, install it into a fresh venv
outside the repository, ``chathub init`` a hub, ``chathub new`` a chat, ``mkdocs build --strict``,
then read the pages, head tags, assets, calendars and feed with real parsers.

pip takes chathub's dependencies from the package index (the only network the tests use, as CI
has it); set CHATHUB_WHEELHOUSE to a folder of wheels to install from it alone, offline.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import venv
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import REPO

SITE_URL = "https://hub.example.org/tenants/"
NOW = "2027-01-10T12:00:00+00:00"


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def _clean_env(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CHATHUB_", "SOURCE_DATE"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    args = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)]
    _run(args, dist, {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    (found,) = dist.glob("chathub-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, outside the repository, with the wheel and its dependencies: its bin/."""
    root = tmp_path_factory.mktemp("venv")
    assert not root.resolve().is_relative_to(REPO)
    venv.create(root / "env", with_pip=True)
    bin_dir = root / "env" / ("Scripts" if os.name == "nt" else "bin")
    install = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)]
    wheelhouse = os.environ.get("CHATHUB_WHEELHOUSE")
    if wheelhouse:
        install += ["--no-index", "--find-links", wheelhouse]
    _run(install, root, {**_clean_env(bin_dir), "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return bin_dir


def test_the_wheel_ships_everything(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("chathub/templates/chathub/head.html", "chathub/templates/chathub/kit/blog.txt",
                   "chathub/assets/archive.js", "chathub/assets/chathub.css", "chathub/scaffold/chat.yml",
                   "chathub/scaffold/hub/mkdocs.yml", "chathub/scaffold/hub/workflows/publish.yml",
                   "chathub/scaffold/hub/scripts/commit-transcripts", "chathub/py.typed"):
        assert needed in names, needed
    for package in ("analysis", "capture/x", "cli", "kit", "model", "pages", "transcripts"):
        assert f"chathub/{package}/__init__.py" in names
    assert not [n for n in names if n.startswith("hub/")]  # nothing under the source folder's name
    metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = email.message_from_bytes(zipfile.ZipFile(wheel).read(metadata_name))
    assert metadata["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    requires = " ".join(metadata.get_all("Requires-Dist") or [])
    for dependency in ("requests", "markupsafe", "mkdocs-material", "twitter-text-parser<3.1"):
        assert dependency in requires.lower()
    assert metadata.get_all("Project-URL") and metadata.get_all("Classifier")


def test_a_new_hub_from_the_installed_wheel(installed: Path, tmp_path: Path):
    env = {**_clean_env(installed), "CHATHUB_NOW": NOW}
    where = _run([str(installed / "python"), "-c", "import chathub; print(chathub.__file__)"], tmp_path, env)
    assert not Path(where.strip()).resolve().is_relative_to(REPO)  # the installed copy, not the source
    _run(["chathub", "init", "hub", "--site-url", SITE_URL, "--timezone", "America/New_York",
          "--organization", "@HostCo"], tmp_path, env)
    hub = tmp_path / "hub"
    out = _run(["chathub", "new", "--title", "Flexible leases", "--hashtag", "Tenants", "--start",
                "2027-02-11 13:00", "--host", "@HostCo", "--question", "How long a lease would you sign?",
                "--question", "Which clause saved you?", "--publish"], hub, env)
    assert "chats/tenants-2027-02-11.yml" in out
    (hub / "chats" / "tenants-2027-02-11.yml").write_text(
        (hub / "chats" / "tenants-2027-02-11.yml").read_text()
        .replace("Why we host this chat, and who it is for.", "For tenants who sign leases.")
        .replace("How we follow up afterwards: a recap on the blog, answers to open questions.",
                 "We send a checklist."))
    check = _run(["chathub", "check"], hub, env)
    assert "0 errors" in check
    _run(["mkdocs", "build", "--strict"], hub, env)
    site = hub / "site"

    def soup(url: str) -> BeautifulSoup:
        return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")

    page = soup("chats/tenants-2027-02-11")
    meta = {m.get("property") or m.get("name"): m["content"]
            for m in page.find_all("meta") if m.get("content")}
    assert meta["og:title"] == "Flexible leases"
    assert meta["og:url"] == SITE_URL + "chats/tenants-2027-02-11/"
    assert meta["twitter:site"] == "@HostCo"
    # The social card is drawn with what the wheel installs (Pillow and its font), offline.
    assert meta["twitter:card"] == "summary_large_image"
    assert (site / "chats/tenants-2027-02-11/card.png").is_file()
    page_url = SITE_URL + "chats/tenants-2027-02-11/"
    feed_link = page.select_one('link[rel="alternate"][type="application/rss+xml"]')
    assert urljoin(page_url, feed_link["href"]) == SITE_URL + "feed.xml"
    for tag, attribute in (('link[rel="stylesheet"]', "href"), ("script[src]", "src")):
        for element in page.select(tag):
            target = urljoin(page_url, element[attribute])
            if target.startswith(SITE_URL + "assets/chathub/"):
                assert (site / target.removeprefix(SITE_URL)).is_file(), target
    assert page.select_one('script[src$="assets/chathub/archive.js"]')
    assert "Which clause saved you?" in page.get_text()
    # The example chat is a draft: not published anywhere.
    assert not (site / "chats" / "example-chat").exists()
    home = soup("")
    assert "Flexible leases" in home.get_text()  # the upcoming list on the home page
    assert home.select_one('nav a[href$="people/"]') or "People" in home.get_text()
    calendar = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == ["tenants-2027-02-11@hub.example.org"]
    assert events[0].decoded("dtstart") == datetime(2027, 2, 11, 18, tzinfo=UTC)
    single = icalendar.Calendar.from_ical((site / "chats" / "tenants-2027-02-11.ics").read_bytes())
    assert str(single.walk("VEVENT")[0]["url"]) == page_url
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.link for e in feed.entries] == [page_url]
    built = datetime(*feed.feed.updated_parsed[:6], tzinfo=UTC)
    assert built <= datetime.fromisoformat(NOW)
    sitemap = (site / "sitemap.xml").read_text()
    assert page_url in sitemap and "/invite/" not in sitemap
    # The workflows the hub got are the ones this repository runs.
    for name in ("publish.yml", "fetch.yml", "comply.yml"):
        assert (hub / ".github" / "workflows" / name).read_text() == \
            (REPO / ".github" / "workflows" / name).read_text()
    assert os.access(hub / "scripts" / "commit-transcripts", os.X_OK)
    requirements = (hub / "requirements.txt").read_text()
    assert "chathub==" in requirements

"""Black-box acceptance tests for issues 2 (chats become a hub site) and 3 (invite kit, calendars,
feeds), written from the issues' contracts: file names, URLs, CLI commands, JSON fields and page
contents. Tiny hubs are built in tmp_path with the real clock (no CHATHUB_NOW): dates are chosen
far enough from today that "upcoming" and "past" do not depend on the day the tests run.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
import yaml
from bs4 import BeautifulSoup
from twitter_text import parse_tweet

from chathub.cli import main as chathub_main

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]
SITE_URL = "https://hub.example.net/sub/"
REAL_NOW = datetime.now(UTC)
FY = REAL_NOW.year + 3  # a future year for DST-edge chats
PROBLEM = re.compile(r"(chats/[A-Za-z0-9_.-]+\.ya?ml):(\d+):(\d+): (.+)")
KIT_FIELDS = {"kind", "channel", "text", "weighted_length", "at"}


# ---------------------------------------------------------------------------------------------
# Helpers: dates, hubs, builds, the CLI
# ---------------------------------------------------------------------------------------------


def nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7, weeks=n - 1)


ADL = ZoneInfo("Australia/Adelaide")
NY = ZoneInfo("America/New_York")
ADL_DST_END = nth_sunday(FY, 4, 1)  # 03:00 ACDT -> 02:00 ACST: 02:30 happens twice
ADL_DST_START = nth_sunday(FY, 10, 1)  # 02:00 ACST -> 03:00 ACDT: 02:30 never happens
NY_DST_START = nth_sunday(FY, 3, 2)  # 02:00 EST -> 03:00 EDT


def wall(day: date, hour: int, minute: int, zone: ZoneInfo, fold: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone, fold=fold)


def is_gap(moment: datetime) -> bool:
    return moment.astimezone(UTC).astimezone(moment.tzinfo).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    )


def is_fold(moment: datetime) -> bool:
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset() and not is_gap(
        moment
    )


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def fmt_day(day: date, time: str) -> str:
    return f"{day:%Y-%m-%d} {time}"


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CHATHUB_NOW"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def write_hub(root: Path, chats: dict[str, str], options: dict | None = None,
              site: dict | None = None) -> Path:
    """A fresh hub: mkdocs.yml (material; search and chathub), content/index.md and chats/."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "chats").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Welcome\n\nOur community chats.\n", encoding="utf-8")
    config = {
        "site_name": "Acceptance <Hub> & Co",
        "docs_dir": "content",
        "theme": {"name": "material"},
        "plugins": ["search", {"chathub": options or {}}],
        **(site or {}),
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for slug, text in chats.items():
        (root / "chats" / f"{slug}.yml").write_text(textwrap.dedent(text).lstrip("\n"),
                                                     encoding="utf-8")
    return root


def build_in_process(root: Path) -> Path:
    """``mkdocs build`` in this process (no CHATHUB_NOW)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CHATHUB_NOW", raising=False)
        config = load_config(str(root / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    return root / "site"


def mkdocs(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "mkdocs"), *args], cwd=root, env=clean_env(),
                          capture_output=True, text=True, timeout=120)


def console(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``chathub`` console script."""
    return subprocess.run([str(BIN / "chathub"), *args], cwd=root, env=clean_env(), input=stdin,
                          capture_output=True, text=True, timeout=120)


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    """``hub.cli.main([...])`` in-process, from the hub's folder."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CHATHUB_NOW", raising=False)
        with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = chathub_main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def kit_json(root: Path, slug: str) -> list[dict]:
    code, out, err = cli(root, "invite", slug, "--json")
    assert code == 0, err
    return json.loads(out)


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def content(soup: BeautifulSoup):
    return soup.select_one(".md-content") or soup


def resolve(page_url: str, href: str) -> str:
    """A link of the page at ``page_url`` as a site-relative URL (or the absolute URL)."""
    base = "http://site.invalid/"
    joined = urljoin(base + page_url, href)
    return joined[len(base):] if joined.startswith(base) else joined


def problems(text: str) -> list[tuple[str, int, int, str]]:
    return [(m[1], int(m[2]), int(m[3]), m[4]) for m in PROBLEM.finditer(text)]


def aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert moment.tzinfo is not None and moment.utcoffset() is not None, value
    return moment


def has_tag(text: str, tag: str) -> bool:
    """``tag`` (with '#') appears as a whole hashtag, as twitter-text would extract it."""
    body = re.escape(tag.lstrip("#"))
    return re.search(r"(?:^|[^\w&#＃])[#＃]" + body + r"(?![\w])", text, re.IGNORECASE) is not None


def assert_x_rules(text: str, tag: str) -> None:
    parsed = parse_tweet(text)
    assert parsed.weightedLength <= 280, (parsed.weightedLength, text)
    assert has_tag(text, tag), text
    assert not text.startswith(("@", "＠")), text


def site_texts(site: Path) -> dict[str, str]:
    """Every file of a built site as text (gzip files decompressed)."""
    texts = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        texts[path.relative_to(site).as_posix()] = data.decode("utf-8", "replace")
    return texts


# ---------------------------------------------------------------------------------------------
# The main hub: varied, unusual but valid chats around the real "now"
# ---------------------------------------------------------------------------------------------

SOON = (REAL_NOW + timedelta(days=30)).date()
LATER = (REAL_NOW + timedelta(days=60)).date()
HOSTILE_DAY = (REAL_NOW + timedelta(days=200)).date()
CANCELLED_DAY = (REAL_NOW + timedelta(days=100)).date()
DRAFT_DAY = (REAL_NOW + timedelta(days=50)).date()
RECENT_PAST = (REAL_NOW - timedelta(days=400)).date()

HOSTILE_TITLE = '<script>alert("title")</script> & <b>Bold</b> "quoted" it\'s'
HOSTILE_NAME = "<img src=x onerror=alert(1)>Eve"
HOSTILE_BIO = '"><script>alert(2)</script> bio'
HOSTILE_Q1 = "<script>alert(3)</script> What's next?"
HOSTILE_Q2 = "Q & A with <b>bold</b> <a href='javascript:alert(4)'>link</a>?"

GOOD_CHATS: dict[str, str] = {
    # No timezone: the plugin's Asia/Kolkata (+05:30). Host as a string, people as mappings.
    "kolkata-cjk": f"""
        title: "日本語のチャット 🎉 Ünïcode «Mieter»"
        hashtag: "#Mieter"
        start: {FY}-03-10 19:30
        duration: 75
        host: "@host_one"
        moderators:
          - "@mod_a"
          - handle: "@Mod_B"
            name: Mod Bé
        guests:
          - handle: "@guest_x"
            name: Gäst X
            bio: 東京の建築家 🚀
            url: https://example.org/guest
          - "@guest_y"
        questions:
          - "何が一番大切ですか？🏢"
          - "¿Qué opinas? 😀😀"
          - text: "Third, with twenty minutes"
            minutes: 20
          - "Fourth and last?"
        about: |
          We host this chat **for tenants** and landlords alike.
        followup: |
          We email a CHECKLIST-FOLLOWUP within 48 hours.
    """,
    # Crosses the end of daylight saving time in Adelaide (+10:30 -> +09:30).
    "adelaide-fall": f"""
        title: Autumn in Adelaide
        hashtag: "#Adl"
        start: {fmt_day(ADL_DST_END, "01:30")}
        timezone: Australia/Adelaide
        duration: 120
        host: {{handle: "@adl_host", name: Adelaide Host}}
        questions: ["One?", "Two?", "Three?"]
    """,
    # Starts just after the clocks go forward in Adelaide.
    "adelaide-spring": f"""
        title: Spring in Adelaide
        hashtag: "#Adl"
        start: {fmt_day(ADL_DST_START, "03:30")}
        timezone: Australia/Adelaide
        host: "@adl_host"
        questions: ["First?"]
    """,
    "ny-summer": f"""
        title: Summer leases
        hashtag: "#Tenants"
        start: {FY}-07-08 13:00
        timezone: America/New_York
        host: "@HarborHost"
    """,
    "ny-winter": f"""
        title: Winter leases
        hashtag: "#Tenants"
        start: {FY}-12-09 13:00
        timezone: America/New_York
        duration: 30
        host: "@HarborHost"
    """,
    "hostile": yaml.safe_dump({
        "title": HOSTILE_TITLE,
        "hashtag": "#Safe",
        "start": fmt_day(HOSTILE_DAY, "18:00"),
        "timezone": "Europe/Berlin",
        "host": {"handle": "@evil_host", "name": HOSTILE_NAME, "bio": HOSTILE_BIO,
                 "url": 'https://example.org/?a=1&b="x"<y>'},
        "guests": [{"handle": "@evil_guest", "name": "<i>Guest</i> & co", "bio": "<b>bio</b>"}],
        "questions": [HOSTILE_Q1, HOSTILE_Q2],
        "about": "Raw <script>alert(5)</script> HTML and <iframe src=x></iframe> here.",
        "followup": "We follow up <img src=x onerror=alert(6)> soon.",
    }, allow_unicode=True),
    "cancelled-one": f"""
        title: Cancelled chat title
        hashtag: "#Tenants"
        start: {fmt_day(CANCELLED_DAY, "12:00")}
        timezone: Europe/London
        host: "@HarborHost"
        status: cancelled
    """,
    "secret-draft": f"""
        title: DRAFTSECRET Zebra
        hashtag: "#DraftOnlyTag"
        start: {fmt_day(DRAFT_DAY, "10:00")}
        host: "@draftonlyhost"
        questions: ["DRAFTQUESTION one?"]
        about: DRAFTABOUT text
        status: draft
    """,
    "leap-past": """
        title: Leap day chat
        hashtag: "#Leap"
        start: 2004-02-29 12:00
        timezone: Europe/London
        host: "@leaper"
    """,
    "recent-past": f"""
        title: Recent past in São Paulo
        hashtag: "#Recente"
        start: {fmt_day(RECENT_PAST, "18:00")}
        timezone: America/Sao_Paulo
        host: "@paulista"
    """,
    "soon": f"""
        title: Soon in Kathmandu
        hashtag: "#Soon"
        start: {fmt_day(SOON, "09:15")}
        timezone: Asia/Kathmandu
        host: "@ktm_host"
    """,
    "far-future": """
        title: Far future on Chatham
        hashtag: "#Future"
        start: 2099-06-15 10:00
        timezone: Pacific/Chatham
        host: "@chatham"
    """,
    "hidden-qs-future": f"""
        title: Hidden questions
        hashtag: "#Hidden"
        start: {fmt_day(LATER, "16:00")}
        timezone: Europe/Paris
        host: "@hider"
        hide_questions: true
        questions: ["HIDDENQUESTION one?", "HIDDENQUESTION two?"]
    """,
    "hidden-qs-past": """
        title: Revealed questions
        hashtag: "#Hidden"
        start: 2005-05-05 16:00
        timezone: Europe/Paris
        host: "@hider"
        hide_questions: true
        questions: ["REVEALEDQUESTION one?"]
    """,
    "many-questions": yaml.safe_dump({
        "title": "Twenty-five questions",
        "hashtag": "#Many",
        "start": fmt_day(LATER, "20:00"),
        "timezone": "America/Los_Angeles",
        "duration": 90,
        "host": "@many_host",
        "questions": [f"Question number {i}, what do you think?" for i in range(1, 26)],
    }),
}
for _n in range(1, 23):
    GOOD_CHATS[f"filler-{_n:02d}"] = f"""
        title: Filler chat {_n}
        hashtag: "#Filler"
        start: 2010-01-{_n:02d} 10:00
        host: "@filler"
    """

CHAT_ZONES = {
    "kolkata-cjk": "Asia/Kolkata", "adelaide-fall": "Australia/Adelaide",
    "adelaide-spring": "Australia/Adelaide", "ny-summer": "America/New_York",
    "ny-winter": "America/New_York", "hostile": "Europe/Berlin", "cancelled-one": "Europe/London",
    "leap-past": "Europe/London", "recent-past": "America/Sao_Paulo", "soon": "Asia/Kathmandu",
    "far-future": "Pacific/Chatham", "hidden-qs-future": "Europe/Paris",
    "hidden-qs-past": "Europe/Paris", "many-questions": "America/Los_Angeles",
}
DURATIONS = {"kolkata-cjk": 75, "adelaide-fall": 120, "ny-winter": 30, "many-questions": 90}
HASHTAGS = {
    "kolkata-cjk": "#Mieter", "adelaide-fall": "#Adl", "adelaide-spring": "#Adl",
    "ny-summer": "#Tenants", "ny-winter": "#Tenants", "hostile": "#Safe",
    "cancelled-one": "#Tenants", "leap-past": "#Leap", "recent-past": "#Recente", "soon": "#Soon",
    "far-future": "#Future", "hidden-qs-future": "#Hidden", "hidden-qs-past": "#Hidden",
    "many-questions": "#Many",
}


def start_of(slug: str) -> datetime:
    """The chat's start as an aware instant in its zone, from the chat file's text."""
    text = GOOD_CHATS[slug]
    raw = re.search(r"start: '?(\d{4}-\d{2}-\d{2} \d{2}:\d{2})", text)[1]
    zone = ZoneInfo(zone_of(slug))
    return datetime.strptime(raw, "%Y-%m-%d %H:%M").replace(tzinfo=zone)


PUBLISHED = [s for s in GOOD_CHATS if s != "secret-draft"]


def zone_of(slug: str) -> str:
    return CHAT_ZONES.get(slug, "Asia/Kolkata")  # the hub's default zone


@dataclass
class Built:
    root: Path
    site: Path


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_hub(tmp_path_factory.mktemp("good"), GOOD_CHATS,
                     {"timezone": "Asia/Kolkata", "organization": "@OrgCo"}, {"site_url": SITE_URL})
    before = sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*"))
    site = build_in_process(root)
    after = sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*"))
    assert before == after, "the build wrote into content/"
    return Built(root, site)


@pytest.fixture(scope="module")
def good_rebuilt(good: Built) -> Built:
    """The same hub built again, by the ``mkdocs`` command, strict, into another folder."""
    result = mkdocs(good.root, "build", "--strict", "-d", str(good.root / "site2"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return Built(good.root, good.root / "site2")


# ---------------------------------------------------------------------------------------------
# Issue 2: packaging and layout
# ---------------------------------------------------------------------------------------------


def test_package_declares_console_script_and_mkdocs_plugin():
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts.get("chathub") == "chathub.cli:main"
    plugins = {e.name for e in entry_points(group="mkdocs.plugins")}
    assert "chathub" in plugins
    pyproject = (REPO / "pyproject.toml").read_text()
    assert re.search(r'^name\s*=\s*"chathub"', pyproject, re.M)


def test_main_returns_exit_code(good: Built):
    code, out, err = cli(good.root, "check")
    assert isinstance(code, int) and code == 0, err
    assert "Traceback" not in out + err


def test_repository_is_an_example_hub():
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert config["docs_dir"] == "content"
    assert config["theme"]["name"] == "material"
    assert config["theme"]["custom_dir"] == "theme_overrides"
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert "search" in names and "chathub" in names
    for path in ("content", "theme_overrides", "chats", "tests", "README.md", ".ci/run"):
        assert (REPO / path).exists(), path
    assert list((REPO / "content").glob("*.md"))
    slugs = [p.stem for p in (REPO / "chats").glob("*.yml")]
    assert len(slugs) >= 3 and all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)


def test_example_hub_has_past_upcoming_and_draft_chats_by_the_real_clock():
    statuses, starts = {}, {}
    for path in (REPO / "chats").glob("*.yml"):
        data = yaml.safe_load(path.read_text())
        statuses[path.stem] = data.get("status", "scheduled")
        zone = ZoneInfo(data.get("timezone", "America/New_York"))
        starts[path.stem] = datetime.fromisoformat(str(data["start"]).replace(" ", "T")).replace(
            tzinfo=zone)
    assert "draft" in statuses.values()
    published = [s for s, st in statuses.items() if st != "draft"]
    assert any(starts[s] < REAL_NOW for s in published), "no past chat"
    assert any(starts[s] > REAL_NOW for s in published), "no upcoming chat by today's date"


def test_example_hub_builds_strict(tmp_path: Path):
    result = mkdocs(REPO, "build", "--strict", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "chats" / "index.html").is_file()


# ---------------------------------------------------------------------------------------------
# Issue 2: pages
# ---------------------------------------------------------------------------------------------


def test_build_by_command_strict_succeeds_and_matches(good_rebuilt: Built, good: Built):
    for slug in PUBLISHED:
        assert (good_rebuilt.site / "chats" / slug / "index.html").is_file(), slug
    assert not (good_rebuilt.site / "chats" / "secret-draft").exists()


def test_every_published_chat_has_an_announcement_and_drafts_none(good: Built):
    for slug in PUBLISHED:
        assert (good.site / "chats" / slug / "index.html").is_file(), slug
    assert not (good.site / "chats" / "secret-draft").exists()
    assert not (good.site / "chats" / "secret-draft.ics").exists()


def _index_pages(site: Path) -> list[tuple[str, BeautifulSoup]]:
    pages, url, seen = [], "chats/", set()
    while url and url not in seen:
        seen.add(url)
        soup = page(site, url)
        pages.append((url, soup))
        nxt = content(soup).select_one('a[rel~="next"]') or soup.select_one('link[rel~="next"]')
        url = resolve(url, nxt["href"]) if nxt else None
        if url and not (site / url / "index.html").is_file():
            url = None
    return pages


def _chat_links(url: str, soup: BeautifulSoup) -> list[str]:
    found: list[str] = []
    for a in content(soup).find_all("a", href=True):
        m = re.fullmatch(r"chats/([a-z0-9-]+)/", resolve(url, a["href"]))
        if m and m[1] != "page" and (not found or found[-1] != m[1]):
            found.append(m[1])
    return found


def test_index_orders_upcoming_soonest_first_then_past_newest_first_and_paginates(good: Built):
    pages = _index_pages(good.site)
    assert len(pages) >= 2, "36 published chats should not all sit on one index page"
    order: list[str] = []
    for url, soup in pages:
        links = _chat_links(url, soup)
        assert len(links) < len(PUBLISHED)
        order += links
    assert sorted(order) == sorted(PUBLISHED), "every published chat once, drafts never"

    def end(slug: str) -> datetime:
        return start_of(slug).astimezone(UTC) + timedelta(minutes=DURATIONS.get(slug, 60))

    upcoming = sorted((s for s in PUBLISHED if end(s) > REAL_NOW), key=lambda s: start_of(s).astimezone(UTC))
    past = sorted((s for s in PUBLISHED if end(s) <= REAL_NOW),
                  key=lambda s: start_of(s).astimezone(UTC), reverse=True)
    assert order == upcoming + past
    # Only the index is in the navigation: page 1 lists what the chat pages do not.
    nav = good.site / "index.html"
    nav_links = {resolve("", a["href"]) for a in BeautifulSoup(nav.read_text(), "html.parser")
                 .select("nav.md-nav--primary a[href]")}
    assert "chats/" in nav_links
    assert not [u for u in nav_links if re.fullmatch(r"chats/[a-z0-9-]+/", u)
                and u != "chats/page/"]


def test_index_marks_cancelled_chats(good: Built):
    for url, soup in _index_pages(good.site):
        for a in content(soup).find_all("a", href=True):
            if resolve(url, a["href"]) == "chats/cancelled-one/":
                card = a.find_parent(["li", "article", "div", "tr"])
                assert re.search(r"cancel", card.get_text(" "), re.I)
                return
    pytest.fail("cancelled chat not on the index")


def test_announcement_page_shows_everything(good: Built):
    soup = page(good.site, "chats/kolkata-cjk/")
    main = content(soup)
    text = main.get_text(" ")
    assert main.find("h1").get_text(strip=True) == "日本語のチャット 🎉 Ünïcode «Mieter»"
    assert "#Mieter" in text
    start = start_of("kolkata-cjk")
    times = [aware(t["datetime"]) for t in main.find_all("time", datetime=True)]
    assert times, "no <time datetime>"
    assert any(t == start and t.utcoffset() == timedelta(hours=5, minutes=30) for t in times)
    assert any(t == start and t.utcoffset() == timedelta(0) for t in times)
    assert "19:30" in text and "14:00" in text  # local and UTC wall times
    assert re.search(r"75\s*min|1\s*h(ou)?r?\s*15", text)
    hrefs = {a["href"].rstrip("/").lower() for a in main.find_all("a", href=True)}
    for handle in ("host_one", "mod_a", "mod_b", "guest_x", "guest_y"):
        assert f"https://x.com/{handle}" in hrefs or f"https://twitter.com/{handle}" in hrefs, handle
    for question in ("何が一番大切ですか？🏢", "¿Qué opinas? 😀😀", "Fourth and last?"):
        assert question in text
    assert main.find("strong", string="for tenants")  # about is Markdown
    assert "A1" in text and "A2" in text
    assert "CHECKLIST-FOLLOWUP" in text
    assert "Gäst X" in text and "東京の建築家 🚀" in text


def test_announcement_times_degrade_without_javascript_and_ship_a_local_time_script(good: Built):
    soup = page(good.site, "chats/soon/")
    instant = start_of("soon")
    matching = [t for t in content(soup).find_all("time", datetime=True)
                if aware(t["datetime"]) == instant]
    assert len(matching) >= 3, "zone, UTC and the visitor's own time"
    assert all(t.get_text(strip=True) for t in matching), "each has a no-JS fallback text"
    scripts = [resolve("chats/soon/", s["src"]) for s in soup.find_all("script", src=True)]
    ours = [good.site / s.split("?")[0] for s in scripts if not s.startswith("http")]
    code = "".join(p.read_text() for p in ours if p.is_file() and "chathub" in p.as_posix())
    assert re.search(r"toLocale|Intl\.DateTimeFormat", code)


@pytest.mark.parametrize(("slug", "utc"), [
    ("ny-summer", (17, 0)), ("ny-winter", (18, 0)), ("soon", (3, 30)), ("kolkata-cjk", (14, 0)),
    ("far-future", None), ("leap-past", (12, 0)),
])
def test_times_in_zone_and_utc(good: Built, slug: str, utc: tuple[int, int] | None):
    start = start_of(slug)
    if utc:
        assert (start.astimezone(UTC).hour, start.astimezone(UTC).minute) == utc  # sanity
    main = content(page(good.site, f"chats/{slug}/"))
    values = [t["datetime"] for t in main.find_all("time", datetime=True)]
    instants = [aware(v) for v in values]
    assert any(i == start and i.utcoffset() == start.utcoffset() for i in instants), values
    assert any(i == start and i.utcoffset() == timedelta(0) for i in instants), values


def test_dst_edges_in_adelaide(good: Built):
    spring = start_of("adelaide-spring")
    assert spring.utcoffset() == timedelta(hours=10, minutes=30)
    main = content(page(good.site, "chats/adelaide-spring/"))
    assert any(aware(t["datetime"]) == spring for t in main.find_all("time", datetime=True))
    fall = start_of("adelaide-fall")
    assert fall.utcoffset() == timedelta(hours=10, minutes=30)
    main = content(page(good.site, "chats/adelaide-fall/"))
    assert any(aware(t["datetime"]) == fall for t in main.find_all("time", datetime=True))


def test_end_of_a_chat_spanning_a_dst_change_is_duration_minutes_later(good: Built):
    fall = start_of("adelaide-fall")
    real_end = fall.astimezone(UTC) + timedelta(minutes=120)
    main = content(page(good.site, "chats/adelaide-fall/"))
    ends = [aware(t["datetime"]) for t in main.find_all("time", datetime=True)
            if aware(t["datetime"]) > fall]
    assert ends and all(e == real_end for e in ends), (ends, real_end)
    cal = icalendar.Calendar.from_ical((good.site / "chats" / "adelaide-fall.ics").read_bytes())
    event = next(iter(cal.walk("VEVENT")))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=120)


def test_hidden_questions_stay_hidden_until_the_chat_starts(good: Built):
    texts = site_texts(good.site)
    leaking = [name for name, text in texts.items() if "HIDDENQUESTION" in text]
    assert leaking == [], leaking
    text = content(page(good.site, "chats/hidden-qs-past/")).get_text(" ")
    assert "REVEALEDQUESTION one?" in text
    code, out, err = cli(good.root, "invite", "hidden-qs-future", "--json")
    assert code == 0 and "HIDDENQUESTION one?" in out  # the host still gets them


def test_cancelled_chat_is_published_and_marked(good: Built):
    main = content(page(good.site, "chats/cancelled-one/"))
    assert re.search(r"cancel", main.get_text(" "), re.I)


def test_drafts_are_absent_from_every_output(good: Built):
    for name, text in site_texts(good.site).items():
        for marker in ("DRAFTSECRET", "secret-draft", "DraftOnlyTag", "draftonlyhost",
                       "DRAFTQUESTION", "DRAFTABOUT"):
            assert marker not in text, (name, marker)


def test_home_page_is_kept_and_nothing_written_into_content(good: Built):
    assert (good.site / "index.html").is_file()
    assert "Our community chats." in (good.site / "index.html").read_text()
    assert sorted(p.name for p in (good.root / "content").iterdir()) == ["index.md"]


# ---------------------------------------------------------------------------------------------
# Issue 2 (and 3): escaping of hostile input everywhere it appears
# ---------------------------------------------------------------------------------------------


def _no_injected_markup(node) -> None:
    assert not node.find_all(["script", "iframe"], string=re.compile("alert")), "script injected"
    assert not node.find_all("script", src=False, string=re.compile(r"alert\(")), "inline script"
    assert not node.find_all("img", attrs={"onerror": True})
    assert not node.find_all("iframe")
    assert not [a for a in node.find_all("a", href=True) if a["href"].lower().startswith("javascript")]


def test_hostile_text_is_escaped_on_the_announcement(good: Built):
    soup = page(good.site, "chats/hostile/")
    main = content(soup)
    _no_injected_markup(soup)
    h1 = main.find("h1")
    assert h1.get_text() == HOSTILE_TITLE and not h1.find("b")
    assert HOSTILE_TITLE in soup.title.get_text()
    assert any(HOSTILE_TITLE in t.get_text() for t in soup.select(".md-header__topic"))
    text = main.get_text(" ")
    for raw in (HOSTILE_Q1, HOSTILE_Q2, HOSTILE_NAME, HOSTILE_BIO, "<i>Guest</i> & co",
                "<script>alert(5)</script>", "<img src=x onerror=alert(6)>"):
        assert raw in text, raw
    meta = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta")}
    assert meta["og:title"] == HOSTILE_TITLE


def test_hostile_text_is_escaped_on_index_and_invite_page(good: Built):
    for _url, soup in _index_pages(good.site):
        _no_injected_markup(soup)
    soup = page(good.site, "chats/hostile/invite/")
    _no_injected_markup(soup)
    pres = [p.get_text() for p in content(soup).find_all("pre")]
    assert any(HOSTILE_TITLE in p for p in pres)
    assert any(HOSTILE_Q1 in p for p in pres)


def test_hostile_text_is_plain_text_in_calendar_and_feed(good: Built):
    cal = icalendar.Calendar.from_ical((good.site / "chats" / "hostile.ics").read_bytes())
    event = next(iter(cal.walk("VEVENT")))
    assert HOSTILE_TITLE in str(event["SUMMARY"])
    feed = feedparser.parse((good.site / "feed.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.link.rstrip("/").endswith("chats/hostile"))
    assert "alert(\"title\")" in BeautifulSoup(entry.title, "html.parser").get_text() or \
        HOSTILE_TITLE in entry.title


def test_feed_descriptions_show_hostile_titles_literally(good: Built):
    feed = feedparser.parse((good.site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.rstrip("/").endswith("chats/hostile"))
    assert HOSTILE_TITLE in BeautifulSoup(entry.summary, "html.parser").get_text()


def test_markdown_links_in_about_are_http_only(tmp_path: Path):
    root = write_hub(tmp_path, {"js": f"""
        title: Links
        hashtag: "#Links"
        start: {FY}-02-02 10:00
        host: "@h"
        about: "[click me](javascript:alert(1)) and [data](data:text/html,hi)"
        followup: "[again](JAVASCRIPT:alert(2))"
    """})
    site = build_in_process(root)
    soup = page(site, "chats/js/")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], hrefs


# ---------------------------------------------------------------------------------------------
# Issue 2: CLI check and new
# ---------------------------------------------------------------------------------------------


def test_check_passes_on_a_good_hub_in_process_and_by_console_script(good: Built):
    code, out, err = cli(good.root, "check")
    assert code == 0, out + err
    result = console(good.root, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_accepts_paths(good: Built):
    code, out, err = cli(good.root, "check", "chats/kolkata-cjk.yml", "chats/soon.yml")
    assert code == 0, out + err
    code, out, err = cli(good.root, "check", "chats")
    assert code == 0, out + err


def test_new_scaffolds_a_chat_that_passes_check(tmp_path: Path):
    root = write_hub(tmp_path, {}, {"timezone": "Australia/Adelaide"})
    code, out, err = cli(root, "new", "--title", 'Ünïcode "quoted" title: 日本語 🎉',
                         "--hashtag", "#NewOne", "--start", f"{FY}-05-05 18:30", "--host", "@new_host")
    assert code == 0, err
    files = list((root / "chats").glob("*.yml"))
    assert len(files) == 1 and re.fullmatch(r"[a-z0-9-]+", files[0].stem)
    code, out, err = cli(root, "check")
    assert code == 0, out + err
    data = yaml.safe_load(files[0].read_text())
    assert data["title"] == 'Ünïcode "quoted" title: 日本語 🎉'
    result = console(root, "invite", files[0].stem, "--json")
    assert result.returncode == 0, result.stderr
    assert all(has_tag(i["text"], "#NewOne") for i in json.loads(result.stdout) if i["channel"] == "x")


def test_new_asks_for_what_is_missing(tmp_path: Path):
    root = write_hub(tmp_path, {})
    result = console(root, "new", stdin=f"Asked title\n#Asked\n{FY}-06-01 09:00\n@asker\n")
    assert result.returncode == 0, result.stderr
    [path] = list((root / "chats").glob("*.yml"))
    assert yaml.safe_load(path.read_text())["title"] == "Asked title"
    assert console(root, "check").returncode == 0


def test_new_rejects_bad_values_without_traceback(tmp_path: Path):
    root = write_hub(tmp_path, {}, {"timezone": "America/New_York"})
    result = console(root, "new", "--title", "T", "--hashtag", "two words", "--start",
                     fmt_day(NY_DST_START, "02:30"), "--host", "@h")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert not list((root / "chats").glob("*.yml"))


def test_new_with_a_very_long_question_passes_check(tmp_path: Path):
    root = write_hub(tmp_path, {})
    code, out, err = cli(root, "new", "--title", "T", "--hashtag", "#Qq", "--start",
                         f"{FY}-05-01 10:00", "--host", "@h", "--question", "字" * 200)
    if code != 0:  # refusing is right, as long as it says why and writes nothing
        assert "Q1" in err and not list((root / "chats").glob("*.yml"))
        return
    code, out, err = cli(root, "check")
    assert code == 0, out + err


def test_new_does_not_write_an_overlapping_chat(tmp_path: Path):
    root = write_hub(tmp_path, {"first": f"""
        title: First
        hashtag: "#Same"
        start: {FY}-05-01 10:00
        host: "@h"
    """})
    code, out, err = cli(root, "new", "--title", "Second", "--hashtag", "#Same", "--start",
                         f"{FY}-05-01 10:30", "--host", "@h", "--slug", "second")
    if code != 0:  # refusing is right, as long as it says why and writes nothing
        assert "overlaps" in err and not (root / "chats" / "second.yml").exists()
        return
    code, out, err = cli(root, "check")
    assert code == 0, out + err


def test_plugin_watches_the_chats_folder_under_serve(good: Built):
    from mkdocs.config import load_config

    config = load_config(str(good.root / "mkdocs.yml"))
    plugin = config.plugins["chathub"]

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path, *args, **kwargs):
            self.watched.append(str(path))

    server = Server()
    plugin.on_serve(server, config=config, builder=lambda: None)
    assert any(Path(p).resolve() == (good.root / "chats").resolve() for p in server.watched)


# ---------------------------------------------------------------------------------------------
# Issue 2: bad input
# ---------------------------------------------------------------------------------------------

NY_GAP = wall(NY_DST_START, 2, 30, NY)
ADL_FOLD = wall(ADL_DST_END, 2, 30, ADL)
ADL_GAP = wall(ADL_DST_START, 2, 30, ADL)

BAD_CHATS = {
    "fine": f"""
        title: Fine
        hashtag: "#Fine"
        start: {FY}-01-05 10:00
        host: "@h"
    """,
    "malformed": f"""
        title: Broken
        hashtag: "#Ok1"
        start: {FY}-01-01 10:00
          bad: indent
        host: "@h"
    """,
    "unknown-key": f"""
        title: T
        hashtag: "#Ok2"
        start: {FY}-01-02 10:00
        host: "@h"
        timezon: Europe/Paris
    """,
    "missing-start": """
        title: T
        hashtag: "#Ok3"
        host: "@h"
    """,
    "wrong-duration": f"""
        title: T
        hashtag: "#Ok4"
        start: {FY}-01-04 10:00
        host: "@h"
        duration: an hour
    """,
    "wrong-questions": f"""
        title: T
        hashtag: "#Ok5"
        start: {FY}-01-05 12:00
        host: "@h"
        questions: just one question
    """,
    "wrong-title": f"""
        title: [a, b]
        hashtag: "#Ok6"
        start: {FY}-01-06 10:00
        host: "@h"
    """,
    "tag-space": f"""
        title: T
        hashtag: "#two words"
        start: {FY}-01-07 10:00
        host: "@h"
    """,
    "tag-punct": f"""
        title: T
        hashtag: "#Ten-ants!"
        start: {FY}-01-08 10:00
        host: "@h"
    """,
    "tag-digits": f"""
        title: T
        hashtag: "#2026"
        start: {FY}-01-09 10:00
        host: "@h"
    """,
    "bad-zone": f"""
        title: T
        hashtag: "#Ok7"
        start: {FY}-01-10 10:00
        timezone: Mars/Olympus_Mons
        host: "@h"
    """,
    "gap-ny": f"""
        title: T
        hashtag: "#Ok8"
        start: {stamp(NY_GAP)}
        timezone: America/New_York
        host: "@h"
    """,
    "fold-adelaide": f"""
        title: T
        hashtag: "#Ok9"
        start: {stamp(ADL_FOLD)}
        timezone: Australia/Adelaide
        host: "@h"
    """,
    "gap-adelaide": f"""
        title: T
        hashtag: "#Ok10"
        start: {stamp(ADL_GAP)}
        timezone: Australia/Adelaide
        host: "@h"
    """,
    # 10:00 in Kolkata is 04:30 UTC; 05:00 in London (summer) is 04:00 UTC: they overlap.
    "overlap-a": f"""
        title: A
        hashtag: "#Same"
        start: {FY}-06-01 10:00
        timezone: Asia/Kolkata
        host: "@h"
    """,
    "overlap-b": f"""
        title: B
        hashtag: "#same"
        start: {FY}-06-01 05:00
        timezone: Europe/London
        host: "@h"
    """,
    "bad-host": f"""
        title: T
        hashtag: "#Ok11"
        start: {FY}-01-11 10:00
        host: "@not a handle!"
    """,
}
# slug -> (line, what the message must mention)
BAD_EXPECTED = {
    "malformed": (4, r"yaml|indent|mapping"),
    "unknown-key": (5, r"timezon.*timezone"),
    "missing-start": (None, r"start"),
    "wrong-duration": (5, r"duration"),
    "wrong-questions": (5, r"question"),
    "wrong-title": (1, r"title"),
    "tag-space": (2, r"hashtag|#two"),
    "tag-punct": (2, r"hashtag|#Ten"),
    "tag-digits": (2, r"hashtag|#2026|digit"),
    "bad-zone": (4, r"Mars/Olympus_Mons|zone"),
    "gap-ny": (3, r"exist|skip|gap|daylight|DST"),
    "fold-adelaide": (3, r"ambiguous|twice|daylight|DST"),
    "gap-adelaide": (3, r"exist|skip|gap|daylight|DST"),
    "bad-host": (4, r"handle|host"),
}


def test_bad_input_dates_are_really_dst_edges():
    assert is_gap(NY_GAP) and is_gap(ADL_GAP) and is_fold(ADL_FOLD)


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hub(tmp_path_factory.mktemp("bad"), BAD_CHATS)


def _assert_bad_report(output: str) -> None:
    assert "Traceback" not in output
    found = problems(output)
    by_file: dict[str, list[tuple[int, int, str]]] = {}
    for path, line, col, message in found:
        assert line >= 1 and col >= 1
        by_file.setdefault(path, []).append((line, col, message))
    assert "chats/fine.yml" not in by_file, by_file.get("chats/fine.yml")
    for slug, (line, pattern) in BAD_EXPECTED.items():
        entries = by_file.get(f"chats/{slug}.yml")
        assert entries, f"no problem reported for {slug}"
        assert any((line is None or at == line) and re.search(pattern, m, re.I | re.S)
                   for at, _, m in entries), (slug, entries)
    start_line = 3
    for slug in ("overlap-a", "overlap-b"):
        entries = by_file.get(f"chats/{slug}.yml", [])
        assert all(at in (2, start_line) for at, _, _ in entries), entries
    assert by_file.get("chats/overlap-a.yml") or by_file.get("chats/overlap-b.yml")
    overlap = by_file.get("chats/overlap-a.yml", []) + by_file.get("chats/overlap-b.yml", [])
    assert any(re.search(r"overlap|same time|clash", m, re.I) for _, _, m in overlap)


def test_check_reports_every_problem_at_once(bad: Path):
    code, out, err = cli(bad, "check")
    assert code != 0
    _assert_bad_report(out + err)


def test_check_console_script_reports_every_problem(bad: Path):
    result = console(bad, "check")
    assert result.returncode != 0
    _assert_bad_report(result.stdout + result.stderr)
    for line in (result.stdout + result.stderr).splitlines():
        if "chats/" in line and ".yml:" in line:
            assert re.match(r"^chats/[a-z0-9-]+\.yml:\d+:\d+: \S", line), line


def test_check_single_path_reports_only_that_file(bad: Path):
    code, out, err = cli(bad, "check", "chats/tag-space.yml")
    assert code != 0
    assert {p[0] for p in problems(out + err)} == {"chats/tag-space.yml"}
    code, out, err = cli(bad, "check", "chats/fine.yml")
    assert code == 0, out + err


def test_build_fails_and_reports_every_problem(bad: Path, tmp_path: Path):
    result = mkdocs(bad, "build", "-d", str(tmp_path / "site"))
    assert result.returncode != 0
    _assert_bad_report(result.stdout + result.stderr)


def test_build_in_process_fails_on_bad_input(tmp_path: Path):
    root = write_hub(tmp_path, {k: BAD_CHATS[k] for k in ("fine", "gap-ny")})
    with pytest.raises(BaseException) as info:  # MkDocs raises its own abort types
        build_in_process(root)
    assert not isinstance(info.value, (KeyError, TypeError, AttributeError, ValueError))


def test_odd_files_are_reported_or_accepted(tmp_path: Path):
    root = write_hub(tmp_path, {})
    chats = root / "chats"
    (chats / "bom-crlf.yml").write_bytes(
        f'\ufefftitle: BOM\r\nhashtag: "#Bom"\r\nstart: {FY}-01-01 10:00\r\nhost: "@h"\r\n'.encode())
    (chats / "latin.yml").write_bytes(
        f'title: "caf\xe9"\nhashtag: "#Lat"\nstart: {FY}-01-02 10:00\nhost: "@h"\n'.encode("latin-1"))
    (chats / "empty.yml").write_text("")
    (chats / "dup.yml").write_text(f'title: T\ntitle: U\nhashtag: "#Dup"\nstart: {FY}-01-03 10:00\n'
                                   'host: "@h"\n')
    (chats / "Bad_Name.yml").write_text(f'title: T\nhashtag: "#Name"\nstart: {FY}-01-04 10:00\n'
                                        'host: "@h"\n')
    (chats / "README.md").write_text("not a chat")
    result = console(root, "check")
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out
    found = {(p[0], p[1]) for p in problems(out)}
    assert ("chats/dup.yml", 2) in found
    assert {"chats/latin.yml", "chats/empty.yml", "chats/Bad_Name.yml"} <= {p[0] for p in found}
    assert "chats/bom-crlf.yml" not in {p[0] for p in found}
    assert "README" not in out


def test_long_hashtag_is_a_warning_not_an_error(tmp_path: Path):
    root = write_hub(tmp_path, {"long": f"""
        title: T
        hashtag: "#ExtraordinarilyLongHashtagForAChat"
        start: {FY}-03-03 10:00
        host: "@h"
    """})
    code, out, err = cli(root, "check")
    assert code == 0, out + err
    [(path, line, col, message)] = problems(out + err)
    assert (path, line) == ("chats/long.yml", 2) and re.search(r"long|short", message, re.I)
    result = mkdocs(root, "build", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert "chats/long.yml:2:" in result.stderr


@pytest.mark.parametrize("tag", [
    "#महात्मा", "#தமிழ்", "#עַל־יְדֵי",
    "#mañana", "#Ateş", "#日本語ハッシュタグ", "#트위터", "#il·lusió", "#Tenants_2027", "#ผู้เริ่ม",
])
def test_valid_international_hashtags_are_accepted(tmp_path: Path, tag: str):
    root = write_hub(tmp_path, {"intl": f"""
        title: T
        hashtag: "{tag}"
        start: {FY}-03-03 10:00
        host: "@h"
    """})
    code, out, err = cli(root, "check")
    assert code == 0, out + err


@pytest.mark.parametrize("tag", ["#_2026", "#1_2", "#_"])
def test_hashtags_without_a_letter_are_rejected(tmp_path: Path, tag: str):
    root = write_hub(tmp_path, {"noletter": f"""
        title: T
        hashtag: "{tag}"
        start: {FY}-03-03 10:00
        host: "@h"
    """})
    code, out, err = cli(root, "check")
    assert code != 0
    assert [p[:2] for p in problems(out + err)] == [("chats/noletter.yml", 2)]


def test_unclosed_quote_is_reported_where_it_opens(tmp_path: Path):
    root = write_hub(tmp_path, {"quote": """
        title: "Unclosed title
        hashtag: Ok
        start: 2030-01-01 10:00
        host: h
    """})
    code, out, err = cli(root, "check")
    assert code != 0
    [(path, line, col, message)] = problems(out + err)
    assert line == 1, (line, message)


# ---------------------------------------------------------------------------------------------
# Issue 3: chathub invite
# ---------------------------------------------------------------------------------------------


def test_invite_json_fields_and_kinds(good: Built):
    items = kit_json(good.root, "kolkata-cjk")
    assert isinstance(items, list) and items
    for item in items:
        assert set(item) >= KIT_FIELDS, item
        assert item["channel"] in {"x", "blog", "email"}
        if item["channel"] == "x":
            assert item["weighted_length"] == parse_tweet(item["text"]).weightedLength
            assert_x_rules(item["text"], "#Mieter")
        else:
            assert item["weighted_length"] is None
        if item["at"] is not None:
            aware(item["at"])
    kinds = [i["kind"] for i in items]
    for kind in ("announce", "reminder", "dm", "guest-invite", "welcome", "guest-intro",
                 "question", "closing", "blog", "email"):
        assert kind in kinds, kind
    assert kinds.count("reminder") >= 4
    assert kinds.count("guest-intro") == 2
    assert kinds.count("question") == 4
    assert {i["channel"] for i in items if i["kind"] == "blog"} == {"blog"}
    assert {i["channel"] for i in items if i["kind"] == "email"} == {"email"}


def test_invite_reminders_are_timed(good: Built):
    items = kit_json(good.root, "kolkata-cjk")
    start = start_of("kolkata-cjk")
    times = sorted(aware(i["at"]) for i in items if i["kind"] == "reminder")
    assert len(times) == 4
    week, day, hour, now = times
    assert week == start - timedelta(days=7)
    assert day == start - timedelta(days=1)
    assert hour == start - timedelta(hours=1)
    assert now == start
    for kind in ("announce", "dm", "guest-invite", "blog", "email"):
        assert all(i["at"] is None for i in items if i["kind"] == kind), kind


def test_invite_run_sheet_is_spread_over_the_chat(good: Built):
    items = kit_json(good.root, "kolkata-cjk")
    start, duration = start_of("kolkata-cjk"), timedelta(minutes=75)
    questions = [i for i in items if i["kind"] == "question"]
    assert [i.get("label") for i in questions] == ["Q1", "Q2", "Q3", "Q4"] or all(
        i["text"].startswith(f"Q{n}") for n, i in enumerate(questions, start=1))
    for n, q in enumerate(questions, start=1):
        assert re.search(rf"\bQ{n}\b", q["text"]), q["text"]
    ats = [aware(q["at"]) for q in questions]
    assert ats == sorted(ats) and len(set(ats)) == 4
    assert start <= ats[0] and ats[-1] < start + duration
    assert ats[-1] - ats[0] >= duration / 3, "questions spread over the chat"
    assert ats[3] - ats[2] == timedelta(minutes=20), "Q3 has minutes: 20"
    welcome = aware(next(i for i in items if i["kind"] == "welcome")["at"])
    closing = aware(next(i for i in items if i["kind"] == "closing")["at"])
    assert start <= welcome <= ats[0]
    assert ats[-1] < closing <= start + duration
    intros = [aware(i["at"]) for i in items if i["kind"] == "guest-intro"]
    assert all(welcome <= t <= ats[0] for t in intros)


def test_invite_texts_carry_what_the_playbook_needs(good: Built):
    items = kit_json(good.root, "kolkata-cjk")
    by = {i["kind"]: i for i in items}
    intros = [i["text"] for i in items if i["kind"] == "guest-intro"]
    assert any("@guest_x" in t and "Gäst X" in t for t in intros)
    assert any("@guest_y" in t for t in intros)
    assert "CHECKLIST-FOLLOWUP" in by["closing"]["text"]
    blog = by["blog"]["text"]
    for needle in ("日本語のチャット 🎉 Ünïcode «Mieter»", "#Mieter", "Asia/Kolkata", "@host_one",
                   "for tenants", "A1"):
        assert needle in blog, needle
    assert re.search(r"^#{1,3} ", blog, re.M), "Markdown headings"
    assert "#Mieter" in by["email"]["text"]
    assert SITE_URL + "chats/kolkata-cjk/" in by["announce"]["text"]


def test_many_questions_run_sheet(good: Built):
    items = kit_json(good.root, "many-questions")
    questions = [i for i in items if i["kind"] == "question"]
    assert len(questions) == 25
    start = start_of("many-questions")
    ats = [aware(q["at"]) for q in questions]
    assert ats == sorted(ats) and len(set(ats)) == 25
    assert start <= ats[0] and ats[-1] < start + timedelta(minutes=90)
    for n, q in enumerate(questions, start=1):
        assert re.search(rf"\bQ{n}\b", q["text"])
        assert_x_rules(q["text"], "#Many")


def test_long_question_list_stays_within_a_short_chat(tmp_path: Path):
    root = write_hub(tmp_path, {"packed": yaml.safe_dump({
        "title": "Packed", "hashtag": "#Packed", "start": f"{FY}-02-02 10:00", "host": "@h",
        "timezone": "Australia/Adelaide", "duration": 15,
        "questions": [f"Question {i}?" for i in range(1, 21)]})})
    items = kit_json(root, "packed")
    start = datetime(FY, 2, 2, 10, 0, tzinfo=ADL)
    end = start + timedelta(minutes=15)
    for item in items:
        if item["kind"] in ("welcome", "guest-intro", "question", "closing"):
            assert start <= aware(item["at"]) <= end, item


def test_invite_across_dst_keeps_the_run_sheet_within_the_real_chat(good: Built):
    items = kit_json(good.root, "adelaide-fall")
    start = start_of("adelaide-fall").astimezone(UTC)
    end = start + timedelta(minutes=120)
    for item in items:
        if item["kind"] in ("welcome", "guest-intro", "question", "closing"):
            assert start <= aware(item["at"]) <= end, item


def test_hour_reminder_is_a_real_hour_before_across_dst(good: Built):
    items = kit_json(good.root, "adelaide-spring")
    start = start_of("adelaide-spring").astimezone(UTC)
    reminders = sorted(aware(i["at"]).astimezone(UTC) for i in items if i["kind"] == "reminder")
    assert start - timedelta(hours=1) in reminders, reminders


def test_invite_human_text_and_console_script(good: Built):
    code, out, err = cli(good.root, "invite", "kolkata-cjk")
    assert code == 0, err
    assert "日本語のチャット 🎉 Ünïcode «Mieter»" in out and "#Mieter" in out
    items = kit_json(good.root, "kolkata-cjk")
    for item in items:
        assert item["text"] in out
    result = console(good.root, "invite", "kolkata-cjk", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == items


def test_every_published_chat_kit_follows_x_rules(good: Built):
    for slug in PUBLISHED:
        items = kit_json(good.root, slug)
        tag = HASHTAGS.get(slug, "#Filler")
        for item in items:
            if item["channel"] == "x":
                assert item["weighted_length"] == parse_tweet(item["text"]).weightedLength
                assert_x_rules(item["text"], tag)
        soup = page(good.site, f"chats/{slug}/invite/")
        intents = [t for t in (_intent_text(a["href"]) for a in soup.find_all("a", href=True)) if t]
        assert intents, slug
        for text in intents:
            assert_x_rules(text, tag)


def test_invite_of_a_chat_with_errors_reports_them(bad: Path):
    code, out, err = cli(bad, "invite", "tag-space")
    assert code != 0 and "Traceback" not in out + err
    assert [p[:2] for p in problems(out + err)] == [("chats/tag-space.yml", 2)]


def test_cli_outside_a_hub_is_a_clear_error(tmp_path: Path):
    result = console(tmp_path, "check")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "mkdocs.yml" in result.stderr
    result = console(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("check", "new", "invite"):
        assert command in result.stdout


def test_invite_unknown_slug_is_a_clear_error(good: Built):
    code, out, err = cli(good.root, "invite", "no-such-chat")
    assert code != 0 and "Traceback" not in out + err and "no-such-chat" in out + err
    result = console(good.root, "invite", "no-such-chat", "--json")
    assert result.returncode != 0 and "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------
# Issue 3: X rules under extreme input
# ---------------------------------------------------------------------------------------------

EXTREME_TAG = "#Extreme"
EXTREME = {
    "title": "🎉" * 40 + "日本語のタイトル" * 30 + " " + " ".join(["verylongword"] * 60),
    "hashtag": EXTREME_TAG,
    "start": f"{FY}-09-09 09:09",
    "timezone": "Asia/Kolkata",
    "duration": 20,
    "host": {"handle": "@" + "H" * 15, "name": "N" * 150, "bio": "B" * 400},
    "moderators": ["@" + "m" * 15, "@" + "n" * 15, "@" + "o" * 15, "@" + "p" * 15],
    "guests": [
        {"handle": "@guest_" + "g" * 9, "name": "名前" * 80, "bio": "🚀" * 200},
        {"handle": "@_underscore_", "bio": "bio " * 150 + "https://example.org/" + "a" * 200},
        "@plain_guest",
    ],
    "questions": [
        "字" * 200,
        "😀" * 200,
        "@" + "x" * 14 + " starts with a mention and goes on " * 10,
        "https://example.com/" + "a" * 300 + " what do you think?",
        "short?",
    ],
    "about": "About " * 500,
    "followup": "Follow-up " * 80 + "🎁" * 100,
    "invite": {"dm": "@{{ host.handle }} " + "very long dm " * 40},
}


# Questions that fit once the chat's other long values are shortened, and no oversized override:
# a chat that ``check`` accepts (with warnings), so that it builds.
EXTREME_FITTING = {**EXTREME, "questions": EXTREME["questions"][3:], "invite": {}}


def _extreme_hub(tmp_path_factory: pytest.TempPathFactory, chat: dict) -> Path:
    return write_hub(tmp_path_factory.mktemp("extreme"), {
        "extreme": yaml.safe_dump(chat, allow_unicode=True, width=10_000)},
        {"organization": "@" + "O" * 15}, {"site_url": "https://" + "long" * 20 + ".example.org/x/"})


@pytest.fixture(scope="module")
def extreme(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Questions too long for any post: check calls them errors, so the build fails (issue 10)."""
    root = _extreme_hub(tmp_path_factory, EXTREME)
    with pytest.raises(Exception, match="Aborted"):
        build_in_process(root)
    return Built(root, root / "site")


@pytest.fixture(scope="module")
def extreme_fitting(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = _extreme_hub(tmp_path_factory, EXTREME_FITTING)
    return Built(root, build_in_process(root))


def test_every_x_post_fits_even_for_extreme_input(extreme: Built):
    items = kit_json(extreme.root, "extreme")
    posts = [i for i in items if i["channel"] == "x"]
    assert len([i for i in posts if i["kind"] == "question"]) == 5
    for item in posts:
        assert item["weighted_length"] == parse_tweet(item["text"]).weightedLength
        assert_x_rules(item["text"], EXTREME_TAG)
    q4 = next(i for i in posts if i["kind"] == "question" and "Q4" in i["text"])
    assert "https://example.com/" in q4["text"]  # a URL counts 23, so it fits whole


def test_extreme_invite_page_links_and_copy_buttons(extreme_fitting: Built):
    items = kit_json(extreme_fitting.root, "extreme")
    assert any(i["channel"] == "x" and i["kind"] == "question" for i in items)
    soup = page(extreme_fitting.site, "chats/extreme/invite/")
    _assert_intents_match(soup, items, EXTREME_TAG)


def test_check_names_the_questions_that_do_not_fit(extreme: Built):
    code, out, err = cli(extreme.root, "check")
    assert code != 0
    errors = [p for p in problems(out + err) if not p[3].lower().startswith("warning")]
    root_node = yaml.compose((extreme.root / "chats" / "extreme.yml").read_text())
    seq = next(v for k, v in root_node.value if k.value == "questions")
    lines = {n: node.start_mark.line + 1 for n, node in enumerate(seq.value, start=1)}
    for n in (1, 2):
        hits = [p for p in errors if p[1] == lines[n]]
        assert hits, (n, errors)
        assert all(p[0] == "chats/extreme.yml" for p in hits)
        assert any(re.search(rf"\bQ{n}\b|question {n}\b", p[3], re.I) for p in hits), hits
    assert not [p for p in errors if p[1] == lines[5]], "the short question fits"


def test_check_reports_a_too_long_question_by_console_script(tmp_path: Path):
    root = write_hub(tmp_path, {"long-q": f"""
        title: Long question
        hashtag: "#Tenants"
        start: {FY}-04-04 10:00
        host: "@h"
        questions:
          - "Short one?"
          - "{'Why ' * 80}?"
          - "Another short one?"
    """})
    result = console(root, "check")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    found = [p for p in problems(out) if p[1] == 7]
    assert found and found[0][0] == "chats/long-q.yml"
    assert re.search(r"\bQ2\b|question 2\b", found[0][3], re.I)
    assert not [p for p in problems(out) if p[1] in (6, 8)]


# ---------------------------------------------------------------------------------------------
# Issue 3: the invite page
# ---------------------------------------------------------------------------------------------


def _intent_text(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.netloc not in ("x.com", "twitter.com", "www.twitter.com") or "intent" not in parts.path:
        return None
    return parse_qs(parts.query, keep_blank_values=True).get("text", [None])[0]


def _assert_intents_match(soup: BeautifulSoup, items: list[dict], tag: str,
                          skip: set[str] = frozenset()) -> None:
    main = content(soup)
    intents = [t for t in (_intent_text(a["href"]) for a in main.find_all("a", href=True)) if t]
    expected = [i["text"] for i in items if i["channel"] == "x" and i["text"] not in skip]
    assert sorted(intents) == sorted(expected)
    for text in intents:
        assert_x_rules(text, tag)
    copies = [b for b in main.find_all(["button", "a"]) if re.search(r"copy", b.get_text(), re.I)]
    assert len(copies) >= len([i for i in items if i["text"] not in skip])
    shown = [p.get_text() for p in main.find_all(["pre", "textarea"])]
    for text in expected:
        assert text in shown, text


def test_invite_page_has_a_post_link_and_copy_button_per_text(good: Built):
    items = kit_json(good.root, "kolkata-cjk")
    soup = page(good.site, "chats/kolkata-cjk/invite/")
    _assert_intents_match(soup, items, "#Mieter")
    # Issue 14 changed this: the kit is for the team and stays at its URL (noindex), with no link
    # from the public announcement.
    announcement = content(page(good.site, "chats/kolkata-cjk/"))
    links = {resolve("chats/kolkata-cjk/", a["href"]) for a in announcement.find_all("a", href=True)}
    assert "chats/kolkata-cjk/invite/" not in links
    assert soup.find("meta", attrs={"name": "robots", "content": "noindex"}) is not None


def test_invite_page_for_every_published_chat(good: Built):
    for slug in PUBLISHED:
        assert (good.site / "chats" / slug / "invite" / "index.html").is_file(), slug
    assert not (good.site / "chats" / "secret-draft" / "invite").exists()


def test_invite_page_hides_questions_until_start(good: Built):
    items = kit_json(good.root, "hidden-qs-future")
    soup = page(good.site, "chats/hidden-qs-future/invite/")
    hidden = {i["text"] for i in items if "HIDDENQUESTION" in i["text"]}
    assert hidden
    _assert_intents_match(soup, items, "#Hidden", skip=hidden)


def test_per_chat_overrides_and_template_overrides(tmp_path: Path):
    root = write_hub(tmp_path, {"custom": f"""
        title: Custom texts
        hashtag: "#Custom"
        start: {FY}-08-08 08:00
        timezone: Australia/Adelaide
        host: "@custom_host"
        questions: ["First?", "Second?"]
        invite:
          announce: "@{{{{ host.handle }}}} hosts {{{{ title }}}}: come along"
          q2: "Second, custom wording OVERRIDE-Q2"
          email: "Subject: Custom e-mail\\n\\nHello OVERRIDE-EMAIL"
    """}, site={"theme": {"name": "material", "custom_dir": "theme_overrides"}})
    kit_dir = root / "theme_overrides" / "chathub" / "kit"
    kit_dir.mkdir(parents=True)
    (kit_dir / "welcome.txt").write_text("OVERRIDE-WELCOME for {{ title }}\n")
    (root / "theme_overrides" / "chathub" / "announcement.html").write_text(
        '<h1>{{ chat.title }}</h1><p class="override-marker">OVERRIDE-PAGE {{ chat.tag }}</p>\n')
    code, out, err = cli(root, "check")
    assert code == 0, out + err
    items = kit_json(root, "custom")
    by = {i["kind"]: i for i in items}
    announce = by["announce"]["text"]
    assert announce.startswith(".@custom_host hosts Custom texts: come along")
    assert_x_rules(announce, "#Custom")
    q2 = [i["text"] for i in items if i["kind"] == "question"][1]
    assert "OVERRIDE-Q2" in q2 and has_tag(q2, "#Custom")
    assert "OVERRIDE-EMAIL" in by["email"]["text"]
    assert by["welcome"]["text"].startswith("OVERRIDE-WELCOME for Custom texts")
    site = build_in_process(root)
    main = content(page(site, "chats/custom/"))
    assert "OVERRIDE-PAGE #Custom" in main.get_text()
    shown = [p.get_text() for p in content(page(site, "chats/custom/invite/")).find_all("pre")]
    assert announce in shown


def test_invite_overrides_cannot_read_or_write_files(tmp_path: Path):
    root = write_hub(tmp_path, {"sneaky": f"""
        title: Sneaky
        hashtag: "#Sneaky"
        start: {FY}-08-08 08:00
        host: "@h"
        invite:
          dm: "{{{{ chat.source.parent.parent.joinpath('secret.env').read_text() }}}}"
          email: "{{{{ chat.source.parent.joinpath('pwned.txt').write_text('owned') }}}} hi"
    """})
    (root / "secret.env").write_text("X_BEARER_TOKEN=TOPSECRET123\n")
    code, out, err = cli(root, "invite", "sneaky", "--json")
    with pytest.raises(Exception, match="Aborted"):  # the overrides are errors (issue 10)
        build_in_process(root)
    site = root / "site"
    leaks = [name for name, text in site_texts(site).items() if "TOPSECRET123" in text]
    assert "TOPSECRET123" not in out + err and not leaks, leaks
    assert not (root / "chats" / "pwned.txt").exists()


def _override_hub(root: Path, invite: str) -> Path:
    return write_hub(root, {"bad-override": f"""
        title: T
        hashtag: "#Custom"
        start: {FY}-08-08 08:00
        host: "@h"
        invite:
{textwrap.indent(textwrap.dedent(invite), " " * 10)}
    """})


LONG_DM = f'  dm: "{"long " * 70}"\n'


def test_check_reports_an_unknown_override_key_with_its_line(tmp_path: Path):
    root = _override_hub(tmp_path, '  anounce: "typo key"\n')
    code, out, err = cli(root, "check")
    assert code != 0
    found = problems(out + err)
    assert any(p[1] == 6 and "announce" in p[3] for p in found), found


def test_check_reports_an_override_that_does_not_fit(tmp_path: Path):
    root = _override_hub(tmp_path, LONG_DM)
    code, out, err = cli(root, "check")
    assert code != 0
    assert [p[:2] for p in problems(out + err)] == [("chats/bad-override.yml", 6)]
    dm = next(i for i in kit_json(root, "bad-override") if i["kind"] == "dm")
    assert_x_rules(dm["text"], "#Custom")


def test_check_reports_override_problems_all_at_once(tmp_path: Path):
    root = _override_hub(tmp_path, '  anounce: "typo key"\n' + LONG_DM)
    code, out, err = cli(root, "check")
    lines = {p[1] for p in problems(out + err)}
    assert {6, 7} <= lines, out + err


# ---------------------------------------------------------------------------------------------
# Issue 3: calendars
# ---------------------------------------------------------------------------------------------


def _events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_per_chat_ics_files(good: Built):
    for slug in PUBLISHED:
        [event] = _events(good.site / "chats" / f"{slug}.ics")
        start = start_of(slug)
        dtstart = event.decoded("DTSTART")
        assert isinstance(dtstart, datetime) and dtstart.tzinfo is not None
        assert dtstart == start, (slug, dtstart, start)
        if slug != "adelaide-fall":
            duration = event.decoded("DTEND").astimezone(UTC) - dtstart.astimezone(UTC)
            assert duration == timedelta(minutes=DURATIONS.get(slug, 60)), slug
        assert str(event["URL"]) == SITE_URL + f"chats/{slug}/"
        assert HASHTAGS.get(slug, "#Filler") in str(event["DESCRIPTION"])
        status = str(event.get("STATUS", "")).upper()
        assert (status == "CANCELLED") == (slug == "cancelled-one"), (slug, status)


def test_hub_calendar_holds_every_published_chat_with_stable_uids(good: Built, good_rebuilt: Built):
    events = _events(good.site / "calendar.ics")
    urls = sorted(str(e["URL"]) for e in events)
    assert urls == sorted(SITE_URL + f"chats/{s}/" for s in PUBLISHED)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    per_chat = {str(_events(good.site / "chats" / f"{s}.ics")[0]["UID"]) for s in PUBLISHED}
    assert per_chat == set(uids)
    again = sorted(str(e["UID"]) for e in _events(good_rebuilt.site / "calendar.ics"))
    assert sorted(uids) == again
    for slug in ("kolkata-cjk", "cancelled-one"):
        first = _events(good.site / "chats" / f"{slug}.ics")[0]
        second = _events(good_rebuilt.site / "chats" / f"{slug}.ics")[0]
        assert first["UID"] == second["UID"]
        assert first.decoded("DTSTART") == second.decoded("DTSTART")
    cancelled = next(e for e in events if str(e["URL"]).endswith("/cancelled-one/"))
    assert str(cancelled["STATUS"]).upper() == "CANCELLED"


def test_uid_survives_an_edit_of_the_chat(tmp_path: Path):
    root = write_hub(tmp_path, {"stable": f"""
        title: Before
        hashtag: "#Stable"
        start: {FY}-10-10 10:00
        host: "@h"
    """})
    site = build_in_process(root)
    before = str(_events(site / "chats" / "stable.ics")[0]["UID"])
    path = root / "chats" / "stable.yml"
    path.write_text(path.read_text().replace("Before", "After").replace("10:00", "11:00"))
    site = build_in_process(root)
    [event] = _events(site / "chats" / "stable.ics")
    assert str(event["UID"]) == before and "After" in str(event["SUMMARY"])


def test_vtimezones_agree_with_the_zone_database(good: Built):
    cal = icalendar.Calendar.from_ical((good.site / "calendar.ics").read_bytes())
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    for event in cal.walk("VEVENT"):
        prop = event["DTSTART"]
        tzid = prop.params.get("TZID")
        dt = event.decoded("DTSTART")
        if tzid is None:
            assert dt.tzinfo is not None and dt.utcoffset() is not None
            continue
        assert tzid in zones, tzid
        tz = zones[tzid].to_tz(lookup_tzid=False)
        naive = dt.replace(tzinfo=None)
        local = tz.localize(naive) if hasattr(tz, "localize") else naive.replace(tzinfo=tz)
        assert local.utcoffset() == dt.utcoffset(), (tzid, dt)


def test_announcement_links_ics_google_and_outlook(good: Built):
    for slug in ("kolkata-cjk", "ny-winter", "far-future", "adelaide-spring"):
        url = f"chats/{slug}/"
        links = [a["href"] for a in content(page(good.site, url)).find_all("a", href=True)]
        assert f"chats/{slug}.ics" in {resolve(url, h) for h in links}
        start = start_of(slug).astimezone(UTC)
        end = start + timedelta(minutes=DURATIONS.get(slug, 60))
        google = [h for h in links if urlsplit(h).netloc in ("calendar.google.com", "www.google.com")]
        assert google, slug
        query = parse_qs(urlsplit(google[0]).query)
        assert query["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
        assert HASHTAGS[slug] in query["text"][0] + query.get("details", [""])[0]
        outlook = [h for h in links if "outlook" in urlsplit(h).netloc]
        assert outlook, slug
        query = parse_qs(urlsplit(outlook[0]).query)
        assert aware(query["startdt"][0]) == start
        assert aware(query["enddt"][0]) == end
    links = [resolve("chats/cancelled-one/", a["href"])
             for a in content(page(good.site, "chats/cancelled-one/")).find_all("a", href=True)]
    assert "chats/cancelled-one.ics" in links


def test_ics_url_without_site_url_still_names_the_page(tmp_path: Path):
    root = write_hub(tmp_path, {"plain": f"""
        title: Plain
        hashtag: "#Plain"
        start: {FY}-11-11 11:00
        timezone: Asia/Kolkata
        host: "@h"
    """})
    site = build_in_process(root)
    [event] = _events(site / "chats" / "plain.ics")
    assert str(event["URL"]).rstrip("/").endswith("chats/plain")
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(FY, 11, 11, 5, 30, tzinfo=UTC)
    assert "#Plain" in str(event["DESCRIPTION"])


# ---------------------------------------------------------------------------------------------
# Issue 3: feed and social cards
# ---------------------------------------------------------------------------------------------


def test_feed_carries_announcements(good: Built):
    feed = feedparser.parse((good.site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    links = [e.link for e in feed.entries]
    for slug in ("kolkata-cjk", "soon", "cancelled-one", "far-future", "hostile"):
        assert SITE_URL + f"chats/{slug}/" in links, slug
    assert not [link for link in links if "secret-draft" in link]
    cancelled = next(e for e in feed.entries if e.link.endswith("/cancelled-one/"))
    assert re.search(r"cancel", cancelled.title + cancelled.get("summary", ""), re.I)
    for entry in feed.entries:
        assert entry.get("title") and (entry.get("published_parsed") or entry.get("updated_parsed"))


def test_every_page_links_to_the_feed(good: Built):
    for path in good.site.rglob("*.html"):
        if path.name == "404.html":
            continue
        url = path.relative_to(good.site).as_posix().removesuffix("index.html")
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        alternates = [resolve(url, link["href"]) for link in soup.find_all("link", href=True)
                      if "alternate" in link.get("rel", [])]
        assert "feed.xml" in alternates or SITE_URL + "feed.xml" in alternates, url


def test_404_page_links_to_the_feed(good: Built):
    soup = BeautifulSoup((good.site / "404.html").read_text(encoding="utf-8"), "html.parser")
    alternates = [link["href"] for link in soup.find_all("link", href=True)
                  if "alternate" in link.get("rel", [])]
    assert any(h.endswith("feed.xml") for h in alternates)


def test_announcements_carry_open_graph_and_twitter_card(good: Built):
    for slug in ("kolkata-cjk", "cancelled-one", "leap-past"):
        soup = page(good.site, f"chats/{slug}/")
        meta = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta")}
        title = content(soup).find("h1").get_text()
        assert meta.get("og:title") == title
        assert meta.get("og:description")
        assert meta.get("og:url") == SITE_URL + f"chats/{slug}/"
        assert meta.get("og:type")
        assert meta.get("twitter:card") in ("summary", "summary_large_image")
        assert meta.get("twitter:site") in (None, "@OrgCo")


def test_social_image_makes_a_large_card(tmp_path: Path):
    root = write_hub(tmp_path, {"pic": f"""
        title: Picture
        hashtag: "#Pic"
        start: {FY}-11-11 11:00
        host: "@h"
        image: https://example.org/card.png
    """})
    soup = page(build_in_process(root), "chats/pic/")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta")}
    assert meta.get("og:image") == "https://example.org/card.png"
    assert meta.get("twitter:card") == "summary_large_image"

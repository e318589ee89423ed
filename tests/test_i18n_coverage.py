"""No English word that chathub wrote remains on a page in another language.

The hub is built in a pseudo-language: Russian for Babel (dates, numbers and Material's own
words come out in Cyrillic), with a catalogue made from chathub.pot in which every message's
Latin letters are swapped for accented ones ("Archive" -> "Àŕçĥíṽé"). Every value the test hub
holds (titles, names, questions, posts, alt texts) is Cyrillic too, and handles are one letter
and digits. So any word of two or more plain Latin letters left on a page is a text that did not
go through the catalogue: a template or module that writes English.

Every kind of page is held to it, with what makes each one say more: chats on X, Bluesky and
Mastodon at once (the kit per network, posts of each network, the figures by network), and an X
chat alone; images with and without alt text; quotes, edits, replies too deep to nest, an author
the transcript does not describe, a post the next day and after the chart; new and returning
voices; a second page of chats and of people; a cancelled chat replaced by another; hidden
questions; the 404 page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup, NavigableString
from bskyfake import FakeBluesky
from chatdoc import START, Doc
from conftest import REPO, write_hub
from mastofake import FakeMastodon

from chathub.i18n import languages
from chathub.kit.texts import build_kit
from chathub.model.loader import load_hub
from chathub.model.settings import load_config

PSEUDO = "ru"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACCENTED = "àƀçďéƒĝĥíĵķĺɱñöþʠŕšţüṽŵẋýžÀƁÇĎÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÜṼŴẊÝŽ"
_SWAP = str.maketrans(LATIN, ACCENTED)
_KEEP = re.compile(r"(%\(\w+\)[sd]|%%|<[^>]+>|&\w+;|\]\(%\(\w+\)s\))")  # placeholders and markup
WORD = re.compile(r"[A-Za-z]{2,}")
# Zone names, the calendar file's extension, and the networks' own names (brands, not words).
ALLOWED = {"UTC", "GMT", "ics", "Bluesky", "Mastodon"}
NOW = "2026-06-01T12:00:00+00:00"

URLS = {
    "home": "",
    "index": "chats/",
    "index-page-2": "chats/page/2/",
    "announcement-upcoming": "chats/soon/",
    "announcement-past": "chats/past/",
    "announcement-cancelled": "chats/off/",
    "invite": "chats/soon/invite/",  # on three networks, questions hidden
    "invite-x": "chats/off/invite/",  # on X alone
    "archive": "chats/past/archive/",
    "recap": "chats/past/recap/",
    "people": "people/",
    "people-page-2": "people/page/2/",
    "not-found": "404.html",
}

CHAT = """
title: "Аренда в {year}"
hashtag: "#{tag}"
start: {start}
timezone: UTC
duration: 90
status: {status}
networks: {networks}
host:
  handle: "@h1"
  bluesky: h1.bsky.social
  mastodon: "@h1@mastodon.social"
  name: Иван Петров
  bio: Брокер
moderators: ["@m2"]
guests:
  - handle: "@g3"
    bluesky: g3.bsky.social
    name: Анна Смирнова
    bio: Финансовый директор
    url: https://example.org/anna
questions:
  - "Сколько лет?"
  - text: "Какой пункт?"
    minutes: 15
about: |
  Почему мы **проводим** этот чат.
followup: |
  Мы пришлём список.
summary: |
  Мы поговорили об **аренде**.
"""


def pseudo(text: str) -> str:
    """``text`` with its Latin letters accented, placeholders and markup kept."""
    return "".join(part if _KEEP.fullmatch(part) else part.translate(_SWAP)
                   for part in _KEEP.split(text))


def pseudo_catalogue(folder: Path) -> None:
    """A catalogue of every message of chathub.pot, translated by ``pseudo``."""
    with (REPO / "hub" / "locales" / "chathub.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale=PSEUDO, fuzzy=False)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            forms = [pseudo(message.id[0])] + [pseudo(message.id[1])] * (catalog.num_plurals - 1)
            catalog.add(message.id, tuple(forms), context=message.context)
        else:
            catalog.add(message.id, pseudo(message.id), context=message.context)
    out = BytesIO()
    write_po(out, catalog)
    target = folder / PSEUDO / "LC_MESSAGES" / "chathub.po"
    target.parent.mkdir(parents=True)
    target.write_bytes(out.getvalue())


def english_words(text: str) -> list[str]:
    """Words of plain Latin letters in ``text``, but for URLs, handles, hashtags and file names."""
    found = []
    for token in text.split():
        if any(mark in token for mark in ("://", "@", "#", "/")) or re.search(r"\w\.\w", token):
            continue
        found += [w for w in WORD.findall(token) if w not in ALLOWED]
    return found


def _texts(root) -> Iterator[str]:
    for node in root.descendants:
        if isinstance(node, NavigableString):
            if node.find_parent(["script", "style", "code", "svg"]) is None:
                yield str(node)
        elif getattr(node, "attrs", None):
            yield from (str(node.attrs[a]) for a in ("title", "aria-label", "alt", "placeholder")
                        if a in node.attrs)
    for title in root.select("svg title, svg desc"):  # the chart's text alternative
        yield title.get_text()


def leftovers(html: str) -> list[str]:
    """English words in chathub's part of a page: its content, and the head tags it writes."""
    soup = BeautifulSoup(html, "html.parser")
    content = soup.select_one("article.md-content__inner") or soup
    return [w for text in _texts(content) for w in english_words(text)]


def head_leftovers(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    texts = [soup.title.get_text() if soup.title else ""]
    for tag in soup.head.find_all(["meta", "link"]):
        if tag.get("name") == "robots":  # noindex: for search engines, not for people
            continue
        for attr in ("content", "title"):
            if tag.get(attr) and not str(tag.get(attr)).startswith(("http", "summary", "article",
                                                                      "website", "width=")):
                texts.append(str(tag[attr]))
    return [w for text in texts for w in english_words(text)]


def _x_transcript(hub) -> None:
    """The past chat on X: questions, answers with likes, a quote, an edit, a thread too deep to
    nest, images with and without alt text, a link shared twice, an author the transcript does
    not describe, a question nobody answered, and posts the next day."""
    doc = Doc()
    question = doc.post("h1", "Q1 Сколько лет? #Тест", 5)
    first = doc.post("g3", "A1 Три года #Тест https://t.co/a1", 6, reply_to=question, likes=2,
                     reposts=1, replies=1, urls={"https://t.co/a1": "https://example.org/a"},
                     attachments={"media_keys": ["3_1", "7_2"]})
    doc.post("p4", "A1 Пять лет, а вы? #Тест https://t.co/a2", 7, reply_to=question,
             urls={"https://t.co/a2": "https://example.org/a"}, quote=first,
             edit_history_tweet_ids=["1", "2"])
    parent = first
    for depth in range(6):  # deeper than the archive nests: the last ones say "Replying to"
        parent = doc.post("p4" if depth % 2 else "g3", f"Ответ номер {depth} #Тест", 8 + depth,
                          reply_to=parent)
    doc.post("p5", "A2 Вы знаете, что делать дальше? #Тест", 40)
    doc.post("u9", "A2 Кто я такой #Тест", 41)
    doc.post("p4", "Спасибо всем #Тест", 60 * 24)  # the next day: after the chat and the chart
    document = doc.document()
    document["includes"]["users"] = [u for u in document["includes"]["users"] if u["username"] != "u9"]
    document["includes"]["media"] = [
        {"media_key": "3_1", "type": "photo", "alt_text": "План этажа"},
        {"media_key": "7_2", "type": "video"},
    ]
    (hub.chats / "past.tweets.json").write_text(json.dumps(document), encoding="utf-8")


def _other_networks(hub) -> None:
    """The same chat on Bluesky (an image without alt text) and Mastodon (one with)."""
    bsky = FakeBluesky()
    names = {"h1.bsky.social": "Иван Петров", "g3.bsky.social": "Анна Смирнова",
             "b6.bsky.social": "Борис"}

    def author(handle: str) -> dict:
        return bsky.author(handle, displayName=names[handle])

    question = bsky.post("h1.bsky.social", "Q1 Сколько лет? #Тест", START + timedelta(minutes=5, seconds=9),
                         author=author("h1.bsky.social"))
    bsky.post("b6.bsky.social", "A1 Десять лет #Тест", START + timedelta(minutes=9), reply_to=question,
              author=author("b6.bsky.social"), likes=4,
              embed={"$type": "app.bsky.embed.images#view",
                     "images": [{"thumb": "https://cdn.bsky.app/t.jpg", "fullsize": "https://cdn.bsky.app/f.jpg",
                                 "alt": ""}]})
    for view in bsky.posts:
        view["record"]["langs"] = ["ru"]
    (hub.chats / "past.bsky.json").write_text(json.dumps({"posts": bsky.posts, "meta": {}}), encoding="utf-8")
    masto = FakeMastodon()
    masto_question = masto.status("h1@mastodon.social", "Q1 Сколько лет? #Тест",
                                  START + timedelta(minutes=5, seconds=20))
    masto.status("k7@mastodon.social", "A1 Семь лет #Тест", START + timedelta(minutes=10),
                 reply_to=masto_question)
    statuses = []
    for status in masto.statuses:
        view = {**masto.json(status, "mastodon.social"), "read_from": "mastodon.social", "language": "ru"}
        view["account"]["note"] = "<p>Арендатор</p>"
        if status.author.startswith("k7"):
            view["media_attachments"] = [{"id": "1", "type": "image", "url": "https://files.example/k.png",
                                          "description": "Схема офиса"}]
        statuses.append(view)
    (hub.chats / "past.mastodon.json").write_text(json.dumps({"statuses": statuses, "meta": {}}),
                                                  encoding="utf-8")


@pytest.fixture(scope="module")
def pseudo_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    root = tmp_path_factory.mktemp("pseudo")
    with pytest.MonkeyPatch.context() as patch:
        pseudo_catalogue(root / "locales")
        patch.setattr(languages, "CATALOGUE_DIRS", [root / "locales", *languages.CATALOGUE_DIRS])
        patch.setenv("CHATHUB_NOW", NOW)
        hub = write_hub(root / "hub", {"timezone": "UTC", "per_page": 2},
                        {"site_name": "Хаб", "theme": {"name": "material", "font": False,
                                                      "language": PSEUDO}})
        patch.chdir(hub.root)
        (hub.root / "content" / "index.md").write_text("# Главная\n\n<!-- chathub:upcoming -->\n",
                                                      encoding="utf-8")
        every = "[x, bluesky, mastodon]"
        for slug, year, tag, start, status, networks, extra in (
                ("early", 2025, "Тест", "2026-04-09 17:00", "scheduled", "[x]", ""),
                ("past", 2026, "Тест", "2026-05-14 17:00", "scheduled", every, ""),
                ("soon", 2027, "Тест", "2026-07-09 17:00", "scheduled", every, "hide_questions: true\n"),
                ("off", 2028, "Отмена", "2026-08-13 17:00", "cancelled", "[x]", "replaced_by: soon\n")):
            hub.add_chat(slug, CHAT.format(year=year, tag=tag, start=start, status=status,
                                           networks=networks) + extra)
        _x_transcript(hub)
        _other_networks(hub)
        early = Doc(START - timedelta(days=35))
        early.post("h1", "Q1 Сколько лет? #Тест", 5)
        early.post("p4", "A1 Два года #Тест", 6)
        for number in range(101):  # a second page of people
            early.post(f"q{number}", "A1 Да #Тест", 10)
        early.write(hub.chats, "early")
        hub.build()
        yield hub


def _page(hub, url: str) -> str:
    path = hub.site / url if url.endswith(".html") else hub.site / url / "index.html"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(URLS))
def test_page_has_no_english_word(pseudo_hub, kind):
    html = _page(pseudo_hub, URLS[kind])
    if kind == "home":  # the upcoming chats chathub lists there
        assert BeautifulSoup(html, "html.parser").select(".chathub-card .chathub-card-title, .chathub-hero")
    words = leftovers(html)
    assert not words, f"{URLS[kind] or 'home'}: English words outside the catalogue: {words}"


def test_head_tags_have_no_english_word(pseudo_hub):
    words = {url: head_leftovers(_page(pseudo_hub, url)) for url in URLS.values()}
    assert not any(words.values()), words


def test_the_pages_hold_what_would_show_english(pseudo_hub):
    """The test is only a test if the pages hold what it checks: posts of the three networks,
    images, edits, deep replies, an unknown author, the chart's table, voices, pagination."""
    archive = BeautifulSoup(_page(pseudo_hub, URLS["archive"]), "html.parser")
    assert {a["data-network"] for a in archive.select("article.chathub-post")} == {"x", "bluesky", "mastodon"}
    for selector in (".chathub-post-media", ".chathub-edited", ".chathub-reply-note", ".chathub-quote",
                     "article.chathub-post > footer", ".chathub-role", "#other", ".chathub-archive-networks"):
        assert archive.select(selector), selector
    recap = BeautifulSoup(_page(pseudo_hub, URLS["recap"]), "html.parser")
    for selector in (".chathub-network-figures", ".chathub-alt-nudge", ".chathub-chart-data tbody tr",
                     ".chathub-returning-voices li", ".chathub-unanswered", ".chathub-links .chathub-count",
                     ".chathub-in-archive", ".chathub-summary"):
        assert recap.select(selector), selector
    assert "chathub-timeline" in str(recap) and recap.select_one("figcaption").get_text().count(" ") > 3
    kit = BeautifulSoup(_page(pseudo_hub, URLS["invite"]), "html.parser")
    assert kit.select("[data-network=bluesky]") and kit.select(".chathub-kit-hidden")
    assert BeautifulSoup(_page(pseudo_hub, URLS["not-found"]), "html.parser").select(".chathub-not-found")


def test_the_detector_finds_english():
    assert english_words("Posts per minute") == ["Posts", "per", "minute"]
    assert english_words("Àŕçĥíṽé https://x.com/a @h1 #Tag 13:00 UTC example.org Bluesky") == []
    html = ('<article class="md-content__inner"><p title="Replying to">Ответ</p>'
            '<svg><title>Posts</title></svg></article>')
    assert leftovers(html) == ["Replying", "to", "Posts"]


def test_kit_calendar_and_feed_have_no_english_word(pseudo_hub, run_cli):
    hub, problems = load_hub(load_config(pseudo_hub.root))
    assert not problems.errors
    for chat in hub.chats:
        for item in build_kit(chat, hub.config):
            words = english_words(item.label) + english_words(item.text)
            assert not words, f"{chat.slug} kit, {item.key}: {words}\n{item.text}"
    for name in ("calendar.ics", "feed.xml"):
        text = (pseudo_hub.site / name).read_text(encoding="utf-8").replace("\n ", "")  # unfolded
        body = re.findall(r"^(?:SUMMARY|DESCRIPTION|LOCATION)[^:]*:(.*)$", text, re.M) if (
            name.endswith(".ics")) else re.findall(r"<(?:title|description)>(.*?)</", text, re.S)
        words = [w for line in body for w in english_words(line.replace("\\n", " "))]
        assert not words, f"{name}: {words}"
    for slug in ("soon", "off"):
        code, out, _ = run_cli("invite", slug)
        assert code == 0
        keys = {"announce", "reminder", "dm", "guest", "invite", "welcome", "intro", "question",
                "closing", "blog", "email", "bluesky", "mastodon"}
        assert not [w for w in english_words(out) if w not in keys], out

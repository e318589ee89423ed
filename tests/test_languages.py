"""French and English hubs: a page's language, its translation, the kit, calendars and the feed."""

from __future__ import annotations

import json
import re

import feedparser
import icalendar
import pytest
from chatdoc import Doc
from conftest import CHAT

from chathub.kit.texts import build_kit
from chathub.model.loader import load_hub
from chathub.model.settings import load_config

FRENCH = (CHAT.replace('title: "Leases in 2027"', 'title: "Les baux en 2027"\nlanguage: fr')
          .replace('"#Tenants"', '"#Locataires"'))


def _pair(hub, english: str = CHAT, french: str = FRENCH):
    hub.add_chat("leases", english)
    hub.add_chat("baux", french.replace("language: fr", "language: fr\ntranslation: leases"))
    return hub


def _problems(hub) -> list[str]:
    _, problems = load_hub(load_config(hub.root))
    return [str(p) for p in problems.items]


# --- the chat file -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "says"), [
    ("de", "no catalogue for 'de'"),
    ("klingon", "not a language tag Babel knows"),
    ("[fr]", "must be a single value"),
])
def test_language_must_be_one_chathub_writes(make_hub, value, says):
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace('title: "Leases in 2027"',
                                        f'title: "Leases in 2027"\nlanguage: {value}'))
    problems = _problems(hub)
    assert any(p.startswith("chats/leases.yml:2:11: ") and says in p for p in problems), problems


def test_language_is_normalised(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace('title: "Leases in 2027"', 'title: "L"\nlanguage: fr_CA'))
    loaded, problems = load_hub(load_config(hub.root))
    assert not problems.errors and loaded.chats[0].language == "fr-CA"
    assert loaded.config.language_of(loaded.chats[0]) == "fr-CA"


@pytest.mark.parametrize(("translation", "says"), [
    ("leasez", "there is no chat chats/leasez.yml; did you mean 'leases'?"),
    ("baux", "that is this chat"),
    ("Not A Slug", "is not a chat's slug"),
])
def test_translation_must_name_another_chat(make_hub, translation, says):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    hub.add_chat("baux", FRENCH.replace("language: fr", f"language: fr\ntranslation: {translation}"))
    problems = _problems(hub)
    assert any(p.startswith("chats/baux.yml:3:") and says in p for p in problems), problems


def test_translation_in_the_same_language_or_a_draft_is_an_error(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    hub.add_chat("other", CHAT.replace('"#Tenants"', '"#Other"') + "translation: leases\n")
    assert any("same language (en)" in p for p in _problems(hub))
    hub.add_chat("other", CHAT.replace('"#Tenants"', '"#Other"') + "translation: baux\n")
    hub.add_chat("baux", FRENCH + "status: draft\n")
    assert any("chats/other.yml" in p and "is a draft" in p for p in _problems(hub))


def test_two_chats_cannot_claim_one_translation(make_hub):
    hub = _pair(make_hub())
    hub.add_chat("baux2", FRENCH.replace('"#Locataires"', '"#Baux"') + "translation: leases\n")
    assert any("chats/baux2.yml" in p and "already names" in p for p in _problems(hub))
    hub.add_chat("baux2", FRENCH.replace('"#Locataires"', '"#Baux"'))
    hub.add_chat("leases", CHAT + "translation: baux2\n")
    assert any("chats/baux.yml" in p and "names 'baux2' as its translation" in p
               for p in _problems(hub))


def test_a_hub_language_without_catalogue_is_a_warning(make_hub):
    hub = make_hub(site={"theme": {"name": "material", "font": False, "language": "de"}})
    hub.add_chat("leases", CHAT)
    _, problems = load_hub(load_config(hub.root))
    assert not problems.errors
    assert any("theme.language" in str(w) and "English" in str(w) for w in problems.warnings)
    site = hub.build()  # --strict: a warning never fails the build
    assert hub.html("chats/leases/").html["lang"] == "en" and site.is_dir()


# --- pages ---------------------------------------------------------------------------------

def test_each_page_is_in_its_chats_language_and_links_its_translation(make_hub):
    hub = _pair(make_hub({"timezone": "America/Toronto"}, site={"site_url": "https://hub.example/"}))
    Doc().write(hub.chats, "leases")
    hub.build()
    # (page, its language, its counterpart, the counterpart's language). The French chat has no
    # transcript: its announcement stands in for the English archive's and recap's counterparts.
    pages = [("chats/baux/", "fr", "chats/leases/", "en"),
             ("chats/leases/", "en", "chats/baux/", "fr"),
             ("chats/baux/invite/", "fr", "chats/leases/invite/", "en"),
             ("chats/leases/invite/", "en", "chats/baux/invite/", "fr"),
             ("chats/leases/archive/", "en", "chats/baux/", "fr"),
             ("chats/leases/recap/", "en", "chats/baux/", "fr")]
    for url, lang, other, other_lang in pages:
        soup = hub.html(url)
        assert soup.html["lang"] == lang, url
        links = {a["hreflang"]: a["href"] for a in soup.find_all("link", rel="alternate", hreflang=True)}
        assert links == {lang: f"https://hub.example/{url}",
                         other_lang: f"https://hub.example/{other}"}, url
        visible = soup.select_one(".chathub-translation a")
        assert visible["hreflang"] == other_lang and visible["lang"] == other_lang, url
        assert (hub.site / url / "sitemap.xml").is_file()  # what Material's script fetches
    assert hub.html("chats/leases/").select_one(".chathub-translation a").get_text() == (
        "Lire cette page en français")
    assert hub.html("chats/baux/").select_one(".chathub-translation a").get_text() == (
        "Read this page in English")
    # The hub's own pages are in the hub's language, with no translation.
    index = hub.html("chats/")
    assert index.html["lang"] == "en" and not index.select(".chathub-translation")


def test_french_titles_descriptions_and_dates(make_hub):
    hub = _pair(make_hub({"timezone": "America/Toronto"}))
    hub.build()
    soup = hub.html("chats/baux/invite/")
    assert soup.title.get_text().startswith("Trousse d’invitation\u00a0: Les baux en 2027")
    page = hub.html("chats/baux/")
    description = page.find("meta", attrs={"name": "description", "content": True})
    assert "jeudi 9 juillet 2026 à 13 h 00 HAE" in page.select_one("time.chathub-time-zone").get_text()
    assert any("Clavardage #Locataires" in m["content"]
               for m in page.find_all("meta", attrs={"name": "description"})), description


def test_a_french_hub_lists_its_chats_in_french(make_hub):
    """The pilot template (the upcoming list on the home page): every word in French."""
    hub = make_hub({"timezone": "America/Toronto"},
                   site={"theme": {"name": "material", "font": False, "language": "fr"}})
    hub.add_chat("baux", FRENCH.replace("2026-07-09", "2026-05-14").replace("language: fr\n", ""))
    hub.add_chat("later", FRENCH.replace("2026-07-09", "2026-08-13").replace("#Locataires", "#Suite"))
    doc = Doc()
    doc.post("guest_two", "A1 Trois ans #Locataires", 5)
    doc.write(hub.chats, "baux")
    hub.build()
    home = hub.html("")
    assert home.html["lang"] == "fr"
    card = home.select_one(".chathub-hero")  # issue 14: the next chat leads as a hero
    assert "jeudi 13 août 2026 à 13 h 00 HAE" in card.get_text() and "1\u00a0heure" in card.get_text()
    assert "Prochain clavardage" in card.get_text() and "Ajouter au calendrier" in card.get_text()
    index = hub.html("chats/")
    figures = index.select_one(".chathub-card-figures")
    assert figures.select_one('[data-figure="posts"]').get_text() == "1 publication"
    assert figures.select_one('[data-figure="participants"]').get_text() == "1 participant"
    assert [a.get_text() for a in figures.find_all("a")] == ["Archives", "Résumé"]


def test_a_french_chat_in_an_english_hub_marks_its_title(make_hub):
    hub = make_hub()
    hub.add_chat("baux", FRENCH)
    hub.build()
    title = hub.html("").select_one(".chathub-hero-title a, .chathub-card-title")
    assert title["lang"] == "fr" and title.get_text() == "Les baux en 2027"


# --- the kit, calendars and the feed ------------------------------------------------------

def test_the_kit_is_written_in_french_and_fits(make_hub):
    hub = _pair(make_hub({"timezone": "America/Toronto"}, site={"site_url": "https://hub.example/"}))
    loaded, _ = load_hub(load_config(hub.root))
    chat = loaded.chat("baux")
    items = build_kit(chat, loaded.config)
    assert all(item.fits and not item.too_long for item in items), [
        (i.label, i.weighted_length) for i in items if i.too_long]
    by_kind = {item.kind: item for item in items}
    assert by_kind["announce"].label == "Annonce"
    assert by_kind["announce"].text.startswith("Prochain clavardage #Locataires\u00a0: Les baux en 2027")
    assert "jeu. 9 juill. à 13 h 00 HAE (17 h 00 UTC)" in by_kind["announce"].text
    assert by_kind["email"].text.startswith("Objet\u00a0: Invitation\u00a0: Les baux en 2027")
    assert "Les questions" in by_kind["blog"].text


def test_the_kit_command_speaks_the_chats_language(make_hub, run_cli):
    hub = _pair(make_hub({"timezone": "America/Toronto"}))
    code, out, _ = run_cli("invite", "baux")
    assert code == 0
    assert out.startswith("Trousse d’invitation\u00a0: Les baux en 2027 (#Locataires)\n"
                          "jeudi 9 juillet 2026 à 13 h 00 HAE (America/New_York), 1\u00a0heure")
    assert "Déroulement" in out and "13 h 00 (début)" in out
    code, out, _ = run_cli("invite", "baux", "--json")
    assert json.loads(out)[0]["label"] == "Annonce"
    assert hub


def test_kit_templates_can_be_overridden_per_language(make_hub):
    hub = _pair(make_hub({"timezone": "America/Toronto"},
                         site={"theme": {"name": "material", "font": False,
                                         "custom_dir": "theme_overrides"}}))
    kit = hub.root / "theme_overrides" / "chathub" / "kit"
    (kit / "fr").mkdir(parents=True)
    (kit / "dm.txt").write_text("Any language: {{ title }}\n", encoding="utf-8")
    (kit / "fr" / "dm.txt").write_text("En français : {{ title }}\n", encoding="utf-8")
    loaded, _ = load_hub(load_config(hub.root))
    dm = {c.slug: next(i for i in build_kit(c, loaded.config) if i.kind == "dm") for c in loaded.chats}
    assert dm["baux"].text.startswith("En français : Les baux en 2027")
    assert dm["leases"].text.startswith("Any language: Leases in 2027")


def test_calendars_and_feed_speak_each_chats_language(make_hub):
    hub = _pair(make_hub({"timezone": "America/Toronto"}, site={"site_url": "https://hub.example/"}))
    hub.build()
    event = icalendar.Calendar.from_ical((hub.site / "chats" / "baux.ics").read_bytes()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Clavardage #Locataires\u00a0: Les baux en 2027"
    assert event["SUMMARY"].params["LANGUAGE"] == "fr"
    assert "Pour participer, suivez #Locataires" in str(event["DESCRIPTION"])
    both = icalendar.Calendar.from_ical((hub.site / "calendar.ics").read_bytes())
    assert {e["SUMMARY"].params["LANGUAGE"] for e in both.walk("VEVENT")} == {"en", "fr"}
    feed = feedparser.parse((hub.site / "feed.xml").read_bytes())
    assert feed.feed.language == "en"
    titles = {e.title for e in feed.entries}
    assert "Les baux en 2027 (clavardage #Locataires)" in titles
    assert "Leases in 2027 (#Tenants chat)" in titles
    french = next(e for e in feed.entries if "Locataires" in e.title)
    assert "Un clavardage de 1\u00a0heure sur X" in french.summary


def test_posts_keep_their_own_language(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace("2026-07-09", "2026-05-14"))
    doc = Doc()
    english = doc.post("guest_two", "A1 Three years #Tenants", 5, lang="en")
    french = doc.post("guest_two", "A1 Trois ans, pas plus #Tenants", 6, lang="fr")
    unknown = doc.post("guest_two", "#Tenants", 7, lang="qht")
    doc.write(hub.chats, "leases")
    hub.build()
    archive = hub.html("chats/leases/archive/")
    text = {ident: archive.find(id=f"t{ident}").select_one(".chathub-post-text")
            for ident in (english, french, unknown)}
    assert text[french]["lang"] == "fr"
    assert not text[english].has_attr("lang") and not text[unknown].has_attr("lang")


def test_french_punctuation_in_an_archive_and_a_recap(make_hub):
    """A medium before its alt text, and each bar of the chart, are written as French writes a
    colon (a no-break space before it); English keeps its own."""
    hub = make_hub({"timezone": "America/Toronto"})
    hub.add_chat("baux", FRENCH.replace("2026-07-09", "2026-05-14"))
    doc = Doc()
    doc.post("guest_two", "A1 Trois ans #Locataires", 5, attachments={"media_keys": ["3_1"]})
    document = doc.document()
    document["includes"]["media"] = [{"media_key": "3_1", "type": "photo", "alt_text": "Plan de l’étage"}]
    (hub.chats / "baux.tweets.json").write_text(json.dumps(document), encoding="utf-8")
    hub.build()
    media = hub.html("chats/baux/archive/").select_one(".chathub-post-media a")
    assert media.get_text().startswith("Photo\u00a0: Plan de l’étage")
    bars = [t.get_text() for t in hub.html("chats/baux/recap/").select(".chathub-chart-bars rect title")]
    assert bars and all(re.fullmatch(r"\d+ h \d\d\u00a0: \d+ publications?", bar) for bar in bars), bars

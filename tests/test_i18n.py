"""Languages: which ones chathub writes, its catalogues, and Babel's formats for a page's locale."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest
from babel.messages.pofile import read_po
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from chathub.capture.x.normalise import parse_lang, parse_post
from chathub.i18n import available_languages, language_for, language_problem, translator_for
from chathub.i18n import jinja as i18n_jinja
from chathub.i18n.formats import format_datetime, format_duration, zone_name
from chathub.i18n.languages import same_language, writable
from chathub.i18n.scripts import script_catalogues, script_messages

LOCALES = REPO / "hub" / "locales"
TORONTO = ZoneInfo("America/Toronto")
NEW_YORK = ZoneInfo("America/New_York")


# --- which languages ---------------------------------------------------------------------------

def test_english_and_canadian_french_ship():
    assert {"en", "fr-CA"} <= set(available_languages())
    french = language_for("fr")
    assert (french.tag, french.catalogue, str(french.locale)) == ("fr", "fr_CA", "fr_CA")
    assert str(language_for("en").locale) == "en"


@pytest.mark.parametrize(("written", "tag", "locale"), [
    ("fr", "fr", "fr_CA"),  # a bare language formats as its catalogue's region
    ("fr-CA", "fr-CA", "fr_CA"),
    ("fr_CA", "fr-CA", "fr_CA"),
    ("FR-ca", "fr-CA", "fr_CA"),
    ("fr-FR", "fr-FR", "fr_FR"),  # a region of its own: the French words, France's formats
    ("en-CA", "en-CA", "en_CA"),
])
def test_tags_resolve_to_a_catalogue_and_a_locale(written, tag, locale):
    language = language_for(written)
    assert (language.tag, str(language.locale)) == (tag, locale)
    assert language_problem(written) is None


@pytest.mark.parametrize(("value", "says"), [
    ("de", "no catalogue for 'de'"),  # Babel knows it, chathub has no words for it
    ("fx", "not a language tag"),
    ("frr-", "not a language tag"),
    ("und", "not a language tag"),
    ("", "not a language tag"),
])
def test_languages_chathub_cannot_write_say_why(value, says):
    problem = language_problem(value)
    assert problem and says in problem
    with pytest.raises(ValueError, match=r"catalogue|language tag"):
        language_for(value)


def test_a_hub_in_a_language_without_catalogue_is_written_in_english():
    assert writable("de").tag == "en" and writable("fr").tag == "fr"


def test_same_language_compares_primary_subtags():
    assert same_language("fr", "fr-CA") and not same_language("fr", "en")


def test_names_of_languages_for_switches():
    assert language_for("fr").name == "français"
    assert translator_for("fr").language_name("en") == "anglais"
    assert translator_for("en").language_name("fr") == "French"


# --- formats -------------------------------------------------------------------------------

def test_full_date_and_time_in_canadian_french_with_cldr_zone_names():
    for zone in (TORONTO, NEW_YORK):
        winter = datetime(2026, 12, 10, 13, 0, tzinfo=zone)
        summer = datetime(2026, 7, 9, 13, 0, tzinfo=zone)
        assert translator_for("fr").datetime(winter) == "jeudi 10 décembre 2026 à 13 h 00 HNE"
        assert translator_for("fr").datetime(summer) == "jeudi 9 juillet 2026 à 13 h 00 HAE"
        assert translator_for("en").datetime(winter) == "Thursday, December 10, 2026 at 13:00 EST"
        assert translator_for("en").time(summer) == "13:00 EDT"


def test_zones_without_an_abbreviation_get_the_short_gmt_offset():
    paris = datetime(2026, 12, 10, 13, 0, tzinfo=ZoneInfo("Europe/Paris"))
    kolkata = datetime(2026, 12, 10, 13, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert zone_name(paris, "fr_CA") == "UTC+1" and zone_name(paris, "en") == "GMT+1"
    assert zone_name(kolkata, "en") == "GMT+5:30"
    assert zone_name(datetime(2026, 1, 1, tzinfo=UTC), "en") == "UTC"


def test_other_styles():
    moment = datetime(2026, 12, 10, 13, 5, tzinfo=TORONTO)
    fr = translator_for("fr")
    assert fr.datetime(moment, "medium") == "10 déc. 2026, 13 h 05 HNE"
    assert fr.date(moment, "MMMEd") == "jeu. 10 déc."
    assert fr.clock(moment) == "13 h 05"
    assert translator_for("en").date(moment, "yMMMd") == "Dec 10, 2026"
    with pytest.raises(ValueError, match="unknown date style"):
        format_datetime(moment, "fancy", "en")


@pytest.mark.parametrize(("minutes", "en", "fr"), [
    (30, "30 minutes", "30\u00a0minutes"),
    (60, "1 hour", "1\u00a0heure"),
    (90, "1 hour 30 minutes", "1\u00a0heure 30\u00a0minutes"),
    (121, "2 hours 1 minute", "2\u00a0heures 1\u00a0minute"),
])
def test_durations(minutes, en, fr):
    assert format_duration(minutes, "en") == en
    assert translator_for("fr").duration(minutes) == fr


def test_plurals_and_numbers_in_french():
    fr = translator_for("fr")
    posts = [fr.ngettext("%(num)s post", "%(num)s posts", n) for n in (0, 1, 2, 1234)]
    assert posts == ["0 publication", "1 publication", "2 publications", "1\u00a0234 publications"]
    assert fr.ngettext("%(num)s participant", "%(num)s participants", 1) == "1 participant"
    assert translator_for("en").ngettext("%(num)s post", "%(num)s posts", 1234) == "1,234 posts"


@given(st.integers(min_value=0, max_value=10**7))
def test_every_count_has_a_french_form(count):
    text = translator_for("fr").ngettext("%(num)s post", "%(num)s posts", count)
    assert "publication" in text and "post" not in text


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                    timezones=st.sampled_from([TORONTO, NEW_YORK, ZoneInfo("Europe/Paris"), UTC])))
def test_any_instant_formats_in_both_languages(moment):
    for tag in ("en", "fr"):
        text = translator_for(tag).datetime(moment)
        assert str(moment.year) in text and (moment.strftime("%M") in text)


# --- templates -----------------------------------------------------------------------------

def _render(source: str, tag: str, autoescape: bool = True, **context) -> str:
    env = jinja2.Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])
    i18n_jinja.install(env, translator_for(tag))
    return env.from_string(source).render(**context)


def test_templates_translate_and_count_in_the_page_language():
    source = ('{{ _("Archive") }}|{{ ngettext("%(num)s post", "%(num)s posts", n) }}|'
              '{% trans count=n %}{{ count }} post{% pluralize %}{{ count }} posts{% endtrans %}|'
              '{{ moment | datetime }}|{{ 90 | duration }}|{{ language }}')
    moment = datetime(2026, 12, 10, 13, 0, tzinfo=TORONTO)
    text = _render(source, "fr", n=1500, moment=moment)
    assert text.split("|")[:2] == ["Archives", "1\u00a0500 publications"]
    assert "jeudi 10 décembre 2026 à 13 h 00 HNE" in text and text.endswith("|fr")
    assert _render(source, "en", n=1, moment=moment).startswith("Archive|1 post|1 post|")


def test_values_put_into_messages_are_escaped():
    text = _render('{{ _("Archive: %(title)s", title=title) }}', "fr", title="<b>x</b>")
    assert text == "Archives\u00a0: &lt;b&gt;x&lt;/b&gt;"


def test_lang_attr_marks_text_in_another_language():
    source = '<a{{ lang_attr(a) }}>x</a><a{{ lang_attr(b) }}>y</a><a{{ lang_attr("") }}>z</a>'
    assert _render(source, "en", a="fr", b="en") == '<a lang="fr">x</a><a>y</a><a>z</a>'


# --- catalogues ----------------------------------------------------------------------------

def test_catalogues_are_up_to_date_with_the_code():
    """Every message of the code is in hub/locales/chathub.pot and every catalogue, and none that
    left the code: ``./dev i18n`` changes nothing."""
    done = subprocess.run([sys.executable, "scripts/update_catalogues.py", "--check"], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr + done.stdout


def _catalogue(name: str):
    with (LOCALES / name / "LC_MESSAGES" / "chathub.po").open("rb") as handle:
        return read_po(handle, locale=name)


def test_every_message_has_its_canadian_french_translation():
    catalog = _catalogue("fr_CA")
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not m.string or (
        isinstance(m.string, tuple) and not all(m.string)))]
    assert not missing, missing
    assert not list(catalog.check()), "placeholders differ between a message and its translation"


def test_translations_keep_the_typography_of_canadian_french():
    """A no-break space before a colon; none before ! ? ; (the Office québécois de la langue
    française's rule), and guillemets with no-break spaces inside."""
    for message in _catalogue("fr_CA"):
        if not message.id:
            continue  # the header
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            if not text:
                continue
            assert " :" not in text and " !" not in text and " ?" not in text, text
            assert "« " not in text and " »" not in text, text


def test_a_new_catalogue_is_compiled_when_first_used(tmp_path, monkeypatch):
    """A .po file is all a language needs: chathub compiles it in memory, and again when it
    changes (no .mo file, no build step)."""
    from chathub.i18n import languages

    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "chathub.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
                  'msgid "Archive"\nmsgstr "Archiv"\n', encoding="utf-8")
    monkeypatch.setattr(languages, "CATALOGUE_DIRS", [tmp_path, *languages.CATALOGUE_DIRS])
    assert language_problem("de") is None
    assert translator_for("de").gettext("Archive") == "Archiv"
    po.write_text(po.read_text(encoding="utf-8").replace('"Archiv"', '"Das Archiv"'), encoding="utf-8")
    assert translator_for("de").gettext("Archive") == "Das Archiv"


# --- scripts -------------------------------------------------------------------------------

def test_the_scripts_words_are_extracted_and_shipped_to_the_browser():
    assert {"Copied", "Press Ctrl+C to copy"} <= set(script_messages())
    assert ("%(num)s of %(total)s matches", "%(num)s of %(total)s match") in script_messages()
    js = script_catalogues()
    assert '"Copied": "Copié"' in js and '"fr": [' in js and '"locale": "fr-CA"' in js
    assert "window.chathubI18n" in js


# --- posts keep their language -------------------------------------------------------------

@pytest.mark.parametrize(("lang", "tag"), [
    ("fr", "fr"), ("en", "en"), ("pt-BR", "pt-BR"), ("in", "id"), ("iw", "he"),
    ("und", ""), ("qme", ""), ("qht", ""), ("zxx", ""), ("", ""), (None, ""), ("<b>", ""),
])
def test_x_lang_becomes_the_posts_language(lang, tag):
    assert parse_lang(lang) == tag
    post = parse_post({"id": "1", "text": "Bonjour", "author_id": "9", "lang": lang}, {})
    assert post.lang == tag


def test_shipped_files_include_the_catalogues():
    import tomllib

    data = tomllib.loads(Path(REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "locales/**/*" in data["package-data"]["chathub"]

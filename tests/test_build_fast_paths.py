"""The build's fast paths give what the slow ones gave: libyaml's composer the same nodes and
the same located problems as PyYAML's, Material's search the same entries for chathub's pages,
and chathub's pages the same HTML, whichever way they are rendered. (Timing lives in
``./dev bench``, never here.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from chatdoc import Doc
from conftest import CHAT, record_calls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chathub.model.loader import compose_yaml


def _shape(node: yaml.Node | None) -> object:
    """Everything chathub reads of a node tree: kinds, tags, values, scalars' styles, and marks
    (where every node starts, and where scalars end)."""
    if node is None:
        return None
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, where, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, where, [_shape(n) for n in node.value])
    return ("map", node.tag, where, [(_shape(k), _shape(v)) for k, v in node.value])


def _pure(text: str) -> object:
    try:
        return _shape(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))
    except RecursionError:
        return ("recursion",)


def _fast(text: str) -> object:
    try:
        return _shape(compose_yaml(text))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))
    except RecursionError:
        return ("recursion",)


PIECES = ["title: ", "hashtag: ", "questions:\n", "  - ", "host: ", "{handle: ", "[", "]", "{", "}",
          ", ", ": ", '"', "'", "?", "Do you drive", "@name", "#Tag", "\n", "  ", "é", "ü 😀",
          "2026-03-08 01:30", "60", "true", "null", "|\n  text\n", "# comment", "\t", "&a ", "*a",
          "!!str ", "- ", "\x85", "\x07"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_libyaml_composes_what_pyyaml_composes_or_pyyaml_says_why_not(pieces):
    text = "".join(pieces)
    assert _fast(text) == _pure(text)


@pytest.mark.parametrize("text", [
    "title: [Do you drive?]\nhashtag: x\n",
    "title: \"unclosed\nhashtag: x\n",
    "host: {handle: @name}\n",
    "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "title: ok\n\x07bad: 1\n",
    "questions:\n  - one\n - two\n",
])
def test_a_file_libyaml_would_read_differently_or_refuse_gets_pyyaml_s_answer(text):
    assert _fast(text) == _pure(text)


def test_chat_file_problems_are_still_located(make_hub, run_cli):
    tiny = make_hub()
    tiny.add_chat("broken", 'title: "A chat"\nhashtag: "#Tenants"\nstart: 2026-07-09 13:00\n'
                  'host: {handle: "@HostCo"}\nduration: "sixty"\nquestions:\n  - [Do you drive?]\n')
    code, _, err = run_cli("check")
    assert code != 0
    assert "chats/broken.yml:7:" in err and "malformed YAML" in err


# --- search entries --------------------------------------------------------------------------

def _hub_with_a_past_chat(make_hub):
    tiny = make_hub()
    tiny.add_chat("may", CHAT.replace("2026-07-09", "2026-05-14"))
    doc = Doc(Doc().start.replace(month=5, day=14))
    question = doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
    doc.post("fran", "A1 five years, said in May #Tenants", 6, likes=3, reply_to=question)
    doc.post("guest", "A1 it depends on the floor plan #Tenants", 7)
    doc.write(tiny.chats, "may")
    return tiny


def _material_entries(tiny, url: str) -> list[dict]:
    """What Material's search makes of the page as written (its parser over the page's
    content, as it would have run on the page itself)."""
    from bs4 import BeautifulSoup
    from material.plugins.search.plugin import Parser

    html = (tiny.site / url / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.md-content__inner")
    assert article is not None
    inner = html[html.index(">", html.index('<article class="md-content__inner')) + 1:]
    inner = inner[:inner.rindex("</article>")]
    parser = Parser()
    parser.feed(inner)
    parser.close()
    return [s for s in parser.data if not s.is_excluded()]


def test_search_finds_announcements_and_recaps_by_their_words(make_hub):
    tiny = _hub_with_a_past_chat(make_hub)
    tiny.build()
    index = json.loads((tiny.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    by_location = {d["location"]: d for d in docs}
    assert any(loc.startswith("chats/may/") and "/recap/" not in loc for loc in by_location)
    recap = [d for d in docs if d["location"].startswith("chats/may/recap/")]
    assert recap, "the recap is searchable"
    assert any("five years" in d["text"] for d in recap)  # a highlight is found by its words
    assert not any(d["location"].startswith("chats/may/archive/") for d in docs)  # archives are not
    assert not any(d["location"].startswith("chats/may/invite/") for d in docs)
    announcement = [d for d in docs if d["location"].startswith("chats/may/")
                    and not d["location"].startswith(("chats/may/recap/", "chats/may/archive/"))]
    assert any("How long a lease" in d["text"] or "How long a lease" in d["title"] for d in announcement)


@pytest.mark.parametrize("page", ["chats/may/", "chats/may/recap/"])
def test_search_entries_are_the_ones_material_makes_of_the_page(make_hub, page):
    tiny = _hub_with_a_past_chat(make_hub)
    tiny.build()
    index = json.loads((tiny.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    ours = [d for d in index["docs"] if d["location"].split("#")[0] == page]
    sections = _material_entries(tiny, page)
    assert len(ours) == len(sections) > 0
    for entry, section in zip(ours, sections, strict=True):
        assert entry["text"] == "".join(section.text).strip()
        if section.title:
            assert entry["title"] == "".join(section.title).strip()
        if section.id:
            assert entry["location"] == f"{page}#{section.id}"


def _sections(sections) -> list[tuple]:
    return [(s.el.tag, dict(s.el.attrs), s.depth, s.id, list(s.title), list(s.text)) for s in sections]


def _material_sections(html: str) -> object:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    try:
        parser.feed(html)
        parser.close()
    except ValueError as exc:  # Material's parser fails on some HTML: the same way, both paths
        return ("error", str(exc))
    return _sections(parser.data)


def _our_sections(html: str) -> object:
    from chathub.search_parser import parse_sections

    try:
        return _sections(parse_sections(html))
    except ValueError as exc:
        return ("error", str(exc))


HTML_PIECES = ["<h1>", "</h1>", '<h2 id="q1">', "</h2>", "<h3 id='a&amp;b'>", "</h3>", "<p>", "</p>",
               '<p class="chathub-lede">', "<ul>", "</ul>", "<li>", "</li>", "<ol>", "</ol>", "<a href=x>",
               '<a class="headerlink" href="#q1">', "</a>", "<span>", "</span>", "<div data-search-exclude>",
               "</div>", "<div>", "<br>", "<br/>", "<img src=a.png alt=''>", '<svg><use href="#x"/></svg>',
               "<pre>", "</pre>", "<code>", "</code>", "<script>", "</script>", "<style>", "<!-- note -->",
               "<!--<h1-->", "<!-- a -- b -->", "<!--->", "<!DOCTYPE html>", "<?x?>", "<![CDATA[x]]>",
               "<sub>", "</sup>", "<title>", "</title>", "<textarea>", "</textarea>", "</script>",
               "</style>", "<object>", "</object>", '<section class="linenodiv">', "</section>",
               "Q1 ", "Do you rent?", "  ", "\n", "&amp;", "&lt;b&gt;", "&#233;", "&eacute", "a < b", "x > y",
               "é 😀", "<A HREF='Y'>", "</A >", "<p\xa0class=x>", '<a title="1 > 0">', "<a title=x/>", "</>",
               "<a b=c d>", "<a b='<'>", "\t", "<dd data-value=5>", "</ dd>", "<li/>", "<x-y z:w=v>",
               '<h2 id="x" data-search-exclude>', "<p data-search-exclude>", '<div class="linenodiv">',
               "<hx>", "</hx>", "a\nb", '<h4 id="">', "<h1 id=t>", "<sup>", "</sub>", "</li>", "</p>",
               '<A CLASS="headerlink" HREF="#q1">', "<a class=HEADERLINK>", "<DIV DATA-Search-Exclude>",
               "<p CLASS=linenodiv>", '<span title="data-search-exclude">', '<H2 ID="Q2">']


def _regular(piece: str) -> bool:
    from chathub.search_parser import _tokens

    return _tokens(piece) is not None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40) | st.lists(
    st.sampled_from([p for p in HTML_PIECES if _regular(p)]), max_size=60))
def test_search_sections_are_the_ones_materials_parser_makes(pieces):
    """chathub's tokenizer feeds Material's parser, or hands the HTML to HTMLParser: either way
    the sections (titles, texts, ids, depths) are the ones Material's parser makes."""
    html = "".join(pieces)
    assert _our_sections(html) == _material_sections(html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['<p data-search-exclude="">', " data-search-exclude=\"x\"", "data-search-",
                                 'data-search-boost="2"', "\t", "\n", " ", "\u2003", '"', "=", "a", "é", "<",
                                 ">", "data-search-\u00e9=\"1\""]), max_size=30))
def test_search_attributes_go_with_the_space_before_them(pieces):
    """What chathub writes of a searchable page: its data-search-* attributes taken out, each
    with the one white space before it, as Material's search does."""
    import re

    from chathub.plugin import without_search_attributes

    html = "".join(pieces)
    assert without_search_attributes(html) == re.sub(r"\s?data-search-\w+=\"[^\"]+\"", "", html)


def test_chathub_pages_take_the_quick_tokenizer(make_hub):
    """The recap and the announcement are in the shape the tokenizer reads (so search is quick),
    and it makes Material's sections of them."""
    from chathub.plugin import without_excluded
    from chathub.search_parser import _tokens, parse_sections

    tiny = _hub_with_a_past_chat(make_hub)
    tiny.build()
    for page in ("chats/may/index.html", "chats/may/recap/index.html"):
        html = (tiny.site / page).read_text(encoding="utf-8")
        content = html[html.index("<article class=\"md-content__inner"):html.rindex("</article>")]
        content = without_excluded(content)  # as search is given it
        assert _tokens(content) is not None, page
        assert _sections(parse_sections(content)) == _material_sections(content)


# --- serve rebuilds ------------------------------------------------------------------------------

def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _serve_build(tiny, site_dir, started: list) -> object:
    """One build as `mkdocs serve` runs it (config loaded again, plugin kept, serve's site_url)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(tiny.root / "mkdocs.yml"), site_dir=str(site_dir))
    config.site_url = "http://127.0.0.1:8000/"
    if not started:
        config.plugins.on_startup(command="serve", dirty=False)
        started.append(True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=False)
    return config.plugins["chathub"]


def _fresh_build(tiny, site_dir) -> None:
    """The same hub built by a new serve session (nothing kept)."""
    import chathub.analysis.community as community
    import chathub.pages.calendars as calendars
    import chathub.pages.people as people

    community._KEEP.clear()
    community._DIGESTS.clear()
    community._PEOPLE.clear()
    calendars._KEPT.clear()
    calendars._EVENTS.clear()
    people._ROWS.clear()
    _serve_build(tiny, site_dir, [])


def test_serve_rebuilds_write_what_a_fresh_build_writes(make_hub, tmp_path):
    """Pages kept from the last build (their HTML, their theme around it, their search entries,
    their calendars) are byte for byte what building them again gives, after edits of a chat file,
    of a transcript and of a template override."""
    tiny = _hub_with_a_past_chat(make_hub)
    tiny.add_chat("june", CHAT.replace("2026-07-09", "2026-06-04").replace("Leases in 2027", "June"))
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    started: list = []
    plugin = _serve_build(tiny, served, started)
    assert plugin.rendered and plugin.searched
    plugin = _serve_build(tiny, served, started)
    assert plugin.rendered == set() and plugin.searched == set() and plugin.reused
    path = tiny.chats / "june.yml"
    path.write_text(path.read_text().replace("Why we **host** this chat.", "Why we *really* host it."))
    plugin = _serve_build(tiny, served, started)
    assert "chats/june/index.md" in plugin.rendered
    assert "chats/may/archive/index.md" in plugin.reused  # another chat's pages are kept
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)
    transcript = tiny.chats / "may.tweets.json"
    transcript.write_text(transcript.read_text().replace("five years", "six years"))
    plugin = _serve_build(tiny, served, started)
    assert "chats/may/archive/index.md" in plugin.rendered
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)
    assert "six years" in (served / "chats" / "may" / "archive" / "index.html").read_text()
    before = transcript.stat()  # an edit of the same size, its time put back (rsync -t, touch -r)
    transcript.write_text(transcript.read_text().replace("six years", "ten years"))
    os.utime(transcript, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert transcript.stat().st_size == before.st_size
    plugin = _serve_build(tiny, served, started)
    assert "ten years" in (served / "chats" / "may" / "archive" / "index.html").read_text()
    plugin = _serve_build(tiny, served, started)  # nothing edited: nothing read or rendered again
    assert not plugin.rendered
    override = tiny.root / "theme_overrides" / "main.html"
    override.parent.mkdir(exist_ok=True)
    override.write_text('{% extends "base.html" %}\n{% block footer %}<p>Edited footer</p>{% endblock %}\n')
    config = yaml.safe_load((tiny.root / "mkdocs.yml").read_text())
    config["theme"]["custom_dir"] = "theme_overrides"
    (tiny.root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    plugin = _serve_build(tiny, served, started)
    assert not plugin.reused  # the theme changed: every page goes through it again
    assert "Edited footer" in (served / "chats" / "may" / "archive" / "index.html").read_text()
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)
    assert any(kept.codes for kept in plugin.compiled.values())  # the theme compiled once, kept
    override.write_text(override.read_text().replace("Edited footer", "Edited foot"))
    plugin = _serve_build(tiny, served, started)
    archive = (served / "chats" / "may" / "archive" / "index.html").read_text()
    assert "Edited foot<" in archive and "Edited footer" not in archive  # compiled again
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)


def test_serve_counts_the_people_again_only_when_who_took_part_changed(make_hub, tmp_path):
    """The people directory and the recaps' new and returning voices, kept across rebuilds while
    the same accounts post as often, are what a new session builds: after a title edit (the
    directory names the chat), a likes-only edit (no people page again), a renamed participant
    and a new one."""
    tiny = _hub_with_a_past_chat(make_hub)
    tiny.add_chat("june", CHAT.replace("2026-07-09", "2026-06-04").replace("Leases in 2027", "June talk"))
    doc = Doc(Doc().start.replace(month=6, day=4))
    question = doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
    doc.post("fran", "A1 three years this time #Tenants", 6, likes=1, reply_to=question)
    doc.post("newcomer", "A1 a month at a time #Tenants", 8)
    transcript = doc.write(tiny.chats, "june")
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    started: list = []
    _serve_build(tiny, served, started)

    def people_text() -> str:
        return (served / "people" / "index.html").read_text(encoding="utf-8")

    chat = tiny.chats / "june.yml"
    chat.write_text(chat.read_text().replace("June talk", "Midsummer talk"))
    plugin = _serve_build(tiny, served, started)
    assert "people/index.md" in plugin.rendered
    assert "Midsummer talk" in people_text() and "June talk" not in people_text()
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)
    transcript.write_text(transcript.read_text().replace('"like_count": 1', '"like_count": 7'))
    plugin = _serve_build(tiny, served, started)
    assert "chats/june/archive/index.md" in plugin.rendered and "people/index.md" not in plugin.rendered
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)
    transcript.write_text(transcript.read_text().replace('"name": "Fran"', '"name": "Francesca Q"')
                          .replace('"newcomer"', '"latecomer"'))
    plugin = _serve_build(tiny, served, started)
    assert "Francesca Q" in people_text() and "latecomer" in people_text()
    assert "newcomer" not in people_text()
    recap = (served / "chats" / "june" / "recap" / "index.html").read_text(encoding="utf-8")
    assert "latecomer" in recap and "Francesca Q" in recap
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)


def test_serve_parses_again_only_the_chat_files_that_changed(make_hub, tmp_path, monkeypatch):
    """Under serve an unchanged chat file is not parsed again, yet its problems are reported at
    every rebuild; an edit, or a catalogue for its language added, is read at the next one."""
    import chathub.i18n.languages as languages
    import chathub.model.loader as loader

    tiny = _hub_with_a_past_chat(make_hub)
    june = tiny.add_chat("june", CHAT.replace("2026-07-09", "2026-06-04").replace("Leases in 2027", "June"))
    parsed = record_calls(monkeypatch, loader, "_parse_chat", lambda path: path.stem)
    served, started = tmp_path / "served", []
    _serve_build(tiny, served, started)
    assert sorted(parsed) == ["june", "may"]
    parsed.clear()
    _serve_build(tiny, served, started)
    assert parsed == []
    may = tiny.chats / "may.yml"
    may.write_text(may.read_text().replace("Leases in 2027", "Leases in May"))
    _serve_build(tiny, served, started)
    assert parsed == ["may"] and "Leases in May" in (served / "chats/may/index.html").read_text()
    parsed.clear()
    june.write_text(june.read_text() + "language: de\n")  # no catalogue for it: an error
    for _ in range(2):
        plugin = _serve_build(tiny, served, started)
        assert any("june.yml" in p and "language" in p for p in plugin.problems)
    assert parsed == ["june"]
    parsed.clear()
    german = tmp_path / "locales" / "de" / "LC_MESSAGES"
    german.mkdir(parents=True)
    english = Path(languages.catalogue_files()["en"])
    (german / english.name).write_bytes(english.read_bytes())
    monkeypatch.setattr(languages, "CATALOGUE_DIRS", [*languages.CATALOGUE_DIRS, tmp_path / "locales"])
    plugin = _serve_build(tiny, served, started)
    assert sorted(parsed) == ["june", "may"] and not plugin.problems
    assert '<html lang="de"' in (served / "chats/june/index.html").read_text()


def _cards(site) -> list:
    return [p for p in site.rglob("*.png") if "assets" not in p.relative_to(site).parts]  # not the theme's


def test_serve_links_the_cached_cards_and_a_build_copies_them(make_hub, tmp_path, monkeypatch):
    """Under serve, a social card in the cache is hard-linked into serve's temporary site (the
    same bytes, nothing copied at each rebuild); a build copies it, so the published site shares
    nothing with the cache; where the file system refuses links, serve copies too."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    tiny = _hub_with_a_past_chat(make_hub)
    served = tmp_path / "served"
    _serve_build(tiny, served, [])  # draws the cards into the cache
    _serve_build(tiny, served, [True])
    cache = {p.read_bytes(): p.stat().st_ino for p in (tiny.root / ".cache").rglob("*.png")}
    site_cards = _cards(served)
    assert cache and len(site_cards) == len(cache)
    for card in site_cards:
        assert cache[card.read_bytes()] == card.stat().st_ino

    built = tmp_path / "built"
    config = load_config(str(tiny.root / "mkdocs.yml"), site_dir=str(built))
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
    build(config)
    copies = _cards(built)
    assert len(copies) == len(cache)
    for card in copies:
        assert card.read_bytes() in cache and cache[card.read_bytes()] != card.stat().st_ino

    def refuse(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    _serve_build(tiny, served, [True])
    assert len(_cards(served)) == len(cache)
    for card in _cards(served):
        assert card.read_bytes() in cache and cache[card.read_bytes()] != card.stat().st_ino


def test_serve_leaves_in_place_the_pages_that_come_out_the_same(make_hub, tmp_path, caplog):
    """A serve rebuild leaves the last build's file of each page whose HTML is the same in the
    site (the same inode, nothing written), says nothing about it in the log, and leaves no
    folder behind; a page whose old file is not what it would write is written again."""
    import logging

    tiny = _hub_with_a_past_chat(make_hub)
    served = tmp_path / "served"
    started: list = []
    _serve_build(tiny, served, started)
    archive = served / "chats" / "may" / "archive" / "index.html"
    recap = served / "chats" / "may" / "recap" / "index.html"
    first = {p: (p.stat().st_ino, p.read_bytes()) for p in (archive, recap)}
    recap.write_bytes(first[recap][1][:-10])  # damaged between builds: written again, whole
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        plugin = _serve_build(tiny, served, started)
    assert "chats/may/archive/index.md" in plugin.kept_site.restored
    assert archive.stat().st_ino == first[archive][0] and archive.read_bytes() == first[archive][1]
    assert "chats/may/recap/index.md" in plugin.reused  # the same HTML, but not the same file
    assert "chats/may/recap/index.md" not in plugin.kept_site.restored
    assert recap.read_bytes() == first[recap][1]
    assert not any("Page skipped" in r.getMessage() for r in caplog.records)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("served")) == ["served"]
    fresh = tmp_path / "fresh"
    _fresh_build(tiny, fresh)
    assert _files(served) == _files(fresh)


def test_a_serve_rebuild_leaves_no_file_a_build_from_scratch_would_not_write(make_hub, tmp_path):
    """The last build's files stay in place while a rebuild writes over them; what it no longer
    writes (a deleted chat's pages, card and calendar, a file put there by hand) goes after it,
    with the folders it leaves empty, and hidden files at the top stay, as MkDocs keeps them."""
    tiny = _hub_with_a_past_chat(make_hub)
    tiny.add_chat("june", CHAT.replace("2026-07-09", "2026-06-04").replace("Leases in 2027", "June"))
    served = tmp_path / "served"
    started: list = []
    _serve_build(tiny, served, started)
    _serve_build(tiny, served, started)  # the cards, now in the cache, are linked
    assert (served / "chats" / "june" / "invite" / "index.html").is_file()
    archive = served / "chats" / "may" / "archive" / "index.html"
    inode = archive.stat().st_ino
    (served / ".well-known").mkdir()
    (served / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.org")
    (served / "chats" / "stray.html").write_text("<p>put there by hand</p>")
    (tiny.chats / "june.yml").unlink()
    plugin = _serve_build(tiny, served, started)
    assert "chats/may/archive/index.md" in plugin.kept_site.restored and archive.stat().st_ino == inode
    assert not (served / "chats" / "june").exists() and not (served / "chats" / "stray.html").exists()
    assert (served / ".well-known" / "security.txt").read_text() == "Contact: mailto:x@example.org"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("served")) == ["served"]
    fresh = tmp_path / "fresh"
    _fresh_build(tiny, fresh)
    shown = {k: v for k, v in _files(served).items() if not k.startswith(".well-known/")}
    assert shown == _files(fresh)
    folders = {p.relative_to(served) for p in served.rglob("*") if p.is_dir()} - {Path(".well-known")}
    assert folders == {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_dir()}


@pytest.mark.parametrize(("command", "dirty"), [("build", False), ("serve", True)])
def test_builds_and_dirty_serves_leave_the_site_folder_alone(make_hub, tmp_path, command, dirty):
    """Only a serve rebuild from scratch sets the last site aside: ``mkdocs build`` empties its
    folder as MkDocs does, and ``serve --dirty`` keeps the files it does not write again."""
    from mkdocs.config import load_config

    tiny = _hub_with_a_past_chat(make_hub)
    site = tmp_path / "site"
    site.mkdir()
    (site / "kept.html").write_text("<p>from before</p>")
    config = load_config(str(tiny.root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command=command, dirty=dirty)
    plugin = config.plugins["chathub"]
    plugin.on_pre_build(config=config)
    assert (site / "kept.html").read_text() == "<p>from before</p>"
    assert not plugin.kept_site.previous
    assert not any(p.name.endswith("chathub-last") for p in tmp_path.iterdir())


def test_serve_collects_cycles_once_what_it_holds_has_grown_by_a_quarter():
    """Between serve rebuilds, garbage that only cycles hold is collected when the process has
    grown by a quarter since the last collection, not by going over everything at each rebuild."""
    import gc
    import sys
    import weakref

    from chathub.plugin import ChatHubPlugin

    class Node:
        pass

    def cycle() -> weakref.ref:
        node = Node()
        node.itself = node
        return weakref.ref(node)

    plugin = ChatHubPlugin()
    enabled = gc.isenabled()
    gc.disable()
    try:
        plugin.frozen, plugin.collected_at = True, sys.getallocatedblocks()
        garbage = cycle()
        plugin._thaw()  # the process has hardly grown: nothing is collected
        assert garbage() is not None and not plugin.frozen
        plugin.frozen = True
        grown = [[] for _ in range(sys.getallocatedblocks() // 3)]
        plugin._thaw()
        assert garbage() is None and plugin.collected_at == 0
        del grown
    finally:
        if enabled:
            gc.enable()

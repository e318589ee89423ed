"""What a build keeps in ``.cache/chathub/`` for the next one: chats' analyses and the search
entries of chathub's pages. A build that uses them writes the site a build without them writes,
and anything that changes what they hold makes them be worked out again.

Each build here is a new process's build as far as chathub can tell: what the process kept in
memory between builds (for ``mkdocs serve``) is forgotten first.
"""

from __future__ import annotations

import json
import pickle

import pytest
import yaml
from chatdoc import Doc
from conftest import CHAT

import chathub.analysis.community as community
import chathub.analysis.kept as kept
import chathub.plugin
from chathub.analysis.kept import FOLDER
from chathub.kept_search import FILE as SEARCH_FILE

MAY = CHAT.replace("2026-07-09", "2026-05-14")


def _hub(make_hub, options: dict | None = None):
    tiny = make_hub(options)
    for slug, day in (("spring", 14), ("later", 21)):
        tiny.add_chat(slug, MAY.replace("2026-05-14", f"2026-05-{day}").replace("Leases in 2027",
                                                                               f"Leases in {slug}"))
        doc = Doc(Doc().start.replace(day=day))
        doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
        doc.post("fran", f"A1 five years, in {slug} #Tenants", 6, likes=3)
        doc.post("kim", f"A1 it depends, in {slug} #Tenants", 7)
        doc.write(tiny.chats, slug)
    return tiny


def _site(tiny) -> dict[str, bytes]:
    return {str(p.relative_to(tiny.site)): p.read_bytes() for p in sorted(tiny.site.rglob("*"))
            if p.is_file()}


class Spy:
    """Counts the transcripts read and the pages parsed for search, as a new process would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.read: list[str] = []
        self.searched: list[str] = []
        real_read, real_search = community.read_posts, chathub.plugin.search_entries

        def read(chat, *args, **kwargs):
            self.read.append(chat.slug)
            return real_read(chat, *args, **kwargs)

        def search(search, html, page):
            self.searched.append(page.url)
            return real_search(search, html, page)

        monkeypatch.setattr(community, "read_posts", read)
        monkeypatch.setattr(chathub.plugin, "search_entries", search)

    def build(self, tiny) -> dict[str, bytes]:
        self.monkeypatch.setattr(community, "_KEEP", {})  # a new process: nothing in memory
        self.monkeypatch.setattr(community, "_DIGESTS", {})
        self.read.clear()
        self.searched.clear()
        tiny.build()
        return _site(tiny)


def test_a_build_after_another_reads_no_transcript_and_parses_no_page_yet_writes_the_same_site(
        make_hub, monkeypatch):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    first = spy.build(tiny)
    assert sorted(spy.read) == ["later", "spring"] and spy.searched
    assert sorted(p.name.split(".")[0] for p in (tiny.root / FOLDER).iterdir()) == ["later", "spring"]
    assert (tiny.root / SEARCH_FILE).is_file()
    again = spy.build(tiny)
    assert spy.read == [] and spy.searched == []
    assert again == first
    locations = [d["location"] for d in json.loads(again["search/search_index.json"])["docs"]]
    assert any(where.startswith("chats/spring/recap/") for where in locations)  # still found
    assert any(where.startswith("chats/later/") and "/" not in where[len("chats/later/"):]
               for where in locations)


def _edit_transcript(tiny) -> None:
    doc = Doc(Doc().start.replace(day=14))
    doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
    doc.post("fran", "A1 five years, in spring #Tenants", 6, likes=3)
    doc.post("kim", "A1 it depends, in spring #Tenants", 7)
    doc.post("lou", "A1 ten years or nothing #Tenants", 8)
    doc.write(tiny.chats, "spring")


def _edit_chat(tiny) -> None:
    path = tiny.chats / "spring.yml"
    path.write_text(path.read_text().replace("Leases in spring", "Leases in a wet spring"))


def _hide_hub_wide(tiny) -> None:
    path = tiny.root / "mkdocs.yml"
    config = yaml.safe_load(path.read_text())
    config["plugins"] = ["search", {"chathub": {"hide": ["@kim"]}}]
    path.write_text(yaml.safe_dump(config))


def _new_zone_data(tiny, monkeypatch) -> None:
    real = kept.zone_data
    monkeypatch.setattr(kept, "zone_data", lambda name: real(name) + b"2027a")


def _new_code(tiny, monkeypatch) -> None:
    real = kept.code_key
    monkeypatch.setattr(kept, "code_key", lambda: real() + "upgraded")


@pytest.mark.parametrize("change, read, shows, hidden", [
    (lambda tiny, mp: _edit_transcript(tiny), ["spring"], "ten years or nothing", None),
    (lambda tiny, mp: _edit_chat(tiny), ["spring"], "Leases in a wet spring", None),
    (lambda tiny, mp: _hide_hub_wide(tiny), ["later", "spring"], "five years", "it depends"),
    (lambda tiny, mp: _new_zone_data(tiny, mp), ["later", "spring"], "five years", None),
    (lambda tiny, mp: _new_code(tiny, mp), ["later", "spring"], "five years", None),
], ids=["transcript", "chat file", "hub-wide hide list", "time-zone data", "chathub's code"])
def test_what_changes_an_analysis_has_it_worked_out_again(make_hub, monkeypatch, change, read, shows,
                                                          hidden):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    spy.build(tiny)
    change(tiny, monkeypatch)
    spy.build(tiny)
    assert sorted(spy.read) == read
    archive = tiny.html("chats/spring/archive/").get_text()
    assert shows in archive
    if hidden:
        assert hidden not in archive
    names = sorted(p.name for p in (tiny.root / FOLDER).iterdir())
    assert [n.split(".")[0] for n in names] == ["later", "spring"]  # one file a chat, the latest
    spy.build(tiny)
    assert spy.read == []


@pytest.mark.parametrize("spoil", [
    lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
    lambda path: path.write_bytes(b"\x80\x05garbage" * 40),
    lambda path: path.write_bytes(pickle.dumps({"posts": ["not an analysis"]})),
    lambda path: path.write_bytes(b""),
], ids=["truncated", "garbled", "another object", "empty"])
def test_a_spoiled_kept_analysis_is_worked_out_again_and_replaced(make_hub, monkeypatch, spoil):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    first = spy.build(tiny)
    for path in (tiny.root / FOLDER).iterdir():
        spoil(path)
    assert spy.build(tiny) == first
    assert sorted(spy.read) == ["later", "spring"]
    spy.build(tiny)
    assert spy.read == []  # replaced by usable ones


def test_a_cache_folder_that_cannot_be_written_only_means_working_everything_out(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    blocked = tiny.root / ".cache"
    blocked.write_text("a file where the cache folder would be")
    spy = Spy(monkeypatch)
    first = spy.build(tiny)
    assert spy.build(tiny) == first
    assert sorted(spy.read) == ["later", "spring"] and spy.searched
    assert blocked.read_text() == "a file where the cache folder would be"


@pytest.mark.parametrize("spoil", [
    lambda path: path.write_text(path.read_text()[:100]),
    lambda path: path.write_text(json.dumps({"version": "another", "pages": {}})),
    lambda path: path.write_text(json.dumps({"version": json.loads(path.read_text())["version"],
                                             "pages": {"k": [{"location": 1}]}})),
    lambda path: path.write_text("[" * 100_000),
], ids=["truncated", "another version", "wrong shape", "nested too deep"])
def test_spoiled_search_entries_are_made_again(make_hub, monkeypatch, spoil):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    first = spy.build(tiny)
    spoil(tiny.root / SEARCH_FILE)
    assert spy.build(tiny) == first
    assert spy.searched
    spy.build(tiny)
    assert spy.searched == []


def test_other_search_settings_make_the_entries_again(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    spy.build(tiny)
    path = tiny.root / "mkdocs.yml"
    config = yaml.safe_load(path.read_text())
    config["plugins"] = [{"search": {"separator": r"[\s\-\.]+"}}, "chathub"]
    path.write_text(yaml.safe_dump(config))
    spy.build(tiny)
    assert spy.searched and spy.read == []


def test_an_edited_chat_has_its_searched_pages_parsed_again_and_only_those(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    spy.build(tiny)
    _edit_chat(tiny)
    spy.build(tiny)
    assert spy.searched and all(url.startswith("chats/spring/") or url == "chats/"
                                for url in spy.searched)
    index = json.loads((tiny.site / "search" / "search_index.json").read_text())
    assert any("Leases in a wet spring" in d["title"] for d in index["docs"])


def test_serve_writes_no_search_entries_it_keeps_its_own_in_memory(make_hub):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    tiny = _hub(make_hub)
    config = load_config(str(tiny.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    assert not (tiny.root / SEARCH_FILE).exists()
    assert sorted(p.name.split(".")[0] for p in (tiny.root / FOLDER).iterdir()) == ["later", "spring"]


def test_a_hub_checked_out_in_another_folder_uses_what_it_kept(make_hub, monkeypatch, tmp_path):
    import shutil

    from conftest import TinyHub

    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    first = spy.build(tiny)
    moved = TinyHub(tmp_path / "elsewhere")
    shutil.copytree(tiny.root, moved.root)
    shutil.rmtree(moved.site)
    monkeypatch.chdir(moved.root)
    assert spy.build(moved) == first
    assert spy.read == [] and spy.searched == []


def test_a_removed_chat_s_kept_analysis_goes_at_the_next_build(make_hub, monkeypatch):
    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    spy.build(tiny)
    (tiny.chats / "later.yml").rename(tiny.chats / "renamed.yml")
    (tiny.chats / "later.tweets.json").rename(tiny.chats / "renamed.tweets.json")
    spy.build(tiny)
    assert spy.read == ["renamed"]
    assert sorted(p.name.split(".")[0] for p in (tiny.root / FOLDER).iterdir()) == ["renamed", "spring"]


def test_calendars_are_made_once_and_copied_while_their_inputs_are_unchanged(make_hub, monkeypatch):
    import chathub.pages.calendars as calendars

    tiny = _hub(make_hub)
    spy = Spy(monkeypatch)
    made: list[str] = []
    real = calendars.make_calendar

    def make(chats, config, name, *args):
        made.append(name)
        return real(chats, config, name, *args)

    monkeypatch.setattr(calendars, "make_calendar", make)
    monkeypatch.setattr(calendars, "_KEPT", {})
    first = spy.build(tiny)
    assert len(made) == 3  # each chat's and the hub's
    kept = tiny.root / calendars.CACHE
    assert len(list(kept.glob("*.ics"))) == 3
    made.clear()
    monkeypatch.setattr(calendars, "_KEPT", {})  # a new process
    assert spy.build(tiny) == first and made == []
    _edit_chat(tiny)
    monkeypatch.setattr(calendars, "_KEPT", {})
    site = spy.build(tiny)
    assert sorted(made) == sorted(["#Tenants: Leases in a wet spring", "Test hub"])
    assert "Leases in a wet spring" in site["calendar.ics"].decode().replace("\r\n ", "")
    assert len(list(kept.glob("*.ics"))) == 3  # the edited chat's and the hub's old ones went

"""chathub init, chathub new, time zones, placeholder text and site_url warnings (issue 11)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from conftest import CHAT, TinyHub

from chathub.model.zones import fixed_offset_warning, suggest_zones, zone_problem

INIT_FILES = {"mkdocs.yml", "README.md", ".gitignore", "requirements.txt", "content/index.md",
              "chats/example-chat.yml", "theme_overrides/README.md", ".github/workflows/publish.yml",
              ".github/workflows/fetch.yml", ".github/workflows/comply.yml", "scripts/commit-transcripts"}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_makes_a_hub_that_builds_strict(tmp_path, run_cli, now, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("init", "team-hub", "--site-url", "https://team.example.org/hub",
                             "--timezone", "Europe/Paris")
    assert code == 0, err
    root = tmp_path / "team-hub"
    assert _files(root) == INIT_FILES
    text = (root / "mkdocs.yml").read_text()
    config = yaml.safe_load(text)
    assert config["site_url"] == "https://team.example.org/hub/"
    options = config["plugins"][1]["chathub"]
    assert options["timezone"] == "Europe/Paris" and options["enabled"] is True
    for option in ("chats_dir", "hide", "per_page", "long_hashtag", "fetch_before", "fetch_after",
                   "feed_length", "feed_ttl", "lead_keywords", "organization"):
        line = next(line for line in text.splitlines() if f"{option}:" in line)
        assert "#" in line.split(f"{option}:", 1)[1] or line.lstrip().startswith("#"), option  # explained
    assert "<!-- chathub:upcoming -->" in (root / "content/index.md").read_text()
    example = yaml.safe_load((root / "chats/example-chat.yml").read_text())
    assert example["status"] == "draft"
    monkeypatch.chdir(root)
    assert run_cli("check")[0] == 0
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        TinyHub(root).build(strict=True)
    assert (root / "site/chats/index.html").is_file() and (root / "site/people/index.html").is_file()
    assert not (root / "site/chats/example-chat").exists()


def test_init_refuses_to_overwrite_and_force_lists_what_it_replaced(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: Mine\n")
    (tmp_path / "README.md").write_text("# Mine\n")
    code, out, err = run_cli("init")
    assert code == 1 and "mkdocs.yml" in err and "README.md" in err and "--force" in err
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: Mine\n"
    assert _files(tmp_path) == {"mkdocs.yml", "README.md"}  # nothing else was written either
    code, out, err = run_cli("init", "--force")
    assert code == 0, err
    assert "replaced mkdocs.yml" in out and "replaced README.md" in out
    assert "replaced content/index.md" not in out


def test_init_without_a_terminal_writes_a_commented_site_url(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code, out, err = run_cli("init", "h")
    assert code == 0, err
    text = (tmp_path / "h/mkdocs.yml").read_text()
    assert "site_url" not in yaml.safe_load(text)
    assert any(line.startswith("# site_url: ") for line in text.splitlines())
    assert "site_url is not set" in err


def test_init_asks_for_the_site_url_in_a_terminal(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["not a url", "https://asked.example.org/"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, err = run_cli("init", "h")
    assert code == 0, err
    assert "Try again" in err
    assert yaml.safe_load((tmp_path / "h/mkdocs.yml").read_text())["site_url"] == "https://asked.example.org/"


@pytest.mark.parametrize(("flags", "named"), [
    (["--site-url", "ftp://x"], "--site-url:"), (["--timezone", "EST5"], "--timezone:"),
])
def test_init_names_a_bad_flag(tmp_path, run_cli, monkeypatch, flags, named):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("init", "h", *flags)
    assert code == 2 and err.startswith(f"chathub init: {named}") and not (tmp_path / "h").exists()


def _answers(monkeypatch, *lines: str) -> list[str]:
    prompts: list[str] = []
    feed = iter(lines)

    def ask(prompt: str = "") -> str:
        prompts.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", ask)
    return prompts


def test_new_checks_each_answer_and_asks_again(make_hub, run_cli, monkeypatch):
    hub = make_hub({"timezone": "America/New_York"})
    prompts = _answers(monkeypatch, "Leases", "two words", "Tenants", "2026-03-08 02:30",
                       "2026-09-10 13:00", "@not-a-handle", "@host_co", "EST5", "Europe/Paris",
                       "abc", "45", "What do you sign?", "")
    code, out, err = run_cli("new")
    assert code == 0, err
    assert err.count("Try again.") == 5
    assert "America/New_York" in next(p for p in prompts if p.startswith("Start"))
    assert any("zone" in p.lower() for p in prompts) and any("uration" in p for p in prompts)
    assert any(p.startswith("Question 1") for p in prompts)
    assert "did you mean 'America/New_York'" in err  # EST5 gets real places
    (path,) = hub.chats.glob("*.yml")
    data = yaml.safe_load(path.read_text())
    assert data["status"] == "draft" and data["timezone"] == "Europe/Paris" and data["duration"] == 45
    assert data["questions"] == ["What do you sign?"] and data["host"] == "@host_co"
    assert "draft" in out
    assert run_cli("check")[0] == 0


def test_new_reports_a_bad_flag_by_its_name(make_hub, run_cli):
    hub = make_hub()
    code, out, err = run_cli("new", "--title", "T", "--hashtag", "#Ok", "--start", "2026-02-30 10:00",
                             "--host", "@h", "--duration", "0", "--timezone", "Mars/Base")
    assert code == 2
    lines = err.strip().splitlines()
    assert any(line.startswith("chathub new: --start: ") for line in lines)
    assert any(line.startswith("chathub new: --duration: ") for line in lines)
    assert any(line.startswith("chathub new: --timezone: ") for line in lines)
    assert ".yml:" not in err  # no place in a file that does not exist
    assert not list(hub.chats.glob("*.yml"))


def test_new_names_the_question_that_does_not_fit(make_hub, run_cli):
    hub = make_hub()
    code, out, err = run_cli("new", "--title", "T", "--hashtag", "#Qq", "--start", "2026-09-01 10:00",
                             "--host", "@h", "--question", "Short?", "--question", "字" * 200)
    assert code == 1 and "chathub new: --question: question 2" in err
    assert ".yml:" not in err.split("nothing")[0]
    assert not list(hub.chats.glob("*.yml"))


def test_new_publish_writes_a_scheduled_chat(make_hub, run_cli):
    hub = make_hub()
    code, out, err = run_cli("new", "--title", "Real title", "--hashtag", "#Ok", "--start",
                             "2026-09-01 10:00", "--host", "@h", "--publish")
    assert code == 0, err
    (path,) = hub.chats.glob("*.yml")
    assert yaml.safe_load(path.read_text())["status"] == "scheduled"


def test_check_warns_about_placeholder_text_of_a_published_chat(make_hub, run_cli):
    hub = make_hub({}, {"site_url": "https://x.example.org/"})
    assert run_cli("new", "--title", "Real title", "--hashtag", "#Ok", "--start", "2026-09-01 10:00",
                   "--host", "@h")[0] == 0
    code, out, err = run_cli("check")
    assert code == 0 and "placeholder" not in err  # a draft may hold it
    (path,) = hub.chats.glob("*.yml")
    path.write_text(path.read_text().replace("status: draft", "status: scheduled"))
    code, out, err = run_cli("check")
    assert code == 0
    warned = [line for line in err.splitlines() if "placeholder" in line]
    assert len(warned) == 2 and all(line.startswith(f"chats/{path.name}:") for line in warned)
    assert {"about", "followup"} == {line.split(": warning: ")[1].split()[0] for line in warned}


def test_zone_suggestions_are_real_iana_places():
    for wrong, meant in (("EST5", "America/New_York"), ("EST5EDT-ish", None),
                         ("new york", "America/New_York"),
                         ("Europe/Pari", "Europe/Paris"), ("CET-1", "Europe/Paris"), ("PST", None)):
        suggestions = suggest_zones(wrong)
        assert all("/" in s and not s.startswith("Etc/") for s in suggestions), suggestions
        if meant:
            assert meant in suggestions
    assert "EST'" not in (zone_problem("EST5") or "")


@pytest.mark.parametrize("zone", ["EST", "MST", "HST", "Etc/GMT+5", "Etc/GMT-3"])
def test_fixed_offset_zones_get_a_warning(zone, make_hub, run_cli):
    assert "daylight saving" in (fixed_offset_warning(zone) or "")
    hub = make_hub({}, {"site_url": "https://x.example.org/"})
    hub.add_chat("fixed", CHAT.replace("America/New_York", zone))
    code, out, err = run_cli("check")
    assert code == 0 and "fixed offset" in err and "chats/fixed.yml:" in err
    code, out, err = run_cli("new", "--title", "T", "--hashtag", "#Other", "--start", "2026-09-01 10:00",
                             "--host", "@h", "--timezone", zone)
    assert code == 0 and "warning:" in err and "fixed offset" in err


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/New_York", "Etc/UTC"])
def test_real_places_and_utc_get_no_warning(zone):
    assert fixed_offset_warning(zone) is None


def test_site_url_warnings_in_check_and_build(make_hub, run_cli, caplog):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    code, out, err = run_cli("check")
    assert code == 0
    lines = [line for line in err.splitlines() if "site_url" in line]
    assert len(lines) == 1 and lines[0].startswith("mkdocs.yml:")
    for affected in ("feed", "calendars", "invite posts", "social cards"):
        assert affected in lines[0]
    with caplog.at_level(logging.INFO):
        hub.build(strict=True)  # a warning, never a failure
    records = [r for r in caplog.records if "site_url is not set" in r.getMessage()]
    assert len(records) == 1 and records[0].levelno == logging.INFO  # once, and not a warning


def test_no_site_url_warning_when_it_is_set(make_hub, run_cli, caplog):
    hub = make_hub({}, {"site_url": "https://x.example.org/"})
    assert "site_url" not in run_cli("check")[2]
    with caplog.at_level(logging.INFO):
        hub.build()
    assert not [r for r in caplog.records if "site_url is not set" in r.getMessage()]

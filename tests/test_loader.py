"""Chat files: what is accepted, and every kind of bad input reported with its line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import CHAT

from chathub.model.loader import resolve_start


def test_valid_chat_passes_check(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    code, out, err = run_cli("check")
    assert code == 0, err
    assert "1 chat file checked: 0 errors" in out


@pytest.mark.parametrize(
    ("raw", "zone", "utc"),
    [
        # Before and after the US spring-forward of 2026-03-08: the UTC offset changes.
        ("2026-03-07 13:00", "America/New_York", "2026-03-07T18:00:00+00:00"),
        ("2026-03-09 13:00", "America/New_York", "2026-03-09T17:00:00+00:00"),
        ("2026-03-09 13:00:00", "America/New_York", "2026-03-09T17:00:00+00:00"),
        ("2026-11-01T01:30:00-04:00", "America/New_York", "2026-11-01T05:30:00+00:00"),
        ("2026-11-01T01:30:00-05:00", "America/New_York", "2026-11-01T06:30:00+00:00"),
        ("2026-03-29 10:00", "Europe/Paris", "2026-03-29T08:00:00+00:00"),
    ],
)
def test_start_is_resolved_in_its_zone_across_dst(raw, zone, utc):
    start, problem = resolve_start(raw, zone)
    assert problem is None
    assert start is not None and start.tzinfo is not None
    assert start.astimezone(UTC) == datetime.fromisoformat(utc)


def test_time_skipped_by_dst_is_reported_not_guessed():
    start, problem = resolve_start("2026-03-08 02:30", "America/New_York")
    assert start is None
    assert "does not exist" in problem


def test_repeated_time_is_reported_with_both_offsets():
    start, problem = resolve_start("2026-11-01 01:30", "America/New_York")
    assert start is None
    assert "ambiguous" in problem and "-04:00" in problem and "-05:00" in problem


def test_offset_that_disagrees_with_zone_is_reported():
    start, problem = resolve_start("2026-07-09T13:00:00+02:00", "America/New_York")
    assert start is None and "offset" in problem


def _lines(err: str, name: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(f"chats/{name}.yml:")]


BAD_INPUTS = {
    "malformed": ("title: [Do you drive?]\nhashtag: x\n", 1, "malformed YAML"),
    "unknown-key": (CHAT.replace("duration:", "durration:"), None, "did you mean 'duration'"),
    "missing": ("title: Only a title\nhashtag: '#Ok'\nstart: 2026-07-09 13:00\n", 1,
                "missing required field 'host'"),
    "wrong-type": (CHAT.replace("duration: 60", "duration: an hour"), None, "duration"),
    "spaced-tag": (CHAT.replace('"#Tenants"', '"#Two Words"'), None, "contains a space"),
    "punct-tag": (CHAT.replace('"#Tenants"', '"#Ten-ants"'), None, "hashtag"),
    "digit-tag": (CHAT.replace('"#Tenants"', '"#2026"'), None, "only digits"),
    "bad-zone": (CHAT.replace("America/New_York", "America/New_Yrok"), None,
                 "unknown time zone"),
    "gap": (CHAT.replace("2026-07-09 13:00", "2026-03-08 02:30"), None, "does not exist"),
    "fold": (CHAT.replace("2026-07-09 13:00", "2026-11-01 01:30"), None, "ambiguous"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_reported_with_its_line(make_hub, run_cli, name):
    text, line, message = BAD_INPUTS[name]
    hub = make_hub()
    path = hub.add_chat(name, text)
    code, _out, err = run_cli("check")
    assert code == 1
    assert "Traceback" not in err
    found = _lines(err, name)
    assert any(message in f for f in found), err
    if line is None:  # the line of the offending key, counted in the file itself
        needle = {"unknown-key": "durration", "wrong-type": "duration", "bad-zone": "timezone",
                  "gap": "start", "fold": "start"}.get(name, "hashtag")
        line = next(i for i, text_line in enumerate(path.read_text().splitlines(), 1)
                    if text_line.startswith(needle))
    assert any(f.startswith(f"chats/{name}.yml:{line}:") for f in found), found


def test_all_problems_are_reported_at_once(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("one", CHAT.replace("duration: 60", "duration: soon"))
    hub.add_chat("two", CHAT.replace("America/New_York", "Mars/Olympus"))
    code, _, err = run_cli("check")
    assert code == 1
    assert _lines(err, "one") and _lines(err, "two")


def test_overlapping_chats_on_one_hashtag_are_rejected(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("first", CHAT)
    hub.add_chat("second", CHAT.replace("13:00", "13:30").replace("Leases", "Other"))
    hub.add_chat("later", CHAT.replace("13:00", "15:00"))
    code, _, err = run_cli("check")
    assert code == 1
    assert _lines(err, "first") and _lines(err, "second")
    assert not _lines(err, "later")
    assert "overlaps" in err


def test_long_hashtag_is_a_warning_not_an_error(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("long", CHAT.replace('"#Tenants"', '"#CommercialRealEstateTenants"'))
    code, _out, err = run_cli("check")
    assert code == 0
    assert "warning" in err and "shorter" in err


def test_build_fails_and_reports_problems(make_hub, capsys, caplog):
    from mkdocs.exceptions import Abort, PluginError

    hub = make_hub()
    hub.add_chat("broken", CHAT.replace("America/New_York", "Nowhere/Land"))
    with pytest.raises((PluginError, Abort, SystemExit)):
        hub.build()
    assert any(r.getMessage().startswith("chats/broken.yml:") for r in caplog.records)


def test_new_scaffolds_a_chat_that_passes_check(make_hub, run_cli):
    hub = make_hub()
    code, out, err = run_cli("new", "--title", "Our first chat", "--hashtag", "FirstChat",
                             "--start", "2026-09-03 18:00", "--host", "@brand")
    assert code == 0, err
    files = list(hub.chats.glob("*.yml"))
    assert [f.name for f in files] == ["firstchat-2026-09-03.yml"]
    code, _out, err = run_cli("check")
    assert code == 0, err


def test_new_without_a_terminal_names_missing_options(make_hub, run_cli):
    make_hub()
    code, _, err = run_cli("new", "--title", "x")
    assert code == 2 and "--hashtag" in err and "--start" in err


def test_common_yaml_slips_get_a_hint(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("comment-tag", CHAT.replace('hashtag: "#Tenants"', "hashtag: #Tenants"))
    hub.add_chat("at-host", CHAT.replace('handle: "@HostCo"', "handle: @HostCo"))
    code, _, err = run_cli("check")
    assert code == 1
    assert any("comment" in line and "quotes" in line for line in _lines(err, "comment-tag"))
    assert any("quotes" in line and "@" in line for line in _lines(err, "at-host"))


def test_duplicate_keys_are_reported(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("dupe", CHAT + "title: Again\n")
    code, _, err = run_cli("check")
    assert code == 1
    line = len(CHAT.strip().splitlines()) + 1
    assert f"chats/dupe.yml:{line}:1: duplicate key 'title'" in err


def test_check_takes_paths(make_hub, run_cli):
    hub = make_hub()
    good = hub.add_chat("good", CHAT)
    hub.add_chat("bad", CHAT.replace("duration: 60", "duration: x"))
    code, out, _ = run_cli("check", str(good))
    assert code == 0 and "1 chat file checked" in out
    code, _, err = run_cli("check", "chats")
    assert code == 1 and "chats/bad.yml:" in err


def test_new_reads_answers_piped_in(make_hub, monkeypatch, capsys):
    import io

    from chathub.cli import main

    hub = make_hub()
    monkeypatch.setattr("sys.stdin", io.StringIO("Piped chat\n#Piped\n2026-10-01 09:30\n@someone\n"))
    assert main(["new"]) == 0
    text = (hub.chats / "piped-2026-10-01.yml").read_text()
    assert '"Piped chat"' in text and '"@someone"' in text
    assert main(["check"]) == 0


def test_warnings_are_shown_but_never_fail_a_strict_build(make_hub, caplog):
    import logging

    hub = make_hub()
    hub.add_chat("long", CHAT.replace('"#Tenants"', '"#CommercialRealEstateTenants"'))
    with caplog.at_level(logging.INFO):
        hub.build(strict=True)
    assert (hub.site / "chats/long/index.html").exists()
    assert any("chats/long.yml:2:" in r.getMessage() and "shorter" in r.getMessage()
               for r in caplog.records)

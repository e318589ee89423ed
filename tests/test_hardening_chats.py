"""Chat files never end in a traceback: each problem is ``path:line:col`` from check and the
build alike; bounded work for hostile invite texts; what check calls an error fails the build."""

from __future__ import annotations

import os
import re

import pytest
from conftest import CHAT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chathub.model.chat import HubConfig
from chathub.model.loader import read_chat

BASE = ('title: "Leases"\nhashtag: "#Tenants"\nstart: 2026-07-09 13:00\ntimezone: America/New_York\n'
        'host: "@HostCo"\nquestions: ["One?", "Two?"]\n')
LOCATED = re.compile(r"^chats/broken\.yml:(\d+):(\d+): ", re.M)


def check_and_build(hub, run_cli, caplog, text: str | bytes, *, want_line: int | None = None):
    path = hub.chats / "broken.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check")
    assert code == 1, err
    assert "Traceback" not in err and LOCATED.search(err), err
    if want_line is not None:
        assert any(int(m.group(1)) == want_line for m in LOCATED.finditer(err)), err
    with pytest.raises(SystemExit):
        hub.build()
    assert "chats/broken.yml:" in caplog.text and "Traceback" not in caplog.text
    return err


@pytest.mark.parametrize(("extra", "line"), [
    ("duration: " + "9" * 5000 + "\n", 7),
    ("fetch_after: " + "1" * 4400 + "\n", 7),
    ("questions:\n  - text: Q\n    minutes: " + "7" * 6000 + "\n", 9),
])
def test_integers_of_thousands_of_digits(make_hub, run_cli, caplog, extra, line):
    text = BASE.replace('questions: ["One?", "Two?"]\n', "") if extra.startswith("questions") else BASE
    err = check_and_build(make_hub(), run_cli, caplog, text + extra, want_line=line - (
        1 if extra.startswith("questions") else 0))
    assert "between" in err and len(err) < 2000


@pytest.mark.parametrize(("start", "zone"), [("9999-12-31 23:30", "America/New_York"),
                                             ("0001-01-01 00:00", "Asia/Tokyo"),
                                             ("9999-12-31 23:59", "UTC"), ("1900-01-01 00:00", "UTC")])
def test_start_times_at_the_edges_of_the_calendar(make_hub, run_cli, caplog, start, zone):
    text = BASE.replace("2026-07-09 13:00", start).replace("America/New_York", zone)
    err = check_and_build(make_hub(), run_cli, caplog, text, want_line=3)
    assert "out of range" in err


@pytest.mark.parametrize(("value", "what"), [('"\\uD800"', "surrogate"), ('"a\\0b"', "NUL"),
                                             ('"bell\\a"', "control"), ('"esc \\e[31m"', "control"),
                                             ('"\\x85next"', "control"), ('"\\uFFFE"', "control")])
def test_characters_no_page_can_show(make_hub, run_cli, caplog, value, what):
    err = check_and_build(make_hub(), run_cli, caplog, BASE + f"about: {value}\n", want_line=7)
    assert what in err


def test_a_raw_control_character_is_located(make_hub, run_cli, caplog):
    err = check_and_build(make_hub(), run_cli, caplog, (BASE + "about: a\x01b\n").encode(), want_line=7)
    assert "control character" in err


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, "{a: " * 3000 + "1" + "}" * 3000,
                                    "\n" + "".join("  " * i + "- \n" for i in range(200))])
def test_deeply_nested_values(make_hub, run_cli, caplog, nested):
    err = check_and_build(make_hub(), run_cli, caplog, BASE + f"about: {nested}\n")
    assert "nested" in err


@pytest.mark.parametrize("big", ["title", "file"])
def test_huge_values_and_files_end_quickly_in_a_located_error(make_hub, run_cli, caplog, big):
    text = BASE.replace('"Leases"', "x" * 5_000_000) if big == "title" else BASE + "# " + "x" * 300_000 + "\n"
    err = check_and_build(make_hub(), run_cli, caplog, text)
    assert ("characters long" in err or "bytes" in err) and len(err) < 2000


@pytest.mark.parametrize("kind", ["dangling", "folder", "fifo"])
def test_files_named_yml_that_are_not_regular_are_reported(make_hub, run_cli, caplog, kind, tmp_path):
    hub = make_hub()
    path = hub.chats / "broken.yml"
    if kind == "dangling":
        path.symlink_to(tmp_path / "nowhere.yml")
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    code, out, err = run_cli("check")
    assert code == 1 and "chats/broken.yml:1:1:" in err
    assert {"dangling": "dangling symbolic link", "folder": "a folder", "fifo": "FIFO"}[kind] in err
    code, out, err = run_cli("check", "chats/broken.yml")
    assert code == 1 and "chats/broken.yml:1:1:" in err
    with pytest.raises(SystemExit):
        hub.build()


def test_a_hashtag_after_a_value_is_a_comment_and_warns(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("tenants-2026-07-09", BASE.replace('title: "Leases"', "title: Join #DevChat for small PRs"))
    code, out, err = run_cli("check")
    assert code == 0
    assert re.search(r"chats/tenants-2026-07-09\.yml:1:8: warning: '#DevChat for small PRs' is read as a "
                     r"YAML comment, so the value is only 'Join'; put the whole value in quotes", err), err
    hub.add_chat("tenants-2026-07-09", BASE + "duration: 60   # minutes\n")
    assert "tenants-2026-07-09.yml" not in run_cli("check")[2]  # a comment that is no hashtag


@pytest.mark.parametrize("override", [
    "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 100000000 }}", "{{ 9 ** 9 ** 9 }}", "{{ 'x'.ljust(1000000000) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    "{{ ns.s }}",
    "{{ '{:>999999999}'.format('x') }}", "{{ unknown_variable }}", "{{ 1 / 0 }}",
    "{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
])
def test_invite_texts_with_unbounded_work_are_errors_in_check_and_the_build(make_hub, run_cli, caplog,
                                                                          override):
    hub = make_hub()
    text = BASE + "invite:\n  dm: " + repr(override).replace("\\\\", "\\") + "\n"
    hub.add_chat("tenants-2026-07-09", text)
    code, out, err = run_cli("check")
    assert code == 1 and "Traceback" not in err
    assert re.search(r"chats/tenants-2026-07-09\.yml:8:\d+: invite text", err), err
    with pytest.raises(SystemExit):
        hub.build()
    assert "chats/tenants-2026-07-09.yml:8:" in caplog.text


def test_a_bounded_override_still_works(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("tenants-2026-07-09", BASE + 'invite:\n  dm: "{% for q in questions %}{{ q.label }} '
                 '{% endfor %}{{ title | upper }} {{ tag }}"\n')
    code, out, err = run_cli("invite", "tenants-2026-07-09", "--json")
    assert code == 0, err
    assert "Q1 Q2 LEASES #Tenants" in out


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
def test_any_text_as_a_chat_file_gives_located_problems_only(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("chats")
    path = folder / "any.yml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if not any(
        "\ud800" <= c <= "\udfff" for c in text) else path.write_bytes(text.encode("utf-8", "replace"))
    config = HubConfig(root=folder, chats_dir=folder)
    chat, problems = read_chat(path, config)
    for problem in problems.items:
        assert problem.path == "any.yml" and problem.line >= 1 and problem.col >= 1 and problem.message


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
    | st.datetimes(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                       max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(["title", "hashtag", "start", "timezone", "duration", "host", "moderators",
                          "guests", "questions", "about", "status", "hide", "highlights", "invite",
                          "fetch_before", "fetch_after", "image", "hide_questions", "summary"])


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(FIELDS, YAML_VALUES, max_size=8))
def test_any_yaml_values_give_located_problems_or_a_chat(tmp_path_factory, fields):
    import yaml

    folder = tmp_path_factory.mktemp("chats")
    path = folder / "any.yml"
    path.write_text(yaml.safe_dump({"title": "T", "hashtag": "#Tag", "start": "2026-07-09 13:00",
                                    "host": "@host", **fields}, allow_unicode=True), encoding="utf-8")
    config = HubConfig(root=folder, chats_dir=folder)
    chat, problems = read_chat(path, config)
    assert chat is not None or problems.errors
    for problem in problems.items:
        assert problem.line >= 1 and problem.col >= 1 and problem.message


def test_two_files_with_one_slug_are_an_error_at_both(make_hub, run_cli):
    """``spring.yml`` and ``spring.yaml`` would make the same pages, calendar and card."""
    hub = make_hub()
    hub.add_chat("spring", CHAT)
    (hub.chats / "spring.yaml").write_text(CHAT.replace("2026-07-09", "2026-08-13")
                                           .replace("#Tenants", "#Other"), encoding="utf-8")
    code, _out, err = run_cli("check")
    assert code == 1
    for path, other in (("chats/spring.yml", "chats/spring.yaml"), ("chats/spring.yaml", "chats/spring.yml")):
        assert f"{path}:1:1: {other} has the same slug (spring)" in err

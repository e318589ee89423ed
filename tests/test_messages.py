"""The other commands' messages, as a new user meets them (issue 11, "The other commands")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses
from conftest import CHAT
from xfake import TOKEN, FakeX

from chathub.model.markdown import unwrap_paragraphs

START = datetime(2026, 7, 9, 17, 0, tzinfo=UTC)
SLUG = "tenants-2026-07-09"


@pytest.fixture
def hub(make_hub, monkeypatch):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-10T12:00:00Z")
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    return hub


@pytest.fixture
def x():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeX().install(rsps)


def test_fetch_with_no_argument_asks_which_chats(hub, run_cli):
    code, out, err = run_cli("fetch")
    assert code == 2 and "not both" not in err and "--due" in err and "SLUG" in err
    code, out, err = run_cli("fetch", SLUG, "--due")
    assert code == 2 and "not both" in err


def test_refresh_estimates_from_the_stored_transcript(hub, run_cli, x):
    x.chat_posts(89, START)
    assert run_cli("fetch", SLUG)[0] == 0
    code, out, err = run_cli("fetch", SLUG, "--refresh")
    assert code == 0, err
    assert "expect about 89 post reads" in out and "stored transcript" in out


def test_count_works_on_a_complete_transcript(hub, run_cli, x):
    x.chat_posts(12, START)
    assert run_cli("fetch", SLUG)[0] == 0
    before = (hub.chats / f"{SLUG}.tweets.json").read_bytes()
    searches = len(x.searches())
    code, out, err = run_cli("fetch", SLUG, "--count")
    assert code == 0, err
    assert "X counts 12 posts" in out and "nothing was read" in out
    assert len(x.searches()) == searches
    assert (hub.chats / f"{SLUG}.tweets.json").read_bytes() == before


def test_comply_without_a_token_says_so_first_and_nothing_else(hub, run_cli, x, monkeypatch):
    (hub.chats / f"{SLUG}.tweets.json").write_text(json.dumps({"data": [{"id": "1", "text": "t"}]}))
    monkeypatch.delenv("X_BEARER_TOKEN")
    code, out, err = run_cli("comply")
    assert code == 2 and "X_BEARER_TOKEN" in err
    assert "import" not in err and "$" not in out + err and out == ""
    assert x.calls == []


def test_comply_help_says_weekly_as_the_workflow_does(run_cli):
    code, out, err = run_cli("comply", "--help")
    assert code == 0 and "weekly" in out and "run it daily" not in out


def test_leads_suggests_a_chat_under_its_own_prefix(hub, run_cli):
    code, out, err = run_cli("leads", "tenants-2026-07-90")
    assert code == 2 and err.startswith("chathub leads: ") and f"did you mean {SLUG}?" in err
    code, out, err = run_cli("invite", "tenants-2026-07-90")
    assert "did you mean" in err  # as invite does


def test_the_blog_text_joins_wrapped_lines(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("wrapped", CHAT.replace("  Why we **host** this chat.\n",
                                         "  Why we **host** this chat: it is\n  for tenants and\n"
                                         "  their brokers.\n\n  - a list item\n    wrapped too\n"))
    code, out, err = run_cli("invite", "wrapped", "--json")
    assert code == 0, err
    (blog,) = [item["text"] for item in json.loads(out) if item["kind"] == "blog"]
    assert "Why we **host** this chat: it is for tenants and their brokers." in blog
    assert "- a list item wrapped too" in blog


@pytest.mark.parametrize(("source", "expected"), [
    ("one\ntwo\n\nthree", "one two\n\nthree"),
    ("- a\n  b\n- c", "- a b\n- c"),
    ("1. a\n   b\n2. c", "1. a b\n2. c"),
    ("# Head\ntext\nmore", "# Head\ntext more"),
    ("```\nx\ny\n```", "```\nx\ny\n```"),
    ("> a\n> b", "> a\n> b"),
    ("hard  \nbreak", "hard  \nbreak"),
])
def test_unwrap_paragraphs(source, expected):
    assert unwrap_paragraphs(source) == expected

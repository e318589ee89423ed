"""Chat files name their networks and each person's accounts; every problem is located."""

from __future__ import annotations

import re

import pytest
from conftest import CHAT

from chathub.model.loader import load_hub
from chathub.model.settings import load_config

BLUESKY_ONLY = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-07-09 13:00
timezone: America/New_York
networks: [bluesky]
host:
  bluesky: "@HostCo.bsky.social"
  name: Host Co
moderators:
  - mastodon: "@mod@mastodon.social"
    bluesky: mod.example.org
questions:
  - "Q"
"""


def load(hub):
    return load_hub(load_config(hub.root))


def test_a_chat_without_networks_runs_on_x_and_keeps_its_x_rules(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    loaded, problems = load(hub)
    assert not problems.errors
    assert loaded.chats[0].networks == ["x"] and loaded.chats[0].mastodon_instances == ["mastodon.social"]


def test_accounts_per_network_are_read_and_normalised(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("sky", BLUESKY_ONLY)
    code, out, err = run_cli("check")
    assert code == 0, err
    chat = load(hub)[0].chats[0]
    assert chat.host.bluesky == "hostco.bsky.social" and chat.host.handle == ""
    assert chat.moderators[0].mastodon == "mod@mastodon.social"
    assert chat.host.at == "@hostco.bsky.social"
    assert chat.host.profile_url == "https://bsky.app/profile/hostco.bsky.social"


def test_the_hub_wide_default_networks_and_servers_come_from_the_plugin(make_hub):
    hub = make_hub({"networks": ["x", "mastodon"], "mastodon_instances": ["fosstodon.org"]})
    hub.add_chat("leases", CHAT)
    hub.add_chat("own", CHAT.replace("2026-07-09", "2026-08-09") + "mastodon_instances: [hachyderm.io]\n"
                 "networks: [x]\n")
    chats = {c.slug: c for c in load(hub)[0].chats}
    assert chats["leases"].networks == ["x", "mastodon"]
    assert chats["leases"].mastodon_instances == ["fosstodon.org"]
    assert chats["own"].networks == ["x"] and chats["own"].mastodon_instances == ["hachyderm.io"]


@pytest.mark.parametrize(("text", "where", "message"), [
    (CHAT + "networks: [x, threads]\n", "threads", "unknown network 'threads'"),
    (CHAT + "networks: [x, x]\n", "x]", "listed twice"),
    (CHAT + "networks: []\n", "[]", "networks must be a list"),
    (CHAT + "mastodon_instances: [https://mastodon.social]\n", "https", "not a server's domain name"),
    (BLUESKY_ONLY.replace("@HostCo.bsky.social", "@HostCo"), '"@HostCo"', "is not a Bluesky handle"),
    (BLUESKY_ONLY.replace("@mod@mastodon.social", "mod"), '"mod"', "is not a Mastodon account"),
    (BLUESKY_ONLY.replace("    bluesky: mod.example.org\n", ""), "mastodon:",
     "has no account on Bluesky, where this chat runs"),
    (CHAT.replace('  handle: "@HostCo"', '  bluesky: hostco.bsky.social'), "bluesky:",
     "needs an X handle (handle: \"@name\"): this chat runs on X"),
    (BLUESKY_ONLY.replace("  name: Host Co\n", "  name: Host Co\n  mastodon: 12\n"), "12",
     "is not a Mastodon account"),
])
def test_bad_networks_and_accounts_are_located(make_hub, run_cli, text, where, message):
    hub = make_hub()
    path = hub.add_chat("bad", text)
    code, out, err = run_cli("check")
    assert code == 1
    found = [line for line in err.splitlines() if message in line]
    assert found, err
    lines = path.read_text().splitlines()
    line = max(i for i, text in enumerate(lines, start=1) if where in text)
    col = lines[line - 1].index(where) + 1
    assert re.match(rf"chats/bad\.yml:{line}:{col}: ", found[0]), found[0]


def test_x_length_checks_apply_only_to_chats_on_x(make_hub, run_cli):
    hub = make_hub()
    question = "租约" * 70 + "？"  # 141 characters: 282 as X weighs them, 141 graphemes on Bluesky
    hub.add_chat("sky", BLUESKY_ONLY.replace('"Q"', f'"{question}"'))
    code, out, err = run_cli("check")
    assert code == 0, err
    hub.add_chat("x", CHAT.replace("How long a lease would you sign?", question))
    code, out, err = run_cli("check")
    assert code == 1 and "as X counts them" in err


def test_an_unknown_plugin_network_fails_the_build_clearly(make_hub, caplog, run_cli):
    from mkdocs.exceptions import Abort

    hub = make_hub({"networks": ["x", "myspace"]})
    hub.add_chat("leases", CHAT)
    with pytest.raises(Abort):
        hub.build()
    assert "myspace" in caplog.text and "networks" in caplog.text
    code, out, err = run_cli("check")  # the command line says it too
    assert code == 2 and "unknown network 'myspace'" in err


def test_hide_takes_accounts_of_every_network(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("sky", BLUESKY_ONLY + 'hide: ["pat.bsky.social", "@pat@mastodon.social", "@x_pat", '
                 '"at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3kabc"]\n')
    assert run_cli("check")[0] == 0
    hub.add_chat("bad", BLUESKY_ONLY.replace("2026-07-09", "2026-08-01") + 'hide: ["not an account!"]\n')
    code, out, err = run_cli("check")
    assert code == 1 and "is not an account or a post" in err


def test_x_window_warnings_only_concern_chats_on_x(make_hub, run_cli, monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-15T12:00:00Z")  # X's 7-day search is closing
    hub = make_hub()
    hub.add_chat("sky", BLUESKY_ONLY)
    code, out, err = run_cli("check")
    assert code == 0 and "recent search" not in out + err
    hub.add_chat("x", CHAT)
    code, out, err = run_cli("check")
    assert "recent search" in out + err

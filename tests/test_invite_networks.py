"""The invite kit per network: every post for each network of the chat, counted as that network
counts, with its own "Post this" link; the network in ``chathub invite --json``."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from chathub.kit.post_rules import graphemes, mastodon_length

CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-07-09 13:00
timezone: America/New_York
networks: [x, bluesky, mastodon]
mastodon_instances: [fosstodon.org, mastodon.social]
host:
  handle: "@HostCo"
  bluesky: hostco.bsky.social
  mastodon: "@hostco@mastodon.social"
  name: Host Co
moderators:
  - handle: "@mod_one"
guests:
  - handle: "@lena"
    bluesky: lena.bsky.social
    name: Lena
    bio: Tenant-side broker
questions:
  - "How long a lease would you sign?"
  - "What clause saved you?"
"""


@pytest.fixture
def hub(make_hub):
    hub = make_hub(site={"site_url": "https://example.org/hub/"})
    hub.add_chat("leases", CHAT)
    return hub


def kit(run_cli) -> list[dict]:
    code, out, err = run_cli("invite", "leases", "--json")
    assert code == 0, err
    return json.loads(out)


def test_every_post_exists_for_each_network_in_order(hub, run_cli):
    items = kit(run_cli)
    posts = [i for i in items if i["network"]]
    announce = [i["network"] for i in posts if i["kind"] == "announce"]
    assert announce == ["x", "bluesky", "mastodon"]
    questions = [(i["label"], i["network"]) for i in posts if i["kind"] == "question"]
    assert questions == [("Q1", "x"), ("Q1", "bluesky"), ("Q1", "mastodon"),
                         ("Q2", "x"), ("Q2", "bluesky"), ("Q2", "mastodon")]
    assert [i["network"] for i in items if i["kind"] in ("blog", "email")] == [None, None]
    for item in posts:
        assert item["channel"] == item["network"] and "#Tenants" in item["text"]
        assert item["length"] <= item["limit"]
        assert item["limit"] == {"x": 280, "bluesky": 300, "mastodon": 500}[item["network"]]
        assert (item["weighted_length"] is not None) == (item["network"] == "x")


def test_each_network_mentions_people_by_their_account_there(hub, run_cli):
    items = kit(run_cli)
    intro = {i["network"]: i["text"] for i in items if i["kind"] == "guest-intro"}
    assert "@lena)" in intro["x"] and "@lena.bsky.social" in intro["bluesky"]
    assert "Lena" in intro["mastodon"] and "@lena" not in intro["mastodon"]  # no account there
    welcome = {i["network"]: i["text"] for i in items if i["kind"] == "welcome"}
    assert "@HostCo" in welcome["x"] and "@hostco.bsky.social" in welcome["bluesky"]
    assert "@hostco@mastodon.social" in welcome["mastodon"]
    dm = {i["network"]: i["text"] for i in items if i["kind"] == "dm"}
    assert "on X:" in dm["x"] and "on Bluesky:" in dm["bluesky"] and "on Mastodon:" in dm["mastodon"]
    blog = next(i["text"] for i in items if i["kind"] == "blog")
    assert "X, Bluesky, and Mastodon" in blog and "https://bsky.app/hashtag/Tenants" in blog


def test_the_page_links_each_post_to_its_networks_composer(hub):
    hub.build()
    page = hub.html("chats/leases/invite/")
    links = {}
    for item in page.select(".chathub-kit-item[data-network]"):
        button = item.select_one("a.chathub-kit-post")
        if item["data-network"]:
            links.setdefault(item["data-network"], button["href"])
            text = item.select_one("pre").get_text()
            assert parse_qs(urlsplit(button["href"]).query)["text"] == [text]
        else:
            assert button is None
    assert links["x"].startswith("https://x.com/intent/post?text=")
    assert links["bluesky"].startswith("https://bsky.app/intent/compose?text=")
    assert links["mastodon"].startswith("https://fosstodon.org/share?text=")  # the first server
    labels = {a.get_text(strip=True) for a in page.select("a.chathub-kit-post")}
    assert labels == {"Post this on X", "Post this on Bluesky", "Post this on Mastodon"}
    assert page.select_one("#promotion-bluesky") and page.select_one("#run-sheet-mastodon")


def test_a_question_too_long_for_bluesky_only_is_an_error_naming_bluesky(make_hub, run_cli):
    hub = make_hub()
    question = "Which " + "very " * 54 + "long question?"  # 281 characters: over X, under 300
    hub.add_chat("long", CHAT.replace("How long a lease would you sign?", question)
                 .replace("networks: [x, bluesky, mastodon]", "networks: [bluesky, mastodon]")
                 .replace('  handle: "@HostCo"\n', "").replace('  - handle: "@mod_one"\n',
                                                              '  - bluesky: mod.bsky.social\n'))
    code, out, err = run_cli("check")
    assert code == 1, err
    assert "question 1 does not fit in its Q1 post on Bluesky" in err
    assert "graphemes as Bluesky counts them (limit 300)" in err
    assert "as X counts them" not in err  # X's checks only for chats on X


def test_mastodon_counts_urls_as_23_and_mentions_by_their_local_part():
    assert mastodon_length("see https://example.org/" + "a" * 100) == len("see ") + 23
    assert mastodon_length("hi @lena@mastodon.social!") == len("hi @lena!")
    assert mastodon_length("👨‍👩‍👧 ok") == 4
    assert graphemes("👨‍👩‍👧 é") == 3


@given(st.text(max_size=80))
def test_bluesky_counts_extended_grapheme_clusters(text):
    normal = unicodedata.normalize("NFC", text)
    assert graphemes(text) == len(regex.findall(r"\X", normal)) <= len(normal)


def test_text_output_shows_each_network_and_its_count(hub, run_cli):
    code, out, err = run_cli("invite", "leases")
    assert code == 0, err
    assert "Posts for X, Bluesky, and Mastodon: promotion" in out
    assert "[announce, bluesky]" in out and "/300" in out and "/500" in out

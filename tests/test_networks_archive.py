"""One chat on X, Bluesky and Mastodon at once: the archive, recap, people and leads merge the
three networks' transcripts, each post with its network's name, logo and link."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from bskyfake import FakeBluesky
from chatdoc import START, Doc
from mastofake import FakeMastodon

SLUG = "tenants-2026-05-14"
CHAT = """
title: "Leases in 2027"
hashtag: "#Tenants"
start: 2026-05-14 13:00
timezone: America/New_York
networks: [x, bluesky, mastodon]
mastodon_instances: [mastodon.social]
host:
  handle: "@HostCo"
  bluesky: hostco.bsky.social
  mastodon: "@hostco@mastodon.social"
  name: Host Co
guests:
  - handle: "@lena"
    bluesky: lena.bsky.social
    name: Lena
questions:
  - "How long a lease would you sign?"
  - "What clause saved you?"
"""


@pytest.fixture
def hub(make_hub):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    x = Doc()
    x.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
    x.post("fran", "A1 Five years #Tenants", 6, likes=3)
    x.post("HostCo", "Q2 What clause saved you? #Tenants", 30)
    x.post("lena", "A2 The break clause #Tenants", 31)
    x.write(hub.chats, SLUG)
    bsky = FakeBluesky()
    q1 = bsky.post("hostco.bsky.social", "Q1 How long a lease would you sign? #Tenants",
                   START + timedelta(minutes=5, seconds=10))
    bsky.post("ana.bsky.social", "A1 Ten years, if the rent is right 🏢 #Tenants",
              START + timedelta(minutes=7), likes=5)
    bsky.post("ana.bsky.social", "Three, with a break", START + timedelta(minutes=8), reply_to=q1)
    bsky.post("lena.bsky.social", "A2 Also the break clause #Tenants", START + timedelta(minutes=32))
    (hub.chats / f"{SLUG}.bsky.json").write_text(json.dumps({"posts": bsky.posts, "meta": {}}))
    masto = FakeMastodon()
    mq1 = masto.status("hostco@mastodon.social", "Q1 How long a lease would you sign? #Tenants",
                       START + timedelta(minutes=5, seconds=20))
    reply = masto.status("bo@fosstodon.org", "@hostco@mastodon.social Two years at most",
                         START + timedelta(minutes=9), reply_to=mq1, servers=("mastodon.social",))
    masto.status("bo@fosstodon.org", "A2 Exclusivity <b>clause</b> #Tenants https://example.org/clauses",
                 START + timedelta(minutes=33), servers=("mastodon.social",))
    statuses = [{**masto.json(s, "mastodon.social"), "read_from": "mastodon.social"}
                for s in masto.statuses]
    (hub.chats / f"{SLUG}.mastodon.json").write_text(json.dumps({"statuses": statuses, "meta": {}}))
    hub.build()
    return {"hub": hub, "bsky_q1": q1, "masto_reply": reply}


def test_the_archive_shows_every_network_in_time_order_within_each_question(hub):
    page = hub["hub"].html(f"chats/{SLUG}/archive/")
    q1 = page.select_one("section#q1")
    names = [a.get_text(strip=True) for a in q1.select("footer a[class^=chathub-view-on-]")]
    assert {"View on X", "View on Bluesky", "View on Mastodon"} <= set(names)
    questions = q1.select(".chathub-question-post article")
    assert [a["data-network"] for a in questions] == ["x", "bluesky", "mastodon"]  # in time order
    times = [t["datetime"] for t in q1.select(".chathub-thread > li > article time")]
    assert times == sorted(times)
    texts = q1.get_text()
    assert "A1 Ten years" in texts and "Two years at most" in texts and "Three, with a break" in texts
    q2 = page.select_one("section#q2").get_text()
    assert "Also the break clause" in q2 and "Exclusivity <b>clause</b>" in q2  # text, not markup
    for network in ("x", "bluesky", "mastodon"):
        assert page.select_one(f"symbol#chathub-{network}-logo")
        assert page.select(f'article[data-network="{network}"]')


def test_post_and_profile_links_follow_each_network(hub):
    page = hub["hub"].html(f"chats/{SLUG}/archive/")
    q1 = hub["bsky_q1"]
    rkey = q1["uri"].rsplit("/", 1)[1]
    bsky = page.select_one('article[data-network="bluesky"]')
    assert bsky.select_one(".chathub-post-time")["href"] == (
        f"https://bsky.app/profile/hostco.bsky.social/post/{rkey}")
    assert bsky.select_one(".chathub-post-author")["href"] == "https://bsky.app/profile/hostco.bsky.social"
    masto = next(a for a in page.select('article[data-network="mastodon"]') if "Two years" in a.get_text())
    assert masto.select_one(".chathub-view-on-mastodon")["href"] == "https://fosstodon.org/@bo/" + (
        hub["masto_reply"].uri.rsplit("/", 1)[1])
    assert masto.select_one(".chathub-post-author > span").get_text() == "@bo@fosstodon.org"
    tag = page.select_one('article[data-network="bluesky"] a.chathub-hashtag')
    assert tag["href"] == "https://bsky.app/hashtag/Tenants"
    hrefs = [a["href"] for a in page.select("article a[href]")]
    assert all(h.startswith(("https://", "http://", "#", "../")) for h in hrefs)


def test_roles_and_answers_are_recognised_on_every_network(hub):
    page = hub["hub"].html(f"chats/{SLUG}/archive/")
    hosts = {a["data-network"] for a in page.select("article.chathub-post-host")}
    assert hosts == {"x", "bluesky", "mastodon"}
    guests = {a["data-network"] for a in page.select("article.chathub-post-guest")}
    assert guests == {"x", "bluesky"}


def test_the_recap_counts_each_network_and_the_total(hub):
    page = hub["hub"].html(f"chats/{SLUG}/recap/")
    rows = {r["data-network"]: [int(td["data-value"]) for td in r.select("td[data-value]")]
            for r in page.select("table.chathub-network-figures tr[data-network]")}
    assert rows["x"][0] == 4 and rows["bluesky"][0] == 4 and rows["mastodon"][0] == 3
    assert rows["total"][0] == 11
    # The host and Lena post on several networks: each counts once in the total.
    assert rows["total"][1] == sum(r[1] for n, r in rows.items() if n != "total") - 3
    assert int(page.select_one('[data-figure="posts"] dd')["data-value"]) == 11


def test_people_joins_declared_accounts_and_keeps_unknown_ones_apart(hub):
    page = hub["hub"].html("people/")
    rows = page.select("tr.chathub-person-row")
    host = [r for r in rows if "@HostCo" in r.get_text()]
    assert len(host) == 1
    others = {a["data-network"] for a in host[0].select("a.chathub-other-account")}
    assert others == {"bluesky", "mastodon"}
    assert not [r for r in rows if r is not host[0] and "hostco.bsky.social" in r.get_text()]
    assert len([r for r in rows if "@bo@fosstodon.org" in r.get_text()]) == 1
    assert len([r for r in rows if "ana.bsky.social" in r.get_text()]) == 1


def test_the_announcement_of_an_upcoming_chat_names_every_network(hub):
    tiny = hub["hub"]
    tiny.add_chat("tenants-2026-07-09", CHAT.replace("2026-05-14", "2026-07-09"))
    tiny.build()
    page = tiny.html("chats/tenants-2026-07-09/")
    expected = {"x": "https://x.com/search?q=%23Tenants&f=live",
                "bluesky": "https://bsky.app/hashtag/Tenants",
                "mastodon": "https://mastodon.social/tags/Tenants"}
    live = {a["data-network"]: a["href"] for a in page.select("a.chathub-live-link")}
    assert live == expected
    links = {a["data-network"]: a["href"] for a in page.select("a.chathub-network-link")}
    assert links == expected  # "Follow #Tenants on X, Bluesky or Mastodon when the chat starts"
    assert re.search(r"X, Bluesky or Mastodon", page.get_text())


def test_leads_come_from_every_network(hub, run_cli):
    code, out, err = run_cli("leads", SLUG, "--keyword", "clause")
    assert code == 0, err
    assert "bo@fosstodon.org" in out and "https://fosstodon.org/@bo" in out

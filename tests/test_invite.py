"""The invite kit: X's rules for every post, the run sheet, overrides, the command and the page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from conftest import CHAT
from twitter_text import parse_tweet

from chathub.kit.texts import build_kit
from chathub.model.loader import load_hub
from chathub.model.settings import load_config

SITE = {"site_url": "https://hub.example.org/tenants/"}
NEW_YORK = ZoneInfo("America/New_York")


def _kit(slug: str = "leases"):
    config = load_config()
    hub, problems = load_hub(config)
    assert not problems.errors, problems.errors
    return build_kit(hub.chat(slug), config)


def _assert_x_rules(items, tag="#Tenants"):
    posts = [item for item in items if item.channel == "x"]
    assert posts
    for item in posts:
        parsed = parse_tweet(item.text)
        assert parsed.weightedLength <= 280, item.text
        assert item.weighted_length == parsed.weightedLength
        assert re.search(re.escape(tag) + r"(?!\w)", item.text, re.IGNORECASE), item.text
        assert not item.text.startswith(("@", "＠")), item.text


def test_kit_has_every_text_of_the_playbook(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT)
    items = _kit()
    kinds = [item.kind for item in items]
    assert kinds == ["announce", "reminder", "reminder", "reminder", "reminder", "dm",
                     "guest-invite", "welcome", "guest-intro", "question", "question", "closing",
                     "blog", "email"]
    _assert_x_rules(items)
    by_kind = {item.kind: item for item in items}
    assert "https://hub.example.org/tenants/chats/leases/" in by_kind["announce"].text
    assert "@guest_two" in by_kind["guest-intro"].text
    assert "checklist" in by_kind["closing"].text  # says how we follow up
    blog = by_kind["blog"].text
    assert blog.startswith("# Leases in 2027")
    for needle in ("America/New_York", "EDT", "#Tenants", "@HostCo", "Why we **host** this chat",
                   "## How to join", "A1"):
        assert needle in blog
    assert by_kind["email"].text.startswith("Subject: ")
    assert {item.channel for item in items} == {"x", "blog", "email"}


def test_reminders_and_run_sheet_are_timed(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace(
        '  - "What clause saved you?"',
        '  - text: "What clause saved you?"\n    minutes: 20\n  - "Anything else?"'))
    items = _kit()
    start = datetime(2026, 7, 9, 13, 0, tzinfo=NEW_YORK)
    reminders = [item.at for item in items if item.kind == "reminder"]
    assert reminders == [start - timedelta(days=7), start - timedelta(days=1),
                         start - timedelta(hours=1), start]
    welcome = next(item for item in items if item.kind == "welcome")
    assert welcome.at == start
    questions = [item for item in items if item.kind == "question"]
    assert [q.label for q in questions] == ["Q1", "Q2", "Q3"]
    times = [q.at for q in questions]
    assert all(t.tzinfo is not None for t in times)
    assert start < times[0] < times[1] < times[2] < start + timedelta(minutes=60)
    assert times[2] - times[1] == timedelta(minutes=20)  # Q2's own minutes
    closing = next(item for item in items if item.kind == "closing")
    assert times[2] < closing.at <= start + timedelta(minutes=60)
    intro = next(item for item in items if item.kind == "guest-intro")
    assert welcome.at < intro.at < times[0]
    for item in items:
        if item.kind in ("announce", "dm", "guest-invite", "blog", "email"):
            assert item.at is None


def test_week_before_keeps_the_local_clock_across_dst(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace("2026-07-09 13:00", "2026-11-05 13:00"))
    week = next(item for item in _kit() if item.label == "Reminder: a week before")
    assert week.at.hour == 13 and week.at.utcoffset() == timedelta(hours=-4)
    assert week.at.astimezone(UTC) == datetime(2026, 10, 29, 17, 0, tzinfo=UTC)


def test_posts_never_start_with_a_mention(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT + 'invite:\n  welcome: "@guest_two is here! Say hi"\n')
    welcome = next(item for item in _kit() if item.kind == "welcome")
    assert welcome.text.startswith(".@guest_two is here!")
    assert welcome.text.endswith("#Tenants")


def test_cjk_and_emoji_count_double(make_hub):
    hub = make_hub()
    cjk = "賃貸契約" * 30  # 120 CJK characters weigh 240
    hub.add_chat("leases", CHAT.replace('"What clause saved you?"', f'"{cjk}"')
                 .replace('"Leases in 2027"', '"Leases 🏢🏢🏢 in 2027"'))
    items = _kit()
    _assert_x_rules(items)
    q2 = next(item for item in items if item.label == "Q2")
    assert cjk in q2.text
    assert q2.weighted_length == len(q2.text) + 120 and q2.weighted_length > 240
    announce = items[0]
    assert "🏢🏢🏢" in announce.text
    assert announce.weighted_length == parse_tweet(announce.text).weightedLength


def test_long_question_is_shortened_in_the_kit_and_reported_by_check(make_hub, run_cli):
    hub = make_hub()
    long_question = "Why " + "does every lease clause take so long to negotiate " * 7 + "?"
    hub.add_chat("leases", CHAT.replace('"What clause saved you?"', f'"{long_question}"'))
    q2 = next(item for item in _kit() if item.label == "Q2")
    assert q2.weighted_length <= 280 and "…" in q2.text and q2.text.endswith("#Tenants")
    assert q2.too_long > 280
    code, _out, err = run_cli("check")
    assert code == 1
    line = next(line for line in err.splitlines() if "question 2" in line)
    text = (hub.chats / "leases.yml").read_text().splitlines()
    number = next(i for i, row in enumerate(text, 1) if "does every lease" in row)
    assert line.startswith(f"chats/leases.yml:{number}:")
    assert "Q2" in line and "280" in line


def test_long_cjk_question_is_reported(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("leases", CHAT.replace('"What clause saved you?"', '"' + "契約" * 70 + '"'))
    code, _out, err = run_cli("check", "chats/leases.yml")
    assert code == 1 and "question 2" in err


def test_overrides_replace_texts_and_may_use_variables(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT + """invite:
  dm: "Come to {{ tag }} on {{ when }}: {{ link }}"
  q2: "Q2 Tell us about the clause that saved you"
  question: "{{ label }}) {{ text }}"
  email: |
    Subject: Join us

    Plain and short.
""")
    items = _kit()
    _assert_x_rules(items)
    dm = next(item for item in items if item.kind == "dm")
    assert dm.text == ("Come to #Tenants on Thu, Jul 9, 13:00 EDT: "
                       "https://hub.example.org/tenants/chats/leases/")
    q1, q2 = (item for item in items if item.kind == "question")
    assert q1.text == "Q1) How long a lease would you sign? #Tenants"
    assert q2.text == "Q2 Tell us about the clause that saved you #Tenants"
    email = next(item for item in items if item.kind == "email")
    assert email.text == "Subject: Join us\n\nPlain and short."


def test_bad_overrides_are_reported_with_their_line(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("leases", CHAT + """invite:
  annonce: "typo"
  dm: "{{ tag"
  welcome: "Hello {{ nobody }}"
  q7: "No such question"
  closing: "%s"
""" % ("Thanks! " * 40))
    code, _out, err = run_cli("check")
    assert code == 1
    lines = (hub.chats / "leases.yml").read_text().splitlines()

    def where(needle: str) -> str:
        return f"chats/leases.yml:{next(i for i, r in enumerate(lines, 1) if needle in r)}:"

    problems = err.splitlines()
    assert any(p.startswith(where("annonce")) and "'announce'" in p for p in problems)
    assert any(p.startswith(where("{{ tag")) and "template" in p for p in problems)
    # The loader stops at the first errors; fix them to see the rest.
    hub.add_chat("leases", CHAT + """invite:
  welcome: "Hello {{ nobody }}"
  q7: "No such question"
  closing: "%s"
""" % ("Thanks! " * 40))
    code, _out, err = run_cli("check")
    assert code == 1
    problems = err.splitlines()
    lines = (hub.chats / "leases.yml").read_text().splitlines()
    assert any(p.startswith(where("nobody")) and "nobody" in p for p in problems)
    assert any(p.startswith(where("q7")) and "no question 7" in p for p in problems)
    assert any(p.startswith(where("Thanks!")) and "closing" in p.lower() for p in problems)


def test_cli_prints_the_kit_as_text_and_json(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("leases", CHAT + "status: draft\n")  # drafts are prepared before publishing
    code, out, err = run_cli("invite", "leases")
    assert code == 0, err
    assert "Q1 How long a lease would you sign?" in out and "Run sheet" in out
    assert re.search(r"13:0\d", out)
    code, out, err = run_cli("invite", "leases", "--json")
    assert code == 0, err
    items = json.loads(out)
    assert isinstance(items, list) and items
    kinds = {item["kind"] for item in items}
    assert {"announce", "reminder", "dm", "guest-invite", "welcome", "guest-intro", "question",
            "closing", "blog", "email"} <= kinds
    for item in items:
        assert {"kind", "channel", "text", "weighted_length", "at"} <= set(item)
        assert item["channel"] in ("x", "blog", "email")
        if item["channel"] == "x":
            assert item["weighted_length"] == parse_tweet(item["text"]).weightedLength <= 280
            assert "#Tenants" in item["text"] and not item["text"].startswith("@")
        else:
            assert item["weighted_length"] is None
        if item["at"] is not None:
            assert datetime.fromisoformat(item["at"]).tzinfo is not None
    questions = [item for item in items if item["kind"] == "question"]
    assert [item["label"] for item in questions] == ["Q1", "Q2"]
    assert all(item["at"] for item in questions)


def test_cli_rejects_an_unknown_slug(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    code, out, err = run_cli("invite", "leeses")
    assert code != 0 and out == ""
    assert "leeses" in err and "'leases'" in err and "Traceback" not in err


def test_theme_overrides_change_the_kit_on_page_and_cli(make_hub, run_cli):
    hub = make_hub(site={"theme": {"name": "material", "font": False,
                                   "custom_dir": "theme_overrides"}})
    hub.add_chat("leases", CHAT)
    kit_dir = hub.root / "theme_overrides" / "chathub" / "kit"
    kit_dir.mkdir(parents=True)
    (kit_dir / "announce.txt").write_text("Our own words about {{ title }}\n")
    code, out, _err = run_cli("invite", "leases", "--json")
    assert json.loads(out)[0]["text"] == "Our own words about Leases in 2027 #Tenants"
    hub.build()
    texts = [pre.get_text() for pre in hub.html("chats/leases/invite/").select("pre")]
    assert "Our own words about Leases in 2027 #Tenants" in texts


def test_invite_page_lists_every_post_with_intent_and_copy(make_hub):
    hub = make_hub(site=SITE)
    hub.add_chat("leases", CHAT)
    hub.build()
    soup = hub.html("chats/leases/invite/")
    items = soup.select(".chathub-kit-item")
    x_items = [item for item in items if item.get("data-channel") == "x"]
    assert len(items) == 14 and len(x_items) == 12
    for item in x_items:
        text = item.select_one("pre").get_text()
        assert parse_tweet(text).weightedLength <= 280 and "#Tenants" in text
        assert int(item.select_one("[data-weighted-length]")["data-weighted-length"]) == \
            parse_tweet(text).weightedLength
        intent = item.select_one("a.chathub-kit-post")["href"]
        parts = urlsplit(intent)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "x.com", "/intent/post")
        assert parse_qs(parts.query)["text"] == [text]
        button = item.select_one("button[data-chathub-copy]")
        assert soup.find(id=button["data-chathub-copy"]).get_text() == text
    run_sheet = [t.get_text() for t in soup.select("#run-sheet ~ .chathub-kit-item time")]
    assert run_sheet[0] == "13:00 EDT"
    labels = [s.get_text() for s in soup.select(".chathub-kit-label")]
    assert "Q1" in labels and "Q2" in labels
    assert soup.select_one('meta[name="robots"]')["content"] == "noindex"
    script = hub.site / "assets/chathub/invite.js"
    assert "navigator.clipboard" in script.read_text() and "execCommand" in script.read_text()
    scripts = [s.get("src", "") for s in soup.select("script[src]")]
    assert any(src.endswith("assets/chathub/invite.js") for src in scripts)


def test_invite_page_stays_out_of_nav_and_search(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    hub.build()
    soup = hub.html("chats/leases/invite/")
    assert not any("invite" in a.get("href", "") for a in soup.select("nav.md-nav--primary a"))
    index = json.loads((hub.site / "search/search_index.json").read_text())
    assert not any("invite" in doc["location"] for doc in index["docs"])


def test_invite_page_escapes_hostile_text(make_hub):
    hub = make_hub()
    hostile = "<script>alert(1)</script> & <b>co</b>"
    hub.add_chat("evil", CHAT.replace('"Leases in 2027"', json.dumps(hostile))
                 .replace('"What clause saved you?"', '"<img src=x onerror=alert(2)>"')
                 .replace("name: Guest Two", 'name: "</pre><script>alert(3)</script>"'))
    hub.build()
    raw = (hub.site / "chats/evil/invite/index.html").read_text()
    assert "<script>alert" not in raw and "<img src=x" not in raw and "<b>co</b>" not in raw
    soup = hub.html("chats/evil/invite/")
    assert soup.h1.get_text() == f"Invite kit: {hostile}"
    texts = [pre.get_text() for pre in soup.select("pre")]
    assert any("<img src=x onerror=alert(2)>" in text for text in texts)
    assert any("</pre><script>alert(3)</script>" in text for text in texts)


def test_hidden_questions_stay_off_the_invite_page(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("secret", CHAT + "hide_questions: true\n")
    hub.build()
    raw = (hub.site / "chats/secret/invite/index.html").read_text()
    assert "lease would you sign" not in raw and "Hidden until the chat starts" in raw
    _code, out, _err = run_cli("invite", "secret")
    assert "lease would you sign" in out  # the host still gets them


def test_the_kit_is_for_the_team_not_linked_from_the_announcement(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    hub.build()
    hrefs = [a["href"] for a in hub.html("chats/leases/").select("article a[href]")]
    assert not [h for h in hrefs if "invite" in h]
    kit = hub.html("chats/leases/invite/")
    assert kit.find("meta", attrs={"name": "robots", "content": "noindex"}) is not None


def test_example_hub_has_a_complete_kit_for_its_upcoming_chat(monkeypatch, run_cli):
    from conftest import REPO

    monkeypatch.chdir(REPO)
    monkeypatch.setenv("CHATHUB_NOW", "2026-11-25T12:00:00Z")
    config = load_config()
    hub, problems = load_hub(config)
    assert not problems.errors
    upcoming = hub.upcoming()
    assert upcoming
    items = build_kit(upcoming[0], config)
    _assert_x_rules(items, upcoming[0].tag)
    assert len([i for i in items if i.kind == "question"]) == len(upcoming[0].questions) >= 3
    assert len([i for i in items if i.kind == "guest-intro"]) == len(upcoming[0].guests) >= 1
    assert any(i.overridden for i in items)  # the example shows per-chat overrides
    code, _out, err = run_cli("check")
    assert code == 0, err


def test_extreme_chats_still_give_valid_posts(make_hub, run_cli):
    hub = make_hub(site=SITE)
    long_title = "A very long title about leases, clauses and the future of work " * 5
    hub.add_chat("extreme", f"""
title: "{long_title.strip()}"
hashtag: "#賃貸テナント会議"
start: 2026-07-09 13:00
timezone: UTC
duration: 5
host: "@h"
guests:
  - handle: "@g1"
    bio: "{'Broker and author of many long books about leases. ' * 6}"
  - "@g2"
  - "@g3"
questions:
  - "{'なぜ' * 140}"
  - text: "Short?"
    minutes: 30
followup: "{'We will follow up with a very detailed recap. ' * 8}"
""")
    hub.add_chat("bare", """
title: Bare
hashtag: Bare
start: 2026-07-10 13:00
host: "@h"
""")
    for slug, tag in (("extreme", "#賃貸テナント会議"), ("bare", "#Bare")):
        items = _kit(slug)
        _assert_x_rules(items, tag)
        assert [i.kind for i in items].count("question") == (2 if slug == "extreme" else 0)
    code, _out, err = run_cli("check")
    assert code == 1  # question 1 is too long
    assert "question 1" in err and "warning: the title makes 8 posts longer" in err
    assert "questions need" in err  # 30 minutes do not fit in a 5-minute chat


def test_weighted_length_agrees_with_twitter_text():
    import random

    from chathub.kit.post_rules import weighted_length

    pool = [*"abc XYZ#*0123456789.,:;!?@/\n\r-_'\"()", "https://example.org/a/b?c=1",
            "www.x.com", "t.co/abc", "Sørensen", "é", "e\u0301", "“”…—–", "日本語", "한국어",
            "\u1100\u1161", "©", "®", "™", "😀", "👩‍💻", "#\ufe0f\u20e3", "1\u20e3", "\ufe0f", "‼",
            "\u2000", "\u200b", "🏢", "x.com/HostCo", "ｆｕｌｌ", "\U0001F1FA\U0001F1F8"]
    rnd = random.Random(2026)
    for _ in range(1000):
        text = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 60)))
        assert weighted_length(text) == parse_tweet(text).weightedLength, repr(text)


def test_broken_kit_template_is_a_located_error_not_a_traceback(make_hub, run_cli, caplog):
    hub = make_hub(site={"theme": {"name": "material", "font": False,
                                   "custom_dir": "theme_overrides"}})
    hub.add_chat("leases", CHAT)
    kit_dir = hub.root / "theme_overrides" / "chathub" / "kit"
    kit_dir.mkdir(parents=True)
    (kit_dir / "dm.txt").write_text("Hello\n{{ no_such_variable }}\n")
    for args in (("check",), ("invite", "leases")):
        code, _out, err = run_cli(*args)
        assert code != 0
        assert "theme_overrides/chathub/kit/dm.txt:2:" in err and "no_such_variable" in err
        assert "Traceback" not in err
    from mkdocs.exceptions import MkDocsException

    with pytest.raises(MkDocsException):
        hub.build()
    assert any("theme_overrides/chathub/kit/dm.txt:2:1: 'no_such_variable' is undefined" in r.message
               for r in caplog.records)

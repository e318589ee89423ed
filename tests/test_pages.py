"""The built hub: index, announcement pages, drafts, escaping and navigation."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import CHAT


def _times(soup):
    return {t.get("class", [""])[0]: datetime.fromisoformat(t["datetime"])
            for t in soup.select("time[datetime]")}


def test_announcement_shows_times_in_zone_and_utc_across_dst(make_hub):
    hub = make_hub()
    hub.add_chat("before", CHAT.replace("2026-07-09 13:00", "2026-03-05 13:00"))
    hub.add_chat("after", CHAT.replace("2026-07-09 13:00", "2026-03-12 13:00"))
    hub.build()
    for slug, utc_hour in (("before", 18), ("after", 17)):
        soup = hub.html(f"chats/{slug}/")
        times = _times(soup)
        zone, utc = times["chathub-time-zone"], times["chathub-time-utc"]
        assert zone.tzinfo is not None and utc.tzinfo is not None
        assert zone == utc
        assert zone.hour == 13 and utc.astimezone(UTC).hour == utc_hour
        assert soup.select_one("[data-chathub-local]") is not None


def test_announcement_shows_what_a_participant_needs(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    hub.build()
    soup = hub.html("chats/leases/")
    assert soup.h1.get_text(strip=True) == "Leases in 2027"
    text = soup.get_text(" ", strip=True)
    assert "#Tenants" in text and "1 hour" in text
    profiles = {a["href"] for a in soup.select(".chathub-people a")}
    assert {"https://x.com/HostCo", "https://x.com/mod_one", "https://x.com/guest_two"} <= profiles
    questions = [li.get_text(" ", strip=True) for li in soup.select(".chathub-question-list li")]
    assert questions[0].startswith("Q1") and "lease would you sign" in questions[0]
    assert soup.select_one(".chathub-about strong").get_text() == "host"
    assert "A1" in soup.select_one(".chathub-take-part").get_text()
    assert "checklist" in soup.select_one(".chathub-followup").get_text()


def test_titles_and_questions_are_escaped(make_hub):
    hub = make_hub()
    hub.add_chat("evil", CHAT.replace('"Leases in 2027"', '"<script>alert(1)</script> & co"')
                 .replace('"What clause saved you?"', '"<img src=x onerror=alert(2)>"')
                 .replace("Why we **host** this chat.", "<script>alert(3)</script>"))
    hub.build()
    raw = (hub.site / "chats/evil/index.html").read_text()
    assert "<script>alert" not in raw and "<img src=x" not in raw
    soup = hub.html("chats/evil/")
    assert soup.h1.get_text() == "<script>alert(1)</script> & co"
    assert "<img src=x onerror=alert(2)>" in soup.select_one(".chathub-question-list").get_text()
    index = (hub.site / "chats/index.html").read_text()
    assert "<script>alert" not in index


def test_drafts_are_absent_and_cancelled_chats_marked(make_hub):
    hub = make_hub()
    hub.add_chat("shown", CHAT)
    hub.add_chat("secret", CHAT.replace("2026-07-09", "2026-08-09") + "status: draft\n")
    hub.add_chat("off", CHAT.replace("2026-07-09", "2026-09-09") + "status: cancelled\n")
    hub.build()
    assert not (hub.site / "chats/secret").exists()
    index = hub.html("chats/")
    assert "secret" not in str(index)
    card = index.find("a", href="off/").find_parent("li")
    assert "Cancelled" in card.get_text()
    assert "cancelled" in hub.html("chats/off/").select_one(".chathub-notice").get_text()


def test_index_orders_upcoming_then_past_and_paginates(make_hub):
    hub = make_hub({"per_page": 2})
    dates = ["2026-05-01", "2026-07-01", "2026-06-15", "2026-04-01", "2026-08-01"]
    for day in dates:
        hub.add_chat(f"c-{day}", CHAT.replace("2026-07-09", day))
    hub.build()
    order = []
    page = "chats/"
    while True:
        soup = hub.html(page)
        order += [a["href"].strip("./").split("/")[-1]
                  for a in soup.select(".chathub-hero-title a, .chathub-card-title")]
        nxt = soup.select_one(".chathub-pagination a[rel=next]")
        if not nxt:
            break
        page = f"chats/page/{len(order) // 2 + 1}/"
    # now is 2026-06-01: upcoming soonest first, then past newest first
    assert order == ["c-2026-06-15", "c-2026-07-01", "c-2026-08-01", "c-2026-05-01",
                     "c-2026-04-01"]


def test_chat_pages_stay_out_of_the_navigation(make_hub):
    hub = make_hub()
    for day in ("2026-07-01", "2026-07-08", "2026-07-15"):
        hub.add_chat(f"c-{day}", CHAT.replace("2026-07-09", day))
    hub.build()
    soup = hub.html("chats/c-2026-07-01/")
    nav_links = [a.get("href", "") for a in soup.select("nav.md-nav--primary a")]
    assert not any("c-2026" in href for href in nav_links)
    titles = [a.get_text(" ", strip=True) for a in soup.select("nav.md-nav--primary a")]
    assert "Chats" in titles


def test_home_page_lists_upcoming_chats(make_hub):
    hub = make_hub()
    hub.add_chat("soon", CHAT)
    hub.add_chat("gone", CHAT.replace("2026-07-09", "2026-01-09"))
    hub.build()
    home = hub.html("")
    assert [a["href"] for a in home.select(".chathub-hero-title a")] == ["chats/soon/"]
    assert not home.select(".chathub-card")  # "gone" is over; "soon" is the hero


def test_hidden_questions_stay_out_until_the_chat_starts(make_hub):
    hub = make_hub()
    hub.add_chat("secret-qs", CHAT + "hide_questions: true\n")
    hub.build()
    raw = (hub.site / "chats/secret-qs/index.html").read_text()
    assert "lease would you sign" not in raw
    assert "revealed when the chat starts" in raw


def test_nothing_is_written_into_content(make_hub):
    hub = make_hub()
    hub.add_chat("leases", CHAT)
    before = sorted(p.relative_to(hub.root) for p in (hub.root / "content").rglob("*"))
    hub.build()
    after = sorted(p.relative_to(hub.root) for p in (hub.root / "content").rglob("*"))
    assert before == after
    assert (hub.site / "chats/leases/index.html").exists()


def test_serve_watches_the_chats_folder(make_hub):
    from mkdocs.config import load_config

    hub = make_hub()
    config = load_config(str(hub.root / "mkdocs.yml"))
    watched = []

    class Server:
        def watch(self, path, *args, **kwargs):
            watched.append(path)

    config.plugins.on_serve(Server(), config=config, builder=None)
    assert str(hub.chats) in [str(p) for p in watched]


def test_cancelled_chats_do_not_invite_people_to_take_part(make_hub):
    hub = make_hub()
    hub.add_chat("on", CHAT)
    hub.add_chat("off", CHAT.replace("2026-07-09", "2026-09-09") + "status: cancelled\n")
    hub.build()
    assert hub.html("chats/on/").select_one(".chathub-take-part") is not None
    assert hub.html("chats/off/").select_one(".chathub-take-part") is None

"""The recap page: figures of a known transcript, chart, highlights, voices, follow-ups, print."""

from __future__ import annotations

from chatdoc import Doc
from conftest import CHAT

MAY = CHAT.replace("2026-07-09", "2026-05-14")
RECAP = "chats/leases/recap/"


def _known(doc: Doc) -> dict[str, str]:
    """13 posts by 7 people, 4 replies, 20 + 1 reposts, 71 likes, 1,500 impressions."""
    ids = {}
    ids["hi"] = doc.post("fran", "Hi all #Tenants", -3, likes=1, impressions=100)
    ids["q1"] = doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5, likes=10, reposts=5,
                         impressions=300)
    ids["a1_fran"] = doc.post("fran", "A1 five years #Tenants https://t.co/a", 6, likes=20, reposts=6,
                              replies=1, impressions=200, urls={"https://t.co/a": "https://example.org/g"})
    ids["a1_ben"] = doc.post("ben", "A1 ten years #Tenants", 6.5, likes=15, reposts=2, impressions=100)
    ids["a1_jo"] = doc.post("jo", "A1 three, and a question: who negotiates parking? #Tenants", 7,
                            likes=2, impressions=100)
    ids["r1"] = doc.post("ben", "@fran why five?", 8, reply_to=ids["a1_fran"], likes=1, impressions=100)
    ids["q2"] = doc.post("mod_one", "Q2: What clause saved you? #Tenants", 20, likes=5, reposts=2,
                         impressions=200)
    ids["a2_guest"] = doc.post("guest_two", "A2 the break clause https://t.co/b #Tenants", 21, likes=12,
                               reposts=4, impressions=100, urls={"https://t.co/b": "https://example.org/g/"})
    ids["a2_sam"] = doc.post("sam", "A2 the sublet clause #Tenants", 22, likes=3, reposts=1,
                             impressions=100)
    ids["r2"] = doc.post("fran", "@sam same here", 23, reply_to=ids["a2_sam"], likes=2, impressions=100)
    ids["r3"] = doc.post("HostCo", "@sam thanks for joining!", 24, reply_to=ids["a2_sam"], impressions=50)
    ids["r4"] = doc.post("jo", "@guest_two which wording?", 25, reply_to=ids["a2_guest"], impressions=50)
    ids["bye"] = doc.post("sam", "Bye! #Tenants", 50, likes=0)
    ids["rt"] = doc.post("lou", "RT @guest_two: A2 the break clause", 26, retweet=ids["a2_guest"])
    ids["old"] = doc.post("old", "An old post", -900, include=True)
    ids["rt_old"] = doc.post("lou", "RT @old: An old post", 27, retweet=ids["old"])
    return ids


def _build(make_hub, extra=lambda ids: ""):
    hub = make_hub()
    doc = Doc()
    ids = _known(doc)
    hub.add_chat("leases", MAY + extra(ids))
    doc.write(hub.chats, "leases")
    hub.build()
    return hub, ids


def test_headline_figures_match_the_known_transcript(make_hub):
    hub, _ = _build(make_hub)
    soup = hub.html(RECAP)
    figures = {d["data-figure"]: int(d.dd["data-value"]) for d in soup.select(".chathub-figures > div")}
    assert figures == {"posts": 13, "participants": 7, "replies": 4, "reposts": 21, "likes": 71,
                       "impressions": 1500}
    shown = {d["data-figure"]: d.dd.get_text() for d in soup.select(".chathub-figures > div")}
    assert shown["impressions"] == "1,500"


def test_timeline_chart_marks_the_questions(make_hub):
    hub, _ = _build(make_hub)
    svg = hub.html(RECAP).select_one("svg.chathub-chart")
    assert svg["role"] == "img" and svg.title.get_text().startswith("Posts per minute, 12:57 to")
    bars = [r.title.get_text() for r in svg.select(".chathub-chart-bars rect")]
    assert bars[0] == "12:57: 1 post" and "13:06: 2 posts" in bars
    assert len(bars) == 12  # minutes with at least one post
    marks = [t.get_text() for t in svg.select(".chathub-chart-marks text")]
    assert marks == ["Q1", "Q2"]
    assert not hub.html(RECAP).select(".chathub-recap script")


def test_highlights_put_the_chats_picks_first(make_hub):
    hub, ids = _build(make_hub, lambda ids: f'highlights: ["{ids["a1_jo"]}"]\n')
    soup = hub.html(RECAP)
    q1 = soup.find(id="highlights-q1").find_next("ul")
    authors = [a.get_text(" ", strip=True) for a in q1.select(".chathub-post-author")]
    assert [a.split()[-1] for a in authors] == ["@jo", "@fran", "@ben"]
    links = [a["href"] for a in q1.select("a.chathub-in-archive")]
    assert links[0] == f"../archive/#t{ids['a1_jo']}"
    q2 = soup.find(id="highlights-q2").find_next("ul")
    assert [a.get_text(" ", strip=True).split()[-1] for a in q2.select(".chathub-post-author")] == [
        "@guest_two", "@sam", "@fran"]


def test_contributors_unanswered_links_and_summary(make_hub):
    hub, ids = _build(make_hub, lambda ids: "summary: |\n  We **agreed** on break clauses.\n")
    soup = hub.html(RECAP)
    trs = soup.select(".chathub-contributors tbody tr")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in trs]
    handles = [tr.select_one(".chathub-handle").get_text() for tr in trs]
    assert handles == ["@fran", "@ben", "@sam", "@jo", "@guest_two"]
    assert rows[0][1:] == ["3", "23", "6"]
    open_questions = soup.select(".chathub-unanswered .chathub-post-text")
    assert [q.get_text() for q in open_questions] == [
        "A1 three, and a question: who negotiates parking? #Tenants"]
    links = [(a["href"], a.get_text()) for a in soup.select(".chathub-links li > a")]
    assert links == [("https://example.org/g", "example.org/g")]
    assert "shared 2 times" in soup.select_one(".chathub-links li").get_text()
    assert soup.select_one(".chathub-summary strong").get_text() == "agreed"


def test_new_and_returning_voices_across_chats(make_hub):
    hub = make_hub()
    hub.add_chat("april", MAY.replace("2026-05-14", "2026-04-09"))
    hub.add_chat("leases", MAY)
    april = Doc(Doc().start.replace(month=4, day=9))
    april.post("fran", "First time here #Tenants", 3)
    april.post("ben", "Me too #Tenants", 4)
    april.post("HostCo", "Welcome! #Tenants", 5)
    april.write(hub.chats, "april")
    may = Doc()
    may.post("fran", "Back again #Tenants", 3)
    may.post("jo", "New here #Tenants", 4)
    may.post("HostCo", "Welcome back! #Tenants", 5)
    may.write(hub.chats, "leases")
    hub.build()
    soup = hub.html(RECAP)
    new = [li.get_text(" ", strip=True) for li in soup.select(".chathub-new-voices li")]
    returning = [li.get_text(" ", strip=True) for li in soup.select(".chathub-returning-voices li")]
    assert [n.split()[-1] for n in new] == ["@jo"]
    assert returning == ["Fran @fran (1 earlier chat)"]
    april_new = [li.get_text(" ", strip=True).split()[-1]
                 for li in hub.html("chats/april/recap/").select(".chathub-new-voices li")]
    assert sorted(april_new) == ["@ben", "@fran"]  # the host is not a voice of its own chat


def test_recap_prints_cleanly(make_hub):
    hub, _ = _build(make_hub)
    soup = hub.html(RECAP)
    sheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    recap_css = next(s for s in sheets if s.endswith("assets/chathub/recap.css"))
    css = (hub.site / RECAP / recap_css).resolve().read_text()
    print_block = css[css.index("@media print"):]
    assert ".md-header" in print_block and ".md-sidebar" in print_block and "break-inside: avoid" in \
        print_block
    assert soup.select_one("article.chathub-recap") is not None

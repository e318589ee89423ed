"""The archive page: sections by question, linkable posts, X's display requirements, safety."""

from __future__ import annotations

import json
import re

import pytest
from chatdoc import Doc
from conftest import CHAT, DATA
from mkdocs.exceptions import Abort

MAY = CHAT.replace("2026-07-09", "2026-05-14")
ARCHIVE = "chats/leases/archive/"


def _chat(doc: Doc) -> dict[str, str]:
    ids = {}
    ids["hi"] = doc.post("fran", "Hi from Boston #Tenants", -2)
    ids["q1"] = doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5, likes=3)
    ids["a1"] = doc.post("fran", "A1 Five years @guest_two #Tenants https://t.co/abc", 6, likes=4,
                         urls={"https://t.co/abc": "https://example.org/lease-guide"})
    ids["reply"] = doc.post("ben", "@fran Why five?", 7, reply_to=ids["a1"])
    ids["q2"] = doc.post("mod_one", "Q2: What clause saved you? #Tenants", 20)
    ids["a2"] = doc.post("guest_two", "A2 the break clause #Tenants", 21, likes=12)
    ids["rt"] = doc.post("lou", "RT @guest_two: A2 the break clause", 22, retweet=ids["a2"])
    return ids


@pytest.fixture
def built(make_hub):
    hub = make_hub()
    hub.add_chat("leases", MAY)
    doc = Doc()
    ids = _chat(doc)
    doc.write(hub.chats, "leases")
    hub.build()
    return hub, ids


def test_archive_has_a_section_per_question_and_an_id_per_post(built):
    hub, ids = built
    soup = hub.html(ARCHIVE)
    sections = [s["id"] for s in soup.select("section.chathub-section")]
    assert sections == ["intro", "q1", "q2"]
    q1 = soup.find("section", id="q1")
    assert "How long a lease would you sign?" in q1.h2.get_text()
    assert q1.find(id=f"t{ids['q1']}") is not None and q1.find(id=f"t{ids['a1']}") is not None
    reply = q1.find(id=f"t{ids['a1']}").find_parent("li").find(id=f"t{ids['reply']}")
    assert reply is not None  # nested under the post it answers
    assert soup.find("section", id="intro").find(id=f"t{ids['hi']}") is not None
    assert soup.find(id=f"t{ids['rt']}") is None  # reposts are not repeated
    for key in ("hi", "q1", "a1", "reply", "q2", "a2"):
        assert len(soup.select(f"#t{ids[key]}")) == 1


def test_posts_follow_xs_display_requirements(built):
    hub, ids = built
    soup = hub.html(ARCHIVE)
    post = soup.find(id=f"t{ids['a1']}")
    author = post.select_one(".chathub-post-author")
    assert author["href"] == "https://x.com/fran"
    # the avatar (initials, from archive.js, when there is no picture) is inside the link to the profile
    assert "@fran" in author.get_text() and len(post.select('a[href="https://x.com/fran"]')) == 1
    stamp = post.select_one("a.chathub-post-time")
    assert stamp["href"] == f"https://x.com/fran/status/{ids['a1']}"
    assert stamp.time["datetime"] == "2026-05-14T17:06:00Z" and stamp.get_text() == "13:06"
    text = post.select_one(".chathub-post-text")
    assert text.get_text() == "A1 Five years @guest_two #Tenants example.org/lease-guide"
    links = {a.get_text(): a["href"] for a in text.find_all("a")}
    assert links == {"@guest_two": "https://x.com/guest_two",
                     "#Tenants": "https://x.com/search?q=%23Tenants",
                     "example.org/lease-guide": "https://t.co/abc"}
    view = post.select_one("footer a")
    assert view.get_text(strip=True) == "View on X" and view["href"] == stamp["href"]
    assert view.select_one("svg use")["href"] == "#c-x"  # X's logo, once in the page as a symbol
    assert soup.select_one("symbol#c-x path") is not None
    assert soup.select_one('meta[name="robots"]')["content"] == "nofollow"  # for every link of the page


def test_archive_has_a_filter_and_stays_out_of_search(built):
    hub, _ = built
    soup = hub.html(ARCHIVE)
    form = soup.select_one("form[data-chathub-filter]")
    assert form is not None and form.has_attr("hidden")  # shown by our script, readable without
    assert form.select_one("datalist#chathub-filter-people") is not None  # archive.js lists the authors
    scripts = [s.get("src", "") for s in soup.find_all("script")]
    assert any(src.endswith("assets/chathub/archive.js") for src in scripts)
    assert not any(src.startswith(("http:", "https:", "//")) for src in scripts)
    index = json.loads((hub.site / "search" / "search_index.json").read_text())
    locations = {d["location"] for d in index["docs"]}
    assert not any(loc.startswith(ARCHIVE) for loc in locations)
    assert any(loc.startswith("chats/leases/recap/") for loc in locations)
    assert not any("Five years" in d["text"] for d in index["docs"] if "recap" not in d["location"])


def test_announcement_and_index_link_to_archive_and_recap(built, make_hub):
    hub, _ = built
    links = {a.get_text(strip=True): a["href"] for a in hub.html("chats/leases/").select(
        ".chathub-chat-links a")}
    assert links["Read the archive"] == "archive/" and links["Read the recap"] == "recap/"
    card = hub.html("chats/").find("a", href="leases/").find_parent("li")
    assert card.select_one("[data-figure=posts]").get_text() == "6 posts"
    assert card.select_one("[data-figure=participants]").get_text() == "5 participants"
    assert card.find("a", href="leases/archive/") is not None


def test_chats_without_transcript_have_no_archive(make_hub):
    hub = make_hub()
    hub.add_chat("leases", MAY)
    hub.build()
    assert not (hub.site / "chats/leases/archive").exists()
    hrefs = [a["href"] for a in hub.html("chats/leases/").select(".chathub-chat-links a")]
    assert not [h for h in hrefs if "archive" in h or "recap" in h]


def test_hostile_content_is_escaped_and_only_http_links(make_hub):
    hub = make_hub()
    hub.add_chat("leases", MAY)
    doc = Doc()
    doc.user("evil", name='<img src=x onerror=alert("name")>', url="javascript:alert('url')",
             profile_image_url="javascript:alert('avatar')")
    doc.user("fran", profile_image_url="https://pbs.twimg.com/profile_images/1/fran_normal.jpg")
    evil = doc.post("evil", "<script>alert('text')</script> & https://t.co/bad https://t.co/also #Tenants",
                    6, urls={"https://t.co/bad": "javascript:alert('expanded')",
                             "https://t.co/also": "https://example.org/ok"})
    doc.find(evil)["entities"]["urls"][0]["url"] = "javascript:alert('short')"
    doc.find(evil)["entities"]["urls"][0]["display_url"] = "<b>click</b>"
    doc.find(evil)["text"] = doc.find(evil)["text"].replace("https://t.co/bad", "javascript:alert('short')")
    doc.post("fran", "@evil hi", 7, reply_to=evil)
    ghost = doc.post("ghost", "A post whose author X did not send #Tenants", 8)
    doc.find(ghost)["author_id"] = "404"
    doc.write(hub.chats, "leases")
    hub.build()
    for url in (ARCHIVE, "chats/leases/recap/", "people/"):
        raw = (hub.site / url / "index.html").read_text()
        assert "<script>alert" not in raw and "<img src=x" not in raw and "<b>click" not in raw
        soup = hub.html(url)
        hrefs = [a.get("href", "") for a in soup.find_all("a")]
        hrefs += [i.get("src", "") for i in soup.find_all("img")]
        assert not any(h.strip().lower().startswith("javascript") for h in hrefs), url
    soup = hub.html(ARCHIVE)
    post = soup.find(id=f"t{evil}")
    assert post.select_one(".chathub-post-author").get_text().startswith('<img src=x onerror=alert("name")>')
    assert "<script>alert('text')</script> & " in post.select_one(".chathub-post-text").get_text()
    assert post.select_one(".chathub-post-author img") is None  # initials instead
    assert soup.select_one(".chathub-post-author img")["src"].startswith("https://pbs.twimg.com/")
    texts = [a.get_text() for a in post.select(".chathub-post-text a")]
    assert texts == ["example.org/ok", "#Tenants"]
    unknown = soup.find(id=f"t{ghost}")
    assert unknown.select_one(".chathub-post-author")["href"] == "https://x.com/i/user/404"
    assert unknown.select_one(".chathub-post-time")["href"] == f"https://x.com/i/web/status/{ghost}"


def test_raw_transcripts_are_never_published(make_hub):
    hub = make_hub({"chats_dir": "content/chats"})
    (hub.root / "content" / "chats").mkdir()
    (hub.root / "content" / "chats" / "leases.yml").write_text(MAY.lstrip("\n") + 'hide: ["@fran"]\n')
    doc = Doc()
    doc.post("fran", "A secret only the transcript has #Tenants", 6)
    doc.post("ben", "hello #Tenants", 7)
    doc.write(hub.root / "content" / "chats", "leases")
    hub.build()
    assert (hub.site / "chats/leases/archive/index.html").exists()
    published = [p for p in hub.site.rglob("*") if p.is_file()]
    assert not [p for p in published if p.name.endswith((".tweets.json", ".yml"))]
    for path in published:
        if path.suffix in (".html", ".json", ".xml", ".js", ".txt"):
            assert "A secret only the transcript has" not in path.read_text(errors="ignore"), path


def test_a_broken_transcript_fails_the_build_with_its_place(make_hub, caplog):
    hub = make_hub()
    hub.add_chat("leases", MAY)
    (hub.chats / "leases.tweets.json").write_text('{"data": [\n  {"id": "1",}\n]}\n')
    with pytest.raises(Abort):
        hub.build()
    assert re.search(r"chats/leases\.tweets\.json:2:\d+: not valid JSON", caplog.text)
    (hub.chats / "leases.tweets.json").write_text('["not", "a", "document"]')
    with pytest.raises(Abort):
        hub.build()
    assert "chats/leases.tweets.json:1:1: not an X API v2 document" in caplog.text


def test_hidden_people_and_posts_are_absent_from_every_page(make_hub):
    hub = make_hub({"hide": ["@Everywhere_Eve"]})
    hub.add_chat("leases", MAY + 'hide: ["@shy_sam"]\n')
    hub.add_chat("later", MAY.replace("2026-05-14", "2026-05-21"))
    doc = Doc()
    doc.post("HostCo", "Q1 How long a lease would you sign? #Tenants", 5)
    doc.post("Shy_Sam", "A1 Shy answer #Tenants", 6)
    doc.post("Everywhere_Eve", "A1 Eve answer #Tenants", 7)
    doc.post("fran", "A1 Fran answer #Tenants", 8)
    doc.write(hub.chats, "leases")
    later = Doc(doc.start.replace(day=21))
    later.post("Shy_Sam", "Shy is fine here #Tenants", 3)
    later.post("Everywhere_Eve", "Eve again #Tenants", 4)
    later.write(hub.chats, "later")
    hub.build()
    pages = [p for p in hub.site.rglob("*.html")] + [hub.site / "search/search_index.json"]
    for path in pages:
        text = path.read_text()
        assert "Everywhere_Eve" not in text and "Eve answer" not in text and "Eve again" not in text, path
        if "leases" in str(path) or path.name == "search_index.json":
            assert "Shy answer" not in text, path
    assert "Shy is fine here" in (hub.site / "chats/later/archive/index.html").read_text()
    people = hub.html("people/").get_text()
    assert "@Shy_Sam" in people and "@fran" in people


def test_the_real_many_urls_capture_renders_its_link(make_hub):
    hub = make_hub()
    hub.add_chat("leases", MAY)
    page = json.loads((DATA / "twarc-csv" / "many_urls.jsonl").read_text().splitlines()[0])
    page.pop("__twarc", None)
    (hub.chats / "leases.tweets.json").write_text(json.dumps(page))
    hub.build()
    soup = hub.html(ARCHIVE)
    post = soup.find(id="t1610692575752601600")
    link = post.select_one(".chathub-post-text a.chathub-link")
    assert link.get_text() == "uiadrian.gumroad.com/l/web-design-g…"
    assert link["href"] == "https://t.co/C73mC2F5nY"
    assert link["title"].startswith("https://uiadrian.gumroad.com/l/web-design-guide/")
    assert post.select_one(".chathub-post-author")["href"] == "https://x.com/uiuxadrian"
    text = post.select_one(".chathub-post-text").get_text()
    assert text.startswith("P.S. If you're interested") and "🎁 340+ pages" in text
    assert text.endswith("this week only👇\nuiadrian.gumroad.com/l/web-design-g…")


def test_each_transcript_is_analysed_once_per_build_and_reused_when_unchanged(make_hub, monkeypatch):
    import chathub.analysis.community

    calls = []
    real = chathub.analysis.community.analyze
    monkeypatch.setattr(chathub.analysis.community, "analyze",
                        lambda *a, **k: calls.append(a[0].slug) or real(*a, **k))
    tiny = make_hub()
    for slug, day in (("leases", "2026-05-14"), ("april", "2026-04-09")):
        tiny.add_chat(slug, MAY.replace("2026-05-14", day))
        doc = Doc(Doc().start.replace(month=int(day[5:7]), day=int(day[8:])))
        _chat(doc)
        doc.write(tiny.chats, slug)
    tiny.build()
    assert sorted(calls) == ["april", "leases"]  # archive, recap, people and index share them
    tiny.build()
    assert sorted(calls) == ["april", "leases"]  # unchanged: reused
    (tiny.chats / "april.yml").write_text((tiny.chats / "april.yml").read_text() + 'hide: ["@ben"]\n')
    tiny.build()
    assert sorted(calls) == ["april", "april", "leases"]
    assert "@ben" not in tiny.html("chats/april/archive/").get_text()

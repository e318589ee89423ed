"""Nothing injected: chat Markdown's links and images are judged as a browser reads the URL, in
every page, the feed and the calendars built from a chat file."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from chathub.model.markdown import render_markdown
from chathub.model.safe_urls import allowed_url, browser_url, http_url

ATTACKS = [
    "[entity colon](javascript&#58;alert(1))",
    "[entity j](&#106;avascript:alert(1))",
    "![hex colon](javascript&#x3a;alert(1))",
    "[named colon](javascript&colon;alert(1))",
    "[mixed case](JaVaScRiPt:alert(1))",
    "[tab entity](java&#x09;script:alert(1))",
    "[newline entity](java&#10;script:alert(1))",
    "[leading control](\x01javascript:alert(1))",
    "[leading entity space](&#32;javascript:alert(1))",
    "[vbscript](vbscript:msgbox(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[other site](//evil.example/)",
    "[backslashes](/\\evil.example/)",
    "[reference][r]\n\n[r]: javascript&#58;alert(1)",
    "[attr list](https://example.org/){: onmouseover=\"alert(1)\" }",
    "<a href=\"javascript:alert(1)\">raw html</a> <img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
]
KEPT = ["[site](https://example.org/a?b=1&c=2)", "[mail](mailto:team@example.org)", "[page](../people/)",
        "[part](#q1)", "<https://example.org/auto>"]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "xlink:href", "background")


def browser_scheme(value: str) -> str:
    """The scheme a browser would use for an attribute value BeautifulSoup already decoded."""
    url = re.sub(r"[\t\n\r]", "", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08 \t\n\r\f"))
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", url.replace("\\", "/"))
    return match.group(1).lower() if match else ""


def assert_no_injection(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"{name} on <{tag.name}>"
            if name in URL_ATTRIBUTES:
                scheme = browser_scheme(value)
                if scheme == "webcal":  # chathub's own subscription link, made from site_url
                    assert value.endswith("/calendar.ics") and "evil" not in value, value
                    continue
                assert scheme in ("", "http", "https", "mailto"), f"{name}={value!r}"
                if not browser_scheme(value):
                    assert not value.replace("\\", "/").lstrip().startswith("//"), value
        if tag.name in ("script", "iframe", "object", "embed"):  # the theme's own scripts only
            assert "alert(1)" not in tag.get_text() and "evil" not in str(tag.get("src", ""))


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_keeps_no_link_a_browser_would_run(attack):
    soup = BeautifulSoup(str(render_markdown(attack)), "html.parser")
    assert_no_injection(soup)
    assert not soup.find_all("script") and not soup.find_all(attrs={"onmouseover": True})


@pytest.mark.parametrize("good", KEPT)
def test_markdown_keeps_http_mailto_and_links_within_the_site(good):
    soup = BeautifulSoup(str(render_markdown(good)), "html.parser")
    link = soup.find("a")
    assert link is not None and link.get("href")


def test_urls_are_judged_as_a_browser_reads_them():
    assert browser_url(" java&#x09;script&#58;x ") == "javascript:x"
    assert browser_url("/\\evil.example") == "//evil.example"
    for bad in ("javascript&#58;x", "&#x6A;avascript:x", "\x00javascript:x", "java\nscript:x",
                "//evil.example", "\\\\evil.example", "data:text/html,x", "JAVASCRIPT:x"):
        assert not allowed_url(bad), bad
    for good in ("https://example.org", "HTTP://example.org", "mailto:a@b.c", "../x/", "#a", "?q=1"):
        assert allowed_url(good), good
    assert http_url(" https://example.org/x ") == "https://example.org/x"
    assert http_url("\x01https://exa\nmple.org") == "https://example.org"
    for bad in ("../x", "javascript:x", "\x01javascript:x", "ftp://example.org", "", None):
        assert http_url(bad) is None, bad
    long = "/" + "a" * 5000  # longer than what http_url remembers: judged all the same
    assert http_url(f" https://example.org{long}\n") == f"https://example.org{long}"
    assert http_url(f"java\tscript:{long}") is None and http_url(f"https://x.org\x01{long}") is None


URL_PIECES = st.sampled_from(["http", "HTTPS", "h\ttp", "javascript", "ftp", ":", "//", "/",
                                "\\", " ", "\x00", "\x1f", "\x7f", "\x9f", "\xa0", "\n", "\r",
                                "&#58;", "example.org", "é", "?q=1", "#a", "+", "-", "."])


@settings(max_examples=500, deadline=None)
@given(st.lists(URL_PIECES, max_size=8).map("".join))
def test_http_url_is_allowed_url_with_http_alone(value):
    """A link from a network is http(s) exactly when ``allowed_url`` (no character references
    decoded, as in text) lets it through with http(s) as the only schemes, and it has a scheme."""
    allowed = allowed_url(value, ("http", "https"), decode=False) and browser_url(
        value, decode=False).lower().startswith(("http:", "https:"))
    expected = browser_url(value, decode=False) if allowed else None
    found = http_url(value)
    assert (found is None) == (expected is None), value
    if found is not None:  # the URL as written, its backslashes kept (the browser reads them as /)
        assert found.replace("\\", "/") == expected and "\t" not in found
        assert found[0] > " " and found[-1] > " "


def chat_text(about: str) -> str:
    body = "\n".join(f"  {line}" for line in about.splitlines())
    return (
        'title: "Leases"\nhashtag: "#Tenants"\nstart: 2026-05-09 13:00\ntimezone: America/New_York\n'
        'host: "@HostCo"\nguests:\n  - handle: "@guest_two"\n    name: Guest\n    bio: "<b>bio</b> '
        'javascript:alert(1)"\n    url: https://example.org/g\nquestions: ["One?"]\n'
        f"about: |\n{body}\nfollowup: |\n{body}\nsummary: |\n{body}\n"
    )


def transcript() -> dict:
    post = {"id": "1788000000000000001", "text": "A1 fine #Tenants", "author_id": "11",
            "created_at": "2026-05-09T17:10:00.000Z", "conversation_id": "1788000000000000001"}
    return {"data": [post], "includes": {"users": [{"id": "11", "username": "fan", "name": "Fan"}]},
            "meta": {}}


def test_every_page_feed_and_calendar_of_a_hostile_chat_is_clean(make_hub):
    hub = make_hub(site={"site_url": "https://hub.example/"})
    text = "\n\n".join([a for a in ATTACKS if a.isprintable() or "\n" in a] + KEPT)  # no raw controls
    hub.add_chat("tenants-2026-05-09", chat_text(text))
    (hub.chats / "tenants-2026-05-09.tweets.json").write_text(json.dumps(transcript()))
    site = hub.build()
    pages = [p for p in site.rglob("*.html")]
    assert (site / "chats/tenants-2026-05-09/recap/index.html").exists()
    for page in pages:
        assert_no_injection(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))
    announcement = hub.html("chats/tenants-2026-05-09/")
    hrefs = {a.get("href") for a in announcement.select("article a, .md-content a") if a.get("href")}
    assert "https://example.org/a?b=1&c=2" in hrefs and "mailto:team@example.org" in hrefs
    assert "alert(1)" not in " ".join(hrefs)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries
    for item in ElementTree.fromstring((site / "feed.xml").read_bytes()).iter("item"):
        markup = item.findtext("description") or ""  # the HTML a feed reader renders
        soup = BeautifulSoup(markup, "html.parser")
        assert_no_injection(soup)
        assert not soup.find_all(["a", "img", "script"])
    for name in ("calendar.ics", "chats/tenants-2026-05-09.ics"):
        calendar = icalendar.Calendar.from_ical((site / name).read_bytes())
        for event in calendar.walk("VEVENT"):
            assert str(event["url"]).startswith("https://hub.example/")


def stock_and_linear(text: str) -> tuple[str, str]:
    """Markdown's own output for ``text``, with its link processors as shipped and as chathub
    makes them linear."""
    import markdown as md_lib

    from chathub.model.markdown import EXTENSIONS, LINK_PROCESSORS, _linear

    stock = md_lib.Markdown(extensions=EXTENSIONS)
    linear = md_lib.Markdown(extensions=EXTENSIONS)
    for name in LINK_PROCESSORS:
        processor = linear.inlinePatterns[name]
        processor.__class__ = _linear(type(processor))
    return stock.convert(text), linear.convert(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="[]()!ab <>\"':/x\\`\n", max_size=60))
def test_linear_link_parsing_gives_markdowns_own_result(text):
    stock, linear = stock_and_linear(text + "\n\n[a]: https://example.org/a \"t\"\n[b]: /b\n")
    assert stock == linear


"""The archive's filter box, used as a reader would, and the recap's print view.

Contract (issue 5): ``chats/<slug>/archive/`` has a filter box, ``input[type=search]`` inside the
page's article, that works without third-party scripts. Every post is an element of the article
with ``id="t<post id>"``; replies may sit inside the post they answer. Typing a handle or a word
keeps visible the posts whose own text holds it (case aside) and hides the others; a post may
stay visible to give context to a matching reply inside it. Emptying the box shows every post.

``chats/<slug>/recap/`` prints cleanly: in print media, Material's header, tabs, sidebars and
footer are hidden, while the article, its headline figures (the word "participants" among them)
and its charts (inline ``<svg>`` at least 200px wide on screen) are visible. These tests skip
while the pages are not built.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import url_of

pytestmark = pytest.mark.browser

FILTER = "article input[type=search]"

# Each post of the article: its id, its own text (without the posts nested in it), whether it
# shows, and whether it holds a visible post (a reply kept in view).
POSTS = """() => {
  const isPost = el => /^t\\d+$/.test(el.id);
  const posts = [...document.querySelectorAll("article [id^=t]")].filter(isPost);
  const shows = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  return posts.map(el => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll("[id^=t]").forEach(inner => { if (isPost(inner)) inner.remove(); });
    const nested = [...el.querySelectorAll("[id^=t]")].filter(isPost);
    return {id: el.id, text: copy.textContent, visible: shows(el),
            holdsVisible: nested.some(shows)};
  });
}"""


def _posts(page) -> list[dict]:
    return page.evaluate(POSTS)


def _pick_queries(posts: list[dict]) -> list[str]:
    """A handle and a word that some posts hold and others do not (the rarest ones)."""
    def rarest(pattern: str) -> str | None:
        counts = Counter()
        for post in posts:
            counts.update({m.lower() for m in re.findall(pattern, post["text"])})
        partial = [(n, term) for term, n in counts.items() if 0 < n < len(posts)]
        return min(partial)[1] if partial else None

    # A lower-case word, not part of a name, a link or a tag: what a post's text says.
    queries = [rarest(r"@\w{2,15}"), rarest(r"(?<![@#\w./])[a-z]{6,}(?![\w./])")]
    return [q for q in queries if q]


def _check_filtered(posts: list[dict], query: str) -> list[str]:
    problems = []
    for post in posts:
        matches = query.lower() in post["text"].lower()
        if matches and not post["visible"]:
            problems.append(f"{post['id']} holds {query!r} but is hidden")
        if not matches and post["visible"] and not post["holdsVisible"]:
            problems.append(f"{post['id']} does not hold {query!r} but shows")
    return problems


@pytest.fixture
def archive(visit, page_kinds):
    return visit(url_of(page_kinds, "archive"))


def test_archive_filter_keeps_only_matching_posts(archive):
    page = archive.page
    box = page.locator(FILTER)
    assert box.count() == 1, "the archive needs one filter box (input type=search) in its article"
    posts = _posts(page)
    assert len(posts) > 1 and all(p["visible"] for p in posts)
    queries = _pick_queries(posts)
    assert queries, "no handle or word to filter by"
    for query in queries:
        _clear(box)
        box.press_sequentially(query)
        # The filter may wait for typing to pause: poll until it hides posts, then judge.
        try:
            page.wait_for_function(f"() => ({POSTS})().some(p => !p.visible)")
        except PlaywrightTimeout:
            pytest.fail(f"typing {query!r} in the filter box hid no post")
        filtered = _posts(page)
        assert _check_filtered(filtered, query) == [], query
        assert any(p["visible"] for p in filtered)
    _clear(box)
    try:
        page.wait_for_function(f"() => ({POSTS})().every(p => p.visible)")
    except PlaywrightTimeout:
        pytest.fail("emptying the filter box did not show every post again")
    assert archive.console_errors == []


def _clear(box) -> None:
    """Empty the box with the keyboard, as a reader would."""
    box.click()
    box.press("Control+A")
    box.press("Backspace")


@pytest.fixture
def recap(visit, page_kinds):
    return visit(url_of(page_kinds, "recap"))


def test_recap_prints_without_the_site_frame(recap, tmp_path):
    page = recap.page
    charts = page.locator("article svg")  # charts are wide; icons and logos are not
    on_screen = [i for i in range(charts.count())
                 if charts.nth(i).is_visible() and charts.nth(i).bounding_box()["width"] >= 200]
    page.emulate_media(media="print")
    for frame in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        hidden = page.locator(frame)
        assert all(not hidden.nth(i).is_visible() for i in range(hidden.count())), f"{frame} prints"
    article = page.locator("article").first
    assert article.is_visible()
    assert "participants" in article.inner_text().lower()
    assert on_screen, "the recap has no chart (inline SVG)"
    assert all(charts.nth(i).is_visible() for i in on_screen), "a chart is hidden in print"
    pdf = page.pdf(format="A4")  # headless Chromium only
    assert pdf.startswith(b"%PDF")
    assert recap.console_errors == []

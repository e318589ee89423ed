"""The archive's filter box, used as a reader would, and the recap's print view.

Contract (issue 5): ``chats/<slug>/archive/`` has a filter box, ``input[type=search]`` inside the
page's article, that works without third-party scripts. Every post is an element of the article
with ``id="t<post id>"`` and ``data-author="@handle Display Name"``; its text is in its (first)
``.chathub-post-text``. Typing ``@handle`` keeps the posts by that person; typing a word keeps
the posts whose text or author holds it (case aside). The other posts are hidden, except a post
kept in view because a matching reply sits under it: inside it, or later and deeper inside the
post's parent (``li > article#t1 + ol > li > article#t2``). Emptying the box shows every post.

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

# The posts of the article, as the filter contract sees them.
POSTS = """() => {
  const isPost = el => /^t\\d+$/.test(el.id);
  return [...document.querySelectorAll("article [id^=t]")].filter(isPost).map(el => {
    const own = el.cloneNode(true);
    own.querySelectorAll("[id^=t]").forEach(inner => { if (isPost(inner)) inner.remove(); });
    const text = own.querySelector(".chathub-post-text") || own;
    return {el, id: el.id, author: el.getAttribute("data-author") || "", text: text.textContent,
            visible: el.checkVisibility({visibilityProperty: true, opacityProperty: true})};
  });
}"""

# What is wrong with the posts shown for a query ("" when the box is empty).
PROBLEMS = f"""(query) => {{
  const posts = ({POSTS})(), q = query.toLowerCase();
  const depth = el => {{ let n = 0; for (; el; el = el.parentElement) n++; return n; }};
  const under = (p, r) => p.el.contains(r.el) || (p.el.parentElement.contains(r.el)
    && depth(r.el) > depth(p.el) && (p.el.compareDocumentPosition(r.el) & Node.DOCUMENT_POSITION_FOLLOWING));
  const matches = p => !q || (q.startsWith("@") ? p.author.toLowerCase().includes(q)
    : (p.author + " " + p.text).toLowerCase().includes(q));
  const problems = [];
  for (const p of posts) {{
    if (matches(p) && !p.visible) problems.push(`${{p.id}} matches ${{JSON.stringify(query)}} but is hidden`);
    if (!matches(p) && p.visible && !posts.some(r => r !== p && matches(r) && r.visible && under(p, r)))
      problems.push(`${{p.id}} does not match ${{JSON.stringify(query)}} but shows`);
  }}
  return problems;
}}"""


def _pick_queries(posts: list[dict]) -> list[str]:
    """A handle and a word that some posts match and others do not (the rarest ones)."""
    def rarest(counts: Counter) -> str | None:
        partial = [(n, term) for term, n in counts.items() if 0 < n < len(posts)]
        return min(partial)[1] if partial else None

    authors = Counter(p["author"].split()[0].lower() for p in posts if p["author"].startswith("@"))
    words = Counter()
    for post in posts:
        # A lower-case word of the text, not part of a name, a link or a tag.
        candidates = set(re.findall(r"(?<![@#\w./])[a-z]{6,}(?![\w./])", post["text"]))
        words.update({w for w in candidates if w in f"{post['author']} {post['text']}".lower()})
    # Count every post a word matches, not only those it was found in.
    words = Counter({w: sum(w in f"{p['author']} {p['text']}".lower() for p in posts) for w in words})
    return [q for q in (rarest(authors), rarest(words)) if q]


def _settle(page, query: str) -> None:
    """Wait until the posts shown are right for the query (the filter may wait for a pause)."""
    try:
        page.wait_for_function(f"(query) => ({PROBLEMS})(query).length === 0", arg=query)
    except PlaywrightTimeout:
        problems = page.evaluate(PROBLEMS, query)
        pytest.fail(f"filtering by {query!r}: {problems[:5]} ({len(problems)} problems)")


def _clear(box) -> None:
    """Empty the box with the keyboard, as a reader would."""
    box.click()
    box.press("Control+A")
    box.press("Backspace")


@pytest.fixture
def archive(visit, page_kinds):
    return visit(url_of(page_kinds, "archive"))


def test_archive_filter_keeps_only_matching_posts(archive):
    page = archive.page
    box = page.locator(FILTER)
    assert box.count() == 1, "the archive needs one filter box (input type=search) in its article"
    posts = page.evaluate(f"() => ({POSTS})().map(({{el, ...rest}}) => rest)")
    assert len(posts) > 1 and all(p["visible"] for p in posts)
    assert all(p["author"].startswith("@") for p in posts), "every post needs data-author"
    queries = _pick_queries(posts)
    assert len(queries) == 2, f"no handle or word to filter by: {queries}"
    for query in queries:
        _clear(box)
        _settle(page, "")
        box.press_sequentially(query)
        _settle(page, query)
        assert page.evaluate(f"() => ({POSTS})().some(p => !p.visible)"), query
    _clear(box)
    _settle(page, "")
    assert archive.console_errors == []


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

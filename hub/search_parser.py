"""Material's search sections of a page, made quicker for the HTML chathub's templates write.

Material's ``Parser`` is an ``html.parser.HTMLParser``: its scanning of tags and attributes, in
Python, and its handlers (which look through every open element at each tag and each text) are
most of the time search takes over a recap. chathub's own HTML is regular (every attribute
quoted or a plain word, text escaped), so one regular expression finds its tags, and
``_Sections`` makes Material's sections of them, by the same rules as Material's handlers
(elements compare by their tag name there, so counts of open tags answer what they ask of the
open elements). HTML outside that shape (a comment's lookalike, a raw ``<``, ``<script>``, a
doctype, an attribute ``HTMLParser`` would read another way) is handed to Material's parser
whole, so the result is always what Material's parser makes of the page; a property test
compares the two.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

# A start tag whose attributes HTMLParser reads the same way: names, then "…", '…' or a plain
# value followed by a space or the tag's end; an end tag; a comment.
# A comment holds no "--", ">" or "!" (where Python versions end comments differently).
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*"
_SPACE = r"[ \t\n\r\f]"
_ATTR = rf"""[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<]*"|='[^'<]*'|=[^ \t\n\r\f"'=<>`/]+(?={_SPACE}|>))?"""
_TOKEN = re.compile(rf"<(?:({_NAME})((?:{_SPACE}+{_ATTR})*){_SPACE}*(/?)>|/({_NAME}){_SPACE}*>"
                    r"|!--(?:[^\->!]|-(?!-))*-->)")
_ATTRS = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=(?:"([^"<]*)"|'([^'<]*)'|([^ \t\n\r\f"'=<>`/]+)))?""")
# Elements whose content HTMLParser reads as raw text: script and style, and in newer Pythons
# more, some with character references decoded (textarea, title). Their content is read the
# same way as any text when it holds no "<" (nor "&", where references are left as they are).
_RAW = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"})
_ESCAPABLE_RAW = frozenset({"textarea", "title"})


# The attributes Material's handlers read, besides a heading's: a start tag without any of these
# words (in any case) has none that matter, and its attributes are not parsed.
_READ = re.compile(r"data-search-exclude|linenodiv|headerlink", re.IGNORECASE)


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for match in _ATTRS.finditer(text):
        name, double, single, plain = match.groups()
        value = double if double is not None else single if single is not None else plain
        if value is not None and "&" in value:
            value = unescape(value)
        found.append((name.lower(), value))
    return found


def _tokens(html: str) -> list[tuple[int, Any, Any]] | None:
    """The page as (kind, …) tokens: 0 text, 1 start tag (with its attributes where search reads
    them), 2 end tag; None when some of it is not in the shape this tokenizer reads exactly as
    HTMLParser does."""
    tokens: list[tuple[int, Any, Any]] = []
    position = 0
    raw = ""  # the raw-text element just opened: only its text and its end tag may follow
    for match in _TOKEN.finditer(html):
        start = match.start()
        tag, attrs, closed, end = match.groups()
        if start > position:
            text = html[position:start]
            if "<" in text or (raw in _RAW and "&" in text):
                return None
            tokens.append((0, unescape(text) if "&" in text else text, None))
        position = match.end()
        if raw and (end is None or end.lower() != raw):
            return None
        raw = ""
        if tag is not None:
            tag = tag.lower()
            read = attrs and (tag in _HEADINGS or _READ.search(attrs) is not None)
            tokens.append((1, tag, _attributes(attrs) if read else []))
            if closed:
                tokens.append((2, tag, None))
            elif tag in _RAW or tag in _ESCAPABLE_RAW:
                raw = tag
        elif end is not None:
            tokens.append((2, end.lower(), None))
    if raw:
        return None
    rest = html[position:]
    if "<" in rest:
        return None
    if rest:
        tokens.append((0, unescape(rest) if "&" in rest else rest, None))
    return tokens


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})  # Material's Parser.keep
_ALWAYS_SKIPPED = ("script", "style", "object")


class _Sections:
    """Material's ``Parser`` handlers over chathub's tokens, with the same results.

    Material keeps the open elements in a list and asks it, at each tag and text, whether one of
    them is skipped, is a ``<pre>``, is the section's heading (all by tag name, as its elements
    compare) or a permalink; here a count of open elements by tag answers each in one step."""

    def __init__(self) -> None:
        from material.plugins.search.plugin import Element, Section, void

        self.Element, self.Section, self.void = Element, Section, void
        self.context: list[str] = []  # open elements' tags
        self.open: dict[str, int] = {}  # how many of each tag are open
        self.permalinks: list[bool] = []  # whether each open element is a permalink (a.headerlink)
        self.permalinks_open = 0
        self.skip = set(_ALWAYS_SKIPPED)  # tags skipped (Material's skip set, compared by tag)
        self.section: Any = None
        self.data: list[Any] = []

    def _skipping(self) -> bool:
        return any(map(self.open.get, self.skip))

    def _target(self) -> list[str]:
        section = self.section
        return section.title if self.open.get(section.el.tag) else section.text

    def _top_section(self) -> None:
        if not self.section:
            self.section = self.Section(self.Element("hx"))
            self.data.append(self.section)

    def start(self, tag: str, pairs: list[tuple[str, str | None]]) -> None:
        if tag in self.void:
            return
        attrs = dict(pairs)
        self.context.append(tag)
        self.open[tag] = self.open.get(tag, 0) + 1
        permalink = tag == "a" and attrs.get("class") == "headerlink"
        self.permalinks.append(permalink)
        self.permalinks_open += permalink
        if tag in _HEADINGS and "id" in attrs:
            depth = len(self.context)
            if tag != "h1" and not self.data:
                self.section = self.Section(self.Element("hx"), depth)
                self.data.append(self.section)
            self.section = self.Section(self.Element(tag, attrs), depth)
            if self.data:
                self.section.id = attrs["id"]
            self.data.append(self.section)
        self._top_section()
        if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
            self.skip.add(tag)
            return
        if tag in _KEEP and not self._skipping():
            self._target().append(f"<{tag}>")

    def end(self, tag: str) -> None:
        context = self.context
        if not context or context[-1] != tag:
            return
        if self.section.depth > len(context):
            for section in reversed(self.data):
                if section.depth <= len(context):
                    self.section.depth = float("inf")
                    self.section = section
                    break
        context.pop()
        self.open[tag] -= 1
        self.permalinks_open -= self.permalinks.pop()
        if tag in self.skip:
            if tag not in _ALWAYS_SKIPPED:
                self.skip.remove(tag)
            return
        if tag in _KEEP and not self._skipping():
            data = self._target()
            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                del data[index:]
            else:
                data.append(f"</{tag}>")

    def text(self, data: str) -> None:
        if self._skipping():
            return
        in_pre = bool(self.open.get("pre"))
        if not in_pre:
            data = " " if data.isspace() else data.replace("\n", " ")
        self._top_section()
        section = self.section
        if self.open.get(section.el.tag):
            if not self.permalinks_open:
                section.title.append(escape(data, quote=False))
        elif data.isspace():
            if not section.text or not section.text[-1].isspace() or in_pre:
                section.text.append(data)
        else:
            section.text.append(escape(data, quote=False))


def parse_sections(html: str) -> list[Any]:
    """Material's search sections of ``html``, as its ``Parser`` makes them."""
    tokens = _tokens(html)
    if tokens is None:
        from material.plugins.search.plugin import Parser

        parser = Parser()
        parser.feed(html)
        parser.close()
        return parser.data
    sections = _Sections()
    start, end, text = sections.start, sections.end, sections.text
    for kind, value, attrs in tokens:
        if kind == 0:
            text(value)
        elif kind == 1:
            start(value, attrs)
        else:
            end(value)
    return sections.data

"""Material's search parser, fed by a quicker tokenizer for the HTML chathub's templates write.

Material's ``Parser`` is an ``html.parser.HTMLParser``: its scanning of tags and attributes, in
Python, is most of the time search takes over a recap. chathub's own HTML is regular (every
attribute quoted or a plain word, text escaped), so one regular expression finds its tags;
Material's own ``handle_starttag``, ``handle_endtag`` and ``handle_data`` then make the
sections, exactly as they would. HTML outside that shape (a comment's lookalike, a raw ``<``,
``<script>``, a doctype, an attribute ``HTMLParser`` would read another way) is handed to
``HTMLParser`` whole, so the result is always what Material's parser makes of the page.
"""

from __future__ import annotations

import re
from html import unescape
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
    """The page as (kind, …) tokens: 0 text, 1 start tag, 2 end tag; None when some of it is not
    in the shape this tokenizer reads exactly as HTMLParser does."""
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
            tokens.append((1, tag, _attributes(attrs) if attrs else []))
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


def parse_sections(html: str) -> list[Any]:
    """Material's search sections of ``html``, as its ``Parser`` makes them."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    tokens = _tokens(html)
    if tokens is None:
        parser.feed(html)
        parser.close()
        return parser.data
    start, end, data = parser.handle_starttag, parser.handle_endtag, parser.handle_data
    for kind, value, attrs in tokens:
        if kind == 0:
            data(value)
        elif kind == 1:
            start(value, attrs)
        else:
            end(value)
    return parser.data

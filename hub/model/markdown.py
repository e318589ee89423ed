"""The hub editors' Markdown (about, followup, summary, bios): safe HTML, or plain text.

Raw HTML is escaped, not passed through. The HTML Markdown makes is then sanitised as a browser
will read it (nh3, the Ammonia sanitiser): only the elements and attributes Markdown writes
survive, and a link or image only when its URL, with character references decoded and spaces and
control characters dropped, is http(s), mailto or within the site (``safe_urls``).
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .safe_urls import LINK_SCHEMES, allowed_url

# Markdown's "extra" without attr_list (it sets any attribute, onclick included) and md_in_html.
EXTENSIONS = ["abbr", "def_list", "fenced_code", "footnotes", "tables", "sane_lists"]
TAGS = {"a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul"}
ATTRIBUTES = {"a": {"href", "title", "id", "class"}, "img": {"src", "alt", "title"}, "abbr": {"title"},
              "li": {"id"}, "sup": {"id"}, "div": {"class"}, "td": {"style"}, "th": {"style"},
              "code": {"class"}, "ol": {"start"}}
URL_ATTRIBUTES = ("href", "src")
_PLACEHOLDER = re.compile("\x02(\\d+)\x03")  # Markdown's stand-in for a backslash-escaped character


def _markdown_value(value: str) -> str:
    """An attribute as Markdown holds it while it works: its placeholders put back."""
    value = value.replace(markdown.util.AMP_SUBSTITUTE, "&")
    return _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), value)


class _SafeLinks(Treeprocessor):
    """Drops links' and images' URLs that a browser would read as another scheme."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            for attribute in URL_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None and not allowed_url(_markdown_value(value)):
                    del element.attrib[attribute]


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES and not allowed_url(value):
        return None
    return value


_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_keep_attribute,
                       url_schemes=set(LINK_SCHEMES), link_rel=None, strip_comments=True,
                       filter_style_properties={"text-align"})


# Python-Markdown finds a link's closing bracket by scanning on from every "[", so text with many
# unclosed brackets took minutes (20,000 of them: two). The same matches, found in one pass.
LINK_PROCESSORS = ("reference", "link", "image_link", "image_reference", "short_reference",
                   "short_image_ref")
MAX_LINK_TARGET = 1_000  # characters of a link's "(url "title")" part


@lru_cache(maxsize=8)
def _closing_brackets(data: str) -> dict[int, int]:
    """For each "[" of ``data`` (a position), the position of its "]", counted as Markdown does."""
    matches: dict[int, int] = {}
    opened: list[int] = []
    for position, char in enumerate(data):
        if char == "[":
            opened.append(position)
        elif char == "]" and opened:
            matches[opened.pop()] = position
    return matches


class _LinearBrackets:
    """Mixed into Markdown's link processors: ``getText`` in constant time, ``getLink`` over a
    bounded stretch of text. Their results are Markdown's own."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        close = _closing_brackets(data).get(index - 1)
        if close is None:
            return "", index, False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        return super().getLink(data[: index + MAX_LINK_TARGET], index)  # type: ignore[misc]


@cache
def _linear(cls: type) -> type:
    return type(f"Linear{cls.__name__}", (_LinearBrackets, cls), {})


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown written by the hub's editors: raw HTML is escaped, and links are http(s),
    mailto or relative only, as a browser reads them. Rendered once per text (a chat's about
    and follow-up show on several pages, and again at every serve rebuild)."""
    md = markdown.Markdown(extensions=EXTENSIONS)
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "chathub_safe_links", -10)  # after "unescape"
    for name in LINK_PROCESSORS:
        if name in md.inlinePatterns:
            processor = md.inlinePatterns[name]
            processor.__class__ = _linear(type(processor))
    return Markup(_CLEANER.clean(md.convert(text)))


@lru_cache(maxsize=1024)
def plain_text(markdown_text: str) -> str:
    """Markdown as plain text (for posts and feeds): links and emphasis dropped, paragraphs
    joined."""
    rendered = str(render_markdown(markdown_text))
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    return re.sub(r"\s+", " ", text).strip()


_BLOCK_START = re.compile(r"^\s{0,3}([-*+]\s|\d+[.)]\s|#|>|\||```|~~~)")


def unwrap_paragraphs(markdown_text: str) -> str:
    """Markdown with each paragraph and list item on one line (blog editors keep line breaks,
    so a chat file's wrapped lines would break sentences). Headings, quotes, tables, code
    blocks, indented lines and the blank lines between blocks stay as they are."""
    out: list[str] = []
    fenced = False
    joinable = False  # whether the last line of ``out`` can take the next line
    for line in markdown_text.strip("\n").splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
            joinable = False
            continue
        if fenced or not stripped or (line.startswith(("    ", "\t")) and not joinable):
            out.append(line if fenced else line.rstrip())
            joinable = False
            continue
        hard_break = line.endswith("  ")  # Markdown's line break: the next line stays apart
        text = stripped + ("  " if hard_break else "")
        if joinable and _BLOCK_START.match(line) is None:
            out[-1] = out[-1] + " " + text
        else:
            out.append(line.rstrip() + ("  " if hard_break else ""))
        joinable = not hard_break and not stripped.startswith(("#", "|", ">"))
    return "\n".join(out)


# Markdown handed on (the kit's blog post) is rendered by someone else's engine, which may pass
# raw HTML and any link through: its unsafe parts are made inert there, the rest kept as written.
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_LINK_TARGET = re.compile(r"(\]\(\s*)(<[^<>\n]*>|(?:[^\s()<>]|\([^\s()]*\))+)")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*<?)(\S*?)(>?(?:[ \t]|$))", re.MULTILINE)
_ANGLE = re.compile(r"(?<!\]\()<(?=[A-Za-z/!?])([^<>\s]*)(>?)")
_AUTOLINK = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def _inert_target(match: re.Match[str]) -> str:
    target = match.group(2)
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    if not target or allowed_url(_markdown_unescaped(target)):
        return match.group(0)
    return match.group(1) + "#" + (match.group(3) if match.lastindex == 3 else "")


def _markdown_unescaped(target: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", target)  # Markdown's backslash escapes


def _inert_angle(match: re.Match[str]) -> str:
    inner, closed = match.group(1), match.group(2)
    if closed and _AUTOLINK.fullmatch(inner) and (
            ("@" in inner and ":" not in inner) or allowed_url(inner, decode=False)):
        return match.group(0)
    return "&lt;" + inner + closed


def _inert_text(text: str) -> str:
    text = _REFERENCE.sub(_inert_target, text)
    text = _LINK_TARGET.sub(_inert_target, text)
    return _ANGLE.sub(_inert_angle, text)


def safe_markdown(markdown_text: str) -> str:
    """Markdown for another site's engine: raw HTML tags written as text (``&lt;``), and links,
    images and autolinks whose URL a browser would read as other than http(s), mailto or
    relative pointed at ``#``. Code (fenced blocks and spans) is left as it is."""
    out: list[str] = []
    fenced = False
    block: list[str] = []
    for line in markdown_text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            if block:
                out.append(_inert_spans("\n".join(block)))
            block = []
            fenced = not fenced
            out.append(line)
        elif fenced:
            out.append(line)
        else:
            block.append(line)
    if block:
        out.append(_inert_spans("\n".join(block)))
    return "\n".join(out)


def _inert_spans(text: str) -> str:
    """``_inert_text`` on everything but code spans."""
    parts: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        parts += [_inert_text(text[last:match.start()]), match.group(0)]
        last = match.end()
    parts.append(_inert_text(text[last:]))
    return "".join(parts)

"""The hub editors' Markdown (about, followup, summary, bios): safe HTML, or plain text."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup


class _SafeLinks(Treeprocessor):
    """Drops links and images whose URL has a scheme other than http(s) or mailto."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not _allowed_url(value):
                    del element.attrib[attribute]


def _allowed_url(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ("", "http", "https", "mailto") and not url.strip().startswith("//")


def render_markdown(text: str) -> Markup:
    """Markdown written by the hub's editors: raw HTML is escaped, and links are http(s),
    mailto or relative only."""
    md = markdown.Markdown(extensions=["extra", "sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "chathub_safe_links", 0)
    return Markup(md.convert(text))


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

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

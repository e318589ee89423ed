"""URLs judged as a browser reads them, before any becomes a link or an image.

A browser decodes character references in an attribute (``&#106;avascript&#58;``), drops leading
and trailing spaces and control characters, removes tabs and line breaks anywhere, treats ``\\``
like ``/`` and schemes in any case. ``browser_url`` does the same, and ``allowed_url`` then lets
through only http(s), mailto and links within the site.
"""

from __future__ import annotations

import html
import re

LINK_SCHEMES = ("http", "https", "mailto")
_STRIPPED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_REMOVED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def browser_url(value: str, decode: bool = True) -> str:
    """``value`` as a browser's URL parser sees it (``decode``: character references too, as
    in an HTML attribute)."""
    text = html.unescape(value) if decode else value
    text = _REMOVED.sub("", _STRIPPED.sub("", text))
    return text.replace("\\", "/")


def url_scheme(value: str, decode: bool = True) -> str:
    """The scheme a browser would use for ``value`` (lowercase), or empty for a relative URL."""
    match = _SCHEME.match(browser_url(value, decode))
    return match.group(1).lower() if match else ""


def allowed_url(value: str, schemes: tuple[str, ...] = LINK_SCHEMES, decode: bool = True) -> bool:
    """True for a URL with one of ``schemes``, or a link within the site (a path, a query or a
    fragment); never ``//host`` (another site), whatever the slashes."""
    url = browser_url(value, decode)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in url):
        return False
    scheme = url_scheme(value, decode)
    if scheme:
        return scheme in schemes
    return not url.startswith("//")


def http_url(value: str | None) -> str | None:
    """``value``, as a browser reads it (spaces and controls around it, tabs and line breaks
    in it, dropped), when that is an http(s) URL, else None: for untrusted URLs that become links
    or images. Text in a template is escaped, so character references stay text there and are
    not decoded here."""
    if not value or url_scheme(value, decode=False) not in ("http", "https"):
        return None
    if not allowed_url(value, ("http", "https"), decode=False):
        return None
    return _REMOVED.sub("", _STRIPPED.sub("", value))

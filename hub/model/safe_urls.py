"""URLs judged as a browser reads them, before any becomes a link or an image.

A browser decodes character references in an attribute (``&#106;avascript&#58;``), drops leading
and trailing spaces and control characters, removes tabs and line breaks anywhere, treats ``\\``
like ``/`` and schemes in any case. ``browser_url`` does the same, and ``allowed_url`` then lets
through only http(s), mailto and links within the site.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

LINK_SCHEMES = ("http", "https", "mailto")
_STRIPPED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_REMOVED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REMEMBERED_LENGTH = 2048  # http_url remembers what it judged of URLs up to this length


def _trimmed(text: str) -> str:
    """``text`` without the spaces and controls around it, and the tabs and line breaks in it."""
    return _REMOVED.sub("", _STRIPPED.sub("", text))


def browser_url(value: str, decode: bool = True) -> str:
    """``value`` as a browser's URL parser sees it (``decode``: character references too, as
    in an HTML attribute)."""
    return _trimmed(html.unescape(value) if decode else value).replace("\\", "/")


def url_scheme(value: str, decode: bool = True) -> str:
    """The scheme a browser would use for ``value`` (lowercase), or empty for a relative URL."""
    match = _SCHEME.match(browser_url(value, decode))
    return match.group(1).lower() if match else ""


def allowed_url(value: str, schemes: tuple[str, ...] = LINK_SCHEMES, decode: bool = True) -> bool:
    """True for a URL with one of ``schemes``, or a link within the site (a path, a query or a
    fragment); never ``//host`` (another site), whatever the slashes."""
    url = browser_url(value, decode)
    if _CONTROL.search(url):
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
    if not value:
        return None
    return _remembered_http_url(value) if len(value) <= _REMEMBERED_LENGTH else _http_url(value)


def _http_url(value: str) -> str | None:
    """``allowed_url`` with http(s) alone and no decoding, in one pass (a backslash, which a
    browser reads as ``/``, cannot be part of a scheme)."""
    url = _trimmed(value)
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in ("http", "https") or _CONTROL.search(url):
        return None
    return url


# The same profile, post and search URLs recur on every page: the last 4,096 judged are
# remembered, those of a usual length only, so that what is kept stays small whatever a network sends.
_remembered_http_url = lru_cache(maxsize=4096)(_http_url)

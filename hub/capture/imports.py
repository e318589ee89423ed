"""Which network a file to import comes from, by its shape, and the posts of Bluesky and
Mastodon files (X's formats are ``chathub.capture.x.imports``).

Bluesky: a ``searchPosts`` (or ``getPosts``) response ``{"posts": [...], "cursor": ...}``, a
``getPostThread`` response ``{"thread": ...}``, or a JSON list or JSON Lines of them. Mastodon: a
list of statuses (a timeline response), a ``status_context`` response ``{"ancestors": [...],
"descendants": [...]}``, or JSON Lines of them. A file that cannot be read raises
``ImportFileError`` naming the file and the line.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..transcripts.checks import PostProblem
from .bluesky.document import response_posts
from .bluesky.schema import view_problems
from .mastodon.document import response_statuses, tag_status
from .mastodon.schema import status_problems
from .x.imports import ImportFileError, loads_checked

MAX_LINES = 1_000_000


def _text(path: Path, name: str) -> str:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{name}: no such file") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"{name}:{line}: not UTF-8 text") from None
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot read it: {exc.strerror or exc}") from None
    if not text.strip():
        raise ImportFileError(f"{name}:1: the file is empty")
    return text


def values(path: Path, name: str) -> Iterator[tuple[int, Any]]:
    """The JSON values of a file, with their line: one document, or one per line (JSON Lines)."""
    text = _text(path, name)
    try:  # NaN, values nested absurdly deep, numbers of thousands of digits: an ImportFileError
        yield 1, loads_checked(text, name, 1)
        return
    except json.JSONDecodeError as whole:
        lines = text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        try:
            loads_checked(lines[first], name, first + 1)
        except json.JSONDecodeError:
            raise ImportFileError(f"{name}:{whole.lineno}: not valid JSON: {whole.msg}") from None
    for number, line in enumerate(text.splitlines()[:MAX_LINES], start=1):
        if not line.strip():
            continue
        try:
            yield number, loads_checked(line, name, number)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{name}:{number}: not valid JSON: {exc.msg}") from None


def _network_of(value: Any) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and response_statuses(
            value) is not None:
        return "mastodon"
    if isinstance(value, list):
        found = {_network_of(v) for v in value[:20]} - {None}
        return found.pop() if len(found) == 1 else None
    if response_posts(value) is not None and not (isinstance(value, dict) and "data" in value):
        return "bluesky"
    if response_statuses(value) is not None:
        return "mastodon"
    return None


def detect(path: Path, name: str) -> str:
    """``bluesky`` or ``mastodon`` when the file is in one of their shapes, else ``x`` (CSV too)."""
    if path.suffix.lower() == ".csv":
        return "x"
    text = _text(path, name)
    if text.lstrip()[:1] not in ("{", "["):
        return "x"
    for _, value in values(path, name):
        if value == []:  # an empty page (a timeline paged past its end) says nothing yet
            continue
        return _network_of(value) or "x"
    return "x"


def bluesky_posts(path: Path, name: str) -> list[dict[str, Any]]:
    """Every post view of a Bluesky file."""
    found: list[dict[str, Any]] = []
    for line, value in values(path, name):
        for item in value if isinstance(value, list) else [value]:
            posts = response_posts(item)
            if posts is None:
                raise ImportFileError(f"{name}:{line}: not a Bluesky searchPosts or getPostThread "
                                      "response, or a post view")
            _refuse_wrong_shapes(posts, view_problems, name, line)
            found.extend(posts)
    if not found:
        raise ImportFileError(f"{name}:1: no posts in it")
    return found


def mastodon_statuses(path: Path, name: str, default_server: str) -> list[dict[str, Any]]:
    """Every status of a Mastodon file, tagged with the server it was read from: the server of
    its local accounts (whose ``acct`` has no ``@``), else ``default_server``."""
    found: list[dict[str, Any]] = []
    for line, value in values(path, name):
        if value == []:  # an empty timeline page: nothing on it
            continue
        statuses = response_statuses(value)
        if statuses is None and isinstance(value, list):
            statuses = [s for v in value for s in (response_statuses(v) or [])] or None
        if statuses is None:
            raise ImportFileError(f"{name}:{line}: not a Mastodon timeline (a list of statuses) or a "
                                  "status_context response")
        _refuse_wrong_shapes(statuses, status_problems, name, line)
        found.extend(statuses)
    if not found:
        raise ImportFileError(f"{name}:1: no statuses in it")
    hosts = Counter(urlsplit(str((s.get("account") or {}).get("url") or "")).hostname for s in found
                    if "@" not in str((s.get("account") or {}).get("acct") or "@"))
    hosts.pop(None, None)
    server = hosts.most_common(1)[0][0] if hosts else default_server
    return [tag_status(s, s.get("read_from") or server) for s in found]


def _refuse_wrong_shapes(items: list[dict[str, Any]], problems_of: Callable[[Any], list[PostProblem]],
                         name: str, line: int) -> None:
    """``FILE: post URI: what is wrong (line N)`` for the first item of the wrong shape."""
    for item in items:
        problems = problems_of(item)
        if problems:
            more = f"; and {len(problems) - 1} more problems" if len(problems) > 1 else ""
            raise ImportFileError(problems[0].text(name, line) + more)

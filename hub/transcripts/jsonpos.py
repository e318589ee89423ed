"""Where a value sits in a JSON text: the line and column of ``data[5].entities``, for messages.

Only used when something is wrong, so it favours being simple over being fast: one pass over the
text's tokens, following the path and skipping everything else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[{}\[\],:]|[^\s{}\[\],:"]+')


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def locate(text: str, path: Sequence[str | int]) -> tuple[int, int] | None:
    """Line and column of the value at ``path`` (object keys and list indexes), or of the
    deepest part of the path that exists; None when the text is not JSON enough to follow."""
    tokens = ((m.group(), m.start()) for m in _TOKEN.finditer(text))
    try:
        offset = _find(tokens, list(path))
    except (StopIteration, ValueError):
        return None
    return line_col(text, offset) if offset is not None else None


def _find(tokens: Iterator[tuple[str, int]], path: list[str | int]) -> int | None:
    token, offset = next(tokens)
    found = offset
    for step in path:
        if token == "{" and isinstance(step, str):
            hit = _member(tokens, step)
        elif token == "[" and isinstance(step, int):
            hit = _element(tokens, step)
        else:
            return found
        if hit is None:
            return found
        token, offset = hit
        found = offset
    return found


def _member(tokens: Iterator[tuple[str, int]], key: str) -> tuple[str, int] | None:
    """After ``{``: the first token of ``key``'s value, or None when the object lacks it."""
    while True:
        token, _ = next(tokens)
        if token == "}":
            return None
        if token == ",":
            continue
        name = json.loads(token) if token.startswith('"') else token
        if next(tokens)[0] != ":":
            raise ValueError("not JSON")
        value = next(tokens)
        if name == key:
            return value
        _skip(tokens, value[0])


def _element(tokens: Iterator[tuple[str, int]], index: int) -> tuple[str, int] | None:
    position = 0
    while True:
        token, offset = next(tokens)
        if token == "]":
            return None
        if token == ",":
            continue
        if position == index:
            return token, offset
        _skip(tokens, token)
        position += 1


def _skip(tokens: Iterator[tuple[str, int]], first: str) -> None:
    """Skip the rest of a value whose first token was ``first``."""
    depth = 1 if first in ("{", "[") else 0
    while depth:
        token, _ = next(tokens)
        if token in ("{", "["):
            depth += 1
        elif token in ("}", "]"):
            depth -= 1

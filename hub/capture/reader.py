"""One reader for a chat's stored transcripts of every network: each file is read and normalised
by its network's module into one post model, so nothing after this knows which API a post came
from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.chat import Chat
from ..transcripts.posts import Document
from ..transcripts.store import TranscriptError, read_bytes_checked
from .bluesky import document as bluesky_document
from .bluesky import normalise as bluesky_normalise
from .mastodon import document as mastodon_document
from .mastodon import normalise as mastodon_normalise
from .x import document as x_document
from .x import normalise as x_normalise


def _parse_x(text: str, path: Path, shown: str) -> dict[str, Any]:
    doc = x_document.parse_transcript(text, path, shown)
    ok = all(isinstance(p, dict) for p in doc["data"]) and all(
        isinstance(v, list) and all(isinstance(i, dict) for i in v) for v in doc["includes"].values())
    if not ok:
        raise TranscriptError(shown, "not an X API v2 document ({\"data\": [...], \"includes\": {...}})")
    return doc


@dataclass(frozen=True)
class Reader:
    """How one network's stored file becomes the post model."""

    parse: Callable[[str, Path, str], dict[str, Any]]
    normalise: Callable[[dict[str, Any], Iterable[str]], Document]


READERS: dict[str, Reader] = {
    "x": Reader(_parse_x, x_normalise.read_document),
    "bluesky": Reader(bluesky_document.SHAPE.parse, bluesky_normalise.read_document),
    "mastodon": Reader(mastodon_document.SHAPE.parse, mastodon_normalise.read_document),
}


def stored_bytes(chat: Chat, shown: Callable[[Path], str] = str) -> dict[str, bytes]:
    """The raw bytes of every transcript the chat has, by network (in the order of READERS);
    anything but a regular file is a ``TranscriptError``, never opened."""
    found = {}
    for network in READERS:
        path = chat.transcript_file(network)
        data = read_bytes_checked(path, shown(path))
        if data is not None:
            found[network] = data
    return found


def read_posts(chat: Chat, raw: dict[str, bytes], hide: Iterable[str] = (),
               shown: Callable[[Path], str] = str) -> Document:
    """The posts of every network's transcript (``raw``, from ``stored_bytes``) in one document.

    A file that cannot be read raises ``TranscriptError`` naming it (``shown``) and the place,
    for JSON, or each post of the wrong shape.
    """
    hidden = frozenset(hide)
    merged: Document | None = None
    for network, data in raw.items():
        path = chat.transcript_file(network)
        name = shown(path)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TranscriptError(name, f"cannot read it: not UTF-8 text ({exc.reason})") from None
        reader = READERS[network]
        doc = reader.parse(text, path, name)
        try:
            document = reader.normalise(doc, hidden)
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
            raise TranscriptError(name, f"cannot read its posts: {exc}", 0) from None
        if merged is None:
            merged = document
        else:
            merged.extend(document)
    return merged or Document([], {}, {})

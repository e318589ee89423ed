"""What every network's transcript file shares: one JSON object holding a list of raw items (the
API's own shape) under one key and ``meta``, every item once by its key, oldest first, written
deterministically so the same content gives the same bytes. Writes go through the store
(``chathub.transcripts.store.update``): locked, re-read, merged, atomic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..transcripts.checks import SHOWN, PostProblem, summary
from ..transcripts.jsonpos import locate
from ..transcripts.store import TranscriptError, read_text, update

Document = dict[str, Any]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")

Item = dict[str, Any]
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Shape:
    """A network's file: the key of its items, what identifies one, and what orders them."""

    items: str  # "posts", "statuses"
    key: str  # "uri"
    what: str  # "a Bluesky transcript"
    created: Callable[[Item], str]  # the item's time, as text that sorts in time order
    problems: Callable[[Document], list[PostProblem]] | None = None  # what is wrong in its items

    def empty(self) -> Document:
        return {self.items: [], "meta": {}}

    def ident(self, item: Any) -> str:
        return str(item.get(self.key) or "") if isinstance(item, dict) else ""

    def parse(self, text: str, path: Path, shown: str | None = None) -> Document:
        """A stored file's text as a document, checked for the shape (``shown``, or ``path``,
        names it)."""
        name = shown or path
        try:
            doc = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise TranscriptError(name, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise TranscriptError(name, "not usable: its JSON is nested far too deeply", 0) from None
        except ValueError as exc:  # NaN or Infinity, or a number of thousands of digits
            raise TranscriptError(name, f"not usable: {str(exc)[:120]}", 0) from None
        if not isinstance(doc, dict):
            raise TranscriptError(name, f"not {self.what} (expected a JSON object with {self.items})")
        doc.setdefault(self.items, [])
        doc.setdefault("meta", {})
        if not isinstance(doc[self.items], list) or not isinstance(doc["meta"], dict):
            raise TranscriptError(name, f"not {self.what} ({self.items} must be a list, meta an object)")
        for index, item in enumerate(doc[self.items]):
            if not isinstance(item, dict) or not self.ident(item):
                raise TranscriptError(name, f"{self.items}[{index}] is not an item with a {self.key}", 0)
        problems = self.problems(doc) if self.problems else []
        if problems:  # one line per problem: FILE: post URI: what is wrong (line N)
            lines = [p.detail((locate(text, p.where) or (None,))[0]) for p in problems[:SHOWN]]
            raise TranscriptError(name, problems[0].message, 0, details=summary(lines, len(problems)))
        return doc

    def read(self, path: Path) -> Document | None:
        """The stored document, or None when there is none yet."""
        text = read_text(path)
        text = text.removeprefix("\ufeff") if text is not None else None
        return None if text is None else self.parse(text, path)

    def normalize(self, doc: Document) -> Document:
        items = sorted(doc.get(self.items) or [], key=lambda i: (self.created(i), self.ident(i)))
        return {self.items: items, "meta": dict(doc.get("meta") or {})}

    def merge(self, stored: Document | None, items: Iterable[Item], *, keep_stored: bool = False,
              combine: Callable[[Item, Item], Item] | None = None) -> Document:
        """``items`` merged into ``stored``: no stored item is lost; a new copy of a stored item
        replaces its fields (or, with ``keep_stored``, only fills the missing ones)."""
        base = stored or self.empty()
        merged: dict[str, Item] = {self.ident(i): i for i in base.get(self.items) or [] if self.ident(i)}
        for item in items:
            ident = self.ident(item)
            if not ident:
                continue
            old = merged.get(ident)
            if old is None:
                merged[ident] = dict(item)
            elif combine is not None:
                merged[ident] = combine(old, item) if not keep_stored else combine(item, old)
            else:
                merged[ident] = {**item, **old} if keep_stored else {**old, **item}
        return self.normalize({self.items: list(merged.values()), "meta": base.get("meta") or {}})

    def ids(self, doc: Document | None) -> set[str]:
        return {self.ident(i) for i in (doc or {}).get(self.items) or [] if self.ident(i)}

    def dump(self, doc: Document) -> str:
        text = json.dumps(self.normalize(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

    def update(self, path: Path, change: Callable[[Document | None], Document], **options: Any) -> bool:
        """Lock the file, read it again, let ``change`` merge into what is stored now, write."""
        return update(path, lambda text: self.dump(change(
            None if text is None else self.parse(text, path))), **options)

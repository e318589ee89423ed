"""Material's search entries for chathub's pages, kept on disk between builds in
``.cache/chathub/search.json`` under the hub's root.

A searchable page whose HTML, URL and metadata are those of a page of the last build (and
chathub's code, Material's version and its search settings those of that build) gets the entries
they gave then: its HTML is not parsed for search again. The file holds the entries of the pages
of the last build only (``mkdocs serve`` keeps its own in memory, and writes none). A file that
cannot be read, written or understood only means pages are parsed, as without it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from .kept_files import keep_file

FILE = Path(".cache") / "chathub" / "search.json"  # under the hub's root
log = logging.getLogger("mkdocs.plugins.chathub")
Entries = list[dict[str, Any]]


def _usable(pages: Any) -> bool:
    """Whether ``pages`` is what ``save`` writes: entries of Material's shape, by page key."""
    return type(pages) is dict and all(type(entries) is list and all(
        type(entry) is dict and all(type(entry.get(name)) is str for name in ("location", "title", "text"))
        for entry in entries) for entries in pages.values())


class KeptEntries:
    """The search entries of the last build's pages, and those of this build's."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version  # what every entry depends on besides its page
        self.last: dict[str, Entries] | None = None  # read at the first lookup
        self.now: dict[str, Entries] = {}
        self.changed = False

    def _read(self) -> dict[str, Entries]:
        try:
            stored = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as exc:
            log.debug("chathub: cannot use the kept search entries %s: %s", self.path, exc)
            return {}
        if type(stored) is not dict or stored.get("version") != self.version or not _usable(
                stored.get("pages")):
            return {}
        return stored["pages"]

    def get(self, key: str) -> Entries | None:
        """The entries kept for the page ``key``, or None; a page looked up is kept again."""
        if self.last is None:
            self.last = self._read()
        found = self.last.get(key)
        if found is not None:
            self.now[key] = found
        return found

    def put(self, key: str, entries: Entries) -> None:
        """Keep the entries just made for the page ``key``."""
        self.now[key] = entries
        self.changed = True

    def save(self) -> None:
        """Write this build's entries (atomically), when they are not those already kept."""
        if not self.changed and (self.last is None or self.now.keys() == self.last.keys()):
            return
        text = json.dumps({"version": self.version, "pages": self.now}, separators=(",", ":"))
        keep_file(self.path, text.encode(), "the search entries")
        self.last, self.now, self.changed = self.now, {}, False

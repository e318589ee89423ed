"""Under ``mkdocs serve``: the last build's site, left in place while a rebuild writes the new one.

Serve builds into a temporary folder that MkDocs empties at the start of every rebuild and then
writes whole again (at 100,000 posts, 125 MB of pages and a thousand folders a rebuild, pages
whose inputs did not change included). So the last build's folder is set aside just before
MkDocs empties the site folder, and put back in its place just after: MkDocs writes over the
files it writes again, in folders that exist. A page whose HTML is the last build's, byte for
byte (the plugin knows: its content and the theme around it are reused only when none of their
inputs changed), is left as it is, and MkDocs is given nothing to write for it (it skips a page
whose output is empty, and its note that it did is left out of the log for these pages). After
the build, every file the build neither wrote nor left in place is removed, and so is every
folder left empty: the site holds what a build from scratch writes. A page whose old file is
missing or of another size is written as usual. Never with ``--dirty``, whose builds leave the
site's other files in place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil

SKIPPED = "Page skipped: '"  # how MkDocs' build notes a page whose output is empty


class KeptSite:
    """The last build's site folder, kept for the rebuild that writes the new one."""

    def __init__(self) -> None:
        self.site_dir = ""
        self.previous = ""  # the last build's folder, while MkDocs empties the site folder
        self.since: int | None = None  # while the last build's files are in place: when this build began
        self.restored: set[str] = set()  # src_uri of the pages left in place in this build
        self.kept: set[str] = set()  # paths of the files left in place (pages, linked cards)
        # Encoded sizes of the texts pages are made of, by the text's identity (kept with it), for
        # this build and the last: a kept page is the same texts again.
        self.sizes: dict[int, tuple[str, int]] = {}
        self.last_sizes: dict[int, tuple[str, int]] = {}
        self._filter: logging.Filter | None = None

    def set_aside(self, site_dir: str) -> None:
        """Before MkDocs empties ``site_dir``: move it aside (a rename, on the same disk), and leave
        an empty folder in its place."""
        self.discard()
        self.restored, self.kept = set(), set()
        self.last_sizes, self.sizes = self.sizes, {}
        self.site_dir = site_dir
        if not os.path.isdir(site_dir) or not os.listdir(site_dir):
            return
        previous = site_dir.rstrip(os.sep) + ".chathub-last"
        try:
            shutil.rmtree(previous, ignore_errors=True)
            os.rename(site_dir, previous)
            os.mkdir(site_dir)
        except OSError:  # the files stay where they are, and MkDocs writes them again
            if os.path.isdir(previous) and not os.path.exists(site_dir):
                os.rename(previous, site_dir)
            return
        self.previous = previous
        self._quiet_skipped_pages()

    def put_back(self) -> None:
        """Once MkDocs has emptied the site folder (which it found empty): the last build's folder
        goes back in its place, and files written from now on are this build's."""
        if not self.previous:
            return
        mark = self.site_dir.rstrip(os.sep) + ".chathub-since"
        try:
            with open(mark, "wb"):  # the file system's own clock, which dates the files written
                pass
            since = os.stat(mark).st_mtime_ns
            os.unlink(mark)
            os.rmdir(self.site_dir)  # refused when something was written into it meanwhile
            os.rename(self.previous, self.site_dir)
        except OSError:
            self.discard()  # nothing is kept: MkDocs writes every file
            return
        self.previous = ""
        self.since = since

    def size(self, text: str) -> int:
        """How many bytes ``text`` takes in a page file (as MkDocs writes it), worked out once for
        a text that the plugin keeps from build to build."""
        known = self.sizes.get(id(text)) or self.last_sizes.get(id(text))
        if known is None or known[0] is not text:
            known = (text, len(text.encode("utf-8", errors="xmlcharrefreplace")))
        self.sizes[id(text)] = known
        return known[1]

    def restore(self, src_uri: str, dest_path: str, parts: tuple[str, ...]) -> bool:
        """Leave the page's last file at ``dest_path`` when it holds the ``parts`` of its HTML
        (checked by its size: the plugin gives only pages whose HTML is the last build's); True
        when it did."""
        if self.since is None:
            return False
        try:
            if os.stat(dest_path).st_size != sum(map(self.size, parts)):
                return False
        except OSError:
            return False
        self.keep(dest_path)
        self.restored.add(src_uri)
        return True

    def keep(self, path: str) -> None:
        """``path`` holds what this build would write there: it stays, as it is."""
        if self.since is not None:
            self.kept.add(os.path.normpath(path))

    def tidy(self) -> None:
        """After the build: remove the last build's files that this build neither wrote nor kept,
        and the folders they leave empty (hidden ones at the top aside, which MkDocs keeps too)."""
        since, self.since = self.since, None
        if since is None:
            return
        for entry in os.scandir(self.site_dir):
            if entry.name.startswith("."):
                continue
            if not entry.is_dir(follow_symlinks=False):
                self._drop_older(entry.path, since)
                continue
            for where, _, names in os.walk(entry.path, topdown=False):
                for name in names:
                    self._drop_older(os.path.join(where, name), since)
                with contextlib.suppress(OSError):
                    os.rmdir(where)  # only when empty

    def _drop_older(self, path: str, since: int) -> None:
        if os.path.normpath(path) in self.kept:
            return
        with contextlib.suppress(OSError):
            if os.lstat(path).st_mtime_ns < since:
                os.unlink(path)

    def discard(self) -> None:
        """Remove the last build's folder if it is still set aside (after a build that failed
        before it went back, and when serve stops)."""
        self.since = None
        if self.previous:
            shutil.rmtree(self.previous, ignore_errors=True)
            self.previous = ""

    def _quiet_skipped_pages(self) -> None:
        if self._filter is None:
            kept = self

            class _Restored(logging.Filter):
                def filter(self, record: logging.LogRecord) -> bool:
                    message = record.getMessage()
                    if not message.startswith(SKIPPED):
                        return True
                    return message[len(SKIPPED):].partition("'")[0] not in kept.restored

            self._filter = _Restored()
            logging.getLogger("mkdocs.commands.build").addFilter(self._filter)

"""Under ``mkdocs serve``: the pages of the last build that come out the same, moved back into
the new build's site instead of written again.

Serve builds into a temporary folder that MkDocs empties at the start of every rebuild and then
writes whole again (at 100,000 posts, 125 MB of pages a rebuild, a page whose inputs did not
change included). Before MkDocs empties it, the last build's folder is set aside; a page whose
HTML is the last build's, byte for byte (the plugin knows: its content and the theme around it
are reused only when none of their inputs changed), is moved back from there, and MkDocs is
given nothing to write for it (it skips a page whose output is empty, and its note that it did is
left out of the log for these pages). Whatever is left of the old folder is removed after the
build. A page whose old file is missing or of another size is written as usual. Never with
``--dirty``, whose builds leave the site's other files in place.
"""

from __future__ import annotations

import logging
import os
import shutil

SKIPPED = "Page skipped: '"  # how MkDocs' build notes a page whose output is empty


class KeptSite:
    """The last build's site folder, set aside while a rebuild writes the new one."""

    def __init__(self) -> None:
        self.site_dir = ""
        self.previous = ""  # the last build's folder, set aside; "" when there is none
        self.restored: set[str] = set()  # src_uri of the pages moved back in this build
        # Encoded sizes of the texts pages are made of, by the text's identity (kept with it), for
        # this build and the last: a kept page is the same texts again.
        self.sizes: dict[int, tuple[str, int]] = {}
        self.last_sizes: dict[int, tuple[str, int]] = {}
        self._filter: logging.Filter | None = None

    def set_aside(self, site_dir: str) -> None:
        """Before MkDocs empties ``site_dir``: move its files aside (a rename, on the same disk)."""
        self.discard()
        self.restored = set()
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

    def size(self, text: str) -> int:
        """How many bytes ``text`` takes in a page file (as MkDocs writes it), worked out once for
        a text that the plugin keeps from build to build."""
        known = self.sizes.get(id(text)) or self.last_sizes.get(id(text))
        if known is None or known[0] is not text:
            known = (text, len(text.encode("utf-8", errors="xmlcharrefreplace")))
        self.sizes[id(text)] = known
        return known[1]

    def restore(self, src_uri: str, dest_path: str, parts: tuple[str, ...]) -> bool:
        """Move the page's last file back to ``dest_path`` when it holds the ``parts`` of its HTML
        (checked by its size: the plugin gives only pages whose HTML is the last build's); True
        when it did."""
        if not self.previous:
            return False
        relative = os.path.relpath(dest_path, self.site_dir)
        if relative.startswith(os.pardir):
            return False
        old = os.path.join(self.previous, relative)
        try:
            if os.stat(old).st_size != sum(map(self.size, parts)):
                return False
            os.makedirs(os.path.dirname(dest_path), exist_ok=True)
            os.replace(old, dest_path)
        except OSError:
            return False
        self.restored.add(src_uri)
        return True

    def discard(self) -> None:
        """Remove what is left of the last build's folder (after a build, and when serve stops)."""
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

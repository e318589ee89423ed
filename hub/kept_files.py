"""Files a build keeps in ``.cache/chathub/`` for the next one (social cards, calendars,
analyses, search entries), each named by a digest of its inputs or checked against them: written
atomically, and removed once no build uses them."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.chathub")


def keep_file(path: Path, data: bytes, what: str) -> None:
    """Write ``data`` to ``path`` atomically; a folder that cannot be written only means ``what``
    is made again at the next build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:  # a read-only checkout
        log.debug("chathub: cannot keep %s in %s: %s", what, path.parent, exc)


def forget_unused(folder: Path, pattern: str, used: set[str]) -> None:
    """Remove the files of ``folder`` matching ``pattern`` whose names are not in ``used``."""
    if not folder.is_dir():
        return
    for path in folder.glob(pattern):
        if path.name not in used:
            path.unlink(missing_ok=True)

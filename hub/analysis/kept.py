"""Analyses kept on disk between builds, in ``.cache/chathub/analyses/`` under the hub's root.

A chat whose transcripts, chat file, hide lists, people, time-zone data and chathub's own code
are all unchanged is not read and analysed again: its analysis is loaded as the last build left
it (reading, checking and analysing the posts took a fifth to a quarter of a build). One file per
chat, named by the chat and by a digest of all of that, so anything else is simply not found; a
chat's older files go when it is kept again, and a removed chat's at the next build. A file that
cannot be read, written or understood only means the chat is analysed, as without the folder.

The files are Python pickles, which run code as they load: like Jinja's compiled templates and
Python's own ``__pycache__``, they are only as trusted as the hub's folder, which whoever builds
the site controls already (its ``mkdocs.yml`` names the plugins that run).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from dataclasses import fields, replace
from pathlib import Path

from ..kept_files import keep_file
from ..model.chat import Chat
from ..model.zones import zone_data
from ..resources import code_key
from .chat import Analysis

FOLDER = Path(".cache") / "chathub" / "analyses"  # under the hub's root
_SUFFIX = ".pickle"
log = logging.getLogger("mkdocs.plugins.chathub")


def disk_key(chat: Chat, content: str) -> str:
    """The name an analysis is kept under: its content key (transcripts, chat file, hide lists and
    people, see ``community.load_analysis``) with the chat as read (but for where its file is: a
    hub checked out elsewhere finds its analyses), its zone's data and the code."""
    read = [getattr(chat, f.name) for f in fields(chat) if f.name != "source"]
    digest = hashlib.sha256(f"{code_key()}\0{content}\0{read!r}\0".encode())
    digest.update(zone_data(chat.timezone))
    return digest.hexdigest()[:32]


def _file(root: Path, chat: Chat, key: str) -> Path:
    return root / FOLDER / f"{chat.slug}.{key}{_SUFFIX}"


def load_kept(root: Path, chat: Chat, key: str) -> Analysis | None:
    """The analysis kept under ``key`` for ``chat``, or None (none kept, or not usable)."""
    path = _file(root, chat, key)
    try:
        with open(path, "rb") as file:
            found = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as exc:  # unreadable, truncated or garbled: analysed again, and replaced
        log.debug("chathub: cannot use the kept analysis %s: %s", path, exc)
        return None
    if not isinstance(found, Analysis) or found.chat is not None:
        return None
    found.chat = chat  # kept without it: the chat as this build read it
    return found


def keep(root: Path, chat: Chat, key: str, analysis: Analysis) -> None:
    """Keep ``analysis`` under ``key``, atomically, in place of the chat's earlier ones."""
    path = _file(root, chat, key)
    try:
        data = pickle.dumps(replace(analysis, chat=None),  # type: ignore[arg-type]
                            protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, RecursionError, TypeError, AttributeError) as exc:
        log.debug("chathub: cannot keep the analysis of %s: %s", chat.slug, exc)
        return
    keep_file(path, data, f"the analysis of {chat.slug}")
    prefix = f"{chat.slug}."
    try:
        for old in os.scandir(path.parent):  # the chat's earlier analyses: their inputs are gone
            if old.name.startswith(prefix) and old.name.endswith(_SUFFIX) and old.name != path.name \
                    and len(old.name) == len(path.name):
                Path(old.path).unlink(missing_ok=True)
    except OSError:
        pass


def forget_removed(root: Path, chats_dir: Path) -> None:
    """Remove the kept analyses of chats whose file is gone (deleted or renamed)."""
    try:
        entries = list(os.scandir(root / FOLDER))
    except OSError:
        return
    for entry in entries:
        if not entry.name.endswith(_SUFFIX) or entry.name.startswith("."):
            continue
        slug = entry.name.split(".", 1)[0]  # a slug holds no dot
        if not any((chats_dir / f"{slug}{suffix}").is_file() for suffix in (".yml", ".yaml")):
            Path(entry.path).unlink(missing_ok=True)


"""When each chat file was published and when it last changed, from git (or the file itself).

- **Published**: the time of the first commit in which the chat file's status is not ``draft``
  (a chat written as a draft is published by the commit that schedules it). A chat whose
  published state is not committed yet, or a hub outside git, uses the file's modification time.
- **Changed**: the time of the last commit that changed the file, or its modification time when
  it has changes not committed yet (or outside git). Git's times are the same in every clone,
  which is what makes two fresh clones build identical calendars; a checkout's file times are not.

Three git commands per build, whatever the number of chats. Times are aware, in UTC, in whole
seconds.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

STATUS_RE = re.compile(rb"^status:[ \t]*[\"']?([A-Za-z]+)", re.MULTILINE)
GIT_TIMEOUT = 60


@dataclass(frozen=True)
class FileDates:
    published: datetime  # when the chat was first published (see the module's docstring)
    changed: datetime  # when the file last changed


@dataclass
class History:
    """The dates of a hub's chat files; ``shallow`` when git's history was cut short (a shallow
    clone), so the first commit stands for every file that it holds."""

    dates: dict[Path, FileDates] = field(default_factory=dict)
    in_git: bool = False
    shallow: bool = False

    def of(self, path: Path) -> FileDates:
        found = self.dates.get(path.resolve())
        return found if found is not None else _file_dates(path)


def _mtime(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(int(path.stat().st_mtime), UTC)
    except OSError:
        return datetime.fromtimestamp(0, UTC)


def _file_dates(path: Path) -> FileDates:
    moment = _mtime(path)
    return FileDates(moment, moment)


def _git(top: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(top), *args], input=stdin, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _status(blob: bytes) -> str:
    found = STATUS_RE.search(blob)
    return found.group(1).decode().lower() if found else "scheduled"


def read_history(chats_dir: Path, paths: list[Path]) -> History:
    """The dates of ``paths`` (chat files in ``chats_dir``)."""
    history = History()
    top_out = _git(chats_dir, "rev-parse", "--show-toplevel") if chats_dir.is_dir() else None
    if not top_out:
        return history
    top = Path(top_out.decode().strip()).resolve()
    folder = chats_dir.resolve().relative_to(top).as_posix() if chats_dir.resolve() != top else "."
    log = _git(top, "log", "--format=%x00%H %ct", "--name-only", "--no-renames", "--", folder)
    if log is None:
        return history
    history.in_git = True
    history.shallow = (_git(top, "rev-parse", "--is-shallow-repository") or b"").strip() == b"true"
    commits: dict[str, list[tuple[str, int]]] = {}  # path -> [(commit, time)], newest first
    for record in log.split(b"\0")[1:]:
        head, _, names = record.partition(b"\n")
        commit, _, stamp = head.decode().partition(" ")
        for name in names.decode("utf-8", "surrogateescape").split("\n"):
            if name.strip():
                commits.setdefault(name.strip(), []).append((commit, int(stamp)))
    status_out = _git(top, "status", "--porcelain", "-z", "--untracked-files=all", "--", folder) or b""
    dirty = {entry[3:].decode("utf-8", "surrogateescape") for entry in status_out.split(b"\0") if entry}
    wanted = {}
    for path in paths:
        relative = path.resolve().relative_to(top).as_posix() if path.resolve().is_relative_to(top) else None
        if relative is not None:
            wanted[path.resolve()] = relative
    # Every version of every chat file, read in one git process, oldest first.
    asks = [(relative, commit, stamp) for relative in wanted.values()
            for commit, stamp in reversed(commits.get(relative, []))]
    blobs = _read_blobs(top, [f"{commit}:{relative}" for relative, commit, _ in asks])
    first_published: dict[str, int] = {}
    for (relative, _commit, stamp), blob in zip(asks, blobs, strict=True):
        if blob is not None and relative not in first_published and _status(blob) != "draft":
            first_published[relative] = stamp
    for path, relative in wanted.items():
        mtime = _mtime(path)
        known = commits.get(relative)
        changed = mtime if relative in dirty or not known else datetime.fromtimestamp(known[0][1], UTC)
        published = (datetime.fromtimestamp(first_published[relative], UTC)
                     if relative in first_published else mtime)
        history.dates[path] = FileDates(published, changed)
    return history


def _read_blobs(top: Path, objects: list[str]) -> list[bytes | None]:
    """The contents of ``commit:path`` objects, through one ``git cat-file --batch``."""
    if not objects:
        return []
    out = _git(top, "cat-file", "--batch", stdin=("\n".join(objects) + "\n").encode())
    if out is None:
        return [None] * len(objects)
    blobs: list[bytes | None] = []
    at = 0
    for _ in objects:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) == 2 and header[1] == b"missing":
            blobs.append(None)
            at = end + 1
            continue
        size = int(header[2])
        blobs.append(out[end + 1:end + 1 + size])
        at = end + 1 + size + 1  # the content, then a newline
    return blobs


def hub_history(hub) -> History:  # type: ignore[no-untyped-def]
    """The history of a hub's chat files, read once per build (kept in ``hub.cache``)."""
    found = hub.cache.get("history")
    if found is None:
        found = read_history(hub.config.chats_dir, [c.source for c in hub.chats])
        hub.cache["history"] = found
    return found

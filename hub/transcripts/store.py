"""The transcript store: one JSON file per chat and network, written only under a lock.

Every writer follows one path (``update``): take the transcript's lock, read the stored text
again, compute the new text from it, and write it atomically (a temporary file in the same
folder, then a rename). A second writer waits for the lock, saying what it waits for, and gives
up after a bounded time with a clear error; it never overwrites the other's work. A write keeps
the file's permission bits. Temporary files of a killed write are removed by the next write and
are never read as transcripts.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_TIMEOUT = 600.0  # seconds a writer waits for another before giving up
_POLL = 0.1
Say = Callable[[str], None]


class TranscriptError(Exception):
    """A transcript file that cannot be read or written; the message names the file (and the
    place in it, or the post: ``line`` 0 leaves the place out, for ``FILE: post ID: …``)."""

    def __init__(self, path: Path | str, reason: str, line: int = 1, col: int = 1,
                 details: list[str] | None = None) -> None:
        self.path, self.reason, self.line, self.col = path, reason, line, col
        self.details = details or []  # one per problem when there are several, without the file
        where = f"{path}:{line}:{col}" if line > 0 else f"{path}"
        super().__init__("\n".join(f"{path}: {d}" for d in self.details) if self.details
                         else f"{where}: {reason}")


class TranscriptLocked(TranscriptError):
    """Another writer held the transcript's lock for longer than we could wait."""


def lock_path(path: Path) -> Path:
    """The lock file of a transcript (kept beside it, never published or committed)."""
    return path.with_name(f".{path.name}.lock")


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def lock_timeout() -> float:
    """How long a writer waits: ``CHATHUB_LOCK_TIMEOUT`` seconds, or 10 minutes."""
    try:
        value = float(os.environ.get("CHATHUB_LOCK_TIMEOUT", ""))
    except ValueError:
        return LOCK_TIMEOUT
    return max(0.0, value) if math.isfinite(value) else LOCK_TIMEOUT


def _open_lock(path: Path) -> int:
    """An fd holding the lock file's lock, once the file it locked is still the one at its path
    (a writer that finished may have removed it meanwhile: then lock the new one)."""
    target = lock_path(path)
    while True:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o666)
        if not _try_lock(fd):
            return -fd - 1  # not locked yet: the caller waits on it
        if _same_file(fd, target):
            return fd
        os.close(fd)


def _same_file(fd: int, target: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(target))
    except FileNotFoundError:
        return False


@contextmanager
def locked(path: Path, *, timeout: float | None = None, say: Say | None = None,
           shown: str | None = None) -> Iterator[None]:
    """Hold the transcript's lock; wait for another writer (saying so) for at most ``timeout``.

    The lock is an exclusive ``flock`` on ``.<name>.lock`` beside the transcript, removed again
    when the writer is done (so a folder at rest holds only its transcripts). The system frees
    the lock of a killed writer.
    """
    limit = lock_timeout() if timeout is None else timeout
    name = shown or str(path)
    target = lock_path(path)
    deadline = time.monotonic() + limit
    told = False
    try:
        while True:
            fd = _open_lock(path)
            if fd >= 0:
                break
            os.close(-fd - 1)
            if not told and say is not None:
                say(f"waiting for {name}: another chathub command is writing it "
                    f"(waiting up to {limit:g} s)")
            told = True
            if time.monotonic() >= deadline:
                raise TranscriptLocked(
                    path, f"another chathub command has been writing it for more than {limit:g} s; "
                    "nothing was written: try again when it has finished (CHATHUB_LOCK_TIMEOUT "
                    "sets the wait, in seconds)")
            time.sleep(_POLL)
    except OSError as exc:
        raise TranscriptError(path, f"cannot lock it: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # Windows keeps an open file
            target.unlink(missing_ok=True)  # while still holding it: see _open_lock
        _unlock(fd)
        os.close(fd)


def read_bytes_checked(path: Path, shown: str | None = None) -> bytes | None:
    """The stored bytes, or None when there is no file yet; anything but a regular file is a
    ``TranscriptError``, never opened."""
    if not _regular(path, shown or path):
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TranscriptError(shown or path, f"cannot read it: {exc.strerror or exc}") from None


def _regular(path: Path, name: Path | str) -> bool:
    """False when there is no file; a ``TranscriptError`` for anything but a regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise TranscriptError(name, "a dangling symbolic link: what it points to does not "
                                  "exist") from None
        return False
    except OSError as exc:
        raise TranscriptError(name, f"cannot read it: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise TranscriptError(name, f"not a regular file ({file_kind(info.st_mode)}); a transcript "
                              "is a JSON file")
    return True


def read_text(path: Path, shown: str | None = None) -> str | None:
    """The stored text, or None when there is no file yet. Anything but a regular file (a
    folder, a FIFO that would block) is an error, never read."""
    name = shown or path
    if not _regular(path, name):
        return None
    try:
        return path.read_text(encoding="utf-8-sig")  # a byte-order mark from an editor is no error
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise TranscriptError(name, f"cannot read it: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise TranscriptError(name, f"cannot read it: {exc.strerror or exc}") from None


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _stale_temporaries(path: Path) -> list[Path]:
    return [p for p in path.parent.glob(f".{path.name}.*.tmp") if p.is_file()]


def write_atomic(path: Path, text: str) -> bool:
    """Replace the file with ``text`` in one step; False when it already holds it.

    Call it under ``locked(path)``: temporary files left beside it by a killed write are removed
    first. The file keeps its permission bits; a new one gets the usual ones (0666 less umask).
    """
    for stale in _stale_temporaries(path):
        stale.unlink(missing_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def update(path: Path, change: Callable[[str | None], str], *, timeout: float | None = None,
           say: Say | None = None, shown: str | None = None) -> bool:
    """Under the lock: re-read the stored text, compute the new one from it, write atomically.

    ``change`` gets the text stored now (None when there is none) and returns the text to
    store; it may raise to write nothing. Returns whether the file changed.
    """
    with locked(path, timeout=timeout, say=say, shown=shown):
        return write_atomic(path, change(read_text(path, shown)))

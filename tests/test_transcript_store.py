"""The transcript store: one lock per transcript, re-read under it, atomic writes that keep the
file's mode, and no temporary file ever left behind or read."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from chathub.transcripts.store import TranscriptLocked, locked, read_text, update, write_atomic

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from chathub.transcripts.store import locked
    path = Path(sys.argv[1])
    with locked(path):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the transcript's lock for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_write_keeps_the_files_mode(tmp_path: Path):
    path = tmp_path / "chat.tweets.json"
    path.write_text("{}\n")
    for mode in (0o644, 0o640, 0o664):
        path.chmod(mode)
        with locked(path):
            assert write_atomic(path, f'{{"mode": {mode}}}\n')
        assert path.stat().st_mode & 0o777 == mode


def test_a_new_file_gets_the_usual_mode(tmp_path: Path):
    old = os.umask(0o022)
    try:
        with locked(tmp_path / "new.tweets.json"):
            write_atomic(tmp_path / "new.tweets.json", "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "new.tweets.json").stat().st_mode & 0o777 == 0o644


def test_a_killed_writes_temporary_file_is_removed_by_the_next_write(tmp_path: Path):
    path = tmp_path / "chat.tweets.json"
    path.write_text("{}\n")
    stale = tmp_path / ".chat.tweets.json.0123abcd.tmp"
    stale.write_text('{"half": ')
    assert read_text(path) == "{}\n"  # never read as the transcript
    update(path, lambda text: '{"whole": true}\n')
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat.tweets.json"]


def test_update_reads_what_is_stored_now_under_the_lock(tmp_path: Path):
    path = tmp_path / "chat.tweets.json"
    path.write_text("one\n")
    seen: list[str | None] = []
    assert update(path, lambda text: seen.append(text) or (text or "") + "two\n")
    assert seen == ["one\n"] and path.read_text() == "one\ntwo\n"
    assert not update(path, lambda text: text or "")  # the same text: nothing written


def test_a_second_writer_waits_and_says_what_for(tmp_path: Path):
    path = tmp_path / "chat.tweets.json"
    path.write_text("first\n")
    holder = hold_lock(path, 1.0)
    said: list[str] = []
    started = time.monotonic()
    update(path, lambda text: (text or "") + "second\n", timeout=30, say=said.append,
           shown="chats/chat.tweets.json")
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert waited >= 0.5
    assert len(said) == 1 and "waiting for chats/chat.tweets.json" in said[0]
    assert path.read_text() == "first\nsecond\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat.tweets.json"]


def test_a_second_writer_gives_up_after_the_timeout_and_writes_nothing(tmp_path: Path):
    path = tmp_path / "chat.tweets.json"
    path.write_text("first\n")
    holder = hold_lock(path, 3.0)
    try:
        with pytest.raises(TranscriptLocked, match=r"more than 0\.3 s; nothing was written"):
            update(path, lambda text: "lost\n", timeout=0.3)
    finally:
        holder.wait(timeout=10)
    assert path.read_text() == "first\n"


def test_a_killed_writer_does_not_keep_the_lock(tmp_path: Path):
    path = tmp_path / "chat.tweets.json"
    holder = hold_lock(path, 60)
    holder.kill()
    holder.wait(timeout=10)
    assert update(path, lambda text: "after\n", timeout=5)
    assert path.read_text() == "after\n"

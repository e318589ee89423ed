"""Helpers shared by the capture commands: load the hub, pick chats by slug, report failures."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence

from ..model.chat import Chat, Hub
from ..model.loader import load_hub
from ..model.settings import load_config


class CommandError(Exception):
    """A command cannot go on; the message is shown as ``chathub <command>: message``."""


def load() -> Hub:
    """The hub in the current folder (chats with errors are left out, and said so when picked)."""
    hub, _problems = load_hub(load_config())
    return hub


def pick(hub: Hub, slugs: Sequence[str]) -> list[Chat]:
    """The chats named by ``slugs`` (a file name or path works too), or a CommandError."""
    chats = []
    known = [c.slug for c in hub.chats]
    for given in slugs:
        slug = given.rsplit("/", 1)[-1].removesuffix(".yml").removesuffix(".yaml")
        slug = slug.removesuffix(".tweets.json")
        chat = hub.chat(slug)
        if chat is None:
            path = hub.config.chats_dir / f"{slug}.yml"
            if path.exists():
                raise CommandError(f"{hub.config.display_path(path)} has errors; run chathub check")
            close = difflib.get_close_matches(slug, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise CommandError(f"no chat {slug!r} in {hub.config.display_path(hub.config.chats_dir)}"
                               f"{hint}")
        if chat not in chats:
            chats.append(chat)
    return chats


def plural(count: int, word: str) -> str:
    """``1 post``, ``2 posts``."""
    return f"{count} {word}{'s' * (count != 1)}"


def fail(command: str, message: str, code: int = 1) -> int:
    print(f"chathub {command}: {message}", file=sys.stderr)
    return code

"""The chat file that ``chathub new`` and ``chathub init`` write, and its placeholder text.

One template (``hub/scaffold/chat.yml``) for both commands; ``chathub check`` warns about a
published chat that still holds its placeholder text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from string import Template

import yaml

from ..resources import SCAFFOLD

CHAT_TEMPLATE = SCAFFOLD / "chat.yml"

# The example chat of a new hub: every value is a placeholder to replace.
EXAMPLE_TITLE = "Our first chat (an example: make it yours)"
EXAMPLE_QUESTIONS = (
    "What brought you to this chat today?",
    "What is the one thing you would change about how you work?",
    "Who should we invite to the next chat?",
)


@dataclass(frozen=True)
class ChatValues:
    """What a new chat file says; ``render_chat`` writes them into the template."""

    title: str
    hashtag: str  # with or without '#'
    start: str  # wall time, YYYY-MM-DD HH:MM
    timezone: str
    host: str  # the X handle, with or without '@' ("" when the host has none)
    duration: int = 60
    questions: tuple[str, ...] = ()
    status: str = "draft"
    site_name: str = "our hub"
    bluesky: str = ""  # the host's Bluesky handle, if any
    mastodon: str = ""  # the host's Mastodon account, @user@server, if any
    networks: tuple[str, ...] = ()  # written as networks: when given (else the hub's default)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _host(values: ChatValues) -> str:
    """The host's line: ``"@acme"`` for an X handle alone, else a mapping of their accounts."""
    handle = values.host.strip().removeprefix("@")
    accounts = [(key, value.strip()) for key, value in (
        ("bluesky", values.bluesky.strip().removeprefix("@")),
        ("mastodon", "@" + values.mastodon.strip().removeprefix("@") if values.mastodon.strip() else ""))
        if value.strip()]
    if not accounts:
        return " " + _quoted("@" + handle)
    lines = ([("handle", "@" + handle)] if handle else []) + accounts
    return "".join(f"\n  {key}: {_quoted(value)}" for key, value in lines)


def render_chat(values: ChatValues) -> str:
    questions = "".join(f"\n  - {_quoted(q)}" for q in values.questions) or " []"
    return Template(CHAT_TEMPLATE.read_text(encoding="utf-8")).substitute(
        site_name=" ".join(values.site_name.split()),
        title=_quoted(values.title),
        hashtag=_quoted("#" + values.hashtag.strip().removeprefix("#")),
        start=_quoted(values.start),
        timezone=_quoted(values.timezone),
        duration=values.duration,
        status=values.status,
        networks=f"networks: [{', '.join(values.networks)}]\n" if values.networks else "",
        host=_host(values),
        questions=questions,
    )


@cache
def placeholders() -> dict[str, frozenset[str]]:
    """The template's placeholder texts by field: ``about``, ``followup``, ``title`` and
    ``questions`` (the example chat's)."""
    sample = yaml.safe_load(render_chat(ChatValues("t", "t", "2000-01-01 00:00", "UTC", "h")))
    return {
        "about": frozenset([sample["about"].strip()]),
        "followup": frozenset([sample["followup"].strip()]),
        "title": frozenset([EXAMPLE_TITLE]),
        "questions": frozenset(EXAMPLE_QUESTIONS),
    }

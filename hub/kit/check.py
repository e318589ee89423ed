"""``chathub check``'s look at the invite kit: posts that would not fit X, overrides that fail."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import yaml

from ..model.chat import Chat, HubConfig
from ..model.networks import NETWORKS
from ..model.problems import Problems, Severity
from ..model.template import placeholders
from .post_rules import LIMIT, UNITS
from .runsheet import plan_run_sheet
from .texts import QUESTION_KEY, KitItem, build_kit, key_problem, text_problem

# What a post that is too long shortens, when it is not a question: (where, what) by kind.
SHORTENED = {"guest-intro": ("guests", "guest's bio"), "closing": ("followup", "followup")}


@lru_cache(maxsize=8)
def _composed(path: Path, stamp: tuple[int, int]) -> yaml.Node | None:
    """A chat file's YAML nodes, composed once while the file is unchanged (``stamp``)."""
    try:
        return yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def _node(path: Path, *keys: str | int) -> yaml.Node | None:
    """The YAML node at ``keys`` (mapping keys, list indexes) of a chat file."""
    try:
        info = path.stat()
    except OSError:
        return None
    node = _composed(path, (info.st_mtime_ns, info.st_size))
    for key in keys:
        if isinstance(key, int) and isinstance(node, yaml.SequenceNode) and key < len(node.value):
            node = node.value[key]
        elif isinstance(key, str) and isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value
                         if isinstance(k, yaml.ScalarNode) and k.value == key), None)
        else:
            return None
    return node


def locate(path: Path, *keys: str | int) -> tuple[int, int] | None:
    """Line and column (1-based) of the YAML value at ``keys`` (mapping keys, list indexes)."""
    node = _node(path, *keys)
    if node is None:
        return None
    return node.start_mark.line + 1, node.start_mark.column + 1


def locate_key(path: Path, *keys: str) -> tuple[int, int] | None:
    """Line and column (1-based) of the last mapping key in ``keys`` itself (not its value)."""
    parent = _node(path, *keys[:-1])
    if not isinstance(parent, yaml.MappingNode):
        return None
    for key, _ in parent.value:
        if isinstance(key, yaml.ScalarNode) and key.value == keys[-1]:
            return key.start_mark.line + 1, key.start_mark.column + 1
    return None


def override_problems(chat: Chat, config: HubConfig) -> Problems:
    """The chat's ``invite:`` overrides that cannot be used: unknown keys, broken templates."""
    problems = Problems()
    shown = config.display_path(chat.source)
    for key, text in chat.invite.items():
        problem = key_problem(key)
        where = locate_key(chat.source, "invite", key) if problem else None
        if not problem:
            problem = text_problem(text)
            where = locate(chat.source, "invite", key)
        if problem:
            problems.add(shown, *(where or chat.position("invite")), problem)
    return problems


def failed_overrides(chat: Chat, config: HubConfig, items: list[KitItem]) -> Problems:
    """The ``invite:`` overrides that failed as the kit was written (an unknown variable, a bound
    of the sandbox), at their place: the kit used chathub's own text there instead."""
    problems = Problems()
    shown = config.display_path(chat.source)
    for item in items:
        where = locate(chat.source, "invite", item.key) if item.overridden else None
        for note in item.notes:  # an override fails the same way on every network: once
            problems.add(shown, *(where or chat.position("invite")), note)
    return problems


def check_kit(chat: Chat, config: HubConfig, kits: dict[str, list[KitItem]] | None = None) -> Problems:
    """Problems with a chat's kit: every question whose post would not fit X, overrides that
    fail or do not fit, other posts that had to be shortened, and questions that outlast the chat.
    The kit it checks goes into ``kits`` (by slug), for its page, when every override is usable.
    """
    problems = Problems()
    shown = config.display_path(chat.source)

    def add(where: tuple[int, int] | None, message: str, severity: Severity = "error") -> None:
        line, col = where or chat.position("invite")
        problems.add(shown, line, col, message, severity)

    broken = override_problems(chat, config)
    problems.extend(broken)
    if broken:  # the rest of the kit is checked without the overrides that cannot be used
        bad = {key for key in chat.invite if key_problem(key) or text_problem(chat.invite[key])}
        chat = replace(chat, invite={k: v for k, v in chat.invite.items() if k not in bad})
    shortened: dict[tuple[str | int, ...], list[str]] = {}
    networks: set[str] = set()
    items = build_kit(chat, config)
    if kits is not None and not broken:
        kits[chat.slug] = items
    problems.extend(failed_overrides(chat, config, items))
    for item in items:
        where = locate(chat.source, "invite", item.key) if item.overridden else None
        if not item.too_long:
            continue
        network = item.network or "x"
        limit = item.limit or LIMIT
        on = "" if network == "x" else f" on {NETWORKS[network].label}"
        over = f"{item.too_long} {UNITS[network]} (limit {limit})"
        if item.overridden:
            add(where, f"invite {item.key!r}: the {item.label} post{on} is {over}; shorten it")
        elif item.kind == "question":
            add(locate(chat.source, "questions", (item.number or 1) - 1) or chat.position("questions"),
                f"question {item.number} does not fit in its {item.label} post{on}: {over}; "
                f"shorten it by {item.too_long - limit} or more")
        else:
            field, what = SHORTENED.get(item.kind, ("title", "title"))
            path = (field, (item.number or 1) - 1, "bio") if item.kind == "guest-intro" else (field,)
            networks.add(network)
            shortened.setdefault((*path, what), []).append(f"{item.label}{on} ({item.too_long})")
    limits = (f"X's {LIMIT} characters" if networks <= {"x"} else "what their network allows")
    for (*path, what), posts in shortened.items():
        add(locate(chat.source, *path) or locate(chat.source, *path[:2]) or chat.position(str(path[0])),
            f"the {what} makes {len(posts)} post{'s' * (len(posts) != 1)} longer than {limits}, "
            f"so the kit shortens it there: {', '.join(posts)}; "
            "shorten it, or override those texts under invite:", "warning")
    for key in chat.invite:
        match = QUESTION_KEY.match(key)
        if match and int(match.group(1)) > len(chat.questions):
            add(locate(chat.source, "invite", key),
                f"invite {key!r}: there is no question {match.group(1)} "
                f"(the chat has {len(chat.questions)})")
    overrun = plan_run_sheet(chat).overrun
    if overrun:
        add(locate(chat.source, "questions") or chat.position("questions"),
            f"the questions need {overrun} minutes more than the chat has between the welcome "
            "and the closing; lower their minutes or lengthen the chat", "warning")
    return problems


def placeholder_problems(chat: Chat, config: HubConfig) -> Problems:
    """Warnings for a published chat that still holds the text ``chathub new`` or ``chathub init``
    wrote as a placeholder (its about, followup, example title or example questions)."""
    problems = Problems()
    if not chat.published:
        return problems
    shown = config.display_path(chat.source)
    texts = placeholders()
    for key, value in (("title", chat.title), ("about", chat.about), ("followup", chat.followup)):
        if value.strip() in texts[key]:
            line, col = chat.position(key)
            problems.add(shown, line, col, f"{key} is still the template's placeholder text; write "
                         "your own before the chat is announced", "warning")
    for question in chat.questions:
        if question.text.strip() in texts["questions"]:
            line, col = locate(chat.source, "questions", question.number - 1) or chat.position("questions")
            problems.add(shown, line, col, f"question {question.number} is still the example "
                         "chat's placeholder; write your own", "warning")
    return problems

"""``chathub invite SLUG``: print a chat's invite kit and run sheet (drafts included)."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from babel.lists import format_list

from ..i18n.translator import N_, Translator
from ..kit.check import failed_overrides, override_problems
from ..kit.texts import KitItem, build_kit, kit_translator
from ..model.chat import Chat
from ..model.loader import find_chat_files, read_chat
from ..model.networks import NETWORKS
from ..model.settings import load_config

# Section headings of the printed kit, in the chat's language.
SECTIONS = {
    "promotion": N_("Posts for %(networks)s: promotion"),
    "run-sheet": N_("Run sheet (times in %(zone)s)"),
    "blog": N_("Blog announcement (Markdown)"),
    "email": N_("E-mail invitation"),
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "invite",
        help="print a chat's invite kit and run sheet",
        description="Print the invite kit of chats/SLUG.yml: posts for each network of the chat "
        "(announcement, reminders, "
        "invitations), the run sheet (welcome, guest introductions, Q1, Q2…, closing), a blog "
        "post and an e-mail. Works for drafts too.",
    )
    parser.add_argument("slug", metavar="SLUG", help="the chat's slug (its file name without .yml)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of {kind, channel, label, text, weighted_length, at, "
                        "network, length, limit}")
    parser.set_defaults(run=run)


def _find(slug: str, chats_dir: Path) -> Path | None:
    name = Path(slug).name.removesuffix(".yml").removesuffix(".yaml")
    return next((p for p in find_chat_files(chats_dir) if p.stem == name), None)


def _when(item: KitItem, chat: Chat, t: Translator) -> str:
    if item.at is None:
        return ""
    if item.section == "run-sheet":
        minutes = round((item.at - chat.start).total_seconds() / 60)
        clock = t.clock(item.at)
        if not minutes:
            return t.gettext("%(time)s (start)", time=clock)
        return t.gettext("%(time)s (start + %(minutes)s min)", time=clock, minutes=t.number(minutes))
    return t.datetime(item.at, "medium")


def _networks(chat: Chat, t: Translator) -> str:
    labels = [NETWORKS[n].label for n in chat.networks]
    return labels[0] if len(labels) == 1 else format_list(labels, locale=t.locale)


def format_kit(chat: Chat, items: list[KitItem], t: Translator) -> str:
    """The kit as text for people, in the chat's language: a heading per section, then each item
    with its time and length."""
    status = {"draft": t.gettext("draft"), "cancelled": t.gettext("cancelled")}.get(chat.status)
    lines = [t.gettext("Invite kit: %(title)s (%(tag)s)", title=chat.title, tag=chat.tag),
             f"{t.datetime(chat.start)} ({chat.timezone}), {t.duration(chat.duration)}"
             + (f" [{status}]" if status else "")]
    section = ""
    for item in items:
        if item.section != section:
            section = item.section
            lines += ["", "=" * 72, t.gettext(SECTIONS[section], zone=chat.timezone,
                                              networks=_networks(chat, t)), "=" * 72]
        facts = [part for part in (
            _when(item, chat, t),
            f"{item.length}/{item.limit}" if item.network else "",
            t.gettext("shortened from %(length)s", length=item.too_long) if item.too_long else "",
        ) if part]
        kind = item.kind if chat.networks == ["x"] or not item.network else f"{item.kind}, {item.network}"
        lines += ["", f"--- {item.label} [{kind}]" + (f" · {' · '.join(facts)}" if facts else "")]
        lines.append(item.text)
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    config = load_config()
    path = _find(args.slug, config.chats_dir)
    if path is None:
        slugs = [p.stem for p in find_chat_files(config.chats_dir)]
        close = difflib.get_close_matches(args.slug, slugs, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else (
            f"; chathub check lists the {len(slugs)} chat files" if slugs else "; it has no chats yet")
        print(f"chathub invite: no chat {args.slug!r} in {config.display_path(config.chats_dir)}/"
              f"{hint}", file=sys.stderr)
        return 2
    chat, problems = read_chat(path, config)
    items: list[KitItem] = []
    if chat is not None:
        problems.extend(override_problems(chat, config))
    if chat is not None and not problems.errors:  # an override that fails is an error, as in check
        items = build_kit(chat, config)
        problems.extend(failed_overrides(chat, config, items))
    if chat is None or problems.errors:
        for problem in problems.errors:
            print(problem, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([item.to_json() for item in items], ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_kit(chat, items, kit_translator(chat, config)))
    return 0

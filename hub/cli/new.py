"""``chathub new``: scaffold a chat file that passes ``chathub check``."""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from ..kit.check import check_kit
from ..model.loader import load_hub
from ..model.settings import load_config

TEMPLATE = """\
# A chat for {site_name}. Every field is explained in the README ("Chat files").
title: {title}
hashtag: {hashtag}
start: {start}          # local wall time in the zone below
timezone: {timezone}
duration: {duration}           # minutes
status: {status}      # scheduled, draft (not published) or cancelled

host: {host}
moderators: []
guests: []
#  - handle: "@someone"
#    name: Their Name
#    bio: What they do

questions: {questions}
#  - "What brought you here today?"
#  - text: "A longer question that needs more time"
#    minutes: 15

about: |
  Why we host this chat, and who it is for.

followup: |
  How we follow up afterwards: a recap on the blog, answers to open questions.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        help="scaffold a new chat file",
        description="Write chats/<slug>.yml for a new chat. Asks for what is not given as an "
        "option (answers can also be piped in, one per line).",
    )
    parser.add_argument("--title", help="the chat's theme")
    parser.add_argument("--hashtag", help="the hashtag, with or without #")
    parser.add_argument("--start", help="local start time, YYYY-MM-DD HH:MM")
    parser.add_argument("--host", help="the host's X handle, @name")
    parser.add_argument("--timezone", help="IANA zone (default: the hub's)")
    parser.add_argument("--duration", type=int, default=60, help="minutes (default 60)")
    parser.add_argument("--question", action="append", default=[], dest="questions",
                        help="a question (repeat for each)")
    parser.add_argument("--slug", help="file name stem (default: <hashtag>-<date>)")
    parser.add_argument("--draft", action="store_true", help="create it as a draft")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(run=run)


def _ask(args: argparse.Namespace, name: str, prompt: str) -> str | None:
    value = getattr(args, name)
    if value:
        return str(value)
    try:
        answer = input(f"{prompt}: ").strip()
    except (EOFError, OSError):  # no terminal and nothing piped in
        return None
    return answer or None


def default_slug(hashtag: str, start: str) -> str:
    tag = re.sub(r"[^a-z0-9]+", "-", hashtag.lower().removeprefix("#")).strip("-") or "chat"
    return f"{tag}-{start[:10]}"


def run(args: argparse.Namespace) -> int:
    config = load_config()
    wanted = {"title": "Title (the chat's theme)", "hashtag": "Hashtag",
              "start": "Start (YYYY-MM-DD HH:MM, local time)", "host": "Host's X handle (@name)"}
    values = {name: _ask(args, name, prompt) for name, prompt in wanted.items()}
    missing = [f"--{name}" for name, value in values.items() if not value]
    if missing:
        print(f"chathub new: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    slug = args.slug or default_slug(values["hashtag"] or "", values["start"] or "")
    path = config.chats_dir / f"{slug}.yml"
    if path.exists() and not args.force:
        print(f"chathub new: {config.display_path(path)} exists; use --slug or --force",
              file=sys.stderr)
        return 1
    text = TEMPLATE.format(
        site_name=config.site_name,
        title=json.dumps(values["title"], ensure_ascii=False),
        hashtag=json.dumps("#" + (values["hashtag"] or "").removeprefix("#"), ensure_ascii=False),
        start=json.dumps(values["start"]),
        timezone=json.dumps(args.timezone or config.timezone),
        duration=args.duration,
        status="draft" if args.draft else "scheduled",
        host=json.dumps("@" + (values["host"] or "").removeprefix("@")),
        questions=("\n" + "".join(f"  - {json.dumps(q, ensure_ascii=False)}\n"
                                  for q in args.questions)).rstrip() if args.questions else "[]",
    )
    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / path.name
        draft.write_text(text, encoding="utf-8")
        hub, problems = load_hub(config, [draft])  # as chathub check would: overlaps included
        for chat in hub.chats:
            problems.extend(check_kit(chat, config))
    if problems.errors or not hub.chats:
        for problem in problems.errors:
            print(f"{config.display_path(path)}:{problem.line}:{problem.col}: {problem.message}",
                  file=sys.stderr)
        return 1
    config.chats_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {config.display_path(path)}: edit it, then run chathub check")
    return 0

"""``chathub new``: scaffold a chat file that passes ``chathub check``, as a draft."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..kit.check import check_kit
from ..model.chat import HubConfig
from ..model.loader import MAX_SLUG, SLUG_RE, field_problems, load_hub, resolve_start
from ..model.networks import NETWORKS
from ..model.problems import Problem
from ..model.settings import load_config
from ..model.template import ChatValues, render_chat
from ..model.zones import fixed_offset_warning

# The chat file's top-level keys, and the option that sets each.
FLAGS = {"title": "--title", "hashtag": "--hashtag", "start": "--start", "timezone": "--timezone",
         "duration": "--duration", "host": "--host", "questions": "--question", "bluesky": "--bluesky",
         "mastodon": "--mastodon", "networks": "--network"}
# How the host's account on each network is asked for, and the option that gives it.
ACCOUNT_PROMPTS = {"x": ("host", "Host's X handle (@name)"),
                   "bluesky": ("bluesky", "Host's Bluesky handle (name.bsky.social)"),
                   "mastodon": ("mastodon", "Host's Mastodon account (@name@server)")}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        help="scaffold a new chat file (a draft)",
        description="Write chats/<slug>.yml for a new chat, as a draft: set its status to "
        "scheduled to publish it. In a terminal, asks for what is not given as an option "
        "(title, hashtag, start, the host's account on each of the chat's networks, then time "
        "zone, duration and questions) and checks each answer as it is typed; answers can also "
        "be piped in, one per line.",
    )
    parser.add_argument("--title", help="the chat's theme")
    parser.add_argument("--hashtag", help="the hashtag, with or without #")
    parser.add_argument("--start", help="local start time in the chat's zone, YYYY-MM-DD HH:MM")
    parser.add_argument("--host", help="the host's X handle, @name (needed when the chat runs on X)")
    parser.add_argument("--bluesky", help="the host's Bluesky handle, name.bsky.social")
    parser.add_argument("--mastodon", help="the host's Mastodon account, @name@server")
    parser.add_argument("--network", action="append", dest="networks",
                        help="a network the chat runs on: x, bluesky or mastodon (repeat for each; "
                        "default: the hub's networks option)")
    parser.add_argument("--timezone", help="IANA zone, like Europe/Paris (default: the hub's)")
    parser.add_argument("--duration", help="minutes (default 60)")
    parser.add_argument("--question", action="append", default=[], dest="questions",
                        help="a question (repeat for each, in order)")
    parser.add_argument("--slug", help="file name stem (default: <hashtag>-<date>)")
    parser.add_argument("--publish", action="store_true",
                        help="write it as scheduled, so the next build publishes it")
    parser.add_argument("--draft", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(run=run)


def default_slug(hashtag: str, start: str) -> str:
    tag = re.sub(r"[^a-z0-9]+", "-", hashtag.lower().removeprefix("#")).strip("-") or "chat"
    return f"{tag}-{start[:10]}"


class _Ended(Exception):
    """No more answers: standard input is closed or not a terminal."""


def _read(prompt: str) -> str:
    try:
        return input(f"{prompt}: ").strip()
    except (EOFError, OSError):
        raise _Ended from None


def _try_again(problem: str) -> None:
    print(f"  {problem}{'' if problem.endswith(('?', '.')) else '.'} Try again.", file=sys.stderr)


def _first_error(problems: list[Problem]) -> str | None:
    return problems[0].message if problems else None


class _Answers:
    """The values of a new chat: from the options, else asked for and checked one by one."""

    def __init__(self, args: argparse.Namespace, config: HubConfig) -> None:
        self.args, self.config = args, config
        self.flag_errors: list[str] = []
        self.interactive = True  # until standard input runs out

    def check(self, name: str, value: str) -> str | None:
        if name in ("bluesky", "mastodon"):
            network = NETWORKS[name]
            return None if network.account(value) else (
                f"{value!r} is not a {network.label} account, like {network.account_example}")
        if name == "start":
            zone = self.zone if self.zone is not None else self.config.timezone
            return resolve_start(value, zone)[1] if value else "start is empty"
        return _first_error(field_problems(name, value, self.config).errors)

    def get(self, name: str, prompt: str, default: str | None = None,
            check: Callable[[str], str | None] | None = None) -> str | None:
        """The option's value (reported by flag name when wrong), or an answer that passes."""
        check = check or (lambda value: self.check(name, value))
        given = getattr(self.args, name)
        if given is not None:
            problem = check(str(given))
            if problem:
                self.flag_errors.append(f"{FLAGS[name]}: {problem}")
                return None
            return str(given)
        if not self.interactive:
            return default
        while True:
            shown = f"{prompt} [{default}]" if default else prompt
            try:
                answer = _read(shown)
            except _Ended:
                self.interactive = False
                return default
            if not answer and default is not None:
                return default
            problem = check(answer)
            if not problem:
                return answer
            _try_again(problem)

    zone: str | None = None


def _kit_problems(values: ChatValues, path: Path, config: HubConfig) -> list[tuple[str, Problem]]:
    """Errors ``chathub check`` would report for the file, each with the option it comes from."""
    text = render_chat(replace(values, status="scheduled"))  # checked as it will be published
    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / path.name
        draft.write_text(text, encoding="utf-8")
        hub, problems = load_hub(config, [draft])  # as chathub check would: overlaps included
        for chat in hub.chats:
            problems.extend(check_kit(chat, config))
    keys = [(number, line.split(":", 1)[0]) for number, line in enumerate(text.splitlines(), 1)
            if re.match(r"^[a-z_]+:", line)]
    found = []
    for problem in problems.errors:
        key = next((k for number, k in reversed(keys) if number <= problem.line), "")
        found.append((FLAGS.get(key, "--" + key if key else "chathub new"), problem))
    return found


def _networks(names: list[str], errors: list[str]) -> list[str]:
    """The ``--network`` values, checked as a chat file's ``networks:`` list."""
    found: list[str] = []
    for name in names:
        network = name.strip().lower()
        if network not in NETWORKS:
            errors.append(f"--network: unknown network {name!r}; known networks: {', '.join(NETWORKS)}")
        elif network not in found:
            found.append(network)
    return found


def run(args: argparse.Namespace) -> int:
    config = load_config()
    answers = _Answers(args, config)
    networks = _networks(args.networks, answers.flag_errors) if args.networks else list(config.networks)
    asked = [ACCOUNT_PROMPTS[n][0] for n in networks]
    accounts_given = ("x" not in networks or args.host is not None) and any(
        getattr(args, n) is not None for n in asked)
    given_all = accounts_given and all(getattr(args, n) is not None for n in ("title", "hashtag", "start"))
    title = answers.get("title", "Title (the chat's theme)")
    hashtag = answers.get("hashtag", "Hashtag (with or without #)")
    answers.zone = args.timezone if args.timezone is not None and not answers.check(
        "timezone", args.timezone) else None
    zone_now = answers.zone or config.timezone
    start = answers.get("start", f"Start, local time in {zone_now} (YYYY-MM-DD HH:MM; the zone "
                        "comes next)")
    account: dict[str, str] = {}
    for network in networks:
        name, prompt = ACCOUNT_PROMPTS[network]
        account[name] = answers.get(name, prompt, None if network == "x" else "") or ""
    if networks and not any(account.values()) and answers.interactive:  # skipped every one: one is needed
        name, prompt = ACCOUNT_PROMPTS[networks[0]]
        print(f"  The host needs an account on {' or '.join(NETWORKS[n].label for n in networks)}.",
              file=sys.stderr)
        account[name] = answers.get(name, prompt) or ""
    for name in ("host", "bluesky", "mastodon"):  # an account given for a network the chat is not on
        if name not in account and getattr(args, name) is not None:
            account[name] = answers.get(name, "") or ""
    host = account.get("host", "")
    if given_all:
        answers.interactive = False  # every value came as an option: ask nothing more
    zone = answers.get("timezone", "Time zone (an IANA name like Europe/Paris)", config.timezone)
    if zone and start and args.timezone is None and answers.check("timezone", zone) is None:
        answers.zone = zone
        while start and answers.check("start", start):  # the zone changed: the start must exist in it
            _try_again(answers.check("start", start) or "")
            start = answers.get("start", f"Start, local time in {zone} (YYYY-MM-DD HH:MM)")
    duration = answers.get("duration", "Duration in minutes", "60")
    questions = []
    if args.questions:
        for number, text in enumerate(args.questions, 1):
            if not text.strip():
                answers.flag_errors.append(f"--question {number}: the question is empty")
            questions.append(text.strip())
    elif answers.interactive:
        while True:
            try:
                text = _read(f"Question {len(questions) + 1} (empty to finish)")
            except _Ended:
                break
            if not text:
                break
            questions.append(text)
    missing = [FLAGS[n] for n, v in (("title", title), ("hashtag", hashtag), ("start", start))
               if not v and getattr(args, n) is None]
    if "x" in networks and not host and args.host is None:
        missing.append("--host")
    elif not any(account.get(n) for n in asked) and not any(getattr(args, n) is not None for n in asked):
        missing.append(" or ".join(FLAGS[n] for n in asked))
    if missing:
        answers.flag_errors.append(f"missing {', '.join(missing)} (no terminal to ask in)")
    if args.slug is not None and not SLUG_RE.match(args.slug):
        answers.flag_errors.append(f"--slug: {args.slug[:60]!r} may hold only lowercase letters, digits "
                                   f"and hyphens, at most {MAX_SLUG}")
    if answers.flag_errors:
        for message in answers.flag_errors:
            print(f"chathub new: {message}", file=sys.stderr)
        return 2
    assert title and hashtag and start and zone and duration
    warning = fixed_offset_warning(zone)
    if warning:
        print(f"chathub new: warning: {warning}", file=sys.stderr)
    slug = args.slug or default_slug(hashtag, start)
    path = config.chats_dir / f"{slug}.yml"
    if path.exists() and not args.force:
        print(f"chathub new: {config.display_path(path)} exists; use --slug or --force",
              file=sys.stderr)
        return 1
    values = ChatValues(title=title, hashtag=hashtag, start=start, timezone=zone, host=host,
                        bluesky=account.get("bluesky", ""), mastodon=account.get("mastodon", ""),
                        networks=tuple(networks) if args.networks else (),
                        duration=int(duration), questions=tuple(questions),
                        status="scheduled" if args.publish else "draft", site_name=config.site_name)
    problems = _kit_problems(values, path, config)
    if problems:
        for flag, problem in problems:
            print(f"chathub new: {flag}: {problem.message}", file=sys.stderr)
        print(f"chathub new: nothing written to {config.display_path(path)}", file=sys.stderr)
        return 1
    config.chats_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(render_chat(values), encoding="utf-8")
    if args.publish:
        print(f"wrote {config.display_path(path)}: edit it, run chathub check, and commit it; "
              "the next build publishes it")
    else:
        print(f"wrote {config.display_path(path)} as a draft: edit it, run chathub check, then "
              "set status: scheduled to publish it")
    return 0

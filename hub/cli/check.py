"""``chathub check [PATH...]``: validate chats and report every problem at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..capture.reader import READERS, read_posts
from ..capture.x.fetch import window_problems
from ..kit.check import check_kit, placeholder_problems
from ..model.chat import Chat, HubConfig
from ..model.loader import find_chat_files, load_hub
from ..model.problems import Problems
from ..model.settings import ConfigError, load_config, site_url_warning
from ..model.zones import fixed_offset_warning
from ..transcripts.store import TranscriptError, read_bytes_checked


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "check",
        help="validate chat files",
        description="Validate chat files and print every problem as path:line:col: message, "
        "including questions whose post would not fit X's 280 characters. "
        "With no PATH, checks the chats folder of the hub in the current folder.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="chat files or folders to check")
    parser.set_defaults(run=run)


def transcript_problems(chat: Chat, config: HubConfig) -> Problems:
    """The chat's transcripts of every network, read as the build reads them: what would fail
    the build, file by file."""
    problems = Problems()
    for network in READERS:
        path = chat.transcript_file(network)
        try:
            data = read_bytes_checked(path, config.display_path(path))
            if data is not None:
                read_posts(chat, {network: data}, shown=config.display_path)
        except TranscriptError as exc:
            where = str(exc.path)
            if exc.details:  # FILE: post ID: what is wrong (line N)
                for detail in exc.details:
                    problems.add(where, 0, 0, detail)
            else:
                problems.add(where, exc.line, exc.col, exc.reason)
    return problems


def run(args: argparse.Namespace) -> int:
    config_found = True
    try:
        config = load_config()
    except ConfigError:
        if not args.paths:
            raise
        config = HubConfig(root=Path.cwd(), chats_dir=Path.cwd() / "chats")
        config_found = False
    paths: list[Path] | None = None
    if args.paths:
        paths = []
        for path in args.paths:
            if path.is_dir() and path.suffix not in (".yml", ".yaml"):
                paths.extend(find_chat_files(path))
            elif path.exists() or path.is_symlink():
                paths.append(path)  # anything but a regular file is reported by the loader
            else:
                print(f"{path}: no such file or folder", file=sys.stderr)
                return 2
    hub, problems = load_hub(config, paths)
    if config_found:
        warning = site_url_warning(config)
        if warning:
            problems.add("mkdocs.yml", 1, 1, warning, "warning")
        zone_warning = fixed_offset_warning(config.timezone)
        if zone_warning:
            problems.add("mkdocs.yml", 1, 1, f"plugin option timezone: {zone_warning}", "warning")
    problems.extend(window_problems(hub))
    for chat in hub.chats:
        problems.extend(check_kit(chat, config))
        problems.extend(placeholder_problems(chat, config))
        problems.extend(transcript_problems(chat, config))
    for problem in sorted(problems.items):
        print(problem, file=sys.stderr)
    checked = len(paths) if paths is not None else len(find_chat_files(config.chats_dir))
    errors, warnings = len(problems.errors), len(problems.warnings)
    summary = f"{checked} chat file{'s' * (checked != 1)} checked: {errors} error{'s' * (errors != 1)}"
    if warnings:
        summary += f", {warnings} warning{'s' * (warnings != 1)}"
    print(summary, file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0

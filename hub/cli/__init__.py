"""The ``chathub`` command: thin adapters over the core, one module per subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ..model.problems import HubError
from ..model.settings import ConfigError
from . import check, comply, fetch, import_, init, invite, leads, new

COMMANDS = (init, check, new, invite, fetch, import_, comply, leads)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chathub",
        description="Run a hub of scheduled hashtag chats: check, announce, capture, recap.",
    )
    parser.add_argument("--version", action="version", version=f"chathub {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run chathub with ``argv`` (default: the command line); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ConfigError, HubError) as exc:
        print(f"chathub: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chathub: interrupted", file=sys.stderr)
        return 130

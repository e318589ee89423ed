"""The ``chathub`` command: thin adapters over the core, one module per subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..capture.faults import REDACTOR
from ..i18n.languages import forget_catalogues
from ..model.problems import HubError
from ..model.settings import ConfigError
from ..transcripts.store import TranscriptError
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
    forget_catalogues()  # catalogues are looked for once per command (or build)
    try:
        return int(args.run(args) or 0)
    except (ConfigError, HubError) as exc:
        print(f"chathub: {exc}", file=sys.stderr)
        return 2
    except TranscriptError as exc:
        print(f"chathub {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("chathub: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one redacted line, never a traceback that may hold a secret
        if os.environ.get("CHATHUB_DEBUG"):
            raise
        message = REDACTOR.redact(f"{type(exc).__name__}: {exc}")[:500]
        print(f"chathub {args.command}: unexpected error ({message}); nothing more was written. "
              "Please report it (CHATHUB_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 70

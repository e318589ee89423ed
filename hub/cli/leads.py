"""``chathub leads SLUG...``: participants with buying signals, as CSV for a CRM."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from ..analysis.community import analyze_hub, load_analysis
from ..analysis.leads import COLUMNS, find_leads, write_leads
from ..model.loader import load_hub
from ..model.problems import HubError
from ..model.settings import load_config
from .chats import fail


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "leads",
        help="list participants with buying signals, as CSV",
        description="Print a CSV of the participants whose posts in the chats SLUG... contain a "
        "buying-signal keyword (plugin option lead_keywords). Columns: " + ", ".join(COLUMNS) + ". "
        "Hidden people and posts (hide lists) are left out. Nothing of this is published on the site.",
    )
    parser.add_argument("slugs", nargs="+", metavar="SLUG", help="the chat (file name without .yml)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write the CSV to FILE instead of standard output")
    parser.add_argument("-k", "--keyword", action="append", dest="keywords", metavar="WORDS",
                        help="look for these words instead of the configured keywords (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except HubError as exc:  # a transcript that cannot be read
        return fail("leads", str(exc), 2)


def _run(args: argparse.Namespace) -> int:
    config = load_config()
    hub, problems = load_hub(config)
    community = analyze_hub(hub)  # every published chat, analysed once
    analyses = []
    for slug in args.slugs:
        chat = hub.chat(slug)
        if chat is None:
            mine = [p for p in problems.errors if Path(p.path).stem == slug]
            if mine:
                raise HubError(mine)
            close = difflib.get_close_matches(slug, [c.slug for c in hub.chats], n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            return fail("leads", f"no chat {slug!r} in {config.display_path(config.chats_dir)}{hint}", 2)
        known = community.chats.get(slug)
        loaded = (known, "") if known is not None else load_analysis(chat, config)  # drafts too
        if loaded is None:
            shown = config.display_path(chat.transcript_path)
            return fail("leads", f"{slug} has no transcript yet ({shown}); capture it with chathub "
                        f"fetch {slug} or chathub import {slug} FILE")
        analyses.append(loaded[0])
    keywords = args.keywords or config.lead_keywords
    leads = find_leads(analyses, keywords)
    if args.output:
        try:
            with args.output.open("w", encoding="utf-8", newline="") as out:
                count = write_leads(leads, community, out)
        except OSError as exc:
            return fail("leads", f"cannot write {args.output}: {exc.strerror}", 2)
        print(f"{count} lead{'s' * (count != 1)} written to {args.output}", file=sys.stderr)
    else:
        write_leads(leads, community, sys.stdout)
    return 0

"""``chathub comply [SLUG...]``: re-check stored posts with X; drop the gone, refresh the rest."""

from __future__ import annotations

import argparse
import math
import os
import sys

from ..capture.x.client import LOOKUP_BATCH, PRICE_PER_POST_READ, TOKEN_ENV, XClient, XError, cost, read_token
from ..capture.x.comply import apply_findings, check_posts, stored_post_ids
from ..capture.x.document import read_transcript, update_transcript
from ..capture.x.fetch import hidden_entries
from ..model.chat import Chat, Hub
from ..transcripts.fields import id_order
from ..transcripts.store import TranscriptError
from . import networks as free
from .chats import CommandError, fail, load, pick, plural


class _Gone(Exception):
    """The transcript was deleted while its posts were being looked up."""


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "comply",
        help="remove deleted posts, refresh edited ones",
        description="Look up every stored post again, on every network of each chat. X: "
        f"get_tweets, 100 ids a request, with the bearer token in {TOKEN_ENV}; posts deleted or "
        "made unavailable are removed, edited text and metrics refreshed; each post checked is a "
        f"read (about ${PRICE_PER_POST_READ}). Bluesky: getPosts, 25 URIs a request (free, logged "
        "in with BSKY_HANDLE and BSKY_APP_PASSWORD). Mastodon: each status on the server it was "
        "read from; a 404 or 410 removes it (free). X's developer policy and Bluesky's developer "
        "guidelines ask sites that show posts to do this: the shipped comply.yml workflow runs it "
        "weekly (make it daily if people ask to be removed often).",
    )
    parser.add_argument("slugs", nargs="*", metavar="SLUG",
                        help="chats to check (default: every chat with a transcript)")
    free.network_option(parser, "check")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Every chosen network in turn: X, then Bluesky (getPosts, 25 a request) and Mastodon (each
    status on the server it was read from)."""
    hub = load()
    try:
        chats = pick(hub, args.slugs) if args.slugs else hub.chats
    except CommandError as exc:
        return fail("comply", str(exc))
    code = 0
    for network in free.chosen(args):
        mine = [c for c in chats if c.runs_on(network) or c.transcript_file(network).exists()]
        if not mine:
            continue
        if network == "x":
            code = max(code, _run_x(hub, mine, args))
        else:
            code = max(code, free.comply(network, hub, mine, bool(args.slugs), free.stderr))
    return code


def _run_x(hub: Hub, chats: list[Chat], args: argparse.Namespace) -> int:
    config = hub.config
    try:
        stored = [(chat, read_transcript(chat.transcript_path)) for chat in chats]
    except (CommandError, TranscriptError) as exc:
        return fail("comply", str(exc))
    work = [(chat, doc) for chat, doc in stored if doc and stored_post_ids(doc)]
    for chat, doc in stored:
        if args.slugs and not (doc and stored_post_ids(doc)):
            print(f"{chat.slug}: no stored posts to check")
    if not work:
        if not args.slugs:
            print("no transcript holds posts: nothing to check")
        return 0
    try:
        token = read_token()
    except XError as exc:
        if os.environ.get(TOKEN_ENV):  # set, but not usable: say why, never what it holds
            return fail("comply", f"{exc}; nothing was checked", 2)
        return fail("comply", f"no X API bearer token: set the environment variable {TOKEN_ENV} to "
                    "your app's bearer token (developer.x.com); comply looks up every stored post "
                    "with X, and nothing was checked", 2)
    ids = sum(len(stored_post_ids(doc)) for _, doc in work)
    requests = sum(math.ceil(len(stored_post_ids(doc)) / LOOKUP_BATCH) for _, doc in work)
    print(f"checking {plural(ids, 'stored post')} of {plural(len(work), 'chat')} in about "
          f"{plural(requests, 'request')}: up to {plural(ids, 'read')}, about {cost(ids)} at "
          f"${PRICE_PER_POST_READ} a read")
    client = XClient(token, say=_say)
    for chat, doc in work:
        try:
            findings = check_posts(client, stored_post_ids(doc))
        except XError as exc:
            return fail("comply", f"{chat.slug}: {exc}. Its transcript is unchanged")
        shown = config.display_path(chat.transcript_path)
        reports = []

        def apply(current, findings=findings, chat=chat, reports=reports):  # type: ignore[no-untyped-def]
            if current is None:  # removed meanwhile: nothing to keep in step
                raise _Gone
            updated, report = apply_findings(current, findings, hidden_entries(chat, config))
            reports.append(report)
            return updated

        try:
            written = update_transcript(chat.transcript_path, apply, say=_say, shown=shown)
        except _Gone:
            print(f"{shown}: removed while it was being checked; nothing written")
            continue
        except TranscriptError as exc:
            return fail("comply", f"{exc}; nothing was written")
        except OSError as exc:
            return fail("comply", f"cannot write {shown}: {exc.strerror or exc}")
        report = reports[-1]
        print(f"{shown}: {report.summary()}" + ("" if written else "; unchanged"))
        for ident in sorted(report.removed, key=id_order):
            print(f"  removed {ident}")
        for ident in sorted(report.edited, key=id_order):
            print(f"  edited {ident}")
    print(f"{plural(client.reads, 'post')} read in {plural(client.requests, 'request')}, about "
          f"{cost(client.reads)}")
    return 0

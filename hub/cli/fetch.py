"""``chathub fetch SLUG... | --due``: capture transcripts from X with the bearer token."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from ..capture.x.client import PRICE_PER_POST_READ, TOKEN_ENV, XClient, XError, cost, read_token
from ..capture.x.document import Document, read_transcript
from ..capture.x.fetch import (
    CaptureError,
    FetchPlan,
    count_posts,
    due_chats,
    estimate_reads,
    fetch_chat,
    is_complete,
    plan_fetch,
)
from ..model.chat import Chat, Hub
from ..model.networks import NETWORKS
from ..transcripts.store import TranscriptError
from . import networks as free
from .chats import CommandError, fail, load, pick, plural


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fetch",
        help="capture chat transcripts from X, Bluesky and Mastodon",
        description=f"Capture the transcripts of chats from every network each runs on. X: the "
        f"X API with the bearer token in {TOKEN_ENV}, recent search within 7 days of a chat, the "
        f"full archive after that; reads cost about ${PRICE_PER_POST_READ} a post on X's "
        "pay-per-use plan, and the expected number is printed before anything is read. Bluesky: "
        "searchPosts, logged in with BSKY_HANDLE and BSKY_APP_PASSWORD (free). Mastodon: the "
        "hashtag timeline of each server in mastodon_instances, logged in where "
        "MASTODON_TOKEN_<HOST> is set (free).",
    )
    parser.add_argument("slugs", nargs="*", metavar="SLUG", help="chats to fetch")
    parser.add_argument("--due", action="store_true",
                        help="fetch every published chat that has ended and has no complete "
                        "transcript yet")
    parser.add_argument("--refresh", action="store_true",
                        help="fetch again even when the transcript is complete (posts are merged, "
                        "never dropped)")
    parser.add_argument("--max-posts", type=int, metavar="N",
                        help="read at most N posts in this run (at least 10); a later fetch "
                        "continues where this one stopped")
    parser.add_argument("--count", action="store_true",
                        help="only ask X's counts endpoint how many posts match (no post is read)")
    free.network_option(parser, "fetch")
    parser.set_defaults(run=run)


def _plans(hub: Hub, chats: list[Chat],
           args: argparse.Namespace) -> list[tuple[FetchPlan, Document | None]]:
    plans = []
    for chat in chats:
        try:
            stored = read_transcript(chat.transcript_path)
        except TranscriptError as exc:
            raise CommandError(str(exc)) from None
        complete = is_complete(stored)
        if complete and not (args.refresh or args.count):
            count = len((stored or {}).get("data") or [])
            print(f"{chat.slug}: transcript complete ({plural(count, 'post')}); not fetched again "
                  "(--refresh fetches it anyway)")
            continue
        try:
            # --count reads no post: on a complete transcript it counts the whole window again.
            plan = plan_fetch(chat, hub.config, stored, refresh=args.refresh or (args.count and complete))
        except CaptureError as exc:
            if args.due:
                print(f"{chat.slug}: skipped: {exc}")
                continue
            raise CommandError(str(exc)) from None
        plans.append((plan, stored))
    return plans


def _describe(plan: FetchPlan, hub: Hub, budget: int | None, stored: Document | None) -> str:
    lines = []
    for step in plan.passes:
        endpoint = plan.endpoint(step.start)
        resumed = f", continuing below post {step.until_id}" if step.until_id else ""
        lines.append(f"  {plan.query}  {step.start:%Y-%m-%d %H:%M} to {step.end:%Y-%m-%d %H:%M} UTC "
                     f"via {endpoint.name} ({endpoint.method}, {endpoint.max_results} a "
                     f"request){resumed}")
    expected, basis = estimate_reads(plan, hub, stored)
    text = (f"{plan.chat.slug}: expect about {plural(expected, 'post read')}, about "
            f"{cost(expected)} at ${PRICE_PER_POST_READ} a read ({basis}), plus any replies "
            "without the hashtag to the team's questions")
    if budget is not None:
        text += f"; --max-posts caps this run at {budget} reads ({cost(budget)})"
    if plan.window_open:
        text += "; the chat's window has not fully passed, so a later fetch will continue"
    return "\n".join([text, *lines])


def run(args: argparse.Namespace) -> int:
    if args.due and args.slugs:
        return fail("fetch", "name the chats to fetch (chathub fetch SLUG...) or use --due, not "
                    "both", 2)
    if not args.due and not args.slugs:
        return fail("fetch", "which chats? Name them (chathub fetch SLUG...), or use --due for "
                    "every chat that has ended without a complete transcript", 2)
    if args.max_posts is not None and args.max_posts < 10:
        return fail("fetch", "--max-posts must be at least 10 (X returns 10 posts a request at "
                    "the least)", 2)
    hub = load()
    networks = free.chosen(args)
    try:
        picked = [] if args.due else pick(hub, args.slugs)
    except CommandError as exc:
        return fail("fetch", str(exc))
    if picked and args.networks:
        for chat in picked:
            if not any(chat.runs_on(n) for n in networks):
                return fail("fetch", f"{chat.slug} does not run on "
                            f"{' or '.join(NETWORKS[n].label for n in networks)} (its networks: "
                            f"{', '.join(chat.networks)})", 2)
    code = 0
    anything = False
    for network in networks:
        if args.due:
            chats = ([c for c in due_chats(hub) if c.runs_on("x")] if network == "x"
                     else free.due(hub, network))
        else:
            chats = [c for c in picked if c.runs_on(network)]
        if not chats:
            continue
        anything = True
        if network == "x":
            code = max(code, _run_x(hub, chats, args))
        else:
            code = max(code, free.fetch(network, hub, chats, args, free.stderr))
    if not anything and args.due:
        print("no chat is due: every ended chat has a complete transcript")
    return code


def _run_x(hub: Hub, chats: list[Chat], args: argparse.Namespace) -> int:
    """Fetch chats from X; the exit code."""
    try:
        plans = _plans(hub, chats, args)
    except CommandError as exc:
        return fail("fetch", str(exc))
    if not plans:
        return 0
    try:
        token = read_token()
    except XError as exc:
        return fail("fetch", str(exc), 2)
    interactive = sys.stderr.isatty()

    def say(message: str) -> None:
        tqdm.write(message, file=sys.stderr)

    client = XClient(token, say=say)
    budget = args.max_posts
    for plan, stored in plans:
        if budget is not None and budget < 10:
            print(f"{plan.chat.slug}: not fetched: --max-posts is used up")
            continue
        if args.count:
            try:
                total = count_posts(plan, client)
            except XError as exc:
                return fail("fetch", f"{plan.chat.slug}: {exc}")
            print(f"{plan.chat.slug}: X counts {plural(total, 'post')} for {plan.query} in what is left of "
                  f"the window: about {cost(total)} to read; nothing was read")
            continue
        print(_describe(plan, hub, budget, stored))
        with tqdm(total=budget, unit=" posts", desc=plan.chat.slug, file=sys.stderr,
                  disable=not interactive, leave=False) as bar:
            try:
                outcome = fetch_chat(plan, hub.config, client, stored, budget=budget,
                                     on_page=bar.update, say=say)
            except XError as exc:
                return fail("fetch", f"{plan.chat.slug}: {exc}. The stored transcript is unchanged")
            except TranscriptError as exc:
                return fail("fetch", f"{exc}; nothing was written")
            except OSError as exc:
                return fail("fetch", f"{plan.chat.slug}: cannot write the transcript: "
                            f"{exc.strerror or exc}")
        if budget is not None:
            budget -= outcome.reads
        state = "complete" if outcome.complete else "not complete yet"
        if outcome.capped:
            state += " (stopped at --max-posts; fetch again to continue)"
        hidden = f", {outcome.hidden} left out (hide)" if outcome.hidden else ""
        print(f"{plan.chat.slug}: read {plural(outcome.reads, 'post')} in "
              f"{plural(outcome.requests, 'request')} (about {cost(outcome.reads)}); "
              f"{outcome.new_posts} new{hidden}; {hub.config.display_path(plan.chat.transcript_path)} "
              f"holds {plural(outcome.total, 'post')}, {state}")
    if len(plans) > 1 and not args.count:
        print(f"in all: {plural(client.reads, 'post')} read in {plural(client.requests, 'request')}, "
              f"about {cost(client.reads)}")
    return 0

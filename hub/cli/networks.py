"""Fetch and comply for the free networks (Bluesky, Mastodon), one small interface each; the
``fetch`` and ``comply`` commands run X through their own code and these beside it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..capture.bluesky import comply as bluesky_comply
from ..capture.bluesky import fetch as bluesky_fetch
from ..capture.bluesky.client import BlueskyClient, BlueskyError, read_credentials
from ..capture.bluesky.document import SHAPE as BLUESKY_SHAPE
from ..capture.documents import Document, Shape
from ..capture.faults import APIFault
from ..capture.mastodon import comply as mastodon_comply
from ..capture.mastodon import fetch as mastodon_fetch
from ..capture.mastodon.client import MastodonFault
from ..capture.mastodon.document import SHAPE as MASTODON_SHAPE
from ..capture.mastodon.document import combine
from ..capture.window import FetchOutcome, hidden_entries
from ..model.chat import Chat, Hub
from ..model.networks import NETWORKS
from ..transcripts.store import TranscriptError
from .chats import plural

NAMES = tuple(NETWORKS)
Say = Callable[[str], None]


def network_option(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument("--network", action="append", dest="networks", metavar="NAME",
                        type=_networks, help=f"{verb} only this network: x, bluesky or mastodon "
                        "(repeatable, or comma-separated; default: every network of each chat)")


def _networks(value: str) -> list[str]:
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    for name in names:
        if name not in NETWORKS:
            raise argparse.ArgumentTypeError(f"unknown network {name!r} (choose from {', '.join(NAMES)})")
    return names


def chosen(args: argparse.Namespace) -> list[str]:
    """The networks the command was asked for, in the order of NETWORKS."""
    picked = {n for group in (getattr(args, "networks", None) or []) for n in group}
    return [n for n in NAMES if not picked or n in picked]


@dataclass(frozen=True)
class Free:
    """A network whose reads cost nothing."""

    name: str
    label: str
    shape: Shape
    fetch_module: Any
    errors: tuple[type[Exception], ...]
    hide: Callable[[Document, list[str]], tuple[Document, int]]
    combine: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None

    def stored(self, chat: Chat) -> Document | None:
        return self.shape.read(chat.transcript_file(self.name))

    def count(self, doc: Document | None) -> int:
        return len((doc or {}).get(self.shape.items) or [])


BLUESKY = Free("bluesky", "Bluesky", BLUESKY_SHAPE, bluesky_fetch, (BlueskyError, APIFault),
               bluesky_fetch.hide_posts)
MASTODON = Free("mastodon", "Mastodon", MASTODON_SHAPE, mastodon_fetch, (MastodonFault, APIFault),
                mastodon_fetch.hide_statuses, combine)
FREE = {n.name: n for n in (BLUESKY, MASTODON)}


def due(hub: Hub, network: str) -> list[Chat]:
    """Published, not cancelled, ended chats on ``network`` without a complete transcript of it."""
    now = hub.config.now
    spec = FREE[network]
    found = []
    for chat in sorted(hub.published, key=lambda c: c.start_utc):
        if chat.cancelled or not chat.has_ended(now) or not chat.runs_on(network):
            continue
        try:
            stored = spec.stored(chat)
        except TranscriptError:
            stored = None  # the fetch reports it
        if not spec.fetch_module.is_complete(stored):
            found.append(chat)
    return found


def fetch(network: str, hub: Hub, chats: list[Chat], args: argparse.Namespace, err: Say) -> int:
    """Fetch ``chats`` from a free network; the exit code (0, 1 on a fault, 2 without login)."""
    spec = FREE[network]
    work = []
    code = 0
    for chat in chats:
        try:
            stored = spec.stored(chat)
        except TranscriptError as exc:
            err(f"chathub fetch: {exc}")
            code = 1
            continue
        if spec.fetch_module.is_complete(stored) and not args.refresh:
            print(f"{chat.slug}: {spec.label} transcript complete ({plural(spec.count(stored), 'post')}); "
                  "not fetched again (--refresh fetches it anyway)")
            continue
        try:
            plan = spec.fetch_module.plan_fetch(chat, hub.config, stored, refresh=args.refresh)
        except (spec.fetch_module.CaptureError, *spec.errors) as exc:
            if args.due:
                print(f"{chat.slug}: skipped: {exc}")
                continue
            err(f"chathub fetch: {exc}")
            return 1
        work.append(plan)
    if not work:
        return code
    if args.count:
        for plan in work:
            print(f"{plan.chat.slug}: {spec.label} has no counts endpoint; reading it is free (no cost "
                  "per post), so fetch it to know")
        return code
    client: BlueskyClient | None = None
    if network == "bluesky":
        try:
            handle, password = read_credentials()
        except BlueskyError as exc:
            err(f"chathub fetch: {exc}")
            return 2
        client = BlueskyClient(handle, password, say=err)
    budget = args.max_posts
    for plan in work:
        if budget is not None and budget < 10:
            print(f"{plan.chat.slug}: not fetched from {spec.label}: --max-posts is used up")
            continue
        servers = ", ".join(plan.servers) if network == "mastodon" else "the Bluesky search"
        print(f"{plan.chat.slug}: reading #{plan.chat.hashtag} on {spec.label} ({servers}): free, no "
              "cost per post" + (f"; --max-posts caps this run at {budget} posts" if budget else ""))
        try:
            if client is not None:
                outcome = bluesky_fetch.fetch_chat(plan, hub.config, client, budget=budget)
            else:
                outcome = mastodon_fetch.fetch_chat(plan, hub.config, budget=budget, say=err)
        except (*spec.errors, spec.fetch_module.CaptureError) as exc:
            err(f"chathub fetch: {plan.chat.slug}: {exc}. The stored {spec.label} transcript is unchanged")
            code = 1
            continue
        except TranscriptError as exc:
            err(f"chathub fetch: {exc}")
            code = 1
            continue
        except OSError as exc:
            err(f"chathub fetch: {plan.chat.slug}: cannot write the transcript: {exc.strerror or exc}")
            code = 1
            continue
        if budget is not None:
            budget -= outcome.reads
        report(plan.chat, hub, spec, outcome, err)
    return code


def report(chat: Chat, hub: Hub, spec: Free, outcome: FetchOutcome, err: Say) -> None:
    for warning in outcome.warnings:
        err(f"warning: {chat.slug}: {warning}")
    state = "complete" if outcome.complete else "not complete yet"
    if outcome.capped:
        state += " (stopped at --max-posts; fetch again to continue)"
    hidden = f", {outcome.hidden} left out (hide)" if outcome.hidden else ""
    path = hub.config.display_path(chat.transcript_file(spec.name))
    print(f"{chat.slug}: read {plural(outcome.reads, 'post')} from {spec.label} in "
          f"{plural(outcome.requests, 'request')} (free); {outcome.new_posts} new{hidden}; {path} holds "
          f"{plural(outcome.total, 'post')}, {state}")


def comply(network: str, hub: Hub, chats: list[Chat], explicit: bool, err: Say) -> int:
    """Re-check the stored posts of a free network; the exit code."""
    spec = FREE[network]
    work = []
    code = 0
    for chat in chats:
        try:
            doc = spec.stored(chat)
        except TranscriptError as exc:
            err(f"chathub comply: {exc}")
            code = 1
            continue
        if doc and spec.count(doc):
            work.append((chat, doc))
        elif explicit and chat.runs_on(network):
            print(f"{chat.slug}: no stored {spec.label} posts to check")
    if not work:
        return code
    total = sum(spec.count(doc) for _, doc in work)
    print(f"checking {plural(total, 'stored post')} on {spec.label}: free, no cost per post")
    client: BlueskyClient | None = None
    if network == "bluesky":
        try:
            handle, password = read_credentials()
        except BlueskyError as exc:
            err(f"chathub comply: {exc}")
            return 2
        client = BlueskyClient(handle, password, say=err)
    for chat, doc in work:
        hidden = hidden_entries(chat, hub.config)
        try:
            if client is not None:
                updated, changes, left_out = bluesky_comply.comply_document(doc, client, hidden)
            else:
                updated, changes, left_out, _ = mastodon_comply.comply_document(doc, say=err, hidden=hidden)
        except spec.errors as exc:
            err(f"chathub comply: {chat.slug}: {exc}. Its {spec.label} transcript is unchanged")
            code = 1
            continue
        path = chat.transcript_file(network)
        removed = changes["removed"]
        for host, why in sorted((changes.get("failed") or {}).items()):
            err(f"warning: {chat.slug}: {host} could not be asked ({why}); its statuses are kept, "
                "not confirmed, until a later comply")
            code = 1

        def change(now: Document | None, updated: Document = updated, removed: set[str] = removed,
                   hidden: list[str] = hidden) -> Document:
            """What comply learnt, applied to what is stored now (a fetch may have added posts)."""
            if now is None:  # removed meanwhile: nothing to keep in step
                raise _Gone
            items = spec.shape.items
            merged = spec.shape.merge(now, updated.get(items) or [], combine=spec.combine)
            merged[items] = [i for i in merged[items] if spec.shape.ident(i) not in removed]
            merged, _ = spec.hide(merged, hidden)
            merged["meta"] = {**merged["meta"], "result_count": len(merged[items])}
            return merged

        try:
            written = spec.shape.update(path, change)
        except _Gone:
            print(f"{hub.config.display_path(path)}: removed while it was being checked; nothing written")
            continue
        except (OSError, TranscriptError) as exc:
            err(f"chathub comply: cannot write {hub.config.display_path(path)}: {exc}")
            code = 1
            continue
        note = f", {left_out} left out (hide)" if left_out else ""
        unconfirmed = changes.get("unconfirmed") or set()
        extra = f", {len(unconfirmed)} not confirmed either way (kept)" if unconfirmed else ""
        print(f"{hub.config.display_path(path)}: {spec.count(doc)} posts checked: {len(removed)} removed "
              f"(deleted or no longer public), {len(changes['updated'])} with new counts or fields"
              f"{note}{extra}" + ("" if written else "; unchanged"))
        for ident in sorted(removed):
            print(f"  removed {ident}")
    return code


class _Gone(Exception):
    """The transcript was deleted while its posts were being checked."""


def stderr(message: str) -> None:
    print(message, file=sys.stderr)

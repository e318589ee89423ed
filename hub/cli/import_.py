"""``chathub import SLUG FILE...``: merge posts from files you already have into a transcript."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..capture.imports import bluesky_posts, detect, mastodon_statuses
from ..capture.window import window_meta
from ..capture.x.document import (
    Document,
    empty_document,
    hide_posts,
    merge_documents,
    post_ids,
    read_transcript,
    update_transcript,
)
from ..capture.x.fetch import capture_window, hidden_entries, iso, main_query
from ..capture.x.imports import ImportFileError, keep_window, read_import
from ..model.chat import Chat, Hub
from ..model.networks import NETWORKS
from ..transcripts.fields import parse_instant
from ..transcripts.store import TranscriptError
from . import networks as free
from .chats import CommandError, fail, load, pick, plural


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="merge posts from X, Bluesky or Mastodon files into a transcript",
        description="Merge posts into a chat's transcript from files you have: twarc2 JSONL (one "
        "API response per line, with or without twarc's envelope, or flattened), a single X API "
        "v2 response as JSON, or twarc-csv CSV. Posts already stored are kept; the files only "
        "add what is missing. Bluesky: searchPosts or getPostThread responses, or a list or "
        "JSON Lines of them; Mastodon: timelines (lists of statuses) or status_context "
        "responses, or JSON Lines of them. The network is recognised from each file's shape "
        "(--network says it). Nothing is written unless every file reads cleanly.",
    )
    parser.add_argument("--network", choices=tuple(NETWORKS),
                        help="the network the files come from (default: recognised by their shape)")
    parser.add_argument("slug", metavar="SLUG", help="the chat")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to import")
    parser.add_argument("--window", action="store_true",
                        help="keep only posts from the chat's capture window (posts outside it "
                        "that a kept post quotes or replies to are kept as references)")
    parser.add_argument("--complete", action="store_true",
                        help="mark the transcript complete, so chathub fetch --due leaves it be")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    hub = load()
    try:
        (chat,) = pick(hub, [args.slug])
    except CommandError as exc:
        return fail("import", str(exc))
    found: dict[str, list[Path]] = {}
    for path in args.files:
        try:
            network = args.network or detect(path, str(path))
        except ImportFileError as exc:
            return fail("import", f"{exc}; nothing was imported")
        found.setdefault(network, []).append(path)
    if len(found) > 1:
        return fail("import", "the files come from several networks ("
                    + "; ".join(f"{n}: {', '.join(map(str, p))}" for n, p in found.items())
                    + "); import each network's files on their own, or say --network", 2)
    network, files = next(iter(found.items()))
    if network != "x":
        return _run_free(hub, chat, network, files, args)
    return _run_x(hub, chat, args)


def _run_free(hub: Hub, chat: Chat, network: str, files: list[Path], args: argparse.Namespace) -> int:
    """Import Bluesky or Mastodon files into ``chats/<slug>.bsky.json`` or ``.mastodon.json``."""
    spec = free.FREE[network]
    config = hub.config
    window = capture_window(chat, config)
    read: list[tuple[Path, list[dict]]] = []
    for path in files:
        try:
            items = (bluesky_posts(path, str(path)) if network == "bluesky" else
                     mastodon_statuses(path, str(path), chat.mastodon_instances[0]))
        except ImportFileError as exc:
            return fail("import", f"{exc}; nothing was imported")
        read.append((path, items))
    target = chat.transcript_file(network)
    shown = config.display_path(target)
    try:
        before = spec.shape.ids(spec.stored(chat))
    except TranscriptError as exc:
        return fail("import", str(exc))
    summary: dict[str, int] = {}

    def created(item: dict) -> object:
        record = item.get("record") if isinstance(item.get("record"), dict) else {}
        return parse_instant(record.get("createdAt") or item.get("created_at") or item.get("indexedAt"))

    def change(stored: dict | None) -> dict:
        document = stored or spec.shape.empty()
        meta = dict(document.get("meta") or {})
        records = {r.get("file"): r for r in meta.get("imports") or [] if isinstance(r, dict)}
        for path, items in read:
            left_out = 0
            if args.window:
                kept = [i for i in items if window.holds(created(i))]  # type: ignore[arg-type]
                left_out, items = len(items) - len(kept), kept
            new = len(spec.shape.ids({spec.shape.items: items}) - spec.shape.ids(document))
            document = spec.shape.merge(document, items, keep_stored=True, combine=spec.combine)
            summary[str(path)] = new
            outside = f", {left_out} outside the chat's window left out" if left_out else ""
            print(f"{path}: {plural(len(items), 'post')}, {new} new{outside}")
            earlier = records.get(path.name)
            if not (new == 0 and earlier and earlier.get("posts") == len(items)):
                records[path.name] = {"file": path.name, "imported_at": iso(config.now), "posts": len(items)}
        meta["imports"] = [records[name] for name in sorted(records)]
        if args.complete:
            meta.update(tag=chat.hashtag, window=window_meta(chat, window), complete=True)
        document["meta"] = {**document.get("meta", {}), **meta}
        document, summary["hidden"] = spec.hide(document, hidden_entries(chat, config))
        document["meta"]["result_count"] = len(document[spec.shape.items])
        summary["total"] = len(document[spec.shape.items])
        summary["added"] = len(spec.shape.ids(document) - before)
        return document

    try:
        spec.shape.update(target, change, say=_say, shown=shown)
    except TranscriptError as exc:
        return fail("import", str(exc))
    except OSError as exc:
        return fail("import", f"cannot write {shown}: {exc.strerror or exc}")
    note = f" ({summary['hidden']} left out: hide)" if summary.get("hidden") else ""
    print(f"{shown}: {plural(summary['added'], 'post')} added{note}; it holds "
          f"{plural(summary['total'], 'post')}" + (", marked complete" if args.complete else ""))
    return 0


def _run_x(hub: Hub, chat: Chat, args: argparse.Namespace) -> int:
    """Import X files into ``chats/<slug>.tweets.json``."""
    config = hub.config
    try:
        read_transcript(chat.transcript_path)  # a broken stored file is said before the imports are read
    except TranscriptError as exc:
        return fail("import", str(exc))
    window = capture_window(chat, config)
    imported = []
    for path in args.files:
        try:
            doc = read_import(path, str(path))
        except ImportFileError as exc:
            return fail("import", f"{exc}; nothing was imported")
        left_out = 0
        if args.window:
            doc, left_out = keep_window(doc, window.start, window.end)
        imported.append((path, doc, left_out))
    lines: list[str] = []
    added: list[int] = []
    hidden: list[int] = []

    def merge_into(current: Document | None) -> Document:
        """The imported posts merged into what is stored now (stored copies win)."""
        lines.clear()
        document = current or empty_document()
        before = post_ids(document)
        meta = dict(document.get("meta") or {})
        records = {r.get("file"): r for r in meta.get("imports") or [] if isinstance(r, dict)}
        for path, doc, left_out in imported:
            count = len(doc.get("data") or [])
            new = len(post_ids(doc) - post_ids(document))
            document = merge_documents(document, doc, keep_stored=True)
            outside = f", {left_out} outside the chat's window left out" if left_out else ""
            lines.append(f"{path}: {plural(count, 'post')}, {new} new{outside}")
            earlier = records.get(path.name)
            if not (new == 0 and earlier and earlier.get("posts") == count):  # same file again: no diff
                records[path.name] = {"file": path.name, "imported_at": iso(config.now), "posts": count}
        meta["imports"] = [records[name] for name in sorted(records, key=str)]
        if args.complete:
            meta.update(query=meta.get("query") or main_query(chat), start_time=iso(window.start),
                        end_time=iso(window.end), complete=True)
        document["meta"] = {**document.get("meta", {}), **meta}
        document, count = hide_posts(document, hidden_entries(chat, config))
        hidden[:] = [count]
        added[:] = [len(post_ids(document) - before), len(document["data"])]
        return document

    shown = config.display_path(chat.transcript_path)
    try:
        update_transcript(chat.transcript_path, merge_into, say=_say, shown=shown)
    except TranscriptError as exc:
        return fail("import", f"{exc}; nothing was imported")
    except OSError as exc:
        return fail("import", f"cannot write {shown}: {exc.strerror or exc}")
    for line in lines:
        print(line)
    note = f" ({hidden[0]} left out: hide)" if hidden[0] else ""
    print(f"{shown}: {plural(added[0], 'post')} added{note}; it holds {plural(added[1], 'post')}"
          + (", marked complete" if args.complete else ""))
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr)

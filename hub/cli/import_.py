"""``chathub import SLUG FILE...``: merge posts from files you already have into a transcript."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
from ..transcripts.store import TranscriptError
from .chats import CommandError, fail, load, pick, plural


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="merge posts from twarc JSONL, API JSON or twarc-csv files",
        description="Merge posts into a chat's transcript from files you have: twarc2 JSONL (one "
        "API response per line, with or without twarc's envelope, or flattened), a single X API "
        "v2 response as JSON, or twarc-csv CSV. Posts already stored are kept; the files only "
        "add what is missing. Nothing is written unless every file reads cleanly.",
    )
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
    config = hub.config
    try:
        (chat,) = pick(hub, [args.slug])
        read_transcript(chat.transcript_path)  # a broken stored file is said before the imports are read
    except (CommandError, TranscriptError) as exc:
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

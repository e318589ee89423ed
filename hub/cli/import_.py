"""``chathub import SLUG FILE...``: merge posts from files you already have into a transcript."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..capture.x.document import hide_posts, merge_documents, post_ids, read_transcript, update_transcript
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
        stored = read_transcript(chat.transcript_path)
    except (CommandError, TranscriptError) as exc:
        return fail("import", str(exc))
    imported = []
    for path in args.files:
        try:
            imported.append((path, read_import(path, str(path))))
        except ImportFileError as exc:
            return fail("import", f"{exc}; nothing was imported")
    window = capture_window(chat, config)
    before = post_ids(stored or {})
    document = stored
    meta = dict((stored or {}).get("meta") or {})
    records = {r.get("file"): r for r in meta.get("imports") or [] if isinstance(r, dict)}
    for path, doc in imported:
        left_out = 0
        if args.window:
            doc, left_out = keep_window(doc, window.start, window.end)
        count = len(doc.get("data") or [])
        new = len(post_ids(doc) - post_ids(document or {}))
        document = merge_documents(document, doc, keep_stored=True)
        outside = f", {left_out} outside the chat's window left out" if left_out else ""
        print(f"{path}: {plural(count, 'post')}, {new} new{outside}")
        earlier = records.get(path.name)
        if not (new == 0 and earlier and earlier.get("posts") == count):  # same file again: no diff
            records[path.name] = {"file": path.name, "imported_at": iso(config.now), "posts": count}
    assert document is not None
    meta["imports"] = [records[name] for name in sorted(records)]
    if args.complete:
        meta.update(query=meta.get("query") or main_query(chat), start_time=iso(window.start),
                    end_time=iso(window.end), complete=True)
    document["meta"] = {**document.get("meta", {}), **meta}
    document, hidden = hide_posts(document, hidden_entries(chat, config))
    try:
        update_transcript(chat.transcript_path, lambda _stored: document)
    except OSError as exc:
        return fail("import", f"cannot write {chat.transcript_path}: {exc.strerror or exc}")
    added = len(post_ids(document) - before)
    note = f" ({hidden} left out: hide)" if hidden else ""
    print(f"{config.display_path(chat.transcript_path)}: {plural(added, 'post')} added{note}; it "
          f"holds {plural(len(document['data']), 'post')}"
          + (", marked complete" if args.complete else ""))
    return 0

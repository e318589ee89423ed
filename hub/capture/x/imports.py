"""Posts a user already has, read into transcript documents.

Three formats are read:

- twarc2 JSONL: one API response per line, with or without twarc's ``__twarc`` envelope, and
  also twarc's flattened lines (one post per line with ``author`` and the like inlined);
- a single X API v2 response (or a list of them) as one JSON document;
- twarc-csv CSV in its default columns (old and current ones), authors rebuilt from the
  ``author.*`` columns.

A file that cannot be read raises ``ImportFileError`` naming the file and the line; a post of the
wrong shape, ``FILE: post ID: what is wrong (line N)``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...transcripts.fields import parse_instant
from .document import INCLUDE_KEYS, Document, Item, merge_documents, prune_includes
from .schema import document_problems, snowflake_time

POST_ID_RE = re.compile(r"^\d{1,25}$")
# Columns twarc-csv writes that hold JSON (lists and objects).
_JSON_COLUMNS = re.compile(
    r"^(entities\..*|context_annotations|referenced_tweets|edit_history_tweet_ids|"
    r"attachments\.(media|media_keys|poll_ids|poll\.options)|withheld\.country_codes|"
    r"author\.entities\..*|author\.withheld\.country_codes|geo\.geo\.bbox|"
    r"geo\.coordinates\.coordinates|matching_rules)$"
)
_INT_COLUMNS = re.compile(
    r"^(public_metrics\..*|author\.public_metrics\..*|edit_controls\.edits_remaining|"
    r"attachments\.poll\.duration_minutes)$"
)
_BOOL_COLUMNS = {"possibly_sensitive", "edit_controls.is_edit_eligible", "author.protected",
                 "author.verified", "withheld.copyright", "author.withheld.copyright"}
# Free-text columns: old twarc-csv wrote them JSON-encoded, current twarc-csv escapes newlines.
_TEXT_COLUMNS = {"text", "note_tweet.text", "source", "author.name", "author.description",
                 "author.location", "geo.name", "geo.full_name"}
# Columns derived by twarc-csv, or about the capture rather than the post.
_SKIPPED_COLUMNS = {"type", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
                    "quoted_user_id", "quoted_username", "matching_rules"}
_STUB_USERS = (("in_reply_to_user_id", "in_reply_to_username"),
               ("retweeted_user_id", "retweeted_username"), ("quoted_user_id", "quoted_username"))
_TCO_RE = re.compile(r"https?://t\.co/\w+")


class ImportFileError(Exception):
    """A file that cannot be imported; the message is ``path:line: what is wrong``."""


def read_import(path: Path, shown: str | None = None) -> Document:
    """Every post (and its includes) in one file, as a transcript document."""
    name = shown or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{name}: no such file") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"{name}:{line}: not UTF-8 text") from None
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot read it: {exc.strerror or exc}") from None
    if not text.strip():
        raise ImportFileError(f"{name}:1: the file is empty")
    if path.suffix.lower() == ".csv" or text.lstrip()[:1] not in ("{", "["):
        return read_csv(text, name)
    return read_json(text, name)


# --- JSON and JSONL ---------------------------------------------------------------------------
MAX_NESTING = 6_000  # recursion limit while parsing: a thread 1000 replies deep, its posts, the stack


def loads_checked(text: str, name: str, line: int) -> Any:
    """``json.loads``, with NaN and Infinity refused, reading as deep as a Bluesky
    ``getPostThread`` response of depth 1000 nests (two levels a reply) rather than Python's
    default 1000; deeper values or numbers of thousands of digits are an ``ImportFileError``."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, MAX_NESTING))
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise ImportFileError(f"{name}:{line}: nested deeper than {MAX_NESTING - 1000:,} levels; "
                              "no API response chathub reads nests so deep") from None
    except ValueError as exc:
        reason = str(exc)[:120]
        if "integer string conversion" in reason:  # Python's own limit, worded for Python users
            reason = f"a number of more than {sys.get_int_max_str_digits():,} digits"
        raise ImportFileError(f"{name}:{line}: not usable JSON: {reason}") from None
    finally:
        sys.setrecursionlimit(limit)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json(text: str, name: str) -> Document:
    """A single JSON document, or JSON lines (twarc2's one response per line)."""
    try:
        whole = loads_checked(text, name, 1)
    except json.JSONDecodeError as whole_error:
        lines = text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        if not _parses(lines[first]):
            raise ImportFileError(
                f"{name}:{whole_error.lineno}: not valid JSON: {whole_error.msg}"
            ) from None
        docs: list[Document] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = loads_checked(line, name, number)
            except json.JSONDecodeError as exc:
                raise ImportFileError(f"{name}:{number}: not valid JSON: {exc.msg}") from None
            docs.extend(_checked(_documents(value, name, number), name, number))
        return merge_documents(None, *docs)
    return merge_documents(None, *_checked(_documents(whole, name, 1), name, 1))


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return False
    return True


def _checked(docs: list[Document], name: str, line: int) -> list[Document]:
    """The documents read from one line, once every post in them has the shape it must."""
    for doc in docs:
        problems = document_problems(doc)
        if problems:
            first = problems[0]
            more = f"; and {len(problems) - 1} more problems" if len(problems) > 1 else ""
            raise ImportFileError(first.text(name, line) + more)
    return docs


def _documents(value: Any, name: str, line: int) -> list[Document]:
    if isinstance(value, list):
        return [doc for item in value for doc in _documents(item, name, line)]
    if not isinstance(value, dict):
        raise ImportFileError(f"{name}:{line}: not an X API response or a post")
    if "data" in value or "includes" in value:
        return [_response(value, name, line)]
    if "id" in value and "text" in value:
        _check_post(value, name, line)
        return [_unflatten(value)]
    if "errors" in value or "__twarc" in value:
        return []  # a page in which every post was unavailable, or twarc's bookkeeping
    if "action" in value and "id" in value:
        raise ImportFileError(f"{name}:{line}: a compliance record, not a post")
    raise ImportFileError(f"{name}:{line}: not an X API response (no data) or a post (no id and text)")


def _check_post(post: Any, name: str, line: int) -> None:
    if not isinstance(post, dict):
        raise ImportFileError(f"{name}:{line}: a post must be a JSON object")
    ident = str(post.get("id", ""))
    if not POST_ID_RE.match(ident):
        raise ImportFileError(f"{name}:{line}: {post.get('id')!r} is not a post id")


def _response(value: dict[str, Any], name: str, line: int) -> Document:
    data = value.get("data") or []
    posts = [data] if isinstance(data, dict) else data
    if not isinstance(posts, list):
        raise ImportFileError(f"{name}:{line}: data must be a list of posts")
    for post in posts:
        _check_post(post, name, line)
    includes = value.get("includes") or {}
    if not isinstance(includes, dict) or not all(isinstance(v, list) for v in includes.values()):
        raise ImportFileError(f"{name}:{line}: includes must map names to lists")
    flat = any(k in post for post in posts for k in ("author", "in_reply_to_user", "__twarc"))
    if flat:  # twarc's flattened responses inline the includes into each post
        return merge_documents({"data": [], "includes": includes, "meta": {}},
                               *(_unflatten(p) for p in posts))
    return {"data": posts, "includes": includes, "meta": {}}


def _unflatten(post: Item) -> Document:
    """A twarc-flattened post back into the API's shape: inlined objects go to includes."""
    found: dict[str, dict[str, Item]] = {name: {} for name in INCLUDE_KEYS}

    def include(kind: str, item: Any) -> None:
        key = INCLUDE_KEYS[kind]
        if isinstance(item, dict) and item.get(key):
            item = {k: v for k, v in item.items() if k not in ("pinned_tweet", "__twarc")}
            found[kind][str(item[key])] = {**found[kind].get(str(item[key]), {}), **item}

    def restore(tweet: Item) -> Item:
        tweet = {k: v for k, v in tweet.items() if k != "__twarc"}
        include("users", tweet.pop("author", None))
        include("users", tweet.pop("in_reply_to_user", None))
        attachments = tweet.get("attachments")
        if isinstance(attachments, dict):
            attachments = dict(attachments)
            media = [m for m in attachments.pop("media", None) or [] if isinstance(m, dict)]
            for item in media:
                include("media", item)
            if media and "media_keys" not in attachments:
                attachments["media_keys"] = [m["media_key"] for m in media if m.get("media_key")]
            poll = attachments.pop("poll", None)
            include("polls", poll)
            if isinstance(poll, dict) and poll.get("id") and "poll_ids" not in attachments:
                attachments["poll_ids"] = [poll["id"]]
            tweet["attachments"] = attachments
        geo = tweet.get("geo")
        if isinstance(geo, dict) and geo.get("place_id"):
            place = {k: v for k, v in geo.items() if k not in ("place_id", "coordinates")}
            include("places", place)
            tweet["geo"] = {k: geo[k] for k in ("place_id", "coordinates") if k in geo}
        entities = tweet.get("entities")
        if isinstance(entities, dict) and isinstance(entities.get("mentions"), list):
            tweet["entities"] = {**entities, "mentions": [_slim_mention(m, include)
                                                          for m in entities["mentions"]]}
        refs = tweet.get("referenced_tweets")
        if isinstance(refs, list):
            slim = []
            for ref in refs:
                if not isinstance(ref, dict):
                    continue
                slim.append({"type": ref.get("type"), "id": ref.get("id")})
                if "text" in ref:
                    include("tweets", restore({k: v for k, v in ref.items() if k != "type"}))
            tweet["referenced_tweets"] = slim
        return tweet

    main = restore(post)
    return {"data": [main], "includes": {k: list(v.values()) for k, v in found.items() if v},
            "meta": {}}


def _slim_mention(mention: Any, include: Any) -> Any:
    """A mention entity as the API gives it; a user inlined into it goes to includes."""
    if not isinstance(mention, dict):
        return mention
    user = {k: v for k, v in mention.items() if k not in ("start", "end")}
    if user.get("id") and len(user) > 2:
        include("users", user)
    return {k: mention[k] for k in ("start", "end", "username", "id") if k in mention}


# --- CSV -------------------------------------------------------------------------------------

def read_csv(text: str, name: str) -> Document:
    """twarc-csv output: one post per row, dotted column names, JSON in list columns."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header or "id" not in [h.strip() for h in header]:
            raise ImportFileError(f"{name}:1: not a twarc-csv file: the header has no id column")
        header = [h.strip() for h in header]
        rows: list[tuple[int, dict[str, str]]] = []
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ImportFileError(
                    f"{name}:{start}: {len(row)} fields, but the header has {len(header)}"
                )
            rows.append((start, dict(zip(header, row, strict=True))))
    except csv.Error as exc:
        raise ImportFileError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None
    encoded = _json_encoded_columns(header, [row for _, row in rows])
    docs = [doc for number, row in rows for doc in _checked([_csv_row(row, encoded, name, number)], name,
                                                             number)]
    if not docs:
        raise ImportFileError(f"{name}:2: no posts: the file has a header but no rows")
    return merge_documents(None, *docs)


def _json_encoded_columns(header: list[str], rows: list[dict[str, str]]) -> set[str]:
    """Free-text columns written JSON-encoded (old twarc-csv): every value is a JSON string."""
    encoded = set()
    for column in header:
        if column not in _TEXT_COLUMNS:
            continue
        values = [row[column] for row in rows if row.get(column)]
        if values and all(_json_string(v) is not None for v in values):
            encoded.add(column)
    return encoded


def _json_string(value: str) -> str | None:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return None
    try:
        decoded = json.loads(value)
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, str) else None


def _set(target: Item, path: list[str], value: Any) -> None:
    for part in path[:-1]:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = target[part] = {}
        target = nested
    target[path[-1]] = value


def _cell(column: str, raw: str, encoded: set[str], name: str, line: int) -> Any:
    if column in encoded:
        return _json_string(raw)
    if column in _TEXT_COLUMNS:
        return raw.replace("\\n", "\n") if column in ("text", "note_tweet.text",
                                                       "author.description") else raw
    if _JSON_COLUMNS.match(column):
        try:
            return loads_checked(raw, name, line)
        except json.JSONDecodeError:
            raise ImportFileError(f"{name}:{line}: column {column} is not valid JSON") from None
    if _INT_COLUMNS.match(column):
        try:
            return int(float(raw))
        except (ValueError, OverflowError):
            raise ImportFileError(f"{name}:{line}: column {column}: {raw!r} is not a number") from None
    if column in _BOOL_COLUMNS:
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ImportFileError(f"{name}:{line}: column {column}: {raw!r} is not true or false")
        return raw.lower() in ("true", "1")
    return raw


def _csv_row(row: dict[str, str], encoded: set[str], name: str, line: int) -> Document:
    post: Item = {}
    author: Item = {}
    place: Item = {}
    poll: Item = {}
    includes: dict[str, list[Item]] = {"users": [], "tweets": [], "media": [], "places": [],
                                       "polls": []}
    references: list[Item] = []
    for column, raw in row.items():
        if raw == "" or column in _SKIPPED_COLUMNS or column.startswith("__twarc"):
            continue
        value = _cell(column, raw, encoded, name, line)
        if column.startswith("author."):
            _set(author, column.split(".")[1:], value)
        elif column.startswith("referenced_tweets."):  # referenced_tweets.replied_to.id
            parts = column.split(".")
            if len(parts) == 3 and parts[2] == "id":
                references.append({"type": parts[1], "id": str(value)})
        elif column in ("geo.place_id",) or column.startswith("geo.coordinates."):
            _set(post, column.split("."), value)
        elif column.startswith("geo."):
            _set(place, column.split(".")[1:], value)
        elif column.startswith("attachments.poll."):
            _set(poll, column.split(".")[2:], value)
        elif column == "attachments.media":
            media = [m for m in value or [] if isinstance(m, dict) and m.get("media_key")]
            includes["media"].extend(media)
            if media:
                post.setdefault("attachments", {}).setdefault(
                    "media_keys", [m["media_key"] for m in media])
        else:
            _set(post, column.split("."), value)
    ident = str(post.get("id", ""))
    if not POST_ID_RE.match(ident):
        raise ImportFileError(f"{name}:{line}: {post.get('id')!r} is not a post id")
    if "created_at" in post:
        post["created_at"] = _api_time(str(post["created_at"]), name, line)
    if references:
        post["referenced_tweets"] = references
    if isinstance(post.get("referenced_tweets"), list):
        slim = []
        for ref in post["referenced_tweets"]:
            if isinstance(ref, dict):
                slim.append({"type": ref.get("type"), "id": str(ref.get("id"))})
                if "text" in ref:
                    inner = _unflatten({k: v for k, v in ref.items() if k != "type"})
                    includes["tweets"].extend(inner["data"])
                    for kind, items in inner["includes"].items():
                        includes[kind].extend(items)
        post["referenced_tweets"] = slim
    if poll.get("id"):
        includes["polls"].append(poll)
        post.setdefault("attachments", {}).setdefault("poll_ids", [poll["id"]])
    if place.get("id"):
        includes["places"].append(place)
    entities = post.get("entities")
    if isinstance(entities, dict):
        post["entities"] = _rebuild_entities(entities, str(post.get("text", "")), includes["users"])
    if author.get("id") or post.get("author_id"):
        author_id = str(author.get("id") or post.get("author_id"))
        post.setdefault("author_id", author_id)
        if author:
            author["id"] = author_id
            author.pop("pinned_tweet", None)
            if isinstance(author.get("entities"), dict):
                author["entities"] = _rebuild_user_entities(author["entities"],
                                                            str(author.get("description") or ""))
            includes["users"].append(author)
    for id_column, name_column in _STUB_USERS:
        if row.get(id_column) and row.get(name_column):
            includes["users"].insert(0, {"id": row[id_column], "username": row[name_column]})
    return merge_documents(None, {"data": [post],
                                  "includes": {k: v for k, v in includes.items() if v}})


def _api_time(text: str, name: str, line: int) -> str:
    """created_at as the API writes it (``2026-10-15T17:00:00.000Z``)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ImportFileError(f"{name}:{line}: created_at {text[:40]!r} is not a date and time") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _rebuild_entities(entities: Item, text: str, users: list[Item]) -> Item:
    """Entities as the API gives them. Old twarc-csv kept the objects (with users inlined into
    mentions); current twarc-csv keeps only ``#tag``, ``@name`` and URL strings, whose places in
    the text are found again here."""
    result: Item = {}
    for kind, items in entities.items():
        if not isinstance(items, list) or not items:
            result[kind] = items
        elif all(isinstance(i, dict) for i in items):
            if kind == "mentions":
                result[kind] = [_slim_mention(m, lambda _k, u: users.append(u)) for m in items]
            else:
                result[kind] = items
        elif kind in ("hashtags", "cashtags", "mentions"):
            result[kind] = _locate(items, text, kind)
        elif kind == "urls":
            result[kind] = _locate_urls(items, text)
    return result


def _rebuild_user_entities(entities: Item, description: str) -> Item:
    """A user's entities as the API gives them. Current twarc-csv writes ``url.urls`` and
    ``description.*`` as lists of plain strings (the expanded URLs, ``#tags``, ``@names``)."""
    result: Item = {}
    for part, value in entities.items():
        if not isinstance(value, dict):
            result[part] = value
            continue
        rebuilt: Item = {}
        for kind, items in value.items():
            if not isinstance(items, list) or all(isinstance(i, dict) for i in items):
                rebuilt[kind] = items
            elif kind == "urls":
                rebuilt[kind] = _locate_urls(items, description if part == "description" else "")
            elif kind in ("hashtags", "cashtags", "mentions"):
                rebuilt[kind] = _locate(items, description, kind)
        result[part] = rebuilt
    return result


def _locate(items: Iterable[Any], text: str, kind: str) -> list[Item]:
    field = {"hashtags": "tag", "cashtags": "tag", "mentions": "username"}[kind]
    found = []
    position = 0
    lowered = text.lower()
    for item in items:
        word = str(item)
        at = lowered.find(word.lower(), position)
        entity: Item = {field: word[1:] if word[:1] in "#$@" else word}
        if at >= 0:
            entity = {"start": at, "end": at + len(word), **entity}
            position = at + len(word)
        found.append(entity)
    return found


def _locate_urls(items: Iterable[Any], text: str) -> list[Item]:
    links = list(_TCO_RE.finditer(text))
    found = []
    for index, item in enumerate(items):
        url = str(item)
        display = re.sub(r"^https?://(www\.)?", "", url)
        entity: Item = {"expanded_url": url,
                        "display_url": display if len(display) <= 26 else display[:25] + "…"}
        if index < len(links):
            match = links[index]
            entity = {"start": match.start(), "end": match.end(), "url": match.group(), **entity}
        found.append(entity)
    return found


# --- choosing what to keep -------------------------------------------------------------------

def keep_window(doc: Document, start: datetime, end: datetime) -> tuple[Document, int]:
    """Keep the posts created in [start, end); posts outside it that a kept post refers to move
    to includes.tweets. Returns the document and how many posts were left out."""
    inside, outside = [], []
    for post in doc.get("data") or []:
        moment = _created(post)
        (inside if moment is None or start <= moment < end else outside).append(post)
    wanted = {str(r.get("id")) for p in inside for r in p.get("referenced_tweets") or []
              if isinstance(r, dict)}
    moved = [p for p in outside if str(p.get("id")) in wanted]
    includes = dict(doc.get("includes") or {})
    includes["tweets"] = [*(includes.get("tweets") or []), *moved]
    kept = merge_documents({"data": inside, "includes": includes, "meta": doc.get("meta") or {}})
    return prune_includes(kept), len(outside)


def _created(post: Item) -> datetime | None:
    """When a post was made: its created_at, or the time its id carries."""
    return parse_instant(post.get("created_at")) or snowflake_time(post.get("id"))

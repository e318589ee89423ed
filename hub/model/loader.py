"""Read chat YAML files into validated ``Chat`` objects, reporting every problem with its place."""

from __future__ import annotations

import copy
import difflib
import json
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from ..i18n.languages import catalogue_files, language_for, language_problem, same_language
from .chat import STATUSES, Chat, Hub, HubConfig, Person, Question
from .networks import HIDE_HELP, NETWORKS, hide_entry, instance_problem
from .problems import Problems
from .safe_urls import http_url
from .zones import fixed_offset_warning, zone_problem

MAX_SLUG = 200  # characters of a slug: its transcripts, lock and temporary files need a name too
SLUG_RE = re.compile(rf"^(?=.{{1,{MAX_SLUG}}}$)[a-z0-9]+(?:-[a-z0-9]+)*$")
HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# Beyond letters, marks, digits and "_", the few characters twitter-text allows inside hashtags.
HASHTAG_EXTRA = set("\u00b7\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb"
                    "\u3003\u0f0b\u0f0c")
POST_ID_RE = re.compile(r"^\d{1,25}$")
# Posts of other networks: a Bluesky post's AT URI, a Mastodon status's URI or URL.
POST_URI_RE = re.compile(r"^(at://did:[a-z0-9:._-]+/app\.bsky\.feed\.post/[A-Za-z0-9._~:-]+|https?://\S+)$")
START_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
PERSON_KEYS = ("handle", "bluesky", "mastodon", "name", "bio", "url", "avatar")
QUESTION_KEYS = ("text", "minutes")

# Bounds on the work a chat file can cause (README, "Limits"). A chat file is a few kilobytes.
MAX_FILE_BYTES = 256 * 1024
MAX_NESTING = 10  # mappings and lists inside each other; a chat file needs four
MAX_TEXT = 20_000  # characters of a Markdown field (about, followup, summary) or any value
MAX_LINE = {"title": 2_000, "description": 2_000, "name": 500, "bio": 2_000, "question": 2_000,
            "invite": 10_000, "url": 2_000}
MAX_ITEMS = {"questions": 100, "moderators": 50, "guests": 100, "hide": 10_000, "highlights": 1_000}
FIRST_YEAR, LAST_YEAR = 1970, 2999  # start times outside these years are an error
# Characters no chat text may hold: controls (tab and line break aside), lone UTF-16 halves and
# the two non-characters XML refuses; each would break a page, the feed or a calendar.
BAD_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_HASHTAG_COMMENT = re.compile(r"^\s+#[^\s#]")


@dataclass
class _Ctx:
    """What a field parser needs: where it is and where to report."""

    path: str
    problems: Problems
    config: HubConfig
    lines: list[str] = field(default_factory=list)
    people: list[tuple[Person, yaml.Node, str]] = field(default_factory=list)  # checked per network

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.add(self.path, node.start_mark.line + 1, node.start_mark.column + 1, message)

    def warn(self, node: yaml.Node, message: str) -> None:
        self.problems.add(
            self.path, node.start_mark.line + 1, node.start_mark.column + 1, message, "warning"
        )


_Parser = Callable[[yaml.Node, _Ctx], Any]
_MISSING = object()


def _scalar(node: yaml.Node, ctx: _Ctx, what: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        ctx.error(node, f"{what} must be a single value, not a {_kind(node)}")
        return None
    if node.tag == "tag:yaml.org,2002:null" or (node.value == "" and node.style is None):
        line = ctx.lines[node.start_mark.line] if node.start_mark.line < len(ctx.lines) else ""
        hint = ""
        if "#" in line.partition(":")[2]:
            hint = " (a '#' starts a YAML comment: put the value in quotes, like \"#Tag\")"
        ctx.error(node, f"{what} is empty{hint}")
        return None
    return node.value


def _short(value: Any, width: int = 60) -> str:
    """``repr`` of a value, cut to ``width`` characters (a message never repeats a huge value)."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 2] + "…" + text[0]


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "value"


def _text(what: str, required_nonempty: bool = True, limit: int = MAX_TEXT) -> _Parser:
    def parse(node: yaml.Node, ctx: _Ctx) -> str | None:
        value = _scalar(node, ctx, what)
        if value is None:
            return None
        value = value.strip()
        if required_nonempty and not value:
            ctx.error(node, f"{what} is empty")
            return None
        if len(value) > limit:
            ctx.error(node, f"{what} is {len(value):,} characters long; at most {limit:,} are allowed")
            return None
        return value

    return parse


def _integer(what: str, minimum: int = 1, maximum: int = 24 * 60) -> _Parser:
    def parse(node: yaml.Node, ctx: _Ctx) -> int | None:
        value = _scalar(node, ctx, what)
        if value is None:
            return None
        if node.style is not None or not re.fullmatch(r"[0-9]+", value):
            ctx.error(node, f"{what} must be a whole number of minutes, got {_short(value)}")
            return None
        if len(value.lstrip("0")) > len(str(maximum)):  # no int() of thousands of digits
            ctx.error(node, f"{what} must be between {minimum} and {maximum}, got a number of "
                      f"{len(value.lstrip('0')):,} digits")
            return None
        number = int(value)
        if not minimum <= number <= maximum:
            ctx.error(node, f"{what} must be between {minimum} and {maximum}, got {number}")
            return None
        return number

    return parse


def _boolean(what: str) -> _Parser:
    def parse(node: yaml.Node, ctx: _Ctx) -> bool | None:
        value = _scalar(node, ctx, what)
        if value is None:
            return None
        if node.tag != "tag:yaml.org,2002:bool" and value.lower() not in ("true", "false"):
            ctx.error(node, f"{what} must be true or false, got {_short(value)}")
            return None
        return value.lower() in ("true", "yes", "on")

    return parse


def _http_url(node: yaml.Node, ctx: _Ctx, what: str) -> str | None:
    value = _scalar(node, ctx, what)
    if value is None:
        return None
    if len(value) > MAX_LINE["url"]:
        ctx.error(node, f"{what} is {len(value):,} characters long; at most {MAX_LINE['url']:,} are allowed")
        return None
    if not re.match(r"^https?://[^\s/]+", value.strip(), re.IGNORECASE) or http_url(value) is None:
        ctx.error(node, f"{what} must be an http(s) URL, got {_short(value)}")
        return None
    return value.strip()


def _handle(node: yaml.Node, ctx: _Ctx, value: str) -> str | None:
    handle = value.strip().removeprefix("@")
    if not HANDLE_RE.match(handle):
        ctx.error(
            node,
            f"{_short(value)} is not an X handle (1-15 letters, digits or underscores, like \"@name\")",
        )
        return None
    return handle


def _check_keys(node: yaml.MappingNode, ctx: _Ctx, known: Iterable[str], what: str) -> None:
    known = list(known)
    seen: set[str] = set()
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is None:
            ctx.error(key_node, f"{what} keys must be plain names")
            continue
        if key in seen:
            ctx.error(key_node, f"duplicate key {_short(key)}")
        seen.add(key)
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
            ctx.error(key_node, f"unknown key {_short(key)} in {what}{hint}")


def _account(node: yaml.Node, ctx: _Ctx, network: str, value: str) -> str | None:
    """An account on ``network`` as a chat file writes it (X: ``_handle``)."""
    if network == "x":
        return _handle(node, ctx, value)
    spec = NETWORKS[network]
    account = spec.account(value)
    if account is None:
        kind = ("a Bluesky handle (a domain name like name.bsky.social, or a DID)"
                if network == "bluesky" else "a Mastodon account (\"@user@server\", like "
                "\"@name@mastodon.social\")")
        ctx.error(node, f"{_short(value)} is not {kind}")
    return account


def _person(what: str) -> _Parser:
    def parse(node: yaml.Node, ctx: _Ctx) -> Person | None:
        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node, ctx, what)
            if value is None:
                return None
            handle = _handle(node, ctx, value)
            person = Person(handle) if handle else None
            if person:
                ctx.people.append((person, node, what))
            return person
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, f"{what} must be \"@handle\" or a mapping with a handle")
            return None
        _check_keys(node, ctx, PERSON_KEYS, what)
        fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if not any(key in fields for key in ("handle", "bluesky", "mastodon")):
            ctx.error(node, f"{what} needs an account: handle: \"@name\" (X), bluesky: "
                      "name.bsky.social or mastodon: \"@name@mastodon.social\"")
            return None
        ok = True
        accounts: dict[str, str] = {}
        for key, network in (("handle", "x"), ("bluesky", "bluesky"), ("mastodon", "mastodon")):
            if key not in fields:
                continue
            value = _scalar(fields[key], ctx, f"{what} {key}")
            account = _account(fields[key], ctx, network, value) if value is not None else None
            ok &= account is not None
            accounts[key] = account or ""
        extras: dict[str, str] = {}
        for key in ("name", "bio"):
            if key in fields:
                text = _text(f"{what} {key}", limit=MAX_LINE[key])(fields[key], ctx)
                ok &= text is not None
                extras[key] = text or ""
        for key in ("url", "avatar"):
            if key in fields:
                url = _http_url(fields[key], ctx, f"{what} {key}")
                ok &= url is not None
                extras[key] = url or ""
        if not ok:
            return None
        person = Person(**accounts, **extras)
        ctx.people.append((person, node, what))
        return person

    return parse


def _networks(node: yaml.Node, ctx: _Ctx) -> list[str] | None:
    """``networks: [x, bluesky, mastodon]``: where the chat runs."""
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        items: list[yaml.Node] = [node]
    elif isinstance(node, yaml.SequenceNode) and node.value:
        items = list(node.value)
    else:
        ctx.error(node, f"networks must be a list of networks, like [x, bluesky]; known: "
                  f"{', '.join(NETWORKS)}")
        return None
    names: list[str] = []
    ok = True  # every item is checked, so that all its problems are reported at once
    for item in items:
        value = _scalar(item, ctx, "a network")
        if value is None:
            ok = False
            continue
        name = value.strip().lower()
        if name not in NETWORKS:
            close = difflib.get_close_matches(name, list(NETWORKS), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known networks: {', '.join(NETWORKS)}"
            ctx.error(item, f"unknown network {_short(value)}{hint}")
            ok = False
        elif name in names:
            ctx.error(item, f"network {name!r} is listed twice")
            ok = False
        else:
            names.append(name)
    return names if ok else None


def _instance(node: yaml.Node, ctx: _Ctx) -> str | None:
    value = _scalar(node, ctx, "a Mastodon server")
    if value is None:
        return None
    problem = instance_problem(value)
    if problem:
        ctx.error(node, f"mastodon_instances: {problem}")
        return None
    return value.strip().lower()


def _instances(node: yaml.Node, ctx: _Ctx) -> list[str] | None:
    servers = _list_of(_instance, "mastodon_instances")(node, ctx)
    if servers is not None and not servers:
        ctx.error(node, "mastodon_instances needs at least one server, like [mastodon.social]")
        return None
    return None if servers is None else list(dict.fromkeys(servers))


def _list_of(item: _Parser, what: str) -> _Parser:
    def parse(node: yaml.Node, ctx: _Ctx) -> list[Any] | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            ctx.error(node, f"{what} must be a list")
            return None
        limit = MAX_ITEMS.get(what, MAX_ITEMS["questions"])
        if len(node.value) > limit:
            ctx.error(node, f"{what} has {len(node.value):,} items; at most {limit:,} are allowed")
            return None
        values = [item(child, ctx) for child in node.value]
        return None if any(v is None for v in values) else values

    return parse


def _question(node: yaml.Node, ctx: _Ctx) -> tuple[str, int | None] | None:
    if isinstance(node, yaml.MappingNode):
        _check_keys(node, ctx, QUESTION_KEYS, "a question")
        fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if "text" not in fields:
            ctx.error(node, "a question written as a mapping needs text:")
            return None
        text = _text("a question's text", limit=MAX_LINE["question"])(fields["text"], ctx)
        minutes = _integer("a question's minutes", 1, 240)(fields["minutes"], ctx) if (
            "minutes" in fields
        ) else None
        return (text, minutes) if text is not None else None
    text = _text("a question", limit=MAX_LINE["question"])(node, ctx)
    return (text, None) if text is not None else None


def _questions(node: yaml.Node, ctx: _Ctx) -> list[Question] | None:
    items = _list_of(_question, "questions")(node, ctx)
    if items is None:
        return None
    return [Question(i, text, minutes) for i, (text, minutes) in enumerate(items, start=1)]


def hashtag_problem(tag: str) -> str | None:
    """Why X would not link ``#tag`` as a hashtag (twitter-text's rules), or None."""
    if not tag:
        return "it is empty"
    if re.search(r"\s", tag):
        return "it contains a space"
    allowed = ("L", "M", "N")
    for char in tag:
        category = unicodedata.category(char)
        if not ((category[0] in allowed and category != "No" and category != "Nl")
                or char == "_" or char in HASHTAG_EXTRA):
            return f"it contains {char!r}; use only letters, digits and underscores"
    if not any(unicodedata.category(char)[0] in ("L", "M") for char in tag):
        return "it is only digits" if tag.isdigit() else "it needs at least one letter"
    return None


def _hashtag(node: yaml.Node, ctx: _Ctx) -> str | None:
    value = _scalar(node, ctx, "hashtag")
    if value is None:
        return None
    tag = value.strip().removeprefix("#").removeprefix("＃")
    reason = hashtag_problem(tag)
    if reason:
        ctx.error(node, f"hashtag {_short(value)} would not work as a hashtag on X: {reason}")
        return None
    if len(tag) + 1 > ctx.config.long_hashtag:
        ctx.warn(
            node,
            f"hashtag {_short('#' + tag, 40)[1:-1]} is {len(tag) + 1:,} characters long; a shorter one "
            "leaves participants more room in every post",
        )
    return tag


def _timezone(node: yaml.Node, ctx: _Ctx) -> str | None:
    value = _scalar(node, ctx, "timezone")
    if value is None:
        return None
    problem = zone_problem(value.strip())
    if problem:
        ctx.error(node, problem)
        return None
    warning = fixed_offset_warning(value.strip())
    if warning:
        ctx.warn(node, warning)
    return value.strip()


def _status(node: yaml.Node, ctx: _Ctx) -> str | None:
    value = _scalar(node, ctx, "status")
    if value is None:
        return None
    if value not in STATUSES:
        close = difflib.get_close_matches(value, STATUSES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        ctx.error(node, f"status must be one of {', '.join(STATUSES)}, got {_short(value)}{hint}")
        return None
    return value


def _hide_entry(node: yaml.Node, ctx: _Ctx) -> str | None:
    value = _scalar(node, ctx, "a hide entry")
    if value is None:
        return None
    entry = hide_entry(value)
    if entry is None:
        ctx.error(node, HIDE_HELP.format(value=_short(value.strip())))
    return entry


def _post_id(node: yaml.Node, ctx: _Ctx) -> str | None:
    value = _scalar(node, ctx, "a post id")
    if value is None:
        return None
    value = value.strip()
    if not (POST_ID_RE.match(value) or POST_URI_RE.match(value)):
        ctx.error(node, f"{_short(value)} is not a post id (digits only; quote it to keep every digit) "
                  "or a post's URI (at://… on Bluesky, https://… on Mastodon)")
        return None
    return value


def _invite(node: yaml.Node, ctx: _Ctx) -> dict[str, str] | None:
    """Texts by key; which keys exist and whether a text is a valid template is the kit's to say
    (``chathub.kit.check``)."""
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, "invite must be a mapping of kind: text")
        return None
    result: dict[str, str] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            ctx.error(key_node, "invite keys must be plain names, like announce or q1")
            continue
        text = _text(f"invite {_short(key_node.value)}", limit=MAX_LINE["invite"])(value_node, ctx)
        if text is not None:
            result[str(key_node.value)] = text
    return result


def _language(node: yaml.Node, ctx: _Ctx) -> str | None:
    """A language chathub writes (it has a catalogue for it and Babel knows the tag), as a
    BCP 47 tag: ``fr``, ``fr-CA`` (``fr_CA`` is read as ``fr-CA``)."""
    value = _scalar(node, ctx, "language")
    if value is None:
        return None
    problem = language_problem(value)
    if problem:
        ctx.error(node, f"language: {problem}")
        return None
    return language_for(value).tag


def _slug(what: str) -> _Parser:
    def parse(node: yaml.Node, ctx: _Ctx) -> str | None:
        value = _scalar(node, ctx, what)
        if value is None:
            return None
        slug = value.strip().removesuffix(".yml").removesuffix(".yaml")
        if not SLUG_RE.match(slug):
            ctx.error(node, f"{what} {_short(value)} is not a chat's slug (its file name without "
                      f".yml: at most {MAX_SLUG} lowercase letters, digits and hyphens, like "
                      "tenants-leases-2026-12-10)")
            return None
        return slug

    return parse


def _start_raw(node: yaml.Node, ctx: _Ctx) -> tuple[str, yaml.Node] | None:
    value = _scalar(node, ctx, "start")
    if value is None:
        return None
    return value.strip(), node


# Field name -> (parser, default). _MISSING marks a required field.
FIELDS: dict[str, tuple[_Parser, Any]] = {
    "title": (_text("title", limit=MAX_LINE["title"]), _MISSING),
    "hashtag": (_hashtag, _MISSING),
    "start": (_start_raw, _MISSING),
    "timezone": (_timezone, None),
    "duration": (_integer("duration", 5, 24 * 60), 60),
    "host": (_person("host"), _MISSING),
    "moderators": (_list_of(_person("a moderator"), "moderators"), []),
    "guests": (_list_of(_person("a guest"), "guests"), []),
    "questions": (_questions, []),
    "about": (_text("about", False), ""),
    "followup": (_text("followup", False), ""),
    "status": (_status, "scheduled"),
    "description": (_text("description", False, MAX_LINE["description"]), ""),
    "summary": (_text("summary", False), ""),
    "highlights": (_list_of(_post_id, "highlights"), []),
    "hide": (_list_of(_hide_entry, "hide"), []),
    "hide_questions": (_boolean("hide_questions"), False),
    "image": (lambda n, c: _http_url(n, c, "image"), ""),
    "invite": (_invite, {}),
    "fetch_before": (_integer("fetch_before", 0, 24 * 60), None),
    "fetch_after": (_integer("fetch_after", 0, 24 * 60), None),
    "language": (_language, None),
    "translation": (_slug("translation"), None),
    "replaced_by": (_slug("replaced_by"), ""),
    "networks": (_networks, None),
    "mastodon_instances": (_instances, None),
}


def resolve_start(raw: str, zone_name: str) -> tuple[datetime | None, str | None]:
    """Turn a written start time into an aware datetime in ``zone_name``, or say why not.

    Wall times that a DST change skips or repeats are reported, never guessed. An explicit UTC
    offset settles an ambiguous time, and must agree with the zone.
    """
    if not START_RE.match(raw):
        return None, f"start {_short(raw)} must be a date and time like 2026-05-14 18:00"
    try:
        parsed = datetime.fromisoformat(raw.replace(" ", "T", 1).replace(" ", ""))
    except ValueError as exc:
        return None, f"start {_short(raw)} is not a valid date and time ({exc})"
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None, (f"start {_short(raw)} is out of range: a chat starts between the years "
                      f"{FIRST_YEAR} and {LAST_YEAR}")
    zone = ZoneInfo(zone_name)
    if parsed.tzinfo is not None:
        local = parsed.astimezone(zone)
        if local.replace(tzinfo=None) != parsed.replace(tzinfo=None):
            return None, (
                f"start {_short(raw)} has an offset that {zone_name} does not use at that time "
                f"(it is {local.isoformat(timespec='minutes')} there)"
            )
        return local, None
    early = parsed.replace(tzinfo=zone, fold=0)
    late = parsed.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early, None
    wall = parsed.strftime("%Y-%m-%d %H:%M")
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != parsed:
        return None, (
            f"start {wall} does not exist in {zone_name}: the clocks skip it for daylight "
            "saving time; choose another time"
        )
    offsets = [_offset(d) for d in (early, late)]
    return None, (
        f"start {wall} is ambiguous in {zone_name}: it happens twice as the clocks go back; "
        f"add the offset you mean, {parsed:%Y-%m-%dT%H:%M}{offsets[0]} or "
        f"{parsed:%Y-%m-%dT%H:%M}{offsets[1]}"
    )


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int, int, str]:
    if isinstance(exc, yaml.reader.ReaderError):  # a raw control character in the text
        line, col = _line_col(text[: exc.position])
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return line, col, (f"the file holds a control character ({char!r}), which YAML does not "
                           "allow; remove it")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    opened = getattr(exc, "context_mark", None)
    if opened is not None and context and ("quoted scalar" in context or "flow" in context):
        # An unclosed quote or bracket: the parser notices later; point at where it opened.
        mark = opened
        problem = f"{problem}; the {'quote' if 'quoted' in context else 'bracket'} opened here "
        problem += "is not closed where it should be"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
    source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    if "?" in source_line and "[" in source_line:
        message += "; put quotes around list items that contain '?'"
    elif "'@'" in message or "'`'" in message:
        message += "; put quotes around values that start with @, like \"@name\""
    return line, col, message


def _read_source(path: Path, shown: str, problems: Problems) -> str | None:
    """The text of a chat file; a problem (and None) for anything but a readable regular file
    of a sensible size. Nothing else is opened: a FIFO named *.yml would block the reader."""
    try:
        info = path.stat()
    except FileNotFoundError:
        what = ("a dangling symbolic link: what it points to does not exist" if path.is_symlink()
                else "no such file")
        problems.add(shown, 1, 1, f"cannot read the chat file: {what}")
        return None
    except OSError as exc:
        problems.add(shown, 1, 1, f"cannot read the chat file: {exc.strerror or exc}")
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.add(shown, 1, 1, f"not a chat file: it is {_file_kind(info.st_mode)}, not a regular "
                     "file (rename it, or move it out of the chats folder)")
        return None
    if info.st_size > MAX_FILE_BYTES:
        problems.add(shown, 1, 1, f"the file is {info.st_size:,} bytes; a chat file may be at most "
                     f"{MAX_FILE_BYTES:,} bytes")
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data[: exc.start].decode("utf-8", "replace"))
        problems.add(shown, line, col, "the file is not UTF-8 text (save it as UTF-8)")
        return None


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "something else"


def _line_col(before: str) -> tuple[int, int]:
    """1-based line and column just after ``before`` (the text before a place)."""
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


_NESTED = (f"values are nested more than {MAX_NESTING} levels deep; a chat file needs no more "
           "than four (a mapping of lists of mappings)")


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's, where PyYAML was built with it
_FAST_BRACKETS = 100  # more brackets than this, and the pure-Python composer (which stops deep nesting)
_FLOW_QUOTED = re.compile(r'([\[{,:]\s*)"(?:[^"\\\n]|\\.)*"')  # a double-quoted item of a flow collection


def _libyaml_reads_alike(text: str) -> bool:
    """Whether libyaml reads the text as PyYAML's own composer does. They differ on a ``?`` in a
    flow collection (``[Do you drive?]`` is a list to libyaml, an error to PyYAML), on tabs and
    on characters PyYAML's reader refuses; a flow collection over several lines is left to PyYAML."""
    if (text.count("[") + text.count("{") > _FAST_BRACKETS or "\t" in text
            or yaml.reader.Reader.NON_PRINTABLE.search(text)):
        return False
    for line in text.splitlines():
        if "[" not in line and "{" not in line and "]" not in line and "}" not in line:
            continue
        rest = _FLOW_QUOTED.sub(r"\1", line)
        if "?" in rest or rest.count("[") != rest.count("]") or rest.count("{") != rest.count("}"):
            return False
    return True


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML document's node tree, every node with its line and column.

    libyaml's composer (``CSafeLoader``, about fifteen times faster) reads a well-formed file
    that it reads as PyYAML does; anything it refuses is composed again by PyYAML's own, so every
    problem keeps the message and the place it has always had (the two give nodes the same
    marks). A file with many brackets, which could nest deeply enough to exhaust libyaml's C
    recursion, skips libyaml too."""
    if _FAST_LOADER is not None and _libyaml_reads_alike(text):
        try:
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except Exception:  # the pure composer below says what is wrong, and where
            pass
        else:
            scalars = _scalars(root) if root is not None else []
            # An empty value: libyaml places it where the next token starts, PyYAML where the
            # key ended (where a problem with it is reported), so PyYAML composes that file.
            if not any(node.style == "" and not node.value for node in scalars):
                for node in scalars:
                    if node.style == "":  # libyaml's plain scalars; PyYAML's have None
                        node.style = None
                return root
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _nesting_problem(text: str) -> tuple[int, int, str] | None:
    """Where values nest deeper than a chat file can mean, found from the parser's events (without
    recursion, unlike the composer, which a few thousand brackets exhaust)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    return event.start_mark.line + 1, event.start_mark.column + 1, _NESTED
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first node nested deeper than ``MAX_NESTING`` (aliases are followed once)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or isinstance(node, yaml.ScalarNode):
            continue
        seen.add(id(node))
        if depth > MAX_NESTING:
            return node
        children = node.value if isinstance(node, yaml.SequenceNode) else [
            child for pair in node.value for child in pair]
        stack.extend((child, depth + 1) for child in children)
    return None


def _scalars(root: yaml.Node) -> list[yaml.ScalarNode]:
    """Every scalar of the document (keys too), each once, without recursion."""
    found, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            found.append(node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _continued_comment(lines: list[str], node: yaml.ScalarNode) -> str:
    """The comment on the line after a plain value when it is indented deeper than the line the
    value starts on (where YAML would have read a continuation of the value), else ''."""
    following = node.end_mark.line + 1
    if following >= len(lines) or node.start_mark.line >= len(lines):
        return ""
    line = lines[following]
    if _indent(line) <= _indent(lines[node.start_mark.line]):
        return ""
    return " " + line.strip()


def _check_scalars(root: yaml.Node, ctx: _Ctx) -> bool:
    """Errors for values holding characters no text may hold, or far too long; warnings for a
    plain value followed by a comment that starts like a hashtag (``title: Join #DevChat``)."""
    ok = True
    for node in _scalars(root):
        value = node.value
        bad = BAD_CHARACTERS.search(value)
        if bad:
            char = bad.group()
            what = ("a lone UTF-16 surrogate" if "\ud800" <= char <= "\udfff" else
                    "a NUL character" if char == "\x00" else "a control character")
            ctx.error(node, f"the value holds {what} ({char!r} at character {bad.start() + 1}), which "
                      "no page, feed or calendar can show; remove it")
            ok = False
        elif len(value) > MAX_TEXT:
            ctx.error(node, f"the value is {len(value):,} characters long; at most {MAX_TEXT:,} are "
                      "allowed")
            ok = False
        elif node.style is None and value:
            line = ctx.lines[node.end_mark.line] if node.end_mark.line < len(ctx.lines) else ""
            rest = line[node.end_mark.column:]
            if not rest.strip():  # a hashtag starting the next line, indented as the value's own
                rest = _continued_comment(ctx.lines, node)  # continuation would be, ends it too
            if _HASHTAG_COMMENT.match(rest):
                comment = rest.strip()
                ctx.warn(node, f"{_short(comment)} is read as a YAML comment, so the value is only "
                         f"{_short(value)}; put the whole value in quotes to keep the hashtag, like "
                         f"\"{value if len(value) <= 60 else value[:57] + '…'} {comment[:30]}\"")
    return ok


# Chat files as this process last read them (``mkdocs serve`` reads every file at every rebuild):
# path -> (its text, the settings read with, the chat and its problems).
_READ: dict[Path, tuple[str, str, Chat | None, Problems]] = {}


def _reading_key(config: HubConfig) -> str:
    """What reading a chat file depends on besides its text: every setting but the clock, and the
    catalogues there are (a chat's ``language:`` needs one)."""
    return repr(([(f.name, getattr(config, f.name)) for f in fields(config) if f.name != "now"],
                 sorted(catalogue_files().items())))


def read_chat(path: Path, config: HubConfig, settings: str | None = None) -> tuple[Chat | None, Problems]:
    """Parse and validate one chat file. A file whose text and ``settings`` (``_reading_key``)
    are those this process last read it with is not parsed again."""
    settings = _reading_key(config) if settings is None else settings
    shown = config.display_path(path)
    problems = Problems()
    ctx = _Ctx(shown, problems, config)
    slug = path.name.removesuffix(".yml").removesuffix(".yaml")
    if not SLUG_RE.match(slug):
        problems.add(shown, 1, 1, f"file name {_short(path.name)}: the slug (file stem) may hold only "
                     f"lowercase letters, digits and hyphens, at most {MAX_SLUG}")
    text = _read_source(path, shown, problems)
    if text is None:
        return None, problems
    known = _READ.get(path)
    if known is not None and known[0] == text and known[1] == settings:
        return known[2], Problems(list(known[3].items), set(known[3].items))
    chat = _parse_chat(path, text, config, problems, ctx, slug)
    _READ[path] = (text, settings, chat, Problems(list(problems.items), set(problems.items)))
    return chat, problems


def _parse_chat(path: Path, text: str, config: HubConfig, problems: Problems, ctx: _Ctx,
                slug: str) -> Chat | None:
    """The chat a file's ``text`` holds, or None; its problems go to ``problems``."""
    shown = ctx.path
    try:
        root = compose_yaml(text)
    except yaml.YAMLError as exc:
        problems.add(shown, *_yaml_error(exc, text))
        return None
    except RecursionError:  # thousands of brackets: find where, without recursion
        problems.add(shown, *(_nesting_problem(text) or (1, 1, "values are nested far too deeply")))
        return None
    nested = _too_deep(root) if root is not None else None
    if nested is not None:
        problems.add(shown, nested.start_mark.line + 1, nested.start_mark.column + 1, _NESTED)
        return None
    ctx.lines = text.splitlines()
    if root is None:
        problems.add(shown, 1, 1, "the file is empty; a chat needs title, hashtag, start and host")
        return None
    if not isinstance(root, yaml.MappingNode):
        ctx.error(root, "a chat file must be a mapping of fields (title: ..., hashtag: ...)")
        return None
    if not _check_scalars(root, ctx):
        return None
    _check_keys(root, ctx, FIELDS, "a chat")
    nodes = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    positions = {
        k.value: (k.start_mark.line + 1, k.start_mark.column + 1)
        for k, _ in root.value
        if isinstance(k, yaml.ScalarNode)
    }
    values: dict[str, Any] = {}
    failed = False
    for name, (parser, default) in FIELDS.items():
        if name not in nodes:
            if default is _MISSING:
                problems.add(shown, 1, 1, f"missing required field {name!r}")
                failed = True
            else:
                values[name] = copy.copy(default)
            continue
        value = parser(nodes[name], ctx)
        if value is None and name != "timezone":
            failed = True
        values[name] = value
    zone_name = values.get("timezone") or config.timezone
    if "timezone" in nodes and values.get("timezone") is None:
        failed = True
    start = None
    if values.get("start") and not ("timezone" in nodes and values["timezone"] is None):
        raw, node = values["start"]
        start, problem = resolve_start(raw, zone_name)
        if problem:
            ctx.error(node, problem)
    if failed or start is None:  # a chat with only other problems still loads, for later checks
        return None
    values.update(start=start, timezone=zone_name)
    values["networks"] = values["networks"] or list(config.networks)
    values["mastodon_instances"] = values["mastodon_instances"] or list(config.mastodon_instances)
    if not _check_accounts(ctx, values["networks"]):
        return None
    return Chat(slug=slug, source=path, positions=positions, **values)


def field_problems(name: str, value: str, config: HubConfig) -> Problems:
    """The problems of one field's value (``title``, ``hashtag``, ``timezone``, ``duration``,
    ``host``…) as a chat file would hold it: quoted text, or a bare number for ``duration``."""
    problems = Problems()
    source = value.strip() if name in ("duration", "fetch_before", "fetch_after") else json.dumps(value)
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        node = None
    if node is None:
        problems.add("", 1, 1, f"{name} must be a value, got {value!r}")
        return problems
    FIELDS[name][0](node, _Ctx("", problems, config, [source]))
    return problems


def _check_accounts(ctx: _Ctx, networks: list[str]) -> bool:
    """Every person has an account on one of the chat's networks at least, and an X handle when
    the chat runs on X."""
    ok = True
    labels = " or ".join(NETWORKS[n].label for n in networks)
    for person, node, what in ctx.people:
        if "x" in networks and not person.handle:
            ctx.error(node, f"{what} needs an X handle (handle: \"@name\"): this chat runs on X")
            ok = False
        elif not any(person.account(n) for n in networks):
            keys = ", ".join("handle" if n == "x" else n for n in networks)
            ctx.error(node, f"{what} has no account on {labels}, where this chat runs; add {keys}")
            ok = False
    return ok


def find_chat_files(chats_dir: Path) -> list[Path]:
    """Every chat file in the chats folder, by name: whatever is named ``*.yml`` or ``*.yaml``
    (a folder, a FIFO or a dangling link so named is reported by ``read_chat``, never skipped),
    except an editor's lock file (``.#name.yml``, which Emacs makes as a dangling link)."""
    try:
        if not chats_dir.is_dir():
            return []
        return sorted(p for p in chats_dir.iterdir() if p.suffix in (".yml", ".yaml")
                      and not p.name.startswith(".#"))
    except OSError:
        return []


def check_overlaps(chats: list[Chat], config: HubConfig) -> Problems:
    """Report published chats that share a hashtag at overlapping times."""
    problems = Problems()
    live = sorted((c for c in chats if c.status == "scheduled"), key=lambda c: c.start_utc)
    by_tag: dict[str, list[Chat]] = {}
    for chat in live:
        by_tag.setdefault(chat.hashtag.lower(), []).append(chat)
    for group in by_tag.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if second.start_utc >= first.end_utc:
                    break
                for a, b in ((second, first), (first, second)):
                    line, col = a.position("start")
                    problems.add(
                        config.display_path(a.source), line, col,
                        f"#{a.hashtag} overlaps with {config.display_path(b.source)} "
                        f"({b.start:%Y-%m-%d %H:%M %Z}); two chats on one hashtag at the same "
                        "time mix their posts",
                    )
    return problems


def check_translations(chats: list[Chat], config: HubConfig) -> Problems:
    """Report ``translation:`` slugs that do not name a published chat in another language
    whose own translation (if it names one) is this chat."""
    problems = Problems()
    by_slug = {c.slug: c for c in chats}
    claimed: dict[str, Chat] = {}
    for chat in sorted(chats, key=lambda c: c.slug):
        wanted = chat.translation
        if not wanted:
            continue

        def report(message: str, chat: Chat = chat) -> None:
            problems.add(config.display_path(chat.source), *chat.position("translation"),
                         f"translation {_short(chat.translation)}: {message}")

        other = by_slug.get(wanted)
        if wanted == chat.slug:
            report("that is this chat; name the slug of the same chat in the other language")
        elif other is None:
            close = difflib.get_close_matches(wanted, list(by_slug), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            report(f"there is no chat {config.display_path(config.chats_dir)}/{_short(wanted)[1:-1]}.yml"
                   f"{hint}")
        elif not other.published and chat.published:
            report("that chat is a draft, so its pages are not published; publish it or remove "
                   "translation:")
        elif same_language(config.language_of(chat), config.language_of(other)):
            report(f"that chat is in the same language ({config.language_of(other)}) as this one; "
                   "a translation is the same chat in another language (set its language:)")
        elif other.translation and other.translation != chat.slug:
            report(f"that chat names {_short(other.translation)} as its translation, not this chat")
        elif wanted in claimed:
            report(f"{claimed[wanted].slug!r} already names that chat as its translation")
        else:
            claimed[wanted] = chat
    return problems


def language_warning(config: HubConfig) -> Problems:
    """A warning when chathub has no catalogue for the hub's language (its pages are then
    written in English), at ``theme.language`` in mkdocs.yml."""
    problems = Problems()
    problem = language_problem(config.language)
    if problem:
        path = config.root / "mkdocs.yml"
        line, col = _theme_language_position(path)
        problems.add(config.display_path(path), line, col,
                     f"theme.language: {problem}; chathub writes its pages in English", "warning")
    return problems


def _theme_language_position(path: Path) -> tuple[int, int]:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1, 1
    for key in ("theme", "language"):
        if not isinstance(root, yaml.MappingNode):
            return 1, 1
        root = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key),
                    None)
    return (root.start_mark.line + 1, root.start_mark.column + 1) if root is not None else (1, 1)


def check_replacements(chats: list[Chat], config: HubConfig) -> Problems:
    """Report ``replaced_by`` values that do not name a published chat that takes place."""
    problems = Problems()
    by_slug = {c.slug: c for c in chats}
    for chat in chats:
        target = chat.replaced_by
        if not target:
            continue
        path = config.display_path(chat.source)
        line, col = chat.position("replaced_by")
        other = by_slug.get(target)
        if other is None:
            if any((config.chats_dir / f"{target}{suffix}").is_file() for suffix in (".yml", ".yaml")):
                continue  # that file has errors of its own, reported with it
            close = difflib.get_close_matches(target, list(by_slug), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            folder = config.display_path(config.chats_dir)
            message = f"replaced_by: there is no chat {_short(target)} in {folder}/{hint}"
        elif other is chat:
            message = "replaced_by names this chat itself; name the chat that takes its place"
        elif not other.published:
            message = (f"replaced_by: {_short(target)} is a draft; publish it (status: scheduled) "
                       "or name another chat")
        elif other.cancelled:
            message = f"replaced_by: {_short(target)} is cancelled too; name the chat that takes place"
        elif not chat.cancelled:
            problems.add(path, line, col, "replaced_by is shown only once this chat is cancelled "
                         "(status: cancelled)", "warning")
            continue
        else:
            continue
        problems.add(path, line, col, message)
    return problems


def check_slugs(chats: list[Chat], config: HubConfig) -> Problems:
    """Two files with one slug (``spring.yml`` and ``spring.yaml``) would make the same pages."""
    problems = Problems()
    by_slug: dict[str, list[Chat]] = {}
    for chat in chats:
        by_slug.setdefault(chat.slug, []).append(chat)
    for same in by_slug.values():
        for chat in same if len(same) > 1 else []:
            others = ", ".join(config.display_path(c.source) for c in same if c is not chat)
            problems.add(config.display_path(chat.source), 1, 1, f"{others} has the same slug "
                         f"({chat.slug}): the two would make the same pages; rename or remove one")
    return problems


def check_hub(chats: list[Chat], config: HubConfig) -> Problems:
    """Problems between chat files: one slug twice, overlapping chats, translations and
    replacements that do not hold."""
    problems = check_slugs(chats, config)
    problems.extend(check_overlaps(chats, config))
    problems.extend(check_translations(chats, config))
    problems.extend(check_replacements(chats, config))
    return problems


def load_hub(config: HubConfig, paths: Iterable[Path] | None = None) -> tuple[Hub, Problems]:
    """Read every chat of a hub (or just ``paths``); problems of all files are returned together."""
    problems = Problems()
    files = list(paths) if paths is not None else find_chat_files(config.chats_dir)
    chats: list[Chat] = []
    settings = _reading_key(config)
    if paths is None:  # what is kept is the hub's files, as they are now (not a folder left)
        present = set(files)
        for gone in [p for p in _READ if p not in present]:
            del _READ[gone]
    for path in files:
        chat, found = read_chat(path, config, settings)
        problems.extend(found)
        if chat is not None:
            chats.append(chat)
    if paths is not None:
        # Chats are judged against the whole hub, but reported only for the files asked about.
        asked = {p.resolve() for p in files}
        others = [c for c in load_hub(config)[0].chats if c.source.resolve() not in asked]
        wanted = {config.display_path(p) for p in files}
        for problem in check_hub(chats + others, config).items:
            if problem.path in wanted:
                problems.append(problem)
    else:
        problems.extend(check_hub(chats, config))
        problems.extend(language_warning(config))
    return Hub(config, chats), problems

"""``chathub init [DIR]``: a new hub that builds with ``mkdocs build --strict`` as it is."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from string import Template
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .. import __version__
from ..model.template import EXAMPLE_QUESTIONS, EXAMPLE_TITLE, ChatValues, render_chat
from ..model.zones import fixed_offset_warning, zone_problem
from ..resources import SCAFFOLD

HUB = SCAFFOLD / "hub"
# Files of the scaffold whose names a package cannot ship as they are (dot files), by target.
RENAMED = {"gitignore": ".gitignore", "workflows": ".github/workflows"}
TEMPLATED = {"mkdocs.yml", "README.md", "requirements.txt", "content/index.md"}
EXAMPLE_CHAT = "chats/example-chat.yml"
EXECUTABLE = {"scripts/commit-transcripts"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "init",
        help="create a new hub in a folder",
        description="Create a working hub in DIR (default: the current folder): mkdocs.yml with "
        "the chathub plugin and its options explained, content/index.md, chats/ with an example "
        "chat (a draft), theme_overrides/, .gitignore, the GitHub Actions workflows that publish "
        "it and capture transcripts, and a README for the team. Existing files are never "
        "replaced without --force.",
    )
    parser.add_argument("dir", nargs="?", default=".", type=Path, metavar="DIR",
                        help="the hub's folder (made when missing)")
    parser.add_argument("--site-url", metavar="URL",
                        help="the site's public address, like https://you.github.io/hub/ (asked "
                        "for in a terminal; without it, mkdocs.yml holds a commented placeholder)")
    parser.add_argument("--site-name", metavar="NAME", help="the site's name (default: from DIR)")
    parser.add_argument("--timezone", metavar="ZONE", default="UTC",
                        help="IANA zone of the hub's chats, like America/New_York (default UTC)")
    parser.add_argument("--organization", metavar="@HANDLE", help="the brand's X handle")
    parser.add_argument("--force", action="store_true",
                        help="replace files that exist (each replaced file is listed)")
    parser.set_defaults(run=run)


def site_url_problem(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) address like https://you.github.io/hub/"
    if parts.query or parts.fragment:
        return f"{url!r} has a query or fragment; give the site's base address"
    return None


def _ask_site_url() -> str:
    """The site's address, asked for in a terminal until it is valid or left empty."""
    while True:
        try:
            answer = input("The site's public address (site_url), like https://you.github.io/hub/ "
                           "(empty: set it later in mkdocs.yml): ").strip()
        except (EOFError, OSError):
            return ""
        problem = site_url_problem(answer) if answer else None
        if not problem:
            return answer
        print(f"  {problem}. Try again.", file=sys.stderr)


def _targets() -> dict[str, Path]:
    """Target path in the hub -> file of the scaffold."""
    files = {}
    for source in sorted(p for p in HUB.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = source.relative_to(HUB).as_posix()
        first, _, rest = relative.partition("/")
        target = RENAMED.get(first, first) + (f"/{rest}" if rest else "")
        files[target] = source
    return files


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_files(root: Path, site_url: str, site_name: str, timezone: str,
                 organization: str) -> dict[str, str]:
    """Every file of the new hub, by path, as text."""
    if site_url:
        site_url = site_url.rstrip("/") + "/"
        url_line = (f"site_url: {site_url}  # the public address: links in posts, calendars, the "
                    "feed and social cards")
    else:
        url_line = ("# site_url: https://you.github.io/hub/  # set it: links in posts, calendars, "
                    "the feed and social cards need it")
    org_line = (f"organization: {_yaml_text('@' + organization.removeprefix('@'))}  # the brand's X "
                "handle: twitter:site and the invite texts") if organization else (
        '# organization: "@YourBrand"  # the brand\'s X handle: twitter:site and the invite texts')
    values = {"site_name": site_name, "site_url_line": url_line, "timezone": timezone,
              "organization_line": org_line, "version": __version__}
    texts = {}
    for target, source in _targets().items():
        text = source.read_text(encoding="utf-8")
        if target in TEMPLATED:
            quoted = {"site_name": _yaml_text(site_name)} if target == "mkdocs.yml" else {}
            text = Template(text).substitute({**values, **quoted})
        texts[target] = text
    start = (datetime.now(ZoneInfo(timezone)) + timedelta(days=28)).strftime("%Y-%m-%d 13:00")
    texts[EXAMPLE_CHAT] = render_chat(ChatValues(
        title=EXAMPLE_TITLE, hashtag="ExampleChat", start=start, timezone=timezone,
        host=organization or "@your_handle", questions=EXAMPLE_QUESTIONS, site_name=site_name))
    return texts


def _blocked(root: Path, texts: dict[str, str]) -> str | None:
    """Why the files cannot be written where they go (a folder where a file goes, or a file
    where a folder goes), or None."""
    for target in texts:
        path = root / target
        if path.is_dir() and not path.is_symlink():
            return f"{path} is a folder, where init writes a file"
        for parent in list(Path(target).parents)[:-1]:
            if (root / parent).exists() and not (root / parent).is_dir():
                return f"{root / parent} is a file, where init makes a folder"
    return None


def run(args: argparse.Namespace) -> int:
    root: Path = args.dir
    problem = zone_problem(args.timezone)
    if problem:
        print(f"chathub init: --timezone: {problem}", file=sys.stderr)
        return 2
    if args.site_url is not None and site_url_problem(args.site_url):
        print(f"chathub init: --site-url: {site_url_problem(args.site_url)}", file=sys.stderr)
        return 2
    if args.organization and not args.organization.removeprefix("@").replace("_", "").isalnum():
        print(f"chathub init: --organization: {args.organization!r} is not an X handle like @brand",
              file=sys.stderr)
        return 2
    if root.exists() and not root.is_dir():
        print(f"chathub init: {root} is a file, not a folder", file=sys.stderr)
        return 2
    name = args.site_name or (root.resolve().name.replace("-", " ").replace("_", " ").strip().title()
                              or "Chat hub")
    if args.site_url is not None:
        site_url = args.site_url.strip()
    elif sys.stdin.isatty():
        site_url = _ask_site_url()
    else:
        site_url = ""
    texts = render_files(root, site_url, name, args.timezone, args.organization or "")
    blocked = _blocked(root, texts)
    if blocked:
        print(f"chathub init: {blocked}; nothing was written", file=sys.stderr)
        return 1
    existing = [t for t in texts if os.path.lexists(root / t)]  # a dangling link too
    if existing and not args.force:
        print(f"chathub init: {root} already holds {', '.join(existing)}; nothing was written "
              "(--force replaces them)", file=sys.stderr)
        return 1
    try:
        for target, text in texts.items():
            path = root / target
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink():  # replaced, never written through (it may point out of the hub)
                path.unlink()
            path.write_text(text, encoding="utf-8")
            if target in EXECUTABLE:
                path.chmod(0o755)
    except OSError as exc:
        print(f"chathub init: cannot write {exc.filename or root}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for empty in ("theme_overrides", "chats"):
        (root / empty).mkdir(exist_ok=True)
    shown = "the current folder" if root == Path(".") else str(root)
    print(f"chathub init: a new hub in {shown} ({len(texts)} files)")
    for target in existing:
        print(f"  replaced {target}")
    warning = fixed_offset_warning(args.timezone)
    if warning:
        print(f"chathub init: warning: {warning}", file=sys.stderr)
    if not site_url:
        print("chathub init: warning: site_url is not set: links in invite posts, calendars, the "
              "feed and social cards stay relative until you set it in mkdocs.yml", file=sys.stderr)
    sys.stderr.flush()
    print("Next: " + (f"cd {root} && " if root != Path(".") else "")
          + "chathub new (a chat), mkdocs serve (a preview), then git init and push it to GitHub; "
          "README.md says how to publish it.")
    return 0

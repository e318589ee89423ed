"""The autoescaping Jinja environment that turns views into HTML, and its filters."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import escape

from ..model.durations import duration_text
from ..model.markdown import render_markdown
from ..model.urls import URL_HELPERS
from ..resources import TEMPLATES
from . import calendars


def relative_url(target: str, from_url: str) -> str:
    """The link from the page at ``from_url`` to ``target`` (both site-relative URLs)."""
    if "://" in target or target.startswith(("#", "mailto:")):
        return target
    base = posixpath.dirname(from_url) if not from_url.endswith("/") else from_url.rstrip("/")
    path, _, fragment = target.partition("#")
    rel = posixpath.relpath(path.rstrip("/") or ".", base or ".")
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{fragment}" if fragment else "")


def format_time(moment: datetime, fmt: str = "%A %-d %B %Y, %H:%M %Z") -> str:
    return moment.strftime(fmt)


def iso(moment: datetime) -> str:
    """An aware ISO 8601 instant, as ``<time datetime>`` wants it."""
    return moment.isoformat(timespec="seconds")


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_href(url: str | None) -> str | None:
    """``url`` when it is http(s), else None: untrusted URLs never become other links."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


_SPECIAL = re.compile(r"[&<>\"']")


def escape_output(value: Any, _search: Any = _SPECIAL.search) -> Any:
    """What ``{{ value }}`` outputs: ``markupsafe.escape(value)``, but text with nothing to
    escape is output as it is (the same characters, without building a ``Markup`` object)."""
    if type(value) is str and _search(value) is None:
        return value
    return escape(value)


class _OutputCompiler(CodeGenerator):
    """Compiles ``{{ value }}`` to ``environment.escape_output(value)`` instead of
    ``escape(value)``: the same autoescaping, about three times faster. An archive outputs some
    twenty values per post, so this is a good part of its rendering time. (``code_generator_class``
    is Jinja's hook for changing the code templates compile to; anything else is left to Jinja.)"""

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


class _Environment(jinja2.Environment):
    code_generator_class = _OutputCompiler
    escape_output = staticmethod(escape_output)


class Renderer:
    """Renders chathub templates; a hub's ``theme_overrides/`` wins over the shipped ones."""

    def __init__(self, override_dirs: Sequence[Path] = ()) -> None:
        self.dirs = [Path(d) for d in override_dirs if d] + [TEMPLATES]

    @cached_property
    def env(self) -> jinja2.Environment:
        env = _Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            auto_reload=True,  # a kept renderer (mkdocs serve) picks up edited templates
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
        env.filters.update(
            markdown=render_markdown,
            time=format_time,
            iso=iso,
            iso_utc=iso_utc,
            duration=duration_text,
            safe_href=safe_href,
            google_calendar_url=calendars.google_calendar_url,
            outlook_calendar_url=calendars.outlook_calendar_url,
        )
        env.globals.update(URL_HELPERS)  # chat_url(chat), archive_url(chat)… for templates
        return env

    def templates_key(self) -> str:
        """A fingerprint of every file in the template folders (path, size, modification time):
        it changes when a template, or an override of one, is edited, added or removed."""
        digest = hashlib.sha256()
        for folder in self.dirs:
            for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        return digest.hexdigest()[:20]

    def render(self, template: str, page_url: str = "", **context: Any) -> str:
        """Render ``template`` for the page at ``page_url``; ``url()`` makes relative links."""
        return self.env.get_template(template).render(
            url=lambda target: relative_url(target, page_url), page_url=page_url, **context
        )

"""The autoescaping Jinja environments that turn views into HTML (one per language), and their
filters: dates, times, durations and numbers formatted by Babel for the page's locale, and
gettext through the page's catalogue."""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, is_python_keyword, optimizeconst
from jinja2.runtime import LoopContext
from jinja2.utils import _PassArg
from markupsafe import Markup, escape

from ..i18n import jinja as i18n_jinja
from ..i18n.languages import CATALOGUE_DIRS, writable
from ..i18n.translator import Translator, translator_for
from ..model.markdown import render_markdown
from ..model.networks import NETWORKS
from ..model.safe_urls import http_url
from ..model.urls import URL_HELPERS
from ..resources import TEMPLATES, code_key
from . import calendars
from .networks import hashtag_links
from .palette import hub_colours
from .post_format import post_filters
from .states import card_status, chat_state, time_until


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
    """``moment`` by a strftime pattern: always in English. Templates format dates with the
    ``datetime``, ``date``, ``time`` and ``clock`` filters, which follow the page's language."""
    return moment.strftime(fmt)


def iso(moment: datetime) -> str:
    """An aware ISO 8601 instant, as ``<time datetime>`` wants it."""
    return moment.isoformat(timespec="seconds")


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_href(url: str | None) -> str | None:
    """``url`` when a browser would read it as http(s), else None: untrusted URLs never become
    other links."""
    return http_url(url)


log = logging.getLogger("mkdocs.plugins.chathub")

_SPECIAL = re.compile(r"[&<>\"']")
# What compiled templates call directly (see ``_OutputCompiler.visit_Call``).
PLAIN_CALLABLES = frozenset({FunctionType, BuiltinFunctionType, MethodType, LoopContext})
EVAL_CONTEXT = _PassArg.eval_context


def escape_output(value: Any, _search: Any = _SPECIAL.search) -> Any:
    """What ``{{ value }}`` outputs: ``markupsafe.escape(value)``, but text with nothing to
    escape is output as it is (the same characters, without building a ``Markup`` object), as is
    ``Markup``, already escaped."""
    kind = type(value)
    if (kind is str and _search(value) is None) or kind is Markup:  # Markup is already escaped
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

    def visit_Getattr(self, node: Any, frame: Any) -> None:
        """``value.name`` as Python's own ``getattr(value, "name", missing)``, falling back to
        ``environment.getattr`` (the item ``value["name"]``, else undefined) only when the value
        has no such attribute: what Jinja does, without a method call for each of the dozen
        attributes a post shows."""
        if self.environment.is_async or isinstance(node.node, nodes.Const):
            super().visit_Getattr(node, frame)
            return
        self.write("(_attr if (_attr := getattr((_of := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing"
                   f" else environment.getattr(_of, {node.attr!r}))")

    def visit_Template(self, node: Any, frame: Any = None) -> None:
        self.writeline(f"from {__name__} import PLAIN_CALLABLES as chathub_plain, "
                       "FunctionType as chathub_function, EVAL_CONTEXT as chathub_eval_context")
        super().visit_Template(node, frame)

    def _captured(self, write: Any) -> str:
        """The code ``write()`` writes, as text (an expression's code holds no new line)."""
        stream, self.stream = self.stream, io.StringIO()
        try:
            write()
            return self.stream.getvalue()
        finally:
            self.stream = stream

    @optimizeconst  # as Jinja's own visit_Call (constants folded first)
    def visit_Call(self, node: Any, frame: Any, forward_caller: bool = False) -> None:
        """``f(…)`` called directly when ``f`` is a function, method, builtin or loop that wants no
        context (``f(eval_ctx, …)`` for a macro or a ``pass_eval_context`` function), and through
        ``context.call`` otherwise: what ``Context.call`` does, without its cost (a dictionary of
        the loop's variables and two attribute probes per call). A template's calls in a loop (a
        post's ``lang_attr``, a thread's ``loop(replies)``, ``_()``) add up over an archive."""
        if (self.environment.is_async or self.environment.sandboxed or forward_caller
                or node.dyn_args is not None or node.dyn_kwargs is not None
                or any(is_python_keyword(k.key) for k in node.kwargs)):
            super().visit_Call(node, frame, forward_caller=forward_caller)  # {% call %} blocks
            return
        callee = self._captured(lambda: self.visit(node.node, frame))
        args = self._captured(lambda: self.signature(node, frame))  # ", a, b, k=v"
        extra = "".join(f", {k}={k}" for k, on in (("_loop_vars", frame.loop_frame),
                                                  ("_block_vars", frame.block_frame)) if on)
        self.write(f"(_c({args[2:]}) if (_t := type(_c := {callee})) in chathub_plain"
                   f" and not hasattr(_c, 'jinja_pass_arg')"
                   f" else _c(context.eval_ctx{args}) if _t is Macro or _t is chathub_function"
                   f" and getattr(_c, 'jinja_pass_arg', None) is chathub_eval_context"
                   f" else context.call(_c{args}{extra}))")


TEMPLATE_CACHE = Path(".cache") / "chathub" / "templates"  # under the hub's root


@cache  # once per process: serve makes a renderer for every rebuild
def _compiler_key() -> str:
    """What, besides a template's source, decides the code it compiles to: chathub's code (this
    module's compiler and settings, the gettext glue) and Jinja's version."""
    return hashlib.sha256(f"{code_key()}\0{jinja2.__version__}".encode()).hexdigest()


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """chathub's compiled templates, kept on disk between builds (as Python keeps its modules'
    bytecode): named by the template's file and the compiler (``_compiler_key``), and checked by
    Jinja against the template's source, so an edited template or override is compiled again. A
    folder that cannot be read or written only means templates are compiled, as without it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "%s.jinja")
        self.folder = folder
        self.compiler = _compiler_key()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.compiler}\0{name}\0{filename}".encode()).hexdigest()[:32]

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable, truncated or garbled: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("chathub: cannot keep a compiled template in %s: %s", self.folder, exc)


class _Environment(jinja2.Environment):
    code_generator_class = _OutputCompiler
    escape_output = staticmethod(escape_output)


def _time_filter(t: Translator) -> Any:
    """``{{ moment | time }}``: the page's full date and time ("jeudi 10 décembre 2026 à 13 h 00
    HNE"), a style (``time("medium")``), or, as before, a strftime pattern, which is always
    English (phase B of the language work replaces those; the coverage test finds them)."""

    def when(moment: datetime, style: str = "full") -> str:
        return format_time(moment, style) if "%" in style else t.datetime(moment, style)

    return when


class Renderer:
    """Renders chathub templates; a hub's ``theme_overrides/`` wins over the shipped ones.

    One Jinja environment per language: its ``_``/``ngettext`` go through that language's
    catalogue and its filters format for that language's locale. ``render(…, language="fr")``
    renders a page in French (a language chathub has no catalogue for is written in English).
    With ``cache_dir``, compiled templates are kept there between builds (``TemplateCache``).
    """

    def __init__(self, override_dirs: Sequence[Path] = (), language: str = "en",
                 cache_dir: Path | None = None) -> None:
        self.dirs = [Path(d) for d in override_dirs if d] + [TEMPLATES]
        self.language = language
        self.bytecode_cache = TemplateCache(cache_dir) if cache_dir is not None else None
        self._envs: dict[str, tuple[Translator, jinja2.Environment]] = {}

    @property
    def env(self) -> jinja2.Environment:
        """The environment of the renderer's default language."""
        return self.env_for(self.language)

    def env_for(self, language: str | None) -> jinja2.Environment:
        t = translator_for(writable(language or self.language))
        kept = self._envs.get(t.tag)
        if kept is None or kept[0] is not t:  # new, or its catalogue was edited
            kept = (t, self._make_env(t))
            self._envs[t.tag] = kept
        return kept[1]

    def _make_env(self, t: Translator) -> jinja2.Environment:
        env = _Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            auto_reload=False,  # the plugin makes a new renderer when a template file changes
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            bytecode_cache=self.bytecode_cache,
        )
        i18n_jinja.install(env, t)
        env.filters["time"] = _time_filter(t)
        env.filters.update(post_filters(t))  # post_clock, post_stamp, metrics
        env.filters.update(
            markdown=render_markdown,
            iso=iso,
            iso_utc=iso_utc,
            safe_href=safe_href,
            google_calendar_url=calendars.google_calendar_url,
            outlook_calendar_url=calendars.outlook_calendar_url,
            microsoft365_calendar_url=calendars.microsoft365_calendar_url,
        )
        env.globals.update(URL_HELPERS)  # chat_url(chat), archive_url(chat)… for templates
        env.globals.update(chat_state=chat_state, card_status=card_status, time_until=time_until,
                           hashtag_links=hashtag_links, hub_colours=hub_colours)
        env.globals["networks"] = NETWORKS  # each network's label, logo and URLs
        return env

    def templates_key(self) -> str:
        """A fingerprint of every file in the template folders and of the message catalogues
        (path, size, modification time): it changes when a template, an override of one or a
        catalogue is edited, added or removed."""
        digest = hashlib.sha256()
        for folder in [*self.dirs, *CATALOGUE_DIRS]:
            for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        return digest.hexdigest()[:20]

    def render(self, template: str, page_url: str = "", language: str | None = None,
               **context: Any) -> str:
        """Render ``template`` for the page at ``page_url`` in ``language`` (default: the
        renderer's); ``url()`` makes relative links."""
        return self.env_for(language).get_template(template).render(
            url=lambda target: relative_url(target, page_url), page_url=page_url, **context
        )

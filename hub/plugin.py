"""The MkDocs adapter: chathub's pages and files join the build, and chats/ is watched."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils.yaml import yaml_load

from .i18n.languages import forget_catalogues, writable
from .kept_search import FILE as SEARCH_FILE
from .kept_search import KeptEntries
from .kept_site import KeptSite
from .kit import texts as invite
from .kit.check import check_kit
from .model.chat import Hub
from .model.loader import load_hub
from .model.networks import NETWORKS
from .model.problems import HubError, Problems
from .model.settings import ConfigError, make_config, site_url_warning
from .model.zones import fixed_offset_warning, zone_problem
from .pages.listing import upcoming_view
from .pages.page import Page, Site, fingerprint
from .pages.render import TEMPLATE_CACHE, Renderer
from .pages.site import page_language, plan_site, render_head, render_page
from .resources import THEME_TEMPLATES, code_key
from .search_parser import parse_sections

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page as MkPage

log = logging.getLogger("mkdocs.plugins.chathub")
UPCOMING_MARKER = "<!-- chathub:upcoming -->"
TRANSCRIPT_SUFFIXES = tuple(network.suffix for network in NETWORKS.values())
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_LANG_ATTR = re.compile(r"""\slang\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def set_html_lang(html: str, language: str) -> str:
    """``html`` with its ``<html lang>`` set to ``language`` (added when missing). Only the
    first ``<html>`` tag is touched: a page's content may well show the text "<html lang>"."""
    match = _HTML_TAG.search(html)
    if match is None:
        return html
    tag = match.group()
    value = f' lang="{language}"'
    new = _LANG_ATTR.sub(value, tag, count=1) if _LANG_ATTR.search(tag) else tag[:5] + value + tag[5:]
    return html[: match.start()] + new + html[match.end():]
MATERIAL_NOT_FOUND = "<h1>404 - Not found</h1>"  # the content of Material's 404.html
KEPT_TEMPLATE = "chathub_kept.html"  # in THEME_TEMPLATES: a page whose finished HTML is kept
# Plugins known to leave a chathub page's finished HTML to its inputs (under serve, a page whose
# inputs did not change is written as it was, without the theme): with any other, it is built.
_KNOWN_PLUGINS = {"chathub", "search", "material/search"}
# What Material's search takes out of every page's content once it has indexed it.
_SEARCH_ATTRIBUTE = re.compile(r"data-search-\w+=\"[^\"]+\"")  # a literal start: a quick search


def without_search_attributes(html: str) -> str:
    """``html`` without its ``data-search-*="…"`` attributes, each with the space before it, as
    Material's search takes them out of the pages it indexes."""
    parts: list[str] = []
    position = 0
    for match in _SEARCH_ATTRIBUTE.finditer(html):
        start = match.start()
        if start > position and html[start - 1].isspace():
            start -= 1
        parts.append(html[position:start])
        position = match.end()
    if not parts:
        return html
    parts.append(html[position:])
    return "".join(parts)


def material_search(config: MkDocsConfig) -> Any:
    """Material's search plugin, when the site has it and it is enabled (else None)."""
    for plugin in config.plugins.values():
        if (type(plugin).__module__.startswith("material.plugins.search")
                and getattr(plugin.config, "enabled", True) and hasattr(plugin, "search_index")):
            return plugin
    return None


def search_version(search: Any) -> str:
    """What Material's search entries depend on besides the page: chathub's code, Material's
    version and search settings, and whether it segments Chinese (with jieba)."""
    if search is None:
        return ""
    module = sys.modules.get(type(search).__module__)
    material = getattr(sys.modules.get("material"), "__version__", "")
    return fingerprint(code_key(), material, getattr(module, "jieba", None) is not None,
                       sorted((key, repr(value)) for key, value in search.config.items()))


def theme_files_key(dirs: list[str]) -> str:
    """A fingerprint of the files in the theme's folders (path, size, modification time), but for
    hidden folders (Material's thousands of icons, which no edit of a hub changes)."""
    digest = hashlib.sha256()
    for folder in dirs:
        for where, subdirs, names in os.walk(folder):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))  # Material's .icons
            for name in sorted(names):
                info = os.stat(os.path.join(where, name))
                digest.update(f"{where}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:20]


def _config_view(config: MkDocsConfig) -> str:
    """What of the config a theme may read, as text (the plugins' own state left out)."""
    theme = repr(sorted((key, repr(value)) for key, value in config.theme.items()))
    return repr([*sorted((key, repr(value)) for key, value in config.items()
                         if key not in ("plugins", "theme")), ("theme", theme)])


def _nav_view(items: list[Any]) -> list[Any]:
    """The nav as titles, URLs and sections: every page's sidebar and header show it."""
    return [(type(item).__name__, item.title, getattr(item, "url", None),
             _nav_view(getattr(item, "children", None) or [])) for item in items]


def _place_view(page: MkPage) -> str:
    """What the theme shows of a page besides its content: its title, meta, place in the nav."""
    return repr((page.title, page.url, sorted((k, repr(v)) for k, v in page.meta.items()),
                 [(p.title, p.url) if p else None for p in (page.previous_page, page.next_page)],
                 [a.title for a in page.ancestors], page.is_homepage))


_EXCLUDED = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>")
_HEADING = re.compile(r"<h[1-6]\b", re.IGNORECASE)


def without_excluded(html: str) -> str:
    """``html`` without the elements that Material's search skips (``data-search-exclude``), so
    its parser need not read them: the same entries, from less HTML (a recap's chart, its lists of
    voices). An element holding a heading is kept, as the parser starts a section at a heading
    before it looks at what to skip; so is one whose end cannot be found."""
    if "data-search-exclude" not in html:
        return html
    parts: list[str] = []
    position = 0
    for match in _EXCLUDED.finditer(html):
        if match.start() < position:
            continue  # inside an element already left out
        name = match.group(1).lower()
        end = _element_end(html, name, match.end())
        if end is None or _HEADING.search(html, match.start(), end) or name in ("h1", "h2", "h3", "h4",
                                                                                "h5", "h6"):
            continue
        parts.append(html[position:match.start()])
        position = end
    parts.append(html[position:])
    return "".join(parts)


def _element_end(html: str, name: str, start: int) -> int | None:
    """Where the element named ``name`` whose start tag ends at ``start`` ends (after its end
    tag), counting elements of the same name inside it; None when it does not end."""
    depth, at = 1, start
    opening, closing = f"<{name}", f"</{name}>"
    while depth:
        close = html.find(closing, at)
        if close < 0:
            return None
        inner = html.find(opening, at, close)
        while inner >= 0:
            after = html[inner + len(opening):inner + len(opening) + 1]
            if after in (" ", ">", "\n", "\t", "/"):
                depth += 1
            inner = html.find(opening, inner + 1, close)
        depth -= 1
        at = close + len(closing)
    return at


def search_entries(search: Any, html: str, page: MkPage) -> list[dict[str, Any]]:
    """The entries Material's search makes of a page whose content is ``html``: its own parser
    and its own ``create_entry_for_section``, so they are what it would index itself (its parser
    fed by a quicker tokenizer where the HTML is in chathub's regular shape)."""
    index = search.search_index
    start = len(index.entries)
    for section in parse_sections(without_excluded(html)):
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
    entries = index.entries[start:]
    del index.entries[start:]
    return entries


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the hub is read and analysed.

    Reading and analysing creates about ten objects per post and frees almost none: the
    collector's passes over them found nothing, and took a third of the analysis time at 100,000
    posts. Reference counting frees memory as usual; the collector's state is restored after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _hub_root(config: MkDocsConfig) -> Path:
    """The hub's folder: where its mkdocs.yml is (chats/, .cache/ and the rest are beside it)."""
    return Path(config.config_file_path).parent if config.config_file_path else Path.cwd()


def _heap_size() -> int:
    """What the process holds, counted cheaply: Python's allocated memory blocks (counting them
    walks the allocator's arenas, about a millisecond, where ``gc.get_freeze_count`` walks every
    frozen object: 80 ms at six million), or the frozen objects where the allocator cannot say."""
    return sys.getallocatedblocks() or gc.get_freeze_count()


def _configured_site_url(config_file_path: str | None) -> str | None:
    """``site_url`` as mkdocs.yml sets it (through MkDocs' own YAML loader: !ENV, INHERIT), "" when
    it sets none, None when the file cannot be read."""
    if not config_file_path:
        return None
    try:
        with open(config_file_path, "rb") as stream:
            data = yaml_load(stream)
    except Exception:  # MkDocs itself reports a file it cannot read
        return None
    value = data.get("site_url") if isinstance(data, dict) else None
    return str(value) if value else ""


def insert_head(html: str, head: str) -> str:
    """``head`` just before the page's ``</head>`` (or at the start of a page without one)."""
    at = html.find("</head>")
    if at < 0:
        at = html.lower().find("</head>")
    return html[:at] + head + html[at:] if at >= 0 else head + html


def _private(file: File, chats_dir: Path) -> bool:
    """A file in chats/ (when it sits inside docs_dir) or any raw transcript."""
    if file.src_uri.endswith(TRANSCRIPT_SUFFIXES):
        return True
    source = getattr(file, "abs_src_path", None)
    return bool(source) and Path(source).resolve().is_relative_to(chats_dir.resolve())


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's compiled templates, kept across ``mkdocs serve`` rebuilds: MkDocs makes a new
    Jinja environment for every build, which would compile Material's templates again each time.
    Jinja checks each one against its template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


def compile_options(env: jinja2.Environment) -> str:
    """What decides the code a template compiles to, besides its source (a setting held by a
    function has a new identity each build, so its templates are not reused)."""
    return repr((type(env), sorted(env.extensions), env.block_start_string, env.block_end_string,
                 env.variable_start_string, env.variable_end_string, env.comment_start_string,
                 env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
                 env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                 env.autoescape, env.finalize, env.optimized, env.code_generator_class,
                 env.undefined, env.is_async))


class HubPage(MkDocsPage):
    """A page chathub writes: its Markdown source is empty (chathub renders its content), so
    MkDocs need not set up a Markdown converter, with every extension the hub configures, to
    convert nothing. Set as the file's page, which MkDocs' nav then uses."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()


class ServedCopy(File):
    """A file of chathub's cache (a social card) in ``mkdocs serve``'s site: hard-linked to the
    cache's file where the file system allows, else copied. Serve rebuilds its temporary site from
    scratch each time and never publishes it, and the cache's files are only ever replaced (a new
    file renamed over the old), never written in place, so the link always shows the card's bytes.
    ``mkdocs build`` copies them, as any static file."""

    kept_site: KeptSite | None = None  # the last build's site, when it is left in place

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None
        output = self.abs_dest_path
        try:
            if self.kept_site is not None and os.path.samefile(self.abs_src_path, output):
                self.kept_site.keep(output)  # the last build's link to the same card
                return
        except OSError:
            pass
        try:
            os.makedirs(os.path.dirname(output), exist_ok=True)
            if os.path.lexists(output):
                os.remove(output)
            os.link(self.abs_src_path, output)
            if self.kept_site is not None:
                self.kept_site.keep(output)  # a link has the card's own time: this build's file
        except OSError:  # another file system, or one without hard links
            super().copy_file(dirty)


class ChatHubConfig(base.Config):
    enabled = c.Type(bool, default=True)
    chats_dir = c.Type(str, default="chats")
    timezone = c.Type(str, default="UTC")
    organization = c.Optional(c.Type(str))
    hide = c.ListOfItems(c.Type((str, int)), default=[])
    per_page = c.Type(int, default=20)
    long_hashtag = c.Type(int, default=16)
    lead_keywords = c.Optional(c.ListOfItems(c.Type(str)))
    fetch_before = c.Type(int, default=15)
    fetch_after = c.Type(int, default=30)
    feed_length = c.Type(int, default=50)
    feed_ttl = c.Type(int, default=720)
    social_cards = c.Type(bool, default=True)
    networks = c.ListOfItems(c.Choice(("x", "bluesky", "mastodon")), default=["x"])
    mastodon_instances = c.ListOfItems(c.Type(str), default=["mastodon.social"])
    mastodon_max_characters = c.Type(int, default=500)


class ChatHubPlugin(BasePlugin[ChatHubConfig]):
    """Adds announcement pages, the hub index and the hub's files to a MkDocs build.

    Under ``mkdocs serve`` the plugin instance lives across rebuilds (because it has
    ``on_startup``), and so do its renderer and the HTML of every page it rendered, keyed by
    the page's inputs (``Page.key``) and by what every page depends on (the hub's settings and
    the templates): a rebuild renders again only the pages whose inputs changed.
    """

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self.site = Site()
        self.pages: dict[str, Page] = {}
        self.renderer = Renderer()
        self.templates = ""  # fingerprint of the renderer's template files
        self.serving = False
        self.dirty = False  # serve --dirty: MkDocs leaves the site's files in place
        self.kept_site = KeptSite()  # under serve: the last build's files, for pages that come out the same
        self.shared_key = ""  # fingerprint of the hub's settings and templates, for this build
        # (src_uri, key, shared key) -> [HTML, search entries or None]
        self.cache: dict[tuple[str, str, str], list[Any]] = {}
        self.kept: dict[tuple[str, str, str], list[Any]] = {}  # the previous build's cache
        self.rendered: set[str] = set()  # pages rendered (not reused) in the current build
        self.searched: set[str] = set()  # pages whose search entries were made (not reused)
        # A chathub page's content reaches the theme (and search) as this placeholder; its HTML
        # goes into the finished page (on_post_page), just before MkDocs writes it.
        self.placeholder = f"<!--chathub:page:{secrets.token_hex(8)}-->"
        self.search: Any = None  # Material's search plugin, when the site has it
        self.kept_entries = KeptEntries(Path(SEARCH_FILE), "")  # its entries for chathub's pages
        self.restore_meta: dict[str, Any] = {}  # src_uri -> the page's own meta "search"
        # Under serve: a page's finished HTML around its content, (before, after), by the page's
        # cache key and everything the theme reads (nav, config, theme files, the page's place).
        self.frames: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.kept_frames: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.theme_key = ""  # fingerprint of the config, the theme's files and the nav, this build
        self.reused: dict[str, tuple[Any, ...]] = {}  # src_uri -> frame key, pages the theme skips
        self.kit_checks: dict[str, Problems] = {}  # under serve: each chat's kit problems, by its inputs
        self.frozen = False  # whether this plugin froze the garbage collector's objects
        self.collected_at = 0  # what the process held at the first freeze after the last collection
        self.compiled: dict[str, CompiledTemplates] = {}  # under serve, by compile_options
        self.configured_site_url: str | None = None  # mkdocs.yml's own, whatever serve sets
        self.problems: list[str] = []  # under serve: the errors of the last build, shown on every page
        self.last_good: tuple[Hub, Site] | None = None  # under serve: the last hub that built cleanly
        self.stale = False  # under serve: whether the site shown is the last good one (not this build's)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Exists so MkDocs keeps this plugin (its renderer and page cache) across serve
        rebuilds; pages are kept only when serving."""
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self.kept_site.discard()

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Under serve (not --dirty), the last build's files are set aside before MkDocs empties
        the site folder, and put back after (``on_files``): pages that come out the same are left
        in place (``on_post_page``). Only with the plugins chathub knows, which write every file
        of theirs anew (what the build did not write is the last build's, and goes)."""
        if self.serving and not self.dirty and set(config.plugins) <= _KNOWN_PLUGINS:
            self.kept_site.set_aside(config.site_dir)

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.kept_site.tidy()
        if self.search is not None and not self.problems and not self.serving:
            self.kept_entries.save()  # serve keeps its pages' entries in memory

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        forget_catalogues()  # a catalogue added under serve is found by the next build
        problem = zone_problem(self.config.timezone)
        if problem:
            raise PluginError(f"chathub: timezone: {problem}")
        for name in ("feed_length", "feed_ttl"):
            if self.config[name] < 1:
                raise PluginError(f"chathub: {name} must be at least 1, got {self.config[name]}")
        warning = fixed_offset_warning(self.config.timezone)
        if warning:
            log.info(f"chathub: timezone: {warning}")
        if str(THEME_TEMPLATES) not in config.theme.dirs:
            config.theme.dirs.append(str(THEME_TEMPLATES))
        custom = config.theme.custom_dir
        renderer = Renderer([Path(custom)] if custom else [], cache_dir=_hub_root(config) / TEMPLATE_CACHE)
        templates = renderer.templates_key()
        # Keep the renderer, with its compiled templates, while no template file changed. (Jinja
        # reloads an edited template, but not one that a new override now hides.)
        if renderer.dirs != self.renderer.dirs or templates != self.templates:
            self.renderer, self.templates = renderer, templates
            invite.forget_templates()  # the invite kit's plain-text templates likewise
        return config

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None
                    ) -> tuple[list, list]:
        """Also reads the site_url that mkdocs.yml sets, before ``mkdocs serve`` replaces it with
        the dev server's address: links that leave the site keep the public one."""
        self.configured_site_url = _configured_site_url(config_file_path)
        return super().load_config(options, config_file_path)

    def _hub_config(self, config: MkDocsConfig):  # type: ignore[no-untyped-def]
        root = _hub_root(config)
        site_url = config.site_url
        if self.serving and self.configured_site_url is not None:
            site_url = self.configured_site_url
        site = {"site_url": site_url, "site_name": config.site_name, "theme": config.theme}
        try:
            return make_config(root, dict(self.config), site)
        except ConfigError as exc:
            raise PluginError(f"chathub: {exc}") from None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.kept_site.put_back()  # MkDocs has emptied the site folder
        self._thaw()  # what an earlier build in this process froze can be collected again
        with _collector_paused():
            files = self._add_files(files, config)
            # What exists now lives until the pages are written (under `mkdocs build`, until the
            # process ends), so the collector need not go over it again while pages are rendered,
            # nor on the way out: that took a second at 100,000 posts, and under serve as long in
            # each rebuild. The next build in this process lets it be collected first.
            gc.freeze()
            self.frozen = True
            self.collected_at = self.collected_at or _heap_size()
        return files

    def _thaw(self) -> None:
        """Let what an earlier build froze be collected. Most of it is freed as soon as nothing
        refers to it; what only cycles hold is collected when what the process holds has grown by
        a quarter since the last collection (the collector's own rule for its oldest objects),
        rather than by going over all of it in every rebuild."""
        if self.frozen:
            held = _heap_size()
            gc.unfreeze()
            if held > self.collected_at * 1.25:
                gc.collect()
                self.collected_at = 0  # the next freeze counts what is left
            self.frozen = False

    def _add_files(self, files: Files, config: MkDocsConfig) -> Files:
        hub_config = self._hub_config(config)
        if hub_config.enabled:
            hub, problems = load_hub(hub_config)
        else:  # a quick preview: no chat file or transcript is read
            hub, problems = Hub(hub_config), Problems()
            log.info("chathub: enabled: false: no chat is read; the chat pages are notices")
        settings = fingerprint(self.templates, [
            (f.name, getattr(hub_config, f.name)) for f in fields(hub_config) if f.name != "now"])
        checked: dict[str, Problems] = {}
        for chat in hub.chats:  # what chathub check calls an error fails the build too
            # Under serve, a chat whose file, settings and templates did not change is not checked again.
            key = fingerprint(settings, repr(chat), chat.source.read_bytes()) if self.serving else ""
            found = self.kit_checks.get(key) if key else None
            if found is None:
                found = Problems()
                try:
                    found.extend(check_kit(chat, hub.config, invite.built_kits(hub)))
                except HubError as exc:  # a broken kit template (theme_overrides/): its error once
                    for problem in exc.problems:
                        found.append(problem)
            if key:
                checked[key] = found
            for problem in found.items:
                problems.append(problem)
        self.kit_checks = checked
        url_warning = site_url_warning(hub_config)
        if url_warning:
            log.info(f"chathub: {url_warning}")
        for warning in problems.warnings:  # advice (chathub check shows it too): never fails --strict
            log.info(str(warning))
        errors = problems.errors
        site = None
        if not errors:
            try:
                site = plan_site(hub)
            except HubError as exc:
                errors = list(exc.problems)
        if errors:
            for error in errors:
                log.error(str(error))
            if not self.serving:
                count = len(errors)
                raise PluginError(f"chathub: {count} problem{'s' * (count != 1)} in chat files or "
                                  "transcripts")
            hub, site = self._fallback(hub)
            self.problems = [str(error) for error in errors]
            log.warning("chathub: serving the last site that built cleanly until the problems "
                        "above are fixed")
        else:
            self.problems = []
            if self.serving:
                self.last_good = (hub, site)
        assert site is not None
        self.hub = hub
        self.site = site
        for file in [f for f in files if _private(f, hub.config.chats_dir)]:
            files.remove(file)  # chat files and raw transcripts are never published
        self.pages = {}
        self.rendered = set()
        self.searched = set()
        self.search = material_search(config)
        self.kept_entries = KeptEntries(_hub_root(config) / SEARCH_FILE, search_version(self.search))
        self.kept_frames, self.frames, self.reused = self.frames, {}, {}
        self.kept, self.cache = self.cache, {}
        self.shared_key = fingerprint(self.templates, self.search is not None, [
            (f.name, getattr(hub.config, f.name)) for f in fields(hub.config) if f.name != "now"])
        for page in self.site.pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            # No front matter to write and parse again: on_page_markdown sets the page's meta.
            file = File.generated(config, page.src_uri, content="", inclusion=inclusion)
            HubPage(None, file, config)  # becomes file.page
            files.append(file)
            self.pages[page.src_uri] = page
        for asset in self.site.assets:
            if asset.source is not None:
                if self.serving:
                    served = ServedCopy.generated(config, asset.path, abs_src_path=str(asset.source))
                    served.kept_site = self.kept_site
                    files.append(served)
                else:
                    files.append(File.generated(config, asset.path, abs_src_path=str(asset.source)))
            else:
                files.append(File.generated(config, asset.path, content=asset.content))
        return files

    def _fallback(self, hub: Hub) -> tuple[Hub, Site]:
        """Under serve, for a build with errors: the last hub and site that built cleanly, or the
        chats that load (or none), so the browser gets pages and the list of problems."""
        self.stale = self.last_good is not None
        if self.last_good is not None:
            return self.last_good
        for candidate in (hub, Hub(hub.config, [])):
            try:
                return candidate, plan_site(candidate)
            except HubError:
                continue
        return Hub(hub.config, []), Site()

    def on_build_error(self, *, error: Exception) -> None:
        self._thaw()
        self.kept_site.discard()

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Under serve: what every page's theme depends on, to know which pages' finished HTML
        can be written as it was (none when a plugin chathub does not know is at work)."""
        self.theme_key = ""
        if self.serving and set(config.plugins) <= _KNOWN_PLUGINS:
            self.theme_key = fingerprint(theme_files_key(config.theme.dirs), _config_view(config),
                                         _nav_view(nav.items))
        return nav

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
               ) -> jinja2.Environment:
        """Under serve, the theme's templates are compiled once, not again for every rebuild."""
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = self.compiled.setdefault(compile_options(env), CompiledTemplates())
        return env

    def on_page_markdown(self, markdown: str, *, page: MkPage, config: MkDocsConfig,
                         files: Files) -> str:
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return markdown
        page.meta.update(title=str(escape(spec.title)), search={"exclude": not spec.searchable})
        if self.theme_key and spec.key and not self.problems:
            frame_key = (spec.src_uri, spec.key, self.shared_key, self.theme_key, _place_view(page))
            if frame_key in self.kept_frames:
                self.reused[spec.src_uri] = frame_key
                page.meta["template"] = KEPT_TEMPLATE
        return ""

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig,
                        files: Files) -> str:
        """A chathub page's content is a placeholder until its file is written (so no page's
        HTML waits in memory for the others, and search never parses it); other pages get the
        upcoming chats. Under serve, the problems to fix go above every page."""
        assert self.hub is not None
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            content = self.placeholder
        elif UPCOMING_MARKER in html:
            upcoming = self.renderer.render(
                "chathub/upcoming.html", page.url, self.hub.config.language, hub=self.hub,
                config=self.hub.config, **upcoming_view(self.hub),
            )
            content = html.replace(UPCOMING_MARKER, upcoming)
        else:
            content = html
        if self.problems:  # under serve: what to fix, above the last good page
            try:
                notice = self.renderer.render("chathub/problems.html", page.url, problems=self.problems,
                                              stale=self.stale)
            except Exception:  # a broken override of the template must not hide the problems
                notice = "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in self.problems) + "</ul>"
            content = notice + content
        return content

    def _cached(self, spec: Page) -> list[Any]:
        """The page's [HTML, search entries, written]: entries None until made, written True once
        the HTML is the content as written (``_content``). Rendered now, or under serve kept from
        the last build when none of the page's inputs changed."""
        if not (self.serving and spec.key):
            cache_key = (spec.src_uri, "", "")
            found = self.cache.get(cache_key)
            if found is None:
                self.rendered.add(spec.src_uri)
                found = self.cache[cache_key] = [self._render(spec), None, False]
            return found
        cache_key = (spec.src_uri, spec.key, self.shared_key)
        found = self.cache.get(cache_key) or self.kept.get(cache_key)
        if found is None:
            found = [self._render(spec), None, False]
            self.rendered.add(spec.src_uri)
        self.cache[cache_key] = found
        return found

    def _render(self, spec: Page) -> str:
        assert self.hub is not None
        try:
            return render_page(self.renderer, spec, self.hub)
        except HubError as exc:
            raise PluginError(f"chathub: {exc}") from None

    @event_priority(100)  # before search indexes the page and the theme renders it
    def on_page_context(self, context: dict[str, Any], *, page: MkPage, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        """A chathub page is rendered here, one page at a time, and kept only until its file is
        written. Material's search gets a searchable page's entries from chathub (made once by
        its own parser, and under serve kept with the page's HTML), and skips the page itself."""
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return context
        found = self._cached(spec)
        content = page.content or ""
        if "<h1" in found[0]:  # the theme writes a page title when the content has no <h1>
            page.content = content = content.replace(self.placeholder, self.placeholder + "<!--<h1-->")
        if not spec.searchable:
            return context
        if self.search is None:  # another search plugin: it reads the page's real content
            page.content = self._fill(content, found[0])
            return context
        entries = found[1]
        if entries is None:
            html = self._fill(content, found[0])
            # Kept on disk by what they are made of (entries made with the problems notice are
            # not kept): the page's HTML, URL and meta; and what all of them depend on
            # (``search_version``).
            key = "" if self.problems or page.toc.items else fingerprint(
                html.encode(), page.url, sorted(page.meta.items()))
            entries = self.kept_entries.get(key) if key else None
            if entries is None:
                entries = search_entries(self.search, html, page)
                self.searched.add(spec.src_uri)
                if key:
                    self.kept_entries.put(key, entries)
            if not self.problems:
                found[1] = entries
        self.search.search_index.entries.extend(dict(entry) for entry in entries)
        self.restore_meta[spec.src_uri] = page.meta.get("search")
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return context

    def _fill(self, output: str, html: str) -> str:
        """``output`` with the page's content in its placeholder's place."""
        return output.replace(self.placeholder + "<!--<h1-->", html).replace(self.placeholder, html)

    @event_priority(50)  # the whole page, before any other plugin sees it
    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        """chathub's head tags and assets go into the finished page, so no theme template that a
        hub overrides (main.html, base.html, a partial) can drop them. A chathub page's ``<html
        lang>`` is its own language: Material writes the hub's (``theme.language``), and a French
        chat in an English hub has French pages. Then the page's content takes its placeholder's
        place. Under serve, a page none of whose inputs changed is written as it was, or its last
        file left in place."""
        if self.hub is None:
            return output
        spec = self.pages.get(page.file.src_uri)
        if spec is not None and spec.src_uri in self.restore_meta:
            page.meta["search"] = self.restore_meta.pop(spec.src_uri)
        frame_key = self.reused.get(page.file.src_uri)
        if spec is not None and frame_key is not None:
            before, after = self.frames[frame_key] = self.kept_frames[frame_key]
            parts = (before, self._content(spec), after)
            if self.kept_site.restore(page.file.src_uri, page.file.abs_dest_path, parts):
                return ""  # the last build's file, left in place: nothing for MkDocs to write
            return "".join(parts)
        output = insert_head(output, render_head(self.renderer, spec, self.hub, page.url))
        if spec is None:
            return output
        output = set_html_lang(output, writable(page_language(spec, self.hub)).tag)
        html = self._content(spec)
        if not (self.serving and spec.key):  # kept only while the page is built
            self.cache.pop((spec.src_uri, "", ""), None)
        if self.theme_key and spec.key and not self.problems:
            output = output.replace(self.placeholder + "<!--<h1-->", self.placeholder)
            parts = output.split(self.placeholder)
            if len(parts) == 2:
                frame_key = (spec.src_uri, spec.key, self.shared_key, self.theme_key, _place_view(page))
                self.frames[frame_key] = (parts[0], parts[1])
        return self._fill(output, html)

    def _content(self, spec: Page) -> str:
        """The page's content as it is written: Material's search takes its data-search-*
        attributes out of every page it indexes."""
        found = self._cached(spec)
        html = found[0]
        if found[2]:
            return html
        if self.search is not None and "data-search-" in html:
            html = without_search_attributes(html)
        if not spec.searchable or found[1] is not None:  # search needs the HTML no more: keep
            found[0], found[2] = html, True  # what is written (serve writes it again as it is)
        return html

    def on_post_template(self, output_content: str, *, template_name: str,
                         config: MkDocsConfig) -> str:
        """Theme pages with no source (404.html), which any path can show: absolute links."""
        if self.hub is None or not template_name.endswith(".html"):
            return output_content
        base = (urlsplit(config.site_url or "").path or "/").rstrip("/") + "/"
        head = render_head(self.renderer, None, self.hub, "", base)
        if template_name == "404.html":
            output_content = self._not_found(output_content, base)
        return insert_head(output_content, head)

    def _not_found(self, html: str, base: str) -> str:
        """Material's "404 - Not found" heading becomes chathub's page: links to the chats and to
        search (a hub's own 404.html, without that heading, is left as it is)."""
        assert self.hub is not None
        at = html.find(MATERIAL_NOT_FOUND)
        if at < 0:
            return html
        content = self.renderer.render("chathub/not_found.html", "", self.hub.config.language,
                                       hub=self.hub, config=self.hub.config, base=base)
        return html[:at] + content + html[at + len(MATERIAL_NOT_FOUND):]

    def on_template_context(self, context: dict[str, Any], *, template_name: str,
                            config: MkDocsConfig) -> dict[str, Any]:
        """Pages that ask search engines not to index them (invite kits) stay out of sitemap.xml."""
        if template_name == "sitemap.xml" and self.pages:
            hidden = {p.src_uri for p in self.pages.values() if p.context.get("noindex")}
            context["pages"] = [f for f in context.get("pages") or [] if f.src_uri not in hidden]
        return context

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> Any:
        chats_dir = self._hub_config(config).chats_dir
        if chats_dir.is_dir():
            server.watch(str(chats_dir))
        return server

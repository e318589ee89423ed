"""The MkDocs adapter: chathub's pages and files join the build, and chats/ is watched."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml
from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from . import assets
from .config import make_config
from .loader import load_hub, zone_problem
from .model import Hub
from .problems import HubError
from .render import Renderer
from .site import Page, Site, plan_site, render_head, render_page

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page as MkPage

log = logging.getLogger("mkdocs.plugins.chathub")
THEME_DIR = Path(__file__).parent / "theme"
UPCOMING_MARKER = "<!-- chathub:upcoming -->"
TRANSCRIPT_SUFFIX = ".tweets.json"


def _private(file: File, chats_dir: Path) -> bool:
    """A file in chats/ (when it sits inside docs_dir) or any raw transcript."""
    if file.src_uri.endswith(TRANSCRIPT_SUFFIX):
        return True
    source = getattr(file, "abs_src_path", None)
    return bool(source) and Path(source).resolve().is_relative_to(chats_dir.resolve())


class ChatHubConfig(base.Config):
    chats_dir = c.Type(str, default="chats")
    timezone = c.Type(str, default="UTC")
    organization = c.Optional(c.Type(str))
    hide = c.ListOfItems(c.Type(str), default=[])
    per_page = c.Type(int, default=20)
    long_hashtag = c.Type(int, default=16)
    lead_keywords = c.Optional(c.ListOfItems(c.Type(str)))
    fetch_before = c.Type(int, default=15)
    fetch_after = c.Type(int, default=30)


class ChatHubPlugin(BasePlugin[ChatHubConfig]):
    """Adds announcement pages, the hub index and the hub's files to a MkDocs build."""

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self.site = Site()
        self.pages: dict[str, Page] = {}
        self.renderer = Renderer()
        self.cache: dict[tuple[str, str], str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Exists so MkDocs keeps this plugin (and its render cache) across serve rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        problem = zone_problem(self.config.timezone)
        if problem:
            raise PluginError(f"chathub: timezone: {problem}")
        dirs = config.theme.dirs
        custom = config.theme.custom_dir
        dirs.insert(1 if custom and dirs and Path(dirs[0]) == Path(custom) else 0, str(THEME_DIR))
        for item in assets.asset_names():
            target = config.extra_css if item.endswith(".css") else config.extra_javascript
            if item not in [str(x) for x in target]:
                target.append(item)
        self.renderer = Renderer([Path(custom)] if custom else [])
        return config

    def _hub_config(self, config: MkDocsConfig):  # type: ignore[no-untyped-def]
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return make_config(root, dict(self.config), config)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        hub, problems = load_hub(self._hub_config(config))
        for warning in problems.warnings:
            log.warning(str(warning))
        if problems.errors:
            for error in problems.errors:
                log.error(str(error))
            count = len(problems.errors)
            raise PluginError(f"chathub: {count} problem{'s' * (count != 1)} in chat files")
        self.hub = hub
        try:
            self.site = plan_site(hub)
        except HubError as exc:
            for problem in exc.problems:
                log.error(str(problem))
            raise PluginError("chathub: cannot read a transcript") from None
        for file in [f for f in files if _private(f, hub.config.chats_dir)]:
            files.remove(file)  # chat files and raw transcripts are never published
        self.pages = {}
        for page in self.site.pages:
            front = yaml.safe_dump(
                {"title": str(escape(page.title)), "search": {"exclude": not page.searchable}},
                allow_unicode=True,
            )
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src_uri, content=f"---\n{front}---\n",
                                        inclusion=inclusion))
            self.pages[page.src_uri] = page
        for asset in self.site.assets:
            files.append(File.generated(config, asset.path, content=asset.content))
        return files

    def on_page_markdown(self, markdown: str, *, page: MkPage, config: MkDocsConfig,
                         files: Files) -> str:
        return "" if page.file.src_uri in self.pages else markdown

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig,
                        files: Files) -> str:
        assert self.hub is not None
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            if UPCOMING_MARKER in html:
                upcoming = self.renderer.render(
                    "chathub/upcoming.html", page.url, hub=self.hub, chats=self.hub.upcoming()
                )
                html = html.replace(UPCOMING_MARKER, upcoming)
            return html
        cache_key = (spec.src_uri, spec.key)
        if not spec.key or cache_key not in self.cache:
            try:
                self.cache[cache_key] = render_page(self.renderer, spec, self.hub)
            except HubError as exc:
                raise PluginError(f"chathub: {exc}") from None
        return self.cache[cache_key]

    def on_page_context(self, context: dict[str, Any], *, page: MkPage, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        if self.hub is not None:
            spec = self.pages.get(page.file.src_uri)
            context["chathub_head"] = Markup(render_head(self.renderer, spec, self.hub, page.url))
        return context

    def on_template_context(self, context: dict[str, Any], *, template_name: str,
                            config: MkDocsConfig) -> dict[str, Any]:
        """Theme pages with no source (404.html) advertise the feed too, by absolute path."""
        if self.hub is not None:
            base = urlsplit(config.site_url or "").path or "/"
            href = base.rstrip("/") + "/feed.xml"
            context["chathub_head"] = Markup(render_head(self.renderer, None, self.hub, "", href))
        return context

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> Any:
        chats_dir = self._hub_config(config).chats_dir
        if chats_dir.is_dir():
            server.watch(str(chats_dir))
        return server

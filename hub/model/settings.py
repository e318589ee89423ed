"""Hub settings: read from the chathub plugin's options, or from ``mkdocs.yml`` for the CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

DEFAULT_LEAD_KEYWORDS = [
    "looking for",
    "recommend",
    "budget",
    "rfp",
    "vendor",
    "pricing",
    "quote",
    "demo",
    "switching",
    "alternative to",
]

from .chat import HubConfig  # noqa: E402
from .networks import (  # noqa: E402
    DEFAULT_MASTODON_INSTANCES,
    DEFAULT_NETWORKS,
    HIDE_HELP,
    NETWORKS,
    hide_entry,
    instance_problem,
)


class ConfigError(Exception):
    """mkdocs.yml is missing or does not configure the chathub plugin."""


def current_time() -> datetime:
    """Now, or the instant in ``CHATHUB_NOW`` (ISO 8601 with offset) for reproducible builds."""
    fixed = os.environ.get("CHATHUB_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            moment.astimezone(UTC)
        except (ValueError, OverflowError):
            raise ConfigError(f"CHATHUB_NOW must be an ISO 8601 instant like 2026-06-01T12:00:00Z, "
                              f"got {fixed[:40]!r}") from None
        return moment
    return datetime.now(UTC)


def _option(options: Mapping[str, Any], name: str) -> Any:
    """A plugin option, or HubConfig's default when it is missing or left empty."""
    value = options.get(name)
    if value is None:
        return next(f.default for f in fields(HubConfig) if f.name == name)
    return value


def _whole(options: Mapping[str, Any], name: str) -> int:
    """A whole-number option, or a ConfigError naming it."""
    value = _option(options, name)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit() \
            or len(str(value).strip()) > 6:
        raise ConfigError(f"the chathub option {name} must be a whole number (0 or more), got "
                          f"{str(value)[:40]!r}")
    return int(value)


def _check_types(options: Mapping[str, Any]) -> None:
    """The options' types, as MkDocs checks them for the plugin (the CLI reads mkdocs.yml itself)."""
    texts = ("chats_dir", "timezone", "organization")
    for name in texts:
        value = options.get(name)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"the chathub option {name} must be text, got {str(value)[:40]!r}")
    for name, item in (("hide", (str, int)), ("lead_keywords", (str,))):
        value = options.get(name)
        if value is not None and (not isinstance(value, list) or not all(
                isinstance(v, item) and not isinstance(v, bool) for v in value)):
            raise ConfigError(f"the chathub option {name} must be a list of "
                              f"{'handles or ids' if name == 'hide' else 'words'}")


def _hide(entries: list[str | int]) -> list[str]:
    """The plugin's ``hide`` list as it is matched; an entry that names nothing is an error (it
    would hide no one)."""
    found = []
    for raw in entries:
        entry = hide_entry(str(raw))
        if entry is None:
            raise ConfigError("the chathub option hide: " + HIDE_HELP.format(value=repr(str(raw)[:60])))
        found.append(entry)
    return found


def make_config(root: Path, options: Mapping[str, Any], site: Mapping[str, Any]) -> HubConfig:
    """Build a HubConfig from plugin options and the site-wide mkdocs settings."""
    _check_types(options)
    chats_dir = Path(options.get("chats_dir") or "chats")
    return HubConfig(
        root=root,
        chats_dir=chats_dir if chats_dir.is_absolute() else root / chats_dir,
        timezone=_option(options, "timezone"),
        organization=(options.get("organization") or "").removeprefix("@"),
        site_url=site.get("site_url") or "",
        site_name=site.get("site_name") or "Chat hub",
        hide=_hide(options.get("hide") or []),
        per_page=_whole(options, "per_page"),
        long_hashtag=_whole(options, "long_hashtag"),
        lead_keywords=list(options.get("lead_keywords") or DEFAULT_LEAD_KEYWORDS),
        fetch_before=_whole(options, "fetch_before"),
        fetch_after=_whole(options, "fetch_after"),
        enabled=bool(_option(options, "enabled")),
        feed_length=_whole(options, "feed_length"),
        feed_ttl=_whole(options, "feed_ttl"),
        social_cards=bool(_option(options, "social_cards")),
        palette=_palette(site.get("theme")),
        networks=_networks(options.get("networks")),
        mastodon_instances=_instances(options.get("mastodon_instances")),
        mastodon_max_characters=_whole(options, "mastodon_max_characters"),
        custom_dir=_custom_dir(root, site.get("theme")),
        language=_theme_language(site.get("theme")),
        now=current_time(),
    )


def _theme_option(theme: Any, name: str) -> Any:
    """An option of the theme, from mkdocs.yml's mapping or from MkDocs' Theme object."""
    if isinstance(theme, Mapping) or hasattr(theme, "get"):
        return theme.get(name)
    return None


def _palette(theme: Any) -> tuple[str, str]:
    """Material's primary and accent colour names (of the first scheme when there are several)."""
    palette = _theme_option(theme, "palette")
    if isinstance(palette, list):
        palette = next((p for p in palette if isinstance(p, Mapping)), None)
    if not isinstance(palette, Mapping):
        palette = {}
    names = []
    for key in ("primary", "accent"):
        value = palette.get(key)
        names.append(str(value).strip().lower().replace(" ", "-") if value else "indigo")
    return names[0], names[1]


def _networks(value: Any) -> list[str]:
    """The hub's default networks (option ``networks``), checked."""
    if value is None or value == []:
        return list(DEFAULT_NETWORKS)
    names = [value] if isinstance(value, str) else list(value)
    for name in names:
        if str(name).lower() not in NETWORKS:
            raise ConfigError(f"the chathub option networks: unknown network {name!r}; known networks: "
                              f"{', '.join(NETWORKS)}")
    return list(dict.fromkeys(str(n).lower() for n in names))


def _instances(value: Any) -> list[str]:
    """The Mastodon servers to read hashtags from (option ``mastodon_instances``), checked."""
    if value is None or value == []:
        return list(DEFAULT_MASTODON_INSTANCES)
    names = [value] if isinstance(value, str) else list(value)
    for name in names:
        problem = instance_problem(str(name))
        if problem:
            raise ConfigError(f"the chathub option mastodon_instances: {problem}")
    return list(dict.fromkeys(str(n).strip().lower() for n in names))


def _custom_dir(root: Path, theme: Any) -> Path | None:
    """The theme's custom_dir, from mkdocs.yml's mapping or from MkDocs' Theme object."""
    value = getattr(theme, "custom_dir", None)  # MkDocs' Theme (itself a Mapping of options)
    if value is None and isinstance(theme, Mapping):
        value = theme.get("custom_dir")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else root / path


SITE_URL_AFFECTS = ("links in the feed", "the calendars' links and event UIDs (which end in @chathub)",
                    "the links in invite posts", "the social cards' og:url")


def site_url_warning(config: HubConfig) -> str | None:
    """Why a hub without ``site_url`` should set it (None when it is set)."""
    if config.site_url:
        return None
    return ("site_url is not set in mkdocs.yml, so " + ", ".join(SITE_URL_AFFECTS[:-1])
            + f" and {SITE_URL_AFFECTS[-1]} are relative or missing; set it to the site's public "
            "address, like https://you.github.io/hub/")


def _theme_language(theme: Any) -> str:
    """The hub's language: ``theme.language`` (Material's default is ``en``)."""
    value = None
    if isinstance(theme, Mapping) or hasattr(theme, "get"):
        value = theme.get("language")  # mkdocs.yml's mapping, or MkDocs' Theme object
    return str(value).strip() if value else "en"


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it holds !!python/name or !ENV tags (it ignores them)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _ignore_tag)


def find_mkdocs_yml(start: Path) -> Path:
    """The mkdocs.yml in ``start``."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        candidate = start / name
        if candidate.is_file():
            return candidate
    raise ConfigError(f"no mkdocs.yml in {start}; run chathub from the hub's folder")


def load_config(start: Path | None = None) -> HubConfig:
    """Read the hub's settings from the mkdocs.yml in ``start`` (default: the current folder)."""
    path = find_mkdocs_yml(start or Path.cwd())
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(f"{path}: cannot read it: {str(exc)[:300]}") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: not a mapping of settings")
    options: Mapping[str, Any] = {}
    plugins = data.get("plugins") or []
    if not isinstance(plugins, list | Mapping):
        raise ConfigError(f"{path}: plugins must be a list")
    for entry in plugins if isinstance(plugins, list) else []:
        if entry == "chathub":
            break
        if isinstance(entry, Mapping) and "chathub" in entry:
            options = entry["chathub"] or {}
            break
    else:
        if isinstance(plugins, Mapping) and "chathub" in plugins:
            options = plugins["chathub"] or {}
    if not isinstance(options, Mapping):
        raise ConfigError(f"{path}: the chathub plugin's options must be a mapping")
    return make_config(path.parent, options, data)
